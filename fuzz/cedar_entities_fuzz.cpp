// Fuzz target: Cedar entities JSON (schema-less, with __entity/__extn escapes). Reading must
// never crash, and a store that loads must answer `in` and attribute lookups.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cedar/authorizer.h"
#include "cedar/entities.h"
#include "cedar/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tg::cedar;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto store = ParseEntitiesJsonText(text);
  if (!store.ok()) return 0;
  static const PolicySet* policies = [] {
    auto p = ParsePolicies(
        "permit (principal, action, resource) when { principal in resource && principal has a && "
        "principal.a == resource.b };\n"
        "forbid (principal, action, resource) when { resource.hasTag(\"t\") && resource.getTag(\"t\") == 1 };");
    return new PolicySet(std::move(p).value());
  }();
  Authorizer auth(*policies);
  for (const Entity* a : store->All())
    for (const Entity* b : store->All()) {
      Request r;
      r.principal = a->uid;
      r.action = EntityUid::Make("Action", "x");
      r.resource = b->uid;
      (void)auth.IsAuthorized(r, *store);
      break;
    }
  return 0;
}
