// The detectors scored on simulated traffic through a real gateway: a small generated county,
// a month of work by 85 simulated staff of a dozen agencies with injected violations of every
// detector's kind (`trustgate simulate`), the findings an inspector gets from `trustgate audit
// report --format json`, and recall and precision against DIR/simulation/truth.json.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "gateway/audit_store.h"
#include "ledger/checkpoint.h"
#include "ledger/commitment.h"
#include "ledger/note.h"
#include "oversight/finding.h"

namespace {

namespace fs = std::filesystem;
using Key = std::pair<std::string, std::string>;  // (detector, principal or agency)

std::string Slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the command with stdout and stderr into `log`; returns its exit status.
int RunTrustgate(const std::string& args, const fs::path& log) {
  std::string cmd = std::string(TG_TRUSTGATE_BIN) + " " + args + " > " + log.string() + " 2>&1";
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

struct Tally {
  int expected = 0, found = 0, reported = 0, false_positives = 0;
  double Recall() const { return expected ? static_cast<double>(found) / expected : 1.0; }
  double Precision() const { return reported ? static_cast<double>(reported - false_positives) / reported : 1.0; }
};

// Recall and precision of reported keys against the truth, overall ("") and per detector.
std::map<std::string, Tally> Score(const std::set<Key>& truth, const std::set<Key>& reported) {
  std::map<std::string, Tally> t;
  for (const auto& k : truth) {
    for (const std::string& d : {std::string(), k.first}) {
      t[d].expected++;
      if (reported.count(k)) t[d].found++;
    }
  }
  for (const auto& k : reported) {
    for (const std::string& d : {std::string(), k.first}) {
      t[d].reported++;
      if (!truth.count(k)) t[d].false_positives++;
    }
  }
  return t;
}

class SimulateScoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::path(::testing::TempDir()) / ("tg-simulate-" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    county_ = new std::string((*dir_ / "county").string());
    ASSERT_EQ(RunTrustgate("generate --data " + *county_ + " --persons 3000 --alpr-reads 20000 --seed 11", *dir_ / "generate.log"), 0)
        << Slurp(*dir_ / "generate.log");
    ASSERT_EQ(RunTrustgate("simulate --data " + *county_ + " --days 30 --seed 11", *dir_ / "simulate.log"), 0)
        << Slurp(*dir_ / "simulate.log");
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete county_;
  }
  static nlohmann::json Truth() { return nlohmann::json::parse(Slurp(fs::path(*county_) / "simulation" / "truth.json")); }

  static fs::path* dir_;
  static std::string* county_;
};
fs::path* SimulateScoreTest::dir_ = nullptr;
std::string* SimulateScoreTest::county_ = nullptr;

TEST_F(SimulateScoreTest, TruthCoversEveryDetectorAndTheTrafficWentThroughTheGateway) {
  nlohmann::json t = Truth();
  std::cout << Slurp(*dir_ / "simulate.log");
  std::set<std::string> kinds;
  for (const auto& e : t["truth"]) kinds.insert(e["detector"].get<std::string>());
  for (const char* d : {tg::oversight::kBarredRecipient, tg::oversight::kOutsideAgencyDesk, tg::oversight::kReleaseFeed,
                        tg::oversight::kSideDoor, tg::oversight::kPassOn, tg::oversight::kImmigrationReason,
                        tg::oversight::kVagueReason, tg::oversight::kVolumeOutlier, tg::oversight::kMissingCase,
                        tg::oversight::kPlateTracking, tg::oversight::kGangReviewOverdue, tg::oversight::kGangNoCriteria}) {
    EXPECT_TRUE(kinds.count(d)) << "no injected violation of " << d;
  }
  EXPECT_EQ(t["days"], 30);
  EXPECT_EQ(t["seed"], 11);
  EXPECT_GT(t["events"].get<int64_t>(), 30 * 400);
  // Every call was answered by the gateway, and none was malformed (no 400) or failed (5xx).
  int64_t answered = 0;
  for (const auto& [status, n] : t["statuses"].items()) {
    answered += n.get<int64_t>();
    EXPECT_TRUE(status == "200" || status == "403" || status == "404") << status << " x" << n;
  }
  EXPECT_EQ(answered, t["events"].get<int64_t>());
  // The audit log holds one record per call: the report reads them from DIR/audit.
  EXPECT_TRUE(fs::exists(fs::path(*county_) / "audit" / "index"));
  EXPECT_TRUE(fs::exists(fs::path(*county_) / "log" / "checkpoint"));
}

// `audit report --proofs`: every finding's evidence comes with a tlog-proof, built from the
// log's published files alone, that verifies against the log's key for the entry committed
// to the record the audit store holds at that index.
TEST_F(SimulateScoreTest, ReportProofsVerifyForTheRecordsTheStoreHolds) {
  fs::path out = *dir_ / "findings-proofs.json";
  ASSERT_EQ(RunTrustgate("audit report --data " + *county_ + " --format json --proofs --out " + out.string(),
                         *dir_ / "report-proofs.log"),
            0)
      << Slurp(*dir_ / "report-proofs.log");
  nlohmann::json findings = nlohmann::json::parse(Slurp(out));
  std::string vkey = Slurp(fs::path(*county_) / "log" / "vkey");
  auto verifier = tg::ledger::NoteVerifier::Parse(vkey.substr(0, vkey.find('\n')));
  ASSERT_TRUE(verifier.ok()) << verifier.status().ToString();
  auto store = tg::gateway::AuditStore::OpenForReading((fs::path(*county_) / "audit").string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  int checked = 0;
  for (const auto& f : findings["findings"]) {
    ASSERT_TRUE(f.contains("proofs")) << f.dump();
    ASSERT_EQ(f["proofs"].size(), f["evidence"].size()) << f.dump();
    for (const auto& p : f["proofs"]) {
      if (checked >= 200) break;
      uint64_t index = p["index"].get<uint64_t>();
      auto row = (*store)->Read(index);
      ASSERT_TRUE(row.ok()) << "no audit row " << index << ": " << row.status().ToString();
      auto entry = tg::ledger::CommitWithSalt(row->salt, row->record);
      ASSERT_TRUE(entry.ok());
      auto cp = tg::ledger::VerifyTlogProof(p["tlog_proof"].get<std::string>(), tg::ledger::EntryBytes(*entry), *verifier);
      EXPECT_TRUE(cp.ok()) << "index " << index << ": " << cp.status().ToString();
      // The same proof does not fit a neighbouring record.
      EXPECT_FALSE(tg::ledger::VerifyTlogProof(p["tlog_proof"].get<std::string>(), tg::ledger::EntryBytes(*entry) + "x", *verifier).ok());
      ++checked;
    }
  }
  EXPECT_GT(checked, 0) << "the simulation's findings cite no evidence";
}

TEST_F(SimulateScoreTest, DetectorsMeetRecallAndPrecisionThroughTheAuditReport) {
  nlohmann::json t = Truth();
  std::set<Key> truth;
  for (const auto& e : t["truth"]) truth.insert({e["detector"].get<std::string>(), e["key"].get<std::string>()});
  // The inspector's view: the findings JSON of `trustgate audit report`, on the activity clock
  // of the simulation's pace.
  char pace[64];
  std::snprintf(pace, sizeof pace, "%.3f", t["events_per_day"].get<double>());
  fs::path findings_file = *dir_ / "findings.json";
  ASSERT_EQ(RunTrustgate("audit report --data " + *county_ + " --format json --events-per-day " + pace + " --out " +
                    findings_file.string(),
                *dir_ / "report.log"),
            0)
      << Slurp(*dir_ / "report.log");
  nlohmann::json findings = nlohmann::json::parse(Slurp(findings_file));
  std::set<Key> reported;
  for (const auto& f : findings["findings"]) {
    std::string principal = f.value("principal", ""), agency = f.value("agency", "");
    Key k{f["detector"].get<std::string>(), principal.empty() ? agency : principal};
    reported.insert(k);
  }
  auto score = Score(truth, reported);
  std::printf("%-22s %8s %6s %9s %7s %9s\n", "detector", "expected", "found", "reported", "recall", "precision");
  for (const auto& [d, s] : score) {
    std::printf("%-22s %8d %6d %9d %7.2f %9.2f\n", d.empty() ? "overall" : d.c_str(), s.expected, s.found,
                s.reported, s.Recall(), s.Precision());
  }
  for (const auto& k : truth) {
    if (!reported.count(k)) std::printf("  missed: %s %s\n", k.first.c_str(), k.second.c_str());
  }
  for (const auto& k : reported) {
    if (!truth.count(k)) std::printf("  not in the truth: %s %s\n", k.first.c_str(), k.second.c_str());
  }
  EXPECT_GE(score[""].Recall(), 0.95);
  EXPECT_GE(score[""].Precision(), 0.9);

  // The bar can be failed: with any one detector silent (reporting nothing), recall drops
  // below 0.95, because every detector has injected violations to find.
  std::set<std::string> kinds;
  for (const auto& k : truth) kinds.insert(k.first);
  for (const auto& d : kinds) {
    std::set<Key> without;
    for (const auto& k : reported) {
      if (k.first != d) without.insert(k);
    }
    EXPECT_LT(Score(truth, without)[""].Recall(), 0.95) << "silencing " << d << " would go unnoticed";
  }
}

TEST_F(SimulateScoreTest, RefusesADirectoryAGatewayHasServedAndTooShortARun) {
  // The audit log must hold only the simulation: a second run on the same county is refused.
  EXPECT_NE(RunTrustgate("simulate --data " + *county_ + " --days 30", *dir_ / "again.log"), 0);
  EXPECT_NE(Slurp(*dir_ / "again.log").find("exists"), std::string::npos) << Slurp(*dir_ / "again.log");
  fs::path fresh = *dir_ / "fresh";
  ASSERT_EQ(RunTrustgate("generate --data " + fresh.string() + " --persons 300 --alpr-reads 100", *dir_ / "fresh.log"), 0);
  EXPECT_NE(RunTrustgate("simulate --data " + fresh.string() + " --days 3", *dir_ / "short.log"), 0);
  EXPECT_NE(Slurp(*dir_ / "short.log").find("at least 7 days"), std::string::npos) << Slurp(*dir_ / "short.log");
}

}  // namespace
