// The direct-write VFS under real SQLite databases: what one connection writes through it,
// another (through the default VFS) reads; checkpointed pages stay out of the page cache;
// a process killed in the middle of checkpoints leaves an intact database with every
// committed row.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "records/sqlite_direct_vfs.h"
#include "../page_cache.h"
#include "test_util.h"

namespace tg::records {
namespace {

namespace fs = std::filesystem;

struct Db {
  sqlite3* db = nullptr;
  Db(const std::string& path, const char* vfs) {
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs), SQLITE_OK);
  }
  ~Db() { sqlite3_close(db); }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (err ? err : "");
    sqlite3_free(err);
  }
  std::string One(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr)
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
  }
};

std::string Row(int i) { return std::string(size_t(900 + i % 700), char('a' + i % 26)) + std::to_string(i); }

void MakeTable(Db& d) {
  d.Exec("PRAGMA page_size=16384");
  d.Exec("PRAGMA journal_mode=WAL");
  d.Exec("PRAGMA synchronous=NORMAL");
  d.Exec("PRAGMA wal_autocheckpoint=16");  // many checkpoints
  d.Exec("CREATE TABLE IF NOT EXISTS t(i INTEGER PRIMARY KEY, v TEXT NOT NULL)");
}

void Insert(Db& d, int from, int to) {
  d.Exec("BEGIN");
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(d.db, "INSERT INTO t(i, v) VALUES(?, ?)", -1, &st, nullptr), SQLITE_OK);
  for (int i = from; i < to; ++i) {
    std::string v = Row(i);
    sqlite3_bind_int(st, 1, i);
    sqlite3_bind_text(st, 2, v.data(), int(v.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(st), SQLITE_DONE) << sqlite3_errmsg(d.db);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  d.Exec("COMMIT");
}

// Every row 0..n-1 as Row(i), read through the default VFS, and an intact database.
void ExpectRows(const std::string& path, int n) {
  Db plain(path, nullptr);
  EXPECT_EQ(plain.One("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(plain.One("SELECT count(*) FROM t"), std::to_string(n));
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(plain.db, "SELECT i, v FROM t ORDER BY i", -1, &st, nullptr), SQLITE_OK);
  int want = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    ASSERT_EQ(sqlite3_column_int(st, 0), want);
    ASSERT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 1))), Row(want)) << "row " << want;
    ++want;
  }
  sqlite3_finalize(st);
  EXPECT_EQ(want, n);
}

TEST(DirectWriteVfs, RowsWrittenThroughItReadBackThroughTheDefaultVfs) {
  const char* vfs = DirectWriteVfs();
  ASSERT_NE(vfs, nullptr);
  EXPECT_EQ(DirectWriteVfs(), vfs) << "registered once";
  testing::TempDir dir;
  const std::string path = dir.path() + "/a.db";
  {
    Db d(path, vfs);
    MakeTable(d);
    for (int b = 0; b < 40; ++b) {
      Insert(d, b * 50, b * 50 + 50);
      // The writing connection reads its own pages back between the checkpoints.
      EXPECT_EQ(d.One("SELECT v FROM t WHERE i = " + std::to_string(b * 50 + 7)), Row(b * 50 + 7));
    }
    // Another connection reads while this one is open, then after a full checkpoint.
    ExpectRows(path, 2000);
    d.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    ExpectRows(path, 2000);
    Insert(d, 2000, 2100);  // and writing goes on after it
  }
  ExpectRows(path, 2100);
}

TEST(DirectWriteVfs, CheckpointedPagesStayOutOfThePageCache) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/b.db";
  {
    // Whether this filesystem takes O_DIRECT at all.
    int fd = ::open((dir.path() + "/probe").c_str(), O_CREAT | O_RDWR | O_DIRECT, 0600);
    if (fd < 0) GTEST_SKIP() << "this filesystem refuses O_DIRECT";
    ::close(fd);
  }
  Db d(path, DirectWriteVfs());
  MakeTable(d);
  for (int b = 0; b < 40; ++b) Insert(d, b * 50, b * 50 + 50);
  d.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  ASSERT_GT(fs::file_size(path), size_t(1) << 20);
  auto pages = tg::testing::PagesInCache(path);
  ASSERT_TRUE(pages.ok);
  // The connection's own reads (the header page, say) may bring a few in.
  EXPECT_LT(pages.cached, pages.total / 20) << pages.cached << " of " << pages.total << " pages cached";
}

// A child inserts and checkpoints until killed; every batch it reported committed is there.
TEST(DirectWriteVfs, AProcessKilledDuringCheckpointsLosesNoCommittedRow) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/c.db";
  {
    Db d(path, DirectWriteVfs());
    MakeTable(d);
  }
  for (int round = 0; round < 3; ++round) {
    int pipefd[2];
    ASSERT_EQ(::pipe(pipefd), 0);
    int start = 0;
    {
      Db d(path, nullptr);
      start = std::stoi(d.One("SELECT count(*) FROM t"));
    }
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(pipefd[0]);
      sqlite3* db = nullptr;
      if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, DirectWriteVfs()) != SQLITE_OK) ::_exit(2);
      sqlite3_exec(db, "PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=16", nullptr, nullptr, nullptr);
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(db, "INSERT INTO t(i, v) VALUES(?, ?)", -1, &st, nullptr);
      for (int i = start;; i += 20) {
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        for (int k = i; k < i + 20; ++k) {
          std::string v = Row(k);
          sqlite3_bind_int(st, 1, k);
          sqlite3_bind_text(st, 2, v.data(), int(v.size()), SQLITE_TRANSIENT);
          if (sqlite3_step(st) != SQLITE_DONE) ::_exit(3);
          sqlite3_reset(st);
        }
        if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) ::_exit(4);
        int done = i + 20;
        if (::write(pipefd[1], &done, sizeof done) != sizeof done) ::_exit(5);
      }
    }
    ::close(pipefd[1]);
    int committed = start, got = 0;
    // Kill it after a number of commits that differs per round, mid-stream.
    for (int n = 0; n < 150 + round * 77 && ::read(pipefd[0], &got, sizeof got) == sizeof got; ++n) committed = got;
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    while (::read(pipefd[0], &got, sizeof got) == sizeof got) committed = got;  // reported before it died
    ::close(pipefd[0]);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child stopped on its own: " << WEXITSTATUS(status);
    ASSERT_GT(committed, start);
    Db check(path, nullptr);
    EXPECT_EQ(check.One("PRAGMA integrity_check"), "ok");
    int rows = std::stoi(check.One("SELECT count(*) FROM t"));
    EXPECT_GE(rows, committed) << "round " << round;
    EXPECT_EQ(rows % 20, 0) << "whole transactions only";
  }
  Db d(path, nullptr);
  ExpectRows(path, std::stoi(d.One("SELECT count(*) FROM t")));
}

// A write the filesystem refuses (here: past RLIMIT_FSIZE, EFBIG) fails at once, when
// its space is reserved, so SQLite abandons the checkpoint, and commits fail once the WAL
// cannot grow either; nothing committed before is lost and the database stays intact.
TEST(DirectWriteVfs, RefusedWritesFailCleanlyAndLoseNothingCommitted) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/d.db";
  {
    Db d(path, DirectWriteVfs());
    MakeTable(d);
    Insert(d, 0, 200);
    d.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  const auto base_size = fs::file_size(path);
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipefd[0]);
    ::signal(SIGXFSZ, SIG_IGN);  // writes past the limit fail with EFBIG instead
    struct rlimit limit;
    limit.rlim_cur = limit.rlim_max = rlim_t(base_size + (256 << 10));
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(2);
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, DirectWriteVfs()) != SQLITE_OK) ::_exit(3);
    sqlite3_exec(db, "PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=16", nullptr, nullptr, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO t(i, v) VALUES(?, ?)", -1, &st, nullptr);
    int failures = 0;
    for (int i = 200; i < 20000 && failures < 20; i += 20) {
      bool ok = sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
      for (int k = i; ok && k < i + 20; ++k) {
        std::string v = Row(k);
        sqlite3_bind_int(st, 1, k);
        sqlite3_bind_text(st, 2, v.data(), int(v.size()), SQLITE_TRANSIENT);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
      }
      ok = ok && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
      if (!ok) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        ++failures;
        i -= 20;  // the same rows again: ids stay dense
        continue;
      }
      int done = i + 20;
      if (::write(pipefd[1], &done, sizeof done) != sizeof done) ::_exit(4);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    ::_exit(failures > 0 ? 0 : 5);  // 5: the limit was never hit, the test proves nothing
  }
  ::close(pipefd[1]);
  int committed = 200, got = 0;
  while (::read(pipefd[0], &got, sizeof got) == sizeof got) committed = got;
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died";
  ASSERT_EQ(WEXITSTATUS(status), 0) << "2: setrlimit, 3: open, 4: pipe, 5: no write was refused";
  Db check(path, nullptr);
  EXPECT_EQ(check.One("PRAGMA integrity_check"), "ok");
  int rows = std::stoi(check.One("SELECT count(*) FROM t"));
  EXPECT_GE(rows, committed);
  EXPECT_EQ(rows % 20, 0) << "whole transactions only";
  ExpectRows(path, rows);
}

}  // namespace
}  // namespace tg::records
