// The plan of a simulated stretch of work at a county's gateway: who the simulated staff are,
// which calls each makes on which day — benign work of many agencies plus injected violations
// of every detector's kind — and the ground truth, the findings a perfect detector set reports.
// `trustgate simulate` creates the staff in the store and sends the calls to a real gateway
// over HTTP; the detectors are then scored against the truth. Nothing here does I/O: the plan
// is a pure function of its inputs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "oversight/finding.h"
#include "records/model.h"

namespace tg::oversight {

// (detector, principal) — or (detector, agency) for findings that name no principal.
using TruthKey = std::pair<std::string, std::string>;

// The key a finding is scored by: its principal, or its agency when it names no principal.
TruthKey TruthKeyOf(const std::string& detector, const std::string& principal, const std::string& agency);

// What the plan is drawn from: the county's records as the gateway will see them.
struct SimulationInputs {
  uint64_t seed = 7;
  int days = 30;                    // simulated working days; at least 7 (see PlanSimulation)
  double events_per_day = 500;      // target pace; staff numbers grow with it (500 is the least)
  records::TimeMs start = 0;        // simulated midnight UTC of the first day
  std::vector<std::string> booking_ids;  // bookings that exist (at least 50)
  std::vector<std::string> person_ids;   // persons that exist (at least 20)
  std::vector<std::string> plates;       // plates of the county (may be empty: plates are made up)
  std::vector<std::string> locator_names;  // last names for the public locator ("garcia")
};

// One HTTP call of the simulation, as a client would send it.
struct SimulatedCall {
  records::TimeMs time = 0;   // simulated time (orders the calls; the gateway stamps its own)
  int day = 0;                // 0-based simulated day
  std::string principal;      // whose token is used ("" for the public locator: no token)
  std::string method = "GET";
  std::string target;         // path and query: "/v1/bookings?release_within=48h"
  std::string body;           // JSON body of a POST, else ""
  // TrustGate-* headers; an empty value is not sent.
  std::string purpose, case_number, authority, reason, channel, recipient;
  std::string injected;       // the detector whose violation this call is part of, else ""
};

// One injected violation (or county condition) and how it was made, for truth.json.
struct TruthEntry {
  TruthKey key;
  std::string how;     // plain words: "pulls the release list 15 times a day"
  std::string source;  // "injected" (by the simulation) or "county" (already in the records)
};

struct SimulationPlan {
  std::vector<records::Agency> agencies;          // agencies the staff belong to (put if missing)
  std::vector<records::User> users;               // simulated staff, ids "sim-..."
  std::vector<records::Workstation> workstations; // workstations they are bound to
  std::map<std::string, std::string> workstation_of;  // user id -> bound workstation (tokens)
  std::vector<records::GangEntry> gang_entries;   // entries to add (data-hygiene violations)
  std::vector<SimulatedCall> calls;               // in simulated time order
  std::vector<TruthEntry> truth;                  // injected violations (the county's own: GangTruth)
};

// Plans `inputs.days` of traffic. Deterministic for the inputs. InvalidArgument when there are
// fewer than 7 days (some patterns need a week to show), a pace under 500 events a day, or too
// few bookings or persons.
Result<SimulationPlan> PlanSimulation(const SimulationInputs& inputs);

// The data-hygiene truth of a whole gang database judged at `now` (source "county"): one entry
// per source agency with entries past their five-year review, and one per agency with entries
// lacking criteria. The county generator makes overdue entries of its own; the plan's injected
// gang keys are in SimulationPlan::truth.
std::vector<TruthEntry> GangTruth(const std::vector<records::GangEntry>& entries, records::TimeMs now);

// Recall and precision of findings against a truth, overall and per detector.
struct DetectorScore {
  int expected = 0;     // truth keys of this detector
  int found = 0;        // of those, reported
  int reported = 0;     // distinct keys this detector reported
  int false_positives = 0;  // reported keys not in the truth
  double recall() const { return expected ? static_cast<double>(found) / expected : 1.0; }
  double precision() const { return reported ? static_cast<double>(reported - false_positives) / reported : 1.0; }
};
struct Score {
  DetectorScore overall;
  std::map<std::string, DetectorScore> by_detector;
  std::vector<TruthKey> missed;           // truth keys not reported
  std::vector<TruthKey> false_positives;  // reported keys not in the truth
};

// Scores reported keys (findings reduced with TruthKeyOf, duplicates counted once).
Score ScoreFindings(const std::set<TruthKey>& truth, const std::set<TruthKey>& reported);

}  // namespace tg::oversight
