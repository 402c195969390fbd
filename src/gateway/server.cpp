#include "gateway/server.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/thread_name.h"
#include "gateway/rate_limit.h"
#include "gateway/response_head.h"

namespace tg::gateway {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// A connection's TCP stream, bound to its lane's io_context with the concrete executor
// type: each lane is run by one thread, so a strand would only add a lock and a queue, and
// beast::tcp_stream's type-erased executor cost ~3% of the HTTP threads' CPU (prefer/copy
// on every operation).
using LaneExecutor = net::io_context::executor_type;
using TcpStream = beast::basic_stream<tcp, LaneExecutor, beast::unlimited_rate_policy>;
using TlsStream = beast::ssl_stream<TcpStream>;

// What every connection needs from the server, whatever its stream type.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection if no request is in flight; called on shutdown.
  virtual void CloseIfIdle() = 0;
};

class Server::Impl {
 public:
  Impl(const ServerConfig& config, Handler handler, RejectionSink on_reject)
      : config_(config),
        handler_(std::move(handler)),
        on_reject_(std::move(on_reject)),
        threads_(config.threads > 0 ? config.threads
                                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
        ssl_ctx_(ssl::context::tls_server),
        lanes_(MakeLanes(threads_)),
        acceptor_(net::make_strand(lanes_[0]->ioc)),
        address_limiter_(config.rate_limits.per_address_per_second,
                         config.rate_limits.per_address_burst) {}

  Status Open();
  void Run();
  void Shutdown();

  const ServerConfig& config() const { return config_; }
  const Handler& handler() const { return handler_; }
  void Reject(const Rejection& r) const {
    if (on_reject_) on_reject_(r);
  }
  bool stopping() const { return stopping_.load(); }
  RateLimiter& address_limiter() { return address_limiter_; }
  std::atomic<uint64_t> served{0};

  void Register(const std::shared_ptr<SessionBase>& s) {
    std::lock_guard lock(mu_);
    sessions_.remove_if([](const std::weak_ptr<SessionBase>& w) { return w.expired(); });
    sessions_.push_back(s);
    ++live_;
  }
  void Unregister() {
    std::lock_guard lock(mu_);
    --live_;
    cv_.notify_all();
  }

  unsigned short port = 0;
  bool tls = false;

  // Hands `deliver` (which queues a connection's answer on its executor) to the thread of
  // `lane`, the connection's. Called from outside it (the log's committer resolves a group
  // commit's answers one after another), answers gather per lane and one post hands them
  // all to its thread, whose net::defer onto each connection's executor needs no further
  // wake-up: a commit of N records wakes each thread once instead of N times. Called from
  // the lane's own thread, runs `deliver` at once.
  void Deliver(size_t lane, std::function<void()> deliver);

 private:
  // One io_context per pool thread, each run by that thread alone: a connection stays on
  // the thread that accepted it for its life, so its handlers never wait for a lock another
  // thread holds or wake another thread (futex wake-ups are dear on a VM), as nginx's
  // workers do. Connections are dealt to the lanes in turn.
  struct Lane {
    net::io_context ioc{1};
    // After ioc, so destroyed before it: queued answers hold sessions, whose timers need ioc.
    std::mutex deliver_mu;
    std::vector<std::function<void()>> deliveries;
    // Keeps the thread running while a handler answers from another thread and no socket
    // operation is pending.
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  };
  static std::vector<std::unique_ptr<Lane>> MakeLanes(int n) {
    std::vector<std::unique_ptr<Lane>> lanes;
    for (int i = 0; i < n; ++i) lanes.push_back(std::make_unique<Lane>());
    return lanes;
  }
  void Accept();

  // Declared before lanes_: sessions still queued in the io_context when it is destroyed
  // unregister themselves through these.
  std::mutex mu_;
  std::condition_variable cv_;
  std::list<std::weak_ptr<SessionBase>> sessions_;
  int live_ = 0;
  ServerConfig config_;
  Handler handler_;
  RejectionSink on_reject_;
  int threads_;
  ssl::context ssl_ctx_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  size_t next_lane_ = 0;  // the acceptor's strand only
  tcp::acceptor acceptor_;
  RateLimiter address_limiter_;
  std::vector<std::thread> pool_;
  std::atomic<bool> stopping_{false};
  bool joined_ = false;
  std::mutex shutdown_mu_;
};

namespace {

std::string PeerCertSubject(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return {};
  char buf[512];
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
  X509_free(cert);
  return buf;
}

// One connection. Stream is TcpStream or TlsStream.
template <typename Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Server::Impl& server, size_t lane, Stream stream, std::string client_address)
      : registration_{server},
        server_(server),
        lane_(lane),
        stream_(std::move(stream)),
        client_address_(std::move(client_address)) {}

  void Start() {
    auto self = this->shared_from_this();
    net::dispatch(Tcp().get_executor(), [self] { self->Begin(); });
  }

  void CloseIfIdle() override {
    auto self = this->shared_from_this();
    net::post(Tcp().get_executor(), [self] {
      if (!self->busy_) self->Close();
    });
  }

 private:
  TcpStream& Tcp() { return beast::get_lowest_layer(stream_); }

  void Begin() {
    if constexpr (std::is_same_v<Stream, TcpStream>) {
      ReadHeader();
    } else {
      Tcp().expires_after(std::chrono::milliseconds(server_.config().limits.read_timeout_ms));
      auto self = this->shared_from_this();
      stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
        if (ec) return self->Close();
        self->client_cert_subject_ = PeerCertSubject(self->stream_.native_handle());
        self->ReadHeader();
      });
    }
  }

  void ReadHeader() {
    if (server_.stopping()) return Close();
    const auto& limits = server_.config().limits;
    parser_.emplace();
    // A refusal before this request is parsed must not answer as the previous one did
    // (without a body after a HEAD, or in its HTTP version).
    head_ = false;
    version_ = 11;
    parser_->header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser_->body_limit(limits.max_body_bytes);
    Tcp().expires_after(std::chrono::milliseconds(limits.idle_timeout_ms));
    auto self = this->shared_from_this();
    http::async_read_header(stream_, buffer_, *parser_,
                            [self](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec == http::error::header_limit) {
      busy_ = true;
      return SendAndClose(Refuse(431, "header_too_large", "request header block exceeds " +
                                 std::to_string(server_.config().limits.max_header_bytes) + " bytes"));
    }
    // The parser checks a declared Content-Length against the body limit with the header.
    if (ec == http::error::body_limit) {
      busy_ = true;
      return RejectBody();
    }
    // Bytes that are not an HTTP request (a bad method, target, header or Content-Length, a
    // TLS hello on the plain port) get a 400 saying what, as any bad input does; a
    // connection closed, reset or timed out before a whole request gets nothing.
    if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message && ec != http::error::short_read) {
      busy_ = true;
      return SendAndClose(Refuse(400, "bad_request", "malformed HTTP request: " + ec.message()));
    }
    if (ec) return Close();
    busy_ = true;
    const auto& limits = server_.config().limits;
    auto len = parser_->content_length();
    if (len && *len > limits.max_body_bytes) return RejectBody();
    Tcp().expires_after(std::chrono::milliseconds(limits.read_timeout_ms));
    auto self = this->shared_from_this();
    http::async_read(stream_, buffer_, *parser_,
                     [self](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  void RejectBody() {
    draining_ = true;
    SendAndClose(Refuse(413, "body_too_large", "request body exceeds " +
                        std::to_string(server_.config().limits.max_body_bytes) + " bytes"));
  }

  // The error response for a request the server answers itself, reported to the sink with
  // whatever of the request line was read.
  Response Refuse(int status, const std::string& code, const std::string& message) {
    Rejection r;
    r.client_address = client_address_;
    r.client_cert_subject = client_cert_subject_;
    if (parser_) {  // the request line is in once it was parsed, header done or not
      r.method = std::string(parser_->get().method_string());
      r.target = std::string(parser_->get().target());
      // Answered in the request's version (1.1 until its line is read); no body to a HEAD.
      version_ = parser_->get().version();
      head_ = r.method == "HEAD";
    }
    r.status = status;
    r.code = code;
    r.message = message;
    try {
      server_.Reject(r);
    } catch (...) {
      // A failing sink must not take the connection's answer with it.
    }
    return JsonError(status, code, message);
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) return RejectBody();
    if (ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted) {
      return Close();
    }
    if (ec) {
      return SendAndClose(Refuse(400, "bad_request", "malformed HTTP request: " + ec.message()));
    }
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    SplitTarget(req.target, req.path, req.query);
    for (const auto& f : msg) req.headers.emplace_back(f.name_string(), f.value());
    req.body = std::move(msg.body());
    req.client_address = client_address_;
    req.tls = !std::is_same_v<Stream, TcpStream>;
    req.client_cert_subject = client_cert_subject_;
    head_ = req.method == "HEAD";

    if (!server_.address_limiter().Allow(client_address_)) {
      return Write(Refuse(429, "rate_limited", "too many requests from " + client_address_));
    }
    // The handler may answer from another thread (after the audit ticket resolves); the
    // answer is posted back onto this connection's lane.
    auto self = this->shared_from_this();
    auto once = std::make_shared<std::atomic<bool>>(false);
    Respond respond = [self, once](Response r) {
      if (once->exchange(true)) return;
      self->server_.Deliver(self->lane_, [self, r = std::move(r)]() mutable {
        net::defer(self->Tcp().get_executor(), [self, r = std::move(r)]() mutable { self->Write(std::move(r)); });
      });
    };
    try {
      server_.handler()(std::move(req), respond);
    } catch (const std::exception& e) {
      respond(Refuse(500, "internal", std::string("handler failed: ") + e.what()));
    } catch (...) {
      respond(Refuse(500, "internal", "handler failed"));
    }
  }

  void SendAndClose(Response r) {
    keep_alive_ = false;
    Write(std::move(r));
  }

  // Writes the head ourselves and sends head and body in one gather write: Beast's
  // response object allocated per field and its serializer cost ~5% of the CPU under load.
  // Only one response is in flight per connection (the next request is read after
  // OnWrite), so the bytes live in members, kept alive by `self` in the handler.
  void Write(Response r) {
    ++server_.served;
    bool keep = keep_alive_ && !server_.stopping();
    out_body_ = std::move(r.body);
    // HEAD: the Content-Length of the body a GET would get, and no body.
    BuildResponseHead(out_head_, out_fields_, r.status, version_ ? version_ : 11, keep, r.content_type, r.headers,
                      out_body_.size());
    if (head_) out_body_.clear();
    Tcp().expires_after(std::chrono::milliseconds(server_.config().limits.read_timeout_ms));
    auto self = this->shared_from_this();
    auto done = [self, keep](beast::error_code ec, size_t) { self->OnWrite(ec, keep); };
    if constexpr (std::is_same_v<Stream, TcpStream>) {
      std::array<net::const_buffer, 2> bufs{net::buffer(out_head_), net::buffer(out_body_)};
      net::async_write(stream_, bufs, std::move(done));
    } else {
      // One buffer over TLS: with Boost 1.74, a two-buffer write through beast::ssl_stream
      // (flat_stream) stopped after the head once the pair exceeded 16 KiB (a 63 KB body was
      // cut off: TlsGateway tests). flat_stream copied small messages into one buffer anyway.
      out_head_ += out_body_;
      net::async_write(stream_, net::buffer(out_head_), std::move(done));
    }
  }

  void OnWrite(beast::error_code ec, bool keep) {
    busy_ = false;
    // Do not hold a large body per idle connection; the head's few hundred bytes are reused.
    std::string().swap(out_body_);
    if (out_head_.capacity() > 8192) std::string().swap(out_head_);  // it held a TLS body
    if (ec) return Close();
    if (draining_) return Drain();
    if (!keep) return Close();  // the head said "Connection: close" (1.1) or no keep-alive (1.0)
    ReadHeader();
  }

  // After refusing an oversized body, read and discard what the client is still sending
  // (bounded in bytes and time) so that it gets to read our 413 instead of a reset.
  void Drain() {
    Tcp().expires_after(std::chrono::seconds(10));
    buffer_.consume(buffer_.size());
    auto self = this->shared_from_this();
    Tcp().async_read_some(net::buffer(drain_buf_), [self](beast::error_code ec, size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > 256u * 1024 * 1024) return self->Close();
      self->Drain();
    });
  }

  void Close() {
    beast::error_code ec;
    if constexpr (!std::is_same_v<Stream, TcpStream>) {
      // A TLS close_notify would need another round trip; closing the socket is enough.
    }
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
    Tcp().close();
  }

  // Declared first, so destroyed last. Shutdown waits for every session to unregister and
  // then destroys the io_context, which the stream's timers use while they are destroyed.
  // A session can die on any thread (a pending answer holds it, e.g. the log's committer),
  // so unregistering in ~Session, before the members went, let Shutdown win that race
  // (found by ASan in GatewayFindings).
  struct Registration {
    Server::Impl& server;
    ~Registration() { server.Unregister(); }
  } registration_;
  Server::Impl& server_;
  size_t lane_;  // the pool thread (io_context) this connection lives on
  Stream stream_;
  std::string client_address_;
  std::string client_cert_subject_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool busy_ = false;
  bool keep_alive_ = true;
  bool head_ = false;
  bool draining_ = false;
  size_t drained_ = 0;
  unsigned version_ = 11;
  std::string out_head_;  // the response being written
  std::string out_body_;
  std::vector<std::pair<std::string_view, std::string_view>> out_fields_;  // BuildResponseHead's scratch
  std::array<char, 65536> drain_buf_;
};

}  // namespace

Status Server::Impl::Open() {
  std::string host;
  TG_RETURN_IF_ERROR(ParseListen(config_.listen, host, port));
  beast::error_code ec;
  auto addr = net::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return Status::InvalidArgument("listen host \"" + host + "\" is not an IP address");
  if (config_.tls.enabled()) {
    tls = true;
    ssl_ctx_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    ssl_ctx_.use_certificate_chain_file(config_.tls.cert_file, ec);
    if (ec) return Status::InvalidArgument("TLS certificate " + config_.tls.cert_file + ": " + ec.message());
    ssl_ctx_.use_private_key_file(config_.tls.key_file, ssl::context::pem, ec);
    if (ec) return Status::InvalidArgument("TLS key " + config_.tls.key_file + ": " + ec.message());
    if (!config_.tls.client_ca_file.empty()) {
      ssl_ctx_.load_verify_file(config_.tls.client_ca_file, ec);
      if (ec) return Status::InvalidArgument("TLS client CA " + config_.tls.client_ca_file + ": " + ec.message());
      auto mode = ssl::verify_peer;
      if (config_.tls.require_client_cert) mode |= ssl::verify_fail_if_no_peer_cert;
      ssl_ctx_.set_verify_mode(mode);
    }
  }
  tcp::endpoint ep(addr, port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::IOError("cannot listen on " + config_.listen + ": " + ec.message());
  port = acceptor_.local_endpoint().port();
  return Status::OK();
}

void Server::Impl::Accept() {
  size_t lane = next_lane_++ % lanes_.size();
  acceptor_.async_accept(lanes_[lane]->ioc, [this, lane](beast::error_code ec, TcpStream::socket_type sock) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
      return Accept();  // e.g. EMFILE: keep serving the connections we have
    }
    beast::error_code ep_ec;
    auto remote = sock.remote_endpoint(ep_ec);
    std::string addr = ep_ec ? "unknown" : remote.address().to_string();
    sock.set_option(tcp::no_delay(true), ep_ec);
    std::shared_ptr<SessionBase> base;
    if (tls) {
      auto s = std::make_shared<Session<TlsStream>>(*this, lane, TlsStream(TcpStream(std::move(sock)), ssl_ctx_), addr);
      Register(s);
      s->Start();
    } else {
      auto s = std::make_shared<Session<TcpStream>>(*this, lane, TcpStream(std::move(sock)), addr);
      Register(s);
      s->Start();
    }
    if (!stopping_) Accept();
  });
}

void Server::Impl::Deliver(size_t lane, std::function<void()> deliver) {
  Lane& l = *lanes_[lane];
  if (l.ioc.get_executor().running_in_this_thread()) return deliver();
  bool first;
  {
    std::lock_guard lock(l.deliver_mu);
    first = l.deliveries.empty();
    l.deliveries.push_back(std::move(deliver));
  }
  if (!first) return;  // the post that drains them is on its way
  net::post(l.ioc, [&l] {
    std::vector<std::function<void()>> batch;
    {
      std::lock_guard lock(l.deliver_mu);
      batch.swap(l.deliveries);
    }
    for (auto& d : batch) d();
  });
}

void Server::Impl::Run() {
  for (auto& l : lanes_) l->work.emplace(l->ioc.get_executor());
  Accept();
  for (int i = 0; i < threads_; ++i) {
    pool_.emplace_back([this, i] {
      NameThisThread(("tg-http-" + std::to_string(i)).c_str());
      // A handler bug must not take the process down silently; Session catches handler
      // exceptions, so anything here is an Asio-level failure worth dying on.
      lanes_[size_t(i)]->ioc.run();
    });
  }
}

void Server::Impl::Shutdown() {
  std::lock_guard once(shutdown_mu_);
  if (joined_) return;
  stopping_ = true;
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(mu_);
    for (auto& w : sessions_) {
      if (auto s = w.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->CloseIfIdle();
  live.clear();
  {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(config_.limits.shutdown_grace_ms),
                 [this] { return live_ == 0; });
  }
  for (auto& l : lanes_) {
    l->work.reset();
    l->ioc.stop();
  }
  for (auto& t : pool_) t.join();
  joined_ = true;
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Shutdown(); }

Result<std::unique_ptr<Server>> Server::Start(const ServerConfig& config, Handler handler,
                                              RejectionSink on_reject) {
  auto impl = std::make_unique<Impl>(config, std::move(handler), std::move(on_reject));
  TG_RETURN_IF_ERROR(impl->Open());
  impl->Run();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

unsigned short Server::port() const { return impl_->port; }
const char* Server::scheme() const { return impl_->tls ? "https" : "http"; }
void Server::Shutdown() { impl_->Shutdown(); }
uint64_t Server::requests_served() const { return impl_->served.load(); }

}  // namespace tg::gateway
