// Differential test against the official Cedar engine (cedar-wasm via
// ../shared/tools/cedar-oracle): generated batches are answered by both engines and every
// response line must be equal. TG_CEDAR_DIFF_BATCHES sets the number of batches (default
// 250, 12 requests each); TG_CEDAR_DIFF_SEED the first seed. Skips with a message when node
// or the oracle's node_modules are missing (tests.cmake's fixture runs npm install).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cedar/batch.h"
#include "oracle_diff_gen.h"

namespace tg::cedar {
namespace {

namespace fs = std::filesystem;

std::string RunCommand(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

std::vector<std::string> OurLines(const nlohmann::json& batch) {
  std::vector<std::string> lines;
  auto b = LoadBatch(batch);
  if (!b.ok()) {
    lines.push_back("parseFailure: " + b.status().message());
    return lines;
  }
  auto responses = RunBatch(*b);
  for (size_t i = 0; i < responses.size(); ++i) lines.push_back(BatchOutputLine(*b, i, responses[i]));
  return lines;
}

TEST(CedarOracleDiff, GeneratedBatchesMatchTheReference) {
  fs::path oracle = fs::path(TG_SHARED_DIR) / "tools" / "cedar-oracle";
  fs::path driver = fs::path(TG_SOURCE_DIR) / "tests" / "cedar" / "oracle_diff_driver.mjs";
  if (std::system("node --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "node is not installed";
  if (!fs::exists(oracle / "node_modules" / "@cedar-policy" / "cedar-wasm"))
    GTEST_SKIP() << "run `npm install` in " << oracle;
  int batches = std::getenv("TG_CEDAR_DIFF_BATCHES") ? std::atoi(std::getenv("TG_CEDAR_DIFF_BATCHES")) : 250;
  uint64_t seed0 = std::getenv("TG_CEDAR_DIFF_SEED") ? std::strtoull(std::getenv("TG_CEDAR_DIFF_SEED"), nullptr, 10) : 1;
  fs::path dir = fs::temp_directory_path() / ("tg_cedar_diff_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::vector<nlohmann::json> generated;
  std::string files;
  for (int i = 0; i < batches; ++i) {
    generated.push_back(testing::GenerateBatch(seed0 + i));
    fs::path f = dir / ("batch" + std::to_string(i) + ".json");
    std::ofstream(f) << generated.back().dump();
    files += " " + f.string();
  }
  std::string out = RunCommand("CEDAR_ORACLE_DIR='" + oracle.string() + "' node '" + driver.string() + "'" + files);
  // Split the driver's output into per-file line lists.
  std::vector<std::vector<std::string>> theirs;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("== ", 0) == 0) theirs.emplace_back();
    else if (!theirs.empty()) theirs.back().push_back(line);
  }
  ASSERT_EQ(theirs.size(), generated.size()) << "the oracle driver did not answer every batch";
  size_t compared = 0, mismatches = 0;
  for (size_t i = 0; i < generated.size(); ++i) {
    std::vector<std::string> ours = OurLines(generated[i]);
    bool their_parse_failure = theirs[i].size() == 1 && theirs[i][0].rfind("{\"parseFailure\"", 0) == 0;
    bool our_parse_failure = ours.size() == 1 && ours[0].rfind("parseFailure", 0) == 0;
    if (their_parse_failure || our_parse_failure) {
      if (their_parse_failure != our_parse_failure && ++mismatches <= 10)
        ADD_FAILURE() << "seed " << seed0 + i << ": parse disagreement\n ours:   " << ours[0]
                      << "\n theirs: " << theirs[i][0] << "\n" << generated[i].dump();
      continue;
    }
    ASSERT_EQ(ours.size(), theirs[i].size()) << "seed " << seed0 + i;
    for (size_t k = 0; k < ours.size(); ++k) {
      ++compared;
      bool both_fail = ours[k].rfind("{\"failure\"", 0) == 0 && theirs[i][k].rfind("{\"failure\"", 0) == 0;
      if (!both_fail && ours[k] != theirs[i][k] && ++mismatches <= 10)
        ADD_FAILURE() << "seed " << seed0 + i << " request " << k << "\n ours:   " << ours[k]
                      << "\n theirs: " << theirs[i][k] << "\n request: " << generated[i]["requests"][k].dump()
                      << "\n policies: " << generated[i]["policies"].get<std::string>()
                      << "\n templates: " << generated[i].value("templates", nlohmann::json()).dump();
    }
  }
  fs::remove_all(dir);
  std::cout << compared << " requests compared over " << batches << " batches, " << mismatches << " mismatches\n";
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GT(compared, static_cast<size_t>(batches) * 6);
}

}  // namespace
}  // namespace tg::cedar
