// Statistics the laws require, from the audit events and the records store (requests
// received and their outcomes). Each report is a table with its citation, rendered as JSON
// or CSV. None carries names, birthdates or addresses; the Illinois report carries no
// record ids either (805/25: no personal data).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "oversight/audit_event.h"
#include "records/store.h"

namespace tg::oversight {

// A report: columns and rows of text (numbers as decimal text), plus notes for the reader.
struct StatsTable {
  std::string report;    // "truth_act", "transfers", "illinois", "oregon", "chicago"
  std::string title;
  std::string citation;  // the provision that requires it
  records::TimeMs from = 0, to = 0;  // the period covered, [from, to)
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes;
};

// {"report", "title", "citation", "period": {"from", "to"}, "columns", "rows": [{column:
// value}], "notes"}; values stay text except columns named "count", which become numbers.
nlohmann::json StatsJson(const StatsTable& table);
// RFC 4180 CSV: a header line of the columns, then one line per row (CRLF line ends).
std::string StatsCsv(const StatsTable& table);

// Which agencies count as immigration authorities (recipient kinds).
struct StatsOptions {
  std::vector<std::string> immigration_kinds = {"immigration"};
};

// California TRUTH Act, Gov. Code 7283.1(c): every record of "ICE access" in the period —
// accesses by immigration authorities through the gateway, data passed on to them by staff,
// and requests they sent (hold, notify, transfer, interview, info) with the outcome.
Result<StatsTable> TruthActReport(AuditSource& source, records::Store& store, records::TimeMs from,
                                  records::TimeMs to, const StatsOptions& options = {});
// Gov. Code 7284.6(c)(2): transfers to immigration authorities in the period, counted by the
// offense on the booking (its most serious charge) — the offense that allowed each transfer.
Result<StatsTable> TransfersByOffense(records::Store& store, records::TimeMs from, records::TimeMs to,
                                      const StatsOptions& options = {});
// Illinois TRUST Act, 5 ILCS 805/25: each request, detainer or warrant from DHS received in
// the period: date received, bail, whether released or transferred, when, to which agency.
// No personal data.
Result<StatsTable> IllinoisReport(records::Store& store, records::TimeMs from, records::TimeMs to,
                                  const StatsOptions& options = {});
// Oregon, ORS 181A.826(3): immigration-related requests from federal agencies per month, by
// kind, authority and outcome, and immigration-purpose accesses the gateway refused.
Result<StatsTable> OregonMonthlyReport(AuditSource& source, records::Store& store, records::TimeMs from,
                                       records::TimeMs to, const StatsOptions& options = {});
// Chicago, MCC 2-173-069: each detainer or administrative warrant received, per quarter: the
// date received, whether the person was transferred, and to which agency.
Result<StatsTable> ChicagoQuarterlyReport(records::Store& store, records::TimeMs from, records::TimeMs to,
                                          const StatsOptions& options = {});

// The report names above, in order; and a dispatcher by name (InvalidArgument on an unknown
// name, listing the known ones).
const std::vector<std::string>& StatsReportNames();
Result<StatsTable> MakeStatsReport(const std::string& name, AuditSource& source, records::Store& store,
                                   records::TimeMs from, records::TimeMs to,
                                   const StatsOptions& options = {});

}  // namespace tg::oversight
