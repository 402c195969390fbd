// The `trustgate audit` commands end to end: a generated county, audit records in the
// gateway's canonical shape given with --events, and the reports the command writes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class AuditCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Per process: CTest runs each test of this suite as its own process, in parallel.
    dir_ = new std::string(::testing::TempDir() + "/oversight-cli-" + std::to_string(::getpid()));
    fs::remove_all(*dir_);
    std::string cmd = std::string(TG_TRUSTGATE_BIN) + " generate --data " + *dir_ +
                      "/county --persons 300 --alpr-reads 500 --seed 3 > /dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    // The immigration officer at the outside-agency desk reads release dates; a clerk
    // prints records for the immigration agency.
    std::ofstream out(*dir_ + "/events.jsonl");
    for (int i = 0; i < 12; ++i) {
      nlohmann::json e = {
          {"v", 1}, {"index", i}, {"time", "2026-11-0" + std::to_string(1 + i % 9) + "T10:00:00.00Z"},
          {"principal", "ice-ero-officer"}, {"agency", "ice-ero-la"}, {"agency_kind", "immigration"},
          {"workstation", "irc-outside-agency-desk"}, {"method", "GET"},
          {"path", "/v1/bookings/B" + std::to_string(i)}, {"query", ""}, {"purpose", "civil_immigration"},
          {"case", ""}, {"authority", {{"kind", "none"}, {"ref", ""}}}, {"reason", "<script>x</script>"},
          {"channel", "api"}, {"recipient", ""}, {"record_ids", {"B" + std::to_string(i)}},
          {"released", {{{"record_id", "B" + std::to_string(i)}, {"categories", {"identity", "release"}}}}},
          {"decisions", {{{"category", "release"}, {"decision", "allow"}, {"determining_policies", {"p1"}}}}},
          {"status", 200}, {"outcome", "released"}};
      out << e.dump() << "\n";
    }
    for (int i = 12; i < 15; ++i) {
      nlohmann::json e = {{"index", i}, {"time", "2026-11-10T10:00:00.00Z"},
                          {"principal", "lasd-records-clerk"}, {"agency", "lasd"},
                          {"path", "/v1/bookings/B1"}, {"purpose", "booking_operations"},
                          {"channel", "print"}, {"recipient", "ice-ero-la"}, {"record_ids", {"B1"}},
                          {"decisions", {{{"category", "dob"}, {"decision", "allow"}}}},
                          {"status", 200}};
      out << e.dump() << "\n";
    }
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static int Run(const std::string& args, const std::string& out_file) {
    std::string cmd = std::string(TG_TRUSTGATE_BIN) + " " + args + " > " + out_file + " 2>&1";
    int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
  static std::string* dir_;
};
std::string* AuditCliTest::dir_ = nullptr;

TEST_F(AuditCliTest, JsonReportHasTheDocumentedShape) {
  std::string out = *dir_ + "/findings.json";
  ASSERT_EQ(Run("audit report --data " + *dir_ + "/county --events " + *dir_ + "/events.jsonl --format json", out), 0)
      << Slurp(out);
  auto j = nlohmann::json::parse(Slurp(out));
  ASSERT_TRUE(j["findings"].is_array());
  std::set<std::string> seen;
  for (const auto& f : j["findings"]) {
    for (const char* k : {"detector", "severity", "principal", "agency", "summary", "rule"}) {
      EXPECT_TRUE(f[k].is_string()) << k;
    }
    EXPECT_TRUE(f["evidence"].is_array());
    seen.insert(f["detector"].get<std::string>() + ":" + f["principal"].get<std::string>());
  }
  EXPECT_TRUE(seen.count("barred_recipient:ice-ero-officer"));
  EXPECT_TRUE(seen.count("outside_agency_desk:ice-ero-officer"));
  EXPECT_TRUE(seen.count("pass_on:lasd-records-clerk"));
}

TEST_F(AuditCliTest, HtmlReportIsSelfContainedAndEscaped) {
  std::string out = *dir_ + "/report.html";
  ASSERT_EQ(Run("audit report --data " + *dir_ + "/county --events " + *dir_ + "/events.jsonl --format html", out), 0);
  std::string html = Slurp(out);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(html.find("<svg role=\"img\""), std::string::npos);
  EXPECT_NE(html.find("<h2 id=\"findings-h\">Findings</h2>"), std::string::npos);
  EXPECT_NE(html.find("id=\"finding-1\""), std::string::npos);
  // Nothing fetched from elsewhere, and a hostile reason cannot inject markup.
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
}

TEST_F(AuditCliTest, StatsAsCsvAndJson) {
  std::string out = *dir_ + "/truth.csv";
  ASSERT_EQ(Run("audit stats --data " + *dir_ + "/county --events " + *dir_ +
                    "/events.jsonl --report truth_act --format csv --to 2030-01-01",
                out),
            0)
      << Slurp(out);
  std::string csv = Slurp(out);
  EXPECT_EQ(csv.rfind("time,access,agency,records,categories_released", 0), 0u) << csv;
  // 12 direct accesses and 3 print-outs for the immigration agency at least (plus requests).
  size_t lines = std::count(csv.begin(), csv.end(), '\n');
  EXPECT_GE(lines, 16u);
  out = *dir_ + "/illinois.json";
  ASSERT_EQ(Run("audit stats --data " + *dir_ + "/county --events " + *dir_ +
                    "/events.jsonl --report illinois --to 2100-01-01",
                out),
            0);
  auto j = nlohmann::json::parse(Slurp(out));
  EXPECT_EQ(j["report"], "illinois");
  EXPECT_NE(j["citation"].get<std::string>().find("805/25"), std::string::npos);
  // No personal data: no names or booking numbers in the Illinois report.
  for (const auto& col : j["columns"]) {
    EXPECT_NE(col, "name");
    EXPECT_NE(col, "booking_id");
  }
}

TEST_F(AuditCliTest, FailsClearlyWithoutAuditRecords) {
  std::string out = *dir_ + "/err.txt";
  EXPECT_NE(Run("audit report --data " + *dir_ + "/county", out), 0);
  EXPECT_NE(Slurp(out).find("no audit records"), std::string::npos) << Slurp(out);
  EXPECT_NE(Run("audit report --data " + *dir_ + "/nowhere --events " + *dir_ + "/events.jsonl", out), 0);
  EXPECT_NE(Run("audit stats --data " + *dir_ + "/county --report bogus", out), 0);
  EXPECT_NE(Run("audit report --data " + *dir_ + "/county --events " + *dir_ + "/events.jsonl --from yesterday", out), 0);
  EXPECT_NE(Slurp(out).find("--from"), std::string::npos) << Slurp(out);
  EXPECT_NE(Run("audit report --data " + *dir_ + "/county --events " + *dir_ + "/events.jsonl --proofs", out), 0);
  EXPECT_NE(Slurp(out).find("--proofs needs the gateway's log"), std::string::npos) << Slurp(out);
}

}  // namespace
