// The transparency page's data: the policy in force, in plain language, and aggregate
// statistics (counts only: no names, birthdates, addresses or record ids).
#include <map>
#include <mutex>

#include "gateway/api_web.h"
#include "gateway/audit_source.h"
#include "oversight/stats.h"
#include "policy/explain.h"

namespace tg::gateway {
namespace {

using nlohmann::json;

// The body is rebuilt when the log has grown, at most once per kRefreshMs: every locator
// search grows the log, and page views must not make the gateway work without bound.
constexpr records::TimeMs kRefreshMs = 10'000;

// Accesses counted by outcome, by requesting agency kind, and by kind and purpose, kept
// up to date incrementally: each refresh reads only the audit rows added since the last
// (audit records can be large — a release list's record holds a decision per booking — so
// a full pass over a busy log takes seconds).
struct AccessCounts {
  uint64_t next_index = 0;
  uint64_t total = 0;
  std::map<std::string, uint64_t> by_outcome, by_kind, by_kind_purpose;

  Status CatchUp(oversight::AuditSource& source) {
    oversight::AuditQuery q;
    q.from_index = next_index;
    return source.ForEach(q, [this](const oversight::AuditEvent& e) {
      ++total;
      ++by_outcome[e.outcome.empty() ? "unknown" : e.outcome];
      std::string kind = e.agency_kind.empty() ? "unknown" : e.agency_kind;
      ++by_kind[kind];
      ++by_kind_purpose[kind + " / " + (e.purpose.empty() ? "none" : e.purpose)];
      next_index = e.index + 1;
      return true;
    });
  }
  json Json() const {
    return {{"accesses", total}, {"by_outcome", by_outcome}, {"by_agency_kind", by_kind},
            {"by_agency_kind_and_purpose", by_kind_purpose}};
  }
};

// One rebuild at a time (build_mu, only ever try-locked, so requests never queue behind a
// rebuild: they get the previous body); mu guards the body and when it was built.
struct TransparencyCache {
  std::mutex build_mu;
  AccessCounts counts;  // guarded by build_mu
  std::mutex mu;
  uint64_t log_size = UINT64_MAX;  // the log size the body was built at
  records::TimeMs built_at = 0;
  std::string body;
};

// The policy packs in force: name, jurisdiction, level, effective date, number of rules.
json PacksJson(const policy::ComposedPacks& composed) {
  json packs = json::array();
  for (const auto& m : composed.packs) {
    int rules = 0;
    for (const auto& r : composed.rules) rules += r.pack == m.name ? 1 : 0;
    packs.push_back({{"name", m.name}, {"jurisdiction", m.jurisdiction}, {"level", m.level},
                     {"effective", m.effective}, {"rules", rules}});
  }
  return packs;
}

}  // namespace

void AddTransparencyRoute(Gateway::Impl& gw) {
  auto cache = std::make_shared<TransparencyCache>();
  gw.router.Add("GET", "/v1/public/transparency", [&gw, cache](Request, Respond respond) {
    uint64_t size = gw.log->CurrentCheckpoint().size;
    records::TimeMs now = records::NowMs();
    std::string body;
    bool stale = false;
    {
      std::lock_guard lock(cache->mu);
      body = cache->body;
      stale = body.empty() || (cache->log_size != size && now - cache->built_at >= kRefreshMs);
    }
    if (stale) {
      std::unique_lock build(cache->build_mu, std::try_to_lock);
      if (!build.owns_lock()) {
        // Another request is rebuilding: answer with what there is rather than wait.
        if (!body.empty()) return respond(JsonBody(std::move(body)));
        Response busy = JsonError(503, "busy", "the statistics are being computed; try again shortly");
        busy.headers.emplace_back("Retry-After", "5");
        return respond(std::move(busy));
      }
      AuditStoreSource source(*gw.audit_store);
      Status s = cache->counts.CatchUp(source);
      if (!s.ok()) return respond(JsonError(503, "store_unavailable", s.message()));
      // Transfers by offense: counts from the records store (requests and their outcomes).
      auto transfers = oversight::TransfersByOffense(*gw.store, 0, now);
      if (!transfers.ok()) return respond(JsonError(503, "store_unavailable", transfers.status().message()));
      const auto& composed = gw.decider->packs();
      json j = {{"log", {{"size", size}}},
                {"packs", PacksJson(composed)},
                {"policy_text", policy::ExplainPacks(composed)},
                {"access_counts", cache->counts.Json()},
                {"stats", json::array({oversight::StatsJson(*transfers)})}};
      body = j.dump(-1, ' ', false, json::error_handler_t::replace);
      std::lock_guard lock(cache->mu);
      cache->body = body;
      cache->log_size = size;
      cache->built_at = now;
    }
    respond(JsonBody(std::move(body)));
  });
}

}  // namespace tg::gateway
