#include "gateway/audit_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "base/crc32c.h"
#include "ledger/commitment.h"
#include "ledger/files.h"
#include "ledger/hash.h"

namespace tg::gateway {

namespace {

namespace fs = std::filesystem;

constexpr char kRecordsMagic[8] = {'T', 'G', 'A', 'U', 'D', 'R', 'C', '1'};
constexpr char kIndexMagic[8] = {'T', 'G', 'A', 'U', 'D', 'I', 'X', '1'};
constexpr uint64_t kRecordsHeader = 8;
constexpr uint64_t kIndexHeader = 32;  // magic, base, durable end, zero
constexpr uint64_t kFrameHead = 8;     // body length, CRC-32C of the body
constexpr uint64_t kBodyFixed = 8 + 32 + 4;  // index, leaf hash, salt length
// The log takes attachments of at most 16 MiB; a longer length is damage, not a record.
constexpr uint64_t kMaxBody = kBodyFixed + (uint64_t(16) << 20);
constexpr uint64_t kBlock = 4096;  // direct writes start and end on block boundaries

void Put32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
void Put64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
uint32_t Get32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint64_t Get64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

Status Errno(const std::string& what) { return Status::IOError(what + ": " + std::strerror(errno)); }

// Reads exactly n bytes; false at end of file (a short file is a torn tail, not an error).
Result<bool> PreadAll(int fd, char* out, size_t n, uint64_t offset, const std::string& name) {
  auto got = ledger::ReadAt(fd, out, n, offset, name);
  if (!got.ok()) return got.status();
  return *got == n;
}

Result<uint64_t> FileSize(int fd, const std::string& name) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Errno("stat " + name);
  return uint64_t(st.st_size);
}

}  // namespace

AuditFiles::~AuditFiles() {
  if (!read_only_ && records_fd_ >= 0 && index_fd_ >= 0) (void)Flush();  // else the journal replays them
  for (int fd : {records_fd_, direct_fd_, index_fd_, lock_fd_})
    if (fd >= 0) ::close(fd);  // closing the lock file releases the flock
  std::free(buf_);
}

Result<std::unique_ptr<AuditFiles>> AuditFiles::Open(const std::string& dir, bool read_only) {
  std::unique_ptr<AuditFiles> f(new AuditFiles());
  f->dir_ = dir;
  f->read_only_ = read_only;
  std::error_code ec;
  if (!read_only) {
    fs::create_directories(dir, ec);
    if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  } else if (!fs::is_directory(dir, ec)) {
    return Status::NotFound(dir + " is not an audit store (no such directory)");
  }
  int flags = read_only ? O_RDONLY : (O_RDWR | O_CREAT);
  if (!read_only) {
    f->lock_fd_ = ::open((dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (f->lock_fd_ < 0) return Errno("open " + dir + "/lock");
    if (::flock(f->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK)
        return Status::Unavailable("the audit store " + dir + " is in use by another writer (a gateway serving it?)");
      return Errno("lock " + dir + "/lock");
    }
  }
  f->records_fd_ = ::open((dir + "/records").c_str(), flags | O_CLOEXEC, 0600);
  if (f->records_fd_ < 0) return Errno("open " + dir + "/records");
  if (!read_only) f->direct_fd_ = ::open((dir + "/records").c_str(), O_RDWR | O_CLOEXEC | O_DIRECT);  // -1: buffered
  f->index_fd_ = ::open((dir + "/index").c_str(), flags | O_CLOEXEC, 0600);
  if (f->index_fd_ < 0) return Errno("open " + dir + "/index");
  TG_RETURN_IF_ERROR(f->Load());
  return f;
}

Status AuditFiles::WriteHeader() {
  std::string h(kIndexMagic, sizeof kIndexMagic);
  Put64(h, base());
  Put64(h, durable_end());
  Put64(h, 0);
  return ledger::WriteAt(index_fd_, h, 0, dir_ + "/index");
}

Status AuditFiles::Load() {
  auto records_size_or = FileSize(records_fd_, dir_ + "/records");
  if (!records_size_or.ok()) return records_size_or.status();
  uint64_t records_size = *records_size_or;
  auto index_size_or = FileSize(index_fd_, dir_ + "/index");
  if (!index_size_or.ok()) return index_size_or.status();
  uint64_t index_size = *index_size_or;
  // New, or a crash came before the first header was written (a reader sees no rows).
  if (records_size <= kRecordsHeader && index_size < kIndexHeader) {
    if (read_only_) return Status::OK();
    TG_RETURN_IF_ERROR(ledger::WriteAt(records_fd_, std::string(kRecordsMagic, sizeof kRecordsMagic), 0, dir_ + "/records"));
    TG_RETURN_IF_ERROR(LoadTail(kRecordsHeader));
    TG_RETURN_IF_ERROR(WriteHeader());
    TG_RETURN_IF_ERROR(Sync());
    return ledger::SyncDirectory(dir_);  // the new files' names
  }
  char head[kIndexHeader];
  auto head_read = PreadAll(index_fd_, head, sizeof head, 0, dir_ + "/index");
  if (!head_read.ok()) return head_read.status();
  bool whole = *head_read;
  char magic[8];
  auto magic_read = PreadAll(records_fd_, magic, sizeof magic, 0, dir_ + "/records");
  if (!magic_read.ok()) return magic_read.status();
  bool has_magic = *magic_read;
  if (!whole || std::memcmp(head, kIndexMagic, 8) != 0 || !has_magic || std::memcmp(magic, kRecordsMagic, 8) != 0)
    return Status::Corruption(dir_ + " does not hold an audit store (docs/audit-store-format.md): bad file headers");
  base_ = Get64(head + 8);
  uint64_t durable = Get64(head + 16);
  uint64_t entries = (index_size - kIndexHeader) / 8;
  if (durable < base() || durable - base() > entries)
    return Status::Corruption(dir_ + "/index: " + std::to_string(entries) + " rows from index " + std::to_string(base()) +
                              ", but its header says rows up to " + std::to_string(durable) + " are durable");
  durable_end_ = durable;
  count_ = durable - base();
  // Past the durable rows, keep each row whose frame reads back and follows the one before.
  uint64_t expected = kRecordsHeader;
  if (count_ > 0) {
    auto last_offset = FrameOffset(base() + count_ - 1);
    if (!last_offset.ok()) return last_offset.status();
    uint64_t last = *last_offset;
    AuditRow row;
    auto last_frame = ReadFrame(base() + count_ - 1, last, &row);
    if (!last_frame.ok()) return last_frame.status();
    expected = last + *last_frame;
  }
  while (count_ < entries) {
    uint64_t index = base() + count_;
    auto offset = FrameOffset(index);
    if (!offset.ok()) return offset.status();
    AuditRow row;
    auto frame = *offset == expected ? ReadFrame(index, *offset, &row) : Result<uint64_t>(Status::Corruption("out of place"));
    if (!frame.ok()) {
      if (frame.status().code() == Code::kIOError) return frame.status();
      break;
    }
    ++checked_at_open_;
    expected += *frame;
    count_ += 1;
  }
  cut_at_open_ = entries - count_;
  written_count_ = count_.load();
  if (read_only_) return Status::OK();
  // Past the last frame: a torn tail, or the zeros that fill a direct write's last block.
  if (cut_at_open_ > 0 && ::ftruncate(index_fd_, off_t(kIndexHeader + 8 * count_)) != 0)
    return Errno("truncate " + dir_ + "/index");
  if (records_size != expected && ::ftruncate(records_fd_, off_t(expected)) != 0)
    return Errno("truncate " + dir_ + "/records");
  return LoadTail(expected);
}

bool AuditFiles::Reserve(size_t bytes) {
  if (bytes <= buf_cap_) return true;
  size_t want = std::max<size_t>((bytes + kBlock - 1) / kBlock * kBlock, std::max<size_t>(buf_cap_ * 2, 1 << 20));
  void* p = std::aligned_alloc(kBlock, want);
  if (p == nullptr) return false;
  if (buf_ != nullptr) std::memcpy(p, buf_, records_end_ - buf_start_);
  std::free(buf_);
  buf_ = static_cast<char*>(p);
  buf_cap_ = want;
  return true;
}

Status AuditFiles::LoadTail(uint64_t offset) {
  uint64_t start = offset / kBlock * kBlock;
  records_end_ = written_end_ = buf_start_ = start;  // nothing held while Reserve copies
  if (!Reserve(kBlock)) return Status::ResourceExhausted("no memory for the audit store's buffer");
  auto read = PreadAll(records_fd_, buf_, offset - start, start, dir_ + "/records");
  if (!read.ok()) return read.status();
  if (!*read) return Status::Corruption(dir_ + "/records is shorter than its last frame");
  records_end_ = written_end_ = offset;
  return Status::OK();
}

uint64_t AuditFiles::end() const { return base() + count_.load(std::memory_order_acquire); }

Result<uint64_t> AuditFiles::FrameOffset(uint64_t index) const {
  char b[8];
  auto read = PreadAll(index_fd_, b, 8, kIndexHeader + 8 * (index - base()), dir_ + "/index");
  if (!read.ok()) return read.status();
  bool whole = *read;
  if (!whole) return Status::NotFound("no audit record at index " + std::to_string(index));
  return Get64(b);
}

Status AuditFiles::ParseFrame(uint64_t index, uint64_t offset, std::string_view frame, AuditRow* row) const {
  auto damaged = [&](const std::string& why) {
    return Status::Corruption(dir_ + "/records: the frame of audit record " + std::to_string(index) + " at byte " +
                              std::to_string(offset) + " " + why);
  };
  if (frame.size() < kFrameHead) return damaged("is past the end of the file");
  uint32_t body_len = Get32(frame.data());
  if (body_len < kBodyFixed || body_len > kMaxBody) return damaged("has an impossible length " + std::to_string(body_len));
  if (frame.size() < kFrameHead + body_len) return damaged("is cut short by the end of the file");
  std::string_view body = frame.substr(kFrameHead, body_len);
  if (Crc32c(body) != Get32(frame.data() + 4)) return damaged("fails its checksum");
  if (Get64(body.data()) != index) return damaged("names index " + std::to_string(Get64(body.data())));
  uint32_t salt_len = Get32(body.data() + 40);
  if (salt_len > body_len - kBodyFixed) return damaged("has a salt longer than itself");
  row->index = index;
  ledger::Hash leaf;
  std::memcpy(leaf.data(), body.data() + 8, 32);
  row->leaf_hash = ledger::HashBase64(leaf);
  row->salt.assign(body.substr(kBodyFixed, salt_len));
  row->record.assign(body.substr(kBodyFixed + salt_len));
  return Status::OK();
}

Result<uint64_t> AuditFiles::ReadFrame(uint64_t index, uint64_t offset, AuditRow* row) const {
  char head[kFrameHead];
  auto head_read = PreadAll(records_fd_, head, sizeof head, offset, dir_ + "/records");
  if (!head_read.ok()) return head_read.status();
  std::string frame;
  if (*head_read) {
    uint32_t body_len = Get32(head);
    frame.assign(head, kFrameHead);
    if (body_len <= kMaxBody) {
      frame.resize(kFrameHead + body_len);
      auto body_read = PreadAll(records_fd_, frame.data() + kFrameHead, body_len, offset + kFrameHead, dir_ + "/records");
      if (!body_read.ok()) return body_read.status();
      if (!*body_read) frame.resize(kFrameHead);  // cut short: ParseFrame says so
    }
  }
  TG_RETURN_IF_ERROR(ParseFrame(index, offset, frame, row));
  return frame.size();
}

Status AuditFiles::Append(const std::vector<ledger::Attachment>& rows) {
  if (rows.empty()) return Status::OK();
  if (read_only_) return Status::InvalidArgument("the audit store " + dir_ + " is open for reading only");
  uint64_t first = count_ == 0 ? rows.front().index : end();
  size_t bytes = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].index != first + i)
      return Status::InvalidArgument("audit record " + std::to_string(rows[i].index) + " does not follow " +
                                     std::to_string(first + i - 1) + " in " + dir_);
    bytes += kFrameHead + kBodyFixed + rows[i].data.size();
  }
  std::lock_guard lock(mem_mu_);
  if (!Reserve(records_end_ - buf_start_ + bytes + kBlock))
    return Status::ResourceExhausted("no memory for " + std::to_string(bytes) + " bytes of audit records");
  if (count_ == 0 && first != base()) {  // an empty store takes the first index it is given
    base_ = first;
    durable_end_ = first;
    TG_RETURN_IF_ERROR(WriteHeader());
  }
  for (const ledger::Attachment& a : rows) {
    std::string_view data = a.data;
    std::string_view salt = data.substr(0, std::min(data.size(), ledger::kSaltBytes));
    std::string_view record = data.size() > ledger::kSaltBytes ? data.substr(ledger::kSaltBytes) : "";
    std::string head;
    Put32(head, uint32_t(kBodyFixed + salt.size() + record.size()));
    Put32(head, 0);  // the checksum, once the body is in place
    Put64(head, a.index);
    head.append(reinterpret_cast<const char*>(a.leaf.data()), a.leaf.size());
    Put32(head, uint32_t(salt.size()));
    char* frame = buf_ + (records_end_ - buf_start_);
    char* out = frame;
    for (std::string_view part : {std::string_view(head), salt, record}) {
      std::memcpy(out, part.data(), part.size());
      out += part.size();
    }
    uint32_t crc = Crc32c(std::string_view(frame + kFrameHead, size_t(out - frame) - kFrameHead));
    for (int i = 0; i < 4; ++i) frame[4 + i] = static_cast<char>(crc >> (8 * i));
    unwritten_offsets_.push_back(records_end_);
    records_end_ += uint64_t(out - frame);
  }
  count_.fetch_add(rows.size(), std::memory_order_release);
  return Status::OK();
}

uint64_t AuditFiles::unwritten_bytes() const {
  std::lock_guard lock(mem_mu_);
  return records_end_ - written_end_;
}

Status AuditFiles::Flush() {
  if (read_only_) return Status::InvalidArgument("the audit store " + dir_ + " is open for reading only");
  std::lock_guard lock(mem_mu_);
  if (records_end_ == written_end_) return Status::OK();
  size_t held = records_end_ - buf_start_;
  bool direct = false;
  if (direct_fd_ >= 0) {  // whole blocks from the buffer, the last one padded with zeros
    size_t whole = (held + kBlock - 1) / kBlock * kBlock;
    std::memset(buf_ + held, 0, whole - held);
    int error = 0;
    Status s = ledger::WriteAt(direct_fd_, std::string_view(buf_, whole), buf_start_, dir_ + "/records", &error);
    if (s.ok()) {
      direct = true;
    } else if (error != EINVAL) {
      return s;
    } else {  // refused (an alignment the filesystem needs beyond ours): buffered from now on
      ::close(direct_fd_);
      direct_fd_ = -1;
    }
  }
  if (!direct) {
    std::string_view rest(buf_ + (written_end_ - buf_start_), records_end_ - written_end_);
    TG_RETURN_IF_ERROR(ledger::WriteAt(records_fd_, rest, written_end_, dir_ + "/records"));
  }
  std::string offsets;
  offsets.reserve(8 * unwritten_offsets_.size());
  for (uint64_t o : unwritten_offsets_) Put64(offsets, o);
  TG_RETURN_IF_ERROR(ledger::WriteAt(index_fd_, offsets, kIndexHeader + 8 * written_count_, dir_ + "/index"));
  unwritten_offsets_.clear();
  written_end_ = records_end_;
  written_count_ = count_.load();
  // Keep only the last, partial block: the next flush rewrites it whole.
  uint64_t start = records_end_ / kBlock * kBlock;
  std::memmove(buf_, buf_ + (start - buf_start_), records_end_ - start);
  buf_start_ = start;
  return Status::OK();
}

Status AuditFiles::TruncateFrom(uint64_t index) {
  if (read_only_) return Status::InvalidArgument("the audit store " + dir_ + " is open for reading only");
  if (index >= end()) return Status::OK();
  TG_RETURN_IF_ERROR(Flush());
  std::unique_lock lock(cut_mu_);
  uint64_t keep = index <= base() ? 0 : index - base();
  uint64_t bytes = kRecordsHeader;
  if (keep > 0) {
    auto at = FrameOffset(base() + keep);  // the first frame dropped
    if (!at.ok()) return at.status();
    bytes = *at;
  }
  if (::ftruncate(index_fd_, off_t(kIndexHeader + 8 * keep)) != 0) return Errno("truncate " + dir_ + "/index");
  if (::ftruncate(records_fd_, off_t(bytes)) != 0) return Errno("truncate " + dir_ + "/records");
  {
    std::lock_guard mem(mem_mu_);
    count_ = keep;
    written_count_ = keep;
    TG_RETURN_IF_ERROR(LoadTail(bytes));
  }
  if (durable_end() > end()) {
    durable_end_ = end();
    TG_RETURN_IF_ERROR(WriteHeader());
    if (::fdatasync(index_fd_) != 0) return Errno("sync " + dir_ + "/index");
  }
  return Status::OK();
}

Status AuditFiles::Sync() {
  if (read_only_) return Status::InvalidArgument("the audit store " + dir_ + " is open for reading only");
  TG_RETURN_IF_ERROR(Flush());
  uint64_t through = end();
  if (::fdatasync(records_fd_) != 0) return Errno("sync " + dir_ + "/records");
  if (::fdatasync(index_fd_) != 0) return Errno("sync " + dir_ + "/index");
  if (through == durable_end()) return Status::OK();
  durable_end_ = through;
  TG_RETURN_IF_ERROR(WriteHeader());
  if (::fdatasync(index_fd_) != 0) return Errno("sync " + dir_ + "/index");
  return Status::OK();
}

Result<AuditRow> AuditFiles::Read(uint64_t index) const {
  std::shared_lock lock(cut_mu_);
  auto not_found = [&] { return Status::NotFound("no audit record at index " + std::to_string(index)); };
  if (index < base()) return not_found();
  uint64_t held = count_.load(std::memory_order_acquire);
  if (index >= base() + held && !read_only_) return not_found();
  // A reader beside the writer also finds the rows written since it opened; a frame that
  // does not read back there is one being written, not damage.
  bool written_since = index >= base() + held;
  if (!written_since && index >= base() + written_count_.load(std::memory_order_acquire)) {
    std::lock_guard mem(mem_mu_);
    uint64_t k = index - base();
    if (k >= written_count_) {  // still only in memory
      uint64_t offset = unwritten_offsets_[k - written_count_];
      uint64_t next = k + 1 < count_ ? unwritten_offsets_[k + 1 - written_count_] : records_end_;
      AuditRow row;
      TG_RETURN_IF_ERROR(ParseFrame(index, offset, std::string_view(buf_ + (offset - buf_start_), next - offset), &row));
      return row;
    }
  }
  auto offset = FrameOffset(index);
  if (!offset.ok()) return offset.status();
  AuditRow row;
  auto frame = ReadFrame(index, *offset, &row);
  if (!frame.ok()) return written_since && frame.status().code() == Code::kCorruption ? not_found() : frame.status();
  return row;
}

}  // namespace tg::gateway
