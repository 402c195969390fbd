#include "gateway/audit_source.h"

namespace tg::gateway {

Status AuditStoreSource::ForEach(const oversight::AuditQuery& q,
                                 const std::function<bool(const oversight::AuditEvent&)>& visit) {
  for (uint64_t i = q.from_index;; ++i) {
    auto row = store_.Read(i);
    if (!row.ok()) return row.status().code() == Code::kNotFound ? Status::OK() : row.status();
    auto e = oversight::ParseAuditEvent(row->record, i);
    if (!e.ok()) return Status::Corruption("audit record " + std::to_string(i) + ": " + e.status().message());
    if (q.from_time && e->time < *q.from_time) continue;
    if (q.to_time && e->time >= *q.to_time) continue;
    if (!visit(*e)) return Status::OK();
  }
}

}  // namespace tg::gateway
