// Directory loading, event classification and peer statistics shared by the detectors.
#include <algorithm>
#include <cmath>
#include <set>

#include "oversight/detect_internal.h"

namespace tg::oversight::detail {

std::string Directory::AgencyOf(const AuditEvent& e) const {
  if (!e.agency.empty()) return e.agency;
  auto it = user_agency.find(e.principal);
  return it == user_agency.end() ? "" : it->second;
}

std::string Directory::KindOfAgency(const std::string& agency) const {
  auto it = agency_kind.find(agency);
  return it == agency_kind.end() ? "" : it->second;
}

std::string Directory::KindOf(const AuditEvent& e) const {
  std::string kind = KindOfAgency(AgencyOf(e));
  // The store is the authority on kinds; the record's own field fills in for agencies the
  // store does not know.
  return kind.empty() ? e.agency_kind : kind;
}

std::string Directory::RolesOf(const std::string& principal) const {
  auto it = user_roles.find(principal);
  return it == user_roles.end() ? "" : it->second;
}

Status LoadDirectory(records::Store& store, const std::vector<AuditEvent>& events, Directory& dir) {
  auto agencies = store.ListAgencies();
  if (!agencies.ok()) return agencies.status();
  for (const auto& a : *agencies) dir.agency_kind[a.id] = a.kind;
  auto users = store.ListUsers();
  if (!users.ok()) return users.status();
  for (const auto& u : *users) {
    dir.user_agency[u.id] = u.agency_id;
    std::vector<std::string> roles = u.roles;
    std::sort(roles.begin(), roles.end());
    std::string joined;
    for (const auto& r : roles) joined += (joined.empty() ? "" : ",") + r;
    dir.user_roles[u.id] = joined;
  }
  auto stations = store.ListWorkstations();
  if (!stations.ok()) return stations.status();
  for (const auto& w : *stations) dir.workstation_owner[w.id] = w.agency_id;
  for (const auto& e : events) {
    if (!e.agency.empty() && !e.agency_kind.empty()) dir.agency_kind.emplace(e.agency, e.agency_kind);
    if (!e.agency.empty()) dir.user_agency.emplace(e.principal, e.agency);
  }
  return Status::OK();
}

std::string QueryParam(const std::string& query, const std::string& key) {
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    std::string part = query.substr(pos, amp - pos);
    size_t eq = part.find('=');
    if (part.substr(0, eq) == key) return eq == std::string::npos ? "" : part.substr(eq + 1);
    pos = amp + 1;
  }
  return "";
}

bool IsReleaseList(const AuditEvent& e) {
  return e.path == "/v1/bookings" && e.query.find("release_within") != std::string::npos;
}

std::string PlateOf(const AuditEvent& e) {
  static const std::string prefix = "/v1/plates/";
  static const std::string suffix = "/reads";
  if (e.path.rfind(prefix, 0) != 0) return "";
  if (e.path.size() <= prefix.size() + suffix.size()) return "";
  if (e.path.compare(e.path.size() - suffix.size(), suffix.size(), suffix) != 0) return "";
  return e.path.substr(prefix.size(), e.path.size() - prefix.size() - suffix.size());
}

std::vector<std::string> SubjectsOf(const AuditEvent& e) {
  std::set<std::string> s(e.record_ids.begin(), e.record_ids.end());
  for (const auto& [id, cats] : e.released) s.insert(id);
  for (const char* prefix : {"/v1/bookings/", "/v1/persons/"}) {
    std::string p = prefix;
    if (e.path.rfind(p, 0) == 0 && e.path.size() > p.size()) {
      std::string id = e.path.substr(p.size());
      if (id.find('/') == std::string::npos) s.insert(id);
    }
  }
  std::string plate = PlateOf(e);
  if (!plate.empty()) s.insert(plate);
  return {s.begin(), s.end()};
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  double m = v[mid];
  if (v.size() % 2 == 0) {
    double lower = *std::max_element(v.begin(), v.begin() + mid);
    m = (m + lower) / 2;
  }
  return m;
}

double Mad(const std::vector<double>& v) {
  double m = Median(v);
  std::vector<double> dev;
  dev.reserve(v.size());
  for (double x : v) dev.push_back(std::fabs(x - m));
  return Median(std::move(dev));
}

std::map<std::string, PeerVerdict> ComparePeers(const std::map<std::string, double>& values,
                                                const Context& ctx, double min_value) {
  // Group members by the three keys once.
  std::map<std::string, std::vector<double>> by_role, by_kind;
  std::vector<double> all;
  auto role_key = [&](const std::string& p) {
    auto it = ctx.dir.user_agency.find(p);
    return (it == ctx.dir.user_agency.end() ? std::string() : it->second) + "|" + ctx.dir.RolesOf(p);
  };
  auto kind_key = [&](const std::string& p) {
    auto it = ctx.dir.user_agency.find(p);
    return ctx.dir.KindOfAgency(it == ctx.dir.user_agency.end() ? "" : it->second);
  };
  for (const auto& [p, x] : values) {
    by_role[role_key(p)].push_back(x);
    by_kind[kind_key(p)].push_back(x);
    all.push_back(x);
  }
  struct Summary {
    double median, scale;
    size_t n;
  };
  std::map<std::string, Summary> cache;
  auto summarize = [&](const std::string& key, const std::vector<double>& v) {
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    double med = Median(v);
    double scale = std::max(1.4826 * Mad(v), std::sqrt(std::max(med, 1.0)));
    Summary s{med, scale, v.size()};
    cache.emplace(key, s);
    return s;
  };
  std::map<std::string, PeerVerdict> out;
  for (const auto& [p, x] : values) {
    PeerVerdict v;
    v.value = x;
    Summary s;
    std::string rk = role_key(p), kk = kind_key(p);
    if (by_role[rk].size() >= ctx.options.min_peers) {
      s = summarize("r:" + rk, by_role[rk]);
      auto bar = rk.find('|');
      v.group = "agency " + rk.substr(0, bar) + ", role " + rk.substr(bar + 1);
    } else if (by_kind[kk].size() >= ctx.options.min_peers) {
      s = summarize("k:" + kk, by_kind[kk]);
      v.group = "agencies of kind " + kk;
    } else {
      s = summarize("all", all);
      v.group = "all users";
    }
    v.peer_median = s.median;
    v.peers = s.n;
    v.z = (x - s.median) / s.scale;
    v.outlier = x >= min_value && v.z >= ctx.options.outlier_z &&
                x >= ctx.options.min_ratio * std::max(s.median, 1.0);
    out.emplace(p, v);
  }
  return out;
}

void SetEvidence(const Context& ctx, const std::vector<size_t>& positions, Finding& f) {
  std::set<uint64_t> idx;
  bool first = true;
  for (size_t p : positions) {
    const AuditEvent& e = ctx.events[p];
    idx.insert(e.index);
    if (first || e.time < f.window_start) f.window_start = e.time;
    if (first || e.time > f.window_end) f.window_end = e.time;
    first = false;
  }
  f.evidence.assign(idx.begin(), idx.end());
}

}  // namespace tg::oversight::detail
