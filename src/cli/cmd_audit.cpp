// trustgate audit ...: the inspector's tools over a data directory — findings (JSON or a
// self-contained HTML report) and the statistics the laws require (JSON or CSV). The
// detectors and reports are src/oversight/; this reads the gateway's audit store and wires
// flags.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>

#include "cli/commands.h"
#include "gateway/audit_source.h"
#include "gateway/audit_store.h"
#include "ledger/verify.h"
#include "oversight/audit_event.h"
#include "oversight/detectors.h"
#include "oversight/report.h"
#include "oversight/stats.h"
#include "records/county.h"

namespace tg::cli {

namespace {

namespace fs = std::filesystem;
using oversight::AuditEvent;

struct Inputs {
  std::unique_ptr<records::Store> store;
  std::unique_ptr<gateway::AuditStore> audit_store;  // outlives `source`, which may read it
  std::unique_ptr<oversight::AuditSource> source;
};

// The records store and the audit records of a data directory (or of --events FILE, a file
// of canonical audit records one per line, e.g. exported from another gateway).
Inputs OpenInputs(const std::string& dir, const std::string& events_file) {
  Inputs in;
  auto store = records::OpenCounty(dir);
  if (!store.ok()) Fail("cannot open the records store in " + dir + ": " + store.status().message());
  in.store = std::move(*store);
  if (!events_file.empty()) {
    auto events = oversight::ReadAuditJsonLines(events_file);
    if (!events.ok()) Fail(events.status().message());
    in.source = std::make_unique<oversight::MemoryAuditSource>(std::move(*events));
    return in;
  }
  std::string audit_path = (fs::path(dir) / "audit").string();
  if (!fs::exists(fs::path(audit_path) / "index")) {
    if (fs::exists(audit_path + ".db"))
      Fail(audit_path + ".db is an audit store of the earlier layout (SQLite): start the gateway on " + dir +
           " once (trustgate demo --data " + dir + "), which imports it into " + audit_path + "/");
    Fail("no audit records in " + dir + " (" + audit_path +
         "/ does not exist): start the gateway on it (trustgate demo --data " + dir +
         ") or pass --events FILE with audit records, one JSON object per line");
  }
  auto audit = gateway::AuditStore::OpenForReading(audit_path);
  if (!audit.ok()) Fail("cannot open the audit store " + audit_path + ": " + audit.status().message());
  in.audit_store = std::move(*audit);
  in.source = std::make_unique<gateway::AuditStoreSource>(*in.audit_store);
  return in;
}

std::optional<records::TimeMs> TimeArg(const std::string& flag, const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto t = records::ParseIso8601(text);
  if (!t.ok()) Fail(flag + ": " + t.status().message() + " (want YYYY-MM-DD or an ISO-8601 time with zone)");
  return *t;
}

void WriteOut(const std::string& out, const std::string& text) {
  if (out.empty() || out == "-") {
    std::cout << text;
    return;
  }
  std::ofstream f(out, std::ios::binary | std::ios::trunc);
  if (!f) Fail("cannot write " + out);
  f << text;
  f.close();
  if (!f) Fail("writing " + out + " failed");
}

struct ReportFlags {
  std::string data, format = "json", out, events, from, to;
  double events_per_day = 0;
  bool proofs = false;
};

// Adds to each finding of a findings JSON "proofs": [{"index", "tlog_proof"}], one C2SP
// tlog-proof per evidence index against the checkpoint on disk (DIR/log), so an inspector
// can check each cited record's inclusion offline. Read from the published files only, so
// it runs beside a live gateway and after a crash alike.
void AddProofs(const std::string& dir, nlohmann::json& findings) {
  std::string log_dir = (fs::path(dir) / "log").string();
  if (!fs::exists(log_dir)) Fail("--proofs: no log in " + log_dir);
  for (auto& f : findings["findings"]) {
    nlohmann::json proofs = nlohmann::json::array();
    for (const auto& idx : f["evidence"]) {
      auto proof = ledger::TlogProofFromFiles(log_dir, idx.get<uint64_t>());
      if (!proof.ok()) Fail("--proofs: index " + idx.dump() + ": " + proof.status().message());
      proofs.push_back({{"index", idx}, {"tlog_proof", *proof}});
    }
    f["proofs"] = std::move(proofs);
  }
}

void AddReport(CLI::App& audit) {
  auto* cmd = audit.add_subcommand("report", "Findings of the oversight detectors: JSON for tools or a self-contained HTML report");
  auto f = std::make_shared<ReportFlags>();
  cmd->add_option("--data", f->data, "Data directory (county.db, audit/)")->required();
  cmd->add_option("--format", f->format, "json (as GET /v1/audit/findings) or html")
      ->check(CLI::IsMember({"json", "html"}));
  cmd->add_option("--out", f->out, "Write here instead of stdout");
  cmd->add_option("--events", f->events, "Read audit records from this file (one JSON object per line) instead of DIR/audit/");
  cmd->add_option("--from", f->from, "Only audit records at or after this time (YYYY-MM-DD or ISO-8601)");
  cmd->add_option("--to", f->to, "Only audit records before this time");
  cmd->add_option("--events-per-day", f->events_per_day,
                  "Nominal traffic pace: measure time windows on an activity clock (for replayed traffic)");
  cmd->add_flag("--proofs", f->proofs,
                "JSON only: add a C2SP tlog-proof (from DIR/log) for every evidence index");
  cmd->callback([f] {
    if (f->proofs && f->format != "json") Fail("--proofs goes with --format json");
    if (f->proofs && !f->events.empty()) Fail("--proofs needs the gateway's log: leave out --events");
    Inputs in = OpenInputs(f->data, f->events);
    oversight::AuditQuery q;
    q.from_time = TimeArg("--from", f->from);
    q.to_time = TimeArg("--to", f->to);
    auto events = oversight::CollectEvents(*in.source, q);
    if (!events.ok()) Fail("reading audit records: " + events.status().message());
    oversight::DetectorOptions options;
    if (f->events_per_day > 0) options.events_per_day = f->events_per_day;
    auto findings = oversight::RunDetectors(*events, *in.store, options);
    if (!findings.ok()) Fail("detectors: " + findings.status().message());
    if (f->format == "json") {
      nlohmann::json j = oversight::FindingsJson(*findings);
      if (f->proofs) AddProofs(f->data, j);
      WriteOut(f->out, j.dump(2) + "\n");
      return;
    }
    auto html = oversight::ReportHtml(*events, *findings, *in.store);
    if (!html.ok()) Fail("report: " + html.status().message());
    WriteOut(f->out, *html);
  });
}

struct StatsFlags {
  std::string data, report, format = "json", out, events, from, to;
};

void AddStats(CLI::App& audit) {
  auto* cmd = audit.add_subcommand("stats", "Statistics the laws require (TRUTH Act, transfers, Illinois, Oregon, Chicago)");
  auto f = std::make_shared<StatsFlags>();
  cmd->add_option("--data", f->data, "Data directory (county.db, audit/)")->required();
  cmd->add_option("--report", f->report, "truth_act, transfers, illinois, oregon or chicago")
      ->required()
      ->check(CLI::IsMember(oversight::StatsReportNames()));
  cmd->add_option("--format", f->format, "json or csv")->check(CLI::IsMember({"json", "csv"}));
  cmd->add_option("--out", f->out, "Write here instead of stdout");
  cmd->add_option("--events", f->events, "Read audit records from this file (one JSON object per line) instead of DIR/audit/");
  cmd->add_option("--from", f->from, "Start of the period (default: the beginning of time)");
  cmd->add_option("--to", f->to, "End of the period, exclusive (default: now)");
  cmd->callback([f] {
    Inputs in = OpenInputs(f->data, f->events);
    records::TimeMs from = TimeArg("--from", f->from).value_or(0);
    records::TimeMs to = TimeArg("--to", f->to).value_or(records::NowMs());
    if (to <= from) Fail("--to must be after --from");
    auto table = oversight::MakeStatsReport(f->report, *in.source, *in.store, from, to);
    if (!table.ok()) Fail(table.status().message());
    WriteOut(f->out, f->format == "csv" ? oversight::StatsCsv(*table) : oversight::StatsJson(*table).dump(2) + "\n");
  });
}

}  // namespace

void AddAuditCommands(CLI::App& app) {
  auto* audit = app.add_subcommand("audit", "Oversight: findings over the audit log, reports, statistics");
  audit->require_subcommand(1);
  AddReport(*audit);
  AddStats(*audit);
}

}  // namespace tg::cli
