// Log and oversight routes: the public log (checkpoint, tiles, verifier key), the web pages
// (api_web.cpp), and the inspector's audit entries, proofs and findings.
#include <algorithm>
#include <charconv>

#include "gateway/api_web.h"
#include "gateway/audit_source.h"
#include "gateway/gateway_impl.h"
#include "ledger/hash.h"
#include "oversight/detectors.h"

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

// The optional query parameter `name` as a time bound; false (with `why`) when it does not parse.
bool TimeParam(const Request& req, const char* name, std::optional<records::TimeMs>& out, std::string& why) {
  auto v = req.QueryParam(name);
  if (!v) return true;
  auto t = records::ParseIso8601(*v);
  if (!t.ok()) {
    why = std::string(name) + ": " + t.status().message() + " (want YYYY-MM-DD or an ISO-8601 time with zone)";
    return false;
  }
  out = *t;
  return true;
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
  AddWebRoutes(*this);

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

  // The oversight detectors over this gateway's audit store: the same JSON as `trustgate
  // audit report --format json`. Optional: from=, to= (event time, [from, to)) and
  // detector=NAME. The detectors run on the background worker, one request at a time (they
  // read every audit record: seconds on a busy log); a few more may wait, and past that the
  // answer is 503 busy.
  if (!background) background = std::make_unique<BackgroundWorker>(4);
  router.Add("GET", "/v1/audit/findings", Audited([this](ExchangePtr x) {
    if (!Authenticate(x)) return;
    x->audit.purpose = "oversight";
    if (!IsInspector(x)) return Fail(x, 403, "forbidden", "findings are for inspectors", "refused");
    auto q = std::make_shared<oversight::AuditQuery>();
    std::string why;
    if (!TimeParam(x->request, "from", q->from_time, why) || !TimeParam(x->request, "to", q->to_time, why)) {
      return Fail(x, 400, "invalid_query", why, "invalid");
    }
    bool queued = background->Submit([this, x, q] {
      try {
        auto detector = x->request.QueryParam("detector");
        AuditStoreSource source(*audit_store);
        auto findings = oversight::RunDetectors(source, *store, {}, *q);
        if (!findings.ok()) return Fail(x, 503, "store_unavailable", findings.status().message(), "error");
        if (detector) {
          std::erase_if(*findings, [&](const oversight::Finding& f) { return f.detector != *detector; });
        }
        Finish(x, 200, "released", oversight::FindingsJson(*findings));
      } catch (const std::exception& e) {
        Fail(x, 500, "internal", std::string("internal error: ") + e.what(), "error");
      }
    });
    if (!queued) Fail(x, 503, "busy", "the detectors are already running for other inspectors; try again shortly", "error");
  }));
}

}  // namespace tg::gateway
