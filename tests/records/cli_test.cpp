// The records commands of build/trustgate, run as a user would.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <regex>
#include <nlohmann/json.hpp>

#include "records/county.h"
#include "test_util.h"

namespace tg::records {
namespace {

using testing::TempDir;

struct CmdResult {
  int code;
  std::string out;  // stdout and stderr together
};

CmdResult Trustgate(const std::string& args) {
  const std::string cmd = std::string(TG_TRUSTGATE_BIN) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  CmdResult r{-1, ""};
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

CmdResult TrustgateStdout(const std::string& args) {
  const std::string cmd = std::string(TG_TRUSTGATE_BIN) + " " + args + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  CmdResult r{-1, ""};
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class Cli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    CmdResult r = Trustgate("generate --data " + dir_->path() +
                      " --persons 2000 --alpr-reads 20000 --seed 3 --now 2024-05-01T12:00:00Z");
    ASSERT_EQ(r.code, 0) << r.out;
    generate_output_ = new std::string(r.out);
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete generate_output_;
  }
  static TempDir* dir_;
  static std::string* generate_output_;
};
TempDir* Cli::dir_ = nullptr;
std::string* Cli::generate_output_ = nullptr;

TEST_F(Cli, GeneratePrintsTheSummary) {
  EXPECT_NE(generate_output_->find("as of 2024-05-01T12:00:00Z (seed 3)"), std::string::npos) << *generate_output_;
  EXPECT_NE(generate_output_->find("inspector-general"), std::string::npos);
  EXPECT_TRUE(std::regex_search(*generate_output_, std::regex("persons +2000\n"))) << *generate_output_;
  CmdResult again = Trustgate("generate --data " + dir_->path());
  EXPECT_NE(again.code, 0);
  EXPECT_NE(again.out.find("already exists"), std::string::npos) << again.out;
}

TEST_F(Cli, UsersListJson) {
  CmdResult r = TrustgateStdout("users list --data " + dir_->path() + " --format json");
  ASSERT_EQ(r.code, 0) << r.out;
  auto users = nlohmann::json::parse(r.out);
  ASSERT_TRUE(users.is_array());
  EXPECT_GT(users.size(), 100u);
  bool ice = false;
  for (const auto& u : users) {
    for (const char* k : {"id", "name", "agency", "agency_kind", "roles"}) ASSERT_TRUE(u.contains(k)) << u.dump();
    if (u["id"] == "ice-ero-officer") {
      ice = true;
      EXPECT_EQ(u["agency"], "ice-ero-la");
      EXPECT_EQ(u["agency_kind"], "immigration");
      EXPECT_EQ(u["roles"], nlohmann::json::array({"immigration_officer"}));
    }
  }
  EXPECT_TRUE(ice);
  CmdResult table = Trustgate("users list --data " + dir_->path() + " --agency jric");
  EXPECT_EQ(table.code, 0);
  EXPECT_NE(table.out.find("jric-analyst"), std::string::npos);
  EXPECT_NE(Trustgate("users list --data " + dir_->path() + " --format xml").code, 0);
  CmdResult none = Trustgate("users list --data " + dir_->File("nothing-here"));
  EXPECT_NE(none.code, 0);
  EXPECT_NE(none.out.find("trustgate generate --data"), std::string::npos) << none.out;
}

TEST_F(Cli, TokenCreateAuthenticatesAndRevokeStopsIt) {
  CmdResult r = TrustgateStdout("token create --data " + dir_->path() + " --user lapd-detective --workstation lapd-pab-rhd-01");
  ASSERT_EQ(r.code, 0) << r.out;
  std::string token = r.out.substr(0, r.out.find('\n'));
  ASSERT_EQ(token.rfind("tg_", 0), 0u) << r.out;
  {
    auto store = OpenCounty(dir_->path());
    ASSERT_TRUE(store.ok());
    auto t = (*store)->AuthenticateToken(token);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->user_id, "lapd-detective");
    EXPECT_EQ(t->workstation_id, std::optional<std::string>("lapd-pab-rhd-01"));
  }
  CmdResult revoke = Trustgate("token revoke --data " + dir_->path() + " " + token);
  ASSERT_EQ(revoke.code, 0) << revoke.out;
  {
    auto store = OpenCounty(dir_->path());
    EXPECT_EQ((*store)->AuthenticateToken(token).status().code(), Code::kUnauthenticated);
  }
  EXPECT_NE(Trustgate("token create --data " + dir_->path() + " --user nobody").code, 0);
  EXPECT_NE(Trustgate("token revoke --data " + dir_->path() + " tok_ffffffffffffffff").code, 0);
  CmdResult list = Trustgate("token list --data " + dir_->path() + " --user lapd-detective");
  EXPECT_EQ(list.code, 0);
  EXPECT_EQ(list.out.find(token), std::string::npos);  // never shows the token itself
}

TEST_F(Cli, ImportSeattleAndAMalformedFile) {
  TempDir d;
  CmdResult r = Trustgate("import alpr-csv --data " + d.path() + " " + testing::SeattleFile());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("imported 93,490 plate reads"), std::string::npos) << r.out;

  const std::string bad = d.Write("bad.csv",
                                  "zipcode|dt|location|address|device|plate_hash|lon|lat\n"
                                  "98101|10/01/2021 - 00:00:01|car|a|DEV1|p1|-122.3|47.6\n"
                                  "98101|10/01/2021 - 25:00:01|car|a|DEV1|p2|-122.3|47.6\n");
  CmdResult b = Trustgate("import alpr-csv --data " + d.path() + " " + bad);
  EXPECT_NE(b.code, 0);
  EXPECT_NE(b.out.find("bad.csv:3:"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("nothing imported"), std::string::npos) << b.out;
  auto store = OpenCounty(d.path());
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->PlateReads("p1", 0, INT64_MAX)->empty());
}

}  // namespace
}  // namespace tg::records
