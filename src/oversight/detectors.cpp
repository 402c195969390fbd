// RunDetectors: loads the directory, runs each detector, orders the findings.
#include "oversight/detectors.h"

#include <algorithm>

#include "oversight/detect_internal.h"

namespace tg::oversight {

Result<std::vector<Finding>> RunDetectors(std::vector<AuditEvent> events, records::Store& store,
                                          const DetectorOptions& options) {
  std::stable_sort(events.begin(), events.end(),
                   [](const AuditEvent& a, const AuditEvent& b) { return a.index < b.index; });
  detail::Directory dir;
  TG_RETURN_IF_ERROR(detail::LoadDirectory(store, events, dir));
  detail::Context ctx{events, dir, options, store, 0, {}};
  if (options.now) {
    ctx.now = *options.now;
  } else {
    auto meta = store.GetMeta("county.now");
    if (meta.ok() && meta->has_value()) {
      auto t = records::ParseIso8601(**meta);
      if (t.ok()) ctx.now = *t;
      else ctx.now = std::atoll((*meta)->c_str());
    }
    if (ctx.now == 0) {
      for (const auto& e : events) ctx.now = std::max(ctx.now, e.time);
    }
    if (ctx.now == 0) ctx.now = records::NowMs();
  }
  ctx.clock.resize(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    ctx.clock[i] = options.events_per_day && *options.events_per_day > 0
                       ? static_cast<records::TimeMs>(static_cast<double>(i) * records::kMsPerDay /
                                                      *options.events_per_day)
                       : events[i].time;
  }
  std::vector<Finding> out;
  detail::DetectBarredRecipients(ctx, out);
  detail::DetectReleaseFeeds(ctx, out);
  detail::DetectSideDoors(ctx, out);
  detail::DetectPassOns(ctx, out);
  detail::DetectReasons(ctx, out);
  detail::DetectVolume(ctx, out);
  if (options.data_hygiene) TG_RETURN_IF_ERROR(detail::DetectDataHygiene(ctx, out));
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    int ra = SeverityRank(a.severity), rb = SeverityRank(b.severity);
    if (ra != rb) return ra < rb;
    if (a.detector != b.detector) return a.detector < b.detector;
    if (a.agency != b.agency) return a.agency < b.agency;
    return a.principal < b.principal;
  });
  return out;
}

Result<std::vector<Finding>> RunDetectors(AuditSource& source, records::Store& store,
                                          const DetectorOptions& options, const AuditQuery& query) {
  auto events = CollectEvents(source, query);
  if (!events.ok()) return events.status();
  return RunDetectors(std::move(*events), store, options);
}

}  // namespace tg::oversight
