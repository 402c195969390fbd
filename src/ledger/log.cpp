#include "ledger/log.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <thread>

#include "base/thread_name.h"
#include "ledger/files.h"
#include "ledger/journal.h"
#include "ledger/note.h"
#include "ledger/proof.h"
#include "ledger/tile_reader.h"
#include "ledger/tile_store.h"
#include "ledger/tiles.h"

namespace tg::ledger {

namespace {
constexpr int kMaxLevels = 8;  // 256^8 = 2^64 leaves
constexpr char kCheckpointFile[] = "checkpoint";
constexpr char kVkeyFile[] = "vkey";
constexpr char kSigningKeyFile[] = "signing-key";
constexpr char kJournalFile[] = "journal";
constexpr char kSpareJournalFile[] = "journal.2";  // the two take turns

std::string KeyPath(const std::string& dir, const LogOptions& o) {
  return o.signing_key_path.empty() ? dir + "/" + kSigningKeyFile : o.signing_key_path;
}

using TileFiles = std::vector<std::pair<TileRef, std::string>>;

std::string TileBytes(const std::vector<Hash>& hashes) {
  std::string out(hashes.size() * 32, '\0');
  std::memcpy(out.data(), hashes.data(), out.size());
  return out;
}
}  // namespace

struct CommitState {
  std::mutex mu;
  std::condition_variable cv;
  uint64_t committed = 0;  // tree size covered by the durable checkpoint
  Status failure;          // set once a commit failed; the log then refuses everything
};

Status Ticket::Wait() const {
  if (!state_) return Status::Internal("empty ticket");
  std::unique_lock lock(state_->mu);
  state_->cv.wait(lock, [&] { return state_->committed > index_ || !state_->failure.ok(); });
  return state_->committed > index_ ? Status::OK() : state_->failure;
}

Status Ticket::WaitFor(std::chrono::milliseconds timeout) const {
  if (!state_) return Status::Internal("empty ticket");
  std::unique_lock lock(state_->mu);
  if (!state_->cv.wait_for(lock, timeout, [&] { return state_->committed > index_ || !state_->failure.ok(); }))
    return Status::Unavailable("entry " + std::to_string(index_) + " not committed yet");
  return state_->committed > index_ ? Status::OK() : state_->failure;
}

bool Ticket::Ready() const {
  if (!state_) return true;
  std::lock_guard lock(state_->mu);
  return state_->committed > index_ || !state_->failure.ok();
}

struct Log::Impl {
  struct Pending {
    std::string entry;
    Hash leaf;
    AppendCallback done;
    std::string attachment;
  };

  std::string dir;
  LogOptions options;
  NoteSigner signer;
  std::string vkey;
  std::shared_ptr<CommitState> state = std::make_shared<CommitState>();
  TileReader reader;

  // Sequencing queue.
  std::mutex qmu;
  std::condition_variable qcv;
  std::vector<Pending> pending;
  std::chrono::steady_clock::time_point first_pending;
  // How many entries the previous commit took (1 before the first): once as many are
  // pending, the committer stops waiting for more (see LogOptions::max_batch_wait).
  size_t enough = 1;
  uint64_t next_index = 0;
  bool stopping = false;
  Status failed;

  // Right edge of the tree: the committer's alone.
  uint64_t size = 0;
  std::vector<std::vector<Hash>> levels = std::vector<std::vector<Hash>>(kMaxLevels);
  // The compact range of each level's partial tile, kept in step with `levels`: a full
  // tile's hash is its one subtree, and top level first they are the compact range of
  // `size`, so a commit's root costs at most 63 hashes, not the partial tiles reduced again.
  std::vector<RootAccumulator> ranges = std::vector<RootAccumulator>(kMaxLevels);
  std::string bundle;  // entries of the current partial bundle, length-prefixed
  unsigned bundle_count = 0;

  // What readers see: the latest signed checkpoint. It may trail the durable size by the
  // commits since (LogOptions::checkpoint_interval); pub_cv tells proof readers waiting for it.
  mutable std::mutex pub_mu;
  mutable std::condition_variable pub_cv;
  std::string checkpoint_text;
  Checkpoint checkpoint;
  // The committer's: the tiles of the commits since the last signed checkpoint (the newest
  // width of each partial tile), staged with the next one, and when that one was signed.
  TileFiles unsigned_files;
  uint64_t signed_size = 0;
  std::chrono::steady_clock::time_point last_signed{};

  std::unique_ptr<Journal> journal;  // the committer's alone
  // Two journal files take turns (docs/log-format.md, "Journal restarts"): the committer
  // appends to one; the other holds the records before `journal_from`. Once the tile
  // writer has synced a size at or past journal_from, it rewrites the other file as an
  // empty journal based there (PrepareSpare), and the next commit switches to it. So
  // nothing is copied, and no file is synced, on the committer's thread.
  std::mutex prepare_mu;  // held through PrepareSpare, so a close waits for one in flight
  std::atomic<bool> close_requested{false};  // set before a close waits for prepare_mu
  std::mutex spare_mu;
  std::string journal_path, spare_path;  // under spare_mu
  uint64_t journal_from = 0;             // under spare_mu
  std::unique_ptr<Journal> prepared;     // under spare_mu: the next journal, ready
  uint64_t journal_bytes = 0;            // under spare_mu: the current file's size
  bool closing = false;                  // under spare_mu: no more preparing
  // Under spare_mu: after the keeper refuses to sync, no restart is asked for until
  // `keeper_retry_at`; the pause doubles from 50 ms to 5 s while it keeps refusing, so a
  // failing audit store does not cost a filesystem sync per commit.
  std::chrono::steady_clock::time_point keeper_retry_at{};
  std::chrono::milliseconds keeper_pause{0};
  bool KeeperPausedLocked() const {
    return keeper_pause.count() > 0 && std::chrono::steady_clock::now() < keeper_retry_at;
  }
  std::unique_ptr<TileStore> tiles;  // published tiles, in memory until written behind
  std::thread committer;
  mutable std::mutex stats_mu;
  LogStats stats;

  Impl(std::string d, LogOptions o, NoteSigner s)
      : dir(std::move(d)), options(std::move(o)), signer(std::move(s)), vkey(signer.VerifierKey()),
        reader([this](const TileRef& t) { return tiles->Read(t); }, options.tile_cache_tiles) {}
  // Last, after the Log's destructor has made its base: closing the file releases the lock.
  ~Impl() {
    if (lock_fd >= 0) ::close(lock_fd);
  }
  // D/lock, held (flock) from Open to the end: one writer per log (see TakeWriterLock).
  int lock_fd = -1;
  Status TakeWriterLock();

  Status LoadRightEdge(const Checkpoint& cp);
  void DiscardPastCheckpoint();
  // Removes the partial tiles a crash may have left torn among those of sizes (from, size).
  void DiscardReplayedPartials(uint64_t from);
  // Unlinks the partial tiles of tile (level, idx), the files of its .p directory, whose
  // width `remove` selects. Returns whether that directory exists.
  bool RemovePartials(int level, uint64_t idx, const std::function<bool(unsigned long width)>& remove);
  // The root of the tree, folded from `ranges`.
  Hash RightEdgeRoot() const;
  void AddLeaf(const Hash& leaf, TileFiles& files);
  // Adds the batch to the in-memory tree and collects the tiles it changes, in order.
  void BuildFiles(std::vector<Pending>& batch, TileFiles& files);
  // Appends the batch to the tree and the journal: durable when it returns OK. Its tiles
  // wait in unsigned_files for the next Publish.
  Status Commit(std::vector<Pending>& batch);
  // Signs a checkpoint of the current size, stages the tiles since the last one with it,
  // and publishes it.
  Status Publish();
  // Marks the log failed: every later append, and every waiting ticket, gets `why`.
  void Fail(const Status& why);
  // Waits (at most 5 s) until the published checkpoint covers `index`, when a commit already
  // made it durable; the published checkpoint.
  std::pair<std::string, Checkpoint> PublishedCovering(uint64_t index) const;
  // Switches to the prepared journal, if there is one; its records start at `first`.
  void SwitchJournal(uint64_t first);
  // From the tile writer after a sync: prepares the spare file as a journal based at
  // `size`, if the records it holds are all below that size and the keeper has synced.
  void PrepareSpare(uint64_t size, const std::string& note);
  // Writes every staged tile, makes them durable (syncfs), then restarts the journal from `note`.
  Status MakeBase(const std::string& note);
  // Creates D/journal holding only `note` and drops the spare file.
  Status StartJournals(const std::string& note);
  // Opens: the journal's base checkpoint, its records replayed, tiles rewritten durably.
  Status Recover(JournalContents& journal, const NoteVerifier& verifier);  // moves the attachments out
  void Run();
  void FailAll(std::vector<Pending>& batch, const Status& s);
  Result<uint64_t> Enqueue(std::string entry, AppendCallback done, std::string attachment = {});
  // Whether the keeper may drop the journal's records below `size` (it has them durably).
  bool KeeperHasThrough(uint64_t size);
  std::pair<std::string, Checkpoint> Published() const {
    std::lock_guard lock(pub_mu);
    return {checkpoint_text, checkpoint};
  }
};

Status Log::Impl::LoadRightEdge(const Checkpoint& cp) {
  for (int l = 0; l < kMaxLevels; ++l) {
    uint64_t width = LevelWidth(l, cp.size);
    if (width == 0) break;
    if (unsigned w = unsigned(width % kTileWidth); w > 0) {
      TileRef t{l, width / kTileWidth, w};
      auto bytes = ReadWholeFile(dir + "/" + TilePath(t));
      if (!bytes.ok()) return Status::Corruption("checkpoint covers " + TilePath(t) + ": " + bytes.status().message());
      if (bytes->size() != size_t(w) * 32) return Status::Corruption(TilePath(t) + " is torn (wrong length)");
      levels[l].resize(w);
      std::memcpy(levels[l].data(), bytes->data(), bytes->size());
      for (const Hash& h : levels[l]) ranges[l].Add(h);
    }
  }
  if (unsigned w = unsigned(cp.size % kTileWidth); w > 0) {
    TileRef t{kEntriesLevel, cp.size / kTileWidth, w};
    auto bytes = ReadWholeFile(dir + "/" + TilePath(t));
    if (!bytes.ok()) return Status::Corruption("checkpoint covers " + TilePath(t) + ": " + bytes.status().message());
    auto entries = SplitBundle(*bytes);
    if (!entries.ok() || entries->size() != w) return Status::Corruption(TilePath(t) + " is torn");
    for (unsigned i = 0; i < w; ++i)
      if (LeafHash((*entries)[i]) != levels[0][i])
        return Status::Corruption(TilePath(t) + ": entry " + std::to_string(i) + " does not match its leaf hash");
    bundle = std::move(*bytes);
    bundle_count = w;
  }
  size = cp.size;
  if (RightEdgeRoot() != cp.root)
    return Status::Corruption("the tiles at the right edge do not produce the checkpoint's root");
  return Status::OK();
}

// Removes files a crashed commit wrote past the checkpoint. They are never served (reads
// check the checkpoint) and would be overwritten anyway; this keeps the directory honest.
void Log::Impl::DiscardPastCheckpoint() {
  for (int l = kEntriesLevel; l < kMaxLevels; ++l) {
    uint64_t width = LevelWidth(l, size);
    uint64_t full = width / kTileWidth;
    unsigned w = unsigned(width % kTileWidth);
    for (uint64_t idx = full;; ++idx) {
      bool any = ::unlink((dir + "/" + TilePath({l, idx, unsigned(kTileWidth)})).c_str()) == 0;
      if (RemovePartials(l, idx, [&](unsigned long pw) { return idx > full || pw > w || pw == 0; })) any = true;
      if (!any) break;
    }
  }
  ::unlink((dir + "/" + kCheckpointFile + ".tmp").c_str());
}

// The tile writer may have been cut off in the middle of any file it was writing after the
// journal's base, and replay rewrites only the full tiles and the newest partials. Older
// partials in that range are deleted: they may be torn, and any of them can be cut from
// the newer tile (which is how ReadTile serves them).
void Log::Impl::DiscardReplayedPartials(uint64_t from) {
  for (int l = kEntriesLevel; l < kMaxLevels; ++l) {
    uint64_t first = LevelWidth(l, from) / kTileWidth, end = LevelWidth(l, size);
    for (uint64_t idx = first; idx * kTileWidth < end; ++idx) {
      unsigned keep = unsigned(std::min<uint64_t>(kTileWidth, end - idx * kTileWidth));
      RemovePartials(l, idx, [keep](unsigned long pw) { return pw != keep; });
    }
  }
}

bool Log::Impl::RemovePartials(int level, uint64_t idx, const std::function<bool(unsigned long width)>& remove) {
  std::string pdir = dir + "/" + TilePath({level, idx, unsigned(kTileWidth)}) + ".p";
  DIR* d = ::opendir(pdir.c_str());
  if (!d) return false;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (remove(std::strtoul(name.c_str(), nullptr, 10))) ::unlink((pdir + "/" + name).c_str());
  }
  ::closedir(d);
  return true;
}

Hash Log::Impl::RightEdgeRoot() const {
  // Right to left: level 0's subtrees are the rightmost, and each level's largest first.
  Hash root = EmptyRoot();
  bool empty = true;
  for (const RootAccumulator& r : ranges) {
    const std::vector<Hash>& s = r.subtrees();
    for (auto it = s.rbegin(); it != s.rend(); ++it, empty = false) root = empty ? *it : NodeHash(*it, root);
  }
  return root;
}

void Log::Impl::AddLeaf(const Hash& leaf, TileFiles& files) {
  ++size;
  Hash h = leaf;
  for (int l = 0; l < kMaxLevels; ++l) {
    levels[l].push_back(h);
    ranges[l].Add(h);
    if (levels[l].size() < kTileWidth) return;
    TileRef full{l, LevelWidth(l, size) / kTileWidth - 1, unsigned(kTileWidth)};
    files.emplace_back(full, TileBytes(levels[l]));
    h = ranges[l].Root();  // one perfect subtree: no hashing
    levels[l].clear();
    ranges[l] = {};
  }
}

void Log::Impl::BuildFiles(std::vector<Pending>& batch, TileFiles& files) {
  uint64_t old_size = size;
  for (Pending& p : batch) {
    AddLeaf(p.leaf, files);
    AppendToBundle(bundle, p.entry);
    if (++bundle_count == kTileWidth) {
      files.emplace_back(TileRef{kEntriesLevel, size / kTileWidth - 1, unsigned(kTileWidth)}, std::move(bundle));
      bundle.clear();
      bundle_count = 0;
    }
  }
  // Partial tiles for the new size, at every level whose width changed.
  for (int l = 0; l < kMaxLevels; ++l) {
    uint64_t width = LevelWidth(l, size);
    if (width == LevelWidth(l, old_size) || width % kTileWidth == 0) continue;
    files.emplace_back(TileRef{l, width / kTileWidth, unsigned(width % kTileWidth)}, TileBytes(levels[l]));
  }
  if (bundle_count > 0 && size != old_size)
    files.emplace_back(TileRef{kEntriesLevel, size / kTileWidth, bundle_count}, bundle);
}

Status Log::Impl::Commit(std::vector<Pending>& batch) {
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); };
  auto t0 = Clock::now();
  uint64_t first = size;
  TileFiles files;
  BuildFiles(batch, files);
  // A tile this commit changed again replaces its older, partial width.
  std::erase_if(unsigned_files, [&](const auto& u) {
    return std::any_of(files.begin(), files.end(), [&](const auto& f) {
      return f.first.level == u.first.level && f.first.index == u.first.index;
    });
  });
  for (auto& f : files) unsigned_files.push_back(std::move(f));
  auto t1 = Clock::now();

  // Durable from here: the journal holds the entries; the tiles can be rebuilt from it.
  std::vector<std::string_view> entries, attachments;
  entries.reserve(batch.size());
  bool attached = false;
  for (const Pending& p : batch) {
    entries.push_back(p.entry);
    attached = attached || !p.attachment.empty();
  }
  if (attached)
    for (const Pending& p : batch) attachments.push_back(p.attachment);
  SwitchJournal(first);
  TG_RETURN_IF_ERROR(journal->Append(first, entries, attachments));
  if (attached) {
    std::vector<Attachment> kept;
    kept.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); ++i)
      if (!batch[i].attachment.empty()) kept.push_back({first + i, batch[i].leaf, std::move(batch[i].attachment)});
    options.attachment_keeper->Keep(std::move(kept));
  }
  auto t2 = Clock::now();
  std::lock_guard lock(stats_mu);
  stats.batches += 1;
  stats.entries += batch.size();
  stats.tree_seconds += seconds(t0, t1);
  stats.sync_seconds += seconds(t1, t2);
  return Status::OK();
}

Status Log::Impl::Publish() {
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); };
  auto t2 = Clock::now();
  Checkpoint cp{signer.name(), size, RightEdgeRoot()};
  auto note = SignNote(FormatCheckpoint(cp), signer);
  if (!note.ok()) return note.status();
  auto t3 = Clock::now();
  last_signed = t3;
  signed_size = size;
  // The writer puts the tiles and then this checkpoint on disk behind us; until then they
  // are read from memory.
  TileFiles files;
  files.swap(unsigned_files);
  TG_RETURN_IF_ERROR(tiles->Stage(size, std::move(files), *note));
  auto t4 = Clock::now();
  // The journal restarts without waiting: past the limit the writer is asked to sync what
  // it has written and prepare the other file; a later commit switches to it.
  bool over = false;
  {
    std::lock_guard lock(spare_mu);
    journal_bytes = journal->bytes();
    over = journal_bytes > options.journal_max_bytes && !prepared && !KeeperPausedLocked();
  }
  if (over) tiles->RequestSync();
  auto t5 = Clock::now();
  {
    std::lock_guard lock(pub_mu);
    checkpoint_text = std::move(*note);
    checkpoint = cp;
  }
  pub_cv.notify_all();
  std::lock_guard lock(stats_mu);
  stats.checkpoints += 1;
  stats.sync_seconds += seconds(t4, t5);
  stats.checkpoint_seconds += seconds(t2, t3);
  stats.stage_seconds += seconds(t3, t4);
  return Status::OK();
}

void Log::Impl::Fail(const Status& why) {
  {
    std::lock_guard lock(qmu);
    failed = why;
  }
  {
    std::lock_guard lock(state->mu);
    state->failure = why;
  }
  state->cv.notify_all();
  pub_cv.notify_all();
}

std::pair<std::string, Checkpoint> Log::Impl::PublishedCovering(uint64_t index) const {
  std::unique_lock lock(pub_mu);
  uint64_t durable;
  {
    std::lock_guard s(state->mu);
    durable = state->committed;
  }
  // Not on the committer's thread (an append callback): it signs the checkpoint waited for.
  if (index < durable && checkpoint.size <= index && std::this_thread::get_id() != committer.get_id()) {
    pub_cv.wait_for(lock, std::chrono::seconds(5), [&] {
      std::lock_guard s(state->mu);
      return checkpoint.size > index || !state->failure.ok();
    });
  }
  return {checkpoint_text, checkpoint};
}

void Log::Impl::SwitchJournal(uint64_t first) {
  std::lock_guard lock(spare_mu);
  if (!prepared) return;
  journal = std::move(prepared);
  std::swap(journal_path, spare_path);
  journal_from = first;
  journal_bytes = journal->bytes();
  std::lock_guard stats_lock(stats_mu);
  stats.base_syncs += 1;
}

void Log::Impl::PrepareSpare(uint64_t synced_size, const std::string& note) {
  std::lock_guard preparing(prepare_mu);
  std::string path;
  {
    std::lock_guard lock(spare_mu);
    // The spare still holds records at or past the synced size: they would be lost. A sync
    // asked for while the last one ran may come after the switch: the new journal is short.
    if (closing || prepared || synced_size < journal_from || journal_bytes <= options.journal_max_bytes) return;
    if (KeeperPausedLocked()) return;
    path = spare_path;  // stable: only this thread sets `prepared`, so no switch can come
  }
  // Records below the new base may hold attachments only the journal has durably.
  if (!KeeperHasThrough(synced_size)) return;
  auto j = Journal::Create(path, note);
  if (!j.ok()) return;  // the current journal goes on growing; a later sync tries again
  // Zeros written ahead here, off the committer's thread and in a file it is not syncing,
  // for as far as the journal will grow before it restarts: the committer then neither
  // writes zeros nor flushes them with its appends. In 1 MiB steps, each fdatasynced and
  // followed by a pause: a committer's fdatasync then waits for about 1 ms of zeros at most
  // (8 MiB steps without pauses raised p99 from 10 to 21 ms). Best effort (a journal with less
  // written ahead grows as it goes), and given up when the log closes.
  // At most 256 MiB: this holds up the tile writer, whose staged tiles must not pile up.
  const uint64_t ahead = std::min(options.journal_max_bytes, uint64_t(256) << 20) + kJournalGrowBytes;
  for (uint64_t at = (*j)->allocated(); at < ahead && !close_requested;) {
    at = std::min(ahead, at + kJournalGrowBytes);
    if (!(*j)->Reserve(at).ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // the committer's syncs go between
  }
  std::lock_guard lock(spare_mu);
  prepared = std::move(j.value());
}

bool Log::Impl::KeeperHasThrough(uint64_t tree_size) {
  using namespace std::chrono_literals;
  bool ok = !options.attachment_keeper || options.attachment_keeper->MakeDurable(tree_size).ok();
  {
    std::lock_guard lock(spare_mu);
    keeper_pause = ok ? 0ms : std::clamp(keeper_pause * 2, std::chrono::milliseconds(50), std::chrono::milliseconds(5000));
    keeper_retry_at = std::chrono::steady_clock::now() + keeper_pause;
  }
  if (ok) return true;
  std::lock_guard lock(stats_mu);
  stats.keeper_refusals += 1;
  return false;
}

Status Log::Impl::MakeBase(const std::string& note) {
  {
    // After this no spare is written: a close must not race one onto D/journal.
    close_requested = true;  // a spare being written ahead stops early
    std::lock_guard preparing(prepare_mu);
    std::lock_guard lock(spare_mu);
    closing = true;
    prepared.reset();
  }
  TG_RETURN_IF_ERROR(tiles->Drain());
  TG_RETURN_IF_ERROR(SyncFilesystem(dir));
  if (!KeeperHasThrough(size)) return Status::Unavailable("the attachment keeper could not sync; the journal stays");
  return StartJournals(note);
}

Status Log::Impl::StartJournals(const std::string& note) {
  // One durable journal based at `note` covers everything; the other file is then obsolete
  // (were it to survive a crash, its base is older and its records are all below `note`).
  auto j = Journal::Create(dir + "/" + kJournalFile, note);
  if (!j.ok()) return j.status();
  journal = std::move(j.value());
  ::unlink((dir + "/" + kSpareJournalFile).c_str());
  std::lock_guard lock(spare_mu);
  journal_path = dir + "/" + kJournalFile;
  spare_path = dir + "/" + kSpareJournalFile;
  journal_from = size;
  return Status::OK();
}

Status Log::Impl::Recover(JournalContents& jc, const NoteVerifier& verifier) {
  auto base = OpenCheckpoint(jc.base_note, verifier);
  if (!base.ok()) return Status::Corruption("journal base checkpoint: " + base.status().message());
  TG_RETURN_IF_ERROR(LoadRightEdge(*base));
  std::vector<Pending> replay;
  std::vector<Attachment> attachments;
  for (JournalRecord& r : jc.records) {
    for (size_t i = 0; i < r.entries.size(); ++i) {
      uint64_t index = r.first_index + i;
      if (index != size + replay.size())
        return Status::Corruption("journal record for index " + std::to_string(index) + " does not follow " +
                                  std::to_string(size + replay.size()));
      replay.push_back({r.entries[i], LeafHash(r.entries[i]), nullptr, {}});
      if (!r.attachments.empty() && !r.attachments[i].empty())
        attachments.push_back({index, replay.back().leaf, std::move(r.attachments[i])});
    }
  }
  // Starting the journal over would drop the attachments: only their keeper may allow that.
  if (!attachments.empty() && !options.attachment_keeper)
    return Status::InvalidArgument("the journal holds private attachments of " + std::to_string(attachments.size()) +
                                   " entries (audit records) that only their keeper can take: open this log with "
                                   "it (start the gateway that owns it) first");
  // Never roll back what was published: the checkpoint file on disk is written only after
  // the journal records it covers were durable.
  if (auto on_disk = ReadWholeFile(dir + "/" + kCheckpointFile); on_disk.ok()) {
    if (auto published = OpenCheckpoint(*on_disk, verifier); published.ok() && published->size > size + replay.size()) {
      return Status::Corruption("the journal ends at " + std::to_string(size + replay.size()) +
                                " entries but a published checkpoint covers " + std::to_string(published->size));
    }
  }
  std::string note_text = jc.base_note;
  if (!replay.empty()) {
    uint64_t from = size;
    TileFiles files;
    BuildFiles(replay, files);
    DiscardReplayedPartials(from);
    BatchWriter writer(dir, options.sync_threads, options.syncfs_above_files);
    for (auto& [tile, bytes] : files) TG_RETURN_IF_ERROR(writer.Add(TilePath(tile), std::move(bytes)));
    TG_RETURN_IF_ERROR(writer.Commit());
    auto note = SignNote(FormatCheckpoint({signer.name(), size, RightEdgeRoot()}), signer);
    if (!note.ok()) return note.status();
    note_text = *note;
  }
  TG_RETURN_IF_ERROR(ReplaceFileDurably(dir + "/" + kCheckpointFile, note_text));
  if (!attachments.empty()) {
    Status kept = options.attachment_keeper->Restore(std::move(attachments));
    if (!kept.ok()) return Status(kept.code(), "restoring the journal's attachments: " + kept.message());
  }
  TG_RETURN_IF_ERROR(StartJournals(note_text));
  checkpoint_text = note_text;
  checkpoint = {signer.name(), size, RightEdgeRoot()};
  signed_size = size;
  return Status::OK();
}

void Log::Impl::FailAll(std::vector<Pending>& batch, const Status& s) {
  for (Pending& p : batch)
    if (p.done) p.done(s);
}

void Log::Impl::Run() {
  NameThisThread("tg-log-commit");
  auto fail = [this](std::vector<Pending>& batch, const Status& s) {
    Status why(s.code(), "audit log commit failed: " + s.message());
    Fail(why);
    FailAll(batch, why);
  };
  while (true) {
    std::vector<Pending> batch;
    {
      std::unique_lock lock(qmu);
      if (pending.empty() && signed_size < size && failed.ok()) {
        // Nothing waits: publish what the last commits made durable.
        lock.unlock();
        if (Status s = Publish(); !s.ok()) Fail(Status(s.code(), "audit log checkpoint failed: " + s.message()));
        continue;
      }
      qcv.wait(lock, [&] { return !pending.empty() || stopping; });
      if (pending.empty()) return;  // stopping, drained
      if (!stopping && pending.size() < options.max_batch_entries) {
        auto deadline = first_pending + options.max_batch_wait;
        qcv.wait_until(lock, deadline, [&] {
          return stopping || pending.size() >= options.max_batch_entries ||
                 (options.commit_when_as_many_as_last && pending.size() >= enough);
        });
      }
      if (pending.size() <= options.max_batch_entries) {
        batch.swap(pending);
      } else {
        batch.assign(std::make_move_iterator(pending.begin()),
                     std::make_move_iterator(pending.begin() + long(options.max_batch_entries)));
        pending.erase(pending.begin(), pending.begin() + long(options.max_batch_entries));
      }
      first_pending = std::chrono::steady_clock::now();
      enough = std::max<size_t>(batch.size(), 1);
      if (!failed.ok()) {
        Status s = failed;
        lock.unlock();
        FailAll(batch, s);
        continue;
      }
    }
    if (Status s = Commit(batch); !s.ok()) {
      fail(batch, s);
      continue;
    }
    // Durable. With nothing else pending, sign before answering, as no one is kept waiting.
    // Otherwise answer first, and sign once checkpoint_interval has passed since the last
    // signature: the next commit's clients wait for no signature, and one covers several
    // commits.
    bool idle;
    {
      std::lock_guard lock(qmu);
      idle = pending.empty() || stopping;
    }
    bool due = std::chrono::steady_clock::now() - last_signed >= options.checkpoint_interval;
    if (idle || options.checkpoint_interval.count() == 0) {
      if (Status s = Publish(); !s.ok()) {
        fail(batch, s);
        continue;
      }
    }
    uint64_t first = size - batch.size();
    {
      std::lock_guard lock(state->mu);
      state->committed = size;
    }
    state->cv.notify_all();
    for (size_t i = 0; i < batch.size(); ++i)
      if (batch[i].done) batch[i].done(first + i);
    if (!idle && due && signed_size < size) {
      if (Status s = Publish(); !s.ok()) Fail(Status(s.code(), "audit log checkpoint failed: " + s.message()));
    }
  }
}

Result<uint64_t> Log::Impl::Enqueue(std::string entry, AppendCallback done, std::string attachment) {
  if (entry.size() > kMaxEntryBytes)
    return Status::InvalidArgument("log entry of " + std::to_string(entry.size()) + " bytes exceeds 65535");
  if (!attachment.empty() && !options.attachment_keeper)
    return Status::InvalidArgument("this log has no attachment keeper, so it takes no attachments");
  if (attachment.size() > kMaxAttachmentBytes)
    return Status::InvalidArgument("an attachment of " + std::to_string(attachment.size()) + " bytes exceeds " +
                                   std::to_string(kMaxAttachmentBytes));
  Hash leaf = LeafHash(entry);
  std::lock_guard lock(qmu);
  if (!failed.ok()) return failed;
  if (stopping) return Status::Unavailable("log is closing");
  uint64_t index = next_index++;
  if (pending.empty()) first_pending = std::chrono::steady_clock::now();
  pending.push_back({std::move(entry), leaf, std::move(done), std::move(attachment)});
  if (pending.size() == 1 || pending.size() == enough || pending.size() >= options.max_batch_entries) qcv.notify_one();
  return index;
}

Log::Log(std::unique_ptr<Impl> impl) : impl_(std::move(impl)), dir_(impl_->dir) {}

Log::~Log() {
  {
    std::lock_guard lock(impl_->qmu);
    impl_->stopping = true;
  }
  impl_->qcv.notify_all();
  if (impl_->committer.joinable()) impl_->committer.join();
  // A clean close leaves an empty journal, so the next Open replays nothing.
  if (impl_->journal && impl_->failed.ok() && impl_->stats.batches > 0) {
    (void)impl_->MakeBase(impl_->checkpoint_text);
  }
}

Result<std::string> Log::Init(const std::string& dir, const std::string& origin, const LogOptions& options) {
  TG_RETURN_IF_ERROR(CheckKeyName(origin));
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    return Status::IOError("mkdir " + dir + ": " + std::strerror(errno));
  if (PathExists(dir + "/" + kCheckpointFile) || PathExists(dir + "/tile"))
    return Status::AlreadyExists("a log already exists in " + dir);
  auto signer = NoteSigner::Generate(origin);
  if (!signer.ok()) return signer.status();
  TG_RETURN_IF_ERROR(ReplaceFileDurably(KeyPath(dir, options), signer->PrivateKey() + "\n", 0600));
  ::chmod(KeyPath(dir, options).c_str(), 0600);
  TG_RETURN_IF_ERROR(ReplaceFileDurably(dir + "/" + kVkeyFile, signer->VerifierKey() + "\n"));
  auto note = SignNote(FormatCheckpoint({origin, 0, EmptyRoot()}), *signer);
  if (!note.ok()) return note.status();
  TG_RETURN_IF_ERROR(ReplaceFileDurably(dir + "/" + kCheckpointFile, *note));
  return signer->VerifierKey();
}

namespace {
// The journal to replay: D/journal, or when the spare D/journal.2 exists too, the two
// merged (the newer base, and the older file's records from there on before the newer's).
Result<JournalContents> ReadJournals(const std::string& dir, const NoteVerifier& verifier) {
  auto a = Journal::Read(dir + "/" + kJournalFile);
  auto b = Journal::Read(dir + "/" + kSpareJournalFile);
  if (!b.ok() && b.status().code() == Code::kNotFound) return a;
  if (!a.ok() && a.status().code() == Code::kNotFound) return b;
  if (!a.ok()) return a.status();
  if (!b.ok()) return b.status();
  auto base_a = OpenCheckpoint(a->base_note, verifier);
  auto base_b = OpenCheckpoint(b->base_note, verifier);
  if (!base_a.ok()) return Status::Corruption(dir + "/" + kJournalFile + " base: " + base_a.status().message());
  if (!base_b.ok()) return Status::Corruption(dir + "/" + kSpareJournalFile + " base: " + base_b.status().message());
  auto first = [](const JournalContents& c) { return c.records.empty() ? 0 : c.records.front().first_index; };
  bool b_newer = base_b->size > base_a->size || (base_b->size == base_a->size && first(*b) > first(*a));
  JournalContents& newer = b_newer ? *b : *a;
  JournalContents& older = b_newer ? *a : *b;
  return MergeJournals(std::move(older), std::move(newer), std::max(base_a->size, base_b->size));
}
}  // namespace

// Two processes appending to one directory would each sign checkpoints of the same sizes
// with different roots: two histories, the fork a transparency log exists to rule out. So
// the process that opens a log holds D/lock for as long as it has it open.
Status Log::Impl::TakeWriterLock() {
  std::string path = dir + "/lock";
  lock_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) return Status::IOError("open " + path + ": " + std::strerror(errno));
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) == 0) return Status::OK();
  int error = errno;
  if (error == EWOULDBLOCK)
    return Status::Unavailable("the log " + dir +
                               " is open in another process (a gateway serving it?); a log has one writer at a "
                               "time, or it would sign two histories. Ask that process (GET /v1/audit/proof, "
                               "/log/checkpoint) or stop it first");
  return Status::IOError("lock " + path + ": " + std::strerror(error));
}

Result<std::unique_ptr<Log>> Log::Open(const std::string& dir, const LogOptions& options) {
  auto key_text = ReadWholeFile(KeyPath(dir, options));
  if (!key_text.ok()) return Status(key_text.status().code(), "log signing key: " + key_text.status().message());
  auto signer = NoteSigner::FromPrivateKey(*key_text);
  if (!signer.ok()) return signer.status();
  auto vkey_text = ReadWholeFile(dir + "/" + kVkeyFile);
  if (!vkey_text.ok()) return vkey_text.status();
  auto verifier = NoteVerifier::Parse(*vkey_text);
  if (!verifier.ok()) return verifier.status();
  if (verifier->key_id() != signer->key_id() || verifier->name() != signer->name())
    return Status::InvalidArgument("the signing key does not match " + dir + "/vkey");
  auto impl = std::make_unique<Impl>(dir, options, std::move(*signer));
  TG_RETURN_IF_ERROR(impl->TakeWriterLock());  // before recovery writes anything
  auto journal = ReadJournals(dir, *verifier);
  if (journal.ok()) {
    // The journal's base is durable with its tiles; what came after is in the journal.
    TG_RETURN_IF_ERROR(impl->Recover(*journal, *verifier));
  } else if (journal.status().code() == Code::kNotFound) {
    // A log made before journals (or never opened): its checkpoint file is the base.
    auto note = ReadWholeFile(dir + "/" + kCheckpointFile);
    if (!note.ok()) return note.status();
    JournalContents none;
    none.base_note = std::move(*note);
    TG_RETURN_IF_ERROR(impl->Recover(none, *verifier));
  } else {
    return journal.status();
  }
  impl->DiscardPastCheckpoint();
  TileStore::Options tile_options;
  tile_options.threads = options.tile_writer_threads;
  tile_options.delay = options.tile_write_delay;
  tile_options.max_staged_bytes = options.max_unwritten_tile_bytes;
  tile_options.checkpoint_file = kCheckpointFile;
  Impl* self = impl.get();
  tile_options.on_synced = [self](uint64_t synced, const std::string& note) { self->PrepareSpare(synced, note); };
  impl->tiles = std::make_unique<TileStore>(dir, impl->size, impl->checkpoint_text, tile_options);
  impl->next_index = impl->size;
  impl->state->committed = impl->size;
  Impl* raw = impl.get();
  impl->committer = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<Log>(new Log(std::move(impl)));
}

Result<Ticket> Log::Append(std::string entry) {
  auto index = impl_->Enqueue(std::move(entry), nullptr);
  if (!index.ok()) return index.status();
  return Ticket(impl_->state, *index);
}

Result<uint64_t> Log::Append(std::string entry, AppendCallback done) {
  return impl_->Enqueue(std::move(entry), std::move(done));
}

Result<uint64_t> Log::Append(std::string entry, std::string attachment, AppendCallback done) {
  return impl_->Enqueue(std::move(entry), std::move(done), std::move(attachment));
}

LogStats Log::Stats() const {
  LogStats out;
  {
    std::lock_guard lock(impl_->stats_mu);
    out = impl_->stats;
  }
  auto t = impl_->tiles->GetStats();
  out.tile_rounds = t.rounds;
  out.files_written = t.files;
  out.write_seconds = t.write_seconds;
  return out;
}

Status Log::Flush() {
  TG_RETURN_IF_ERROR(impl_->tiles->Drain());
  return SyncFilesystem(dir_);
}

std::string Log::CheckpointText() const { return impl_->Published().first; }
Checkpoint Log::CurrentCheckpoint() const { return impl_->Published().second; }
const std::string& Log::origin() const { return impl_->signer.name(); }
const std::string& Log::verifier_key() const { return impl_->vkey; }

namespace {
Status CheckSize(uint64_t want, uint64_t have) {
  if (want > have)
    return Status::InvalidArgument("tree size " + std::to_string(want) + " exceeds the checkpoint's " +
                                   std::to_string(have));
  return Status::OK();
}
}  // namespace

Result<std::vector<Hash>> Log::InclusionProof(uint64_t index, uint64_t tree_size) const {
  uint64_t current = (tree_size == 0 ? impl_->PublishedCovering(index) : impl_->Published()).second.size;
  if (tree_size == 0) tree_size = current;
  TG_RETURN_IF_ERROR(CheckSize(tree_size, current));
  return BuildInclusionProof(index, tree_size, impl_->reader.ReaderFor(current));
}

Result<std::vector<Hash>> Log::ConsistencyProof(uint64_t old_size, uint64_t new_size) const {
  uint64_t current = impl_->Published().second.size;
  if (new_size == 0) new_size = current;
  TG_RETURN_IF_ERROR(CheckSize(new_size, current));
  return BuildConsistencyProof(old_size, new_size, impl_->reader.ReaderFor(current));
}

Result<Hash> Log::RootAt(uint64_t tree_size) const {
  uint64_t current = impl_->Published().second.size;
  TG_RETURN_IF_ERROR(CheckSize(tree_size, current));
  return TreeRoot(tree_size, impl_->reader.ReaderFor(current));
}

Result<std::string> Log::TlogProofText(uint64_t index) const {
  auto [text, cp] = impl_->PublishedCovering(index);
  auto path = BuildInclusionProof(index, cp.size, impl_->reader.ReaderFor(cp.size));
  if (!path.ok()) return path.status();
  TlogProof proof;
  proof.index = index;
  proof.path = std::move(*path);
  proof.checkpoint = std::move(text);
  return FormatTlogProof(proof);
}

Result<std::string> Log::ReadEntry(uint64_t index) const {
  uint64_t size = impl_->PublishedCovering(index).second.size;
  if (index >= size)
    return Status::NotFound("entry " + std::to_string(index) + " is not in the log of size " + std::to_string(size));
  TileRef t{kEntriesLevel, index / kTileWidth, unsigned(kTileWidth)};
  if ((t.index + 1) * kTileWidth > size) t.width = unsigned(size % kTileWidth);
  auto bytes = impl_->tiles->Read(t);
  if (!bytes.ok()) return Status::Corruption("entry bundle " + TilePath(t) + ": " + bytes.status().message());
  auto entries = SplitBundle(*bytes);
  if (!entries.ok() || entries->size() != t.width) return Status::Corruption("entry bundle " + TilePath(t) + " is damaged");
  return std::string((*entries)[index % kTileWidth]);
}

Result<std::string> Log::ReadTile(std::string_view path) const {
  auto tile = ParseTilePath(path);
  if (!tile.ok()) return tile.status();
  if (!TileWithin(*tile, impl_->Published().second.size))
    return Status::NotFound(std::string(path) + " is not covered by the checkpoint");
  auto bytes = impl_->tiles->Read(*tile);
  if (!bytes.ok() && bytes.status().code() == Code::kNotFound)
    return Status::NotFound(std::string(path) + " was never published");
  return bytes;
}

}  // namespace tg::ledger
