// The record fields of booking and person responses, byte for byte: each released field's
// JSON (type and value) as read from the store, and every record route's body exactly as
// nlohmann would write it, so a change to how responses are built cannot change what
// clients receive.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "e2e_fixture.h"
#include "gateway/gateway.h"
#include "gateway/server.h"
#include "records/store.h"

namespace tg::gateway {
namespace {

using nlohmann::json;
using testing::HttpClient;

json ConvictionsJson(const std::vector<records::Conviction>& convictions) {
  json list = json::array();
  for (const auto& c : convictions) {
    json e = json::object();
    e["statute"] = c.statute;
    e["description"] = c.description;
    e["level"] = std::string(1, c.level);
    e["convicted_at"] = records::FormatDate(c.convicted_at);
    list.push_back(e);
  }
  return list;
}

json Iso(std::optional<records::TimeMs> t) { return t ? json(records::FormatIso8601(*t)) : json(nullptr); }

// Every field a booking response can carry, from the store.
json BookingJson(const records::Booking& b, const records::Person& p, const std::vector<records::Conviction>& cs) {
  json charges = json::array();
  for (const auto& c : b.charges) {
    charges.push_back(json{{"code", c.code}, {"statute", c.statute}, {"description", c.description},
                           {"level", std::string(1, c.level)}});
  }
  json j = json::object();
  j["booking_id"] = b.booking_id;
  j["person_id"] = b.person_id;
  j["name"] = b.name;
  j["dob"] = p.dob;
  j["address"] = p.address;
  j["phone"] = p.phone;
  j["email"] = p.email;
  j["birthplace"] = p.birthplace;
  j["immigration_status"] = p.immigration_status;
  j["release_at"] = Iso(b.release_at());
  j["release_type"] = b.release_type;
  j["custody_status"] = b.custody_status;
  j["facility"] = b.facility;
  j["housing"] = b.housing;
  j["charges"] = charges;
  j["bail"] = b.bail;
  j["convictions"] = ConvictionsJson(cs);
  j["court_date"] = Iso(b.court_date);
  j["court"] = b.court;
  j["photo_url"] = b.photo_url;
  return j;
}

// `all` cut down to the keys `got` has: what the response should read, dumped as it is sent.
std::string Expected(const json& all, const json& got) {
  json want = json::object();
  for (auto it = got.begin(); it != got.end(); ++it) {
    if (all.contains(it.key())) want[it.key()] = all[it.key()];
  }
  return want.dump();
}

class ResponseFieldsE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { county_ = new std::string(testing::MakeCounty("fields")); }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(std::filesystem::path(*county_).parent_path());
    delete county_;
  }
  void SetUp() override {
    auto gw = testing::StartGateway(testing::CountyConfig(*county_));
    ASSERT_TRUE(gw.ok()) << gw.status().ToString();
    gateway_ = std::move(gw->gateway);
    server_ = std::move(gw->server);
    client_ = std::make_unique<HttpClient>(server_->port());
    auto store = records::OpenSqliteStore(records::CountyDbPath(*county_));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store.value());
    tokens_ = testing::ReadJsonFile(records::DemoTokensPath(*county_));
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    gateway_.reset();
  }
  testing::ClientResponse Get(const std::string& target) {
    return client_->Send("GET", target,
                         {{"Authorization", "Bearer " + tokens_["lasd-records-clerk"].get<std::string>()},
                          {"TrustGate-Purpose", "booking_operations"}});
  }

  static std::string* county_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<records::Store> store_;
  json tokens_;
};
std::string* ResponseFieldsE2E::county_ = nullptr;

TEST_F(ResponseFieldsE2E, BookingRecordsCarryTheStoresValuesExactly) {
  auto list = Get("/v1/bookings?release_within=2160h");
  ASSERT_EQ(list.status, 200) << list.body;
  auto records = json::parse(list.body)["records"];
  ASSERT_GE(records.size(), 5u);
  int with_convictions = 0, with_charges = 0;
  for (size_t i = 0; i < records.size() && i < 40; ++i) {
    std::string id = records[i]["booking_id"];
    auto b = store_->GetBooking(id);
    ASSERT_TRUE(b.ok());
    auto p = store_->GetPerson(b->person_id);
    ASSERT_TRUE(p.ok());
    auto cs = store_->ConvictionsByPerson(b->person_id);
    ASSERT_TRUE(cs.ok());
    json all = BookingJson(*b, *p, *cs);
    auto one = Get("/v1/bookings/" + id);
    ASSERT_EQ(one.status, 200) << one.body;
    json rec = json::parse(one.body)["records"][0];
    for (const char* f : {"booking_id", "name", "dob", "address", "release_at", "charges", "bail", "court_date"}) {
      EXPECT_TRUE(rec.contains(f)) << f << " missing: " << one.body;
    }
    EXPECT_EQ(rec.size(), json::parse(Expected(all, rec)).size()) << "a field the store does not explain: " << one.body;
    std::string want = Expected(all, rec);
    EXPECT_NE(one.body.find("\"records\":[" + want + "]"), std::string::npos) << want << "\n" << one.body;
    EXPECT_NE(list.body.find(want), std::string::npos) << "list entry differs for " << id;
    with_convictions += rec.contains("convictions") && !cs->empty();
    with_charges += !b->charges.empty();
  }
  EXPECT_GT(with_charges, 0);
  EXPECT_GT(with_convictions, 0) << "no released convictions among the bookings checked";
}

TEST_F(ResponseFieldsE2E, PersonRecordCarriesTheStoresValuesExactly) {
  auto list = Get("/v1/bookings?release_within=2160h");
  ASSERT_EQ(list.status, 200) << list.body;
  std::string person_id = json::parse(list.body)["records"][0]["person_id"];
  auto p = store_->GetPerson(person_id);
  ASSERT_TRUE(p.ok());
  auto cs = store_->ConvictionsByPerson(person_id);
  ASSERT_TRUE(cs.ok());
  json all = {{"person_id", p->person_id}, {"name", p->name()},          {"dob", p->dob},
              {"address", p->address},     {"phone", p->phone},          {"email", p->email},
              {"birthplace", p->birthplace}, {"immigration_status", p->immigration_status},
              {"convictions", ConvictionsJson(*cs)}};
  auto r = Get("/v1/persons/" + person_id);
  ASSERT_EQ(r.status, 200) << r.body;
  json rec = json::parse(r.body)["records"][0];
  EXPECT_TRUE(rec.contains("person_id") && rec.contains("dob")) << r.body;
  std::string want = Expected(all, rec);
  EXPECT_EQ(rec.size(), json::parse(want).size()) << r.body;
  EXPECT_NE(r.body.find("\"records\":[" + want + "]"), std::string::npos) << want << "\n" << r.body;
}

// The record routes write their bodies directly (response_writer.h); each body must be what
// nlohmann writes for the same value: keys sorted (the audit member first), its formats.
TEST_F(ResponseFieldsE2E, RecordRouteBodiesAreAsNlohmannWritesThem) {
  auto as = [&](const std::string& principal, const std::string& method, const std::string& target,
                std::map<std::string, std::string> headers, const std::string& body = "") {
    if (!principal.empty()) headers["Authorization"] = "Bearer " + tokens_[principal].get<std::string>();
    return client_->Send(method, target, headers, body);
  };
  std::map<std::string, std::string> ops = {{"TrustGate-Purpose", "booking_operations"}};
  std::map<std::string, std::string> ice = {{"TrustGate-Purpose", "civil_immigration"}};
  std::map<std::string, std::string> inv = {{"TrustGate-Purpose", "criminal_investigation"},
                                            {"TrustGate-Case", "LAPD-24-1"}};
  auto list = Get("/v1/bookings?release_within=2160h");
  ASSERT_EQ(list.status, 200) << list.body;
  auto first = json::parse(list.body)["records"][0];
  std::string booking = first["booking_id"], person = first["person_id"];
  json ingest = {{"reads", {{{"plate", "7FMT001"}, {"state", "CA"}, {"lat", 34.05223}, {"lon", -118.24368}}}}};
  ingest["reads"][0]["read_at"] = records::FormatIso8601(records::NowMs() - records::kMsPerHour);
  ASSERT_EQ(as("lapd-detective", "POST", "/v1/plates/reads", inv, ingest.dump()).status, 200);

  std::vector<testing::ClientResponse> got = {
      list,
      Get("/v1/bookings/" + booking),
      Get("/v1/bookings?name=" + first["name"].get<std::string>().substr(0, 4)),
      Get("/v1/persons/" + person),
      as("ice-ero-officer", "GET", "/v1/bookings/" + booking, ice),
      as("ice-ero-officer", "GET", "/v1/bookings?release_within=720h", ice),
      as("ice-ero-officer", "GET", "/v1/persons/" + person, ice),
      as("victim-advocate", "GET", "/v1/bookings/" + booking, {{"TrustGate-Purpose", "victim_notification"}}),
      as("lapd-detective", "GET", "/v1/plates/7FMT001/reads?days=2", inv),
      as("ice-ero-officer", "GET", "/v1/plates/7FMT001/reads", inv),
      as("", "GET", "/v1/public/inmates?booking=" + booking, {}),
      as("", "GET", "/v1/public/inmates?booking=LASD-2099-0000000", {}),
      Get("/v1/bookings/LASD-2099-0000000"),
      Get("/v1/bookings?release_within=0h"),
      as("", "GET", "/v1/bookings/" + booking, {}),
      as("lasd-records-clerk", "GET", "/v1/bookings/" + booking, {{"TrustGate-Purpose", "shopping \"list\""}}),
  };
  std::set<int> statuses;
  for (const auto& r : got) {
    statuses.insert(r.status);
    EXPECT_EQ(r.body, json::parse(r.body).dump()) << r.status;
    EXPECT_EQ(r.body.rfind("{\"audit\":{\"index\":" + r.headers.at("trustgate-audit-index") + ",", 0), 0u) << r.body;
  }
  EXPECT_EQ(statuses, (std::set<int>{200, 400, 401, 403, 404})) << "not every kind of answer was checked";
}

}  // namespace
}  // namespace tg::gateway
