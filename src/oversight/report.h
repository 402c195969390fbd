// The inspector's report: a self-contained HTML page (no external assets, inline SVG charts)
// an inspector general can hand to a commission, built from the audit events and findings.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "oversight/audit_event.h"
#include "oversight/finding.h"
#include "records/store.h"

namespace tg::oversight {

struct ReportOptions {
  std::string title = "TrustGate oversight report";
  std::string jurisdiction;          // "Los Angeles County" (shown under the title when set)
  records::TimeMs generated_at = 0;  // 0 = now
  size_t evidence_rows = 200;        // drill-down rows shown per finding (the rest counted)
};

// The report: summary (accesses, decisions, findings by severity), charts (access by agency
// kind; purpose over time; decision over time — each with its data as a table for screen
// readers), the findings table and one section per finding with its evidence records.
// Kinds are looked up in `store` (agencies unknown to it use the events' own agency_kind).
Result<std::string> ReportHtml(const std::vector<AuditEvent>& events,
                               const std::vector<Finding>& findings, records::Store& store,
                               const ReportOptions& options = {});

// Text escaped for HTML element content and attribute values.
std::string HtmlEscape(const std::string& text);

}  // namespace tg::oversight
