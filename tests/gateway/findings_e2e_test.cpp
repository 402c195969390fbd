// GET /v1/audit/findings over real HTTP: an immigration officer's reads of the release list
// make a barred-recipient finding whose evidence entries are in the log (read back as the
// inspector, with a proof tlog-verify accepts); other principals are refused, and refused
// in the log.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "e2e_fixture.h"
#include "gateway/gateway.h"
#include "gateway/server.h"

namespace tg::gateway {
namespace {

using nlohmann::json;

TEST(GatewayFindings, InspectorSeesBarredRecipientFindingWithEvidenceInTheLog) {
  std::string county = testing::MakeCounty("findings");
  json tokens = testing::ReadJsonFile(records::DemoTokensPath(county));
  auto token = [&](const std::string& p) { return "Bearer " + tokens[p].get<std::string>(); };
  GatewayConfig c = testing::CountyConfig(county);
  auto gw = testing::StartGateway(c, /*audit_rejections=*/false);
  ASSERT_TRUE(gw.ok()) << gw.status().ToString();
  testing::HttpClient client(gw->server->port());

  // Traffic a detector must flag: the immigration officer pulls the upcoming-release list.
  std::vector<uint64_t> ice_indexes;
  for (int i = 0; i < 3; ++i) {
    auto r = client.Send("GET", "/v1/bookings?release_within=720h",
                         {{"Authorization", token("ice-ero-officer")}, {"TrustGate-Purpose", "civil_immigration"}});
    ASSERT_NE(r.status, 0);
    auto j = json::parse(r.body);
    ASSERT_TRUE(j.contains("audit")) << r.body;
    ice_indexes.push_back(j["audit"]["index"].get<uint64_t>());
  }
  // Ordinary traffic that is not a finding.
  auto clerk = client.Send("GET", "/v1/bookings?release_within=48h",
                           {{"Authorization", token("lasd-records-clerk")}, {"TrustGate-Purpose", "booking_operations"}});
  EXPECT_EQ(clerk.status, 200) << clerk.body;

  // Not an inspector: 403, and the refusal itself is logged.
  auto denied = client.Send("GET", "/v1/audit/findings", {{"Authorization", token("lapd-detective")}});
  ASSERT_EQ(denied.status, 403) << denied.body;
  auto dj = json::parse(denied.body);
  EXPECT_EQ(dj["error"]["code"], "forbidden");
  EXPECT_FALSE(dj.contains("findings"));
  EXPECT_TRUE(dj.contains("audit"));
  EXPECT_EQ(client.Send("GET", "/v1/audit/findings", {{"Authorization", token("ice-ero-officer")}}).status, 403);
  EXPECT_EQ(client.Send("GET", "/v1/audit/findings").status, 401);

  const std::string inspector = token("inspector-general");
  auto r = client.Send("GET", "/v1/audit/findings", {{"Authorization", inspector}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = json::parse(r.body);
  ASSERT_TRUE(body["findings"].is_array());
  ASSERT_TRUE(body.contains("audit"));  // reading findings is an audited access too
  const json* barred = nullptr;
  for (const auto& f : body["findings"]) {
    for (const char* k : {"detector", "severity", "principal", "agency", "summary", "rule", "evidence"}) {
      EXPECT_TRUE(f.contains(k)) << k << " missing in " << f.dump();
    }
    if (f["detector"] == "barred_recipient" && f["principal"] == "ice-ero-officer") barred = &f;
  }
  ASSERT_NE(barred, nullptr) << r.body;
  std::vector<uint64_t> evidence = (*barred)["evidence"].get<std::vector<uint64_t>>();
  for (uint64_t i : ice_indexes) {
    EXPECT_TRUE(std::find(evidence.begin(), evidence.end(), i) != evidence.end()) << "index " << i << " not cited";
  }
  // Every cited index is a log entry the inspector can read, made by the officer, and proven.
  for (uint64_t i : evidence) {
    auto e = client.Send("GET", "/v1/audit/entries/" + std::to_string(i), {{"Authorization", inspector}});
    ASSERT_EQ(e.status, 200) << e.body;
    auto ej = json::parse(e.body);
    EXPECT_EQ(ej["index"].get<uint64_t>(), i);
    EXPECT_EQ(ej["record"]["principal"], "ice-ero-officer");
    EXPECT_TRUE(testing::ProofVerifies(client, tokens["inspector-general"].get<std::string>(), i,
                                       ej["leaf_hash"].get<std::string>(), county));
  }

  // Filters: by detector, and by time (no access happened after 2999; data-hygiene findings
  // about the gang database cite no accesses and stay).
  auto only = client.Send("GET", "/v1/audit/findings?detector=barred_recipient", {{"Authorization", inspector}});
  ASSERT_EQ(only.status, 200) << only.body;
  auto oj = json::parse(only.body);
  EXPECT_FALSE(oj["findings"].empty());
  for (const auto& f : oj["findings"]) EXPECT_EQ(f["detector"], "barred_recipient");
  auto later = client.Send("GET", "/v1/audit/findings?from=2999-01-01", {{"Authorization", inspector}});
  ASSERT_EQ(later.status, 200) << later.body;
  json lj = json::parse(later.body);  // kept alive: a range-for would not extend a temporary's life
  for (const auto& f : lj["findings"]) EXPECT_TRUE(f["evidence"].empty()) << f.dump();
  auto bad = client.Send("GET", "/v1/audit/findings?to=yesterday", {{"Authorization", inspector}});
  EXPECT_EQ(bad.status, 400) << bad.body;

  gw->Stop();
  std::filesystem::remove_all(std::filesystem::path(county).parent_path());
}

}  // namespace
}  // namespace tg::gateway
