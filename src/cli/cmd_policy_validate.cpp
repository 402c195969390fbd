// `trustgate policy validate` and `trustgate policy conformance`: checking policies against a
// schema, and running the Cedar conformance corpus the way the reference harness does.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cedar/conformance.h"
#include "cedar/parser.h"
#include "cedar/schema.h"
#include "cedar/validator.h"
#include "cli/commands.h"

namespace tg::cli {
namespace {

void AddValidate(CLI::App& policy) {
  auto* cmd = policy.add_subcommand(
      "validate", "Strictly validate Cedar policy files against a schema (human or JSON form); "
                  "prints FILE:LINE:COL messages and exits 1 on any error");
  auto schema_path = std::make_shared<std::string>();
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("--schema", *schema_path, "schema file (.cedarschema, or .json for the JSON form)")->required();
  cmd->add_option("files", *files, "policy files")->required();
  cmd->callback([schema_path, files] {
    auto schema = cedar::LoadSchemaFile(*schema_path);
    if (!schema.ok()) Fail(schema.status().message(), 2);
    size_t errors = 0;
    for (const auto& f : *files) {
      std::ifstream in(f, std::ios::binary);
      if (!in) Fail("cannot read " + f, 2);
      std::stringstream ss;
      ss << in.rdbuf();
      auto set = cedar::ParsePolicies(ss.str(), f);
      if (!set.ok()) {
        std::cerr << set.status().message() << "\n";
        ++errors;
        continue;
      }
      cedar::ValidationResult r = cedar::ValidatePolicies(*schema, *set);
      for (const auto& e : r.errors) std::cerr << e.ToString() << "\n";
      errors += r.errors.size();
    }
    if (errors > 0) Fail(std::to_string(errors) + " validation error(s)", 1);
    std::cout << "ok: " << files->size() << " file(s) validate against " << *schema_path << "\n";
  });
}

void AddConformance(CLI::App& policy) {
  auto* cmd = policy.add_subcommand(
      "conformance", "Run Cedar integration-test files (ROOT/DIR/**.json) as the reference harness does; "
                     "prints validation agreement and `N passed, M failed` over requests");
  auto root = std::make_shared<std::string>();
  auto dir = std::make_shared<std::string>("corpus-tests");
  auto skip_list = std::make_shared<std::string>();
  auto listed = std::make_shared<size_t>(20);
  cmd->add_option("root", *root, "unpacked corpus root (test paths are relative to it)")->required();
  cmd->add_option("dir", *dir, "folder under ROOT holding the tests (default corpus-tests)");
  cmd->add_option("--skip-list", *skip_list,
                  "file of test names to report as skipped (e.g. multi-argument-extension-tests.txt)");
  cmd->add_option("--show", *listed, "how many failures to describe (default 20)");
  cmd->callback([root, dir, skip_list, listed] {
    cedar::ConformanceOptions opt;
    opt.root = *root;
    opt.dir = *dir;
    opt.max_failures_listed = *listed;
    if (!skip_list->empty()) {
      auto skip = cedar::ReadSkipList(*skip_list);
      if (!skip.ok()) Fail(skip.status().message(), 2);
      opt.skip = std::move(*skip);
    }
    auto report = cedar::RunConformance(opt);
    if (!report.ok()) Fail(report.status().message(), 2);
    for (const auto& f : report->failures) std::cerr << "FAIL " << f << "\n";
    std::cout << "validation agrees in " << report->validation_agreed << " of " << report->tests << " tests\n";
    if (report->skipped) std::cout << report->skipped << " tests skipped (multi-argument extension data)\n";
    std::cout << report->requests_passed << " passed, " << report->requests_failed << " failed\n";
    if (!report->ok()) Fail("conformance failures", 1);
  });
}

}  // namespace

void AddPolicyValidateCommands(CLI::App& policy) {
  AddValidate(policy);
  AddConformance(policy);
}

}  // namespace tg::cli
