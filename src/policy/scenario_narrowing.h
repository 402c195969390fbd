// The check that a local pack only narrows its state: for every request of the scenario
// corpus (every case and action in every pack's scenarios) and a deterministic sample of
// generated requests (principals of every recipient kind, every action, purpose, authority,
// channel, secondary recipient, workstation and record kind), whatever the local
// configuration allows, the configuration it builds on allows too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "policy/offense_codes.h"

namespace tg::policy {

struct NarrowingReport {
  std::string local;                 // the local pack
  std::string base;                  // what it builds on, "+"-joined
  int corpus_requests = 0;           // scenario requests decided under both
  int generated_requests = 0;        // generated requests decided under both
  std::vector<std::string> violations;  // one line per request the local config widened
  std::vector<std::string> errors;      // requests that could not be built or raised errors
};

// Compares two configurations of ROOT's packs: every request `narrow` allows, `wide` must
// allow. The report's `local` and `base` are the two configurations' names.
Result<NarrowingReport> CompareConfigurations(const std::string& root,
                                              const std::vector<std::string>& narrow,
                                              const std::vector<std::string>& wide,
                                              const OffenseCodeTable* table, int generated,
                                              uint64_t seed = 20171010);

// Runs the check for ROOT/<local_pack> against the packs it builds on. `generated` is how many
// generated requests to decide (0 for the corpus only); `seed` makes the sample reproducible.
Result<NarrowingReport> CheckNarrowing(const std::string& root, const std::string& local_pack,
                                       const OffenseCodeTable* table, int generated,
                                       uint64_t seed = 20171010);

}  // namespace tg::policy
