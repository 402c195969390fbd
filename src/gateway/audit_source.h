// The gateway's audit store read as the oversight module's AuditSource, so the detectors and
// the statistics run over what the gateway wrote (the findings route, the transparency page).
#pragma once

#include "gateway/audit_store.h"
#include "oversight/audit_event.h"

namespace tg::gateway {

// Reads audit rows by log index from q.from_index up to the first index the store does not
// hold (the store keeps indexes contiguous), parsing each canonical record into an
// AuditEvent. A row that does not parse is Corruption naming its index. `store` must
// outlive the source; reads are as thread-safe as AuditStore::Read.
class AuditStoreSource : public oversight::AuditSource {
 public:
  explicit AuditStoreSource(const AuditStore& store) : store_(store) {}
  Status ForEach(const oversight::AuditQuery& q,
                 const std::function<bool(const oversight::AuditEvent&)>& visit) override;

 private:
  const AuditStore& store_;
};

}  // namespace tg::gateway
