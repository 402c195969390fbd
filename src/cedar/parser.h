// The Cedar policy text parser (language 4.5): policies, templates, annotations, every
// expression form with Cedar's precedence and parser restrictions. Errors carry
// "FILE:LINE:COL: message".
#pragma once

#include <string_view>

#include "base/status.h"
#include "cedar/ast.h"

namespace tg::cedar {

// Parses a policy file. Policies and templates get the ids policy0, policy1, ... in file
// order (as the reference does; @id does not rename). `filename` is used in messages and
// stored on each Policy. The error message names filename:line:col.
Result<PolicySet> ParsePolicies(std::string_view text, std::string_view filename = "<policies>");

// Parses policies into Policy values without building a set (ids policy0.. in order).
Result<std::vector<Policy>> ParsePolicyList(std::string_view text,
                                            std::string_view filename = "<policies>");

// Parses one Cedar expression (the whole text must be one expression).
Result<ExprPtr> ParseExpression(std::string_view text, std::string_view filename = "<expr>");

// Parses an entity uid in source form: `Type::"id"` or `NS::Type::"id"`.
Result<EntityUid> ParseEntityUid(std::string_view text);

// Parses a type path / name such as `NS::User` (identifiers separated by ::).
// Returns the normalized text or an error.
Result<std::string> ParseName(std::string_view text);

// True if `s` is a Cedar identifier that is not reserved (usable as `.attr` or a name part).
bool IsValidIdent(std::string_view s);

}  // namespace tg::cedar
