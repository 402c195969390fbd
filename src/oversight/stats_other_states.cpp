// Illinois TRUST Act annual report (5 ILCS 805/25), Oregon monthly report to the Criminal
// Justice Commission (ORS 181A.826(3)), Chicago quarterly detainer report (MCC 2-173-069).
#include <map>
#include <tuple>

#include "oversight/stats_internal.h"

namespace tg::oversight {

using namespace stats_detail;

Result<StatsTable> IllinoisReport(records::Store& store, records::TimeMs from, records::TimeMs to,
                                  const StatsOptions& options) {
  auto requests = ImmigrationRequests(store, from, to, options);
  if (!requests.ok()) return requests.status();
  StatsTable t;
  t.report = "illinois";
  t.title = "Requests, detainers and warrants from DHS";
  t.citation = "5 ILCS 805/25 (Illinois TRUST Act, as amended by the Way Forward Act)";
  t.from = from;
  t.to = to;
  t.columns = {"date_received", "request_kind", "authority_kind", "bail_usd", "outcome",
               "released_or_transferred", "when", "to_agency"};
  for (const auto& r : *requests) {
    auto b = store.GetBooking(r.booking_id);
    const records::Booking* bp = b.ok() ? &*b : nullptr;
    std::string left, when, to_agency;
    if (Transferred(r, bp)) {
      left = "transferred";
      to_agency = r.requesting_agency;
      if (bp && bp->released_at) when = records::FormatIso8601(*bp->released_at);
      else if (r.decided_at) when = records::FormatIso8601(*r.decided_at);
    } else if (bp && bp->released_at) {
      left = "released";
      when = records::FormatIso8601(*bp->released_at);
    } else {
      left = "in custody";
    }
    t.rows.push_back({records::FormatDate(r.received_at), r.kind, r.authority_kind,
                      bp ? std::to_string(bp->bail) : "", r.outcome, left, when, to_agency});
  }
  t.notes.push_back("No personally identifiable information: no names, booking numbers or dates of birth.");
  return t;
}

Result<StatsTable> OregonMonthlyReport(AuditSource& source, records::Store& store, records::TimeMs from,
                                       records::TimeMs to, const StatsOptions& options) {
  auto requests = ImmigrationRequests(store, from, to, options);
  if (!requests.ok()) return requests.status();
  auto imm = ImmigrationAgencies(store, options);
  if (!imm.ok()) return imm.status();
  std::map<std::tuple<std::string, std::string, std::string, std::string, std::string>, int> counts;
  for (const auto& r : *requests) {
    counts[{MonthOf(r.received_at), "request", r.kind, r.authority_kind, r.outcome}]++;
  }
  AuditQuery q;
  q.from_time = from;
  q.to_time = to;
  Status s = source.ForEach(q, [&](const AuditEvent& e) {
    bool immigration = imm->count(e.agency) > 0 || e.purpose == "civil_immigration" ||
                       e.purpose == "criminal_immigration";
    if (!immigration || e.path.rfind("/v1/requests", 0) == 0) return true;
    bool refused = e.status >= 400;
    for (const auto& d : e.decisions) refused = refused || d.decision != "allow";
    counts[{MonthOf(e.time), "gateway access", e.method + " " + e.path.substr(0, e.path.find('/', 4)),
            e.authority_kind, refused ? "refused in whole or part" : "released"}]++;
    return true;
  });
  TG_RETURN_IF_ERROR(s);
  StatsTable t;
  t.report = "oregon";
  t.title = "Immigration-related requests, by month";
  t.citation = "ORS 181A.826(3) (report to the Oregon Criminal Justice Commission)";
  t.from = from;
  t.to = to;
  t.columns = {"month", "source", "kind", "authority_kind", "outcome", "count"};
  for (const auto& [k, n] : counts) {
    t.rows.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), std::get<3>(k), std::get<4>(k),
                      std::to_string(n)});
  }
  t.notes.push_back("Only a judicial subpoena issued in a court proceeding may be answered (ORS 181A.823(1)(c)); "
                    "each other request is declined and counted here.");
  return t;
}

Result<StatsTable> ChicagoQuarterlyReport(records::Store& store, records::TimeMs from, records::TimeMs to,
                                          const StatsOptions& options) {
  auto requests = ImmigrationRequests(store, from, to, options);
  if (!requests.ok()) return requests.status();
  StatsTable t;
  t.report = "chicago";
  t.title = "Detainers and administrative warrants received, by quarter";
  t.citation = "Chicago MCC 2-173-069; CPD Special Order S06-14-03 (log form CPD-31.110)";
  t.from = from;
  t.to = to;
  t.columns = {"quarter", "date_received", "authority_kind", "authority_ref", "transferred", "to_agency"};
  for (const auto& r : *requests) {
    if (r.authority_kind != "detainer" && r.authority_kind != "administrative_warrant") continue;
    auto b = store.GetBooking(r.booking_id);
    bool moved = Transferred(r, b.ok() ? &*b : nullptr);
    t.rows.push_back({QuarterOf(r.received_at), records::FormatDate(r.received_at), r.authority_kind,
                      r.authority_ref, moved ? "yes" : "no", moved ? r.requesting_agency : ""});
  }
  return t;
}

}  // namespace tg::oversight
