// Side doors: local staff whose accessed subjects (bookings, persons, plates) are named soon
// after in requests from barred recipients — the proxy lookups and phoned-in tip-offs of the
// Bernalillo and ALPR cases, visible because both ends pass through the log.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "oversight/detect_internal.h"

namespace tg::oversight::detail {

void DetectSideDoors(const Context& ctx, std::vector<Finding>& out) {
  // subject -> local accesses (time, position), in time order.
  std::unordered_map<std::string, std::vector<std::pair<records::TimeMs, size_t>>> local;
  std::map<std::string, double> active;
  for (size_t i = 0; i < ctx.events.size(); ++i) {
    const AuditEvent& e = ctx.events[i];
    if (ctx.Barred(e) || ctx.Oversight(e)) continue;
    active.emplace(e.principal, 0);
    for (auto& s : SubjectsOf(e)) local[s].emplace_back(e.time, i);
  }
  for (auto& [s, v] : local) std::sort(v.begin(), v.end());
  struct Hit {
    std::set<std::string> subjects;
    std::vector<size_t> pos;
  };
  std::map<std::string, Hit> hits;
  for (size_t i = 0; i < ctx.events.size(); ++i) {
    const AuditEvent& e = ctx.events[i];
    if (!ctx.Barred(e)) continue;
    for (auto& s : SubjectsOf(e)) {
      auto it = local.find(s);
      if (it == local.end()) continue;
      auto& v = it->second;
      auto lo = std::lower_bound(v.begin(), v.end(),
                                 std::make_pair(e.time - ctx.options.side_door_window, size_t{0}));
      for (; lo != v.end() && lo->first < e.time; ++lo) {
        const AuditEvent& l = ctx.events[lo->second];
        Hit& h = hits[l.principal];
        h.subjects.insert(s);
        h.pos.push_back(lo->second);
        h.pos.push_back(i);
      }
    }
  }
  for (auto& [p, h] : hits) active[p] = static_cast<double>(h.subjects.size());
  auto verdicts = ComparePeers(active, ctx, ctx.options.side_door_min_subjects);
  for (auto& [principal, h] : hits) {
    const PeerVerdict& v = verdicts.at(principal);
    if (!v.outlier) continue;
    // The principal's own first access names the agency and workstation.
    size_t mine = h.pos.front();
    Finding f;
    f.detector = kSideDoor;
    f.severity = "high";
    f.principal = principal;
    f.agency = ctx.dir.AgencyOf(ctx.events[mine]);
    f.workstation = ctx.events[mine].workstation;
    f.subjects.assign(h.subjects.begin(), h.subjects.end());
    f.summary = fmt::format(
        "{} records {} accessed by {} were named by a barred recipient within {} hours after "
        "the access; peers ({}) have a median of {}. A pattern of proxy lookups or tip-offs.",
        h.subjects.size(), h.subjects.size() == 1 ? "was" : "were", principal,
        ctx.options.side_door_window / records::kMsPerHour, v.group, v.peer_median);
    f.rule = "Gov. Code 7284.6(a)(1)(C),(D) and 7283(d): passing non-public release dates or "
             "personal information to immigration authorities by any channel is ICE access";
    SetEvidence(ctx, h.pos, f);
    out.push_back(std::move(f));
  }
}

}  // namespace tg::oversight::detail
