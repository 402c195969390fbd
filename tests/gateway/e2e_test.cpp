// The gateway end to end over real HTTP on loopback: each demo principal's view of a
// booking and of the upcoming-release list, errors that keep the server serving, and every
// response's audit index proven in the log by the independent tlog-verify.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include "e2e_fixture.h"
#include "gateway/gateway.h"
#include "gateway/server.h"

namespace tg::gateway {
namespace {

using nlohmann::json;
using testing::ClientResponse;
using testing::HttpClient;

class GatewayE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    county_ = new std::string(testing::MakeCounty("e2e"));
    tokens_ = new json(testing::ReadJsonFile(records::DemoTokensPath(*county_)));
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(std::filesystem::path(*county_).parent_path());
    delete county_;
    delete tokens_;
  }

  void SetUp() override {
    GatewayConfig c = testing::CountyConfig(*county_);
    auto gw = testing::StartGateway(c);
    ASSERT_TRUE(gw.ok()) << gw.status().ToString();
    gateway_ = std::move(gw->gateway);
    server_ = std::move(gw->server);
    client_ = std::make_unique<HttpClient>(server_->port());
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    gateway_.reset();
  }

  std::string Token(const std::string& principal) { return (*tokens_)[principal].get<std::string>(); }

  ClientResponse As(const std::string& principal, const std::string& target,
                    std::map<std::string, std::string> headers) {
    headers["Authorization"] = "Bearer " + Token(principal);
    return client_->Send("GET", target, headers);
  }

  // A booking released within the next 30 days, from the records clerk's list.
  std::string UpcomingBooking() {
    auto r = As("lasd-records-clerk", "/v1/bookings?release_within=720h", {{"TrustGate-Purpose", "booking_operations"}});
    EXPECT_EQ(r.status, 200) << r.body;
    auto j = json::parse(r.body);
    EXPECT_FALSE(j["records"].empty());
    return j["records"][0]["booking_id"];
  }

  void ExpectProven(const ClientResponse& r) {
    auto j = json::parse(r.body);
    ASSERT_TRUE(j.contains("audit")) << r.body;
    EXPECT_TRUE(testing::ProofVerifies(*client_, Token("inspector-general"), j["audit"]["index"].get<uint64_t>(),
                                       j["audit"]["leaf_hash"].get<std::string>(), *county_));
  }

  static std::string* county_;
  static json* tokens_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<HttpClient> client_;
};
std::string* GatewayE2E::county_ = nullptr;
json* GatewayE2E::tokens_ = nullptr;

std::set<std::string> Keys(const json& record) {
  std::set<std::string> k;
  for (auto it = record.begin(); it != record.end(); ++it) k.insert(it.key());
  return k;
}

TEST_F(GatewayE2E, RecordsClerkSeesBookingOperationsFields) {
  std::string id = UpcomingBooking();
  auto r = As("lasd-records-clerk", "/v1/bookings/" + id, {{"TrustGate-Purpose", "booking_operations"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  ASSERT_EQ(j["records"].size(), 1u);
  auto keys = Keys(j["records"][0]);
  for (const char* f : {"booking_id", "name", "dob", "address", "birthplace", "release_at", "custody_status",
                        "charges", "court_date", "housing"}) {
    EXPECT_TRUE(keys.count(f)) << "clerk should see " << f << ": " << r.body;
  }
  EXPECT_FALSE(keys.count("immigration_status"));  // not a booking-operations need
  ExpectProven(r);
}

TEST_F(GatewayE2E, ImmigrationOfficerGetsNoProtectedFieldsAndSeesCitations) {
  std::string id = UpcomingBooking();
  auto r = As("ice-ero-officer", "/v1/bookings/" + id,
              {{"TrustGate-Purpose", "civil_immigration"}, {"TrustGate-Authority", "detainer; ref=I-247A-2024-1"}});
  ASSERT_TRUE(r.status == 200 || r.status == 403) << r.body;
  auto j = json::parse(r.body);
  for (const auto& rec : j.value("records", json::array())) {
    for (const char* f : {"dob", "address", "birthplace", "release_at", "phone", "email"}) {
      EXPECT_FALSE(rec.contains(f)) << f << " leaked: " << r.body;
    }
  }
  std::map<std::string, json> by_category;
  for (const auto& red : j["redactions"]) by_category[red["category"]] = red;
  for (const char* c : {"dob", "address", "birthplace", "release"}) {
    ASSERT_TRUE(by_category.count(c)) << c << " not named in redactions";
    EXPECT_FALSE(by_category[c]["policy"].get<std::string>().empty());
    EXPECT_FALSE(by_category[c]["citation"].get<std::string>().empty()) << by_category[c];
    EXPECT_FALSE(by_category[c]["reason"].get<std::string>().empty());
  }
  ExpectProven(r);
}

TEST_F(GatewayE2E, ReleaseListViews) {
  auto clerk = As("lasd-records-clerk", "/v1/bookings?release_within=720h", {{"TrustGate-Purpose", "booking_operations"}});
  ASSERT_EQ(clerk.status, 200);
  auto cj = json::parse(clerk.body);
  ASSERT_FALSE(cj["records"].empty());
  for (const auto& rec : cj["records"]) EXPECT_TRUE(rec.contains("release_at"));
  auto ice = As("ice-ero-officer", "/v1/bookings?release_within=720h", {{"TrustGate-Purpose", "civil_immigration"}});
  ASSERT_EQ(ice.status, 200) << ice.body;
  auto ij = json::parse(ice.body);
  for (const auto& rec : ij["records"]) {
    EXPECT_FALSE(rec.contains("release_at")) << "release date leaked to immigration";
    EXPECT_FALSE(rec.contains("dob"));
  }
  bool cited = false;
  for (const auto& red : ij["redactions"]) {
    if (red["category"] == "release" && !red["citation"].get<std::string>().empty()) cited = true;
  }
  EXPECT_TRUE(cited) << "release redaction without citation";
  ExpectProven(clerk);
  ExpectProven(ice);
}

TEST_F(GatewayE2E, PublicLocatorShowsPublicFieldsOnly) {
  std::string id = UpcomingBooking();
  auto clerk = As("lasd-records-clerk", "/v1/bookings/" + id, {{"TrustGate-Purpose", "booking_operations"}});
  std::string name = json::parse(clerk.body)["records"][0]["name"];
  std::string last = name.substr(name.rfind(' ') + 1);
  auto r = client_->Send("GET", "/v1/public/inmates?name=" + last);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  ASSERT_FALSE(j["records"].empty());
  const std::set<std::string> allowed = {"booking_id", "person_id", "name", "custody_status", "facility",
                                         "housing", "charges", "bail"};
  for (const auto& rec : j["records"]) {
    for (const auto& k : Keys(rec)) EXPECT_TRUE(allowed.count(k)) << "public locator shows " << k;
  }
  ExpectProven(r);
}

TEST_F(GatewayE2E, ErrorsAreJsonAuditedAndServerKeepsServing) {
  auto none = client_->Send("GET", "/v1/bookings?release_within=48h", {{"TrustGate-Purpose", "booking_operations"}});
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(json::parse(none.body)["error"]["code"], "unauthenticated");
  ExpectProven(none);  // failed attempts are audited too
  auto unknown = client_->Send("GET", "/v1/bookings?release_within=48h",
                               {{"Authorization", "Bearer tg_not-a-token"}, {"TrustGate-Purpose", "booking_operations"}});
  EXPECT_EQ(unknown.status, 401);

  auto no_purpose = As("lapd-detective", "/v1/bookings?release_within=48h", {});
  EXPECT_EQ(no_purpose.status, 400);
  EXPECT_NE(json::parse(no_purpose.body)["error"]["message"].get<std::string>().find("TrustGate-Purpose"),
            std::string::npos);
  auto bad_auth = As("lapd-detective", "/v1/bookings?release_within=48h",
                     {{"TrustGate-Purpose", "criminal_investigation"}, {"TrustGate-Authority", "a-hunch"}});
  EXPECT_EQ(bad_auth.status, 400);
  EXPECT_NE(bad_auth.body.find("TrustGate-Authority"), std::string::npos);
  EXPECT_NE(bad_auth.body.find("one of: "), std::string::npos) << bad_auth.body;
  EXPECT_NE(bad_auth.body.find("judicial_warrant"), std::string::npos) << bad_auth.body;
  // An unknown value's error names the values the header takes.
  auto bad_purpose = As("lapd-detective", "/v1/bookings?release_within=48h", {{"TrustGate-Purpose", "immigration"}});
  EXPECT_EQ(bad_purpose.status, 400);
  auto purpose_message = json::parse(bad_purpose.body)["error"]["message"].get<std::string>();
  EXPECT_NE(purpose_message.find("unknown purpose \"immigration\"; one of: "), std::string::npos) << purpose_message;
  EXPECT_NE(purpose_message.find("civil_immigration"), std::string::npos) << purpose_message;
  auto bad_channel = As("lapd-detective", "/v1/bookings?release_within=48h",
                        {{"TrustGate-Purpose", "criminal_investigation"}, {"TrustGate-Channel", "fax"}});
  EXPECT_EQ(bad_channel.status, 400);
  auto channel_message = json::parse(bad_channel.body)["error"]["message"].get<std::string>();
  EXPECT_NE(channel_message.find("unknown channel \"fax\"; one of: api, email, export"), std::string::npos)
      << channel_message;

  auto bad_json = client_->Send("POST", "/v1/requests",
                                {{"Authorization", "Bearer " + Token("ice-ero-officer")},
                                 {"TrustGate-Purpose", "civil_immigration"}, {"Content-Type", "application/json"}},
                                "{\"kind\": \"notify\", ");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(json::parse(bad_json.body)["error"]["code"], "invalid_json");
  auto bad_json_message = json::parse(bad_json.body)["error"]["message"].get<std::string>();
  EXPECT_EQ(bad_json_message.rfind("malformed JSON at line 1, column ", 0), 0u) << bad_json_message;
}

// Request bodies: a misspelt field, a wrong type or a body that is not an object gets a 400
// naming the field, never silence or a 500; the server keeps serving.
TEST_F(GatewayE2E, RequestBodiesRefuseUnknownFieldsAndWrongTypes) {
  auto post = [&](const std::string& path, const std::string& principal, const std::string& purpose,
                  const std::string& body) {
    auto r = client_->Send("POST", path,
                           {{"Authorization", "Bearer " + Token(principal)}, {"TrustGate-Purpose", purpose},
                            {"Content-Type", "application/json"}},
                           body);
    json j = json::parse(r.body, nullptr, false);
    std::string code = j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
    std::string message = j.is_object() && j.contains("error") ? j["error"].value("message", "") : "";
    return std::make_tuple(r.status, code, message);
  };
  auto booking = json::parse(As("lasd-records-clerk", "/v1/bookings?release_within=2160h",
                                {{"TrustGate-Purpose", "booking_operations"}})
                                 .body)["records"][0]["booking_id"]
                     .get<std::string>();
  auto [array_status, array_code, array_message] =
      post("/v1/requests", "ice-ero-officer", "civil_immigration", "[1, 2]");
  EXPECT_EQ(array_status, 400);
  EXPECT_EQ(array_code, "invalid_json");
  EXPECT_EQ(array_message, "expected a JSON object, got array");
  auto [huge_number_status, huge_number_code, huge_number_message] =
      post("/v1/requests", "ice-ero-officer", "civil_immigration", "{\"kind\": 2E2222222}");
  EXPECT_EQ(huge_number_status, 400) << huge_number_message;  // a number out of range: not a 500
  EXPECT_EQ(huge_number_code, "invalid_json");

  auto [unknown_status, unknown_code, unknown_message] =
      post("/v1/requests", "ice-ero-officer", "civil_immigration",
           json{{"kind", "notify"}, {"booking_id", booking}, {"reasn", "typo"}}.dump());
  EXPECT_EQ(unknown_status, 400);
  EXPECT_EQ(unknown_code, "invalid_field");
  EXPECT_EQ(unknown_message, "reasn: unknown field; expected one of: kind, booking_id, reason, authority");

  auto [ref_status, ref_code, ref_message] =
      post("/v1/requests", "ice-ero-officer", "civil_immigration",
           json{{"kind", "notify"}, {"booking_id", booking}, {"authority", {{"kind", "detainer"}, {"ref", 247}}}}.dump());
  EXPECT_EQ(ref_status, 400) << ref_message;  // a number where a string belongs: not a 500
  EXPECT_EQ(ref_code, "invalid_field");
  auto [auth_status, auth_code, auth_message] =
      post("/v1/requests", "ice-ero-officer", "civil_immigration",
           json{{"kind", "notify"}, {"booking_id", booking}, {"authority", {{"kind", "detainer"}, {"date", "x"}}}}
               .dump());
  EXPECT_EQ(auth_status, 400);
  EXPECT_EQ(auth_message, "authority.date: unknown field; expected one of: kind, ref");

  json read = {{"plate", "7TGT999"}, {"read_at", records::FormatIso8601(records::NowMs() - records::kMsPerHour)}};
  json extra = read;
  extra["speed"] = 55;
  auto [extra_status, extra_code, extra_message] =
      post("/v1/plates/reads", "lapd-detective", "criminal_investigation", json{{"reads", json::array({read, extra})}}.dump());
  EXPECT_EQ(extra_status, 400);
  EXPECT_EQ(extra_message.rfind("reads[1].speed: unknown field", 0), 0u) << extra_message;
  json typed = read;
  typed["state"] = 6;
  auto [typed_status, typed_code, typed_message] =
      post("/v1/plates/reads", "lapd-detective", "criminal_investigation", json{{"reads", json::array({typed})}}.dump());
  EXPECT_EQ(typed_status, 400);
  EXPECT_EQ(typed_message, "reads[0].state: must be a string");
  // None of the refused batches was stored; a good one still is.
  auto none = As("lapd-detective", "/v1/plates/7TGT999/reads?days=2",
                 {{"TrustGate-Purpose", "criminal_investigation"}, {"TrustGate-Case", "LAPD-24-778"}});
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_TRUE(json::parse(none.body)["records"].empty());
  auto [good_status, good_code, good_message] =
      post("/v1/plates/reads", "lapd-detective", "criminal_investigation", json{{"reads", json::array({read})}}.dump());
  EXPECT_EQ(good_status, 200) << good_message;

  auto huge = client_->Send("POST", "/v1/requests", {{"Content-Type", "application/json"}},
                            std::string(20 * 1024 * 1024, ' '));
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(json::parse(huge.body)["error"]["code"], "body_too_large");

  auto ok = As("lasd-records-clerk", "/v1/bookings?release_within=48h", {{"TrustGate-Purpose", "booking_operations"}});
  EXPECT_EQ(ok.status, 200);
}

TEST_F(GatewayE2E, ImmigrationNotifyRequestIsDeclinedWithCitationAndCopyForThePerson) {
  std::string id = UpcomingBooking();
  json body = {{"kind", "notify"}, {"booking_id", id}, {"authority", {{"kind", "detainer"}, {"ref", "I-247A-9"}}},
               {"reason", "release notification"}};
  auto r = client_->Send("POST", "/v1/requests",
                         {{"Authorization", "Bearer " + Token("ice-ero-officer")},
                          {"TrustGate-Purpose", "civil_immigration"}, {"Content-Type", "application/json"}},
                         body.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["decision"], "declined");
  ASSERT_FALSE(j["citations"].empty());
  EXPECT_FALSE(j["citations"][0]["citation"].get<std::string>().empty());
  ASSERT_EQ(j["notices"].size(), 1u);
  EXPECT_EQ(j["notices"][0]["kind"], "request_copy");
  ExpectProven(r);
}

TEST_F(GatewayE2E, AuditEntriesAreForInspectorsAndMatchTheLeaf) {
  auto r = As("lapd-detective", "/v1/bookings?release_within=48h",
              {{"TrustGate-Purpose", "criminal_investigation"}, {"TrustGate-Case", "LAPD-24-001"}});
  ASSERT_EQ(r.status, 200);
  auto audit = json::parse(r.body)["audit"];
  std::string path = "/v1/audit/entries/" + std::to_string(audit["index"].get<uint64_t>());
  EXPECT_EQ(As("lapd-detective", path, {}).status, 403);
  auto e = As("inspector-general", path, {});
  ASSERT_EQ(e.status, 200) << e.body;
  auto ej = json::parse(e.body);
  EXPECT_EQ(ej["leaf_hash"], audit["leaf_hash"]);
  EXPECT_EQ(ej["record"]["principal"], "lapd-detective");
  EXPECT_EQ(ej["record"]["case"], "LAPD-24-001");
  EXPECT_EQ(ej["record"]["status"], 200);
}

}  // namespace
}  // namespace tg::gateway

namespace tg::gateway {
namespace {

TEST_F(GatewayE2E, PersonViewsFollowTheSamePolicy) {
  std::string id = UpcomingBooking();
  auto b = As("lasd-records-clerk", "/v1/bookings/" + id, {{"TrustGate-Purpose", "booking_operations"}});
  std::string person = json::parse(b.body)["records"][0]["person_id"];
  auto clerk = As("lasd-records-clerk", "/v1/persons/" + person, {{"TrustGate-Purpose", "booking_operations"}});
  ASSERT_EQ(clerk.status, 200) << clerk.body;
  EXPECT_TRUE(json::parse(clerk.body)["records"][0].contains("dob"));
  auto ice = As("ice-ero-officer", "/v1/persons/" + person, {{"TrustGate-Purpose", "civil_immigration"}});
  auto ij = json::parse(ice.body);
  for (const auto& rec : ij.value("records", json::array())) {
    EXPECT_FALSE(rec.contains("dob"));
    EXPECT_FALSE(rec.contains("address"));
  }
  EXPECT_EQ(As("lasd-records-clerk", "/v1/persons/P-none", {{"TrustGate-Purpose", "booking_operations"}}).status, 404);
  ExpectProven(ice);
}

TEST_F(GatewayE2E, PlateSearchNeedsACaseAndIsRefusedToImmigration) {
  json ingest = {{"reads", {{{"plate", "7TGT123"}, {"state", "CA"}, {"read_at", "2026-01-01T00:00:00Z"}}}}};
  ingest["reads"][0]["read_at"] = records::FormatIso8601(records::NowMs() - records::kMsPerHour);
  auto in = client_->Send("POST", "/v1/plates/reads",
                          {{"Authorization", "Bearer " + Token("lapd-detective")},
                           {"TrustGate-Purpose", "criminal_investigation"}},
                          ingest.dump());
  ASSERT_EQ(in.status, 200) << in.body;
  auto found = As("lapd-detective", "/v1/plates/7TGT123/reads?days=2",
                  {{"TrustGate-Purpose", "criminal_investigation"}, {"TrustGate-Case", "LAPD-24-777"}});
  ASSERT_EQ(found.status, 200) << found.body;
  auto fj = json::parse(found.body);
  ASSERT_EQ(fj["records"].size(), 1u);
  EXPECT_EQ(fj["records"][0]["plate"], "7TGT123");
  auto no_case = As("lapd-detective", "/v1/plates/7TGT123/reads", {{"TrustGate-Purpose", "criminal_investigation"}});
  EXPECT_EQ(no_case.status, 403);
  auto ice = As("ice-ero-officer", "/v1/plates/7TGT123/reads",
                {{"TrustGate-Purpose", "criminal_investigation"}, {"TrustGate-Case", "HSI-1"}});
  EXPECT_EQ(ice.status, 403);
  EXPECT_EQ(json::parse(ice.body)["redactions"][0]["policy"], "base-no-protected-to-immigration");
  ExpectProven(ice);
}

}  // namespace
}  // namespace tg::gateway

namespace tg::gateway {
namespace {

TEST_F(GatewayE2E, TokensCreatedOrRevokedWhileServingTakeEffectAtOnce) {
  auto store = records::OpenSqliteStore(records::CountyDbPath(*county_));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto made = (*store)->CreateToken("lapd-detective", std::nullopt, records::NowMs());
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  std::map<std::string, std::string> h = {{"Authorization", "Bearer " + made->plaintext},
                                          {"TrustGate-Purpose", "criminal_investigation"},
                                          {"TrustGate-Case", "LAPD-24-002"}};
  EXPECT_EQ(client_->Send("GET", "/v1/bookings?release_within=48h", h).status, 200);
  ASSERT_TRUE((*store)->RevokeToken(made->token.id, records::NowMs()).ok());
  auto after = client_->Send("GET", "/v1/bookings?release_within=48h", h);
  EXPECT_EQ(after.status, 401);
  ExpectProven(after);
}

// Requests no route takes are audited refusals: 404 for an unknown path, 405 (with Allow)
// for a known path under another method, each with its audit index, before any token check.
TEST_F(GatewayE2E, UnknownPathsAndWrongMethodsAreAudited) {
  auto entry = [&](const ClientResponse& r) {
    auto at = r.headers.find("trustgate-audit-index");
    EXPECT_NE(at, r.headers.end()) << "no TrustGate-Audit-Index on a " << r.status;
    if (at == r.headers.end()) return json();
    auto e = As("inspector-general", "/v1/audit/entries/" + at->second, {{"TrustGate-Purpose", "oversight"}});
    EXPECT_EQ(e.status, 200) << e.body;
    return json::parse(e.body)["record"];
  };

  auto nope = client_->Send("GET", "/v1/nope?x=1");
  ASSERT_EQ(nope.status, 404) << nope.body;
  auto nj = json::parse(nope.body);
  EXPECT_EQ(nj["error"]["code"], "not_found");
  EXPECT_EQ(nj["audit"]["index"].get<uint64_t>(), std::stoull(nope.headers["trustgate-audit-index"]));
  auto nr = entry(nope);
  EXPECT_EQ(nr["status"], 404);
  EXPECT_EQ(nr["outcome"], "invalid");
  EXPECT_EQ(nr["method"], "GET");
  EXPECT_EQ(nr["path"], "/v1/nope");
  EXPECT_EQ(nr["query"], "x=1");
  EXPECT_EQ(nr["principal"], "");
  ExpectProven(nope);

  // Not a token check: the 404 is the same with a token.
  EXPECT_EQ(As("lapd-detective", "/favicon.ico", {}).status, 404);

  auto del = client_->Send("DELETE", "/v1/bookings", {{"Authorization", "Bearer " + Token("lasd-records-clerk")}});
  ASSERT_EQ(del.status, 405) << del.body;
  EXPECT_EQ(json::parse(del.body)["error"]["code"], "method_not_allowed");
  EXPECT_EQ(del.headers["allow"], "GET, HEAD");
  auto dr = entry(del);
  EXPECT_EQ(dr["status"], 405);
  EXPECT_EQ(dr["outcome"], "invalid");
  EXPECT_EQ(dr["method"], "DELETE");
  EXPECT_EQ(dr["path"], "/v1/bookings");
  ExpectProven(del);

  // A POST-only route allows POST only.
  auto put = client_->Send("PUT", "/v1/plates/reads");
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(put.headers["allow"], "POST");
}

// A token whose user, agency or workstation was deleted behind the store's back (a sqlite3
// shell, foreign keys off) is refused, and the refusal is audited with the token's id.
TEST_F(GatewayE2E, TokensOfDeletedPrincipalsAreRefusedAndAudited) {
  auto store = records::OpenSqliteStore(records::CountyDbPath(*county_));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  records::Store& s = **store;
  ASSERT_TRUE(s.PutAgency({"e2e-gone-agency", "Disbanded Task Force", "task_force", "CA", ""}).ok());
  ASSERT_TRUE(s.PutUser({"e2e-gone-user", "Gone User", "lasd", {"records_clerk"}}).ok());
  ASSERT_TRUE(s.PutUser({"e2e-agencyless", "No Agency", "e2e-gone-agency", {"analyst"}}).ok());
  ASSERT_TRUE(s.PutUser({"e2e-deskless", "No Desk", "lasd", {"records_clerk"}}).ok());
  ASSERT_TRUE(s.PutWorkstation({"e2e-gone-desk", "Removed terminal", "lasd"}).ok());
  auto user_gone = s.CreateToken("e2e-gone-user", std::nullopt, records::NowMs());
  auto agency_gone = s.CreateToken("e2e-agencyless", std::nullopt, records::NowMs());
  auto desk_gone = s.CreateToken("e2e-deskless", std::string("e2e-gone-desk"), records::NowMs());
  ASSERT_TRUE(user_gone.ok() && agency_gone.ok() && desk_gone.ok());

  auto exec = [&](const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(records::CountyDbPath(*county_).c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  };
  exec("PRAGMA foreign_keys = OFF; DELETE FROM users WHERE id = 'e2e-gone-user'; "
       "DELETE FROM agencies WHERE id = 'e2e-gone-agency'; DELETE FROM workstations WHERE id = 'e2e-gone-desk';");

  auto ask = [&](const records::NewToken& t) {
    return client_->Send("GET", "/v1/bookings?release_within=48h",
                         {{"Authorization", "Bearer " + t.plaintext}, {"TrustGate-Purpose", "booking_operations"}});
  };
  auto audited = [&](const ClientResponse& r) {
    auto e = As("inspector-general", "/v1/audit/entries/" + r.headers.at("trustgate-audit-index"),
                {{"TrustGate-Purpose", "oversight"}});
    EXPECT_EQ(e.status, 200) << e.body;
    return json::parse(e.body)["record"];
  };
  auto message = [](const ClientResponse& r) { return json::parse(r.body)["error"]["message"].get<std::string>(); };

  auto u = ask(*user_gone);
  EXPECT_EQ(u.status, 401) << u.body;
  EXPECT_EQ(message(u), "the token's user no longer exists");
  auto ur = audited(u);
  EXPECT_EQ(ur["token"], user_gone->token.id);
  EXPECT_EQ(ur["principal"], "");
  EXPECT_EQ(ur["outcome"], "unauthenticated");

  auto a = ask(*agency_gone);
  EXPECT_EQ(a.status, 500) << a.body;
  EXPECT_EQ(message(a), "the user's agency is missing: no agency e2e-gone-agency");
  auto ar = audited(a);
  EXPECT_EQ(ar["principal"], "e2e-agencyless");
  EXPECT_EQ(ar["agency"], "e2e-gone-agency");
  EXPECT_EQ(ar["outcome"], "error");

  auto w = ask(*desk_gone);
  EXPECT_EQ(w.status, 401) << w.body;
  EXPECT_EQ(message(w), "the token's workstation no longer exists");
  auto wr = audited(w);
  EXPECT_EQ(wr["principal"], "e2e-deskless");
  EXPECT_EQ(wr["agency_kind"], "sheriff");
  EXPECT_EQ(wr["workstation"], "");
  ExpectProven(w);

  ASSERT_TRUE(s.RevokeToken(desk_gone->token.id, records::NowMs()).ok());
  auto revoked = ask(*desk_gone);
  EXPECT_EQ(revoked.status, 401);
  EXPECT_EQ(message(revoked), "unknown or revoked token");

  // Leave the shared county consistent for the other tests.
  exec("DELETE FROM api_tokens WHERE user_id IN ('e2e-gone-user', 'e2e-agencyless', 'e2e-deskless'); "
       "DELETE FROM users WHERE id IN ('e2e-agencyless', 'e2e-deskless');");
}

}  // namespace
}  // namespace tg::gateway

namespace tg::gateway {
namespace {

// /metrics counts what was answered and committed, and names no principal or record.
TEST_F(GatewayE2E, MetricsCountCommittedAnswersWithoutPersonalData) {
  auto metric = [&](const std::string& text, const std::string& name) -> double {
    size_t at = text.find("\n" + name + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + name.size() + 2));
  };
  auto before = client_->Send("GET", "/metrics", {});
  ASSERT_EQ(before.status, 200);
  std::string id = UpcomingBooking();
  auto r = As("lasd-records-clerk", "/v1/bookings/" + id, {{"TrustGate-Purpose", "booking_operations"}});
  ASSERT_EQ(r.status, 200);
  auto after = client_->Send("GET", "/metrics", {});
  ASSERT_EQ(after.status, 200);
  EXPECT_GE(metric(after.body, "trustgate_log_entries_total"), metric(before.body, "trustgate_log_entries_total") + 2);
  // The audit store commits its rows behind the answers (the journal holds them meanwhile),
  // so its count catches up shortly after.
  const double rows_wanted = metric(before.body, "trustgate_audit_store_rows_total") + 2;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
       metric(after.body, "trustgate_audit_store_rows_total") < rows_wanted && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    after = client_->Send("GET", "/metrics", {});
    ASSERT_EQ(after.status, 200);
  }
  EXPECT_GE(metric(after.body, "trustgate_audit_store_rows_total"), rows_wanted);
  EXPECT_GE(metric(after.body, "trustgate_log_commits_total"), 1);
  EXPECT_NE(after.body.find("trustgate_responses_total{outcome=\"released\"}"), std::string::npos) << after.body;
  EXPECT_EQ(after.body.find(id), std::string::npos);
  EXPECT_EQ(after.body.find("lasd-records-clerk"), std::string::npos);
}

}  // namespace
}  // namespace tg::gateway

namespace tg::gateway {
namespace {

// Requests the server refuses before routing (here: a body over the limit) are audited
// like routed ones, with what of the request line was read.
TEST_F(GatewayE2E, RefusalsBeforeRoutingAreAudited) {
  auto log_size = [&] {
    auto cp = client_->Send("GET", "/log/checkpoint");
    std::istringstream in(cp.body);
    std::string origin, size;
    std::getline(in, origin);
    std::getline(in, size);
    return std::stoull(size);
  };
  uint64_t before = log_size();
  std::string big(GatewayConfig{}.server.limits.max_body_bytes + 1, 'x');
  auto r = client_->Send("POST", "/v1/requests?from=test", {{"Content-Type", "application/json"}}, big);
  EXPECT_EQ(r.status, 413) << r.body;
  // The refusal went out without waiting for the log: wait for the commit.
  uint64_t after = before;
  for (int i = 0; i < 200 && after == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    after = log_size();
  }
  ASSERT_GT(after, before);
  bool found = false;
  for (uint64_t i = before; i < after && !found; ++i) {
    auto e = As("inspector-general", "/v1/audit/entries/" + std::to_string(i), {{"TrustGate-Purpose", "oversight"}});
    ASSERT_EQ(e.status, 200) << e.body;
    auto rec = json::parse(e.body)["record"];
    if (rec["status"] == 413) {
      found = true;
      EXPECT_EQ(rec["outcome"], "invalid");
      EXPECT_EQ(rec["method"], "POST");
      EXPECT_EQ(rec["path"], "/v1/requests");
      EXPECT_EQ(rec["query"], "from=test");
      EXPECT_EQ(rec["principal"], "");
      EXPECT_FALSE(rec["client_address"].get<std::string>().empty());
    }
  }
  EXPECT_TRUE(found) << "no audit record with status 413 in [" << before << ", " << after << ")";
}

}  // namespace
}  // namespace tg::gateway
