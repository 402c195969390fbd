// Offline checks of a log directory and of RFC 6962 proof vectors: what `trustgate log
// verify` and `trustgate log vectors` run.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "ledger/checkpoint.h"

namespace tg::ledger {

struct LogVerifyReport {
  Checkpoint checkpoint;
  uint64_t tiles_checked = 0;     // hash tiles, full and partial (older partials included)
  uint64_t bundles_checked = 0;   // entry bundles, full and partial (older partials included)
  uint64_t entries_checked = 0;
};

// Checks everything a verifier can from the files alone: the checkpoint's signature by
// `vkey`; every level-0 tile against the checkpoint root; every higher tile against the
// tree recomputed from level 0; every entry bundle against its leaves; and every older
// partial tile or bundle still published as a prefix of its successor. A single changed
// byte in any of these fails the check with a message naming the file.
Result<LogVerifyReport> VerifyLogDirectory(const std::string& dir, const std::string& vkey);

// A C2SP tlog-proof of entry `index` against the checkpoint in `dir`/checkpoint (signature
// checked against `dir`/vkey), built from the published tile files alone: no journal is
// read and nothing is written, so it works beside a running gateway and after a crash,
// before the log is reopened. That checkpoint lags the gateway's published one by the
// tile writer's delay; an index past it is kNotFound, saying so.
Result<std::string> TlogProofFromFiles(const std::string& dir, uint64_t index);

struct VectorReport {
  int passed = 0;
  int failed = 0;
  std::string failures;  // one line per failing vector
};

// Runs the RFC 6962 proof vectors under `dir` (JSON layout of the transparency-dev merkle
// test data: inclusion/*/*.json, consistency/*/*.json) through our verifiers. A vector passes
// when we reject exactly those marked wantErr.
Result<VectorReport> RunProofVectors(const std::string& dir);

}  // namespace tg::ledger
