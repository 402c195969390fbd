// Refusals the server makes before routing land in the audit log: a flood from one address
// is audited once per second (not once per request), and an oversized header is audited.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "e2e_fixture.h"
#include "gateway/gateway.h"
#include "gateway/server.h"

namespace tg::gateway {
namespace {

using nlohmann::json;

TEST(GatewayRejections, FloodIsAuditedOncePerSecondAndOversizedHeadersAreAudited) {
  std::string county = testing::MakeCounty("rejections");
  GatewayConfig c = testing::CountyConfig(county);
  c.server.rate_limits.per_address_per_second = 0.5;  // one request, then 429s for two seconds
  c.server.rate_limits.per_address_burst = 1;
  auto gw = testing::StartGateway(c);
  ASSERT_TRUE(gw.ok()) << gw.status().ToString();
  testing::HttpClient client(gw->server->port());

  EXPECT_EQ(client.Send("GET", "/log/checkpoint").status, 200);
  int refused = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) refused += client.Send("GET", "/v1/bookings?release_within=48h").status == 429;
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(refused, 20);
  testing::HttpClient other(gw->server->port());
  auto big = other.Send("GET", "/v1/bookings", {{"X-Padding", std::string(20000, 'p')}});
  EXPECT_EQ(big.status, 431);

  std::vector<json> records;
  for (int i = 0; i < 300; ++i) {  // the refusals are committed without holding the answers
    records = testing::AuditRecords(county + "/audit");
    if (records.size() >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  int rate_limited = 0, invalid = 0;
  for (const auto& r : records) {
    if (r["outcome"] == "rate_limited") {
      ++rate_limited;
      EXPECT_EQ(r["status"], 429);
      EXPECT_EQ(r["path"], "/v1/bookings");
      EXPECT_EQ(r["query"], "release_within=48h");
    }
    if (r["status"] == 431) {
      ++invalid;
      EXPECT_EQ(r["outcome"], "invalid");
    }
  }
  // One record per address and second that saw refusals (one, unless the machine is slow).
  EXPECT_GE(rate_limited, 1);
  EXPECT_LE(rate_limited, 1 + seconds) << "refusals within a second share one audit record";
  EXPECT_EQ(invalid, 1);
}

}  // namespace
}  // namespace tg::gateway
