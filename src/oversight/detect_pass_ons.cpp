// Pass-ons: staff passing data on (channel print, export, phone, email) to a barred
// recipient, allowed by policy or not — the printouts with birthdates LASD staff handed over.
#include <fmt/format.h>

#include <map>
#include <set>

#include "oversight/detect_internal.h"

namespace tg::oversight::detail {

void DetectPassOns(const Context& ctx, std::vector<Finding>& out) {
  static const std::set<std::string> kChannels = {"print", "export", "phone", "email", "feed"};
  struct Acc {
    std::vector<size_t> pos;
    std::set<std::string> recipients, channels, released;
  };
  std::map<std::string, Acc> by_principal;
  for (size_t i = 0; i < ctx.events.size(); ++i) {
    const AuditEvent& e = ctx.events[i];
    if (e.recipient.empty() || !kChannels.count(e.channel)) continue;
    bool barred = ctx.dir.KindOfAgency(e.recipient).empty()
                      ? ctx.options.barred_kinds.count(e.recipient_kind) > 0
                      : ctx.BarredAgency(e.recipient);
    if (!barred) continue;
    Acc& a = by_principal[e.principal];
    a.pos.push_back(i);
    a.recipients.insert(e.recipient);
    a.channels.insert(e.channel);
    for (const auto& c : ctx.options.protected_categories) {
      if (e.Released(c)) a.released.insert(c);
    }
  }
  for (auto& [principal, a] : by_principal) {
    const AuditEvent& first = ctx.events[a.pos.front()];
    auto join = [](const std::set<std::string>& s) {
      std::string o;
      for (const auto& x : s) o += (o.empty() ? "" : ", ") + x;
      return o;
    };
    Finding f;
    f.detector = kPassOn;
    f.severity = a.released.empty() ? "medium" : "high";
    f.principal = principal;
    f.agency = ctx.dir.AgencyOf(first);
    f.workstation = first.workstation;
    f.summary = fmt::format("{} passed records on to {} by {} {} times{}.", principal,
                            join(a.recipients), join(a.channels), a.pos.size(),
                            a.released.empty() ? " (the gateway released no protected field)"
                                               : ", including " + join(a.released));
    f.rule = "Gov. Code 7284.6(a)(1)(C),(D): no personal information or release dates to "
             "immigration authorities by any channel; 28 CFR 23.20(f) and CJIS 5.4: record "
             "every secondary dissemination";
    SetEvidence(ctx, a.pos, f);
    out.push_back(std::move(f));
  }
}

}  // namespace tg::oversight::detail
