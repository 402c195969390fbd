// Scenario tests for policy packs: the cases that made these laws matter, written as data
// (who asks, for what purpose, under what authority, through which channel, for whom, about
// which record) with the outcome each data category or request must get and the policy and
// citation that must decide it. `trustgate policy test DIR` runs a pack's scenarios.
//
// A scenario file (POLICIES/<pack>/scenarios/*.json):
// {
//   "description": "...",
//   "packs": ["los-angeles-county", "los-angeles-city"],   // optional; default: the pack
//   "now": "2025-06-15",                                    // optional; for look-back windows
//   "agencies": {"lasd": {"kind": "jail", "state": "CA"}, ...},
//   "users": {"lasd-records-clerk": {"agency": "lasd", "roles": ["records_clerk"]}, ...},
//   "workstations": {"irc-outside-agency-desk": {"agency": "lasd", "location": "..."}},
//   "cases": [{
//     "name": "...",
//     "user": "ice-ero-officer",
//     "request": {"purpose": "civil_immigration", "authority": "detainer" | {"kind","ref"},
//                 "case": "", "reason": "", "channel": "api", "recipient": "<agency id>",
//                 "record_count": 1, "written_declaration": false, "workstation": "<id>"},
//     "resource": {"type": "Booking", "id": "B1", "agency": "lasd",
//                  "person": {"convictions": [{"statute": "PC 211", "level": "F",
//                              "degree": 0, "date": "2019-04-02", "state_prison": true
//                              (or "sentence": "state prison 3 years"), ...}],
//                             "pending_charges": [...], "sex_registrant": false, ...},
//                  "attrs": {...}},                       // extra attributes, passed through
//     "expect": {"request_notify": "allow",
//                "read_dob": {"outcome": "deny", "policy": "ca-pii-immigration",
//                             "citation": "7284.6(a)(1)(D)"}}
//   }]
// }
// Outcomes: "allow" (also "accepted"), "deny" (also "declined"), "referred".
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "cedar/authorizer.h"
#include "policy/offense_codes.h"
#include "policy/pack.h"

namespace tg::policy {

// A decision in the packs' terms: allow, deny, or referred (denied by a forbid annotated
// @outcome("referred"), which sends the request to counsel).
struct PackDecision {
  std::string outcome;                 // "allow", "deny", "referred"
  std::vector<std::string> policies;   // determining policy ids
  std::vector<std::string> errors;     // "policy-id: message"
};

// Maps a Cedar response to a PackDecision using the packs' @outcome annotations.
PackDecision DecisionOf(const cedar::Response& response, const ComposedPacks& packs);

// One case and action checked.
struct CaseResult {
  std::string file;
  std::string name;
  std::string action;
  std::string expected;
  PackDecision actual;
  bool pass = false;
  std::string message;  // why it failed
};

struct ScenarioReport {
  std::vector<CaseResult> results;
  // How many results were also decided through the gateway's Decider (and agreed).
  int cross_checked = 0;
  int passed() const;
  int failed() const;
};

class Decider;

// Builds and decides scenario requests against one composed configuration.
class ScenarioRunner {
 public:
  // `table` (may be null) resolves offense codes for the Person's qualification attributes.
  ScenarioRunner(const ComposedPacks& packs, const OffenseCodeTable* table);

  // Decides `action` for one case of a scenario document (`doc` gives agencies, users,
  // workstations and "now"). Errors: unknown user, agency or action; entities or context
  // that do not conform to the schema; an offense record that cannot be read.
  Result<PackDecision> Decide(const nlohmann::json& doc, const nlohmann::json& scenario_case,
                              const std::string& action) const;

  // Runs every case of a document and checks its expectations. A case that cannot be built
  // is a failed result naming the problem.
  ScenarioReport Run(const nlohmann::json& doc, const std::string& file) const;

  // Also decides every case the gateway's Decider can express (scenario_gateway.h) and fails
  // a case when the two paths disagree. `decider` must outlive the runner; null turns it off.
  void CrossCheckWith(const Decider* decider) { decider_ = decider; }

 private:
  // Runs one case's expectations into `report`; a value of the wrong type throws (Run
  // catches it and fails the case).
  void RunCase(const nlohmann::json& doc, const nlohmann::json& c, const std::string& file,
               ScenarioReport& report) const;

  const ComposedPacks& packs_;
  const OffenseCodeTable* table_;
  cedar::Authorizer authorizer_;
  const Decider* decider_ = nullptr;
};

// Reads a scenario file (JSON object with "cases"); errors name the file.
Result<nlohmann::json> LoadScenarioFile(const std::string& path);

// The scenario files of a pack directory (DIR/scenarios/*.json), sorted.
std::vector<std::string> ScenarioFiles(const std::string& pack_dir);

// The packs a scenario document runs under: its "packs", else {default_pack}.
std::vector<std::string> ScenarioPacks(const nlohmann::json& doc, const std::string& default_pack);

// Runs every scenario file of the pack at ROOT/<pack>, each under its configuration.
// `offense_codes` is the DOJ CSV path ("" for none); `schema_path` overrides the packs'
// schema when not empty.
Result<ScenarioReport> RunPackScenarios(const std::string& root, const std::string& pack,
                                        const std::string& offense_codes,
                                        const std::string& schema_path = "");

}  // namespace tg::policy
