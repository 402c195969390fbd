// Release feeds: principals pulling upcoming-release lists far more often than their peers,
// or pulling far more soon-to-be-released people than their peers (the "constant flow" of
// releases an LASD terminal gave immigration officers). Counts are over event time, so the
// verdict does not depend on how fast the traffic was replayed.
#include <fmt/format.h>

#include <map>
#include <set>

#include "oversight/detect_internal.h"

namespace tg::oversight::detail {

void DetectReleaseFeeds(const Context& ctx, std::vector<Finding>& out) {
  std::map<std::string, double> pulls, people;
  std::map<std::string, std::vector<size_t>> pos;
  std::map<std::string, std::map<std::string, int>> stations;
  for (size_t i = 0; i < ctx.events.size(); ++i) {
    const AuditEvent& e = ctx.events[i];
    if (ctx.Oversight(e) || ctx.Public(e)) continue;
    pulls.emplace(e.principal, 0);
    people.emplace(e.principal, 0);
    if (!IsReleaseList(e)) continue;
    pulls[e.principal] += 1;
    if (e.Released("release")) people[e.principal] += static_cast<double>(e.record_ids.size());
    pos[e.principal].push_back(i);
    if (!e.workstation.empty()) stations[e.principal][e.workstation]++;
  }
  auto by_pulls = ComparePeers(pulls, ctx, ctx.options.release_min_pulls);
  auto by_people = ComparePeers(people, ctx, ctx.options.bulk_release_records);
  for (const auto& [principal, p] : pos) {
    const PeerVerdict& a = by_pulls.at(principal);
    const PeerVerdict& b = by_people.at(principal);
    if (!a.outlier && !b.outlier) continue;
    const AuditEvent& first = ctx.events[p.front()];
    Finding f;
    f.detector = kReleaseFeed;
    f.principal = principal;
    f.agency = ctx.dir.AgencyOf(first);
    std::string ws;
    int ws_n = 0;
    for (const auto& [w, n] : stations[principal]) {
      if (n > ws_n) ws = w, ws_n = n;
    }
    f.workstation = ws;
    f.severity = (ctx.Barred(first) || b.outlier) ? "high" : "medium";
    f.summary = fmt::format(
        "{} pulled upcoming-release lists {} times, returning {} people about to be released; "
        "peers ({}, {} users) pulled a median of {} lists and {} people.",
        principal, a.value, b.value, a.group, a.peers, a.peer_median, b.peer_median);
    if (!ws.empty()) f.summary += fmt::format(" Most pulls came from workstation {}.", ws);
    f.rule = "Gov. Code 7284.6(a)(1)(C): release dates go to immigration authorities only if "
             "public or for a 7282.5 case, one person at a time; bulk or streaming release "
             "feeds fall outside every exception";
    SetEvidence(ctx, p, f);
    out.push_back(std::move(f));
  }
}

}  // namespace tg::oversight::detail
