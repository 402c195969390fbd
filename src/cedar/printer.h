// Cedar source text from the AST: pretty-printing for `trustgate policy format`.
#pragma once

#include <string>

#include "cedar/ast.h"

namespace tg::cedar {

// The expression in Cedar syntax, parenthesised where precedence requires; re-parses to an
// equal tree.
std::string FormatExpr(const Expr& e);
// One policy or template: annotations, effect, scope on separate lines, conditions indented.
std::string FormatPolicy(const Policy& p);
// Every template and policy of the text, in source order, separated by blank lines.
std::string FormatPolicies(const std::vector<Policy>& policies);

}  // namespace tg::cedar
