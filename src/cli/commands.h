// The trustgate command's subcommands. Each area registers its own in its own file, so the
// modules' owners can grow them independently. A command that fails throws
// CLI::RuntimeError(exit_code) after printing "trustgate: <message>" to stderr.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "gateway/config.h"

namespace tg::cli {

// generate, import, users, token (records and the synthetic county).
void AddRecordsCommands(CLI::App& app);
// demo, serve (the gateway).
void AddServeCommands(CLI::App& app);
// policy authorize-batch, conformance, validate, format, test, explain.
void AddPolicyCommands(CLI::App& app);
// Registered by AddPolicyCommands on its `policy` subcommand: validate, format.
void AddPolicyValidateCommands(CLI::App& policy);
// Registered by main on the `policy` subcommand: test (a pack's scenario tests), explain
// (a pack's rules in plain language). Lives in cmd_policy_packs.cpp.
void AddPolicyPackCommands(CLI::App& policy);
// log init, append, prove, consistency, verify, vectors, bench.
void AddLogCommands(CLI::App& app);
// audit report, stats.
void AddAuditCommands(CLI::App& app);
// simulate (cmd_simulate.cpp): simulated traffic with injected violations, and its truth.
void AddSimulateCommand(CLI::App& app);

// Where the policy packs are when not configured: $TRUSTGATE_POLICIES, the checkout's
// policies/ above the binary, or ./policies. (cmd_serve.cpp)
std::string FindPolicyRoot();

// The gateway over a county data directory (county.db, audit/, log/ in DIR), as demo and
// simulate serve it: packs as given, else the Los Angeles configuration when its packs are
// under the policy root (`policies`, else FindPolicyRoot()), else baseline; the shared
// California offense codes when present. Listen address and rate limits are the caller's.
gateway::GatewayConfig CountyGatewayConfig(const std::string& dir, const std::string& policies,
                                           const std::vector<std::string>& packs, const std::string& origin);

// Prints "trustgate: MESSAGE" to stderr and throws CLI::RuntimeError(code).
[[noreturn]] void Fail(const std::string& message, int code = 1);

}  // namespace tg::cli
