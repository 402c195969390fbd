// The transparency page's data: the policy in force, in plain language, and aggregate
// statistics over the audit log (counts only: no names, birthdates, addresses or record ids).
#include <map>
#include <mutex>

#include "gateway/api_web.h"
#include "gateway/audit_source.h"
#include "oversight/stats.h"
#include "policy/explain.h"

namespace tg::gateway {
namespace {

using nlohmann::json;

// The statistics tables shown to the public: both are counts by category, not per request.
const std::vector<std::string>& PublicReports() {
  static const std::vector<std::string> k = {"transfers", "oregon"};
  return k;
}

// Accesses counted by outcome, by requesting agency kind, and by kind and purpose.
Result<json> AccessCounts(oversight::AuditSource& source) {
  std::map<std::string, uint64_t> by_outcome, by_kind, by_kind_purpose;
  uint64_t total = 0;
  Status s = source.ForEach({}, [&](const oversight::AuditEvent& e) {
    ++total;
    ++by_outcome[e.outcome.empty() ? "unknown" : e.outcome];
    std::string kind = e.agency_kind.empty() ? "unknown" : e.agency_kind;
    ++by_kind[kind];
    ++by_kind_purpose[kind + " / " + (e.purpose.empty() ? "none" : e.purpose)];
    return true;
  });
  if (!s.ok()) return s;
  return json{{"accesses", total}, {"by_outcome", by_outcome}, {"by_agency_kind", by_kind},
              {"by_agency_kind_and_purpose", by_kind_purpose}};
}

// The body is recomputed when the log has grown, at most once per kRefreshMs: every locator
// search grows the log, and a full pass over the audit store per page view would let anyone
// make the gateway do unbounded work.
constexpr records::TimeMs kRefreshMs = 10'000;

struct TransparencyCache {
  std::mutex mu;
  uint64_t log_size = UINT64_MAX;  // the log size the cached body was computed at
  records::TimeMs computed_at = 0;
  std::string body;
};

}  // namespace

void AddTransparencyRoute(Gateway::Impl& gw) {
  auto cache = std::make_shared<TransparencyCache>();
  gw.router.Add("GET", "/v1/public/transparency", [&gw, cache](Request, Respond respond) {
    uint64_t size = gw.log->CurrentCheckpoint().size;
    std::lock_guard lock(cache->mu);
    records::TimeMs now = records::NowMs();
    if (cache->body.empty() || (cache->log_size != size && now - cache->computed_at >= kRefreshMs)) {
      const auto& composed = gw.decider->packs();
      json packs = json::array();
      for (const auto& m : composed.packs) {
        packs.push_back({{"name", m.name}, {"jurisdiction", m.jurisdiction}, {"level", m.level},
                         {"effective", m.effective}, {"rules", 0}});
        for (const auto& r : composed.rules) {
          if (r.pack == m.name) packs.back()["rules"] = packs.back()["rules"].get<int>() + 1;
        }
      }
      AuditStoreSource source(*gw.audit_store);
      auto counts = AccessCounts(source);
      if (!counts.ok()) return respond(JsonError(503, "store_unavailable", counts.status().message()));
      json stats = json::array();
      for (const auto& name : PublicReports()) {
        auto t = oversight::MakeStatsReport(name, source, *gw.store, 0, now);
        if (!t.ok()) return respond(JsonError(503, "store_unavailable", t.status().message()));
        stats.push_back(oversight::StatsJson(*t));
      }
      json body = {{"log", {{"size", size}}},
                   {"packs", packs},
                   {"policy_text", policy::ExplainPacks(composed)},
                   {"access_counts", *counts},
                   {"stats", stats}};
      cache->body = body.dump(-1, ' ', false, json::error_handler_t::replace);
      cache->log_size = size;
      cache->computed_at = now;
    }
    respond(JsonBody(cache->body));
  });
}

}  // namespace tg::gateway
