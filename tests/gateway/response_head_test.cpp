// The exact bytes the server writes for a response head, read over a raw loopback socket:
// status line, header order and spelling, Connection for HTTP/1.0 and 1.1 clients, HEAD,
// and whether the server closes afterwards. The expected heads are what the server wrote
// when it still serialised responses with Beast's http::response (captured from that code),
// so that writing the head by hand changes no byte on the wire.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <string>

#include "gateway/server.h"

namespace tg::gateway {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

const char kOkBody[] = R"({"ok":true})";

std::unique_ptr<Server> StartFixed() {
  ServerConfig c;
  c.listen = "127.0.0.1:0";
  c.threads = 2;
  c.rate_limits.per_address_per_second = 0;
  auto s = Server::Start(c, [](Request req, Respond respond) {
    if (req.path == "/ok") {
      Response r = JsonBody(kOkBody);
      r.headers.emplace_back("X-Extra", "yes");
      return respond(std::move(r));
    }
    if (req.path == "/dup") {
      // Later headers of the same name (any case) replace earlier ones, the server's own
      // Content-Type included; values lose surrounding blanks.
      Response r;
      r.body = "dup";
      r.headers = {{"X-Dup", "1"}, {"X-Other", "o"}, {"x-dup", " 2 "}, {"Content-Type", "text/plain"}};
      return respond(std::move(r));
    }
    if (req.path == "/big") {  // many writes' worth: the head and body go out in pieces
      return respond(JsonBody("\"" + std::string(300 * 1024, 'b') + "\""));
    }
    if (req.path == "/split") {
      // Response splitting: CR/LF in a value or name must not start a header of its own.
      Response r = JsonBody("{}");
      r.content_type = "application/json\r\nX-Injected: 1";
      r.headers = {{"X-Note", "a\r\nSet-Cookie: evil=1\n"},
                   {"Bad\r\nName", "x"},
                   {"Content-Length", "999"},  // framing is the server's
                   {"Connection", "close"},
                   {"X-Ok", "fine"}};
      return respond(std::move(r));
    }
    respond(JsonError(404, "not_found", "no route for " + req.path));
  });
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s.value());
}

class RawConnection {
 public:
  explicit RawConnection(unsigned short port) : sock_(ioc_) {
    sock_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }
  void Send(const std::string& bytes) { net::write(sock_, net::buffer(bytes)); }
  // Reads one response: the head up to the blank line, then Content-Length body bytes
  // unless `head_only`. Returns head and body as sent.
  std::string ReadResponse(bool head_only = false) {
    boost::system::error_code ec;
    size_t end = net::read_until(sock_, net::dynamic_buffer(pending_), "\r\n\r\n", ec);
    if (ec) return "<read error: " + ec.message() + ">";
    std::string head = pending_.substr(0, end);
    pending_.erase(0, end);
    size_t len = 0;
    auto at = head.find("\r\nContent-Length: ");
    if (at != std::string::npos) len = std::stoul(head.substr(at + 18));
    if (head_only) return head;
    if (pending_.size() < len) {
      net::read(sock_, net::dynamic_buffer(pending_), net::transfer_exactly(len - pending_.size()), ec);
      if (ec) return head + "<read error: " + ec.message() + ">";
    }
    std::string body = pending_.substr(0, len);
    pending_.erase(0, len);
    return head + body;
  }
  // True when the server closed the connection with nothing more sent.
  bool ClosedByServer() {
    if (!pending_.empty()) return false;
    boost::system::error_code ec;
    char c;
    size_t n = sock_.read_some(net::buffer(&c, 1), ec);
    return n == 0 && ec == net::error::eof;
  }

 private:
  net::io_context ioc_;
  tcp::socket sock_;
  std::string pending_;
};

std::string OkHead(const char* version, const char* connection) {
  std::string h = std::string("HTTP/") + version + " 200 OK\r\nServer: TrustGate\r\nContent-Type: application/json\r\n" +
                  "X-Extra: yes\r\n";
  if (connection) h += std::string("Connection: ") + connection + "\r\n";
  return h + "Content-Length: " + std::to_string(sizeof kOkBody - 1) + "\r\n\r\n";
}

TEST(ResponseHead, Http11KeepAliveServesTwoRequestsOnOneConnection) {
  auto server = StartFixed();
  RawConnection c(server->port());
  c.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.ReadResponse(), OkHead("1.1", nullptr) + kOkBody);
  c.Send("GET /dup HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.ReadResponse(),
            "HTTP/1.1 200 OK\r\nServer: TrustGate\r\nX-Other: o\r\nx-dup: 2\r\nContent-Type: text/plain\r\n"
            "Content-Length: 3\r\n\r\ndup");
}

TEST(ResponseHead, Http10WithoutKeepAliveIsClosedAfterTheResponse) {
  auto server = StartFixed();
  RawConnection c(server->port());
  c.Send("GET /ok HTTP/1.0\r\n\r\n");
  EXPECT_EQ(c.ReadResponse(), OkHead("1.0", nullptr) + kOkBody);
  EXPECT_TRUE(c.ClosedByServer());
}

TEST(ResponseHead, Http10WithKeepAliveStaysOpen) {
  auto server = StartFixed();
  RawConnection c(server->port());
  c.Send("GET /ok HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(c.ReadResponse(), OkHead("1.0", "keep-alive") + kOkBody);
  c.Send("GET /ok HTTP/1.0\r\n\r\n");
  EXPECT_EQ(c.ReadResponse(), OkHead("1.0", nullptr) + kOkBody);
  EXPECT_TRUE(c.ClosedByServer());
}

TEST(ResponseHead, Http11ConnectionCloseIsClosedAfterTheResponse) {
  auto server = StartFixed();
  RawConnection c(server->port());
  c.Send("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(c.ReadResponse(), OkHead("1.1", "close") + kOkBody);
  EXPECT_TRUE(c.ClosedByServer());
}

TEST(ResponseHead, HeadHasTheBodysLengthAndNoBody) {
  auto server = StartFixed();
  RawConnection c(server->port());
  c.Send("HEAD /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.ReadResponse(/*head_only=*/true), OkHead("1.1", nullptr));
  // The next bytes on the connection are the next response's: no body followed the head.
  c.Send("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(c.ReadResponse(), OkHead("1.1", "close") + kOkBody);
  EXPECT_TRUE(c.ClosedByServer());
}

TEST(ResponseHead, ErrorResponse) {
  auto server = StartFixed();
  RawConnection c(server->port());
  c.Send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string body = JsonError(404, "not_found", "no route for /nope").body;
  EXPECT_EQ(c.ReadResponse(), "HTTP/1.1 404 Not Found\r\nServer: TrustGate\r\nContent-Type: application/json\r\n"
                              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  c.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");  // still open
  EXPECT_EQ(c.ReadResponse(), OkHead("1.1", nullptr) + kOkBody);
}

TEST(ResponseHead, LargeBodiesArriveWhole) {
  auto server = StartFixed();
  RawConnection c(server->port());
  std::string body = "\"" + std::string(300 * 1024, 'b') + "\"";
  for (int i = 0; i < 2; ++i) {
    c.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.ReadResponse(), "HTTP/1.1 200 OK\r\nServer: TrustGate\r\nContent-Type: application/json\r\n"
                                "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  }
}

TEST(ResponseHead, CrLfInHeadersCannotSplitTheResponse) {
  auto server = StartFixed();
  RawConnection c(server->port());
  c.Send("GET /split HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.ReadResponse(),
            "HTTP/1.1 200 OK\r\nServer: TrustGate\r\nContent-Type: application/jsonX-Injected: 1\r\n"
            "X-Note: aSet-Cookie: evil=1\r\nX-Ok: fine\r\nContent-Length: 2\r\n\r\n{}");
  c.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");  // still kept alive despite the handler's Connection
  EXPECT_EQ(c.ReadResponse(), OkHead("1.1", nullptr) + kOkBody);
}

TEST(ResponseHead, ARefusalBeforeParsingDoesNotAnswerAsThePreviousRequest) {
  auto server = StartFixed();
  RawConnection c(server->port());
  c.Send("HEAD /ok HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(c.ReadResponse(/*head_only=*/true), OkHead("1.0", "keep-alive"));
  // The next request's header block is over the limit: its 431 is an HTTP/1.1 answer with
  // its body, not a HEAD's bodiless HTTP/1.0 one.
  c.Send("GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
  std::string body = JsonError(431, "header_too_large", "request header block exceeds 16384 bytes").body;
  EXPECT_EQ(c.ReadResponse(), "HTTP/1.1 431 Request Header Fields Too Large\r\nServer: TrustGate\r\n"
                              "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                                  std::to_string(body.size()) + "\r\n\r\n" + body);
}

}  // namespace
}  // namespace tg::gateway
