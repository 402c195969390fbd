// `trustgate policy test DIR` (a pack's strict validation and scenario tests) and
// `trustgate policy explain PACK` (a pack's rules in plain language, for training and for the
// public transparency page).
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "policy/explain.h"
#include "policy/pack.h"
#include "policy/scenario.h"

namespace tg::cli {
namespace {

namespace fs = std::filesystem;

// The DOJ offense code table: --offense-codes, else $TG_OFFENSE_CODES, else ../shared/data
// beside the repository that holds the packs (ROOT/../../shared/data/ca-offense-codes.csv).
std::string OffenseCodesPath(const std::string& flag, const std::string& root) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("TG_OFFENSE_CODES"); env != nullptr && *env) return env;
  fs::path guess = fs::path(root) / ".." / ".." / "shared" / "data" / "ca-offense-codes.csv";
  std::error_code ec;
  return fs::exists(guess, ec) ? guess.lexically_normal().string() : "";
}

void AddTest(CLI::App& policy) {
  auto* cmd = policy.add_subcommand(
      "test", "Validate a policy pack (and the packs it builds on) strictly against the domain "
              "schema, then run its scenarios (DIR/scenarios/*.json); exits 1 on any failure");
  auto dir = std::make_shared<std::string>();
  auto codes = std::make_shared<std::string>();
  auto schema = std::make_shared<std::string>();
  auto validate_only = std::make_shared<bool>(false);
  auto verbose = std::make_shared<bool>(false);
  cmd->add_option("dir", *dir, "the pack's directory, e.g. policies/california")->required();
  cmd->add_option("--offense-codes", *codes,
                  "California DOJ offense code CSV (default: $TG_OFFENSE_CODES or "
                  "../shared/data/ca-offense-codes.csv beside the repository)");
  cmd->add_option("--schema", *schema, "schema to use instead of the packs' own");
  cmd->add_flag("--validate-only", *validate_only, "only validate, do not run scenarios");
  cmd->add_flag("-v,--verbose", *verbose, "print every case, not only failures");
  cmd->callback([dir, codes, schema, validate_only, verbose] {
    std::string root, name;
    policy::SplitPackDir(*dir, &root, &name);
    auto packs = policy::LoadPacks(root, {name}, *schema);
    if (!packs.ok()) Fail(packs.status().message(), 2);
    std::vector<std::string> problems = policy::ValidatePacks(*packs);
    for (const auto& p : problems) std::cerr << p << "\n";
    if (!problems.empty()) {
      Fail(std::to_string(problems.size()) + " validation error(s) in " + packs->name, 1);
    }
    std::cout << packs->name << ": " << packs->rules.size() << " policies from "
              << packs->packs.size() << " pack(s) validate against " << packs->schema_path << "\n";
    if (*validate_only) return;
    auto report = policy::RunPackScenarios(root, name, OffenseCodesPath(*codes, root), *schema);
    if (!report.ok()) Fail(report.status().message(), 2);
    for (const auto& r : report->results) {
      if (r.pass && !*verbose) continue;
      std::cout << (r.pass ? "PASS " : "FAIL ") << fs::path(r.file).filename().string() << ": "
                << r.name << " [" << r.action << "] " << r.actual.outcome;
      if (!r.pass) std::cout << ": " << r.message;
      std::cout << "\n";
    }
    std::cout << report->passed() << " passed, " << report->failed() << " failed ("
              << report->cross_checked << " also decided through the gateway's Decider)\n";
    if (report->failed() > 0) Fail("scenario failures in " + name, 1);
  });
}

void AddExplain(CLI::App& policy) {
  auto* cmd = policy.add_subcommand(
      "explain", "Print a pack's rules (and those of the packs it builds on): what each allows "
                 "or forbids in plain language, with its citation");
  auto pack = std::make_shared<std::string>();
  auto root = std::make_shared<std::string>("policies");
  auto schema = std::make_shared<std::string>();
  cmd->add_option("pack", *pack, "pack name (e.g. los-angeles-county) or directory")->required();
  cmd->add_option("--root", *root, "folder holding the packs (default: policies)");
  cmd->add_option("--schema", *schema, "schema to use instead of the packs' own");
  cmd->callback([pack, root, schema] {
    std::string r = *root, name = *pack;
    if (pack->find('/') != std::string::npos) policy::SplitPackDir(*pack, &r, &name);
    auto packs = policy::LoadPacks(r, {name}, *schema);
    if (!packs.ok()) Fail(packs.status().message(), 2);
    std::cout << policy::ExplainPacks(*packs);
  });
}

}  // namespace

void AddPolicyPackCommands(CLI::App& policy) {
  AddTest(policy);
  AddExplain(policy);
}

}  // namespace tg::cli
