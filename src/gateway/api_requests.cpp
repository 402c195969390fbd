// POST /v1/requests: a request from an outside agency about a booking (hold, notify,
// transfer, interview, info). Recorded in the store, decided under policy (accepted,
// declined, or referred to counsel), answered with citations, and the notices the policy
// requires are created (a copy of an immigration request for the person concerned).
#include <set>

#include "gateway/gateway_impl.h"
#include "gateway/json_body.h"

namespace tg::gateway {

using nlohmann::json;

void Gateway::Impl::AddRequestRoutes() {
  router.Add("POST", "/v1/requests", Audited([this](ExchangePtr x) {
    if (!Authenticate(x) || !ParseDeclarations(x)) return;
    auto parsed = ParseObjectBody(x->request.body);
    if (!parsed.ok()) return Fail(x, 400, "invalid_json", parsed.status().message(), "invalid");
    const json& body = *parsed;
    if (auto unknown = UnknownField(body, {"kind", "booking_id", "reason", "authority"}, ""); !unknown.empty())
      return Fail(x, 400, "invalid_field", unknown, "invalid");
    static const std::set<std::string> kinds = {"hold", "notify", "transfer", "interview", "info"};
    auto str = [&](const char* k) -> std::optional<std::string> {
      if (!body.contains(k)) return std::string{};
      if (!body[k].is_string()) return std::nullopt;
      return body[k].get<std::string>();
    };
    auto kind = str("kind");
    auto booking_id = str("booking_id");
    auto reason = str("reason");
    if (!kind || !kinds.count(*kind)) {
      return Fail(x, 400, "invalid_field", "kind: one of hold, notify, transfer, interview, info", "invalid");
    }
    if (!booking_id || booking_id->empty()) return Fail(x, 400, "invalid_field", "booking_id: required string", "invalid");
    if (!reason) return Fail(x, 400, "invalid_field", "reason: must be a string", "invalid");
    // The body's authority, when given, is the request's authority (it names the document).
    if (body.contains("authority")) {
      const json& a = body["authority"];
      if (!a.is_object() || !a.contains("kind") || !a["kind"].is_string() || (a.contains("ref") && !a["ref"].is_string())) {
        return Fail(x, 400, "invalid_field", "authority: {\"kind\": \"...\", \"ref\": \"...\"} (strings)", "invalid");
      }
      if (auto unknown = UnknownField(a, {"kind", "ref"}, "authority"); !unknown.empty())
        return Fail(x, 400, "invalid_field", unknown, "invalid");
      x->facts.authority_kind = a["kind"].get<std::string>();
      x->facts.authority_ref = a.value("ref", "");
      if (!AuthorityKinds().count(x->facts.authority_kind)) {
        return Fail(x, 400, "invalid_field",
                    "authority.kind: unknown kind \"" + x->facts.authority_kind + "\"" + OneOf(AuthorityKinds()),
                    "invalid");
      }
      x->audit.authority_kind = x->facts.authority_kind;
      x->audit.authority_ref = x->facts.authority_ref;
    }
    if (!reason->empty()) {
      x->facts.reason = *reason;
      x->audit.reason = *reason;
    }
    auto booking = store->GetBooking(*booking_id);
    if (!booking.ok()) {
      int st = booking.status().code() == Code::kNotFound ? 404 : 503;
      return Fail(x, st, st == 404 ? "not_found" : "store_unavailable", booking.status().message(),
                  st == 404 ? "not_found" : "error");
    }
    auto convictions = store->ConvictionsByPerson(booking->person_id);
    auto person = store->GetPerson(booking->person_id);
    if (!convictions.ok() || !person.ok()) return Fail(x, 503, "store_unavailable", "cannot read the person", "error");
    policy::Subject s;
    s.type = "Booking";
    s.id = booking->booking_id;
    s.agency = "lasd";
    if (auto owner = store->GetMeta("jail_agency"); owner.ok() && owner->has_value()) s.agency = **owner;
    s.person_id = booking->person_id;
    s.custody_status = booking->custody_status;
    s.convictions = *convictions;
    s.sex_registrant = person->sex_registrant;
    s.arson_registrant = person->arson_registrant;
    std::string action = "request_" + *kind;
    auto decided = decider->Decide(x->facts, {s}, {action}, records::NowMs());
    if (!decided.ok()) return Fail(x, 500, "policy_error", decided.status().message(), "error");
    const auto& d = (*decided)[0][0];
    x->audit.decisions.push_back({booking->booking_id, d.action, d.outcome, d.policies, d.errors});
    std::string decision = d.allowed() ? "accepted" : d.outcome == "referred" ? "referred" : "declined";
    json citations = json::array();
    for (const auto& id : d.policies) {
      auto e = decider->Explain(id);
      citations.push_back({{"policy", e.policy_id}, {"citation", e.citation}, {"explain", e.explain}});
    }
    if (d.policies.empty() && decision == "declined") {
      citations.push_back({{"policy", "default-deny"}, {"citation", ""},
                           {"explain", "No policy in force permits this request."}});
    }

    auto now = records::NowMs();
    records::AgencyRequest ar;
    ar.kind = *kind;
    ar.booking_id = booking->booking_id;
    ar.person_id = booking->person_id;
    ar.requesting_agency = x->facts.agency.id;
    ar.requested_by = x->facts.user.id;
    ar.authority_kind = x->facts.authority_kind;
    ar.authority_ref = x->facts.authority_ref;
    ar.reason = x->facts.reason;
    ar.received_at = now;
    ar.outcome = decision;
    ar.decided_at = now;
    json notices = json::array();
    Status st = store->RunInTransaction([&]() -> Status {
      auto id = store->InsertAgencyRequest(ar);
      if (!id.ok()) return id.status();
      auto notice = [&](const std::string& recipient, const std::string& nkind, const std::string& text) -> Status {
        records::Notice n;
        n.request_id = *id;
        n.booking_id = ar.booking_id;
        n.person_id = ar.person_id;
        n.recipient = recipient;
        n.kind = nkind;
        n.channel = "mail";
        n.sent_at = now;
        n.body = text;
        auto nid = store->InsertNotice(n);
        if (!nid.ok()) return nid.status();
        notices.push_back({{"id", *nid}, {"recipient", recipient}, {"kind", nkind}});
        return Status::OK();
      };
      // Immigration requests: the person gets a copy (Cal. Gov. Code 7283.1(a), TRUTH Act).
      if (x->facts.agency.kind == "immigration" ||
          x->facts.purpose == "civil_immigration" || x->facts.purpose == "criminal_immigration") {
        TG_RETURN_IF_ERROR(notice("person:" + ar.person_id, "request_copy",
                                  "A copy of the " + ar.kind + " request from " + x->facts.agency.name +
                                      " (" + ar.authority_kind + (ar.authority_ref.empty() ? "" : " " + ar.authority_ref) +
                                      "), decided: " + decision + "."));
      }
      if (decision == "referred") {
        TG_RETURN_IF_ERROR(notice("counsel", "referral", "Request referred to counsel: " + ar.kind + " for " + ar.booking_id));
      }
      return Status::OK();
    });
    if (!st.ok()) return Fail(x, 503, "store_unavailable", st.message(), "error");
    x->audit.records.push_back(booking->booking_id);
    x->audit.released.push_back({});
    Finish(x, 200, decision, {{"decision", decision}, {"citations", citations}, {"notices", notices}});
  }));
}

}  // namespace tg::gateway
