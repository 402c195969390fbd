#include "policy/scenario_narrowing.h"

#include <random>

#include "policy/pack.h"
#include "policy/scenario.h"

namespace tg::policy {
namespace {

using nlohmann::json;

// A world with an agency of every recipient kind, one user each, an outside-agency desk
// owned by the jail, and no cases (they are generated one at a time).
json GeneratedWorld() {
  json agencies = {
      {"jail-ca", {{"kind", "jail"}, {"state", "CA"}}},
      {"sheriff-ca", {{"kind", "sheriff"}, {"state", "CA"}}},
      {"police-ca", {{"kind", "local_police"}, {"state", "CA"}}},
      {"police-il", {{"kind", "local_police"}, {"state", "IL"}}},
      {"state-police-il", {{"kind", "state_agency"}, {"state", "IL"}}},
      {"immigration", {{"kind", "immigration"}, {"state", "US"}}},
      {"fbi", {{"kind", "federal_law_enforcement"}, {"state", "US"}}},
      {"out-of-state", {{"kind", "out_of_state"}, {"state", "AZ"}}},
      {"task-force", {{"kind", "task_force"}, {"state", "US"}}},
      {"fusion-ca", {{"kind", "fusion_center"}, {"state", "CA"}}},
      {"probation-ca", {{"kind", "probation"}, {"state", "CA"}}},
      {"court-ca", {{"kind", "court"}, {"state", "CA"}}},
      {"victims-ca", {{"kind", "victim_services"}, {"state", "CA"}}},
      {"oversight-ca", {{"kind", "oversight"}, {"state", "CA"}}},
      {"broker", {{"kind", "private"}, {"state", "US"}}},
      {"public", {{"kind", "public"}, {"state", "US"}}}};
  json users = json::object();
  for (const auto& [id, a] : agencies.items()) {
    users["user-" + id] = {{"agency", id}, {"roles", json::array()}};
  }
  json stations = {{"jail-desk", {{"agency", "jail-ca"}, {"location", "intake"}}},
                   {"police-terminal", {{"agency", "police-ca"}, {"location", "records"}}}};
  return {{"now", "2025-06-15"}, {"agencies", agencies}, {"users", users},
          {"workstations", stations}, {"cases", json::array()}};
}

json Conviction(const char* statute, const char* date, int degree = 0) {
  return {{"statute", statute}, {"level", "F"}, {"degree", degree}, {"date", date}};
}

// Resources of every type, with people who qualify under each jurisdiction's exceptions.
std::vector<json> GeneratedResources() {
  std::vector<json> people = {
      json::object(),
      {{"convictions", {Conviction("PC 211", "2019-04-02")}}},
      {{"convictions", {{{"statute", "PC 459.5"}, {"level", "M"}, {"date", "2024-01-01"}}}}},
      {{"convictions", {Conviction("18 Pa.C.S. 3701", "2016-01-01", 1)}}},
      {{"convictions", {Conviction("N.J.S.A. 2C:20-3", "2022-01-01", 3)}}}};
  std::vector<json> out;
  for (const char* agency : {"jail-ca", "police-ca", "police-il"}) {
    for (const auto& p : people) {
      out.push_back({{"type", "Booking"}, {"id", "B1"}, {"agency", agency}, {"person", p}});
      out.push_back({{"type", "Person"}, {"id", "P1"}, {"agency", agency}, {"person", p}});
    }
    out.push_back({{"type", "PlateRead"}, {"id", "R1"}, {"agency", agency}, {"state", "CA"}});
    out.push_back({{"type", "FieldContact"}, {"id", "F1"}, {"agency", agency}});
    out.push_back({{"type", "GangEntry"}, {"id", "G1"}, {"agency", agency}, {"reviewed_within_5y", true}});
    out.push_back({{"type", "GangEntry"}, {"id", "G2"}, {"agency", agency}, {"reviewed_within_5y", false}});
  }
  return out;
}

const std::vector<std::string> kReads = {
    "read_identity", "read_dob",    "read_address", "read_birthplace", "read_immigration_status",
    "read_release",  "read_custody", "read_charges", "read_criminal_history", "read_photo",
    "read_court",    "read_checkin", "read_alpr",    "read_stop",       "read_gang"};
const std::vector<std::string> kRequests = {"request_hold", "request_notify", "request_transfer",
                                            "request_interview", "request_info"};
const std::vector<std::string> kPurposes = {
    "criminal_investigation", "serious_violent_crime", "civil_immigration", "criminal_immigration",
    "victim_notification",    "court_proceeding",      "booking_operations", "public_records",
    "oversight",              "training"};
const std::vector<std::string> kAuthorities = {
    "judicial_warrant",       "judicial_probable_cause", "court_order", "judicial_subpoena",
    "administrative_warrant", "administrative_subpoena", "detainer",    "none"};
const std::vector<std::string> kChannels = {"api", "portal", "export", "print", "phone", "email", "feed"};

template <typename T>
const T& Pick(const std::vector<T>& v, std::mt19937_64& rng) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

}  // namespace

Result<NarrowingReport> CheckNarrowing(const std::string& root, const std::string& local_pack,
                                       const OffenseCodeTable* table, int generated,
                                       uint64_t seed) {
  auto manifest = LoadPackManifest(root, local_pack);
  if (!manifest.ok()) return manifest.status();
  if (manifest->level != "local") {
    return Status::InvalidArgument("pack " + local_pack + " is not a local pack");
  }
  return CompareConfigurations(root, {local_pack}, manifest->builds_on, table, generated, seed);
}

Result<NarrowingReport> CompareConfigurations(const std::string& root,
                                              const std::vector<std::string>& narrow,
                                              const std::vector<std::string>& wide,
                                              const OffenseCodeTable* table, int generated,
                                              uint64_t seed) {
  auto local = LoadPacks(root, narrow);
  if (!local.ok()) return local.status();
  auto base = LoadPacks(root, wide);
  if (!base.ok()) return base.status();
  ScenarioRunner local_runner(*local, table);
  ScenarioRunner base_runner(*base, table);

  NarrowingReport report;
  report.local = local->name;
  report.base = base->name;
  auto check = [&](const json& doc, const json& c, const std::string& action,
                   const std::string& label) {
    auto l = local_runner.Decide(doc, c, action);
    auto b = base_runner.Decide(doc, c, action);
    if (!l.ok() || !b.ok()) {
      report.errors.push_back(label + ": " + (!l.ok() ? l.status() : b.status()).message());
      return;
    }
    if (!l->errors.empty() || !b->errors.empty()) {
      report.errors.push_back(label + ": policy error " +
                              (!l->errors.empty() ? l->errors.front() : b->errors.front()));
    }
    if (l->outcome == "allow" && b->outcome != "allow") {
      report.violations.push_back(label + ": " + local->name + " allows " + action + " but " +
                                  base->name + " decides " + b->outcome);
    }
  };

  // The scenario corpus of every pack.
  auto packs = ListPacks(root);
  if (!packs.ok()) return packs.status();
  for (const auto& name : *packs) {
    auto m = LoadPackManifest(root, name);
    if (!m.ok()) continue;  // a broken sibling pack is its own test's failure
    for (const auto& file : ScenarioFiles(m->dir)) {
      auto doc = LoadScenarioFile(file);
      if (!doc.ok()) return doc.status();
      for (const auto& c : (*doc)["cases"]) {
        const json expect = c.value("expect", json::object());
        for (const auto& [action, e] : expect.items()) {
          (void)e;
          check(*doc, c, action, file + ": " + c.value("name", "") + " [" + action + "]");
          ++report.corpus_requests;
        }
      }
    }
  }

  // Generated requests.
  std::mt19937_64 rng(seed);
  const json world = GeneratedWorld();
  const std::vector<json> resources = GeneratedResources();
  std::vector<std::string> users, agencies;
  for (const auto& [id, u] : world["users"].items()) users.push_back(id);
  for (const auto& [id, a] : world["agencies"].items()) agencies.push_back(id);
  for (int i = 0; i < generated; ++i) {
    const json& res = Pick(resources, rng);
    const std::string type = res["type"];
    std::vector<std::string> actions = kReads;
    if (type == "Booking" || type == "Person") {
      actions.insert(actions.end(), kRequests.begin(), kRequests.end());
    }
    if (type == "PlateRead") actions.push_back("search_plate");
    json req = {{"purpose", Pick(kPurposes, rng)},
                {"authority", Pick(kAuthorities, rng)},
                {"channel", Pick(kChannels, rng)},
                {"case", (rng() & 1) ? "CASE-1" : ""},
                {"record_count", (rng() % 4 == 0) ? 48 : 1},
                {"written_declaration", (rng() % 3 == 0)}};
    if (rng() % 3 == 0) req["recipient"] = Pick(agencies, rng);
    if (rng() % 4 == 0) req["workstation"] = (rng() & 1) ? "jail-desk" : "police-terminal";
    json c = {{"name", "generated " + std::to_string(i)},
              {"user", Pick(users, rng)},
              {"request", req},
              {"resource", res}};
    check(world, c, Pick(actions, rng), "generated " + std::to_string(i) + " " + c.dump());
    ++report.generated_requests;
  }
  return report;
}

}  // namespace tg::policy
