// The audit store opens only real SQLite files, says which path it refused, and leaves no
// handle behind when it refuses (the ASan build's leak check catches one).
#include "gateway/audit_store.h"

#include <gtest/gtest.h>

#include <future>
#include <string>

#include "e2e_fixture.h"

namespace tg::gateway {
namespace {

TEST(AuditStore, FileThatIsNotADatabaseIsRefusedNamingIt) {
  std::string path = testing::MakeTempDir("audit-store") + "/audit.db";
  testing::WriteFile(path, std::string(4096, 'x'));  // opens fine; fails at the first PRAGMA
  auto store = AuditStore::Open(path, 0);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kIOError);
  EXPECT_NE(store.status().message().find("cannot open audit store " + path), std::string::npos)
      << store.status().message();
  EXPECT_NE(store.status().message().find("not a database"), std::string::npos) << store.status().message();
}

TEST(AuditStore, DirectoryIsRefusedNamingIt) {
  std::string path = testing::MakeTempDir("audit-store");
  auto store = AuditStore::Open(path, 0);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kIOError);
  EXPECT_NE(store.status().message().find("cannot open audit store " + path), std::string::npos)
      << store.status().message();
}

// Rows written are read back; on reopen, rows at or past the log's size are dropped.
TEST(AuditStore, WritesReadBackAndReopenTrimsPastTheLog) {
  std::string path = testing::MakeTempDir("audit-store") + "/audit.db";
  {
    auto store = AuditStore::Open(path, 0);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (uint64_t i = 0; i < 3; ++i) {
      std::promise<Status> done;
      (*store)->Write({i, "{\"i\":" + std::to_string(i) + "}", std::string(32, 's'), "leaf"},
                      [&done](Status s) { done.set_value(s); });
      Status s = done.get_future().get();
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
    auto row = (*store)->Read(1);
    ASSERT_TRUE(row.ok()) << row.status().ToString();
    EXPECT_EQ(row->record, "{\"i\":1}");
    EXPECT_EQ(row->salt, std::string(32, 's'));
  }
  auto store = AuditStore::Open(path, 2);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE((*store)->Read(1).ok());
  EXPECT_EQ((*store)->Read(2).status().code(), Code::kNotFound);
}

// Rows written within the commit wait share one transaction; each is durable (readable
// after a reopen) once its callback says so.
TEST(AuditStore, RowsWithinTheCommitWaitShareOneCommit) {
  std::string path = testing::MakeTempDir("audit-store") + "/audit.db";
  {
    auto store = AuditStore::Open(path, 0, std::chrono::milliseconds(300));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<std::future<Status>> done;
    for (uint64_t i = 0; i < 20; ++i) {
      auto p = std::make_shared<std::promise<Status>>();
      done.push_back(p->get_future());
      (*store)->Write(AuditRow{i, "{\"i\":" + std::to_string(i) + "}", std::string(32, 's'), "leaf"},
                      [p](Status s) { p->set_value(s); });
    }
    for (auto& f : done) ASSERT_TRUE(f.get().ok());
    EXPECT_EQ((*store)->GetStats().batches, 1u);
    EXPECT_EQ((*store)->GetStats().rows, 20u);
  }
  auto again = AuditStore::Open(path, 20);
  ASSERT_TRUE(again.ok());
  auto row = (*again)->Read(19);
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(row->record, "{\"i\":19}");
}

}  // namespace
}  // namespace tg::gateway
