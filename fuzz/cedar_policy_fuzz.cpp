// Fuzz target: Cedar policy text. Parsing must never crash; what parses must pretty-print,
// re-parse, and evaluate against an empty store without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cedar/authorizer.h"
#include "cedar/parser.h"
#include "cedar/printer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tg::cedar;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto list = ParsePolicyList(text, "fuzz");
  if (!list.ok()) return 0;
  std::string formatted = FormatPolicies(*list);
  auto again = ParsePolicyList(formatted, "formatted");
  if (!again.ok()) __builtin_trap();  // the printer must produce parseable text
  auto set = ParsePolicies(text, "fuzz");
  if (!set.ok()) return 0;
  Authorizer auth(*set);
  Entities empty;
  empty.Finalize();
  Request r;
  r.principal = EntityUid::Make("User", "a");
  r.action = EntityUid::Make("Action", "view");
  r.resource = EntityUid::Make("Doc", "d");
  (void)auth.IsAuthorized(r, empty);
  return 0;
}
