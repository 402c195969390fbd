// The Cedar policy JSON form (the reference's "EST"): policies written as JSON, read into the
// same AST the text parser produces, so they can be validated, authorized and printed alike.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"
#include "cedar/ast.h"

namespace tg::cedar {

// Reads one policy or template in JSON form:
//   {"effect":"permit"|"forbid", "principal":{"op":...}, "action":{...}, "resource":{...},
//    "conditions":[{"kind":"when"|"unless","body":EXPR}], "annotations":{"k":"v"}}
// `id` becomes the policy id; `filename` is kept for messages. Errors name the JSON path.
Result<Policy> ParsePolicyJson(const nlohmann::json& est, std::string id, std::string_view filename = "<json>");

// Reads one JSON expression ({"Value":..}, {"Var":..}, {"==":{"left","right"}}, {".":{..}},
// {"Set":[..]}, {"Record":{..}}, {"decimal":[..]}, ...).
Result<ExprPtr> ParseExprJson(const nlohmann::json& expr);

// Reads a policy set in JSON form: either {"staticPolicies":{id:EST..}, "templates":{id:EST..},
// "templateLinks":[{"templateId","newId","values":{"?principal":{type,id}}}]}, a JSON array of
// policies (ids policy0, policy1, ...), or a single policy (id policy0).
Result<PolicySet> ParsePolicySetJson(const nlohmann::json& doc, std::string_view filename = "<json>");

// ParsePolicySetJson over JSON text (int64 exact).
Result<PolicySet> ParsePolicySetJsonText(std::string_view text, std::string_view filename = "<json>");

}  // namespace tg::cedar
