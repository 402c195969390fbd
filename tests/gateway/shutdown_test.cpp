// Shutting down while an answer still waits for its audit record to be durable, past the
// grace period: the server stops first, then the gateway drains its log (the answer lands in
// the stopped server, unsent), then the server goes. In the other order the late answer
// would touch a destroyed io_context (the ASan build catches that). No log, no data: the
// client gets no answer, and the record is in the log after all.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "e2e_fixture.h"
#include "gateway/gateway.h"
#include "gateway/server.h"
#include "http_client.h"

namespace tg::gateway {
namespace {

TEST(GatewayShutdown, AnAnswerStillWaitingForTheLogPastTheGraceIsNeverSent) {
  std::string county = testing::MakeCounty("shutdown");
  auto tokens = testing::ReadJsonFile(county + "/demo-tokens.json");
  GatewayConfig c = testing::CountyConfig(county);
  c.log_commit_wait_us = 1'000'000;     // the one request waits a second for company
  c.log_commit_early = false;
  c.server.limits.shutdown_grace_ms = 50;  // far shorter than that
  auto gw = Gateway::Open(c);
  ASSERT_TRUE(gw.ok()) << gw.status().ToString();
  std::promise<void> arrived;
  Handler inner = (*gw)->handler();
  auto server = Server::Start(c.server, [&arrived, inner](Request req, Respond respond) {
    inner(std::move(req), std::move(respond));  // the audit record is now queued in the log
    arrived.set_value();
  });
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto answer = std::async(std::launch::async, [port = (*server)->port(), &tokens] {
    testing::HttpClient client(port);
    try {
      return client.Send("GET", "/v1/bookings?release_within=720h",
                         {{"Authorization", "Bearer " + tokens["lasd-records-clerk"].get<std::string>()},
                          {"TrustGate-Purpose", "booking_operations"}})
          .status;
    } catch (const std::exception&) {
      return 0;  // the connection closed without an answer
    }
  });
  arrived.get_future().wait();
  auto t0 = std::chrono::steady_clock::now();
  (*server)->Shutdown();  // the grace runs out with the answer still pending
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(900))
      << "the shutdown should not have waited for the log";
  gw->reset();      // drains the log: the answer goes to the stopped server
  server->reset();  // and is dropped with it
  EXPECT_EQ(answer.get(), 0) << "no answer after the server stopped";

  // The record is durable all the same.
  auto again = Gateway::Open(c);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_NE((*again)->verifier_key(), "");
  int waiting = 0;
  for (const auto& r : testing::AuditRecords(county + "/audit"))
    waiting += r["query"] == "release_within=720h" ? 1 : 0;
  EXPECT_EQ(waiting, 1);
}

}  // namespace
}  // namespace tg::gateway
