// Shared set-up of the gateway's end-to-end tests: a small synthetic county in a private
// temporary directory (one per test process, since CTest runs tests in parallel), the
// independent tlog-verify tool, and helpers to talk to a gateway as a demo principal.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "gateway/audit_store.h"
#include "gateway/config.h"
#include "gateway/gateway.h"
#include "gateway/server.h"
#include "http_client.h"
#include "records/county.h"

namespace tg::gateway::testing {

inline std::string MakeTempDir(const char* tag) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (std::string("tg-gw-") + tag + "-XXXXXX")).string();
  char* d = mkdtemp(tmpl.data());
  if (d == nullptr) throw std::runtime_error("mkdtemp failed");
  return d;
}

// A county of a few hundred persons: enough bookings with upcoming releases, quick to make.
inline std::string MakeCounty(const char* tag) {
  std::string dir = MakeTempDir(tag) + "/county";
  records::CountyOptions o;
  o.dir = dir;
  o.persons = 400;
  o.alpr_reads = 500;
  o.seed = 11;
  Status s = records::GenerateCounty(o);
  if (!s.ok()) throw std::runtime_error("GenerateCounty: " + s.ToString());
  return dir;
}

// A gateway over `county`: a free loopback port, two threads, no per-address limit, the
// checkout's baseline pack, the log and audit store inside the county directory.
inline GatewayConfig CountyConfig(const std::string& county) {
  GatewayConfig c;
  c.server.listen = "127.0.0.1:0";
  c.server.threads = 2;
  c.server.rate_limits.per_address_per_second = 0;
  c.store_path = records::CountyDbPath(county);
  c.log_dir = county + "/log";
  c.audit_store_path = county + "/audit";
  c.policy_root = std::string(TG_SOURCE_DIR) + "/policies";
  c.policy_packs = {"baseline"};
  return c;
}

// A gateway and the server in front of it, taken down as `trustgate serve` does: the server
// stops, then the gateway drains (answering into the stopped server), then the server goes.
struct RunningGateway {
  std::unique_ptr<Gateway> gateway;
  std::unique_ptr<Server> server;
  RunningGateway() = default;
  RunningGateway(RunningGateway&&) = default;
  RunningGateway& operator=(RunningGateway&&) = delete;
  ~RunningGateway() { Stop(); }
  void Stop() {
    if (server) server->Shutdown();
    gateway.reset();
    server.reset();
  }
};

// Opens a gateway over `config` and starts its server, as `trustgate serve` does; with
// `audit_rejections` false, refusals made before routing (413, 429, ...) are not audited.
inline Result<RunningGateway> StartGateway(const GatewayConfig& config, bool audit_rejections = true) {
  auto gw = Gateway::Open(config);
  if (!gw.ok()) return gw.status();
  RunningGateway r;
  r.gateway = std::move(gw.value());
  auto server = Server::Start(config.server, r.gateway->handler(),
                              audit_rejections ? r.gateway->rejection_sink() : RejectionSink{});
  if (!server.ok()) return server.status();
  r.server = std::move(server.value());
  return r;
}

// Every audit record in the store at `dir` (read beside a running gateway), oldest first.
inline std::vector<nlohmann::json> AuditRecords(const std::string& dir) {
  std::vector<nlohmann::json> out;
  auto store = AuditStore::OpenForReading(dir);
  if (!store.ok()) return out;
  for (uint64_t i = 0;; ++i) {
    auto row = (*store)->Read(i);
    if (!row.ok()) break;
    out.push_back(nlohmann::json::parse(row->record));
  }
  return out;
}

inline nlohmann::json ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// The tlog-verify binary beside the build (built by the CTest fixture in tests.cmake; built
// here under a lock when a test runs alone).
inline std::string TlogVerify() {
  std::string bin = (std::filesystem::path(TG_TRUSTGATE_BIN).parent_path() / "tlog-verify").string();
  if (!std::filesystem::exists(bin)) {
    std::string cmd = "flock " + bin + ".lock " + std::string(TG_SHARED_DIR) + "/tools/tlog-verify/build.sh " + bin +
                      " >/dev/null";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("cannot build tlog-verify");
  }
  return bin;
}

inline int Run(const std::string& cmd) {
  int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// Checks with tlog-verify that log entry `index`, whose leaf hash is `leaf_b64`, is in the
// log: fetches its tlog-proof as the inspector and the served checkpoint, and verifies both.
inline ::testing::AssertionResult ProofVerifies(HttpClient& client, const std::string& inspector_token,
                                                uint64_t index, const std::string& leaf_b64,
                                                const std::string& work_dir) {
  auto vkey = client.Send("GET", "/log/vkey");
  auto cp = client.Send("GET", "/log/checkpoint");
  auto proof = client.Send("GET", "/v1/audit/proof?index=" + std::to_string(index),
                           {{"Authorization", "Bearer " + inspector_token}});
  if (vkey.status != 200 || cp.status != 200 || proof.status != 200) {
    return ::testing::AssertionFailure() << "fetch failed: vkey " << vkey.status << " checkpoint " << cp.status
                                         << " proof " << proof.status << " " << proof.body;
  }
  std::string key = vkey.body;
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  std::string pf = work_dir + "/proof-" + std::to_string(index) + ".tlog-proof";
  std::string cf = work_dir + "/checkpoint";
  WriteFile(pf, proof.body);
  WriteFile(cf, cp.body);
  std::string tv = TlogVerify();
  if (Run(tv + " checkpoint -key '" + key + "' " + cf) != 0) {
    return ::testing::AssertionFailure() << "served checkpoint does not verify";
  }
  if (Run(tv + " proof -key '" + key + "' -leaf-hash '" + leaf_b64 + "' " + pf) != 0) {
    return ::testing::AssertionFailure() << "tlog-verify rejects the proof of index " << index << ":\n" << proof.body;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace tg::gateway::testing
