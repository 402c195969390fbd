// Crash safety of "no log, no data": under load, kill -9 the gateway process, restart it on
// the same data, and check that every 2xx response the clients received has its audit
// record (with the same leaf hash) and an inclusion proof tlog-verify accepts. Before the
// restart the audit store also loses every row it had not synced (as a power cut would:
// it commits without fsync), so the records must come back from the log's journal.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "e2e_fixture.h"

namespace tg::gateway {
namespace {

using nlohmann::json;
using testing::HttpClient;

struct Process {
  pid_t pid = -1;
  unsigned short port = 0;
};

// Starts `trustgate demo` on `dir` with an ephemeral port; reads the port from its banner.
Process StartDemo(const std::string& dir) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::string policies = std::string(TG_SOURCE_DIR) + "/policies";
    execl(TG_TRUSTGATE_BIN, "trustgate", "demo", "--data", dir.c_str(), "--listen", "127.0.0.1:0",
          "--policies", policies.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  Process p{pid, 0};
  std::string out;
  char buf[512];
  const std::string marker = "http://127.0.0.1:";
  while (p.port == 0) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    size_t at = out.find(marker);
    if (at != std::string::npos) {
      size_t end = out.find('/', at + marker.size());
      if (end != std::string::npos) p.port = static_cast<unsigned short>(std::stoi(out.substr(at + marker.size(), end - at - marker.size())));
    }
  }
  // Keep the read end open (the demo writes nothing more) so the child never gets SIGPIPE.
  if (p.port == 0) throw std::runtime_error("demo did not start: " + out);
  return p;
}

// Kills the process at scope exit unless it was reaped: a failed assertion must not leave
// a gateway running (it would hold the test runner's output pipe open).
struct Reaper {
  pid_t* pid;
  ~Reaper() {
    if (*pid > 0) {
      kill(*pid, SIGKILL);
      waitpid(*pid, nullptr, 0);
    }
  }
};

// Deletes the audit rows a power cut could take: those past the store's last sync (all of
// them when it never synced). Returns how many went.
int LoseUnsyncedAuditRows(const std::string& dir) {
  // docs/audit-store-format.md: the index header holds the first index and the end of the
  // durable rows; then one 8-byte offset per row into the records file.
  auto u64 = [](const std::string& b, size_t at) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b.at(at + i));
    return v;
  };
  std::ifstream in(dir + "/index", std::ios::binary);
  std::string index((std::istreambuf_iterator<char>(in)), {});
  uint64_t base = u64(index, 8), durable = u64(index, 16);
  uint64_t rows = (index.size() - 32) / 8;
  EXPECT_GE(rows, durable - base);
  if (rows <= durable - base) return 0;
  std::filesystem::resize_file(dir + "/records", u64(index, 32 + 8 * (durable - base)));
  std::filesystem::resize_file(dir + "/index", 32 + 8 * (durable - base));
  return int(rows - (durable - base));
}

TEST(GatewayCrash, EveryAcknowledgedResponseSurvivesKillNine) {
  std::string dir = testing::MakeCounty("crash");
  json tokens = testing::ReadJsonFile(records::DemoTokensPath(dir));
  std::string clerk = tokens["lasd-records-clerk"];
  std::string inspector = tokens["inspector-general"];

  Process p = StartDemo(dir);
  Reaper reap_first{&p.pid};
  std::string booking;
  {
    HttpClient c(p.port);
    auto r = c.Send("GET", "/v1/bookings?release_within=720h",
                    {{"Authorization", "Bearer " + clerk}, {"TrustGate-Purpose", "booking_operations"}});
    ASSERT_EQ(r.status, 200) << r.body;
    booking = json::parse(r.body)["records"][0]["booking_id"];
  }

  std::mutex mu;
  std::vector<std::pair<uint64_t, std::string>> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&] {
      HttpClient c(p.port);
      while (!stop) {
        try {
          auto r = c.Send("GET", "/v1/bookings/" + booking,
                          {{"Authorization", "Bearer " + clerk}, {"TrustGate-Purpose", "booking_operations"}});
          if (r.status / 100 == 2) {
            auto a = json::parse(r.body)["audit"];
            std::lock_guard lock(mu);
            acknowledged.emplace_back(a["index"].get<uint64_t>(), a["leaf_hash"].get<std::string>());
          }
        } catch (const std::exception&) {
          return;  // the server died under us: expected
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  kill(p.pid, SIGKILL);
  int status = 0;
  waitpid(p.pid, &status, 0);
  p.pid = -1;
  stop = true;
  for (auto& t : load) t.join();
  ASSERT_GT(acknowledged.size(), 10u) << "too little load to mean anything";
  EXPECT_GT(LoseUnsyncedAuditRows(dir + "/audit"), 10) << "the store should hold unsynced rows";

  Process again = StartDemo(dir);
  Reaper reap_again{&again.pid};
  HttpClient c(again.port);
  for (const auto& [index, leaf] : acknowledged) {
    auto e = c.Send("GET", "/v1/audit/entries/" + std::to_string(index), {{"Authorization", "Bearer " + inspector}});
    ASSERT_EQ(e.status, 200) << "acknowledged index " << index << " lost: " << e.body;
    EXPECT_EQ(json::parse(e.body)["leaf_hash"], leaf);
    EXPECT_TRUE(testing::ProofVerifies(c, inspector, index, leaf, dir)) << "index " << index;
  }
  kill(again.pid, SIGTERM);
  waitpid(again.pid, &status, 0);
  again.pid = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "graceful shutdown failed";
  std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
}

}  // namespace
}  // namespace tg::gateway
