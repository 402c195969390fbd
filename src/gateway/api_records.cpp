// Record routes: bookings (one, by release window, by name), persons, and the public
// locator. Each record's categories are decided by policy; only released fields are sent.
#include <charconv>

#include "gateway/gateway_impl.h"

namespace tg::gateway {
namespace {

// The categories a booking record carries (design.md's field table).
const std::vector<std::string>& BookingCategories() {
  static const std::vector<std::string> k = {"identity", "dob",     "address", "birthplace",
                                             "immigration_status", "release", "custody", "charges",
                                             "criminal_history", "court",   "photo"};
  return k;
}
const std::vector<std::string>& LocatorCategories() {
  static const std::vector<std::string> k = {"identity", "custody", "charges"};
  return k;
}

std::vector<std::string> ActionsFor(const std::vector<std::string>& categories) {
  std::vector<std::string> out;
  out.reserve(categories.size());
  for (const auto& c : categories) out.push_back("read_" + c);
  return out;
}

// A booking with everything a response could carry about it.
struct BookingView {
  records::Booking booking;
  records::Person person;
  std::vector<records::Conviction> convictions;
};

// Adds the booking's fields of `category` to `rec` (sorted when the record is written).
void AddCategoryFields(const BookingView& v, const std::string& category, ObjectText& rec) {
  const auto& b = v.booking;
  if (category == "identity") {
    rec.Str("booking_id", b.booking_id);
    rec.Str("person_id", b.person_id);
    rec.Str("name", b.name);
  } else if (category == "release") {
    auto r = b.release_at();
    if (r) {
      rec.Str("release_at", records::FormatIso8601(*r));
    } else {
      rec.Key("release_at").Null();
    }
    rec.Str("release_type", b.release_type);
  } else if (category == "custody") {
    rec.Str("custody_status", b.custody_status);
    rec.Str("facility", b.facility);
    rec.Str("housing", b.housing);
  } else if (category == "charges") {
    JsonText& charges = rec.Key("charges");
    charges.Raw("[");
    for (size_t i = 0; i < b.charges.size(); ++i) {
      const auto& c = b.charges[i];
      charges.Raw(i ? ",{\"code\":" : "{\"code\":");  // keys sorted
      charges.Str(c.code);
      charges.Raw(",\"description\":");
      charges.Str(c.description);
      charges.Raw(",\"level\":");
      charges.Str(std::string_view(&c.level, 1));
      charges.Raw(",\"statute\":");
      charges.Str(c.statute);
      charges.Raw("}");
    }
    charges.Raw("]");
    rec.Key("bail").Int(b.bail);
  } else if (category == "court") {
    if (b.court_date) {
      rec.Str("court_date", records::FormatIso8601(*b.court_date));
    } else {
      rec.Key("court_date").Null();
    }
    rec.Str("court", b.court);
  } else if (category == "photo") {
    rec.Str("photo_url", b.photo_url);
  } else {
    AddPersonFields(v.person, v.convictions, category, rec);  // the categories about the person
  }
}

}  // namespace

namespace {

// Loads the person and convictions of each booking.
Result<std::vector<BookingView>> LoadViews(records::Store& store, std::vector<records::Booking> bookings) {
  std::vector<BookingView> views;
  views.reserve(bookings.size());
  for (auto& b : bookings) {
    BookingView v;
    auto p = store.GetPerson(b.person_id);
    if (!p.ok()) return p.status();
    v.person = std::move(p.value());
    auto c = store.ConvictionsByPerson(b.person_id);
    if (!c.ok()) return c.status();
    v.convictions = std::move(c.value());
    v.booking = std::move(b);
    views.push_back(std::move(v));
  }
  return views;
}

}  // namespace

std::string Gateway::Impl::JailAgency() const {
  // Bookings are all the county jail's (records' model has no owner per booking); a store
  // may name the jail in its metadata.
  auto owner = store->GetMeta("jail_agency");
  return owner.ok() && owner->has_value() ? **owner : "lasd";
}

namespace {

policy::Subject SubjectOf(const BookingView& v, const std::string& jail_agency) {
  policy::Subject s;
  s.type = "Booking";
  s.id = v.booking.booking_id;
  s.agency = jail_agency;
  s.person_id = v.booking.person_id;
  s.custody_status = v.booking.custody_status;
  s.convictions = v.convictions;
  s.sex_registrant = v.person.sex_registrant;
  s.arson_registrant = v.person.arson_registrant;
  return s;
}

}  // namespace

void Gateway::Impl::RespondWithItems(const ExchangePtr& x, std::vector<Item> items,
                                     const std::vector<std::string>& categories, bool single) {
  std::vector<policy::Subject> subjects;
  subjects.reserve(items.size());
  for (auto& it : items) subjects.push_back(std::move(it.subject));
  x->facts.record_count = static_cast<int64_t>(subjects.size());
  auto decisions = decider->Decide(x->facts, subjects, ActionsFor(categories), records::NowMs());
  if (!decisions.ok()) return Fail(x, 500, "policy_error", decisions.status().message(), "error");
  // The body written as text: the records as they are decided, the redactions beside them.
  std::string body;
  body.reserve(128 + 512 * items.size());  // grows at most a few times for bookings
  body = "{\"records\":[";
  JsonText redactions;
  redactions.Raw("[");
  ObjectText rec;
  bool any = false;
  x->audit.decisions.reserve(x->audit.decisions.size() + items.size() * categories.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    std::vector<std::string> released;
    for (size_t j = 0; j < categories.size(); ++j) {
      auto& d = (*decisions)[i][j];
      if (d.allowed()) {
        item.add_fields(categories[j], rec);
        released.push_back(categories[j]);
      } else {
        if (redactions.out.size() > 1) redactions.Raw(",");
        WriteRedaction(redactions, item.id, categories[j], d, x);
      }
      // Moved, not copied: nothing reads the decision after this.
      x->audit.decisions.push_back(
          {item.id, std::move(d.action), std::move(d.outcome), std::move(d.policies), std::move(d.errors)});
    }
    if (released.empty()) continue;  // nothing of this record may be shown (nor was added)
    x->audit.records.push_back(item.id);
    x->audit.released.push_back(std::move(released));
    if (any) body.push_back(',');
    rec.AppendTo(body);
    any = true;
  }
  redactions.Raw("]");
  if (single && !any) {
    return FinishObject(x, 403, "refused",
                        RefusalObject("policy releases nothing of this record to you", redactions.out));
  }
  body += "],\"redactions\":";
  body += redactions.out;
  body += "}";
  FinishObject(x, 200, any ? "released" : "refused", std::move(body));
}

Handler Gateway::Impl::AuditedRead(std::function<void(ExchangePtr)> fn) {
  return Audited([this, fn = std::move(fn)](ExchangePtr x) {
    bool ran = false;
    Status st = store->RunInSnapshot([&] {
      ran = true;
      fn(x);
      return Status::OK();
    });
    if (!ran) Fail(x, 503, "store_unavailable", st.message(), "error");
  });
}

void Gateway::Impl::AddRecordRoutes() {
  // Decides and answers for a set of bookings. `single`: a 404/403 rather than an empty list.
  auto answer = [this](const ExchangePtr& x, Result<std::vector<records::Booking>> found,
                       const std::vector<std::string>& categories, bool single) {
    if (!found.ok()) {
      if (found.status().code() == Code::kNotFound) {
        return Fail(x, 404, "not_found", found.status().message(), "not_found");
      }
      return Fail(x, 503, "store_unavailable", found.status().message(), "error");
    }
    auto views = LoadViews(*store, std::move(found.value()));
    if (!views.ok()) return Fail(x, 503, "store_unavailable", views.status().message(), "error");
    auto shared = std::make_shared<std::vector<BookingView>>(std::move(views.value()));
    std::string jail = JailAgency();
    std::vector<Item> items;
    items.reserve(shared->size());
    for (const auto& v : *shared) {
      const BookingView* pv = &v;
      items.push_back({SubjectOf(v, jail), v.booking.booking_id,
                       [pv](const std::string& c, ObjectText& rec) { AddCategoryFields(*pv, c, rec); }});
    }
    RespondWithItems(x, std::move(items), categories, single);
  };

  router.Add("GET", "/v1/bookings/{booking_id}", AuditedRead([this, answer](ExchangePtr x) {
    if (!Authenticate(x) || !ParseDeclarations(x)) return;
    auto b = store->GetBooking(x->request.params["booking_id"]);
    if (!b.ok()) return answer(x, b.status(), BookingCategories(), true);
    answer(x, std::vector<records::Booking>{std::move(b.value())}, BookingCategories(), true);
  }));

  router.Add("GET", "/v1/bookings", AuditedRead([this, answer](ExchangePtr x) {
    if (!Authenticate(x) || !ParseDeclarations(x)) return;
    auto within = x->request.QueryParam("release_within");
    auto name = x->request.QueryParam("name");
    if (within.has_value() == name.has_value()) {
      return Fail(x, 400, "invalid_query", "give exactly one of release_within=NNh or name=TEXT", "invalid");
    }
    if (within) {
      int hours = 0;
      const std::string& w = *within;
      auto [ptr, ec] = std::from_chars(w.data(), w.data() + w.size(), hours);
      if (ec != std::errc() || ptr != w.data() + w.size() - 1 || w.back() != 'h' || hours <= 0 || hours > 24 * 90) {
        return Fail(x, 400, "invalid_query", "release_within: expected hours like 48h (1h to 2160h)", "invalid");
      }
      auto now = records::NowMs();
      return answer(x, store->BookingsReleasedBetween(now, now + hours * records::kMsPerHour, 1000),
                    BookingCategories(), false);
    }
    if (name->size() < 2) return Fail(x, 400, "invalid_query", "name: at least 2 characters", "invalid");
    answer(x, store->FindBookingsByName(*name, 100), BookingCategories(), false);
  }));

  // The public locator: no token; the principal is the public.
  router.Add("GET", "/v1/public/inmates", AuditedRead([this, answer](ExchangePtr x) {
    x->facts.user = records::User{"public", "The public", "public", {}};
    x->facts.agency = records::Agency{"public", "The public", "public", "US", ""};
    x->facts.purpose = "public_records";
    x->facts.time = x->audit.time;
    x->audit.principal = "public";
    x->audit.agency = "public";
    x->audit.agency_kind = "public";
    x->audit.recipient_kind = "public";
    x->audit.purpose = "public_records";
    x->audit.channel = "portal";
    x->facts.channel = "portal";
    auto name = x->request.QueryParam("name");
    auto booking = x->request.QueryParam("booking");
    if (name.has_value() == booking.has_value()) {
      return Fail(x, 400, "invalid_query", "give exactly one of name=TEXT or booking=BOOKING-ID", "invalid");
    }
    if (booking) {
      // By booking number: a list like the name search (empty when there is no such booking).
      auto b = store->GetBooking(*booking);
      if (!b.ok() && b.status().code() == Code::kNotFound) {
        return answer(x, std::vector<records::Booking>{}, LocatorCategories(), false);
      }
      if (!b.ok()) return answer(x, b.status(), LocatorCategories(), false);
      return answer(x, std::vector<records::Booking>{std::move(b.value())}, LocatorCategories(), false);
    }
    if (name->size() < 2) return Fail(x, 400, "invalid_query", "name: at least 2 characters", "invalid");
    answer(x, store->FindBookingsByName(*name, 50), LocatorCategories(), false);
  }));
}

}  // namespace tg::gateway
