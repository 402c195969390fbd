// The HTTP server: Boost.Beast over Asio, HTTP/1.1 with keep-alive, a thread pool, header
// and body size limits, read and idle timeouts, optional TLS (and mTLS), a per-address rate
// limit, and graceful shutdown. It knows nothing of the API: every request goes to one
// Handler (normally a Router).
#pragma once

#include <memory>

#include "base/status.h"
#include "gateway/config.h"
#include "gateway/http.h"

namespace tg::gateway {

class Server {
 public:
  // Binds config.listen, starts the thread pool and accepts connections. Fails with a clear
  // status when the address is taken or TLS files cannot be loaded. `on_reject`, when
  // given, hears of every request the server answers without the handler (so that the
  // gateway can audit those too).
  static Result<std::unique_ptr<Server>> Start(const ServerConfig& config, Handler handler,
                                               RejectionSink on_reject = {});

  // Stops (see Shutdown) and waits.
  ~Server();

  // The bound port (useful with port 0).
  unsigned short port() const;
  // "http" or "https".
  const char* scheme() const;

  // Graceful shutdown: stops accepting, closes idle keep-alive connections, lets in-flight
  // requests finish (their responses are written, with Connection: close) for up to
  // limits.shutdown_grace_ms, then stops the pool. Returns when the pool has stopped.
  // Safe to call more than once and from any thread except a pool thread.
  // A request still unanswered then (its handler's owner, the gateway, holds its Respond) may
  // still be answered into the stopped server, never sent; so destroy the handler's owner
  // after Shutdown and before this server, never after it.
  void Shutdown();

  // Requests answered so far (all statuses); for tests and the demo banner.
  uint64_t requests_served() const;

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tg::gateway
