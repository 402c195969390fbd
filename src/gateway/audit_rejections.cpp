// Requests the server refuses before routing are accesses too: an oversized upload or a
// flood from one address is exactly what an inspector wants to see. They are committed to
// the log and the audit store like routed requests; no data goes out with them, so the
// refusal is sent without waiting for durability.
#include <spdlog/spdlog.h>

#include "gateway/gateway_impl.h"

namespace tg::gateway {

RejectionSink Gateway::rejection_sink() {
  Impl* impl = impl_.get();
  return [impl](const Rejection& r) { impl->AuditRejection(r); };
}

void Gateway::Impl::AuditRejection(const Rejection& r) {
  records::TimeMs now = records::NowMs();
  if (r.status == 429) {
    std::lock_guard lock(rejection_mu);
    auto [it, fresh] = rate_limit_audited.try_emplace(r.client_address, now);
    if (!fresh) {
      if (now - it->second < 1000) return;
      it->second = now;
    }
    if (rate_limit_audited.size() > 100000) rate_limit_audited.clear();  // bound the memory
  }
  AuditRecord a;
  a.time = AuditTime(now);
  a.client_address = r.client_address;
  a.client_cert = r.client_cert_subject;  // as a routed request records it: who connected
  a.method = r.method;
  SplitTarget(r.target, a.path, a.query);
  a.channel = "api";
  a.authority_kind = "none";
  a.status = r.status;
  a.outcome = r.status == 429 ? "rate_limited" : r.status >= 500 ? "error" : "invalid";
  auto prepared = PrepareAudit(a);
  if (!prepared.ok()) {
    spdlog::error("cannot audit a refused request: {}", prepared.status().ToString());
    return;
  }
  // The record and salt travel with the commitment; the log hands them to the audit store.
  auto index = log->Append(std::move(prepared->entry), AuditStore::Attachment(prepared->salt, prepared->record),
                           [](Result<uint64_t> done) {
                             if (!done.ok())
                               spdlog::error("audit of a refused request not durable: {}", done.status().ToString());
                           });
  if (!index.ok()) spdlog::error("cannot audit a refused request: {}", index.status().ToString());
}

}  // namespace tg::gateway
