// The config file: the log timings' defaults, values read, and out-of-range values refused
// with the key named; malformed files and values of the wrong type refused likewise.
#include <gtest/gtest.h>

#include <filesystem>

#include "e2e_fixture.h"
#include "gateway/config.h"

namespace tg::gateway {
namespace {

TEST(GatewayConfig, LogTimingsHaveDefaultsAndLimits) {
  std::string d = testing::MakeTempDir("cfg-log");
  auto load = [&](const std::string& log_extra) {
    testing::WriteFile(d + "/c.json", R"({"store": "county.db", "policies": {"root": "p"},
      "log": {"dir": "log")" + log_extra + "}}");
    return LoadConfig(d + "/c.json");
  };
  auto defaults = load("");
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_EQ(defaults->log_commit_wait_us, 500);
  EXPECT_EQ(defaults->log_journal_max_mb, 256);
  EXPECT_EQ(defaults->log_tile_write_delay_ms, 1000);
  EXPECT_EQ(defaults->audit_store_commit_wait_us, 0);
  EXPECT_TRUE(defaults->log_commit_early);
  EXPECT_EQ(defaults->log_checkpoint_interval_us, 10000);
  auto set = load(R"(, "commit_wait_us": 0, "commit_early": false, "tile_write_delay_ms": 250, "journal_max_mb": 8,
      "checkpoint_interval_us": 0)");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->log_commit_wait_us, 0);
  EXPECT_EQ(set->log_tile_write_delay_ms, 250);
  EXPECT_EQ(set->log_journal_max_mb, 8);
  EXPECT_FALSE(set->log_commit_early);
  EXPECT_EQ(set->log_checkpoint_interval_us, 0);
  for (const char* bad : {R"(, "checkpoint_interval_us": -5)", R"(, "checkpoint_interval_us": 1000001)",R"(, "commit_wait_us": -1)", R"(, "commit_wait_us": 2000000)",
                          R"(, "tile_write_delay_ms": 600000)", R"(, "tile_write_delay_ms": "fast")",
                          R"(, "journal_max_mb": 0)", R"(, "journal_max_mb": 5000)",
                          R"(, "commit_early": "yes")"}) {
    auto r = load(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find(".log"), std::string::npos) << r.status().ToString();
  }
  auto typo = load(R"(, "tile_write_delay": 5)");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("tile_write_delay"), std::string::npos) << typo.status().ToString();
  std::filesystem::remove_all(d);
}

// A malformed file or a value of the wrong type or range is refused with the file, the key
// and what was expected; none of them takes the process down (a number out of range once
// threw out of the parser).
TEST(GatewayConfig, BadFilesAndValuesAreNamedNotGuessed) {
  std::string d = testing::MakeTempDir("cfg-bad");
  auto message = [&](const std::string& text) {
    testing::WriteFile(d + "/c.json", text);
    auto r = LoadConfig(d + "/c.json");
    EXPECT_FALSE(r.ok()) << text;
    std::string m = r.ok() ? "" : r.status().message();
    EXPECT_EQ(m.rfind(d + "/c.json", 0), 0u) << m;  // the file comes first
    return m;
  };
  EXPECT_NE(message("{\"threads\": 2,\n \"listen\": }").find("malformed JSON at line 2, column 12: "),
            std::string::npos);
  EXPECT_NE(message(R"({"threads": 2E2222222})").find("malformed JSON: number overflow"), std::string::npos);
  EXPECT_NE(message("[]").find("expected a JSON object, got array"), std::string::npos);
  EXPECT_NE(message(R"({"threads": "two"})").find(".threads: expected an integer, got string \"two\""),
            std::string::npos);
  EXPECT_NE(message(R"({"threads": 2.5})").find(".threads: expected an integer, got number 2.5"), std::string::npos);
  EXPECT_NE(message(R"({"threads": 99999999999})").find(".threads: 99999999999 is out of range"), std::string::npos);
  EXPECT_NE(message(R"({"limits": {"max_body_bytes": -1}})").find(".limits.max_body_bytes: -1 is out of range"),
            std::string::npos);
  EXPECT_NE(message(R"({"policies": {"packs": ["a", 3]}})").find(".policies.packs: expected an array of strings"),
            std::string::npos);
  EXPECT_NE(message(R"({"tls": {"require_client_cert": 1}})").find(".tls.require_client_cert: expected true or false"),
            std::string::npos);
  std::filesystem::remove_all(d);
}

}  // namespace
}  // namespace tg::gateway
