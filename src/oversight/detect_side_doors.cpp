// Side doors: local staff whose accessed subjects (bookings, persons, plates) are named soon
// after in requests from barred recipients — the proxy lookups and phoned-in tip-offs of the
// Bernalillo and ALPR cases, visible because both ends pass through the log.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "oversight/detect_internal.h"

namespace tg::oversight::detail {

void DetectSideDoors(const Context& ctx, std::vector<Finding>& out) {
  // subject -> local accesses (time, position), in time order.
  std::unordered_map<std::string, std::vector<std::pair<records::TimeMs, size_t>>> local;
  for (size_t i = 0; i < ctx.events.size(); ++i) {
    const AuditEvent& e = ctx.events[i];
    // Release lists are judged by the release-feed detector; counted here, one list of a
    // hundred people would drown the one-at-a-time lookups a side door shows.
    if (ctx.Barred(e) || ctx.Oversight(e) || ctx.Public(e) || IsReleaseList(e)) continue;
    for (auto& s : SubjectsOf(e)) local[s].emplace_back(ctx.clock[i], i);
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
                                 std::make_pair(ctx.clock[i] - ctx.options.side_door_window, size_t{0}));
      for (; lo != v.end() && lo->second < i; ++lo) {
        const AuditEvent& l = ctx.events[lo->second];
        Hit& h = hits[l.principal];
        h.subjects.insert(s);
        h.pos.push_back(lo->second);
        h.pos.push_back(i);
      }
    }
  }
  // Peers: each principal is compared with the pooled rate of the other local staff — of the
  // subjects a user accessed that barred recipients name at some time, the share named soon
  // after the access — scaled by how many such subjects the user accessed. Conditioning on
  // subjects barred recipients name at all keeps plates and records nobody outside asks
  // about from diluting the rate, and a heavy reader's coincidences from looking suspicious.
  std::set<std::string> named;
  for (const auto& e : ctx.events) {
    if (!ctx.Barred(e)) continue;
    for (auto& s : SubjectsOf(e)) named.insert(s);
  }
  std::map<std::string, std::set<std::string>> accessed;
  for (auto& [s, v] : local) {
    if (!named.count(s)) continue;
    for (auto& [t, pos] : v) accessed[ctx.events[pos].principal].insert(s);
  }
  // The rate is that of the *other* local staff, leaving out too everyone already judged a side
  // door: a principal's own hits, or another side door's, must not raise the bar it is measured
  // against (two busy side doors among a few dozen clerks would otherwise hide each other by
  // inflating the pooled rate). Judged again until the set of side doors stops changing.
  double total_hits = 0, total_subjects = 0;
  for (auto& [p, subjects] : accessed) total_subjects += static_cast<double>(subjects.size());
  for (auto& [p, h] : hits) total_hits += static_cast<double>(h.subjects.size());
  struct Verdict {
    double n = 0, expected = 0;
  };
  std::map<std::string, Verdict> doors;
  for (int round = 0; round < 10; ++round) {
    double door_hits = 0, door_subjects = 0;
    for (auto& [p, v] : doors) {
      door_hits += static_cast<double>(hits[p].subjects.size());
      door_subjects += v.n;
    }
    std::map<std::string, Verdict> next;
    for (auto& [principal, h] : hits) {
      double n = static_cast<double>(accessed[principal].size());
      double x = static_cast<double>(h.subjects.size());
      double others_hits = total_hits - door_hits, others_subjects = total_subjects - door_subjects;
      if (!doors.count(principal)) others_hits -= x, others_subjects -= n;
      double rate = others_subjects > 0 ? others_hits / others_subjects : 0;
      double expected = n * rate;
      // x counts hits among n subjects: binomial, variance n r (1 - r) (floored at 1, so a
      // handful of subjects never looks extreme).
      double z = (x - expected) / std::sqrt(std::max(expected * (1 - rate), 1.0));
      // A share can reach at most 1, so when the rate is high (short runs: the window is a
      // large part of the run, and coincidences are common) min_ratio times the rate is out of
      // reach; the bar is then halfway from the rate to every subject.
      double bar = std::min(ctx.options.min_ratio * std::max(expected, 1.0), n * (1 + rate) / 2);
      if (x < ctx.options.side_door_min_subjects || z < ctx.options.outlier_z || x < bar) continue;
      next[principal] = {n, expected};
    }
    bool same = next.size() == doors.size();
    for (auto it = next.begin(), jt = doors.begin(); same && it != next.end(); ++it, ++jt) same = it->first == jt->first;
    doors = std::move(next);
    if (same) break;
  }
  for (auto& [principal, verdict] : doors) {
    Hit& h = hits[principal];
    double n = verdict.n, expected = verdict.expected;
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
        "the access; at the rate of the other local staff (side doors left out), {:.1f} would be "
        "expected from the {} "
        "records this user accessed that barred recipients asked about at any time. A pattern "
        "of proxy lookups or tip-offs.",
        h.subjects.size(), h.subjects.size() == 1 ? "was" : "were", principal,
        ctx.options.side_door_window / records::kMsPerHour, expected, n);
    f.rule = "Gov. Code 7284.6(a)(1)(C),(D) and 7283(d): passing non-public release dates or "
             "personal information to immigration authorities by any channel is ICE access";
    SetEvidence(ctx, h.pos, f);
    out.push_back(std::move(f));
  }
}

}  // namespace tg::oversight::detail
