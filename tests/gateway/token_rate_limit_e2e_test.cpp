// Per-token rate limits over real HTTP: a token past its burst gets 429 (JSON error, audited in
// the log like any refusal) while another principal's token keeps being served.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e_fixture.h"
#include "gateway/gateway.h"
#include "gateway/server.h"

namespace tg::gateway {
namespace {

using nlohmann::json;

TEST(GatewayTokenRateLimit, TokenPastItsBurstGets429AndOthersAreServed) {
  std::string county = testing::MakeCounty("rate");
  json tokens = testing::ReadJsonFile(records::DemoTokensPath(county));
  GatewayConfig c = testing::CountyConfig(county);
  // One request per 100 s after a burst of three: the refill cannot matter during the test.
  c.server.rate_limits.per_token_per_second = 0.01;
  c.server.rate_limits.per_token_burst = 3;
  auto gw = testing::StartGateway(c, /*audit_rejections=*/false);
  ASSERT_TRUE(gw.ok()) << gw.status().ToString();
  testing::HttpClient client(gw->server->port());

  auto get = [&](const std::string& principal) {
    return client.Send("GET", "/v1/bookings?release_within=48h",
                       {{"Authorization", "Bearer " + tokens[principal].get<std::string>()},
                        {"TrustGate-Purpose", "booking_operations"}});
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(get("lasd-records-clerk").status, 200) << "request " << i;
  auto limited = get("lasd-records-clerk");
  ASSERT_EQ(limited.status, 429) << limited.body;
  auto body = json::parse(limited.body);
  EXPECT_EQ(body["error"]["code"], "rate_limited");
  ASSERT_TRUE(body.contains("audit")) << limited.body;  // a refusal is logged like any access
  EXPECT_TRUE(testing::ProofVerifies(client, tokens["inspector-general"].get<std::string>(),
                                     body["audit"]["index"].get<uint64_t>(),
                                     body["audit"]["leaf_hash"].get<std::string>(), county));
  EXPECT_EQ(get("lasd-records-clerk").status, 429);
  // The limit is the token's, not the address's: another principal on the same connection is served.
  auto other = client.Send("GET", "/v1/bookings?release_within=48h",
                           {{"Authorization", "Bearer " + tokens["lapd-detective"].get<std::string>()},
                            {"TrustGate-Purpose", "criminal_investigation"}, {"TrustGate-Case", "LAPD-2026-001"}});
  EXPECT_NE(other.status, 429) << other.body;

  gw->Stop();
  std::filesystem::remove_all(std::filesystem::path(county).parent_path());
}

}  // namespace
}  // namespace tg::gateway
