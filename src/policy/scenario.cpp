#include "policy/scenario.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "base/json_error.h"
#include "cedar/schema_data.h"
#include "policy/offense.h"
#include "policy/scenario_gateway.h"

namespace tg::policy {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The namespace prefix of the domain types ("" or "TrustGate::"), found from where Agency is.
std::string NamespaceOf(const cedar::Schema& schema) {
  for (const auto& [name, decl] : schema.entity_types) {
    const std::string suffix = "Agency";
    if (name == suffix) return "";
    if (name.size() > suffix.size() + 2 &&
        name.compare(name.size() - suffix.size() - 2, std::string::npos, "::" + suffix) == 0) {
      return name.substr(0, name.size() - suffix.size());
    }
  }
  return "";
}

json Uid(const std::string& ns, const std::string& type, const std::string& id) {
  return {{"type", ns + type}, {"id", id}};
}

// A neutral value for a required attribute the scenario does not care about, so scenarios
// keep working when the schema grows (entity references cannot be invented: null).
json DefaultFor(const cedar::SchemaType& t) {
  using K = cedar::SchemaType::Kind;
  switch (t.kind) {
    case K::kBool: return false;
    case K::kLong: return 0;
    case K::kString: return "";
    case K::kSet: return json::array();
    case K::kRecord: {
      json r = json::object();
      for (const auto& [k, a] : t.attributes) {
        if (!a.required) continue;
        json d = DefaultFor(*a.type);
        if (!d.is_null()) r[k] = d;
      }
      return r;
    }
    default: return nullptr;
  }
}

// Adds defaults for missing required attributes and drops attributes the type does not
// declare (a scenario written for a richer schema still runs; a policy that needs the
// attribute fails validation, which the pack tests report).
void FitToType(const cedar::SchemaType& t, json* value) {
  if (t.kind != cedar::SchemaType::Kind::kRecord || !value->is_object()) return;
  for (auto it = value->begin(); it != value->end();) {
    if (!t.attributes.count(it.key())) {
      it = value->erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [k, a] : t.attributes) {
    if (value->contains(k)) {
      FitToType(*a.type, &(*value)[k]);
    } else if (a.required) {
      json d = DefaultFor(*a.type);
      if (!d.is_null()) (*value)[k] = d;
    }
  }
}

Result<records::TimeMs> DateOf(const json& j, const std::string& where) {
  if (!j.is_string()) return Status::InvalidArgument(where + ": a date must be a string");
  auto t = records::ParseIso8601(j.get<std::string>());
  if (!t.ok()) return Status::InvalidArgument(where + ": " + t.status().message());
  return *t;
}

Result<OffenseRecord> ReadOffense(const json& j, const std::string& id) {
  if (!j.is_object()) return Status::InvalidArgument(id + ": an offense must be an object");
  OffenseRecord r;
  r.id = j.value("id", id);
  r.statute = j.value("statute", "");
  r.code = j.value("code", "");
  std::string level = j.value("level", "F");
  r.level = level.empty() ? 'F' : level[0];
  r.degree = j.value("degree", 0);
  if (j.contains("date")) {
    auto d = DateOf(j["date"], id);
    if (!d.ok()) return d.status();
    r.date = *d;
  }
  // A sentence text ("state prison 3 years") says it, as records::Conviction::sentence does.
  std::string sentence = j.value("sentence", "");
  for (auto& ch : sentence) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  r.state_prison = j.value("state_prison", sentence.find("state prison") != std::string::npos);
  r.sex_registrable = j.value("sex_registrable", false);
  r.arson_registrable = j.value("arson_registrable", false);
  r.prop47_reduced = j.value("prop47_reduced", false);
  r.federal_aggravated_felony = j.value("federal_aggravated_felony", false);
  r.great_bodily_injury = j.value("great_bodily_injury", false);
  r.firearm_use = j.value("firearm_use", false);
  r.on_bail_or_own_recognizance = j.value("on_bail_or_own_recognizance", false);
  r.with_priors = j.value("with_priors", false);
  return r;
}

Result<OffenseFacts> ReadFacts(const json& person) {
  OffenseFacts f;
  for (const char* key : {"convictions", "pending_charges"}) {
    if (!person.contains(key)) continue;
    if (!person[key].is_array()) return Status::InvalidArgument(std::string(key) + " must be an array");
    int n = 0;
    for (const auto& c : person[key]) {
      auto r = ReadOffense(c, std::string(key == std::string("convictions") ? "conviction " : "charge ") +
                                  std::to_string(++n));
      if (!r.ok()) return r.status();
      (key == std::string("convictions") ? f.convictions : f.pending_charges).push_back(*r);
    }
  }
  f.sex_registrant = person.value("sex_registrant", false);
  f.arson_registrant = person.value("arson_registrant", false);
  f.federal_felony_warrant = person.value("federal_felony_warrant", false);
  return f;
}

const json& Section(const json& doc, const char* key) {
  static const json kEmpty = json::object();
  return doc.contains(key) && doc[key].is_object() ? doc[key] : kEmpty;
}

std::string Normalize(const std::string& outcome) {
  if (outcome == "accepted") return "allow";
  if (outcome == "declined") return "deny";
  return outcome;
}

}  // namespace

PackDecision DecisionOf(const cedar::Response& response, const ComposedPacks& packs) {
  PackDecision d;
  d.policies = response.reasons;
  for (const auto& e : response.errors) d.errors.push_back(e.policy_id + ": " + e.message);
  if (response.decision == cedar::Decision::kAllow) {
    d.outcome = "allow";
    return d;
  }
  d.outcome = "deny";
  for (const auto& id : response.reasons) {
    const PackRule* r = packs.FindRule(id);
    if (r != nullptr && r->outcome == "referred") d.outcome = "referred";
  }
  return d;
}

int ScenarioReport::passed() const {
  return static_cast<int>(std::count_if(results.begin(), results.end(),
                                        [](const CaseResult& r) { return r.pass; }));
}
int ScenarioReport::failed() const { return static_cast<int>(results.size()) - passed(); }

ScenarioRunner::ScenarioRunner(const ComposedPacks& packs, const OffenseCodeTable* table)
    : packs_(packs), table_(table), authorizer_(packs.policies) {}

Result<PackDecision> ScenarioRunner::Decide(const json& doc, const json& c,
                                            const std::string& action) const {
  const cedar::Schema& schema = *packs_.schema;
  const std::string ns = NamespaceOf(schema);
  const json& agencies = Section(doc, "agencies");
  const json& users = Section(doc, "users");
  const json& stations = Section(doc, "workstations");

  records::TimeMs now = records::NowMs();
  for (const json* src : {&doc, &c}) {
    if (src->contains("now")) {
      auto t = DateOf((*src)["now"], "now");
      if (!t.ok()) return t.status();
      now = *t;
    }
  }

  json entities = json::array();
  auto add = [&](const std::string& type, const std::string& id, json attrs, json parents) {
    const cedar::EntityTypeDecl* decl = schema.FindEntityType(ns + type);
    if (decl != nullptr) {
      FitToType(*decl->shape, &attrs);
      // Users are members of their Agency only where the schema declares it.
      json allowed = json::array();
      for (const auto& p : parents) {
        if (decl->member_of.count(p["type"].get<std::string>())) allowed.push_back(p);
      }
      parents = allowed;
    }
    entities.push_back({{"uid", Uid(ns, type, id)}, {"attrs", attrs}, {"parents", parents}});
  };
  for (const auto& [id, a] : agencies.items()) {
    add("Agency", id, {{"kind", a.value("kind", "")}, {"state", a.value("state", "")},
                       {"name", a.value("name", id)}}, json::array());
  }
  auto agency_of = [&](const std::string& id, const std::string& where) -> Result<const json*> {
    if (!agencies.contains(id)) return Status::InvalidArgument(where + ": unknown agency '" + id + "'");
    return &agencies[id];
  };
  for (const auto& [id, u] : users.items()) {
    std::string agency = u.value("agency", "");
    auto a = agency_of(agency, "user " + id);
    if (!a.ok()) return a.status();
    add("User", id, {{"agency", Uid(ns, "Agency", agency)},
                     {"roles", u.value("roles", json::array())},
                     {"name", u.value("name", id)}},
        json::array({Uid(ns, "Agency", agency)}));
  }
  for (const auto& [id, w] : stations.items()) {
    std::string agency = w.value("agency", "");
    auto a = agency_of(agency, "workstation " + id);
    if (!a.ok()) return a.status();
    add("Workstation", id, {{"agency", Uid(ns, "Agency", agency)},
                            {"location", w.value("location", "")}}, json::array());
  }

  // The principal and the effective recipient.
  const std::string user = c.value("user", "");
  if (!users.contains(user)) return Status::InvalidArgument("unknown user '" + user + "'");
  const std::string user_agency = users[user].value("agency", "");
  const json req = c.value("request", json::object());
  std::string recipient = req.value("recipient", user_agency);
  auto rec = agency_of(recipient, "request.recipient");
  if (!rec.ok()) return rec.status();

  // The resource, and the Person it concerns with its qualification.
  const json res = c.value("resource", json::object());
  const std::string rtype = res.value("type", "Booking");
  const std::string rid = res.value("id", "R1");
  const std::string ragency = res.value("agency", user_agency);
  if (!agencies.contains(ragency)) return Status::InvalidArgument("resource: unknown agency '" + ragency + "'");
  json rattrs = {{"agency", Uid(ns, "Agency", ragency)}};
  if (rtype == "Booking" || rtype == "Person") {
    const json person = res.value("person", json::object());
    auto facts = ReadFacts(person);
    if (!facts.ok()) return Status::InvalidArgument("resource.person: " + facts.status().message());
    auto q = Qualify(*facts, table_, now);
    if (!q.ok()) return Status::InvalidArgument("resource.person: " + q.status().message());
    json pattrs = QualificationAttributes(*q);
    pattrs["agency"] = Uid(ns, "Agency", ragency);
    const std::string pid = person.value("id", rid + "-person");
    if (rtype == "Booking") {
      add("Person", pid, pattrs, json::array());
      rattrs["person"] = Uid(ns, "Person", pid);
      rattrs["custody_status"] = res.value("custody_status", "in_custody");
    } else {
      rattrs = pattrs;
    }
  }
  if (rtype == "PlateRead") rattrs["state"] = res.value("state", "CA");
  if (rtype == "GangEntry") rattrs["reviewed_within_5y"] = res.value("reviewed_within_5y", true);
  if (res.contains("attrs")) rattrs.update(res["attrs"]);
  add(rtype, rid, rattrs, json::array());
  for (const auto& a : cedar::ActionEntitiesJson(schema)) entities.push_back(a);

  auto store = cedar::ParseEntitiesWithSchema(schema, entities);
  if (!store.ok()) return Status::InvalidArgument("entities: " + store.status().message());

  // The context, as the gateway builds it from the TrustGate-* headers.
  json authority = req.value("authority", json("none"));
  if (authority.is_string()) authority = {{"kind", authority.get<std::string>()}, {"ref", ""}};
  json context = {{"purpose", req.value("purpose", "")},
                  {"case", req.value("case", "")},
                  {"authority", authority},
                  {"reason", req.value("reason", "")},
                  {"channel", req.value("channel", "api")},
                  {"recipient_kind", (*rec)->value("kind", "")},
                  {"recipient_state", (*rec)->value("state", "")},
                  {"passed_on", recipient != user_agency},
                  {"record_count", req.value("record_count", 1)},
                  {"written_declaration", req.value("written_declaration", false)}};
  if (req.contains("workstation")) {
    std::string ws = req["workstation"].get<std::string>();
    if (!stations.contains(ws)) return Status::InvalidArgument("unknown workstation '" + ws + "'");
    context["workstation"] = Uid(ns, "Workstation", ws);
  }
  const cedar::EntityUid action_uid = cedar::EntityUid::Make(ns + "Action", action);
  const cedar::ActionDecl* adecl = schema.FindAction({ns + "Action", action});
  if (adecl == nullptr) return Status::InvalidArgument("the schema has no action '" + action + "'");
  FitToType(*adecl->context, &context);
  auto ctx = cedar::ParseContextWithSchema(schema, action_uid, context);
  if (!ctx.ok()) return Status::InvalidArgument("context: " + ctx.status().message());

  cedar::Request request;
  request.principal = cedar::EntityUid::Make(ns + "User", user);
  request.action = action_uid;
  request.resource = cedar::EntityUid::Make(ns + rtype, rid);
  request.context = *ctx;
  Status valid = cedar::ValidateRequest(schema, request);
  if (!valid.ok()) return Status::InvalidArgument("request: " + valid.message());
  return DecisionOf(authorizer_.IsAuthorized(request, *store), packs_);
}

ScenarioReport ScenarioRunner::Run(const json& doc, const std::string& file) const {
  ScenarioReport report;
  const json cases = doc.value("cases", json::array());
  for (size_t index = 0; index < cases.size(); ++index) {
    const json& c = cases[index];
    // A value of the wrong type anywhere in the case (a string where a number belongs, say)
    // fails that case with the parser's words, rather than ending the run.
    try {
      RunCase(doc, c, file, report);
    } catch (const json::exception& e) {
      std::string why(WithoutJsonExceptionTag(e.what()));
      std::string name = c.is_object() && c.contains("name") && c["name"].is_string() ? c["name"].get<std::string>()
                                                                                      : "case " + std::to_string(index);
      report.results.push_back({file, name, "", "", {}, false, "malformed case: " + why});
    }
  }
  return report;
}

void ScenarioRunner::RunCase(const json& doc, const json& c, const std::string& file, ScenarioReport& report) const {
  const std::string name = c.value("name", "(unnamed)");
  const json expect = c.value("expect", json::object());
  if (expect.empty()) {
    report.results.push_back({file, name, "", "", {}, false, "case has no expectations"});
    return;
  }
  for (const auto& [action, e] : expect.items()) {
    CaseResult r;
    r.file = file;
    r.name = name;
    r.action = action;
    std::string want_policy, want_citation;
    if (e.is_string()) {
      r.expected = Normalize(e.get<std::string>());
    } else {
      r.expected = Normalize(e.value("outcome", ""));
      want_policy = e.value("policy", "");
      want_citation = e.value("citation", "");
    }
    auto d = Decide(doc, c, action);
    if (!d.ok()) {
      r.message = d.status().message();
      report.results.push_back(std::move(r));
      continue;
    }
    r.actual = *d;
    r.pass = true;
    if (r.actual.outcome != r.expected) {
      r.pass = false;
      r.message = "expected " + r.expected + ", got " + r.actual.outcome;
    } else if (!r.actual.errors.empty()) {
      r.pass = false;
      r.message = "policy evaluation error: " + r.actual.errors.front();
    } else if (!want_policy.empty() &&
               std::find(r.actual.policies.begin(), r.actual.policies.end(), want_policy) ==
                   r.actual.policies.end()) {
      r.pass = false;
      r.message = "expected policy " + want_policy + " to decide it";
    } else if (!want_citation.empty()) {
      bool cited = false;
      for (const auto& id : r.actual.policies) {
        const PackRule* rule = packs_.FindRule(id);
        if (rule != nullptr && rule->citation.find(want_citation) != std::string::npos) cited = true;
      }
      if (!cited) {
        r.pass = false;
        r.message = "no deciding policy cites '" + want_citation + "'";
      }
    }
    if (r.pass && decider_ != nullptr) {
      auto g = DecideWithGateway(*decider_, doc, c, action);
      if (g.has_value()) {
        if (!g->ok()) {
          r.pass = false;
          r.message = "the gateway's Decider could not decide it: " + g->status().message();
        } else if ((*g)->outcome != r.actual.outcome || !(*g)->errors.empty()) {
          r.pass = false;
          r.message = "the gateway's Decider decides " + (*g)->outcome +
                      ((*g)->errors.empty() ? "" : " with error " + (*g)->errors.front());
        } else {
          ++report.cross_checked;
        }
      }
    }
    if (!r.pass && !r.actual.policies.empty()) {
      r.message += " (decided by:";
      for (const auto& id : r.actual.policies) r.message += " " + id;
      r.message += ")";
    }
    report.results.push_back(std::move(r));
  }
}

Result<json> LoadScenarioFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  json doc = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument(path + ": not a JSON object");
  }
  if (!doc.contains("cases") || !doc["cases"].is_array()) {
    return Status::InvalidArgument(path + ": missing \"cases\" array");
  }
  return doc;
}

std::vector<std::string> ScenarioFiles(const std::string& pack_dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(pack_dir) / "scenarios", ec)) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> ScenarioPacks(const json& doc, const std::string& default_pack) {
  std::vector<std::string> packs;
  if (doc.contains("packs") && doc["packs"].is_array()) {
    for (const auto& p : doc["packs"]) {
      if (p.is_string()) packs.push_back(p.get<std::string>());
    }
  }
  if (packs.empty()) packs.push_back(default_pack);
  return packs;
}

Result<ScenarioReport> RunPackScenarios(const std::string& root, const std::string& pack,
                                        const std::string& offense_codes,
                                        const std::string& schema_path) {
  std::optional<OffenseCodeTable> table;
  if (!offense_codes.empty()) {
    auto t = OffenseCodeTable::Load(offense_codes);
    if (!t.ok()) return t.status();
    table = std::move(t).value();
  }
  auto manifest = LoadPackManifest(root, pack);
  if (!manifest.ok()) return manifest.status();
  ScenarioReport report;
  std::vector<std::string> files = ScenarioFiles(manifest->dir);
  if (files.empty()) {
    return Status::NotFound("pack " + pack + " has no scenarios (" + manifest->dir +
                            "/scenarios/*.json)");
  }
  for (const auto& f : files) {
    auto doc = LoadScenarioFile(f);
    if (!doc.ok()) return doc.status();
    auto packs = LoadPacks(root, ScenarioPacks(*doc, pack), schema_path);
    if (!packs.ok()) return Status(packs.status().code(), f + ": " + packs.status().message());
    ScenarioRunner runner(*packs, table ? &*table : nullptr);
    auto decider = Decider::Load(root, ScenarioPacks(*doc, pack), schema_path, offense_codes);
    if (!decider.ok()) {
      return Status(decider.status().code(), f + ": the gateway's Decider: " +
                                                 decider.status().message());
    }
    runner.CrossCheckWith(decider->get());
    ScenarioReport r = runner.Run(*doc, f);
    report.results.insert(report.results.end(), r.results.begin(), r.results.end());
    report.cross_checked += r.cross_checked;
  }
  return report;
}

}  // namespace tg::policy
