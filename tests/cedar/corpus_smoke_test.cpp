// Runs the Cedar conformance corpus through the schema-less path of the engine: every policy
// file must parse, and every request whose entities and context read without a schema must
// get the expected decision, reason set and error set. (The full schema-directed run is
// `trustgate policy conformance`.) Skips with a message when the corpus is not unpacked;
// tests.cmake unpacks it into the build tree.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cedar/authorizer.h"
#include "cedar/parser.h"

namespace tg::cedar {
namespace {

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::filesystem::path CorpusRoot() {
  if (const char* env = std::getenv("TG_CEDAR_CORPUS")) return env;
  for (auto dir : {std::filesystem::current_path(), std::filesystem::current_path().parent_path()})
    if (std::filesystem::exists(dir / "cedar-corpus")) return dir / "cedar-corpus";
  return std::filesystem::current_path() / "cedar-corpus";
}

TEST(CedarCorpus, SchemaLessRequestsMatchExpectations) {
  auto root = CorpusRoot();
  if (!std::filesystem::exists(root / "corpus-tests")) GTEST_SKIP() << "no corpus at " << root;
  size_t files = 0, checked = 0, skipped = 0;
  std::vector<std::string> failures;
  std::vector<std::filesystem::path> tests;
  for (const char* dir : {"corpus-tests"})
    for (const auto& e : std::filesystem::recursive_directory_iterator(root / dir)) {
      std::string name = e.path().filename().string();
      if (e.path().extension() == ".json" && name.find(".entities.json") == std::string::npos &&
          name.find("schema") == std::string::npos)
        tests.push_back(e.path());
    }
  for (const auto& path : tests) {
    auto tj = ParseJsonText(Slurp(path));
    ASSERT_TRUE(tj.ok()) << path;
    if (!tj->contains("policies") || !tj->contains("requests")) continue;
    ++files;
    std::string pfile = (*tj)["policies"].get<std::string>();
    auto ps = ParsePolicies(Slurp(root / pfile), pfile);
    if (!ps.ok()) {
      failures.push_back(path.filename().string() + ": parse: " + ps.status().message());
      continue;
    }
    auto ents = ParseEntitiesJsonText(Slurp(root / (*tj)["entities"].get<std::string>()));
    Authorizer auth(*ps);
    for (const auto& r : (*tj)["requests"]) {
      auto req = ParseRequestJson(r);
      if (!ents.ok() || !req.ok()) {
        ++skipped;
        continue;
      }
      ++checked;
      Response resp = auth.IsAuthorized(*req, *ents);
      std::set<std::string> reasons(resp.reasons.begin(), resp.reasons.end()), errors;
      for (const auto& e : resp.errors) errors.insert(e.policy_id);
      std::set<std::string> want_reasons, want_errors;
      for (const auto& x : r["reason"]) want_reasons.insert(x.get<std::string>());
      for (const auto& x : r["errors"]) want_errors.insert(x.get<std::string>());
      std::string decision = resp.decision == Decision::kAllow ? "allow" : "deny";
      if (decision != r["decision"].get<std::string>() || reasons != want_reasons || errors != want_errors) {
        std::string msg = path.filename().string() + " [" + r.value("description", "") + "]: got " + decision;
        for (const auto& e : resp.errors) msg += " err(" + e.policy_id + ": " + e.message + ")";
        failures.push_back(msg);
      }
    }
  }
  std::cout << files << " test files, " << checked << " requests checked, " << skipped
            << " skipped (schema-typed data)\n";
  for (size_t i = 0; i < failures.size() && i < 40; ++i) ADD_FAILURE() << failures[i];
  EXPECT_EQ(failures.size(), 0u);
  EXPECT_GT(checked, 1000u);
}

}  // namespace
}  // namespace tg::cedar
