// Internal to the gateway module: the web pages (public portal, transparency page, the
// inspector's oversight page) and the files they are made of. Not a public header.
#pragma once

#include <string_view>
#include <vector>

#include "gateway/gateway_impl.h"

namespace tg::gateway {

// One file of src/gateway/web/, embedded at build time (web/embed.cmake).
struct WebAsset {
  std::string_view name;          // file name, e.g. "locator.js"
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view body;
};

// Every embedded file, sorted by name. Defined in the generated web_assets.cpp.
const std::vector<WebAsset>& WebAssets();

// The Content-Security-Policy the pages are served with: scripts, styles and fetches from
// this origin only; no inline script, no frames, no plugins.
inline constexpr std::string_view kWebContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

// Adds the page routes: GET / (inmate locator), /transparency, /oversight, /web/{file} (the
// pages' CSS and scripts) and the transparency data (AddTransparencyRoute). Pages and assets
// are public, unaudited (they carry no records) and sent with kWebContentSecurityPolicy.
void AddWebRoutes(Gateway::Impl& gw);

// GET /v1/public/transparency: what the transparency page shows besides the log checkpoint
// — the policy packs in force and their explanation (policy::ExplainPacks), and aggregate
// statistics (counts only, no personal data) over the audit log. Unaudited, like the log
// checkpoint; recomputed when the log has grown, at most every ten seconds.
void AddTransparencyRoute(Gateway::Impl& gw);

}  // namespace tg::gateway
