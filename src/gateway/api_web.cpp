// The web pages: each page is a static HTML file (src/gateway/web/) whose script reads the
// JSON API from the same origin; nothing personal is rendered on the server.
#include "gateway/api_web.h"

namespace tg::gateway {
namespace {

const WebAsset* FindAsset(std::string_view name) {
  for (const auto& a : WebAssets()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

Response AssetResponse(const WebAsset& a) {
  Response r;
  r.content_type = std::string(a.content_type);
  r.body = std::string(a.body);
  r.headers.emplace_back("Content-Security-Policy", std::string(kWebContentSecurityPolicy));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

// A route serving one embedded page.
void AddPage(Router& router, const std::string& path, std::string_view file) {
  router.Add("GET", path, [file](Request, Respond respond) {
    const WebAsset* a = FindAsset(file);
    if (a == nullptr) return respond(JsonError(500, "internal", "page missing from the build"));
    respond(AssetResponse(*a));
  });
}

}  // namespace

void AddWebRoutes(Gateway::Impl& gw) {
  AddPage(gw.router, "/", "index.html");
  AddPage(gw.router, "/transparency", "transparency.html");
  AddPage(gw.router, "/oversight", "oversight.html");
  // The public files are not audited; a miss is, like any unknown path (a probe is worth
  // seeing), with outcome "invalid".
  Handler missing = gw.Audited([&gw](ExchangePtr x) {
    gw.Fail(x, 404, "not_found", "no such file: " + x->request.path, "invalid");
  });
  gw.router.Add("GET", "/web/{file}", [missing](Request req, Respond respond) {
    const std::string& name = req.params["file"];
    const WebAsset* a = name.ends_with(".html") ? nullptr : FindAsset(name);
    if (a == nullptr) return missing(std::move(req), std::move(respond));
    respond(AssetResponse(*a));
  });
  AddTransparencyRoute(gw);
}

}  // namespace tg::gateway
