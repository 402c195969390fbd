// trustgate log ...: the verifiable audit ledger from the command line (init, append, prove,
// consistency, verify, vectors, bench). The library is src/ledger/; this only wires flags.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "cli/commands.h"
#include "ledger/files.h"
#include "ledger/hash.h"
#include "ledger/log.h"
#include "ledger/verify.h"

namespace tg::cli {

namespace {

using ledger::Log;

std::unique_ptr<Log> OpenOrFail(const std::string& dir, const ledger::LogOptions& options = {}) {
  auto log = Log::Open(dir, options);
  if (!log.ok()) Fail("cannot open log " + dir + ": " + log.status().message());
  return std::move(*log);
}

// A verifier key given as the key itself or as a file holding it.
std::string VerifierKeyArg(const std::string& dir, const std::string& key) {
  std::string source = key.empty() ? dir + "/vkey" : key;
  if (key.empty() || ledger::PathExists(key)) {
    auto text = ledger::ReadWholeFile(source);
    if (!text.ok()) Fail("cannot read verifier key: " + text.status().message());
    std::string k = *text;
    while (!k.empty() && (k.back() == '\n' || k.back() == '\r')) k.pop_back();
    return k;
  }
  return key;
}

void AddInit(CLI::App& log) {
  auto* cmd = log.add_subcommand("init", "Create a log: signing key (D/signing-key, 0600), D/vkey, empty checkpoint");
  auto dir = std::make_shared<std::string>();
  auto origin = std::make_shared<std::string>();
  cmd->add_option("--dir", *dir, "Log directory")->required();
  cmd->add_option("--origin", *origin, "Log origin, also the key name (e.g. example.gov/trustgate/log)")->required();
  cmd->callback([dir, origin] {
    auto vkey = Log::Init(*dir, *origin);
    if (!vkey.ok()) Fail("log init: " + vkey.status().message());
    std::cout << *vkey << "\n";
  });
}

void AddAppend(CLI::App& log) {
  auto* cmd = log.add_subcommand("append", "Append entries, one per line, from a file or stdin; waits until durable");
  auto dir = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>("-");
  cmd->add_option("--dir", *dir, "Log directory")->required();
  cmd->add_option("file", *file, "File of entries, one per line ('-' or absent: stdin)");
  cmd->callback([dir, file] {
    std::ifstream in;
    std::istream* src = &std::cin;
    if (*file != "-") {
      in.open(*file, std::ios::binary);
      if (!in) Fail("cannot read " + *file);
      src = &in;
    }
    auto log = OpenOrFail(*dir);
    std::vector<ledger::Ticket> tickets;
    std::string line;
    while (std::getline(*src, line)) {
      auto t = log->Append(line);
      if (!t.ok()) Fail("entry " + std::to_string(tickets.size() + 1) + ": " + t.status().message());
      tickets.push_back(*t);
    }
    for (const auto& t : tickets)
      if (Status s = t.Wait(); !s.ok()) Fail(s.message());
    auto cp = log->CurrentCheckpoint();
    if (tickets.empty()) {
      std::cout << "appended 0 entries; tree size " << cp.size << "\n";
    } else {
      std::cout << "appended " << tickets.size() << " entries (indices " << tickets.front().index() << ".."
                << tickets.back().index() << "); tree size " << cp.size << "\n";
    }
  });
}

void AddProve(CLI::App& log) {
  auto* cmd = log.add_subcommand("prove", "Print a C2SP tlog-proof for entry N against the current checkpoint");
  auto dir = std::make_shared<std::string>();
  auto index = std::make_shared<uint64_t>(0);
  cmd->add_option("--dir", *dir, "Log directory")->required();
  cmd->add_option("--index", *index, "Entry index")->required();
  cmd->callback([dir, index] {
    auto log = OpenOrFail(*dir);
    auto proof = log->TlogProofText(*index);
    if (!proof.ok()) Fail(proof.status().message());
    std::cout << *proof;
  });
}

void AddConsistency(CLI::App& log) {
  auto* cmd = log.add_subcommand(
      "consistency", "Print the consistency proof (base64 hashes, one a line) from tree size OLD to the current size");
  auto dir = std::make_shared<std::string>();
  auto old_size = std::make_shared<uint64_t>(0);
  auto new_size = std::make_shared<uint64_t>(0);
  cmd->add_option("--dir", *dir, "Log directory")->required();
  cmd->add_option("--old", *old_size, "Older tree size (> 0)")->required();
  cmd->add_option("--new", *new_size, "Newer tree size (default: the current checkpoint)");
  cmd->callback([dir, old_size, new_size] {
    auto log = OpenOrFail(*dir);
    auto proof = log->ConsistencyProof(*old_size, *new_size);
    if (!proof.ok()) Fail(proof.status().message());
    for (const auto& h : *proof) std::cout << ledger::HashBase64(h) << "\n";
  });
}

void AddVerify(CLI::App& log) {
  auto* cmd = log.add_subcommand("verify", "Check a log directory: signature, every tile, every entry bundle");
  auto dir = std::make_shared<std::string>();
  auto key = std::make_shared<std::string>();
  cmd->add_option("--dir", *dir, "Log directory")->required();
  cmd->add_option("--key", *key, "Verifier key, or a file holding it (default: D/vkey)");
  cmd->callback([dir, key] {
    auto report = ledger::VerifyLogDirectory(*dir, VerifierKeyArg(*dir, *key));
    if (!report.ok()) Fail("log verify: " + report.status().message());
    std::cout << "log OK: origin=" << report->checkpoint.origin << " size=" << report->checkpoint.size
              << " root=" << ledger::HashBase64(report->checkpoint.root) << " tiles=" << report->tiles_checked
              << " bundles=" << report->bundles_checked << " entries=" << report->entries_checked << "\n";
  });
}

void AddVectors(CLI::App& log) {
  auto* cmd = log.add_subcommand("vectors", "Run RFC 6962 proof vectors (JSON, transparency-dev layout)");
  auto dir = std::make_shared<std::string>();
  cmd->add_option("dir", *dir, "Vector directory (e.g. ../shared/conformance/merkle)")->required();
  cmd->callback([dir] {
    auto report = ledger::RunProofVectors(*dir);
    if (!report.ok()) Fail("log vectors: " + report.status().message());
    std::cout << report->failures << report->passed << " passed, " << report->failed << " failed\n";
    if (report->failed > 0 || report->passed == 0) throw CLI::RuntimeError(1);
  });
}

void AddBench(CLI::App& log) {
  auto* cmd = log.add_subcommand("bench", "Durable append throughput (creates the log if D holds none)");
  struct Args {
    std::string dir;
    uint64_t entries = 1000000;
    size_t entry_bytes = 32;
    unsigned threads = 2;
    uint64_t proofs = 10000;
    size_t syncfs_above = ledger::LogOptions{}.syncfs_above_files;
    unsigned tile_threads = ledger::LogOptions{}.tile_writer_threads;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--dir", a->dir, "Log directory")->required();
  cmd->add_option("--entries", a->entries, "Entries to append")->required();
  cmd->add_option("--entry-bytes", a->entry_bytes, "Bytes per entry (default 32)")->check(CLI::Range(1, 65535));
  cmd->add_option("--threads", a->threads, "Appending threads (default 2)")->check(CLI::Range(1, 64));
  cmd->add_option("--proofs", a->proofs, "Inclusion proofs to time afterwards (default 10000)");
  cmd->add_option("--tile-threads", a->tile_threads, "Threads the tile writer creates files with (default 1)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--syncfs-above-files", a->syncfs_above,
                  "Flush commits of more files than this with one syncfs() (0: fsync each file)");
  cmd->callback([a] {
    using Clock = std::chrono::steady_clock;
    if (!ledger::PathExists(a->dir + "/checkpoint")) {
      auto vkey = Log::Init(a->dir, "bench.trustgate.invalid/log");
      if (!vkey.ok()) Fail("log bench: " + vkey.status().message());
    }
    ledger::LogOptions options;
    options.syncfs_above_files = a->syncfs_above;
    options.tile_writer_threads = a->tile_threads;
    auto log = OpenOrFail(a->dir, options);
    uint64_t start_size = log->CurrentCheckpoint().size;
    std::string filler(a->entry_bytes, 'e');
    std::atomic<bool> failed{false};
    auto t0 = Clock::now();
    std::vector<std::thread> workers;
    std::vector<ledger::Ticket> last(a->threads);
    for (unsigned w = 0; w < a->threads; ++w) {
      workers.emplace_back([&, w] {
        for (uint64_t i = w; i < a->entries; i += a->threads) {
          std::string e = filler;
          for (size_t b = 0; b < 8 && b < e.size(); ++b) e[b] = char(i >> (8 * b));
          auto t = log->Append(std::move(e));
          if (!t.ok()) {
            failed = true;
            return;
          }
          last[w] = *t;
        }
      });
    }
    for (auto& t : workers) t.join();
    // Commits are in index order, so each thread's last ticket covers all its others.
    for (unsigned w = 0; w < a->threads && w < a->entries; ++w)
      if (Status s = last[w].Wait(); !s.ok()) Fail("log bench: " + s.message());
    if (failed) Fail("log bench: append failed");
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    uint64_t size = log->CurrentCheckpoint().size;
    std::printf("%llu durable entries of %zu bytes in %.3f s: %.0f entries/s (tree size %llu -> %llu)\n",
                (unsigned long long)a->entries, a->entry_bytes, secs, double(a->entries) / secs,
                (unsigned long long)start_size, (unsigned long long)size);

    auto st = log->Stats();
    std::printf("committer: %llu batches (%.0f entries each); tree %.3f s, journal fdatasync + tile syncs "
                "%.3f s (%llu tile syncs), checkpoint %.3f s, handing tiles to the writer %.3f s\n",
                (unsigned long long)st.batches, st.batches ? double(st.entries) / double(st.batches) : 0.0,
                st.tree_seconds, st.sync_seconds, (unsigned long long)st.base_syncs, st.checkpoint_seconds,
                st.stage_seconds);
    // Not part of the figure above: tiles are derived data, rebuilt from the journal after a
    // crash. Timed apart so the cost of putting them on disk is visible too.
    auto f0 = Clock::now();
    if (Status s = log->Flush(); !s.ok()) Fail("log bench: " + s.message());
    double flush = std::chrono::duration<double>(Clock::now() - f0).count();
    st = log->Stats();
    std::printf("tile writer (behind the committer): %llu rounds, %llu files, %.3f s writing; "
                "flush of what was left + syncfs %.3f s\n",
                (unsigned long long)st.tile_rounds, (unsigned long long)st.files_written, st.write_seconds, flush);
    if (a->proofs > 0 && size > 0) {
      std::mt19937_64 rng(42);
      auto p0 = Clock::now();
      for (uint64_t i = 0; i < a->proofs; ++i) {
        auto proof = log->InclusionProof(rng() % size);
        if (!proof.ok()) Fail("log bench: " + proof.status().message());
      }
      double us = std::chrono::duration<double, std::micro>(Clock::now() - p0).count() / double(a->proofs);
      std::printf("inclusion proof generation: %.2f us/proof (%llu random indices, tree size %llu)\n", us,
                  (unsigned long long)a->proofs, (unsigned long long)size);
    }
    // The hashing limit on this machine: a leaf and (about) one node hash per entry.
    {
      std::string e(a->entry_bytes, 'h');
      ledger::Hash h{};
      const int n = 1000000;
      auto h0 = Clock::now();
      for (int i = 0; i < n; ++i) {
        e[0] = char(i);
        h = ledger::NodeHash(ledger::LeafHash(e), h);
      }
      double s = std::chrono::duration<double>(Clock::now() - h0).count();
      std::printf("hashing limit (leaf + node SHA-256 per entry, one core): %.0f entries/s [%02x]\n", n / s, h[0]);
    }
  });
}

}  // namespace

void AddLogCommands(CLI::App& app) {
  auto* log = app.add_subcommand("log", "The verifiable audit log (C2SP tiles, signed checkpoints, proofs)");
  log->require_subcommand(1);
  AddInit(*log);
  AddAppend(*log);
  AddProve(*log);
  AddConsistency(*log);
  AddVerify(*log);
  AddVectors(*log);
  AddBench(*log);
}

}  // namespace tg::cli
