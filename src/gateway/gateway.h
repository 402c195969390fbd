// The gateway: API v1 of design.md over the records store, the policy decider and the
// ledger. Every request to an audited route, and every request no route takes (404, 405),
// is audited (canonical record committed to the log, record and salt to the audit store)
// and its response leaves only once both are durable: no log, no data.
#pragma once

#include <memory>

#include "base/status.h"
#include "gateway/config.h"
#include "gateway/http.h"

namespace tg::gateway {

class Gateway {
 public:
  // Opens the store, the log (initialising it with config.log_origin when absent), the
  // audit store and the policy packs. Fails with the first problem, naming the file.
  static Result<std::unique_ptr<Gateway>> Open(const GatewayConfig& config);
  ~Gateway();

  // The request handler for Server::Start. The Gateway must outlive the server.
  Handler handler();
  // The rejection sink for Server::Start: audits what the server refuses before routing
  // (oversized, malformed, rate-limited requests), like every routed request.
  RejectionSink rejection_sink();

  // The log's verifier key (what GET /log/vkey serves).
  std::string verifier_key() const;

  class Impl;

 private:
  explicit Gateway(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tg::gateway
