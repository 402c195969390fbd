#include "policy/decide.h"

#include "cedar/schema_data.h"
#include "policy/offense.h"
#include "policy/scenario.h"

namespace tg::policy {
namespace {

using nlohmann::json;

json Uid(const std::string& type, const std::string& id) { return {{"type", type}, {"id", id}}; }

json AgencyAttrs(const records::Agency& a) {
  return {{"name", a.name}, {"kind", a.kind}, {"state", a.state.empty() ? "US" : a.state}};
}

}  // namespace

const std::vector<std::string>& DataCategories() {
  static const std::vector<std::string> kCategories = {
      "identity", "dob",     "address", "birthplace", "immigration_status",
      "release",  "custody", "charges", "criminal_history", "photo",
      "court",    "checkin", "alpr",    "stop",       "gang"};
  return kCategories;
}

Result<std::unique_ptr<Decider>> Decider::Load(const std::string& root,
                                               const std::vector<std::string>& packs,
                                               const std::string& schema_path,
                                               const std::string& offense_codes_csv) {
  auto composed = LoadPacks(root, packs, schema_path);
  if (!composed.ok()) return composed.status();
  auto problems = ValidatePacks(*composed);
  if (!problems.empty()) {
    std::string msg = "policy packs do not validate against " + composed->schema_path + ":";
    for (const auto& p : problems) msg += "\n  " + p;
    return Status::InvalidArgument(msg);
  }
  std::unique_ptr<Decider> d(new Decider());
  d->packs_ = std::move(composed.value());
  d->authorizer_ = std::make_unique<cedar::Authorizer>(d->packs_.policies);
  auto actions = cedar::ActionEntities(*d->packs_.schema);
  if (!actions.ok()) return Status::Internal("schema action entities: " + actions.status().message());
  d->action_entities_ = std::make_unique<cedar::Entities>(std::move(actions.value()));
  if (!offense_codes_csv.empty()) {
    auto table = OffenseCodeTable::Load(offense_codes_csv);
    if (!table.ok()) return table.status();
    d->offense_codes_.emplace(std::move(table.value()));
  }
  return d;
}

Explanation Decider::Explain(const std::string& policy_id) const {
  const PackRule* r = packs_.FindRule(policy_id);
  if (r == nullptr) return {policy_id, "", ""};
  return {r->id, r->citation, r->explain};
}

Result<std::vector<std::vector<ActionDecision>>> Decider::Decide(
    const RequestFacts& f, const std::vector<Subject>& subjects,
    const std::vector<std::string>& actions, records::TimeMs now) const {
  // Request-independent part: principal, agencies, workstation, context.
  json entities = json::array();
  std::set<std::string> agencies_added;
  auto add_agency = [&](const records::Agency& a) {
    if (agencies_added.insert(a.id).second) {
      entities.push_back({{"uid", Uid("Agency", a.id)}, {"attrs", AgencyAttrs(a)}, {"parents", json::array()}});
    }
  };
  auto add_agency_id = [&](const std::string& id) {
    if (agencies_added.insert(id).second) {
      // An agency only named by a record: its attributes are unknown to this request, and
      // policies compare it by identity, so neutral values are safe.
      entities.push_back({{"uid", Uid("Agency", id)},
                          {"attrs", {{"name", id}, {"kind", "unknown"}, {"state", "US"}}},
                          {"parents", json::array()}});
    }
  };
  add_agency(f.agency);
  entities.push_back({{"uid", Uid("User", f.user.id)},
                      {"attrs", {{"name", f.user.name}, {"agency", Uid("Agency", f.agency.id)},
                                 {"roles", f.user.roles}}},
                      {"parents", json::array()}});
  const records::Agency& recipient = f.recipient ? *f.recipient : f.agency;
  add_agency(recipient);
  json context = {{"purpose", f.purpose},
                  {"case", f.case_number},
                  {"authority", {{"kind", f.authority_kind}, {"ref", f.authority_ref}}},
                  {"reason", f.reason},
                  {"channel", f.channel},
                  {"recipient_kind", recipient.kind},
                  {"recipient_state", recipient.state.empty() ? "US" : recipient.state},
                  {"passed_on", recipient.id != f.agency.id},
                  {"record_count", f.record_count},
                  {"written_declaration", false}};
  if (!f.time.empty()) context["time"] = f.time;
  if (f.recipient) context["recipient"] = Uid("Agency", recipient.id);
  if (f.workstation) {
    add_agency_id(f.workstation->agency_id);
    entities.push_back({{"uid", Uid("Workstation", f.workstation->id)},
                        {"attrs", {{"agency", Uid("Agency", f.workstation->agency_id)},
                                   {"location", f.workstation->location}}},
                        {"parents", json::array()}});
    context["workstation"] = Uid("Workstation", f.workstation->id);
  }

  // Per-record entities.
  std::set<std::string> persons_added;
  std::set<std::pair<std::string, std::string>> subjects_added;
  auto person_attrs = [&](const Subject& s) -> Result<json> {
    OffenseFacts facts;
    for (const auto& c : s.convictions) facts.convictions.push_back(FromConviction(c));
    facts.sex_registrant = s.sex_registrant;
    facts.arson_registrant = s.arson_registrant;
    auto q = Qualify(facts, offense_codes_ ? &*offense_codes_ : nullptr, now);
    if (!q.ok()) return q.status();
    json a = QualificationAttributes(*q);
    a["agency"] = Uid("Agency", s.agency);
    return a;
  };
  for (const auto& s : subjects) {
    add_agency_id(s.agency);
    if (!subjects_added.insert({s.type, s.id}).second) continue;
    json attrs;
    if (s.type == "Booking") {
      if (persons_added.insert(s.person_id).second) {
        auto pa = person_attrs(s);
        if (!pa.ok()) return pa.status();
        entities.push_back({{"uid", Uid("Person", s.person_id)}, {"attrs", *pa}, {"parents", json::array()}});
      }
      attrs = {{"agency", Uid("Agency", s.agency)},
               {"person", Uid("Person", s.person_id)},
               {"custody_status", s.custody_status}};
    } else if (s.type == "Person") {
      if (!persons_added.insert(s.id).second) continue;
      auto pa = person_attrs(s);
      if (!pa.ok()) return pa.status();
      attrs = *pa;
    } else if (s.type == "PlateRead" || s.type == "Plate") {
      attrs = {{"agency", Uid("Agency", s.agency)}, {"state", s.state}};
    } else {
      return Status::InvalidArgument("unknown subject type " + s.type);
    }
    entities.push_back({{"uid", Uid(s.type, s.id)}, {"attrs", attrs}, {"parents", json::array()}});
  }

  auto store = cedar::ParseEntitiesWithSchema(*packs_.schema, entities, *action_entities_);
  if (!store.ok()) return Status::Internal("entities: " + store.status().message());
  std::vector<cedar::Value> contexts;
  std::vector<cedar::EntityUid> action_uids;
  for (const auto& a : actions) {
    auto uid = cedar::EntityUid::Make("Action", a);
    action_uids.push_back(uid);
    // Actions mostly share one context type: reuse the last parse when it conforms.
    if (!contexts.empty() && cedar::ContextConforms(*packs_.schema, uid, contexts.back())) {
      contexts.push_back(contexts.back());
      continue;
    }
    auto ctx = cedar::ParseContextWithSchema(*packs_.schema, uid, context);
    if (!ctx.ok()) return Status::Internal("context for " + a + ": " + ctx.status().message());
    contexts.push_back(std::move(ctx.value()));
  }

  std::vector<std::vector<ActionDecision>> out;
  out.reserve(subjects.size());
  auto principal = cedar::EntityUid::Make("User", f.user.id);
  for (const auto& s : subjects) {
    auto resource = cedar::EntityUid::Make(s.type, s.type == "Person" ? s.id : s.id);
    std::vector<ActionDecision> row;
    row.reserve(actions.size());
    for (size_t j = 0; j < actions.size(); ++j) {
      cedar::Request req{principal, action_uids[j], resource, contexts[j]};
      cedar::Response r = authorizer_->IsAuthorized(req, *store);
      PackDecision pd = DecisionOf(r, packs_);
      ActionDecision d{actions[j], pd.outcome, pd.policies, pd.errors};
      if (!d.errors.empty() && d.outcome == "allow") d.outcome = "deny";  // default deny on error
      row.push_back(std::move(d));
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace tg::policy
