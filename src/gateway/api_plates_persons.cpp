// Person and ALPR routes: GET /v1/persons/{id}, GET /v1/plates/{plate}/reads?days=N (a plate
// search, itself decided as `search_plate`, then each read as `read_alpr`), and
// POST /v1/plates/reads (an agency ingesting its own reads).
#include <charconv>

#include "gateway/gateway_impl.h"
#include "gateway/json_body.h"

namespace tg::gateway {

void AddPersonFields(const records::Person& p, const std::vector<records::Conviction>& convictions,
                     const std::string& category, ObjectText& rec) {
  if (category == "identity") {
    rec.Str("person_id", p.person_id);
    rec.Str("name", p.name());
  } else if (category == "dob") {
    rec.Str("dob", p.dob);
  } else if (category == "address") {
    rec.Str("address", p.address);
    rec.Str("phone", p.phone);
    rec.Str("email", p.email);
  } else if (category == "birthplace") {
    rec.Str("birthplace", p.birthplace);
  } else if (category == "immigration_status") {
    rec.Str("immigration_status", p.immigration_status);
  } else if (category == "criminal_history") {
    JsonText& list = rec.Key("convictions");
    list.Raw("[");
    for (size_t i = 0; i < convictions.size(); ++i) {
      const auto& c = convictions[i];
      list.Raw(i ? ",{\"convicted_at\":" : "{\"convicted_at\":");  // keys sorted
      list.Str(records::FormatDate(c.convicted_at));
      list.Raw(",\"description\":");
      list.Str(c.description);
      list.Raw(",\"level\":");
      list.Str(std::string_view(&c.level, 1));
      list.Raw(",\"statute\":");
      list.Str(c.statute);
      list.Raw("}");
    }
    list.Raw("]");
  }
}

namespace {

using nlohmann::json;

void AddReadFields(const records::PlateRead& r, ObjectText& rec) {
  rec.Str("plate", r.plate);
  rec.Str("state", r.state);
  rec.Str("read_at", records::FormatIso8601(r.read_at));
  if (r.lat) {
    rec.Key("lat").Double(*r.lat);
  } else {
    rec.Key("lat").Null();
  }
  if (r.lon) {
    rec.Key("lon").Double(*r.lon);
  } else {
    rec.Key("lon").Null();
  }
  rec.Str("device", r.device);
  rec.Str("agency", r.agency);
}

}  // namespace

void Gateway::Impl::AddPersonAndPlateRoutes() {
  router.Add("GET", "/v1/persons/{person_id}", AuditedRead([this](ExchangePtr x) {
    if (!Authenticate(x) || !ParseDeclarations(x)) return;
    auto person = store->GetPerson(x->request.params["person_id"]);
    if (!person.ok()) {
      int st = person.status().code() == Code::kNotFound ? 404 : 503;
      return Fail(x, st, st == 404 ? "not_found" : "store_unavailable", person.status().message(),
                  st == 404 ? "not_found" : "error");
    }
    auto convictions = store->ConvictionsByPerson(person->person_id);
    if (!convictions.ok()) return Fail(x, 503, "store_unavailable", convictions.status().message(), "error");
    auto p = std::make_shared<records::Person>(std::move(person.value()));
    auto c = std::make_shared<std::vector<records::Conviction>>(std::move(convictions.value()));
    policy::Subject s;
    s.type = "Person";
    s.id = p->person_id;
    s.agency = JailAgency();
    s.convictions = *c;
    s.sex_registrant = p->sex_registrant;
    s.arson_registrant = p->arson_registrant;
    static const std::vector<std::string> categories = {"identity", "dob", "address", "birthplace",
                                                        "immigration_status", "criminal_history"};
    std::vector<Item> items;
    items.push_back({std::move(s), p->person_id,
                     [p, c](const std::string& cat, ObjectText& rec) { AddPersonFields(*p, *c, cat, rec); }});
    RespondWithItems(x, std::move(items), categories, true);
  }));

  router.Add("GET", "/v1/plates/{plate}/reads", AuditedRead([this](ExchangePtr x) {
    if (!Authenticate(x) || !ParseDeclarations(x)) return;
    std::string plate = x->request.params["plate"];
    int days = 7;
    if (auto d = x->request.QueryParam("days")) {
      auto [p, ec] = std::from_chars(d->data(), d->data() + d->size(), days);
      if (ec != std::errc() || p != d->data() + d->size() || days < 1 || days > 365) {
        return Fail(x, 400, "invalid_query", "days: a whole number from 1 to 365", "invalid");
      }
    }
    // The search itself is decided first (SB 34 and similar laws restrict who may search).
    policy::Subject search;
    search.type = "Plate";
    search.id = plate;
    search.agency = x->facts.agency.id;
    auto decided = decider->Decide(x->facts, {search}, {"search_plate"}, records::NowMs());
    if (!decided.ok()) return Fail(x, 500, "policy_error", decided.status().message(), "error");
    const auto& d = (*decided)[0][0];
    x->audit.decisions.push_back({plate, d.action, d.outcome, d.policies, d.errors});
    if (!d.allowed()) {
      JsonText redactions;
      redactions.Raw("[");
      WriteRedaction(redactions, plate, "alpr", d, x);
      redactions.Raw("]");
      return FinishObject(x, 403, "refused", RefusalObject("policy does not let you search plates", redactions.out));
    }
    auto now = records::NowMs();
    auto reads = store->PlateReads(plate, now - days * records::kMsPerDay, now + records::kMsPerMinute, 1000);
    if (!reads.ok()) return Fail(x, 503, "store_unavailable", reads.status().message(), "error");
    auto shared = std::make_shared<std::vector<records::PlateRead>>(std::move(reads.value()));
    std::vector<Item> items;
    for (const auto& r : *shared) {
      policy::Subject s;
      s.type = "PlateRead";
      s.id = "read-" + std::to_string(r.id);
      s.agency = r.agency;
      s.state = r.state.empty() ? "US" : r.state;
      const records::PlateRead* pr = &r;
      std::string id = s.id;
      items.push_back({std::move(s), std::move(id),
                       [pr, shared](const std::string&, ObjectText& rec) { AddReadFields(*pr, rec); }});
    }
    RespondWithItems(x, std::move(items), {"alpr"}, false);
  }));

  router.Add("POST", "/v1/plates/reads", Audited([this](ExchangePtr x) {
    if (!Authenticate(x) || !ParseDeclarations(x)) return;
    auto parsed = ParseObjectBody(x->request.body);
    if (!parsed.ok()) return Fail(x, 400, "invalid_json", parsed.status().message(), "invalid");
    const json& body = *parsed;
    if (!body.contains("reads") || !body["reads"].is_array()) {
      return Fail(x, 400, "invalid_field", "expected {\"reads\": [{plate, state, read_at, lat, lon, device}]}", "invalid");
    }
    if (auto unknown = UnknownField(body, {"reads"}, ""); !unknown.empty())
      return Fail(x, 400, "invalid_field", unknown, "invalid");
    std::vector<records::PlateRead> reads;
    for (size_t i = 0; i < body["reads"].size(); ++i) {
      const json& r = body["reads"][i];
      std::string where = "reads[" + std::to_string(i) + "]";
      if (!r.is_object() || !r.contains("plate") || !r["plate"].is_string() || !r.contains("read_at") ||
          !r["read_at"].is_string()) {
        return Fail(x, 400, "invalid_field", where + ": plate and read_at (ISO 8601) are required strings", "invalid");
      }
      if (auto unknown = UnknownField(r, {"plate", "state", "read_at", "lat", "lon", "device"}, where); !unknown.empty())
        return Fail(x, 400, "invalid_field", unknown, "invalid");
      for (const char* k : {"state", "device"})
        if (r.contains(k) && !r[k].is_string()) return Fail(x, 400, "invalid_field", where + "." + k + ": must be a string", "invalid");
      for (const char* k : {"lat", "lon"})
        if (r.contains(k) && !r[k].is_number()) return Fail(x, 400, "invalid_field", where + "." + k + ": must be a number", "invalid");
      records::PlateRead pr;
      pr.plate = r["plate"].get<std::string>();
      auto t = records::ParseIso8601(r["read_at"].get<std::string>());
      if (!t.ok()) return Fail(x, 400, "invalid_field", where + ".read_at: " + t.status().message(), "invalid");
      pr.read_at = *t;
      pr.state = r.value("state", "");
      pr.device = r.value("device", "");
      if (r.contains("lat")) pr.lat = r["lat"].get<double>();
      if (r.contains("lon")) pr.lon = r["lon"].get<double>();
      // An agency ingests its own reads only: the reads are recorded as its data.
      pr.agency = x->facts.agency.id;
      if (pr.plate.empty() || pr.plate.size() > 64) return Fail(x, 400, "invalid_field", where + ".plate: 1 to 64 characters", "invalid");
      reads.push_back(std::move(pr));
    }
    if (reads.size() > 10000) return Fail(x, 400, "invalid_field", "reads: at most 10000 per request", "invalid");
    Status s = store->InsertPlateReads(reads);
    if (!s.ok()) return Fail(x, 503, "store_unavailable", s.message(), "error");
    Finish(x, 200, "accepted", {{"ingested", reads.size()}});
  }));
}

}  // namespace tg::gateway
