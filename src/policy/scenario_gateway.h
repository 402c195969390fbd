// Scenario cases decided a second way: through the gateway's Decider (policy/decide.h), which
// builds entities and context from records the way a live request does. The scenario runner
// uses it to check that both paths reach the same outcome wherever a case can be expressed in
// records (bookings, persons and plate reads; convictions without qualifier-only flags).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "policy/decide.h"
#include "policy/scenario.h"

namespace tg::policy {

// The case's decision by `decider`, or std::nullopt when the case uses something records
// cannot carry (field contacts, gang entries, pending charges, a written declaration,
// conviction flags such as prop47_reduced). Errors name what could not be built.
std::optional<Result<PackDecision>> DecideWithGateway(const Decider& decider,
                                                      const nlohmann::json& doc,
                                                      const nlohmann::json& scenario_case,
                                                      const std::string& action);

}  // namespace tg::policy
