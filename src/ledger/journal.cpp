#include "ledger/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ledger/files.h"
#include "ledger/hash.h"
#include "ledger/tiles.h"

namespace tg::ledger {

namespace {

constexpr char kHeaderMagic[] = "TGJ1";
constexpr char kRecordMagic[] = "TGJR";
constexpr size_t kRecordFixed = 4 + 8 + 4 + 4;  // magic, first index, count, payload length

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
  TG_RETURN_IF_ERROR(ReplaceFileDurably(path, header));
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (fd < 0) return Status::IOError("open " + path + ": " + std::strerror(errno));
  return std::unique_ptr<Journal>(new Journal(path, fd, header.size()));
}

Status Journal::Restart(const std::string& base_note, uint64_t keep_from) {
  if (keep_from > bytes_) return Status::Internal("journal restart past its end");
  std::string data = Header(base_note);
  size_t header = data.size();
  data.resize(header + (bytes_ - keep_from));
  size_t done = 0;
  while (done < bytes_ - keep_from) {
    ssize_t n = ::pread(fd_, data.data() + header + done, bytes_ - keep_from - done, off_t(keep_from + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IOError("journal read: " + std::string(n < 0 ? std::strerror(errno) : "short file"));
    done += size_t(n);
  }
  TG_RETURN_IF_ERROR(ReplaceFileDurably(path_, data));
  int fd = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (fd < 0) return Status::IOError("open " + path_ + ": " + std::strerror(errno));
  ::close(fd_);
  fd_ = fd;
  bytes_ = data.size();
  return Status::OK();
}

Journal::~Journal() { ::close(fd_); }

Status Journal::Append(uint64_t first_index, const std::vector<std::string_view>& entries) {
  std::string payload;
  for (std::string_view e : entries) AppendToBundle(payload, e);
  std::string rec = kRecordMagic;
  rec.reserve(kRecordFixed + payload.size() + 32);
  PutU64(rec, first_index);
  PutU32(rec, static_cast<uint32_t>(entries.size()));
  PutU32(rec, static_cast<uint32_t>(payload.size()));
  rec += payload;
  PutHash(rec);
  size_t done = 0;
  while (done < rec.size()) {
    ssize_t n = ::write(fd_, rec.data() + done, rec.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::string("journal write: ") + std::strerror(errno));
    }
    done += size_t(n);
  }
  if (::fdatasync(fd_) != 0) return Status::IOError(std::string("journal fdatasync: ") + std::strerror(errno));
  bytes_ += rec.size();
  return Status::OK();
}

Result<JournalContents> Journal::Read(const std::string& path) {
  auto data = ReadWholeFile(path);
  if (!data.ok()) return data.status();
  return Parse(*data, path);
}

Result<JournalContents> Journal::Parse(std::string_view in, const std::string& path) {
  if (in.size() < 8 || in.substr(0, 4) != kHeaderMagic) return Status::Corruption(path + ": not a log journal");
  uint64_t note_len = GetBE(in, 4, 4);
  if (in.size() < 8 + note_len + 32 || !HashMatches(in.substr(0, 8 + note_len), in.substr(8 + note_len, 32)))
    return Status::Corruption(path + ": damaged journal header");
  JournalContents out;
  out.base_note = std::string(in.substr(8, note_len));
  size_t at = 8 + note_len + 32;
  while (at < in.size()) {
    // A crash mid-append leaves a short or unhashed record at the very end: it was never
    // acknowledged, so it is cut off. A bad record with more after it is damage.
    auto bad = [&](uint64_t declared_end) -> Status {
      if (declared_end < in.size())
        return Status::Corruption(path + ": damaged record at byte " + std::to_string(at));
      return Status::OK();
    };
    if (in.size() - at < kRecordFixed || in.substr(at, 4) != kRecordMagic) {
      if (in.size() - at >= kRecordFixed) return Status::Corruption(path + ": no record at byte " + std::to_string(at));
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
    auto entries = SplitBundle(in.substr(at + kRecordFixed, len));
    if (!entries.ok() || entries->size() != count) {
      TG_RETURN_IF_ERROR(bad(end));
      break;
    }
    JournalRecord r;
    r.first_index = first;
    r.entries.assign(entries->begin(), entries->end());
    out.records.push_back(std::move(r));
    at = end;
  }
  out.torn_tail = at < in.size();
  return out;
}

}  // namespace tg::ledger
