// California: TRUTH Act records of ICE access (Gov. Code 7283.1(c)) and transfers by offense
// (Gov. Code 7284.6(c)(2)). Also the helpers the other reports share.
#include <algorithm>
#include <limits>
#include <map>

#include "oversight/stats_internal.h"

namespace tg::oversight {
namespace stats_detail {

Result<std::set<std::string>> ImmigrationAgencies(records::Store& store, const StatsOptions& options) {
  auto agencies = store.ListAgencies();
  if (!agencies.ok()) return agencies.status();
  std::set<std::string> out;
  for (const auto& a : *agencies) {
    if (std::find(options.immigration_kinds.begin(), options.immigration_kinds.end(), a.kind) !=
        options.immigration_kinds.end()) {
      out.insert(a.id);
    }
  }
  return out;
}

Result<std::vector<records::AgencyRequest>> ImmigrationRequests(records::Store& store, records::TimeMs from,
                                                                records::TimeMs to,
                                                                const StatsOptions& options) {
  auto imm = ImmigrationAgencies(store, options);
  if (!imm.ok()) return imm.status();
  auto all = store.ListAgencyRequests("", std::numeric_limits<int>::max());
  if (!all.ok()) return all.status();
  std::vector<records::AgencyRequest> out;
  for (auto& r : *all) {
    if (r.received_at >= from && r.received_at < to && imm->count(r.requesting_agency)) out.push_back(r);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.received_at != b.received_at ? a.received_at < b.received_at : a.id < b.id;
  });
  return out;
}

const records::Charge* TopCharge(const records::Booking& b) {
  for (const auto& c : b.charges) {
    if (c.level == 'F') return &c;
  }
  return b.charges.empty() ? nullptr : &b.charges.front();
}

std::string MonthOf(records::TimeMs t) { return records::FormatDate(t).substr(0, 7); }

std::string QuarterOf(records::TimeMs t) {
  int y, m, d;
  records::CivilFromTime(t, &y, &m, &d);
  return std::to_string(y) + "-Q" + std::to_string((m - 1) / 3 + 1);
}

bool Transferred(const records::AgencyRequest& r, const records::Booking* b) {
  if (r.kind == "transfer" && r.outcome == "accepted") return true;
  return b && b->release_type == "transfer" && r.outcome == "accepted";
}

}  // namespace stats_detail

using namespace stats_detail;

Result<StatsTable> TruthActReport(AuditSource& source, records::Store& store, records::TimeMs from,
                                  records::TimeMs to, const StatsOptions& options) {
  auto imm = ImmigrationAgencies(store, options);
  if (!imm.ok()) return imm.status();
  StatsTable t;
  t.report = "truth_act";
  t.title = "Records of ICE access";
  t.citation = "Cal. Gov. Code 7283.1(c); access as defined in 7283(d)";
  t.from = from;
  t.to = to;
  t.columns = {"time", "access", "agency", "records", "categories_released", "categories_refused",
               "outcome", "audit_index", "request_id"};
  std::vector<std::pair<records::TimeMs, std::vector<std::string>>> rows;
  AuditQuery q;
  q.from_time = from;
  q.to_time = to;
  Status s = source.ForEach(q, [&](const AuditEvent& e) {
    bool direct = imm->count(e.agency) > 0 ||
                  std::find(options.immigration_kinds.begin(), options.immigration_kinds.end(),
                            e.agency_kind) != options.immigration_kinds.end();
    bool passed_on = !e.recipient.empty() && imm->count(e.recipient) > 0;
    if (!direct && !passed_on) return true;
    std::set<std::string> released, refused;
    for (const auto& d : e.decisions) (d.decision == "allow" ? released : refused).insert(d.category);
    for (const auto& [id, cats] : e.released) released.insert(cats.begin(), cats.end());
    for (const auto& c : released) refused.erase(c);
    auto join = [](const std::set<std::string>& x) {
      std::string o;
      for (const auto& v : x) o += (o.empty() ? "" : " ") + v;
      return o;
    };
    std::string access = direct ? "gateway " + e.method + " " + e.path
                                : "passed on by " + e.channel + " (" + e.principal + ")";
    rows.push_back({e.time,
                    {records::FormatIso8601(e.time), access, direct ? e.agency : e.recipient,
                     std::to_string(e.record_ids.size()), join(released), join(refused), e.outcome,
                     std::to_string(e.index), ""}});
    return true;
  });
  TG_RETURN_IF_ERROR(s);
  auto requests = ImmigrationRequests(store, from, to, options);
  if (!requests.ok()) return requests.status();
  for (const auto& r : *requests) {
    rows.push_back({r.received_at,
                    {records::FormatIso8601(r.received_at), "request " + r.kind + " (" + r.authority_kind + ")",
                     r.requesting_agency, "1", "", "", r.outcome, "", std::to_string(r.id)}});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [time, row] : rows) t.rows.push_back(std::move(row));
  t.notes.push_back("Personal information is left out (7283.1(c) allows redaction); audit_index "
                    "and request_id identify each record for a lawful follow-up request.");
  return t;
}

Result<StatsTable> TransfersByOffense(records::Store& store, records::TimeMs from, records::TimeMs to,
                                      const StatsOptions& options) {
  auto requests = ImmigrationRequests(store, from, to, options);
  if (!requests.ok()) return requests.status();
  std::map<std::tuple<std::string, std::string, std::string>, int> counts;
  int total = 0;
  for (const auto& r : *requests) {
    auto b = store.GetBooking(r.booking_id);
    const records::Booking* bp = b.ok() ? &*b : nullptr;
    if (!Transferred(r, bp)) continue;
    ++total;
    const records::Charge* c = bp ? TopCharge(*bp) : nullptr;
    counts[c ? std::make_tuple(c->code, c->statute, c->description)
             : std::make_tuple(std::string(), std::string(), std::string("(no charge recorded)"))]++;
  }
  StatsTable t;
  t.report = "transfers";
  t.title = "Transfers to immigration authorities by offense";
  t.citation = "Cal. Gov. Code 7284.6(c)(2) (transfers under 7284.6(a)(4))";
  t.from = from;
  t.to = to;
  t.columns = {"offense_code", "statute", "description", "count"};
  for (const auto& [k, n] : counts) {
    t.rows.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), std::to_string(n)});
  }
  t.notes.push_back("Total transfers: " + std::to_string(total) +
                    ". The offense is the booking's most serious charge (first felony).");
  return t;
}

}  // namespace tg::oversight
