// Internal: the evaluator's working state for one request (shared by evaluator.cpp and
// authorizer.cpp). Expressions evaluate to a pointer: either into stored data (a literal in
// the AST, an entity attribute, the context) or into caller-provided scratch space, so
// reading attributes copies nothing.
#pragma once

#include <string>

#include "cedar/ast.h"
#include "cedar/entities.h"
#include "cedar/evaluator.h"
#include "cedar/request.h"

namespace tg::cedar {

class EvalContext {
 public:
  EvalContext(const Request& r, const Entities& es)
      : entities_(es), principal_(r.principal), action_(r.action), resource_(r.resource),
        context_(r.context) {}

  // The value of `e`, or nullptr after setting error(). `scratch` may be used for the result.
  const Value* Eval(const Expr& e, Value& scratch);
  // Evaluates to a Bool, or false with error() set (`ok` false) on an error or non-Bool.
  bool EvalBool(const Expr& e, bool& ok);

  EvalErrorKind error_kind() const { return error_kind_; }
  const std::string& error() const { return error_; }
  const Entities& entities() const { return entities_; }
  EntityUid principal_uid() const { return principal_.as_entity(); }
  EntityUid action_uid() const { return action_.as_entity(); }
  EntityUid resource_uid() const { return resource_.as_entity(); }

 private:
  const Value* Fail(EvalErrorKind k, std::string msg) {
    error_kind_ = k;
    error_ = std::move(msg);
    return nullptr;
  }
  const Value* TypeError(const char* op, const Value& got, const char* expected);
  const Value* EvalBinary(const Expr& e, Value& scratch);
  const Value* EvalIn(EntityUid lhs, const Value& rhs, Value& scratch);

  const Entities& entities_;
  Value principal_, action_, resource_;
  const Value& context_;
  EvalErrorKind error_kind_ = EvalErrorKind::kTypeError;
  std::string error_;
};

// Wildcard match of UTF-8 text against a `like` pattern.
bool WildcardMatch(std::string_view text, const std::vector<PatternElem>& pattern);

}  // namespace tg::cedar
