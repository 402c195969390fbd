// Seeded generator of Cedar batches for the differential test against the official engine:
// several policies per set (permit/forbid, every scope form, when/unless), templates with
// links, and expressions over every operator and extension type; entities with hierarchy,
// attributes and tags; requests with contexts. Ill-typed and missing-attribute expressions
// are generated on purpose so error sets are compared too. Numbers in JSON data stay far
// below 2^53 (the oracle goes through JavaScript numbers).
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

namespace tg::cedar::testing {

// One batch in the oracle's format plus "templates"/"templateLinks", fully determined by seed.
nlohmann::json GenerateBatch(uint64_t seed, int requests = 12);

}  // namespace tg::cedar::testing
