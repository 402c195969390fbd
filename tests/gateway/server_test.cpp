// The HTTP server over real loopback sockets: routing, keep-alive, limits, JSON errors,
// rate limits, asynchronous answers and graceful shutdown.
#include "gateway/server.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "gateway/router.h"
#include "http_client.h"

namespace tg::gateway {
namespace {

using testing::ClientResponse;
using testing::HttpClient;

ServerConfig LoopbackConfig() {
  ServerConfig c;
  c.listen = "127.0.0.1:0";
  c.threads = 2;
  c.limits.max_body_bytes = 64 * 1024;
  c.limits.shutdown_grace_ms = 5000;
  c.rate_limits.per_address_per_second = 0;  // off unless a test turns it on
  return c;
}

Router EchoRouter() {
  Router r;
  r.Add("GET", "/hello/{name}", [](Request req, Respond respond) {
    nlohmann::json j{{"name", req.params["name"]}, {"q", req.QueryParam("q").value_or("")},
                     {"client", req.client_address}};
    respond(JsonBody(j.dump()));
  });
  r.Add("POST", "/echo", [](Request req, Respond respond) { respond(JsonBody(req.body)); });
  r.Add("GET", "/tile/{rest...}", [](Request req, Respond respond) {
    respond(JsonBody(nlohmann::json{{"rest", req.params["rest"]}}.dump()));
  });
  // Answers from another thread after a delay, as an audited handler does.
  r.Add("GET", "/slow", [](Request, Respond respond) {
    std::thread([respond] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      respond(JsonBody(R"({"slow":true})"));
    }).detach();
  });
  r.Add("GET", "/throw", [](Request, Respond) -> void { throw std::runtime_error("boom"); });
  return r;
}

std::unique_ptr<Server> StartEcho(const ServerConfig& c = LoopbackConfig()) {
  auto router = std::make_shared<Router>(EchoRouter());
  auto s = Server::Start(c, [router](Request req, Respond respond) {
    router->Dispatch(std::move(req), std::move(respond));
  });
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s.value());
}

std::string ErrorCode(const std::string& body) {
  return nlohmann::json::parse(body)["error"]["code"].get<std::string>();
}

TEST(Server, RoutesWithParamsAndQueryOverKeepAlive) {
  auto server = StartEcho();
  HttpClient client(server->port());
  for (int i = 0; i < 3; ++i) {
    auto r = client.Send("GET", "/hello/ana%20maria?q=a%2Bb+c");
    ASSERT_EQ(r.status, 200);
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["name"], "ana maria");
    EXPECT_EQ(j["q"], "a+b c");
    EXPECT_EQ(j["client"], "127.0.0.1");
    EXPECT_TRUE(r.keep_alive);
    EXPECT_EQ(r.headers["content-type"], "application/json");
  }
  auto t = client.Send("GET", "/tile/0/x001/234.p/5");
  EXPECT_EQ(nlohmann::json::parse(t.body)["rest"], "0/x001/234.p/5");
}

TEST(Server, UnknownPathAndWrongMethodAreJsonErrors) {
  auto server = StartEcho();
  HttpClient client(server->port());
  auto r = client.Send("GET", "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(ErrorCode(r.body), "not_found");
  r = client.Send("DELETE", "/echo");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(ErrorCode(r.body), "method_not_allowed");
  EXPECT_EQ(r.headers["allow"], "POST");
  r = client.Send("POST", "/hello/ana");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "GET, HEAD");
}

TEST(Router, FallbackAnswersWhatNoRouteTakesAndKeepsTheAllowHeader) {
  Router router = EchoRouter();
  std::vector<int> seen;
  router.SetFallback([&seen](Request req, Respond respond, int status) {
    seen.push_back(status);
    respond(JsonError(status, "fallback", req.method + " " + req.path));
  });
  auto dispatch = [&](const std::string& method, const std::string& path) {
    Request req;
    req.method = method;
    req.path = path;
    Response out;
    router.Dispatch(std::move(req), [&out](Response r) { out = std::move(r); });
    return out;
  };
  auto missing = dispatch("GET", "/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ErrorCode(missing.body), "fallback");
  EXPECT_TRUE(missing.headers.empty());
  auto wrong = dispatch("PUT", "/tile/1/2");
  EXPECT_EQ(wrong.status, 405);
  ASSERT_EQ(wrong.headers.size(), 1u);
  EXPECT_EQ(wrong.headers[0], (std::pair<std::string, std::string>("Allow", "GET, HEAD")));
  EXPECT_EQ(dispatch("HEAD", "/hello/x").status, 200);  // HEAD is served by GET routes
  EXPECT_EQ(seen, (std::vector<int>{404, 405}));
}

TEST(Server, OversizedBodyGets413AndServerKeepsServing) {
  auto server = StartEcho();
  {
    HttpClient client(server->port());
    auto r = client.Send("POST", "/echo", {}, std::string(20 * 1024 * 1024, 'x'));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(ErrorCode(r.body), "body_too_large");
    EXPECT_FALSE(r.keep_alive);
  }
  HttpClient client(server->port());
  auto ok = client.Send("POST", "/echo", {}, R"({"a":1})");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"a":1})");
}

TEST(Server, OversizedHeaderGets431) {
  auto server = StartEcho();
  HttpClient client(server->port());
  auto r = client.Send("GET", "/hello/x", {{"X-Big", std::string(40 * 1024, 'h')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(ErrorCode(r.body), "header_too_large");
  HttpClient again(server->port());
  EXPECT_EQ(again.Send("GET", "/hello/x").status, 200);
}

// Sends raw bytes on a fresh connection and returns all the server wrote back before it
// closed the connection ("" when it answered nothing).
std::string SendRaw(unsigned short port, const std::string& bytes) {
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket sock(ioc);
  sock.connect({net::ip::make_address("127.0.0.1"), port});
  net::write(sock, net::buffer(bytes));
  sock.shutdown(net::ip::tcp::socket::shutdown_send);
  std::string out;
  boost::system::error_code ec;
  char buf[4096];
  while (true) {
    size_t n = sock.read_some(net::buffer(buf), ec);
    if (ec) break;
    out.append(buf, n);
  }
  return out;
}

// What is not an HTTP request gets a 400 saying what was wrong, as other bad input does,
// and the server goes on serving; a connection that closes before a whole request gets nothing.
TEST(Server, MalformedRequestsGet400) {
  auto server = StartEcho();
  for (const std::string bytes : {
           std::string("GET /hello/x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"),
           std::string("GET /hello/x HTTP/9.9\r\nHost: x\r\n\r\n"),
           std::string("GET /hello/\x01 HTTP/1.1\r\nHost: x\r\n\r\n"),
           std::string("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11) + std::string(40, '\0'),
       }) {
    std::string answer = SendRaw(server->port(), bytes);
    EXPECT_EQ(answer.rfind("HTTP/1.1 400 ", 0), 0u) << answer;
    EXPECT_NE(answer.find("\"code\":\"bad_request\""), std::string::npos) << answer;
    EXPECT_NE(answer.find("malformed HTTP request: "), std::string::npos) << answer;
  }
  EXPECT_EQ(SendRaw(server->port(), "GET /hello/x HT"), "");  // closed mid-request: no answer
  HttpClient client(server->port());
  EXPECT_EQ(client.Send("GET", "/hello/x").status, 200);
}

TEST(Server, HandlerExceptionIs500) {
  auto server = StartEcho();
  HttpClient client(server->port());
  auto r = client.Send("GET", "/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(ErrorCode(r.body), "internal");
  EXPECT_EQ(client.Send("GET", "/hello/y").status, 200);
}

TEST(Server, AddressRateLimitGives429) {
  auto c = LoopbackConfig();
  c.rate_limits.per_address_per_second = 0.001;
  c.rate_limits.per_address_burst = 3;
  auto server = StartEcho(c);
  HttpClient client(server->port());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.Send("GET", "/hello/a").status, 200);
  auto r = client.Send("GET", "/hello/a");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(ErrorCode(r.body), "rate_limited");
}

TEST(Server, ShutdownLetsInFlightRequestFinish) {
  auto server = StartEcho();
  HttpClient idle(server->port());
  EXPECT_EQ(idle.Send("GET", "/hello/a").status, 200);  // an idle keep-alive connection
  ClientResponse slow;
  std::thread t([&] {
    HttpClient client(server->port());
    slow = client.Send("GET", "/slow");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server->Shutdown();  // returns only after the slow answer was written
  t.join();
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(slow.body, R"({"slow":true})");
  EXPECT_FALSE(slow.keep_alive);
  EXPECT_THROW(idle.Send("GET", "/hello/a"), boost::system::system_error);
}

// Each pool thread runs its own connections: connections are dealt to the threads in turn,
// and every request of a connection, answered at once or later from another thread, is
// handled on the thread that accepted it.
TEST(Server, EachConnectionStaysOnOneThreadAndTheThreadsShareTheConnections) {
  std::mutex mu;
  std::map<std::string, std::set<std::thread::id>> threads_of;  // connection tag -> threads
  Router r;
  r.Add("GET", "/where/{tag}", [&](Request req, Respond respond) {
    {
      std::lock_guard lock(mu);
      threads_of[req.params["tag"]].insert(std::this_thread::get_id());
    }
    if (req.QueryParam("later")) {
      std::thread([respond] { respond(JsonBody("{}")); }).detach();  // as the committer answers
    } else {
      respond(JsonBody("{}"));
    }
  });
  auto router = std::make_shared<Router>(std::move(r));
  auto s = Server::Start(LoopbackConfig(), [router](Request req, Respond respond) {
    router->Dispatch(std::move(req), std::move(respond));
  });
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int c = 0; c < 4; ++c) clients.push_back(std::make_unique<HttpClient>((*s)->port()));
  for (int round = 0; round < 5; ++round) {
    for (int c = 0; c < 4; ++c) {
      auto res = clients[size_t(c)]->Send("GET", "/where/c" + std::to_string(c) + (round % 2 ? "?later=1" : ""));
      ASSERT_EQ(res.status, 200);
    }
  }
  std::set<std::thread::id> all;
  for (const auto& [tag, ids] : threads_of) {
    EXPECT_EQ(ids.size(), 1u) << "connection " << tag << " ran on " << ids.size() << " threads";
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(threads_of.size(), 4u);
  EXPECT_EQ(all.size(), 2u) << "four connections over two threads use both";
}

TEST(Server, ListenErrorsAreClear) {
  auto c = LoopbackConfig();
  c.listen = "not-an-address";
  auto s = Server::Start(c, [](Request, Respond r) { r(JsonBody("{}")); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
  auto first = StartEcho();
  c.listen = "127.0.0.1:" + std::to_string(first->port());
  auto taken = Server::Start(c, [](Request, Respond r) { r(JsonBody("{}")); });
  // SO_REUSEADDR does not allow two listeners on one port.
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.status().code(), Code::kIOError);
}

}  // namespace
}  // namespace tg::gateway
