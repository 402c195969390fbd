#include "ledger/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "ledger/files.h"
#include "ledger/hash.h"
#include "ledger/tiles.h"

namespace tg::ledger {

namespace {

constexpr char kHeaderMagic[] = "TGJ1";
constexpr char kRecordMagic[] = "TGJR";      // entries only
constexpr char kAttachedMagic[] = "TGJA";    // entries, each with its attachment
constexpr size_t kRecordFixed = 4 + 8 + 4 + 4;  // magic, first index, count, payload length
// One append is split into records of at most this payload (the length field is 32 bits).
constexpr size_t kMaxRecordPayload = size_t(256) << 20;
// Zeros are written ahead in pieces of this size.
constexpr size_t kZeroChunk = size_t(1) << 20;

void PutU32(std::string& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xFF));
}
void PutU64(std::string& out, uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xFF));
}
uint64_t GetBE(std::string_view in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  return v;
}
void PutHash(std::string& out) {
  Hash h = Sha256(out);
  out.append(reinterpret_cast<const char*>(h.data()), h.size());
}
bool HashMatches(std::string_view covered, std::string_view stored) {
  Hash h = Sha256(covered);
  return stored.size() == h.size() && std::memcmp(stored.data(), h.data(), h.size()) == 0;
}
}  // namespace

namespace {
std::string Header(const std::string& base_note) {
  std::string header = kHeaderMagic;
  PutU32(header, static_cast<uint32_t>(base_note.size()));
  header += base_note;
  PutHash(header);
  return header;
}
}  // namespace

Result<std::unique_ptr<Journal>> Journal::Create(const std::string& path, const std::string& base_note) {
  std::string header = Header(base_note);
  size_t header_size = header.size();
  // Zeros to the end of the header's block: the file is then a whole number of blocks,
  // which direct writes need, and reads as a journal with no records (zeros after them).
  header.resize((header.size() + kBlock - 1) / kBlock * kBlock, '\0');
  TG_RETURN_IF_ERROR(ReplaceFileDurably(path, header, 0600));
  // Direct I/O: the records go from our buffer to the disk without page-cache pages, which
  // on a VM cost a host page fault each when fresh (docs/log-format.md, "Whole blocks,
  // written directly"). Where the filesystem refuses it, buffered writes do the same work.
  bool direct = true;
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_DIRECT);
  if (fd < 0 && errno == EINVAL) {
    direct = false;
    fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  }
  if (fd < 0) return Status::IOError("open " + path + ": " + std::strerror(errno));
  auto j = std::unique_ptr<Journal>(new Journal(path, fd, header_size, header.size(), direct));
  j->tail_.assign(header, header_size - header_size % kBlock, header_size % kBlock);
  return j;
}

Journal::~Journal() {
  ::close(fd_);
  std::free(buffer_);
}

char* Journal::Buffer(size_t size) {
  if (size > buffer_size_) {
    size_t want = std::max(size, buffer_size_ * 2);
    void* p = std::aligned_alloc(kBlock, want);
    if (p == nullptr) return nullptr;
    std::free(buffer_);
    buffer_ = static_cast<char*>(p);
    buffer_size_ = want;
  }
  return buffer_;
}

Status Journal::WriteBlocks(std::string_view bytes, uint64_t offset) {
  int error = 0;
  Status s = WriteAt(fd_, bytes, offset, path_, &error);
  if (s.ok() || !direct_ || error != EINVAL) return s;
  // The filesystem opened the file for direct I/O yet refuses the write (an alignment it
  // needs beyond kBlock): go on buffered, from the start of these blocks.
  int fd = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return Status::IOError("open " + path_ + ": " + std::strerror(errno));
  ::close(fd_);
  fd_ = fd;
  direct_ = false;
  return WriteAt(fd_, bytes, offset, path_);
}

namespace {
// Appends to `out` the records holding entries [from, to) with their attachments, if any.
void PutRecord(std::string& out, uint64_t first_index, const std::vector<std::string_view>& entries,
               const std::vector<std::string_view>& attachments, size_t from, size_t to, size_t payload) {
  size_t start = out.size();
  out += attachments.empty() ? kRecordMagic : kAttachedMagic;
  PutU64(out, first_index + from);
  PutU32(out, static_cast<uint32_t>(to - from));
  PutU32(out, static_cast<uint32_t>(payload));
  for (size_t i = from; i < to; ++i) {
    AppendToBundle(out, entries[i]);
    if (!attachments.empty()) {
      PutU32(out, static_cast<uint32_t>(attachments[i].size()));
      out += attachments[i];
    }
  }
  Hash h = Sha256(std::string_view(out).substr(start));
  out.append(reinterpret_cast<const char*>(h.data()), h.size());
}
}  // namespace

Status Journal::Append(uint64_t first_index, const std::vector<std::string_view>& entries,
                       const std::vector<std::string_view>& attachments) {
  if (!attachments.empty() && attachments.size() != entries.size())
    return Status::Internal("journal append: " + std::to_string(attachments.size()) + " attachments for " +
                            std::to_string(entries.size()) + " entries");
  // Records of at most kMaxRecordPayload, all written with one fdatasync.
  size_t total = kRecordFixed + 32;
  for (size_t i = 0; i < entries.size(); ++i) total += 6 + entries[i].size() + (attachments.empty() ? 0 : attachments[i].size());
  std::string rec;
  rec.reserve(total);
  size_t from = 0, payload = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!attachments.empty() && attachments[i].size() > kMaxAttachmentBytes)
      return Status::InvalidArgument("journal append: an attachment of " + std::to_string(attachments[i].size()) +
                                     " bytes exceeds " + std::to_string(kMaxAttachmentBytes));
    size_t add = 2 + entries[i].size() + (attachments.empty() ? 0 : 4 + attachments[i].size());
    if (i > from && payload + add > kMaxRecordPayload) {
      PutRecord(rec, first_index, entries, attachments, from, i, payload);
      from = i;
      payload = 0;
    }
    payload += add;
  }
  if (from < entries.size() || entries.empty()) PutRecord(rec, first_index, entries, attachments, from, entries.size(), payload);
  if (bytes_ + rec.size() > allocated_) TG_RETURN_IF_ERROR(Grow(bytes_ + rec.size()));
  // Whole blocks from the one the last record ended in: its start (kept in tail_), the
  // record, zeros to the block's end (the zeros written ahead are there already).
  uint64_t start = bytes_ - tail_.size();
  size_t len = (tail_.size() + rec.size() + kBlock - 1) / kBlock * kBlock;
  char* buf = Buffer(len);
  if (buf == nullptr) return Status::ResourceExhausted("journal append: no memory for " + std::to_string(len) + " bytes");
  std::memcpy(buf, tail_.data(), tail_.size());
  std::memcpy(buf + tail_.size(), rec.data(), rec.size());
  std::memset(buf + tail_.size() + rec.size(), 0, len - tail_.size() - rec.size());
  TG_RETURN_IF_ERROR(WriteBlocks(std::string_view(buf, len), start));
  if (::fdatasync(fd_) != 0) return Status::IOError(std::string("journal fdatasync: ") + std::strerror(errno));
  bytes_ += rec.size();
  size_t keep = size_t(bytes_ % kBlock);
  tail_.assign(buf + tail_.size() + rec.size() - keep, keep);
  return Status::OK();
}

namespace {
// kZeroChunk zero bytes, block-aligned for direct writes; null when out of memory.
const char* Zeros() {
  static const char* zeros = [] {
    void* p = std::aligned_alloc(Journal::kBlock, kZeroChunk);
    if (p != nullptr) std::memset(p, 0, kZeroChunk);
    return static_cast<const char*>(p);
  }();
  return zeros;
}
}  // namespace

// Real zeros, not fallocate: ext4 keeps fallocated blocks "unwritten", and converting them
// on first write is a metadata update each fdatasync would have to carry.
Status Journal::WriteZeros(uint64_t from, uint64_t to) {
  const char* zeros = Zeros();
  if (zeros == nullptr) return Status::ResourceExhausted("journal: no memory for a block of zeros");
  for (uint64_t at = from; at < to;) {
    size_t n = size_t(std::min<uint64_t>(kZeroChunk, to - at));
    TG_RETURN_IF_ERROR(WriteBlocks(std::string_view(zeros, n), at));
    at += n;
  }
  return Status::OK();
}

Status Journal::Grow(uint64_t needed) {
  uint64_t target = (needed + kJournalGrowBytes + kBlock - 1) / kBlock * kBlock;
  TG_RETURN_IF_ERROR(WriteZeros(allocated_, target));
  allocated_ = target;  // made durable by the fdatasync of the append that needed it
  return Status::OK();
}

Status Journal::Reserve(uint64_t size) {
  uint64_t target = (size + kBlock - 1) / kBlock * kBlock;
  if (target <= allocated_) return Status::OK();
  TG_RETURN_IF_ERROR(WriteZeros(allocated_, target));
  if (::fdatasync(fd_) != 0) return Status::IOError("journal fdatasync: " + std::string(std::strerror(errno)));
  allocated_ = target;
  return Status::OK();
}

namespace {
// The entries (and attachments) of a record's payload; false when it is malformed.
bool SplitPayload(std::string_view payload, bool attached, JournalRecord& r) {
  if (!attached) {
    auto entries = SplitBundle(payload);
    if (!entries.ok()) return false;
    r.entries.assign(entries->begin(), entries->end());
    return true;
  }
  size_t at = 0;
  while (at < payload.size()) {
    if (payload.size() - at < 2) return false;
    size_t n = GetBE(payload, at, 2);
    if (payload.size() - at - 2 < n + 4) return false;
    r.entries.emplace_back(payload.substr(at + 2, n));
    at += 2 + n;
    size_t m = GetBE(payload, at, 4);
    if (payload.size() - at - 4 < m) return false;
    r.attachments.emplace_back(payload.substr(at + 4, m));
    at += 4 + m;
  }
  return true;
}
}  // namespace

Result<JournalContents> MergeJournals(JournalContents older, JournalContents newer, uint64_t base) {
  if (older.torn_tail && !newer.records.empty())
    return Status::Corruption("the older journal file ends in a damaged record, yet the newer one continues it");
  JournalContents out;
  out.base_note = std::move(newer.base_note);
  uint64_t next = base;
  for (JournalRecord& r : older.records) {
    uint64_t end = r.first_index + r.entries.size();
    if (end <= base) continue;  // below the newer base: durable in the tiles (and the keeper)
    if (r.first_index > next)
      return Status::Corruption("the journal files leave out entries " + std::to_string(next) + " to " +
                                std::to_string(r.first_index - 1));
    if (size_t skip = next - r.first_index; skip > 0) {  // a record across the base: keep its tail
      r.entries.erase(r.entries.begin(), r.entries.begin() + long(skip));
      if (!r.attachments.empty()) r.attachments.erase(r.attachments.begin(), r.attachments.begin() + long(skip));
      r.first_index = next;
    }
    next = end;
    out.records.push_back(std::move(r));
  }
  for (JournalRecord& r : newer.records) {
    if (r.first_index != next)
      return Status::Corruption("the newer journal file starts at entry " + std::to_string(r.first_index) +
                                " where the older one ends at " + std::to_string(next));
    next += r.entries.size();
    out.records.push_back(std::move(r));
  }
  out.torn_tail = newer.records.empty() ? older.torn_tail : newer.torn_tail;
  return out;
}

Result<JournalContents> Journal::Read(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no such file: " + path);
    return Status::IOError("open " + path + ": " + std::strerror(errno));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::IOError("stat " + path + ": " + std::strerror(errno));
  // The zeros written ahead (up to 257 MiB in a spare journal) are found from the end a
  // block at a time and not read into memory with the records.
  uint64_t end = uint64_t(st.st_size);
  std::string block(size_t(1) << 20, '\0');
  while (end > 0) {
    uint64_t from = end > block.size() ? end - block.size() : 0;
    auto n = ReadAt(fd, block.data(), size_t(end - from), from, path);
    if (!n.ok()) return n.status();
    size_t last = std::string_view(block.data(), *n).find_last_not_of('\0');
    if (last != std::string_view::npos) {
      end = from + last + 1;
      break;
    }
    end = from;
  }
  // Parse finds the records' end itself; the last record may end in zero bytes (its hash),
  // so some of the zeros after the last non-zero byte go with it.
  end = std::min<uint64_t>(uint64_t(st.st_size), end + 4096);
  std::string data(size_t(end), '\0');
  auto n = ReadAt(fd, data.data(), data.size(), 0, path);
  if (!n.ok()) return n.status();
  data.resize(*n);
  return Parse(data, path);
}

Result<JournalContents> Journal::Parse(std::string_view in, const std::string& path) {
  if (in.size() < 8 || in.substr(0, 4) != kHeaderMagic) return Status::Corruption(path + ": not a log journal");
  uint64_t note_len = GetBE(in, 4, 4);
  if (in.size() < 8 + note_len + 32 || !HashMatches(in.substr(0, 8 + note_len), in.substr(8 + note_len, 32)))
    return Status::Corruption(path + ": damaged journal header");
  JournalContents out;
  out.base_note = std::string(in.substr(8, note_len));
  size_t at = 8 + note_len + 32;
  // Past the last non-zero byte there are only the zeros written ahead of appends.
  size_t data_end = in.size();
  while (data_end > at && in[data_end - 1] == '\0') --data_end;
  while (at < data_end) {
    // A crash mid-append leaves a short or unhashed record at the very end: it was never
    // acknowledged, so it is cut off. A bad record with more data after it is damage.
    auto bad = [&](uint64_t declared_end) -> Status {
      if (declared_end < data_end)
        return Status::Corruption(path + ": damaged record at byte " + std::to_string(at));
      return Status::OK();
    };
    bool attached = in.size() - at >= 4 && in.substr(at, 4) == kAttachedMagic;
    if (in.size() - at < kRecordFixed || (!attached && in.substr(at, 4) != kRecordMagic)) {
      if (data_end - at >= kRecordFixed) return Status::Corruption(path + ": no record at byte " + std::to_string(at));
      break;
    }
    uint64_t first = GetBE(in, at + 4, 8);
    uint64_t count = GetBE(in, at + 12, 4);
    uint64_t len = GetBE(in, at + 16, 4);
    uint64_t end = at + kRecordFixed + len + 32;
    if (end > in.size()) break;
    if (!HashMatches(in.substr(at, kRecordFixed + len), in.substr(at + kRecordFixed + len, 32))) {
      TG_RETURN_IF_ERROR(bad(end));
      break;
    }
    JournalRecord r;
    r.first_index = first;
    if (!SplitPayload(in.substr(at + kRecordFixed, len), attached, r) || r.entries.size() != count) {
      TG_RETURN_IF_ERROR(bad(end));
      break;
    }
    out.records.push_back(std::move(r));
    at = end;
  }
  // A record may itself end in zero bytes, so the tail is torn only if data lies past it.
  out.torn_tail = at < data_end;
  out.end = at;
  return out;
}

}  // namespace tg::ledger
