// Volume and spread: record reads or plate lookups far above a user's peers (same agency and
// role), lookups without the case number their purpose calls for, and one plate tracked
// again and again by one user (following a person, not investigating a crime).
#include <fmt/format.h>

#include <map>
#include <set>

#include "oversight/detect_internal.h"

namespace tg::oversight::detail {
namespace {

void VolumeOutliers(const Context& ctx, std::vector<Finding>& out) {
  std::map<std::string, double> reads, plates;
  std::map<std::string, std::vector<size_t>> pos;
  for (size_t i = 0; i < ctx.events.size(); ++i) {
    const AuditEvent& e = ctx.events[i];
    if (ctx.Oversight(e) || ctx.Public(e)) continue;
    // Release lists are judged by the release-feed detector, against their own peers.
    if (IsReleaseList(e)) continue;
    double n = std::max<double>(1, static_cast<double>(e.record_ids.size()));
    bool plate = !PlateOf(e).empty();
    reads[e.principal] += plate ? 0 : n;
    plates[e.principal] += plate ? 1 : 0;
    pos[e.principal].push_back(i);
  }
  auto by_reads = ComparePeers(reads, ctx, ctx.options.volume_min);
  auto by_plates = ComparePeers(plates, ctx, ctx.options.volume_min);
  for (auto& [principal, p] : pos) {
    const PeerVerdict& r = by_reads.at(principal);
    const PeerVerdict& l = by_plates.at(principal);
    if (!r.outlier && !l.outlier) continue;
    const AuditEvent& first = ctx.events[p.front()];
    Finding f;
    f.detector = kVolumeOutlier;
    f.severity = "medium";
    f.principal = principal;
    f.agency = ctx.dir.AgencyOf(first);
    f.workstation = first.workstation;
    std::vector<std::string> parts;
    if (r.outlier) {
      parts.push_back(fmt::format("read {} records against a median of {} among peers ({}, {} users)",
                                  r.value, r.peer_median, r.group, r.peers));
    }
    if (l.outlier) {
      parts.push_back(fmt::format("ran {} plate lookups against a median of {} among peers ({}, {} users)",
                                  l.value, l.peer_median, l.group, l.peers));
    }
    f.summary = principal + " " + parts[0] + (parts.size() > 1 ? "; and " + parts[1] : "") + ".";
    f.rule = "28 CFR 23.20(d) and CJIS 5.4: access on a need to know and a right to know; "
             "Civ. Code 1798.90.51(b): ALPR use only for authorized purposes";
    SetEvidence(ctx, p, f);
    out.push_back(std::move(f));
  }
}

void MissingCases(const Context& ctx, std::vector<Finding>& out) {
  std::map<std::string, double> missing;
  std::map<std::string, int> needing;
  std::map<std::string, std::vector<size_t>> pos;
  for (size_t i = 0; i < ctx.events.size(); ++i) {
    const AuditEvent& e = ctx.events[i];
    if (ctx.Oversight(e) || ctx.Public(e)) continue;
    missing.emplace(e.principal, 0);
    if (!ctx.options.purposes_needing_case.count(e.purpose)) continue;
    needing[e.principal]++;
    if (!e.case_number.empty()) continue;
    missing[e.principal] += 1;
    pos[e.principal].push_back(i);
  }
  auto verdicts = ComparePeers(missing, ctx, ctx.options.missing_case_min);
  for (auto& [principal, p] : pos) {
    const PeerVerdict& v = verdicts.at(principal);
    double share = static_cast<double>(p.size()) / needing[principal];
    if (static_cast<int>(p.size()) < ctx.options.missing_case_min ||
        share < ctx.options.missing_case_share) {
      continue;
    }
    if (!v.outlier && !(share >= 0.9 && static_cast<int>(p.size()) >= 3 * ctx.options.missing_case_min)) {
      continue;
    }
    const AuditEvent& first = ctx.events[p.front()];
    Finding f;
    f.detector = kMissingCase;
    f.severity = "medium";
    f.principal = principal;
    f.agency = ctx.dir.AgencyOf(first);
    f.workstation = first.workstation;
    f.summary = fmt::format(
        "{} made {} of {} investigative lookups ({:.0f}%) without a case number; peers ({}) "
        "have a median of {} such lookups.",
        principal, p.size(), needing[principal], 100 * share, v.group, v.peer_median);
    f.rule = "Civ. Code 1798.90.52(b) and 28 CFR 23.20(f): each access records its purpose "
             "and the case it serves";
    SetEvidence(ctx, p, f);
    out.push_back(std::move(f));
  }
}

void PlateTracking(const Context& ctx, std::vector<Finding>& out) {
  std::map<std::pair<std::string, std::string>, std::vector<size_t>> by;
  for (size_t i = 0; i < ctx.events.size(); ++i) {
    const AuditEvent& e = ctx.events[i];
    if (ctx.Oversight(e) || ctx.Public(e)) continue;
    std::string plate = PlateOf(e);
    if (!plate.empty()) by[{e.principal, plate}].push_back(i);
  }
  for (auto& [key, p] : by) {
    if (static_cast<int>(p.size()) < ctx.options.plate_tracking_min) continue;
    std::set<records::TimeMs> days;
    for (size_t i : p) days.insert(ctx.clock[i] / records::kMsPerDay);
    if (static_cast<int>(days.size()) < ctx.options.plate_tracking_min_days) continue;
    const AuditEvent& first = ctx.events[p.front()];
    Finding f;
    f.detector = kPlateTracking;
    f.severity = "medium";
    f.principal = key.first;
    f.agency = ctx.dir.AgencyOf(first);
    f.workstation = first.workstation;
    f.subjects = {key.second};
    f.summary = fmt::format("{} looked up plate {} {} times on {} different days.", key.first,
                            key.second, p.size(), days.size());
    f.rule = "Civ. Code 1798.90.51(b) and 1798.90.52: ALPR data only for authorized, "
             "logged purposes; repeated tracking of one vehicle needs a case";
    SetEvidence(ctx, p, f);
    out.push_back(std::move(f));
  }
}

}  // namespace

void DetectVolume(const Context& ctx, std::vector<Finding>& out) {
  VolumeOutliers(ctx, out);
  MissingCases(ctx, out);
  PlateTracking(ctx, out);
}

}  // namespace tg::oversight::detail
