// Barred recipients: accounts, workstations or tokens of immigration agencies (or other
// barred kinds) that read or tried to read protected categories; and outside-agency desks,
// terminals of the local agency used by barred recipients (the LASD intake-centre case).
#include <fmt/format.h>

#include <map>
#include <set>

#include "oversight/detect_internal.h"

namespace tg::oversight::detail {
namespace {

// A data path a barred recipient has no business on, even when the gateway refused before
// deciding any category. Formal requests (POST /v1/requests) and the public locator are the
// channels the law leaves open.
bool DataPath(const AuditEvent& e) {
  if (e.path.rfind("/v1/", 0) != 0) return false;
  return e.path.rfind("/v1/requests", 0) != 0 && e.path.rfind("/v1/public", 0) != 0 &&
         e.path.rfind("/v1/audit", 0) != 0;
}

std::string Join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : ", ") + x;
  return out;
}

}  // namespace

void DetectBarredRecipients(const Context& ctx, std::vector<Finding>& out) {
  struct Acc {
    std::vector<size_t> pos;
    std::set<std::string> released, refused, workstations;
    int released_events = 0;
  };
  std::map<std::string, Acc> by_principal;
  std::map<std::string, std::map<std::string, std::vector<size_t>>> desks;  // ws -> user -> pos
  for (size_t i = 0; i < ctx.events.size(); ++i) {
    const AuditEvent& e = ctx.events[i];
    if (!ctx.Barred(e)) continue;
    if (!e.workstation.empty()) {
      auto owner = ctx.dir.workstation_owner.find(e.workstation);
      if (owner != ctx.dir.workstation_owner.end() && owner->second != ctx.dir.AgencyOf(e) &&
          !ctx.BarredAgency(owner->second)) {
        desks[e.workstation][e.principal].push_back(i);
      }
    }
    bool touched = false, released = false;
    Acc& acc = by_principal[e.principal];
    for (const auto& cat : ctx.options.protected_categories) {
      if (e.Released(cat)) {
        acc.released.insert(cat);
        touched = released = true;
      } else if (e.Touched(cat)) {
        acc.refused.insert(cat);
        touched = true;
      }
    }
    if (!touched && e.decisions.empty() && DataPath(e)) touched = true;
    if (!touched) continue;
    acc.pos.push_back(i);
    if (released) ++acc.released_events;
    if (!e.workstation.empty()) acc.workstations.insert(e.workstation);
  }
  for (auto& [principal, acc] : by_principal) {
    if (acc.pos.empty()) continue;
    const AuditEvent& first = ctx.events[acc.pos.front()];
    Finding f;
    f.detector = kBarredRecipient;
    f.principal = principal;
    f.agency = ctx.dir.AgencyOf(first);
    f.workstation = acc.workstations.empty() ? "" : *acc.workstations.begin();
    f.severity = acc.released_events > 0 ? "high" : "medium";
    std::string kind = ctx.dir.KindOf(first);
    if (acc.released_events > 0) {
      f.summary = fmt::format(
          "{} of {} ({}) received protected data ({}) in {} of {} accesses; these categories "
          "may not go to this kind of recipient.",
          principal, f.agency, kind, Join(acc.released), acc.released_events, acc.pos.size());
    } else {
      f.summary = fmt::format(
          "{} of {} ({}) tried {} times to read protected data{}; every attempt was refused, "
          "but the account can reach the gateway's data paths.",
          principal, f.agency, kind, acc.pos.size(),
          acc.refused.empty() ? "" : " (" + Join(acc.refused) + ")");
    }
    f.rule = "Gov. Code 7284.6(a)(1)(C),(D): no release dates, addresses or other personal "
             "information to immigration authorities beyond what is public";
    SetEvidence(ctx, acc.pos, f);
    out.push_back(std::move(f));
  }
  for (auto& [ws, users] : desks) {
    std::vector<size_t> pos;
    std::string top;
    size_t top_n = 0;
    std::set<std::string> names;
    for (auto& [u, p] : users) {
      pos.insert(pos.end(), p.begin(), p.end());
      names.insert(u);
      if (p.size() > top_n) top = u, top_n = p.size();
    }
    std::string owner = ctx.dir.workstation_owner.at(ws);
    Finding f;
    f.detector = kOutsideAgencyDesk;
    f.severity = "high";
    f.principal = top;
    f.agency = ctx.dir.AgencyOf(ctx.events[users[top].front()]);
    f.workstation = ws;
    f.summary = fmt::format(
        "Workstation {} belongs to {} but was used {} times by staff of a barred recipient "
        "({}): a desk inside the facility for immigration enforcement.",
        ws, owner, pos.size(), Join(names));
    f.rule = "Gov. Code 7284.6(a)(5): no office space dedicated to immigration authorities; "
             "AG guidance IB 18-10-CJIS: no remote terminals for immigration enforcement";
    SetEvidence(ctx, pos, f);
    out.push_back(std::move(f));
  }
}

}  // namespace tg::oversight::detail
