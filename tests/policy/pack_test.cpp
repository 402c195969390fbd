// Policy packs: loading, composition, annotations, strict validation, and the rule that a
// local pack only narrows what it builds on.
#include "policy/pack.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <cstdlib>
#include <set>
#include <unistd.h>

#include "policy/scenario_narrowing.h"

namespace tg::policy {
namespace {

namespace fs = std::filesystem;

const std::string kRoot = std::string(TG_SOURCE_DIR) + "/policies";

// The jurisdiction packs (the gateway's own `baseline` is tested with the gateway).
std::vector<std::string> JurisdictionPacks() {
  auto names = ListPacks(kRoot);
  EXPECT_TRUE(names.ok()) << names.status().ToString();
  std::vector<std::string> out;
  for (const auto& n : *names) {
    if (n != "baseline") out.push_back(n);
  }
  return out;
}

const OffenseCodeTable* Table() {
  static const OffenseCodeTable* t = [] {
    auto r = OffenseCodeTable::Load(std::string(TG_SHARED_DIR) + "/data/ca-offense-codes.csv");
    return r.ok() ? new OffenseCodeTable(std::move(r).value()) : nullptr;
  }();
  return t;
}

TEST(Packs, AllTwelveJurisdictionsArePresent) {
  std::vector<std::string> want = {"bernalillo-county", "california", "chicago", "cook-county",
                                   "illinois", "los-angeles-city", "los-angeles-county",
                                   "new-jersey", "oregon", "philadelphia", "us-federal-baseline",
                                   "washington"};
  EXPECT_EQ(JurisdictionPacks(), want);
}

TEST(Packs, EveryPackLoadsAndValidatesStrictly) {
  for (const auto& name : JurisdictionPacks()) {
    auto packs = LoadPacks(kRoot, {name});
    ASSERT_TRUE(packs.ok()) << name << ": " << packs.status().ToString();
    EXPECT_FALSE(packs->rules.empty()) << name;
    std::vector<std::string> problems = ValidatePacks(*packs);
    EXPECT_TRUE(problems.empty()) << name << ": " << problems.front();
  }
}

TEST(Packs, LosAngelesConfigurationComposesInDependencyOrder) {
  auto packs = LoadPacks(kRoot, {"los-angeles-county", "los-angeles-city"});
  ASSERT_TRUE(packs.ok()) << packs.status().ToString();
  std::vector<std::string> order;
  for (const auto& m : packs->packs) order.push_back(m.name);
  EXPECT_EQ(order, (std::vector<std::string>{"us-federal-baseline", "california",
                                             "los-angeles-county", "los-angeles-city"}));
  EXPECT_EQ(packs->name, "los-angeles-county+los-angeles-city");
  // Decisions name policies by @id.
  const PackRule* r = packs->FindRule("lac-no-outside-agency-desk");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->pack, "los-angeles-county");
  EXPECT_EQ(r->policy->id, "lac-no-outside-agency-desk");
}

TEST(Packs, LocalPacksOnlyForbid) {
  for (const auto& name : JurisdictionPacks()) {
    auto m = LoadPackManifest(kRoot, name);
    ASSERT_TRUE(m.ok());
    if (m->level != "local") continue;
    auto packs = LoadPacks(kRoot, {name});
    ASSERT_TRUE(packs.ok());
    for (const auto& r : packs->rules) {
      if (r.pack == name) { EXPECT_EQ(r.policy->effect, cedar::Effect::kForbid) << r.id; }
    }
  }
}

// Every rule shipped as unverified is named in its pack's README, as the issue requires.
TEST(Packs, ReadmeNamesEveryUnverifiedRule) {
  for (const auto& name : JurisdictionPacks()) {
    auto packs = LoadPacks(kRoot, {name});
    ASSERT_TRUE(packs.ok());
    std::ifstream in(kRoot + "/" + name + "/README.md");
    ASSERT_TRUE(in) << name << " has no README.md";
    std::string readme((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(readme.find("not legal advice"), std::string::npos) << name;
    for (const auto& r : packs->rules) {
      if (r.pack == name && !r.verified) {
        EXPECT_NE(readme.find(r.id), std::string::npos) << name << " README omits " << r.id;
      }
    }
  }
}

// Generated requests per pack pair: 400 by default (about 3 ms each on the 2-core CI
// machine); TG_NARROWING_REQUESTS raises it for a deeper run.
int GeneratedRequests() {
  const char* env = std::getenv("TG_NARROWING_REQUESTS");
  return env != nullptr && std::atoi(env) > 0 ? std::atoi(env) : 400;
}

// The check can fail: California adds permits to the federal baseline (TRUST Act notice,
// specific-person criminal history), so California is not narrower than the baseline.
TEST(Packs, NarrowingCheckFindsAWiderConfiguration) {
  auto report = CompareConfigurations(kRoot, {"california"}, {"us-federal-baseline"}, Table(), 200);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_FALSE(report->violations.empty());
  bool notice = false;
  for (const auto& v : report->violations) {
    if (v.find("allows request_notify") != std::string::npos) notice = true;
  }
  EXPECT_TRUE(notice) << report->violations.front();
}

// For every local pack: what the local configuration allows, its state allows, over the
// scenario corpus of all packs and generated requests.
TEST(Packs, EveryLocalPackOnlyNarrowsItsState) {
  int checked = 0;
  for (const auto& name : JurisdictionPacks()) {
    auto m = LoadPackManifest(kRoot, name);
    ASSERT_TRUE(m.ok());
    if (m->level != "local") continue;
    auto report = CheckNarrowing(kRoot, name, Table(), GeneratedRequests());
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_GT(report->corpus_requests, 100) << name;
    EXPECT_EQ(report->generated_requests, GeneratedRequests()) << name;
    EXPECT_TRUE(report->violations.empty()) << name << ": " << report->violations.front();
    EXPECT_TRUE(report->errors.empty()) << name << ": " << report->errors.front();
    ++checked;
  }
  EXPECT_EQ(checked, 6);  // LA County, LA City, Bernalillo, Philadelphia, Chicago, Cook County
}

// A scratch packs root with the real schema, for the loader's error cases.
class ScratchPacks : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("tg-packs-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root_);
    fs::copy_file(kRoot + "/schema.cedarschema", root_ / "schema.cedarschema");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Pack(const std::string& name, const std::string& level, const std::string& builds_on,
            const std::string& cedar) {
    fs::create_directories(root_ / name);
    std::ofstream(root_ / name / "pack.json")
        << R"({"name": ")" << name << R"(", "jurisdiction": "Test", "level": ")" << level
        << R"(", "builds_on": [)" << builds_on << R"(], "effective": "2025-01-01"})";
    std::ofstream(root_ / name / "rules.cedar") << cedar;
  }
  fs::path root_;
};

const char* kPermit = R"(
@id("s-permit")
@citation("Test Code 1")
@explain("Allows reading identity.")
@verified("true")
permit (principal, action == Action::"read_identity", resource);
)";

TEST_F(ScratchPacks, LocalPackWithPermitIsRejected) {
  Pack("state", "state", "", kPermit);
  Pack("town", "local", R"("state")", R"(
@id("t-permit")
@citation("Town Code 1")
@explain("Widens the state.")
@verified("true")
permit (principal, action == Action::"read_dob", resource);
)");
  auto packs = LoadPacks(root_.string(), {"town"});
  ASSERT_FALSE(packs.ok());
  EXPECT_NE(packs.status().message().find("may only narrow"), std::string::npos)
      << packs.status().message();
  EXPECT_NE(packs.status().message().find("rules.cedar:2:1"), std::string::npos)
      << packs.status().message();
}

TEST_F(ScratchPacks, MissingAnnotationsAreRejected) {
  Pack("state", "state", "", R"(
@id("s-1")
@explain("No citation.")
@verified("true")
permit (principal, action == Action::"read_identity", resource);
)");
  auto packs = LoadPacks(root_.string(), {"state"});
  ASSERT_FALSE(packs.ok());
  EXPECT_NE(packs.status().message().find("has no @citation"), std::string::npos);
}

TEST_F(ScratchPacks, BadVerifiedValueAndDuplicateIdsAreRejected) {
  Pack("a", "state", "", R"(
@id("x")
@citation("C")
@explain("E")
@verified("maybe")
permit (principal, action == Action::"read_identity", resource);
)");
  auto bad = LoadPacks(root_.string(), {"a"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("@verified"), std::string::npos);

  Pack("b", "state", "", kPermit);
  Pack("c", "local", R"("b")", R"(
@id("s-permit")
@citation("C")
@explain("E")
@verified("true")
forbid (principal, action == Action::"read_identity", resource);
)");
  auto dup = LoadPacks(root_.string(), {"c"});
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("duplicate policy id s-permit"), std::string::npos);
}

TEST_F(ScratchPacks, CyclesAndUnknownPacksAreRejected) {
  Pack("p", "state", R"("q")", kPermit);
  Pack("q", "state", R"("p")", "");
  auto cycle = LoadPacks(root_.string(), {"p"});
  ASSERT_FALSE(cycle.ok());
  EXPECT_NE(cycle.status().message().find("cycle"), std::string::npos);
  auto missing = LoadPacks(root_.string(), {"nowhere"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no pack 'nowhere'"), std::string::npos);
}

TEST_F(ScratchPacks, ValidationErrorsNamePolicyAndPlace) {
  Pack("s", "state", "", R"(
@id("s-typo")
@citation("C")
@explain("E")
@verified("true")
permit (principal, action == Action::"read_identity", resource)
when { context.recipient_knd == "jail" };
)");
  auto packs = LoadPacks(root_.string(), {"s"});
  ASSERT_TRUE(packs.ok()) << packs.status().ToString();
  std::vector<std::string> problems = ValidatePacks(*packs);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("s-typo"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("rules.cedar:7"), std::string::npos) << problems[0];
}

}  // namespace
}  // namespace tg::policy
