// The web pages and their public data over real HTTP: pages and scripts are served from the
// binary with a strict Content-Security-Policy; the locator finds a booking by number and
// shows no birthdate or address; the transparency data carries the policy text and counts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e_fixture.h"
#include "gateway/gateway.h"
#include "gateway/server.h"

namespace tg::gateway {
namespace {

using nlohmann::json;

class GatewayWeb : public ::testing::Test {
 protected:
  void SetUp() override {
    county_ = testing::MakeCounty("web");
    tokens_ = testing::ReadJsonFile(records::DemoTokensPath(county_));
    GatewayConfig c = testing::CountyConfig(county_);
    auto gw = testing::StartGateway(c, /*audit_rejections=*/false);
    ASSERT_TRUE(gw.ok()) << gw.status().ToString();
    gateway_ = std::move(gw->gateway);
    server_ = std::move(gw->server);
    client_ = std::make_unique<testing::HttpClient>(server_->port());
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    gateway_.reset();
    std::filesystem::remove_all(std::filesystem::path(county_).parent_path());
  }

  std::string county_;
  json tokens_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<testing::HttpClient> client_;
};

TEST_F(GatewayWeb, PagesAndScriptsAreServedWithAStrictContentSecurityPolicy) {
  for (const char* page : {"/", "/transparency", "/oversight"}) {
    auto r = client_->Send("GET", page);
    ASSERT_EQ(r.status, 200) << page;
    EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8") << page;
    EXPECT_NE(r.headers["content-security-policy"].find("script-src 'self'"), std::string::npos) << page;
    EXPECT_NE(r.headers["content-security-policy"].find("default-src 'none'"), std::string::npos) << page;
    EXPECT_EQ(r.headers["x-content-type-options"], "nosniff");
    EXPECT_NE(r.body.find("<html lang=\"en\">"), std::string::npos) << page;
    EXPECT_EQ(r.body.find("<script>"), std::string::npos) << page << ": inline script";
    EXPECT_EQ(r.body.find("http://"), std::string::npos) << page << ": outside resource";
    EXPECT_EQ(r.body.find("https://"), std::string::npos) << page << ": outside resource";
  }
  auto js = client_->Send("GET", "/web/locator.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(client_->Send("GET", "/web/style.css").headers["content-type"], "text/css; charset=utf-8");
  // A miss is audited like any unknown path; the files themselves are public and are not.
  auto missing = client_->Send("GET", "/web/missing.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_FALSE(missing.headers["trustgate-audit-index"].empty()) << "a missing file is audited";
  EXPECT_NE(missing.body.find("no such file: /web/missing.js"), std::string::npos) << missing.body;
  EXPECT_TRUE(js.headers["trustgate-audit-index"].empty()) << "public files are not audited";
  EXPECT_EQ(client_->Send("GET", "/web/index.html").status, 404);  // pages only at their routes
}

TEST_F(GatewayWeb, LocatorFindsABookingByNumberWithPublicFieldsOnly) {
  auto clerk = client_->Send("GET", "/v1/bookings?release_within=720h",
                             {{"Authorization", "Bearer " + tokens_["lasd-records-clerk"].get<std::string>()},
                              {"TrustGate-Purpose", "booking_operations"}});
  ASSERT_EQ(clerk.status, 200) << clerk.body;
  json booking = json::parse(clerk.body)["records"][0];
  ASSERT_TRUE(booking.contains("dob")) << booking.dump();
  std::string id = booking["booking_id"];

  auto r = client_->Send("GET", "/v1/public/inmates?booking=" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  ASSERT_EQ(j["records"].size(), 1u) << r.body;
  EXPECT_EQ(j["records"][0]["booking_id"], id);
  EXPECT_EQ(j["records"][0]["name"], booking["name"]);
  for (const char* f : {"dob", "address", "phone", "birthplace", "release_at"}) {
    EXPECT_FALSE(j["records"][0].contains(f)) << f;
  }
  EXPECT_EQ(r.body.find(booking["dob"].get<std::string>()), std::string::npos);
  EXPECT_TRUE(j.contains("audit"));

  auto none = client_->Send("GET", "/v1/public/inmates?booking=NO-SUCH-BOOKING");
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_TRUE(json::parse(none.body)["records"].empty());
  EXPECT_EQ(client_->Send("GET", "/v1/public/inmates?booking=" + id + "&name=ab").status, 400);
  EXPECT_EQ(client_->Send("GET", "/v1/public/inmates").status, 400);
}

TEST_F(GatewayWeb, TransparencyDataHasThePolicyTextAndCountsOnly) {
  auto clerk = client_->Send("GET", "/v1/bookings?release_within=720h",
                             {{"Authorization", "Bearer " + tokens_["lasd-records-clerk"].get<std::string>()},
                              {"TrustGate-Purpose", "booking_operations"}});
  ASSERT_EQ(clerk.status, 200);
  json booking = json::parse(clerk.body)["records"][0];

  auto r = client_->Send("GET", "/v1/public/transparency");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["packs"][0]["name"], "baseline");
  EXPECT_GT(j["packs"][0]["rules"].get<int>(), 0);
  std::string text = j["policy_text"];
  EXPECT_EQ(text.rfind("== baseline: ", 0), 0u) << text.substr(0, 200);
  EXPECT_NE(text.find("Citation: "), std::string::npos);
  EXPECT_EQ(j["access_counts"]["accesses"].get<uint64_t>(), 1u);  // the clerk's read
  EXPECT_EQ(j["access_counts"]["by_agency_kind"]["sheriff"].get<uint64_t>(), 1u) << j["access_counts"].dump();
  EXPECT_EQ(j["log"]["size"].get<uint64_t>(), 1u);
  ASSERT_EQ(j["stats"].size(), 1u);
  EXPECT_EQ(j["stats"][0]["report"], "transfers");
  // No personal data of the booking the clerk read.
  for (const char* f : {"booking_id", "name", "dob"}) {
    EXPECT_EQ(r.body.find(booking[f].get<std::string>()), std::string::npos) << f;
  }
}

}  // namespace
}  // namespace tg::gateway
