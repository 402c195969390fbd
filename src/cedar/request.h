// An authorization request: principal, action, resource and a context record.
#pragma once

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "cedar/value.h"

namespace tg::cedar {

struct Request {
  EntityUid principal;
  EntityUid action;
  EntityUid resource;
  Value context = Value::Record({});  // always a record
};

// Parses a context from JSON without a schema (an object; values as ParseValueJson).
// A null/absent context is the empty record.
Result<Value> ParseContextJson(const nlohmann::json& j);

// Parses {"principal":{type,id}, "action":..., "resource":..., "context":{...}} without a
// schema. Uids may also be given as strings `Type::"id"` (the Cedar CLI form).
Result<Request> ParseRequestJson(const nlohmann::json& j);

}  // namespace tg::cedar
