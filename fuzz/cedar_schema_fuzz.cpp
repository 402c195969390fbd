// Fuzz target: schema text (human syntax and JSON form). Any input must give a schema or an
// error, never a crash; a schema that parses is then exercised end to end: printing its types,
// reading entities and a context with it, and validating a fixed set of policies against it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cedar/parser.h"
#include "cedar/schema.h"
#include "cedar/schema_data.h"
#include "cedar/validator.h"

namespace {

const char* kPolicies = R"(
permit(principal, action, resource);
permit(principal is a, action in [Action::"action"], resource in a::"x") when { principal has b && principal.b == 1 };
forbid(principal, action, resource) when { resource.hasTag("t") && resource.getTag("t") == "v" };
permit(principal, action, resource) unless { context has c && context.c.contains(1) };
permit(principal == A::"", action == Action::"", resource) when { if principal.x then [1] else [2] };
)";

const char* kEntities = R"([
  {"uid": {"type": "a", "id": "x"}, "attrs": {"b": 1, "s": "10.0.0.1"}, "parents": [], "tags": {"t": "v"}},
  {"uid": {"type": "Action", "id": "action"}, "attrs": {}, "parents": []}
])";

void Exercise(const tg::cedar::Schema& schema) {
  for (const auto& [name, decl] : schema.entity_types) {
    (void)decl.shape->ToString();
    if (decl.tags) (void)decl.tags->ToString();
  }
  for (const auto& [uid, action] : schema.actions) {
    (void)action.context->ToString();
    (void)schema.ActionAncestors(uid);
    (void)tg::cedar::ParseContextWithSchema(schema, tg::cedar::EntityUid::Make(uid.type, uid.id),
                                            nlohmann::json::parse(R"({"c": [1], "ip": "::1"})"));
  }
  (void)tg::cedar::ParseEntitiesWithSchema(schema, nlohmann::json::parse(kEntities));
  static const auto policies = tg::cedar::ParsePolicies(kPolicies);
  if (policies.ok()) (void)tg::cedar::ValidatePolicies(schema, *policies);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;  // keep each run short; size adds nothing the grammar needs
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto human = tg::cedar::ParseSchema(text, "fuzz.cedarschema");
  if (human.ok()) Exercise(*human);
  auto json = tg::cedar::ParseSchemaJson(text, "fuzz.json");
  if (json.ok()) Exercise(*json);
  return 0;
}
