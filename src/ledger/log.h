// A durable, append-only C2SP transparency log in a directory:
//
//   D/checkpoint            the latest signed checkpoint (replaced atomically)
//   D/vkey                  the verifier key (public)
//   D/signing-key           the Ed25519 signing key (private, mode 0600; never serve it)
//   D/tile/<L>/<N>[.p/<W>]  hash tiles,  D/tile/entries/<N>[.p/<W>]  entry bundles
//   D/journal, D/journal.2  the entries committed since the tiles were last made durable,
//                           with their private attachments (mode 0600); the two take turns
//
// Appends are sequenced at once and committed in batches by one committer thread: the
// batch is appended to the journal and fdatasync'd, and then its tickets resolve; a
// checkpoint covering it is signed and published before that when nothing else is pending,
// else within LogOptions::checkpoint_interval. Tiles are written behind by a writer thread (served
// from memory until then), followed by the checkpoint file, so D is always a consistent log
// at or behind the published one. The tiles are made durable with one syncfs when the
// journal grows past a limit (the writer then readies the other journal file, and the
// committer switches to it) and at a clean close. After a crash, Open replays the journal
// over its base (docs/log-format.md): no committed entry is lost and no published
// checkpoint rolled back. Thread-safe: Append, proofs and reads may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "ledger/checkpoint.h"
#include "ledger/hash.h"

namespace tg::ledger {

// A private attachment that travels with a log entry (the gateway's audit record and salt
// behind a commitment). The journal holds it beside its entry, so it is exactly as durable
// as the entry when the ticket resolves; it is never part of the tree, the tiles or anything
// the log serves. The log hands it to the options' AttachmentKeeper, which may store it
// without syncing: the journal keeps it until the keeper reports it durable. So a keeper
// needs no fsync of its own per commit (docs/log-format.md, "Attachments").
struct Attachment {
  uint64_t index = 0;  // the entry's index
  Hash leaf;           // the entry's leaf hash
  std::string data;
};

// Where attachments go. Its methods are called from the log's threads; it must outlive the
// Log it is given to.
class AttachmentKeeper {
 public:
  virtual ~AttachmentKeeper() = default;
  // The attachments of one commit, in index order, once its journal record is durable and
  // before its tickets resolve. Keep it short (it delays every commit); need not sync.
  virtual void Keep(std::vector<Attachment> batch) = 0;
  // Before the journal drops its records below tree size `size`: OK only once every
  // attachment handed to Keep with an index below `size` is durable. An error keeps the
  // journal as it is (the log tries again at a later restart; nothing is lost).
  virtual Status MakeDurable(uint64_t size) = 0;
  // On Open, every attachment replayed from the journal (the keeper may have lost them in a
  // crash), before the journal starts over without them: OK only once they are durable. An
  // error fails Open and leaves the journal as it was.
  virtual Status Restore(std::vector<Attachment> replayed) = 0;
};

struct LogOptions {
  // Most entries one commit (one checkpoint) covers.
  size_t max_batch_entries = 1 << 18;
  // How long the committer waits after the first pending entry for more to arrive, at most.
  std::chrono::microseconds max_batch_wait{2000};
  // Stop waiting once as many entries are pending as the previous commit took. Under a
  // steady load the clients a commit answered come back with about as many entries, and
  // waiting longer would only add latency; a lone entry after a lone entry commits at once.
  // false: always wait max_batch_wait (fewer, larger commits).
  bool commit_when_as_many_as_last = true;
  // How long, under load, a signed checkpoint may trail the durable entries. An entry's
  // ticket resolves once the journal holds it durably. When nothing else is pending the
  // committer signs a checkpoint covering it first (so a lone append is covered when its
  // ticket resolves); when more is pending it resolves the tickets, commits on, and signs
  // once this long has passed since the last signature, after answering. A signature (about
  // 45 us here) then covers several commits and delays no client. Proof calls for an index
  // already durable wait for the checkpoint that covers it. Zero: sign every commit before
  // resolving its tickets.
  std::chrono::microseconds checkpoint_interval{10000};
  // Threads that rewrite tiles in parallel when Open replays the journal.
  unsigned sync_threads = 8;
  // Threads the tile writer creates files with. One: creating files is kernel CPU work, and
  // more threads take the cores the committer and the appenders need (1M-entry bench: 8
  // threads 0.83-0.99 M entries/s, 1-2 threads 1.47-2.08 M, same machine and filesystem).
  unsigned tile_writer_threads = 1;
  // How long the tile writer lets commits gather before writing: a partial tile that several
  // commits change is written once. Readers never wait for it.
  std::chrono::microseconds tile_write_delay{100000};
  // Commits block while more tile bytes than this wait for the writer.
  size_t max_unwritten_tile_bytes = size_t(256) << 20;
  // Recovery writing more tile files than this flushes them with one syncfs() instead of
  // one fsync each; 0 means always fsync file by file.
  size_t syncfs_above_files = 32;
  // Entries are made durable by appending them to the journal (one fdatasync per commit);
  // tiles are written without fsync. Once the journal passes this size the tiles are made
  // durable with one syncfs and the journal starts over from the current checkpoint.
  uint64_t journal_max_bytes = uint64_t(64) << 20;
  // Tiles kept in the read cache for proofs (each about 16 KiB).
  size_t tile_cache_tiles = 512;
  // Where the signing key is; empty means D/signing-key.
  std::string signing_key_path;
  // Takes the attachments of appended entries (see AttachmentKeeper); null: the log takes no
  // attachments, and Open refuses (kInvalidArgument) a journal that holds some, rather
  // than drop them.
  AttachmentKeeper* attachment_keeper = nullptr;
};

// Counters of the committer's work since Open (for benchmarks and monitoring).
struct LogStats {
  // The committer (on the path of every ticket).
  uint64_t batches = 0;
  uint64_t entries = 0;
  uint64_t checkpoints = 0;       // checkpoints signed and published
  double tree_seconds = 0;        // hashing and building tiles in memory
  double sync_seconds = 0;        // appending to the journal and fdatasync, plus base syncs
  double checkpoint_seconds = 0;  // signing the checkpoint
  double stage_seconds = 0;       // handing tiles to the writer (waiting when it is far behind)
  uint64_t base_syncs = 0;        // times the tiles were synced and the journal restarted
  uint64_t keeper_refusals = 0;   // journal restarts put off because the keeper failed to sync
                                  // (asked again after 50 ms, doubling to 5 s)
  // The tile writer (behind the committer).
  uint64_t tile_rounds = 0;
  uint64_t files_written = 0;
  double write_seconds = 0;       // writing tile files and the checkpoint file, not synced
};

// Internal state shared by the log and its tickets (so a ticket outlives its Log safely).
struct CommitState;

// Resolves when entry index() is durable (in the journal, fdatasync'd), or the log failed to
// make it so (then every later append fails too: "no log, no data"). A signed checkpoint
// covers it then or within LogOptions::checkpoint_interval.
class Ticket {
 public:
  Ticket() = default;
  // The entry's index in the log (its leaf number), assigned at Append.
  uint64_t index() const { return index_; }
  // Blocks until the entry is committed; OK, or why it never will be.
  Status Wait() const;
  // Like Wait, giving up after `timeout` with kUnavailable.
  Status WaitFor(std::chrono::milliseconds timeout) const;
  // Whether Wait would return at once.
  bool Ready() const;

 private:
  friend class Log;
  Ticket(std::shared_ptr<CommitState> state, uint64_t index) : state_(std::move(state)), index_(index) {}
  std::shared_ptr<CommitState> state_;
  uint64_t index_ = 0;
};

// Called once from the committer thread when the entry is durable (with its index) or
// failed. Keep it short: it delays the next batch.
using AppendCallback = std::function<void(Result<uint64_t>)>;

class Log {
 public:
  // Creates directory `dir` (it may exist but must hold no log), a fresh signing key named
  // `origin`, D/vkey, and a signed checkpoint of the empty tree. Returns the verifier key.
  static Result<std::string> Init(const std::string& dir, const std::string& origin,
                                  const LogOptions& options = {});
  // Opens an initialized log: verifies the checkpoint with the key, reloads the right edge
  // of the tree from the tiles, checks it against the checkpoint root, discards files a
  // crash left past the checkpoint, and starts the committer. One process at a time: the
  // log holds D/lock (flock) until it is destroyed, and Open fails with Unavailable while
  // another holds it.
  static Result<std::unique_ptr<Log>> Open(const std::string& dir, const LogOptions& options = {});
  // Drains pending appends (they commit) and stops the committer.
  ~Log();

  // Sequences one entry (at most 65,535 bytes). Fails at once for an oversized entry or a
  // failed/closing log; otherwise the ticket resolves when the entry is committed.
  Result<Ticket> Append(std::string entry);
  // As Append, but calls `done` from the committer instead of returning a ticket; returns
  // the assigned index. On immediate failure `done` is not called.
  Result<uint64_t> Append(std::string entry, AppendCallback done);
  // As above, with a private attachment (at most 16 MiB) journaled with the entry and then
  // handed to the attachment keeper; kInvalidArgument when the log has no keeper.
  Result<uint64_t> Append(std::string entry, std::string attachment, AppendCallback done);

  // The current signed checkpoint note, verbatim (what GET /log/checkpoint serves).
  std::string CheckpointText() const;
  // Its parsed contents.
  Checkpoint CurrentCheckpoint() const;
  const std::string& origin() const;
  const std::string& verifier_key() const;
  const std::string& dir() const { return dir_; }

  // Inclusion path of entry `index` in the current checkpoint's tree (or `tree_size`, when
  // given, which must not exceed it). Without `tree_size`, an entry already durable but not
  // yet covered by a published checkpoint is waited for (checkpoint_interval, at most 5 s).
  Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t tree_size = 0) const;
  // Consistency proof from tree size `old_size` to `new_size` (0 = current checkpoint size).
  Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size = 0) const;
  // A complete C2SP tlog-proof file for entry `index` against the current checkpoint (waited
  // for as InclusionProof does).
  Result<std::string> TlogProofText(uint64_t index) const;
  // Root of the committed tree of `tree_size` leaves (<= current size).
  Result<Hash> RootAt(uint64_t tree_size) const;

  // What the committer and the tile writer have done so far.
  LogStats Stats() const;
  // Writes every tile published so far to disk and makes the filesystem durable (syncfs):
  // afterwards D alone holds the log as of that moment, as after a clean close. Appends may
  // continue meanwhile. Not needed for durability (the journal gives that).
  Status Flush();

  // The committed entry at `index` (waited for as InclusionProof does).
  Result<std::string> ReadEntry(uint64_t index) const;
  // The bytes of a published tile or entry bundle, by its path relative to the log
  // ("tile/0/x001/234.p/7"); kNotFound for anything not covered by the checkpoint, and
  // kInvalidArgument for paths that are not tile paths (nothing else in D is reachable).
  Result<std::string> ReadTile(std::string_view path) const;

  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

 private:
  struct Impl;
  explicit Log(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string dir_;
};

}  // namespace tg::ledger
