// Batch authorization in the format of ../shared/tools/cedar-oracle `batch`: one policy set,
// one entity store, many requests. Loading does all request-independent work (parsing the
// policies, the entities and every request) so that Run times only the authorizations.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "cedar/authorizer.h"

namespace tg::cedar {

struct Batch {
  PolicySet policies;
  std::optional<Authorizer> authorizer;
  // The entity store, or the reason it could not be built (then every request fails).
  std::optional<Entities> entities;
  std::string entities_error;
  // Each request, or the reason it could not be read.
  std::vector<std::optional<Request>> requests;
  std::vector<std::string> request_errors;
};

// Reads {"policies": TEXT, "schema": TEXT?, "entities": [...], "requests": [...]} and, as an
// extension, "templates": {ID: TEXT} and "templateLinks": [{templateId, newId, values}]. With a
// schema, entities and contexts are read schema-directed (requests are not validated, as
// the oracle does). Fails only when the policies or the schema do not parse.
Result<Batch> LoadBatch(const nlohmann::json& j);

// Authorizes every request `repeat` times; returns the responses of the last round
// (a request that could not be read has no response).
std::vector<std::optional<Response>> RunBatch(const Batch& b, int repeat = 1);

// One output line per request, exactly as the oracle prints it:
// {"decision":"allow","reason":["policy0"],"errors":[]} with ids sorted, or
// {"failure":["message"]} for a request that could not be read.
std::string BatchOutputLine(const Batch& b, size_t i, const std::optional<Response>& r);

}  // namespace tg::cedar
