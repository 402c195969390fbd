// A synthetic month of audit events for a small county: benign work by many users of every
// agency, plus injected violations of every detector's kind, with the ground truth. Built in
// the test (no gateway needed) over a real in-memory records store.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "oversight/audit_event.h"
#include "records/store.h"

namespace tg::oversight::testing {

// (detector, principal) — or (detector, agency) for findings about an agency's data.
using TruthKey = std::pair<std::string, std::string>;

struct SyntheticCounty {
  std::unique_ptr<records::Store> store;
  std::vector<AuditEvent> events;   // index order, index = position
  std::set<TruthKey> truth;         // the findings a perfect detector set reports
  records::TimeMs start = 0;        // first day, midnight UTC
  records::TimeMs now = 0;          // end of the month
};

// Deterministic for a seed. `days` of traffic (30 gives about 25,000 events).
SyntheticCounty MakeSyntheticCounty(uint64_t seed = 7, int days = 30);

// The key a finding is scored by: its principal, or its agency when it names no principal.
TruthKey KeyOf(const std::string& detector, const std::string& principal, const std::string& agency);

}  // namespace tg::oversight::testing
