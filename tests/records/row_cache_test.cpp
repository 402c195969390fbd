// The SQLite store's row cache (GetBooking, GetPerson, ConvictionsByPerson, GetMeta): repeated
// reads are answered from memory, a committed change (by the same store, another store on
// the same file standing for another process, or a bare SQLite connection) is seen by the next
// call at once, and a snapshot is never answered with rows from another moment than its own.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "records/store.h"
#include "test_util.h"

namespace tg::records {

// Test hooks defined in src/records/sqlite_store.cpp (not part of store.h).
size_t SqliteRowCacheEntries(Store& store, int kind);  // 0 bookings, 1 persons, 2 convictions, 3 meta
uint64_t SqliteRowCacheHits(Store& store);

namespace {

using testing::MakePerson;
using testing::TempDir;

constexpr size_t kCacheBound = 8192;  // RowCache::kMaxEntries
constexpr int kBookings = 0;
constexpr int kPersons = 1;
constexpr int kConvictions = 2;

Booking MakeBooking(const std::string& id, const std::string& person_id, const std::string& housing,
                    int charges = 2) {
  Booking b;
  b.booking_id = id;
  b.person_id = person_id;
  b.name = "Jose Alvarez";
  b.booked_at = 1714564800000;
  b.arresting_agency = "lasd";
  b.facility = "Men's Central Jail";
  b.housing = housing;
  b.custody_status = "in_custody";
  for (int i = 0; i < charges; ++i) b.charges.push_back({"12004", "PC 211", "ROBBERY", 'F', 2});
  return b;
}

Conviction MakeConviction(const std::string& person_id, TimeMs at) {
  Conviction c;
  c.person_id = person_id;
  c.code = "12004";
  c.statute = "PC 211";
  c.description = "ROBBERY";
  c.level = 'F';
  c.degree = 2;
  c.convicted_at = at;
  c.sentence = "state prison 2 years";
  c.court = "LASC";
  return c;
}

class RowCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions options;
    options.max_connections = 3;
    auto s = OpenSqliteStore(dir_.File("county.db"), options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s.value());
    ASSERT_TRUE(store_->PutAgency({"lasd", "Los Angeles County Sheriff's Department", "sheriff", "CA", "CA0190000"}).ok());
    ASSERT_TRUE(store_->SetMeta("jail_agency", "lasd").ok());
    ASSERT_TRUE(store_->PutPerson(MakePerson("P1", "1 Main St")).ok());
    ASSERT_TRUE(store_->PutBooking(MakeBooking("B1", "P1", "MCJ 3000")).ok());
    ASSERT_TRUE(store_->AddConviction(MakeConviction("P1", 1000)).ok());
    // The second store on the same file stands for another process (an import, the CLI).
    auto o = OpenSqliteStore(dir_.File("county.db"));
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    other_ = std::move(o.value());
  }

  // Runs read until the cache answered it (a connection's first look at the file, or a commit
  // just made, costs a query or two), outside any transaction or in snapshots.
  void Warm(const std::function<void()>& read, bool in_snapshot) {
    const uint64_t hits = SqliteRowCacheHits(*store_);
    for (int i = 0; i < 12 && SqliteRowCacheHits(*store_) == hits; ++i) {
      if (in_snapshot) {
        ASSERT_TRUE(store_->RunInSnapshot([&] {
          read();
          return Status::OK();
        }).ok());
      } else {
        read();
      }
    }
    EXPECT_GT(SqliteRowCacheHits(*store_), hits) << "the cache never answered";
  }

  // Runs `read` in a snapshot of its own, or on its own outside any transaction.
  void ReadIn(bool in_snapshot, const std::function<void()>& read) {
    if (!in_snapshot) return read();
    EXPECT_TRUE(store_->RunInSnapshot([&] {
      read();
      return Status::OK();
    }).ok());
  }
  std::string Housing(bool in_snapshot) {
    std::string out;
    auto read = [&] {
      auto b = store_->GetBooking("B1");
      EXPECT_TRUE(b.ok()) << b.status().ToString();
      if (b.ok()) out = b->housing + "/" + std::to_string(b->charges.size());
    };
    ReadIn(in_snapshot, read);
    return out;
  }
  std::string Address(bool in_snapshot) {
    std::string out;
    auto read = [&] {
      auto p = store_->GetPerson("P1");
      EXPECT_TRUE(p.ok()) << p.status().ToString();
      if (p.ok()) out = p->address;
    };
    ReadIn(in_snapshot, read);
    return out;
  }
  size_t Convictions(bool in_snapshot) {
    size_t out = 0;
    auto read = [&] {
      auto c = store_->ConvictionsByPerson("P1");
      EXPECT_TRUE(c.ok()) << c.status().ToString();
      if (c.ok()) out = c->size();
    };
    ReadIn(in_snapshot, read);
    return out;
  }
  std::string Jail(bool in_snapshot) {
    std::string out;
    auto read = [&] {
      auto m = store_->GetMeta("jail_agency");
      EXPECT_TRUE(m.ok()) << m.status().ToString();
      if (m.ok()) out = m->value_or("(none)");
    };
    ReadIn(in_snapshot, read);
    return out;
  }

  void WarmAll(bool in_snapshot) {
    Warm([&] { Housing(false); }, in_snapshot);
    Warm([&] { Address(false); }, in_snapshot);
    Warm([&] { Convictions(false); }, in_snapshot);
    Warm([&] { Jail(false); }, in_snapshot);
  }

  void ExecOnFile(const char* sql) { testing::ExecOnFile(dir_.File("county.db"), sql); }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Store> other_;
};

// Test 1: a change by the same store, by another store on the file, or by bare SQLite is seen
// by the next call at once, outside any transaction and in a new snapshot.
TEST_F(RowCacheTest, ChangesBySameStoreOtherStoreAndBareSqliteAreSeenAtOnce) {
  int round = 0;
  for (bool in_snapshot : {false, true}) {
    for (int writer = 0; writer < 3; ++writer) {
      SCOPED_TRACE(std::string(in_snapshot ? "in a snapshot" : "outside") + ", writer " + std::to_string(writer));
      ++round;
      WarmAll(in_snapshot);
      const std::string housing = "MCJ " + std::to_string(round);
      const std::string address = std::to_string(round) + " Main St";
      const std::string jail = "jail" + std::to_string(round);
      const size_t convictions = Convictions(in_snapshot) + 1;
      const int charges = round % 3 + 1;
      if (writer == 2) {
        // No store at all.
        ExecOnFile(("UPDATE bookings SET housing = '" + housing + "' WHERE booking_id = 'B1'; "
                    "UPDATE persons SET address = '" + address + "' WHERE person_id = 'P1'; "
                    "INSERT INTO convictions(person_id, code, statute, description, level, degree, convicted_at, "
                    "sentence, court, sex_registrable, arson_registrable) "
                    "SELECT person_id, code, statute, description, level, degree, convicted_at + 1, sentence, court, "
                    "sex_registrable, arson_registrable FROM convictions WHERE person_id = 'P1' LIMIT 1; "
                    "UPDATE meta SET value = '" + jail + "' WHERE key = 'jail_agency';")
                       .c_str());
      } else {
        Store& w = writer == 0 ? *store_ : *other_;
        ASSERT_TRUE(w.PutBooking(MakeBooking("B1", "P1", housing, charges)).ok());
        ASSERT_TRUE(w.PutPerson(MakePerson("P1", address)).ok());
        ASSERT_TRUE(w.AddConviction(MakeConviction("P1", 2000 + round)).ok());
        ASSERT_TRUE(w.SetMeta("jail_agency", jail).ok());
      }
      if (writer != 2) {
        EXPECT_EQ(Housing(in_snapshot), housing + "/" + std::to_string(charges));
      } else {
        EXPECT_EQ(Housing(in_snapshot).substr(0, housing.size() + 1), housing + "/");
      }
      EXPECT_EQ(Address(in_snapshot), address);
      EXPECT_EQ(Convictions(in_snapshot), convictions);
      EXPECT_EQ(Jail(in_snapshot), jail);
      // And again, now from the cache once it warms up.
      WarmAll(in_snapshot);
      EXPECT_EQ(Housing(in_snapshot).substr(0, housing.size() + 1), housing + "/");
      EXPECT_EQ(Address(in_snapshot), address);
      EXPECT_EQ(Convictions(in_snapshot), convictions);
      EXPECT_EQ(Jail(in_snapshot), jail);
    }
  }
}

// A transaction's own writes, and a snapshot's own writes, are read back (not the cached rows),
// and a rollback leaves the cache answering the old rows.
TEST_F(RowCacheTest, TransactionsAndSnapshotsReadTheirOwnWrites) {
  WarmAll(false);
  WarmAll(true);
  Status st = store_->RunInTransaction([&]() -> Status {
    TG_RETURN_IF_ERROR(store_->PutPerson(MakePerson("P1", "in tx")));
    TG_RETURN_IF_ERROR(store_->PutBooking(MakeBooking("B1", "P1", "in tx", 1)));
    EXPECT_EQ(Address(false), "in tx");
    EXPECT_EQ(Housing(false), "in tx/1");
    EXPECT_EQ(Address(true), "in tx");  // a snapshot inside a transaction joins it
    return Status::InvalidArgument("roll back");
  });
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(Address(false), "1 Main St");
  EXPECT_EQ(Housing(true), "MCJ 3000/2");

  st = store_->RunInSnapshot([&]() -> Status {
    EXPECT_EQ(Address(false), "1 Main St");  // first read: the cache may answer
    TG_RETURN_IF_ERROR(store_->PutPerson(MakePerson("P1", "in snapshot")));
    EXPECT_EQ(Address(false), "in snapshot");
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Address(false), "in snapshot");
  EXPECT_EQ(Address(true), "in snapshot");
}

// Test 2: a snapshot S that began before another process's commit keeps reading its own
// state, even when another thread has since filled the cache with the newer rows (also when
// S began with a read that does not go through the cache); and a snapshot that began after
// the commit is not answered with S's older rows.
TEST_F(RowCacheTest, ASnapshotIsAnsweredOnlyWithItsOwnState) {
  for (int order = 0; order < 3; ++order) {
    SCOPED_TRACE(order == 0   ? "newer rows cached while the old snapshot is open"
                 : order == 1 ? "old snapshot fills, newer snapshot reads"
                              : "newer rows cached while an old snapshot begun by an uncached read is open");
    const std::string old_address = "old " + std::to_string(order);
    const std::string new_address = "new " + std::to_string(order);
    const std::string old_housing = "old housing " + std::to_string(order);
    const std::string new_housing = "new housing " + std::to_string(order);
    ASSERT_TRUE(store_->PutPerson(MakePerson("P1", old_address)).ok());
    ASSERT_TRUE(store_->PutBooking(MakeBooking("B1", "P1", old_housing)).ok());
    WarmAll(true);

    std::mutex mu;
    std::condition_variable cv;
    int step = 0;  // 1: S began; 2: committed (and, order 0, newer rows cached); 3: S done
    auto wait_for = [&](int s) {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return step >= s; });
    };
    auto advance = [&](int s) {
      std::lock_guard<std::mutex> lock(mu);
      step = s;
      cv.notify_all();
    };

    // S: begins with a read the cache answers (so S is a snapshot the cache serves), then
    // waits while the change is committed and, in order 0, cached by another thread.
    std::thread s_thread([&] {
      bool began_cached = false;
      for (int attempt = 0; attempt < 12 && !began_cached; ++attempt) {
        Status st = store_->RunInSnapshot([&]() -> Status {
          const uint64_t hits = SqliteRowCacheHits(*store_);
          if (order == 2) {
            EXPECT_TRUE(store_->GetAgency("lasd").ok());  // begins S, not through the cache
          } else {
            auto p = store_->GetPerson("P1");
            EXPECT_TRUE(p.ok() && p->address == old_address);
            if (SqliteRowCacheHits(*store_) == hits) return Status::OK();  // try again
          }
          began_cached = true;
          advance(1);
          wait_for(2);
          for (int i = 0; i < 3; ++i) {
            auto again = store_->GetPerson("P1");
            EXPECT_TRUE(again.ok());
            if (again.ok()) {
              EXPECT_EQ(again->address, old_address) << "S was answered with rows newer than S";
            }
            auto b = store_->GetBooking("B1");
            EXPECT_TRUE(b.ok());
            if (b.ok()) {
              EXPECT_EQ(b->housing, old_housing) << "S was answered with rows newer than S";
            }
          }
          return Status::OK();
        });
        EXPECT_TRUE(st.ok()) << st.ToString();
      }
      EXPECT_TRUE(began_cached) << "the cache never answered S's first read";
      if (!began_cached) advance(1);
      advance(3);
    });

    wait_for(1);
    ASSERT_TRUE(other_->PutPerson(MakePerson("P1", new_address)).ok());
    ASSERT_TRUE(other_->PutBooking(MakeBooking("B1", "P1", new_housing)).ok());
    if (order != 1) {
      // T, on another thread: new snapshots see the change and fill the cache with it.
      std::thread t_thread([&] {
        const uint64_t hits = SqliteRowCacheHits(*store_);
        for (int i = 0; i < 12 && SqliteRowCacheHits(*store_) < hits + 2; ++i) {
          EXPECT_EQ(Address(true), new_address);
          EXPECT_EQ(Housing(true).substr(0, new_housing.size()), new_housing);
        }
        EXPECT_GE(SqliteRowCacheHits(*store_), hits + 2) << "the newer rows were never cached";
      });
      t_thread.join();
      advance(2);
      wait_for(3);
    } else {
      // S reads (and may cache) its old rows while the change is committed; then new
      // snapshots and plain reads must see the change.
      advance(2);
      wait_for(3);
      std::thread t_thread([&] {
        EXPECT_EQ(Address(true), new_address);
        EXPECT_EQ(Address(false), new_address);
        EXPECT_EQ(Housing(true).substr(0, new_housing.size()), new_housing);
      });
      t_thread.join();
      EXPECT_EQ(Address(true), new_address);
      EXPECT_EQ(Housing(false).substr(0, new_housing.size()), new_housing);
    }
    s_thread.join();
  }
}

// Test 3: a booking, person or meta key created after a miss is found at once, also when
// created by another process. Missing bookings and persons are not cached (their ids come
// from callers); a missing meta key is (the gateway asks for one on every request), until
// the next commit.
TEST_F(RowCacheTest, MissesAreNotCached) {
  for (int writer = 0; writer < 2; ++writer) {
    Store& w = writer == 0 ? *store_ : *other_;
    const std::string n = std::to_string(writer);
    for (bool in_snapshot : {false, true}) {
      auto read_booking = [&] { return store_->GetBooking("B-new" + n).status().code(); };
      auto read_person = [&] { return store_->GetPerson("P-new" + n).status().code(); };
      for (int i = 0; i < 3; ++i) {
        if (in_snapshot) {
          ASSERT_TRUE(store_->RunInSnapshot([&] {
            EXPECT_EQ(read_booking(), Code::kNotFound);
            EXPECT_EQ(read_person(), Code::kNotFound);
            return Status::OK();
          }).ok());
        } else {
          EXPECT_EQ(read_booking(), Code::kNotFound);
          EXPECT_EQ(read_person(), Code::kNotFound);
          auto m = store_->GetMeta("new" + n);
          ASSERT_TRUE(m.ok());
          EXPECT_FALSE(m->has_value());
        }
      }
      if (in_snapshot) break;
    }
    const uint64_t hits = SqliteRowCacheHits(*store_);
    for (int i = 0; i < 3; ++i) {
      auto m = store_->GetMeta("new" + n);
      ASSERT_TRUE(m.ok());
      EXPECT_FALSE(m->has_value());
    }
    EXPECT_GT(SqliteRowCacheHits(*store_), hits) << "a missing meta key was never answered from the cache";
    ASSERT_TRUE(w.PutPerson(MakePerson("P-new" + n, "somewhere")).ok());
    ASSERT_TRUE(w.PutBooking(MakeBooking("B-new" + n, "P-new" + n, "IRC")).ok());
    ASSERT_TRUE(w.SetMeta("new" + n, "here").ok());
    EXPECT_TRUE(store_->GetBooking("B-new" + n).ok());
    EXPECT_TRUE(store_->GetPerson("P-new" + n).ok());
    auto m = store_->GetMeta("new" + n);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->value_or(""), "here");
    ASSERT_TRUE(store_->RunInSnapshot([&] {
      EXPECT_TRUE(store_->GetBooking("B-new" + n).ok());
      EXPECT_TRUE(store_->GetPerson("P-new" + n).ok());
      return Status::OK();
    }).ok());
  }
}

// Test 4: more rows than the bound all read correctly, and the cache stays within it.
TEST_F(RowCacheTest, MoreRowsThanTheBound) {
  const size_t n = kCacheBound + 300;
  Status made = store_->RunInTransaction([&]() -> Status {
    for (size_t i = 0; i < n; ++i) {
      const std::string id = std::to_string(i);
      TG_RETURN_IF_ERROR(store_->PutPerson(MakePerson("P-" + id, id + " Main St")));
      TG_RETURN_IF_ERROR(store_->PutBooking(MakeBooking("B-" + id, "P-" + id, id, 1)));
    }
    return Status::OK();
  });
  ASSERT_TRUE(made.ok()) << made.ToString();
  WarmAll(true);  // every connection has looked at the file since the load
  for (int round = 0; round < 2; ++round) {
    for (size_t i = 0; i < n; ++i) {
      const std::string id = std::to_string(i);
      Status st = store_->RunInSnapshot([&]() -> Status {
        auto b = store_->GetBooking("B-" + id);
        if (!b.ok()) return b.status();
        EXPECT_EQ(b->housing, id);
        auto p = store_->GetPerson(b->person_id);
        if (!p.ok()) return p.status();
        EXPECT_EQ(p->address, id + " Main St");
        return store_->ConvictionsByPerson(b->person_id).status();
      });
      ASSERT_TRUE(st.ok()) << st.ToString();
    }
    for (int kind : {kBookings, kPersons, kConvictions}) {
      EXPECT_LE(SqliteRowCacheEntries(*store_, kind), kCacheBound) << "kind " << kind;
      EXPECT_GT(SqliteRowCacheEntries(*store_, kind), 0u) << "kind " << kind;
    }
  }
}

}  // namespace
}  // namespace tg::records
