// trustgate policy ...: the Cedar engine from the command line. authorize-batch mirrors
// ../shared/tools/cedar-oracle `batch` (same input, same output lines) so the two can be
// diffed and timed side by side; format pretty-prints a policy file. validate and
// conformance are registered by AddPolicyValidateCommands (cmd_policy_validate.cpp).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cedar/batch.h"
#include "cedar/entities.h"
#include "cedar/parser.h"
#include "cedar/printer.h"
#include "cli/commands.h"

namespace tg::cli {
namespace {

std::string ReadFileOrFail(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void AuthorizeBatch(const std::string& path, int repeat) {
  if (repeat < 1) Fail("--repeat must be at least 1", 2);
  auto json = cedar::ParseJsonText(ReadFileOrFail(path));
  if (!json.ok()) Fail(path + ": " + json.status().message(), 2);
  auto batch = cedar::LoadBatch(*json);
  if (!batch.ok()) Fail(path + ": " + batch.status().message(), 2);
  auto t0 = std::chrono::steady_clock::now();
  auto responses = cedar::RunBatch(*batch, repeat);
  auto t1 = std::chrono::steady_clock::now();
  std::string out;
  for (size_t i = 0; i < responses.size(); ++i) {
    out += cedar::BatchOutputLine(*batch, i, responses[i]);
    out += '\n';
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  size_t n = batch->requests.size() * static_cast<size_t>(repeat);
  std::fprintf(stderr, "trustgate: %zu requests, %.1f ms, %.2f us/request\n", n, ms,
               n ? ms * 1000.0 / static_cast<double>(n) : 0.0);
}

void Format(const std::string& path) {
  auto list = cedar::ParsePolicyList(ReadFileOrFail(path), path);
  if (!list.ok()) Fail(list.status().message(), 1);
  std::cout << cedar::FormatPolicies(*list);
}

}  // namespace

void AddPolicyCommands(CLI::App& app) {
  CLI::App* policy = app.add_subcommand("policy", "Cedar policies: authorize, format, validate, conformance");
  policy->require_subcommand(1);

  auto* batch = policy->add_subcommand(
      "authorize-batch",
      "Authorize every request of a batch file (the cedar-oracle `batch` format); one JSON line "
      "per request on stdout, timing on stderr");
  static std::string batch_path;
  static int repeat = 1;
  batch->add_option("BATCH", batch_path, "batch JSON file")->required();
  batch->add_option("--repeat", repeat, "authorize the whole list N times (output printed once)");
  batch->callback([] { AuthorizeBatch(batch_path, repeat); });

  auto* format = policy->add_subcommand("format", "Pretty-print a Cedar policy file");
  static std::string format_path;
  format->add_option("FILE", format_path, "policy file")->required();
  format->callback([] { Format(format_path); });

  AddPolicyValidateCommands(*policy);
}

}  // namespace tg::cli
