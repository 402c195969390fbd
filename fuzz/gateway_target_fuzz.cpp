// Fuzzes what the gateway does with an untrusted request target before any policy runs:
// splitting path and query, percent-decoding, query parameter lookup and route matching.
// Must never crash, hang or read out of bounds, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gateway/http.h"
#include "gateway/router.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tg::gateway;
  static Router* router = [] {
    auto* r = new Router();
    for (const char* p : {"/v1/bookings/{booking_id}", "/v1/bookings", "/v1/public/inmates", "/log/tile/{path...}",
                          "/v1/audit/entries/{index}", "/"}) {
      r->Add("GET", p, [](Request req, Respond respond) {
        std::string sink;
        for (const auto& [k, v] : req.params) sink += k + v;
        respond(JsonBody(sink));
      });
    }
    return r;
  }();
  std::string target(reinterpret_cast<const char*>(data), size);
  Request req;
  req.method = size > 0 && data[0] % 2 ? "GET" : "POST";
  req.target = target;
  SplitTarget(target, req.path, req.query);
  for (const char* name : {"name", "release_within", "index", "days", ""}) (void)req.QueryParam(name);
  req.headers.emplace_back("TrustGate-Purpose", target);
  (void)req.Header("trustgate-purpose");
  (void)PercentDecode(target, true);
  (void)JsonError(400, "invalid", target);  // invalid UTF-8 must be replaced, not thrown
  bool answered = false;
  router->Dispatch(std::move(req), [&](Response r) { answered = r.status > 0; });
  if (!answered) __builtin_trap();
  return 0;
}
