// GET /metrics: what an operator watches — answers by outcome, the ledger's group commits
// and the audit store's batches — in the Prometheus text format. Aggregates only: no
// principal, record or token appears, so it is served without a token like the log itself.
#include <sstream>

#include "gateway/gateway_impl.h"

namespace tg::gateway {

void Gateway::Impl::AddMetricsRoutes() {
  router.Add("GET", "/metrics", [this](Request, Respond respond) {
    std::ostringstream m;
    m.precision(9);
    m << "# HELP trustgate_responses_total Audited responses by outcome.\n"
      << "# TYPE trustgate_responses_total counter\n";
    {
      std::lock_guard lock(outcome_mu);
      for (const auto& [outcome, n] : outcome_counts)
        m << "trustgate_responses_total{outcome=\"" << outcome << "\"} " << n << "\n";
    }
    ledger::LogStats ls = log->Stats();
    m << "# HELP trustgate_log_size Entries in the log (the signed checkpoint's size).\n"
      << "# TYPE trustgate_log_size gauge\n"
      << "trustgate_log_size " << log->CurrentCheckpoint().size << "\n"
      << "# HELP trustgate_log_commits_total Group commits (each one journal fdatasync).\n"
      << "# TYPE trustgate_log_commits_total counter\n"
      << "trustgate_log_commits_total " << ls.batches << "\n"
      << "# HELP trustgate_log_checkpoints_total Checkpoints signed and published (one covers one or more commits).\n"
      << "# TYPE trustgate_log_checkpoints_total counter\n"
      << "trustgate_log_checkpoints_total " << ls.checkpoints << "\n"
      << "# TYPE trustgate_log_entries_total counter\n"
      << "trustgate_log_entries_total " << ls.entries << "\n"
      << "# TYPE trustgate_log_files_written_total counter\n"
      << "trustgate_log_files_written_total " << ls.files_written << "\n"
      << "# HELP trustgate_log_commit_seconds_total Time the committer spent per phase.\n"
      << "# TYPE trustgate_log_commit_seconds_total counter\n"
      << "trustgate_log_commit_seconds_total{phase=\"tree\"} " << ls.tree_seconds << "\n"
      << "trustgate_log_commit_seconds_total{phase=\"sync\"} " << ls.sync_seconds << "\n"
      << "trustgate_log_commit_seconds_total{phase=\"checkpoint\"} " << ls.checkpoint_seconds << "\n"
      << "trustgate_log_commit_seconds_total{phase=\"stage\"} " << ls.stage_seconds << "\n"
      << "# HELP trustgate_log_tile_write_seconds_total Time the tile writer spent writing behind the committer.\n"
      << "# TYPE trustgate_log_tile_write_seconds_total counter\n"
      << "trustgate_log_tile_write_seconds_total " << ls.write_seconds << "\n"
      << "# HELP trustgate_log_journal_restarts_total Times the tiles were synced and the journal started over.\n"
      << "# TYPE trustgate_log_journal_restarts_total counter\n"
      << "trustgate_log_journal_restarts_total " << ls.base_syncs << "\n"
      << "# HELP trustgate_log_keeper_refusals_total Journal restarts put off because the audit store could not sync.\n"
      << "# TYPE trustgate_log_keeper_refusals_total counter\n"
      << "trustgate_log_keeper_refusals_total " << ls.keeper_refusals << "\n";
    AuditStore::Stats as = audit_store->GetStats();
    m << "# HELP trustgate_audit_store_commits_total Batches of rows the audit store's writer took (no fsync: the log's journal holds the rows).\n"
      << "# TYPE trustgate_audit_store_commits_total counter\n"
      << "trustgate_audit_store_commits_total " << as.batches << "\n"
      << "# TYPE trustgate_audit_store_rows_total counter\n"
      << "trustgate_audit_store_rows_total " << as.rows << "\n"
      << "# TYPE trustgate_audit_store_commit_seconds_total counter\n"
      << "trustgate_audit_store_commit_seconds_total " << as.commit_seconds << "\n"
      << "# HELP trustgate_audit_store_flushes_total Writes of the rows held in memory to the store's files.\n"
      << "# TYPE trustgate_audit_store_flushes_total counter\n"
      << "trustgate_audit_store_flushes_total " << as.flushes << "\n"
      << "# HELP trustgate_audit_store_syncs_total Times the store's files were fsync'd (before the journal starts over).\n"
      << "# TYPE trustgate_audit_store_syncs_total counter\n"
      << "trustgate_audit_store_syncs_total " << as.syncs << "\n"
      << "# HELP trustgate_audit_store_failures_total Failed store writes (retried; the journal keeps the rows).\n"
      << "# TYPE trustgate_audit_store_failures_total counter\n"
      << "trustgate_audit_store_failures_total " << as.failures << "\n";
    policy::Decider::CacheStats cs = decider->cache_stats();
    m << "# HELP trustgate_decision_rows_total Rows of decisions (one record, every category asked) by source: "
         "evaluated, or shared from an earlier evaluation with equal policy inputs.\n"
      << "# TYPE trustgate_decision_rows_total counter\n"
      << "trustgate_decision_rows_total{source=\"cache\"} " << cs.hits << "\n"
      << "trustgate_decision_rows_total{source=\"evaluated\"} " << cs.misses << "\n"
      << "# HELP trustgate_decision_cache_enabled 1 when the packs in force can share decisions.\n"
      << "# TYPE trustgate_decision_cache_enabled gauge\n"
      << "trustgate_decision_cache_enabled " << (cs.enabled ? 1 : 0) << "\n";
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = m.str();
    respond(std::move(r));
  });
}

}  // namespace tg::gateway
