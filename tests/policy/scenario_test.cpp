// The scenario runner: requests built from scenario facts, decided by the Cedar authorizer
// under a pack configuration, and checked against expectations.
#include "policy/scenario.h"

#include <gtest/gtest.h>

namespace tg::policy {
namespace {

using nlohmann::json;

const std::string kRoot = std::string(TG_SOURCE_DIR) + "/policies";
const std::string kCodes = std::string(TG_SHARED_DIR) + "/data/ca-offense-codes.csv";

const OffenseCodeTable* Table() {
  static const OffenseCodeTable* t = [] {
    auto r = OffenseCodeTable::Load(kCodes);
    return r.ok() ? new OffenseCodeTable(std::move(r).value()) : nullptr;
  }();
  return t;
}

json World() {
  return json::parse(R"({
    "now": "2025-06-15",
    "agencies": {"lasd": {"kind": "jail", "state": "CA"},
                 "ice": {"kind": "immigration", "state": "US"},
                 "victims": {"kind": "victim_services", "state": "CA"}},
    "users": {"clerk": {"agency": "lasd"}, "officer": {"agency": "ice"},
              "advocate": {"agency": "victims"}},
    "workstations": {"desk": {"agency": "lasd", "location": "IRC"}},
    "cases": []
  })");
}

json DetainerCase(json convictions) {
  return {{"name", "detainer"},
          {"user", "officer"},
          {"request", {{"purpose", "civil_immigration"}, {"authority", "detainer"}}},
          {"resource", {{"type", "Booking"}, {"id", "B1"}, {"agency", "lasd"},
                        {"person", {{"convictions", convictions}}}}}};
}

const json kRobbery = json::array({{{"statute", "PC 211"}, {"level", "F"}, {"date", "2019-04-02"}}});

PackDecision Decide(const std::vector<std::string>& packs, const json& c, const std::string& action) {
  auto composed = LoadPacks(kRoot, packs);
  EXPECT_TRUE(composed.ok()) << composed.status().ToString();
  ScenarioRunner runner(*composed, Table());
  auto d = runner.Decide(World(), c, action);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? *d : PackDecision{};
}

TEST(Scenario, RobberyDetainerNoticeCaliforniaAllowsLosAngelesCountyDeclines) {
  json c = DetainerCase(kRobbery);
  PackDecision ca = Decide({"california"}, c, "request_notify");
  EXPECT_EQ(ca.outcome, "allow");
  EXPECT_EQ(ca.policies, std::vector<std::string>{"ca-notify-qualified"});
  PackDecision lac = Decide({"los-angeles-county"}, c, "request_notify");
  EXPECT_EQ(lac.outcome, "deny");
  EXPECT_EQ(lac.policies, std::vector<std::string>{"lac-no-release-information"});
  // Without the conviction California declines too, citing the TRUST Act rule.
  PackDecision none = Decide({"california"}, DetainerCase(json::array()), "request_notify");
  EXPECT_EQ(none.outcome, "deny");
  EXPECT_EQ(none.policies, std::vector<std::string>{"ca-notify-unqualified"});
}

TEST(Scenario, WindowEdgeDecidesNotice) {
  // Misdemeanor ADW (a wobbler, family A): on 2020-06-15 it is inside the five-year window
  // as of 2025-06-15, the day before it is not.
  auto adw = [](const char* date) {
    return json::array({{{"statute", "PC 245(a)(1)"}, {"level", "M"}, {"date", date}}});
  };
  EXPECT_EQ(Decide({"california"}, DetainerCase(adw("2020-06-15")), "request_notify").outcome, "allow");
  EXPECT_EQ(Decide({"california"}, DetainerCase(adw("2020-06-14")), "request_notify").outcome, "deny");
}

TEST(Scenario, AdministrativeSubpoenaIsReferred) {
  json c = DetainerCase(json::array());
  c["request"]["authority"] = {{"kind", "administrative_subpoena"}, {"ref", "DHS-1"}};
  PackDecision d = Decide({"oregon"}, c, "request_info");
  EXPECT_EQ(d.outcome, "referred");
  EXPECT_NE(std::find(d.policies.begin(), d.policies.end(), "or-administrative-subpoena-to-counsel"),
            d.policies.end());
}

TEST(Scenario, WrongExpectationFails) {
  json doc = World();
  json c = DetainerCase(json::array());
  c["expect"] = {{"request_hold", "allow"},
                 {"request_notify", {{"outcome", "deny"}, {"policy", "ca-no-immigration-holds"}}},
                 {"read_dob", {{"outcome", "deny"}, {"citation", "Penal Code 999"}}},
                 {"read_address", {{"outcome", "deny"}, {"citation", "7284.6(a)(1)(D)"}}}};
  doc["cases"].push_back(c);
  auto composed = LoadPacks(kRoot, {"california"});
  ASSERT_TRUE(composed.ok());
  ScenarioRunner runner(*composed, Table());
  ScenarioReport report = runner.Run(doc, "inline");
  ASSERT_EQ(report.results.size(), 4u);
  EXPECT_EQ(report.passed(), 1);  // only read_address, rightly cited
  for (const auto& r : report.results) {
    if (r.action == "request_hold") { EXPECT_NE(r.message.find("expected allow, got deny"), std::string::npos); }
    if (r.action == "request_notify") { EXPECT_NE(r.message.find("expected policy ca-no-immigration-holds"), std::string::npos); }
    if (r.action == "read_dob") { EXPECT_NE(r.message.find("Penal Code 999"), std::string::npos); }
  }
}

TEST(Scenario, BadInputIsAClearError) {
  auto composed = LoadPacks(kRoot, {"california"});
  ASSERT_TRUE(composed.ok());
  ScenarioRunner runner(*composed, Table());
  json c = DetainerCase(kRobbery);
  c["user"] = "nobody";
  auto d = runner.Decide(World(), c, "request_notify");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("unknown user 'nobody'"), std::string::npos);

  c = DetainerCase(json::array({{{"statute", "robbery"}, {"level", "F"}}}));
  d = runner.Decide(World(), c, "request_notify");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("conviction 1"), std::string::npos) << d.status().message();

  d = runner.Decide(World(), DetainerCase(kRobbery), "read_everything");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("no action 'read_everything'"), std::string::npos);
}

// A value of the wrong type in one case fails that case with the parser's words; the other
// cases still run (it once threw out of the runner and aborted `trustgate policy test`).
TEST(Scenario, AWrongTypeFailsItsCaseNotTheRun) {
  json doc = World();
  json bad = DetainerCase(json::array({{{"statute", "PC 211"}, {"level", "F"}, {"date", "2019-04-02"},
                                        {"degree", "two"}}}));
  bad["name"] = "degree as text";
  bad["expect"] = {{"request_notify", "allow"}};
  json good = DetainerCase(kRobbery);
  good["expect"] = {{"request_notify", "allow"}};
  json unnamed = json::array({1, 2});  // not even an object
  doc["cases"] = json::array({bad, good, unnamed});
  auto composed = LoadPacks(kRoot, {"california"});
  ASSERT_TRUE(composed.ok());
  ScenarioRunner runner(*composed, Table());
  ScenarioReport report = runner.Run(doc, "inline");
  ASSERT_EQ(report.results.size(), 3u);
  EXPECT_EQ(report.results[0].name, "degree as text");
  EXPECT_FALSE(report.results[0].pass);
  EXPECT_EQ(report.results[0].message, "malformed case: type must be number, but is string");
  EXPECT_TRUE(report.results[1].pass) << report.results[1].message;
  EXPECT_EQ(report.results[2].name, "case 2");
  EXPECT_FALSE(report.results[2].pass);
  EXPECT_EQ(report.results[2].message.rfind("malformed case: ", 0), 0u) << report.results[2].message;
}

TEST(Scenario, EveryPackScenarioPasses) {
  auto names = ListPacks(kRoot);
  ASSERT_TRUE(names.ok());
  int packs = 0;
  for (const auto& name : *names) {
    if (name == "baseline") continue;  // the gateway's pack, tested with the gateway
    auto report = RunPackScenarios(kRoot, name, kCodes);
    ASSERT_TRUE(report.ok()) << name << ": " << report.status().ToString();
    EXPECT_GE(report->results.size(), 7u) << name;
    for (const auto& r : report->results) {
      EXPECT_TRUE(r.pass) << name << ": " << r.name << " [" << r.action << "]: " << r.message;
    }
    ++packs;
  }
  EXPECT_EQ(packs, 12);
}

}  // namespace
}  // namespace tg::policy
