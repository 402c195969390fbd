// Evaluates Cedar expressions with Cedar's error semantics (an error aborts the expression;
// the authorizer turns it into an erroring policy).
#pragma once

#include <string>

#include "base/status.h"
#include "cedar/ast.h"
#include "cedar/entities.h"
#include "cedar/request.h"

namespace tg::cedar {

// The kinds of evaluation error the Cedar spec names.
enum class EvalErrorKind : uint8_t {
  kEntityDoesNotExist, kAttrDoesNotExist, kTagDoesNotExist, kTypeError, kArithBoundsError,
  kExtensionError, kUnlinkedSlot
};

// Evaluates `e` for the request against the store. An error is returned as
// Status::InvalidArgument with a message starting with the error kind's name.
Result<Value> Evaluate(const Expr& e, const Request& request, const Entities& entities);

// Evaluates a whole policy (scope && conditions): true when it is satisfied.
Result<bool> EvaluatePolicy(const Policy& p, const Request& request, const Entities& entities);

}  // namespace tg::cedar
