// Log and oversight routes: the public log (checkpoint, tiles, verifier key), the portal
// page, and the inspector's audit entries and proofs.
#include <charconv>

#include "gateway/gateway_impl.h"
#include "ledger/hash.h"

namespace tg::gateway {
namespace {

using nlohmann::json;

Response Text(std::string body, const std::string& type = "text/plain; charset=utf-8") {
  Response r;
  r.content_type = type;
  r.body = std::move(body);
  return r;
}

bool ParseIndex(const std::string& s, uint64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

}  // namespace

void Gateway::Impl::AddAuditRoutes() {
  // Public log material: not personal data, served without audit (it is what auditors read).
  router.Add("GET", "/log/checkpoint", [this](Request, Respond respond) { respond(Text(log->CheckpointText())); });
  router.Add("GET", "/log/vkey", [this](Request, Respond respond) { respond(Text(log->verifier_key() + "\n")); });
  router.Add("GET", "/log/tile/{path...}", [this](Request req, Respond respond) {
    auto t = log->ReadTile("tile/" + req.params["path"]);
    if (!t.ok()) {
      int st = t.status().code() == Code::kInvalidArgument ? 400 : 404;
      return respond(JsonError(st, st == 400 ? "invalid_path" : "not_found", t.status().message()));
    }
    Response r = Text(std::move(t.value()), "application/octet-stream");
    r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
    respond(std::move(r));
  });
  router.Add("GET", "/", [this](Request, Respond respond) {
    auto cp = log->CurrentCheckpoint();
    std::string html =
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>TrustGate</title></head><body>"
        "<h1>TrustGate</h1><p>Every access to protected records through this gateway is decided by the "
        "jurisdiction's policy and written to a public, verifiable log.</p>"
        "<ul><li><a href=\"/log/checkpoint\">Signed log checkpoint</a> (" + std::to_string(cp.size) +
        " entries)</li><li><a href=\"/log/vkey\">Verifier key</a></li>"
        "<li>Inmate locator: <code>/v1/public/inmates?name=...</code></li></ul>"
        "<form action=\"/v1/public/inmates\"><label>Name <input name=name></label> <button>Search</button></form>"
        "</body></html>";
    respond(Text(std::move(html), "text/html; charset=utf-8"));
  });

  router.Add("GET", "/v1/audit/entries/{index}", Audited([this](ExchangePtr x) {
    if (!Authenticate(x)) return;
    x->audit.purpose = "oversight";
    if (!IsInspector(x)) return Fail(x, 403, "forbidden", "audit entries are for inspectors", "refused");
    uint64_t index = 0;
    if (!ParseIndex(x->request.params["index"], index)) {
      return Fail(x, 400, "invalid_index", "index must be a non-negative integer", "invalid");
    }
    auto row = audit_store->Read(index);
    if (!row.ok()) {
      int st = row.status().code() == Code::kNotFound ? 404 : 503;
      return Fail(x, st, st == 404 ? "not_found" : "store_unavailable", row.status().message(),
                  st == 404 ? "not_found" : "error");
    }
    json record = json::parse(row->record, nullptr, false);
    Finish(x, 200, "released",
           {{"index", index}, {"record", record}, {"record_text", row->record},
            {"salt", ledger::Base64(row->salt)}, {"leaf_hash", row->leaf_hash}});
  }));

  router.Add("GET", "/v1/audit/proof", Audited([this](ExchangePtr x) {
    if (!Authenticate(x)) return;
    x->audit.purpose = "oversight";
    if (!IsInspector(x)) return Fail(x, 403, "forbidden", "audit proofs are for inspectors", "refused");
    uint64_t index = 0;
    auto q = x->request.QueryParam("index");
    if (!q || !ParseIndex(*q, index)) return Fail(x, 400, "invalid_index", "index=N is required", "invalid");
    auto proof = log->TlogProofText(index);
    if (!proof.ok()) return Fail(x, 404, "not_found", proof.status().message(), "not_found");
    Finish(x, 200, "released", json(proof.value()), "text/plain; charset=utf-8");
  }));
}

}  // namespace tg::gateway
