// The SQLite store's principal cache (AuthenticatePrincipal): repeated tokens are answered
// from memory, and no committed change, by the same store or by another connection or
// process on the same file (`trustgate token revoke`), is ever answered with a stale principal.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "records/store.h"
#include "test_util.h"

namespace tg::records {

// Test hooks defined in src/records/sqlite_store.cpp (not part of store.h).
size_t SqlitePrincipalCacheEntries(Store& store);
uint64_t SqlitePrincipalCacheHits(Store& store);

namespace {

using testing::TempDir;

const TimeMs kNow = TimeFromCivil(2024, 5, 1) + 12 * kMsPerHour;
constexpr size_t kCacheBound = 4096;  // PrincipalCache::kMaxEntries

class PrincipalCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenSqliteStore(dir_.File("county.db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s.value());
    ASSERT_TRUE(store_->PutAgency({"lasd", "Los Angeles County Sheriff's Department", "sheriff", "CA", "CA0190000"}).ok());
    ASSERT_TRUE(store_->PutAgency({"ice-ero-la", "ICE ERO Los Angeles", "immigration", "US", "DCICE0200"}).ok());
    ASSERT_TRUE(store_->PutUser({"clerk", "Maria Delgado", "lasd", {"records_clerk", "jail_staff"}}).ok());
    ASSERT_TRUE(store_->PutUser({"ice", "Daniel Kessler", "ice-ero-la", {"immigration_officer"}}).ok());
    ASSERT_TRUE(store_->PutWorkstation({"irc-desk", "Inmate Reception Center", "lasd"}).ok());
    // The second store on the same file stands for another process (the CLI).
    auto o = OpenSqliteStore(dir_.File("county.db"));
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    other_ = std::move(o.value());
  }

  NewToken Token(const std::string& user, std::optional<std::string> ws = std::nullopt) {
    auto t = store_->CreateToken(user, ws, kNow);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : NewToken{};
  }

  // Authenticates until the cache answers (a connection's first look at the file, or a commit
  // just made, costs a query or two), and returns what it answered.
  Principal Warm(const std::string& plaintext) {
    const uint64_t hits = SqlitePrincipalCacheHits(*store_);
    Result<Principal> p = Status::Internal("not tried");
    for (int i = 0; i < 4 && SqlitePrincipalCacheHits(*store_) == hits; ++i) {
      p = store_->AuthenticatePrincipal(plaintext);
      EXPECT_TRUE(p.ok()) << p.status().ToString();
    }
    EXPECT_GT(SqlitePrincipalCacheHits(*store_), hits) << "the cache never answered";
    return p.ok() ? *p : Principal{};
  }

  void ExpectRevoked(const NewToken& t) {
    auto p = store_->AuthenticatePrincipal(t.plaintext);
    EXPECT_EQ(p.status().code(), Code::kUnauthenticated);
    EXPECT_EQ(p.status().message(), "token " + t.token.id + " is revoked");
  }

  void ExecOnFile(const char* sql) { testing::ExecOnFile(dir_.File("county.db"), sql); }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Store> other_;
};

void ExpectSame(const Principal& a, const Principal& b) {
  EXPECT_EQ(a.token, b.token);
  EXPECT_EQ(a.user, b.user);
  EXPECT_EQ(a.agency, b.agency);
  EXPECT_EQ(a.workstation, b.workstation);
}

TEST_F(PrincipalCacheTest, RepeatedTokenComesFromTheCacheAndSameStoreChangesApplyAtOnce) {
  NewToken t = Token("ice", "irc-desk");
  auto first = store_->AuthenticatePrincipal(t.plaintext);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->user && first->agency && first->workstation);
  EXPECT_EQ(first->token, t.token);
  EXPECT_EQ(first->user->roles, std::vector<std::string>{"immigration_officer"});
  ExpectSame(Warm(t.plaintext), *first);
  EXPECT_EQ(SqlitePrincipalCacheEntries(*store_), 1u);

  // A change to the user through the same store is seen by the next call.
  ASSERT_TRUE(store_->PutUser({"ice", "Daniel Kessler", "lasd", {"jail_staff"}}).ok());
  auto moved = store_->AuthenticatePrincipal(t.plaintext);
  ASSERT_TRUE(moved.ok() && moved->user && moved->agency) << moved.status().ToString();
  EXPECT_EQ(moved->user->roles, std::vector<std::string>{"jail_staff"});
  EXPECT_EQ(moved->agency->id, "lasd");
  Warm(t.plaintext);

  // Revoked through the same store: refused at once, with the message it always had.
  ASSERT_TRUE(store_->RevokeToken(t.token.id, kNow + 1).ok());
  ExpectRevoked(t);
  ExpectRevoked(t);  // and stays refused (a refusal is not cached as anything)
}

TEST_F(PrincipalCacheTest, RevocationAndCreationByAnotherProcessApplyAtOnce) {
  NewToken t = Token("clerk");
  NewToken kept = Token("ice", "irc-desk");
  Warm(t.plaintext);
  Warm(kept.plaintext);

  ASSERT_TRUE(other_->RevokeToken(t.token.id, kNow + 1).ok());
  ExpectRevoked(t);
  // Another token of the same store is not affected.
  EXPECT_TRUE(store_->AuthenticatePrincipal(kept.plaintext).ok());

  // A token created by the other process is accepted at once, and then cached.
  auto made = other_->CreateToken("clerk", std::nullopt, kNow + 2);
  ASSERT_TRUE(made.ok());
  auto p = store_->AuthenticatePrincipal(made->plaintext);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->token, made->token);
  Warm(made->plaintext);

  // Revoked by plaintext through a bare SQLite connection (no store at all).
  ExecOnFile(("UPDATE api_tokens SET revoked_at = 1 WHERE id = '" + made->token.id + "'").c_str());
  ExpectRevoked(*made);
}

TEST_F(PrincipalCacheTest, UserAgencyAndWorkstationChangesByAnotherProcessApplyAtOnce) {
  NewToken t = Token("clerk", "irc-desk");
  Principal before = Warm(t.plaintext);
  ASSERT_TRUE(before.user && before.agency && before.workstation);
  EXPECT_EQ(before.user->roles, (std::vector<std::string>{"records_clerk", "jail_staff"}));

  ASSERT_TRUE(other_->PutUser({"clerk", "Maria Delgado", "lasd", {"records_clerk"}}).ok());
  auto roles = store_->AuthenticatePrincipal(t.plaintext);
  ASSERT_TRUE(roles.ok() && roles->user);
  EXPECT_EQ(roles->user->roles, std::vector<std::string>{"records_clerk"});
  Warm(t.plaintext);

  ASSERT_TRUE(other_->PutUser({"clerk", "Maria Delgado", "ice-ero-la", {"records_clerk"}}).ok());
  auto agency = store_->AuthenticatePrincipal(t.plaintext);
  ASSERT_TRUE(agency.ok() && agency->user && agency->agency);
  EXPECT_EQ(agency->user->agency_id, "ice-ero-la");
  EXPECT_EQ(agency->agency->kind, "immigration");
  Warm(t.plaintext);

  ASSERT_TRUE(other_->PutAgency({"ice-ero-la", "ICE ERO Los Angeles", "federal_law_enforcement", "US", "X"}).ok());
  auto kind = store_->AuthenticatePrincipal(t.plaintext);
  ASSERT_TRUE(kind.ok() && kind->agency);
  EXPECT_EQ(kind->agency->kind, "federal_law_enforcement");
  Warm(t.plaintext);

  // Deleted behind the store's back (foreign keys off): the workstation is gone at once.
  ExecOnFile("PRAGMA foreign_keys = OFF; DELETE FROM workstations WHERE id = 'irc-desk';");
  auto gone = store_->AuthenticatePrincipal(t.plaintext);
  ASSERT_TRUE(gone.ok()) << gone.status().ToString();
  EXPECT_EQ(gone->token.workstation_id, std::optional<std::string>("irc-desk"));
  EXPECT_FALSE(gone->workstation);
  ExecOnFile("PRAGMA foreign_keys = OFF; DELETE FROM users WHERE id = 'clerk';");
  auto no_user = store_->AuthenticatePrincipal(t.plaintext);
  ASSERT_TRUE(no_user.ok()) << no_user.status().ToString();
  EXPECT_FALSE(no_user->user);
  EXPECT_FALSE(no_user->agency);
}

TEST_F(PrincipalCacheTest, MoreTokensThanTheBoundAllAuthenticateAndFailuresAreNotCached) {
  const size_t n = kCacheBound + 200;
  std::vector<NewToken> tokens;
  Status made = store_->RunInTransaction([&]() -> Status {
    for (size_t i = 0; i < n; ++i) {
      auto t = store_->CreateToken(i % 2 ? "clerk" : "ice", std::nullopt, kNow + static_cast<TimeMs>(i));
      if (!t.ok()) return t.status();
      tokens.push_back(std::move(*t));
    }
    return Status::OK();
  });
  ASSERT_TRUE(made.ok()) << made.ToString();
  for (int round = 0; round < 2; ++round) {
    for (const NewToken& t : tokens) {
      auto p = store_->AuthenticatePrincipal(t.plaintext);
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      ASSERT_EQ(p->token, t.token);
      ASSERT_TRUE(p->user);
      ASSERT_EQ(p->user->id, t.token.user_id);
    }
    EXPECT_LE(SqlitePrincipalCacheEntries(*store_), kCacheBound);
    EXPECT_GT(SqlitePrincipalCacheEntries(*store_), 0u);
  }

  // Unknown and revoked tokens are refused every time and leave nothing behind.
  const size_t entries = SqlitePrincipalCacheEntries(*store_);
  for (int i = 0; i < 1000; ++i) {
    auto p = store_->AuthenticatePrincipal("tg_unknown" + std::to_string(i));
    ASSERT_EQ(p.status().code(), Code::kUnauthenticated);
    ASSERT_EQ(p.status().message(), "unknown token");
  }
  EXPECT_EQ(SqlitePrincipalCacheEntries(*store_), entries);
  ASSERT_TRUE(other_->RevokeToken(tokens[0].token.id, kNow).ok());
  for (int i = 0; i < 3; ++i) ExpectRevoked(tokens[0]);
  EXPECT_EQ(SqlitePrincipalCacheEntries(*store_), entries);
}

TEST_F(PrincipalCacheTest, ATransactionSeesItsOwnRevocationAndARollbackUndoesIt) {
  NewToken t = Token("clerk");
  Warm(t.plaintext);
  Status st = store_->RunInTransaction([&]() -> Status {
    TG_RETURN_IF_ERROR(store_->RevokeToken(t.token.id, kNow + 1));
    auto p = store_->AuthenticatePrincipal(t.plaintext);
    EXPECT_EQ(p.status().code(), Code::kUnauthenticated) << "a cached principal ignored the transaction's own revocation";
    return Status::InvalidArgument("roll back");
  });
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  auto p = store_->AuthenticatePrincipal(t.plaintext);
  EXPECT_TRUE(p.ok()) << p.status().ToString();  // the revocation was rolled back
  Warm(t.plaintext);
}

TEST_F(PrincipalCacheTest, SnapshotsUseTheCacheButAnOldSnapshotDoesNotFillIt) {
  NewToken t = Token("clerk");
  Warm(t.plaintext);

  // The gateway's way: authentication as the first read of a snapshot is answered by the cache.
  const uint64_t hits = SqlitePrincipalCacheHits(*store_);
  ASSERT_TRUE(store_->RunInSnapshot([&] { return store_->AuthenticatePrincipal(t.plaintext).status(); }).ok());
  EXPECT_GT(SqlitePrincipalCacheHits(*store_), hits);

  // A snapshot that began before a revocation still sees the token (that is what a snapshot
  // is), but what it sees must not be served to anyone after the revocation.
  Status st = store_->RunInSnapshot([&]() -> Status {
    TG_RETURN_IF_ERROR(store_->GetMeta("jail_agency").status());  // the snapshot begins
    EXPECT_TRUE(other_->RevokeToken(t.token.id, kNow + 1).ok());
    // Another thread (so another connection) notices the revocation...
    Status seen;
    std::thread([&] { seen = store_->AuthenticatePrincipal(t.plaintext).status(); }).join();
    EXPECT_EQ(seen.code(), Code::kUnauthenticated);
    // ...while this snapshot still reads the token as it was.
    EXPECT_TRUE(store_->AuthenticatePrincipal(t.plaintext).ok());
    std::thread([&] { seen = store_->AuthenticatePrincipal(t.plaintext).status(); }).join();
    EXPECT_EQ(seen.code(), Code::kUnauthenticated) << "the old snapshot's view was served after the revocation";
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  ExpectRevoked(t);
  st = store_->RunInSnapshot([&] {
    ExpectRevoked(t);
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_F(PrincipalCacheTest, NoCallStartedAfterARevocationReturnsSucceeds) {
  // Readers authenticate without pause while tokens are revoked one after another, half
  // through this store and half through the other (the CLI). A call that starts after
  // RevokeToken returned must be refused.
  constexpr int kRounds = 12;
  constexpr int kReaders = 3;
  std::vector<NewToken> tokens;
  for (int i = 0; i < kRounds; ++i) tokens.push_back(Token(i % 2 ? "clerk" : "ice", "irc-desk"));
  for (int round = 0; round < kRounds; ++round) {
    const NewToken& t = tokens[round];
    std::atomic<bool> revoked{false};
    std::atomic<bool> stop{false};
    std::atomic<int> late_successes{0};
    std::atomic<int> ok_before{0};
    std::atomic<int> refused_after{0};
    std::vector<std::thread> readers;
    for (int r = 0; r < kReaders; ++r) {
      readers.emplace_back([&] {
        while (!stop.load()) {
          const bool after = revoked.load();
          auto p = store_->AuthenticatePrincipal(t.plaintext);
          if (p.ok()) {
            if (after) ++late_successes;
            else ++ok_before;
          } else if (after) {
            ++refused_after;
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(15));
    Store& revoker = round % 2 ? *store_ : *other_;
    ASSERT_TRUE(revoker.RevokeToken(t.token.id, kNow + round).ok());
    revoked.store(true);
    std::this_thread::sleep_for(std::chrono::milliseconds(15));
    stop.store(true);
    for (auto& th : readers) th.join();
    EXPECT_EQ(late_successes.load(), 0) << "round " << round << ": a revoked token authenticated";
    EXPECT_GT(ok_before.load(), 0) << "round " << round;
    EXPECT_GT(refused_after.load(), 0) << "round " << round;
  }
  EXPECT_GT(SqlitePrincipalCacheHits(*store_), 0u);
}

}  // namespace
}  // namespace tg::records
