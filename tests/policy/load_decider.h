// Shared by the policy tests: a Decider over the checkout's packs with the DOJ offense table.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "policy/decide.h"

namespace tg::policy::testing {

// The named packs from policies/ with ../shared's ca-offense-codes.csv; a failure to load
// is a test failure, and gives nullptr.
inline std::unique_ptr<Decider> LoadDecider(const std::vector<std::string>& packs) {
  auto d = Decider::Load(std::string(TG_SOURCE_DIR) + "/policies", packs, "",
                         std::string(TG_SHARED_DIR) + "/data/ca-offense-codes.csv");
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? std::move(d.value()) : nullptr;
}

}  // namespace tg::policy::testing
