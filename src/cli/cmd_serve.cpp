// trustgate demo / trustgate serve: the gateway (src/gateway/) wired to a county.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "gateway/config.h"
#include "gateway/gateway.h"
#include "gateway/server.h"
#include "records/county.h"

namespace tg::cli {
namespace {

namespace fs = std::filesystem;

// Serves until SIGINT or SIGTERM, then shuts down gracefully: in-flight requests finish and
// their audit records are durable before the process exits.
void ServeUntilSignal(const gateway::GatewayConfig& config, const std::function<void(const gateway::Server&)>& banner) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  // Blocked before any thread starts, so only sigwait below receives them.
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  auto gw = gateway::Gateway::Open(config);
  if (!gw.ok()) Fail(gw.status().message());
  auto server = gateway::Server::Start(config.server, (*gw)->handler(), (*gw)->rejection_sink());
  if (!server.ok()) Fail(server.status().message());
  banner(**server);
  int sig = 0;
  sigwait(&set, &sig);
  std::cerr << "trustgate: " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
            << ", finishing in-flight requests\n";
  (*server)->Shutdown();
  // The gateway before the server: draining the log may still answer a request that outlived
  // the grace period, and that answer must land in the stopped server, not a destroyed one.
  gw->reset();  // drains the log and the audit store
  server->reset();
  std::cerr << "trustgate: stopped\n";
}

}  // namespace

std::string FindPolicyRoot() {
  if (const char* env = std::getenv("TRUSTGATE_POLICIES")) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path p = exe.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
      if (fs::exists(p / "policies" / "schema.cedarschema")) return (p / "policies").string();
    }
  }
  return "policies";
}

gateway::GatewayConfig CountyGatewayConfig(const std::string& dir, const std::string& policies,
                                           const std::vector<std::string>& packs, const std::string& origin) {
  gateway::GatewayConfig c;
  c.store_path = records::CountyDbPath(dir);
  c.audit_store_path = (fs::path(dir) / "audit").string();
  c.log_dir = (fs::path(dir) / "log").string();
  c.log_origin = origin;
  c.policy_root = policies.empty() ? FindPolicyRoot() : policies;
  c.policy_packs = packs;
  if (c.policy_packs.empty()) {
    bool la = fs::exists(fs::path(c.policy_root) / "los-angeles-county" / "pack.json") &&
              fs::exists(fs::path(c.policy_root) / "los-angeles-city" / "pack.json");
    c.policy_packs = la ? std::vector<std::string>{"los-angeles-county", "los-angeles-city"}
                        : std::vector<std::string>{"baseline"};
  }
  std::string codes = records::ResolveSharedDir("") + "/data/ca-offense-codes.csv";
  if (fs::exists(codes)) c.offense_codes_file = codes;
  return c;
}

void AddServeCommands(CLI::App& app) {
  auto* demo = app.add_subcommand(
      "demo", "Serve a synthetic county: generates it in DIR unless one is there, initialises the log, "
              "starts the gateway and prints the URLs and where the demo tokens are.");
  auto data = std::make_shared<std::string>("var/demo");
  auto listen = std::make_shared<std::string>("127.0.0.1:8080");
  auto packs = std::make_shared<std::vector<std::string>>();
  auto persons = std::make_shared<int64_t>(20000);
  auto reads = std::make_shared<int64_t>(200000);
  auto policies = std::make_shared<std::string>();
  auto token_rps = std::make_shared<double>(gateway::RateLimits{}.per_token_per_second);
  auto address_rps = std::make_shared<double>(gateway::RateLimits{}.per_address_per_second);
  demo->add_option("--data", *data, "data directory (county.db, demo-tokens.json, log/, audit/)");
  demo->add_option("--listen", *listen, "address to listen on, host:port (port 0: any free port)");
  demo->add_option("--packs", *packs,
                   "policy packs in force (with what they build on); default: the Los Angeles "
                   "configuration (los-angeles-county, los-angeles-city) when present, else baseline");
  demo->add_option("--policies", *policies, "policy pack root (default: the checkout's policies/)");
  demo->add_option("--persons", *persons, "persons in a newly generated county");
  demo->add_option("--alpr-reads", *reads, "plate reads in a newly generated county");
  demo->add_option("--token-rps", *token_rps,
                   "requests per second allowed per bearer token (burst: twice that; 0: no limit)");
  demo->add_option("--address-rps", *address_rps,
                   "requests per second allowed per client address, checked before routing "
                   "(burst: twice that; 0: no limit)");
  demo->callback([=] {
    const std::string dir = *data;
    if (!records::CountyExists(dir)) {
      std::cerr << "trustgate: generating a synthetic county in " << dir << " ...\n";
      records::CountyOptions o;
      o.dir = dir;
      o.persons = *persons;
      o.alpr_reads = *reads;
      Status s = records::GenerateCounty(o);
      if (!s.ok()) Fail("generate: " + s.ToString());
    }
    gateway::GatewayConfig c = CountyGatewayConfig(dir, *policies, *packs, "trustgate.demo/log");
    c.server.listen = *listen;
    c.server.rate_limits.per_token_per_second = *token_rps;
    c.server.rate_limits.per_token_burst = 2 * *token_rps;
    c.server.rate_limits.per_address_per_second = *address_rps;
    c.server.rate_limits.per_address_burst = 2 * *address_rps;
    c.tokens_file = records::DemoTokensPath(dir);
    ServeUntilSignal(c, [&](const gateway::Server& server) {
      std::string base = std::string(server.scheme()) + "://127.0.0.1:" + std::to_string(server.port());
      std::cout << "TrustGate demo serving " << dir << " with packs";
      for (const auto& p : c.policy_packs) std::cout << " " << p;
      std::cout << "\n  portal            " << base << "/\n"
                << "  transparency      " << base << "/transparency\n"
                << "  oversight         " << base << "/oversight (sign in with the \"inspector-general\" demo token)\n"
                << "  public locator    " << base << "/v1/public/inmates?name=garcia\n"
                << "  log checkpoint    " << base << "/log/checkpoint\n"
                << "  metrics           " << base << "/metrics\n"
                << "  bookings API      " << base << "/v1/bookings?release_within=48h\n"
                << "  demo tokens       " << c.tokens_file << " (principal id -> bearer token)\n"
                << "  try: curl -H \"Authorization: Bearer $(jq -r '.\"lasd-records-clerk\"' " << c.tokens_file
                << ")\" -H 'TrustGate-Purpose: booking_operations' '" << base
                << "/v1/bookings?release_within=48h'\n"
                << "Ctrl-C stops (in-flight requests finish first)." << std::endl;
    });
  });

  auto* serve = app.add_subcommand("serve", "Run the gateway for a deployment (config: docs/config.md).");
  auto config_file = std::make_shared<std::string>();
  serve->add_option("--config", *config_file, "JSON config file")->required();
  serve->callback([=] {
    auto c = gateway::LoadConfig(*config_file);
    if (!c.ok()) Fail(c.status().message());
    ServeUntilSignal(*c, [&](const gateway::Server& server) {
      std::cout << "TrustGate serving on " << server.scheme() << "://" << c->server.listen
                << " (port " << server.port() << ")" << std::endl;
    });
  });
}

}  // namespace tg::cli
