// Request bodies in JSON: parse errors and field errors a client can act on. Internal to the
// gateway module.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace tg::gateway {

// The body parsed as a JSON object. Otherwise InvalidArgument whose message says where the
// syntax broke ("malformed JSON at line 1, column 9: ...") or what the body held instead of
// an object ("expected a JSON object, got an array").
Result<nlohmann::json> ParseObjectBody(std::string_view body);

// "" when every key of `object` is in `allowed`; else "WHERE.KEY: unknown field; expected
// one of: a, b" for the first key that is not (WHERE "" for the top level), so a misspelt
// field is refused rather than ignored.
std::string UnknownField(const nlohmann::json& object, std::initializer_list<const char*> allowed,
                         const std::string& where);

}  // namespace tg::gateway
