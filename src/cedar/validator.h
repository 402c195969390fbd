// The strict Cedar validator: type-checks every policy against a schema, once per request
// environment (each action with each principal type and resource type it applies to), the way
// the reference's strict mode and its Lean specification do. It reports unknown entity types
// and actions, actions that cannot apply given the scope, unknown attributes, optional
// attributes and tags read without a `has`/`hasTag` guard, operator type mismatches,
// incompatible types in `==`, `if` and sets, empty set literals, extension constructors whose
// argument is not a string literal that parses, invalid enum entity literals, non-Bool
// policies and policy scopes that no declared action can satisfy. A policy that is false in
// every environment ("impossible policy") is a warning, as in the reference.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cedar/ast.h"
#include "cedar/schema.h"

namespace tg::cedar {

struct ValidationIssue {
  std::string policy_id;
  std::string file;  // the policy's source file
  SourceLoc loc;     // the offending expression (or the policy start)
  std::string message;
  // "FILE:LINE:COL: policy ID: message"
  std::string ToString() const;
};

struct ValidationResult {
  std::vector<ValidationIssue> errors;
  // Not errors: policies that are false in every environment ("impossible policy").
  std::vector<ValidationIssue> warnings;
  bool ok() const { return errors.empty(); }
};

// Validates every static policy, template and template-linked policy of the set. At most one
// error is reported per policy (the first the type checker meets in the first failing
// environment), in policy order.
ValidationResult ValidatePolicies(const Schema& schema, const PolicySet& policies);

// Validates one policy (static, template or linked). Returns OK or the issue found.
std::optional<ValidationIssue> ValidatePolicy(const Schema& schema, const Policy& policy);

}  // namespace tg::cedar
