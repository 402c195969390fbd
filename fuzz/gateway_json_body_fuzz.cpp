// Fuzzes what the gateway does with an untrusted POST body before any field is used: parsing
// it as a JSON object, finding an unknown field, and the 400 that quotes the parser's words.
// Must never crash or throw, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/http.h"
#include "gateway/json_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tg::gateway;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = ParseObjectBody(body);
  if (!parsed.ok()) {
    (void)JsonError(400, "invalid_json", parsed.status().message());  // bytes quoted from the body
    return 0;
  }
  if (!parsed->is_object()) __builtin_trap();
  std::string unknown = UnknownField(*parsed, {"kind", "booking_id", "reason", "authority"}, "");
  (void)JsonError(400, "invalid_field", unknown);
  if (parsed->contains("reads") && (*parsed)["reads"].is_array())
    for (const auto& r : (*parsed)["reads"])
      if (r.is_object()) (void)UnknownField(r, {"plate", "state", "read_at", "lat", "lon", "device"}, "reads[0]");
  return 0;
}
