// The SQLite implementation of Store (store.h). Schema: docs/store-schema.md.
// SHA256_Init and friends are deprecated in OpenSSL 3 but, unlike SHA256(), fetch nothing.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <unordered_map>

#include "records/generation_cache.h"
#include "records/store.h"
#include "records/wal_index_probe.h"

namespace tg::records {

namespace {

// SHA-256 of a bearer token (every request hashes its own). The one-shot SHA256() goes
// through EVP_Q_digest, an algorithm fetch per call that cost more than the hashing.
void TokenDigest(std::string_view text, unsigned char md[SHA256_DIGEST_LENGTH]) {
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, text.data(), text.size());
  SHA256_Final(md, &ctx);
}

// ---------------------------------------------------------------------------------------
// Schema. Each string is one migration; PRAGMA user_version counts those applied. Append,
// never edit: a store at version N has run exactly the first N.
const std::vector<std::string> kMigrations = {
    // 1: the records domain.
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE agencies (
  id    TEXT PRIMARY KEY,
  name  TEXT NOT NULL,
  kind  TEXT NOT NULL,
  state TEXT NOT NULL,
  ori   TEXT NOT NULL
);
CREATE TABLE users (
  id        TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  agency_id TEXT NOT NULL REFERENCES agencies(id),
  roles     TEXT NOT NULL              -- JSON array of strings
);
CREATE INDEX users_agency ON users(agency_id);
CREATE TABLE workstations (
  id        TEXT PRIMARY KEY,
  location  TEXT NOT NULL,
  agency_id TEXT NOT NULL REFERENCES agencies(id)
);
CREATE TABLE api_tokens (
  id             TEXT PRIMARY KEY,
  token_hash     TEXT NOT NULL UNIQUE,  -- hex SHA-256 of the plaintext
  user_id        TEXT NOT NULL REFERENCES users(id),
  workstation_id TEXT REFERENCES workstations(id),
  created_at     INTEGER NOT NULL,
  revoked_at     INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
CREATE TABLE persons (
  person_id          TEXT PRIMARY KEY,
  first_name         TEXT NOT NULL,
  middle_name        TEXT NOT NULL,
  last_name          TEXT NOT NULL,
  dob                TEXT NOT NULL,
  sex                TEXT NOT NULL,
  birthplace         TEXT NOT NULL,
  address            TEXT NOT NULL,
  phone              TEXT NOT NULL,
  email              TEXT NOT NULL,
  immigration_status TEXT NOT NULL,
  sex_registrant     INTEGER NOT NULL,
  arson_registrant   INTEGER NOT NULL
);
CREATE TABLE bookings (
  booking_id           TEXT PRIMARY KEY,
  person_id            TEXT NOT NULL REFERENCES persons(person_id),
  name                 TEXT NOT NULL,
  name_key             TEXT NOT NULL,   -- lower(name), for case-insensitive search
  booked_at            INTEGER NOT NULL,
  arresting_agency     TEXT NOT NULL,
  bail                 INTEGER NOT NULL,
  facility             TEXT NOT NULL,
  housing              TEXT NOT NULL,
  custody_status       TEXT NOT NULL,
  scheduled_release_at INTEGER,
  released_at          INTEGER,
  release_at           INTEGER,         -- coalesce(released_at, scheduled_release_at)
  release_type         TEXT NOT NULL,
  court_date           INTEGER,
  court                TEXT NOT NULL,
  photo_url            TEXT NOT NULL
);
CREATE INDEX bookings_person ON bookings(person_id);
CREATE INDEX bookings_release ON bookings(release_at);
CREATE INDEX bookings_booked ON bookings(booked_at);
CREATE TABLE charges (
  booking_id  TEXT NOT NULL REFERENCES bookings(booking_id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  code        TEXT NOT NULL,
  statute     TEXT NOT NULL,
  description TEXT NOT NULL,
  level       TEXT NOT NULL CHECK (level IN ('F', 'M', 'I')),
  degree      INTEGER NOT NULL,
  PRIMARY KEY (booking_id, seq)
) WITHOUT ROWID;
CREATE TABLE convictions (
  id                INTEGER PRIMARY KEY,
  person_id         TEXT NOT NULL REFERENCES persons(person_id),
  code              TEXT NOT NULL,
  statute           TEXT NOT NULL,
  description       TEXT NOT NULL,
  level             TEXT NOT NULL CHECK (level IN ('F', 'M', 'I')),
  degree            INTEGER NOT NULL,
  convicted_at      INTEGER NOT NULL,
  sentence          TEXT NOT NULL,
  court             TEXT NOT NULL,
  sex_registrable   INTEGER NOT NULL,
  arson_registrable INTEGER NOT NULL
);
CREATE INDEX convictions_person ON convictions(person_id, convicted_at);
CREATE TABLE agency_requests (
  id                INTEGER PRIMARY KEY,
  kind              TEXT NOT NULL,
  booking_id        TEXT NOT NULL,
  person_id         TEXT NOT NULL,
  requesting_agency TEXT NOT NULL,
  requested_by      TEXT NOT NULL,
  authority_kind    TEXT NOT NULL,
  authority_ref     TEXT NOT NULL,
  reason            TEXT NOT NULL,
  received_at       INTEGER NOT NULL,
  outcome           TEXT NOT NULL,
  decided_at        INTEGER
);
CREATE INDEX agency_requests_booking ON agency_requests(booking_id, received_at);
CREATE TABLE notices (
  id         INTEGER PRIMARY KEY,
  request_id INTEGER,
  booking_id TEXT NOT NULL,
  person_id  TEXT NOT NULL,
  recipient  TEXT NOT NULL,
  kind       TEXT NOT NULL,
  channel    TEXT NOT NULL,
  sent_at    INTEGER NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX notices_booking ON notices(booking_id, sent_at);
CREATE TABLE alpr_devices (
  id        TEXT PRIMARY KEY,
  agency_id TEXT NOT NULL,
  kind      TEXT NOT NULL,
  location  TEXT NOT NULL,
  lat       REAL NOT NULL,
  lon       REAL NOT NULL
);
CREATE TABLE plate_reads (
  id         INTEGER PRIMARY KEY,
  plate      TEXT NOT NULL,
  state      TEXT NOT NULL,
  read_at    INTEGER NOT NULL,
  lat        REAL,                     -- NULL when not recorded
  lon        REAL,
  device     TEXT NOT NULL,
  agency     TEXT NOT NULL,
  confidence REAL NOT NULL,
  image_ref  TEXT NOT NULL
);
CREATE INDEX plate_reads_plate_time ON plate_reads(plate, read_at);
CREATE TABLE hotlists (
  id        TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  agency_id TEXT NOT NULL
);
CREATE TABLE hotlist_entries (
  id            INTEGER PRIMARY KEY,
  hotlist_id    TEXT NOT NULL REFERENCES hotlists(id),
  plate         TEXT NOT NULL,
  state         TEXT NOT NULL,
  reason        TEXT NOT NULL,
  source_agency TEXT NOT NULL,
  added_at      INTEGER NOT NULL,
  expires_at    INTEGER
);
CREATE INDEX hotlist_entries_plate ON hotlist_entries(plate);
CREATE TABLE field_contacts (
  id                  INTEGER PRIMARY KEY,
  person_id           TEXT NOT NULL,
  agency_id           TEXT NOT NULL,
  officer_id          TEXT NOT NULL,
  kind                TEXT NOT NULL,
  contacted_at        INTEGER NOT NULL,
  location            TEXT NOT NULL,
  lat                 REAL NOT NULL,
  lon                 REAL NOT NULL,
  reason              TEXT NOT NULL,
  outcome             TEXT NOT NULL,
  vehicle_plate       TEXT NOT NULL,
  vehicle_state       TEXT NOT NULL,
  vehicle_description TEXT NOT NULL,
  social_media        TEXT NOT NULL     -- JSON array of strings
);
CREATE INDEX field_contacts_person ON field_contacts(person_id, contacted_at);
CREATE TABLE gang_entries (
  id               INTEGER PRIMARY KEY,
  person_id        TEXT NOT NULL,
  gang             TEXT NOT NULL,
  criteria         TEXT NOT NULL,       -- JSON array of strings
  source_agency    TEXT NOT NULL,
  entered_at       INTEGER NOT NULL,
  last_reviewed_at INTEGER NOT NULL
);
CREATE INDEX gang_entries_person ON gang_entries(person_id);
CREATE INDEX gang_entries_review ON gang_entries(last_reviewed_at);
)sql",
};

// Tables in the fixed order Counts() and ContentDigest() use, with the ORDER BY that makes
// a dump canonical.
struct TableInfo {
  const char* name;
  const char* order_by;
  bool in_digest;
};
const TableInfo kTables[] = {
    {"agencies", "id", true},
    {"users", "id", true},
    {"workstations", "id", true},
    {"api_tokens", "id", false},
    {"persons", "person_id", true},
    {"bookings", "booking_id", true},
    {"charges", "booking_id, seq", true},
    {"convictions", "id", true},
    {"agency_requests", "id", true},
    {"notices", "id", true},
    {"alpr_devices", "id", true},
    {"plate_reads", "id", true},
    {"hotlists", "id", true},
    {"hotlist_entries", "id", true},
    {"field_contacts", "id", true},
    {"gang_entries", "id", true},
};

const std::set<std::string> kAgencyKinds = {
    "local_police", "sheriff",   "jail",       "state_agency",    "federal_law_enforcement",
    "immigration",  "out_of_state", "task_force", "fusion_center", "probation",
    "court",        "victim_services", "private", "public",         "oversight"};
const std::set<std::string> kRequestKinds = {"hold", "notify", "transfer", "interview", "info"};
const std::set<std::string> kAuthorityKinds = {
    "judicial_warrant",       "judicial_probable_cause", "court_order", "judicial_subpoena",
    "administrative_warrant", "administrative_subpoena", "detainer",    "none"};
const std::set<std::string> kOutcomes = {"pending", "accepted", "declined", "referred"};

std::string ToJsonArray(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }

std::vector<std::string> FromJsonArray(const std::string& s) {
  auto j = nlohmann::json::parse(s, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

std::string Hex(const unsigned char* p, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 15];
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// ---------------------------------------------------------------------------------------
// A prepared statement with typed binding and reading. Owned by its connection's cache.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  sqlite3_stmt* raw() { return s_; }
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  // Lvalues must outlive the step (SQLITE_STATIC); temporaries are copied (SQLITE_TRANSIENT).
  void Bind(int i, const std::string& v) { sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC); }
  void Bind(int i, std::string&& v) { sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void Bind(int i, const char* v) { sqlite3_bind_text(s_, i, v, -1, SQLITE_STATIC); }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void Bind(int i, int v) { sqlite3_bind_int64(s_, i, v); }
  void Bind(int i, bool v) { sqlite3_bind_int64(s_, i, v ? 1 : 0); }
  void Bind(int i, double v) { sqlite3_bind_double(s_, i, v); }
  void Bind(int i, char v) { sqlite3_bind_text(s_, i, &v, 1, SQLITE_TRANSIENT); }
  void Bind(int i, const std::optional<int64_t>& v) {
    if (v) {
      sqlite3_bind_int64(s_, i, *v);
    } else {
      sqlite3_bind_null(s_, i);
    }
  }
  void Bind(int i, const std::optional<std::string>& v) {
    if (v) {
      Bind(i, *v);
    } else {
      sqlite3_bind_null(s_, i);
    }
  }
  std::string Text(int c) {
    const unsigned char* p = sqlite3_column_text(s_, c);
    return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(s_, c)) : std::string();
  }
  bool Null(int c) { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  int64_t Int(int c) { return sqlite3_column_int64(s_, c); }
  double Real(int c) { return sqlite3_column_double(s_, c); }
  bool Bool(int c) { return sqlite3_column_int64(s_, c) != 0; }
  char Char(int c) {
    std::string t = Text(c);
    return t.empty() ? '?' : t[0];
  }
  std::optional<int64_t> OptInt(int c) {
    if (sqlite3_column_type(s_, c) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(s_, c);
  }
  std::optional<double> OptReal(int c) {
    if (sqlite3_column_type(s_, c) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_double(s_, c);
  }
  std::optional<std::string> OptText(int c) {
    if (sqlite3_column_type(s_, c) == SQLITE_NULL) return std::nullopt;
    return Text(c);
  }

 private:
  sqlite3_stmt* s_;
};

class Conn {
 public:
  explicit Conn(sqlite3* db) : db_(db) {
    // Runs inside each commit this connection makes (before it is visible); Release looks at
    // the flag once the call that committed is over.
    sqlite3_commit_hook(
        db_,
        [](void* self) {
          static_cast<Conn*>(self)->committed = true;
          return 0;
        },
        this);
  }
  ~Conn() {
    stmts_.clear();
    sqlite3_close_v2(db_);
  }
  sqlite3* db() { return db_; }

  // Set by the commit hook when this connection committed a write; cleared by Release.
  // Touched only by the thread holding the connection.
  bool committed = false;
  // PRAGMA data_version as this connection last read it; -1 before the first read.
  int64_t seen_data_version = -1;
  // "Held snapshots" (SqliteStore): the read transaction the last snapshot on this connection
  // left open for the next one, the WAL-index header it began at, the generation it was
  // checked at and when it began. Touched by the thread holding the connection, or under
  // the pool's mutex while the connection is idle.
  bool holding = false;
  WalIndexProbe::Header held_header{};
  uint64_t held_generation = 0;
  std::chrono::steady_clock::time_point held_since;

  // The cached prepared statement for sql, reset and with bindings cleared.
  Result<Stmt*> Prepare(const char* sql) {
    auto it = stmts_.find(sql);
    if (it != stmts_.end()) {
      it->second->Reset();
      return it->second.get();
    }
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (rc != SQLITE_OK) return Error("prepare");
    auto owned = std::make_unique<Stmt>(s);
    Stmt* raw = owned.get();
    stmts_.emplace(sql, std::move(owned));
    return raw;
  }

  Status Exec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string m = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      return CodeFor(rc, "sqlite: " + m);
    }
    return Status::OK();
  }

  Status Error(const std::string& what) {
    int rc = sqlite3_extended_errcode(db_);
    return CodeFor(rc, "sqlite " + what + ": " + sqlite3_errmsg(db_));
  }

  static Status CodeFor(int rc, std::string message) {
    switch (rc & 0xff) {
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return Status::Unavailable(std::move(message));
      case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
          return Status::AlreadyExists(std::move(message));
        }
        return Status::InvalidArgument(std::move(message));
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        return Status::Corruption(std::move(message));
      case SQLITE_FULL:
        return Status::ResourceExhausted(std::move(message));
      default:
        return Status::IOError(std::move(message));
    }
  }

  // Steps a statement that returns no rows.
  Status Run(Stmt* s) {
    int rc = sqlite3_step(s->raw());
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      Status st = Error("step");
      sqlite3_reset(s->raw());
      return st;
    }
    sqlite3_reset(s->raw());
    return Status::OK();
  }

  // Steps to the next row: true for a row, false when done; error status otherwise.
  Result<bool> Next(Stmt* s) {
    int rc = sqlite3_step(s->raw());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Status st = Error("step");
    sqlite3_reset(s->raw());
    return st;
  }

 private:
  sqlite3* db_;
  std::unordered_map<const char*, std::unique_ptr<Stmt>> stmts_;
};

class SqliteStore;

// The transaction (connection) the current thread holds on a given store, if any.
struct TxBinding {
  const SqliteStore* store;
  Conn* conn;
  int depth;
  // RunInSnapshot (a read transaction, begun by its first read) rather than RunInTransaction.
  bool snapshot = false;
  // Set when the snapshot's read transaction was begun by the data_version check
  // (SqliteStore::BeginChecked) and the store generation was `generation` both right before
  // and right after that check. Only then does the row cache serve or fill in this snapshot,
  // at that generation ("Row cache" in SqliteStore).
  bool checked = false;
  uint64_t generation = 0;
  // Set when, in addition, the WAL-index header read right before and right after that check
  // was the same `header`: the snapshot's read transaction sees the state that header names
  // ("Held snapshots" in SqliteStore). `since`: when the read transaction began.
  bool at_header = false;
  WalIndexProbe::Header header{};
  std::chrono::steady_clock::time_point since{};
};
thread_local std::vector<TxBinding> tls_tx;

TxBinding* FindTx(const SqliteStore* store) {
  for (auto& b : tls_tx) {
    if (b.store == store) return &b;
  }
  return nullptr;
}

// Column lists shared by several queries, as macros so each query stays one string literal
// (the statement cache is keyed by the literal's address). The Read* functions below read
// them in this order.
#define TG_BOOKING_COLS                                                                          \
  "booking_id, person_id, name, booked_at, arresting_agency, bail, facility, housing, custody_status, " \
  "scheduled_release_at, released_at, release_type, court_date, court, photo_url"
#define TG_TOKEN_COLS "id, token_hash, user_id, workstation_id, created_at, revoked_at"
#define TG_REQUEST_COLS                                                                          \
  "id, kind, booking_id, person_id, requesting_agency, requested_by, authority_kind, authority_ref, " \
  "reason, received_at, outcome, decided_at"
#define TG_GANG_COLS "id, person_id, gang, criteria, source_agency, entered_at, last_reviewed_at"

// The store's caches (GenerationCache, records/generation_cache.h): principals by the
// token's SHA-256 (raw bytes), served while the store generation is still the one read before
// the read transaction that found them began; rows by id, served to a snapshot only at its
// own generation ("Row cache" in SqliteStore). Every commit the store can learn of moves the
// generation on, so no entry outlives a change to the rows it came from. (Coarse on purpose:
// any commit, to any table, drops every entry; PRAGMA data_version cannot say which tables
// another process changed.) Only found rows are kept: presenting random tokens fills nothing.
using PrincipalCache = GenerationCache<Principal, 4096>;
template <typename T>
using RowCache = GenerationCache<T, 8192>;

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, SqliteOptions options) : path_(std::move(path)), options_(options) {
    if (path_ == ":memory:") options_.max_connections = 1;
    if (options_.max_connections < 1) options_.max_connections = 1;
  }
  ~SqliteStore() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    reaper_cv_.notify_all();
    if (reaper_.joinable()) reaper_.join();
    idle_.clear();
  }

  Status Init() {
    auto c = OpenConn();
    if (!c.ok()) return c.status();
    std::unique_ptr<Conn> conn = std::move(c.value());
    TG_RETURN_IF_ERROR(Migrate(conn.get()));
    OpenProbe();
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(conn));
    ++open_;
    return Status::OK();
  }

  // A connection for the duration of one call: the thread's transaction connection if it
  // holds one, otherwise one from the pool.
  class Lease {
   public:
    Lease(SqliteStore* store, Conn* conn, bool pooled) : store_(store), conn_(conn), pooled_(pooled) {}
    Lease(Lease&& o) noexcept : store_(o.store_), conn_(o.conn_), pooled_(o.pooled_) { o.conn_ = nullptr; }
    ~Lease() {
      if (conn_ && pooled_) store_->Release(conn_);
    }
    Conn* operator->() { return conn_; }
    Conn* get() { return conn_; }

   private:
    SqliteStore* store_;
    Conn* conn_;
    bool pooled_;
  };

  // `for_snapshot`: RunInSnapshot's, which may resume the read transaction the connection
  // holds; any other use ends it first, so that it reads the database as it is now.
  Result<Lease> Acquire(bool for_snapshot = false) {
    if (TxBinding* b = FindTx(this)) return Lease(this, b->conn, false);
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      if (!idle_.empty()) {
        Conn* c = idle_.back().release();
        idle_.pop_back();
        lock.unlock();
        if (c->holding && !for_snapshot) EndHeld(c);
        return Lease(this, c, true);
      }
      if (open_ < options_.max_connections) {
        ++open_;
        lock.unlock();
        auto c = OpenConn();
        if (!c.ok()) {
          std::lock_guard<std::mutex> relock(mu_);
          --open_;
          return c.status();
        }
        return Lease(this, c.value().release(), true);
      }
      cv_.wait(lock);
    }
  }

  void Release(Conn* c) {
    // The call that held c is over; if it committed, the generation moves on before that
    // call returns, so a principal read before the commit is not served after it. (One place
    // instead of a bump in every writer: the commit hook sees every commit, whichever path
    // made it: Write, Insert, RunInTransaction, RunInSnapshot, Exec of DDL, bulk loads.)
    const bool wrote = c->committed;
    if (wrote) {
      c->committed = false;
      NoteChange();
    }
    bool wake_reaper = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      // Every held snapshot is stale now: ended here rather than at its next use or by the
      // reaper, so that the next commit's checkpoint need not wait for them (Hold's frame
      // limit is what bounds the WAL in general; held_snapshot_test.cpp, TheStoresOwn...).
      if (wrote)
        for (auto& idle : idle_)
          if (idle->holding) EndHeld(idle.get());
      idle_.emplace_back(c);
      if (c->holding) {
        if (!reaper_.joinable()) reaper_ = std::thread([this] { ReapHeld(); });
        wake_reaper = reaper_waits_for_any_;
      }
    }
    cv_.notify_one();
    if (wake_reaper) reaper_cv_.notify_one();
  }

  // ----- Store -------------------------------------------------------------------------

  Status RunInTransaction(const std::function<Status()>& body) override {
    if (TxBinding* b = FindTx(this)) {
      // Nested: a savepoint, so an inner failure the outer body handles rolls back only
      // the inner work.
      Conn* conn = b->conn;
      const std::string sp = "tg_sp" + std::to_string(b->depth++);
      Status st = conn->Exec("SAVEPOINT " + sp);
      if (st.ok()) {
        st = body();
        if (st.ok()) {
          st = conn->Exec("RELEASE " + sp);
        } else {
          (void)conn->Exec("ROLLBACK TO " + sp);
          (void)conn->Exec("RELEASE " + sp);
        }
      }
      if (TxBinding* again = FindTx(this)) --again->depth;
      return st;
    }
    auto lease = Acquire();
    if (!lease.ok()) return lease.status();
    Conn* conn = lease->get();
    TG_RETURN_IF_ERROR(conn->Exec("BEGIN IMMEDIATE"));
    Status st = RunBound(conn, body);
    if (st.ok()) {
      st = conn->Exec("COMMIT");
      if (!st.ok()) (void)conn->Exec("ROLLBACK");
    } else {
      (void)conn->Exec("ROLLBACK");
    }
    return st;
  }

  Status RunInSnapshot(const std::function<Status()>& body) override {
    if (FindTx(this)) return body();
    auto lease = Acquire(/*for_snapshot=*/true);
    if (!lease.ok()) return lease.status();
    Conn* conn = lease->get();
    TxBinding binding{this, conn, 0};
    binding.snapshot = true;
    if (!ResumeHeld(conn, binding)) {
      // Deferred: the read lock is taken by the first read and held until the end.
      auto begin = conn->Prepare("BEGIN");
      if (!begin.ok()) return begin.status();
      TG_RETURN_IF_ERROR(conn->Run(*begin));
    }
    TxBinding after = binding;
    Status st = RunBound(conn, body, binding, &after);
    if (Hold(conn, after)) return st;
    EndTransaction(conn);
    return st;
  }

  Result<int> SchemaVersion() override {
    auto c = Acquire();
    if (!c.ok()) return c.status();
    return UserVersion(c->get());
  }

  Status SetMeta(const std::string& key, const std::string& value) override {
    return Write("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)", [&](Stmt* s) {
      s->Bind(1, key);
      s->Bind(2, value);
    });
  }

  Result<std::optional<std::string>> GetMeta(const std::string& key) override {
    // Through the row cache, absent keys too: the keys are the program's own, not a
    // caller's (the gateway asks for "jail_agency" on every request, and the demo county
    // has none).
    return Cached(meta_cache_, key, [&]() -> Result<std::optional<std::string>> {
      std::optional<std::string> out;
      TG_RETURN_IF_ERROR(Query(
          "SELECT value FROM meta WHERE key = ?1", [&](Stmt* s) { s->Bind(1, key); },
          [&](Stmt* s) { out = s->Text(0); }));
      return out;
    });
  }

  // agencies ---------------------------------------------------------------------------
  Status PutAgency(const Agency& a) override {
    if (a.id.empty()) return Status::InvalidArgument("agency id is empty");
    if (!kAgencyKinds.count(a.kind)) {
      return Status::InvalidArgument("agency " + a.id + ": unknown kind '" + a.kind + "'");
    }
    return Write("INSERT OR REPLACE INTO agencies(id, name, kind, state, ori) VALUES (?1, ?2, ?3, ?4, ?5)",
                 [&](Stmt* s) {
                   s->Bind(1, a.id);
                   s->Bind(2, a.name);
                   s->Bind(3, a.kind);
                   s->Bind(4, a.state);
                   s->Bind(5, a.ori);
                 });
  }
  // The Read* functions read their columns starting at column c (0 unless in a join).
  static Agency ReadAgencyAt(Stmt* s, int c) {
    return Agency{s->Text(c), s->Text(c + 1), s->Text(c + 2), s->Text(c + 3), s->Text(c + 4)};
  }
  static Agency ReadAgency(Stmt* s) { return ReadAgencyAt(s, 0); }
  Result<Agency> GetAgency(const std::string& id) override {
    return One<Agency>("SELECT id, name, kind, state, ori FROM agencies WHERE id = ?1", id, ReadAgency,
                       "agency");
  }
  Result<std::vector<Agency>> ListAgencies() override {
    return Many<Agency>("SELECT id, name, kind, state, ori FROM agencies ORDER BY id", [](Stmt*) {}, ReadAgency);
  }

  // users ------------------------------------------------------------------------------
  Status PutUser(const User& u) override {
    if (u.id.empty()) return Status::InvalidArgument("user id is empty");
    return Write("INSERT OR REPLACE INTO users(id, name, agency_id, roles) VALUES (?1, ?2, ?3, ?4)",
                 [&](Stmt* s) {
                   s->Bind(1, u.id);
                   s->Bind(2, u.name);
                   s->Bind(3, u.agency_id);
                   s->Bind(4, ToJsonArray(u.roles));
                 }, "user " + u.id);
  }
  static User ReadUserAt(Stmt* s, int c) {
    return User{s->Text(c), s->Text(c + 1), s->Text(c + 2), FromJsonArray(s->Text(c + 3))};
  }
  static User ReadUser(Stmt* s) { return ReadUserAt(s, 0); }
  Result<User> GetUser(const std::string& id) override {
    return One<User>("SELECT id, name, agency_id, roles FROM users WHERE id = ?1", id, ReadUser, "user");
  }
  Result<std::vector<User>> ListUsers(const std::string& agency_id) override {
    if (agency_id.empty()) {
      return Many<User>("SELECT id, name, agency_id, roles FROM users ORDER BY id", [](Stmt*) {}, ReadUser);
    }
    return Many<User>("SELECT id, name, agency_id, roles FROM users WHERE agency_id = ?1 ORDER BY id",
                      [&](Stmt* s) { s->Bind(1, agency_id); }, ReadUser);
  }

  // workstations -----------------------------------------------------------------------
  Status PutWorkstation(const Workstation& w) override {
    if (w.id.empty()) return Status::InvalidArgument("workstation id is empty");
    return Write("INSERT OR REPLACE INTO workstations(id, location, agency_id) VALUES (?1, ?2, ?3)",
                 [&](Stmt* s) {
                   s->Bind(1, w.id);
                   s->Bind(2, w.location);
                   s->Bind(3, w.agency_id);
                 }, "workstation " + w.id);
  }
  static Workstation ReadWorkstationAt(Stmt* s, int c) {
    return Workstation{s->Text(c), s->Text(c + 1), s->Text(c + 2)};
  }
  static Workstation ReadWorkstation(Stmt* s) { return ReadWorkstationAt(s, 0); }
  Result<Workstation> GetWorkstation(const std::string& id) override {
    return One<Workstation>("SELECT id, location, agency_id FROM workstations WHERE id = ?1", id,
                            ReadWorkstation, "workstation");
  }
  Result<std::vector<Workstation>> ListWorkstations() override {
    return Many<Workstation>("SELECT id, location, agency_id FROM workstations ORDER BY id", [](Stmt*) {},
                             ReadWorkstation);
  }

  // tokens -----------------------------------------------------------------------------
  Result<NewToken> CreateToken(const std::string& user_id, const std::optional<std::string>& workstation_id,
                               TimeMs now) override {
    auto user = GetUser(user_id);
    if (!user.ok()) return user.status();
    if (workstation_id) {
      auto ws = GetWorkstation(*workstation_id);
      if (!ws.ok()) return ws.status();
    }
    unsigned char secret[32];
    unsigned char idbytes[8];
    if (RAND_bytes(secret, sizeof secret) != 1 || RAND_bytes(idbytes, sizeof idbytes) != 1) {
      return Status::Internal("no randomness for a token (RAND_bytes failed)");
    }
    unsigned char b64[64];
    int n = EVP_EncodeBlock(b64, secret, sizeof secret);  // standard base64 with padding
    std::string text(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
    while (!text.empty() && text.back() == '=') text.pop_back();
    for (char& c : text) {
      if (c == '+') c = '-';
      if (c == '/') c = '_';
    }
    NewToken out;
    out.plaintext = "tg_" + text;
    out.token.id = "tok_" + Hex(idbytes, sizeof idbytes);
    out.token.token_hash = HashToken(out.plaintext);
    out.token.user_id = user_id;
    out.token.workstation_id = workstation_id;
    out.token.created_at = now;
    TG_RETURN_IF_ERROR(Write(
        "INSERT INTO api_tokens(id, token_hash, user_id, workstation_id, created_at, revoked_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, NULL)",
        [&](Stmt* s) {
          s->Bind(1, out.token.id);
          s->Bind(2, out.token.token_hash);
          s->Bind(3, out.token.user_id);
          s->Bind(4, out.token.workstation_id);
          s->Bind(5, out.token.created_at);
        }));
    return out;
  }
  static ApiToken ReadToken(Stmt* s) {
    ApiToken t;
    t.id = s->Text(0);
    t.token_hash = s->Text(1);
    t.user_id = s->Text(2);
    t.workstation_id = s->OptText(3);
    t.created_at = s->Int(4);
    t.revoked_at = s->OptInt(5);
    t.revoked = t.revoked_at.has_value();
    return t;
  }
  Result<ApiToken> AuthenticateToken(const std::string& plaintext) override {
    if (plaintext.empty()) return Status::Unauthenticated("no token");
    auto t = One<ApiToken>(
        "SELECT " TG_TOKEN_COLS " FROM api_tokens "
        "WHERE token_hash = ?1",
        HashToken(plaintext), ReadToken, "token");
    if (!t.ok()) {
      if (t.status().code() == Code::kNotFound) return Status::Unauthenticated("unknown token");
      return t.status();
    }
    if (t->revoked) return Status::Unauthenticated("token " + t->id + " is revoked");
    return t;
  }
  // The principal cache (PrincipalCache above) is consulted and filled only when this call's
  // reads begin a new read transaction: outside any transaction, or as the first read of a
  // RunInSnapshot (the gateway's case). The PRAGMA data_version read below then sees every
  // commit made before it, so each such commit has moved the generation on (by this
  // connection's check or an earlier one) before a cached entry's generation is compared.
  // Inside a snapshot already begun (which may predate commits the generation counts), or a
  // write transaction (which may hold its own uncommitted changes), it simply queries.
  //
  // An entry is filled with a generation read before the read transaction that found its rows
  // began, so a commit after that moment always leaves the entry behind: outside a transaction
  // the query reads in a transaction of its own, begun after the check; in a snapshot the check
  // itself began it, so the generation is the one read before the check.
  Result<Principal> AuthenticatePrincipal(const std::string& plaintext) override {
    if (plaintext.empty()) return Status::Unauthenticated("no token");
    auto lease = Acquire();
    if (!lease.ok()) return lease.status();
    Conn* conn = lease->get();
    unsigned char md[SHA256_DIGEST_LENGTH];
    TokenDigest(plaintext, md);
    const std::string key(reinterpret_cast<const char*>(md), sizeof md);
    const TxBinding* b = FindTx(this);
    bool cacheable;
    uint64_t generation = generation_.load();
    if (b && b->snapshot) {
      // In a snapshot, by the row cache's rule: served and filled at the generation the
      // snapshot is checked at (its first read, if this is it, begins it with the check).
      auto serves = CacheServes(conn);
      if (!serves.ok()) return serves.status();
      cacheable = *serves;
      if (cacheable) {
        generation = FindTx(this)->generation;
        if (auto hit = principals_.Find(key, generation, generation_)) return Principal(*hit);
      }
    } else {
      // Outside a transaction: its own check; inside a write transaction: never.
      cacheable = sqlite3_txn_state(conn->db(), "main") == SQLITE_TXN_NONE;
      if (cacheable) {
        TG_RETURN_IF_ERROR(NoteOtherCommits(conn));
        generation = generation_.load();
        if (auto hit = principals_.FindAt(key, generation)) return Principal(*hit);
      }
    }
    // Left joins: a valid token whose user, agency or workstation row is gone still comes
    // back (with that part empty), so the caller can say which is missing.
    std::vector<Principal> found;
    TG_RETURN_IF_ERROR(QueryOn(
        conn,
        "SELECT t.id, t.token_hash, t.user_id, t.workstation_id, t.created_at, t.revoked_at, "
        "u.id, u.name, u.agency_id, u.roles, "
        "a.id, a.name, a.kind, a.state, a.ori, "
        "w.id, w.location, w.agency_id "
        "FROM api_tokens t "
        "LEFT JOIN users u ON u.id = t.user_id "
        "LEFT JOIN agencies a ON a.id = u.agency_id "
        "LEFT JOIN workstations w ON w.id = t.workstation_id "
        "WHERE t.token_hash = ?1",
        [&](Stmt* s) { s->Bind(1, Hex(md, sizeof md)); },
        [&](Stmt* s) {
          Principal out;
          out.token = ReadToken(s);
          if (!s->Null(6)) out.user = ReadUserAt(s, 6);
          if (!s->Null(10)) out.agency = ReadAgencyAt(s, 10);
          if (!s->Null(15)) out.workstation = ReadWorkstationAt(s, 15);
          found.push_back(std::move(out));
        }));
    if (found.empty()) return Status::Unauthenticated("unknown token");
    if (found.front().token.revoked) return Status::Unauthenticated("token " + found.front().token.id + " is revoked");
    if (cacheable && (!(b && b->snapshot) || sqlite3_txn_state(conn->db(), "main") == SQLITE_TXN_READ)) {
      principals_.Put(key, generation, std::make_shared<const Principal>(found.front()));
    }
    return std::move(found.front());
  }
  Status RevokeToken(const std::string& id_or_plaintext, TimeMs now) override {
    int changed = 0;
    TG_RETURN_IF_ERROR(WriteCount(
        "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?3) WHERE id = ?1 OR token_hash = ?2",
        [&](Stmt* s) {
          s->Bind(1, id_or_plaintext);
          s->Bind(2, HashToken(id_or_plaintext));
          s->Bind(3, now);
        },
        &changed));
    if (changed == 0) return Status::NotFound("no token matches (give its id tok_... or the token)");
    return Status::OK();
  }
  Result<std::vector<ApiToken>> ListTokens(const std::string& user_id) override {
    if (user_id.empty()) {
      return Many<ApiToken>(
          "SELECT " TG_TOKEN_COLS " FROM api_tokens "
          "ORDER BY created_at, id",
          [](Stmt*) {}, ReadToken);
    }
    return Many<ApiToken>(
        "SELECT " TG_TOKEN_COLS " FROM api_tokens "
        "WHERE user_id = ?1 ORDER BY created_at, id",
        [&](Stmt* s) { s->Bind(1, user_id); }, ReadToken);
  }

  // persons ----------------------------------------------------------------------------
  Status PutPerson(const Person& p) override {
    if (p.person_id.empty()) return Status::InvalidArgument("person_id is empty");
    return Write(
        "INSERT OR REPLACE INTO persons(person_id, first_name, middle_name, last_name, dob, sex, birthplace, "
        "address, phone, email, immigration_status, sex_registrant, arson_registrant) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        [&](Stmt* s) {
          s->Bind(1, p.person_id);
          s->Bind(2, p.first_name);
          s->Bind(3, p.middle_name);
          s->Bind(4, p.last_name);
          s->Bind(5, p.dob);
          s->Bind(6, p.sex);
          s->Bind(7, p.birthplace);
          s->Bind(8, p.address);
          s->Bind(9, p.phone);
          s->Bind(10, p.email);
          s->Bind(11, p.immigration_status);
          s->Bind(12, p.sex_registrant);
          s->Bind(13, p.arson_registrant);
        });
  }
  static Person ReadPerson(Stmt* s) {
    Person p;
    p.person_id = s->Text(0);
    p.first_name = s->Text(1);
    p.middle_name = s->Text(2);
    p.last_name = s->Text(3);
    p.dob = s->Text(4);
    p.sex = s->Text(5);
    p.birthplace = s->Text(6);
    p.address = s->Text(7);
    p.phone = s->Text(8);
    p.email = s->Text(9);
    p.immigration_status = s->Text(10);
    p.sex_registrant = s->Bool(11);
    p.arson_registrant = s->Bool(12);
    return p;
  }
  Result<Person> GetPerson(const std::string& id) override {
    return Cached(person_cache_, id, [&] {
      return One<Person>(
          "SELECT person_id, first_name, middle_name, last_name, dob, sex, birthplace, address, phone, email, "
          "immigration_status, sex_registrant, arson_registrant FROM persons WHERE person_id = ?1",
          id, ReadPerson, "person");
    });
  }

  // bookings ---------------------------------------------------------------------------
  static Status CheckCharge(const std::string& booking_id, const Charge& c) {
    if (c.level != 'F' && c.level != 'M' && c.level != 'I') {
      return Status::InvalidArgument("booking " + booking_id + ": charge " + c.code +
                                     " has level '" + std::string(1, c.level) + "' (want F, M or I)");
    }
    return Status::OK();
  }
  Status PutBooking(const Booking& b) override {
    if (b.booking_id.empty()) return Status::InvalidArgument("booking_id is empty");
    for (const Charge& c : b.charges) TG_RETURN_IF_ERROR(CheckCharge(b.booking_id, c));
    return RunInTransaction([&]() -> Status {
      auto c = Acquire();
      if (!c.ok()) return c.status();
      Conn* conn = c->get();
      {
        auto s = conn->Prepare(
            "INSERT OR REPLACE INTO bookings(booking_id, person_id, name, name_key, booked_at, arresting_agency, "
            "bail, facility, housing, custody_status, scheduled_release_at, released_at, release_at, release_type, "
            "court_date, court, photo_url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
            "?15, ?16, ?17)");
        if (!s.ok()) return s.status();
        Stmt* st = *s;
        const std::string key = Lower(b.name);
        st->Bind(1, b.booking_id);
        st->Bind(2, b.person_id);
        st->Bind(3, b.name);
        st->Bind(4, key);
        st->Bind(5, b.booked_at);
        st->Bind(6, b.arresting_agency);
        st->Bind(7, b.bail);
        st->Bind(8, b.facility);
        st->Bind(9, b.housing);
        st->Bind(10, b.custody_status);
        st->Bind(11, b.scheduled_release_at);
        st->Bind(12, b.released_at);
        st->Bind(13, b.release_at());
        st->Bind(14, b.release_type);
        st->Bind(15, b.court_date);
        st->Bind(16, b.court);
        st->Bind(17, b.photo_url);
        Status r = conn->Run(st);
        if (!r.ok()) return Status(r.code(), "booking " + b.booking_id + ": " + r.message());
      }
      {
        auto s = conn->Prepare("DELETE FROM charges WHERE booking_id = ?1");
        if (!s.ok()) return s.status();
        (*s)->Bind(1, b.booking_id);
        TG_RETURN_IF_ERROR(conn->Run(*s));
      }
      auto s = conn->Prepare(
          "INSERT INTO charges(booking_id, seq, code, statute, description, level, degree) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
      if (!s.ok()) return s.status();
      for (size_t i = 0; i < b.charges.size(); ++i) {
        const Charge& ch = b.charges[i];
        Stmt* st = *s;
        st->Reset();
        st->Bind(1, b.booking_id);
        st->Bind(2, static_cast<int64_t>(i));
        st->Bind(3, ch.code);
        st->Bind(4, ch.statute);
        st->Bind(5, ch.description);
        st->Bind(6, ch.level);
        st->Bind(7, ch.degree);
        TG_RETURN_IF_ERROR(conn->Run(st));
      }
      return Status::OK();
    });
  }

  static Booking ReadBooking(Stmt* s) {
    Booking b;
    b.booking_id = s->Text(0);
    b.person_id = s->Text(1);
    b.name = s->Text(2);
    b.booked_at = s->Int(3);
    b.arresting_agency = s->Text(4);
    b.bail = s->Int(5);
    b.facility = s->Text(6);
    b.housing = s->Text(7);
    b.custody_status = s->Text(8);
    b.scheduled_release_at = s->OptInt(9);
    b.released_at = s->OptInt(10);
    b.release_type = s->Text(11);
    b.court_date = s->OptInt(12);
    b.court = s->Text(13);
    b.photo_url = s->Text(14);
    return b;
  }
  // Fills in charges for each booking (one indexed query per booking).
  Status LoadCharges(std::vector<Booking>* bookings) {
    if (bookings->empty()) return Status::OK();
    auto c = Acquire();
    if (!c.ok()) return c.status();
    Conn* conn = c->get();
    auto s = conn->Prepare(
        "SELECT code, statute, description, level, degree FROM charges WHERE booking_id = ?1 ORDER BY seq");
    if (!s.ok()) return s.status();
    for (Booking& b : *bookings) {
      Stmt* st = *s;
      st->Reset();
      st->Bind(1, b.booking_id);
      for (;;) {
        auto more = conn->Next(st);
        if (!more.ok()) return more.status();
        if (!*more) break;
        b.charges.push_back(Charge{st->Text(0), st->Text(1), st->Text(2), st->Char(3), static_cast<int>(st->Int(4))});
      }
      sqlite3_reset(st->raw());
    }
    return Status::OK();
  }
  Result<std::vector<Booking>> WithCharges(Result<std::vector<Booking>> r) {
    if (!r.ok()) return r;
    TG_RETURN_IF_ERROR(LoadCharges(&r.value()));
    return r;
  }
  Result<Booking> GetBooking(const std::string& id) override {
    return Cached(booking_cache_, id, [&]() -> Result<Booking> {
      auto r = WithCharges(Many<Booking>(
          "SELECT " TG_BOOKING_COLS " FROM bookings "
          "WHERE booking_id = ?1",
          [&](Stmt* s) { s->Bind(1, id); }, ReadBooking));
      if (!r.ok()) return r.status();
      if (r->empty()) return Status::NotFound("no booking " + id);
      return std::move(r->front());
    });
  }
  Result<std::vector<Booking>> FindBookingsByName(const std::string& query, int limit) override {
    std::string key = Lower(query);
    // LIKE with '\' as the escape character, so % and _ in the query match themselves.
    std::string pattern = "%";
    for (char ch : key) {
      if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
      pattern += ch;
    }
    pattern += '%';
    return WithCharges(Many<Booking>(
        "SELECT " TG_BOOKING_COLS " FROM bookings "
        "WHERE name_key LIKE ?1 ESCAPE '\\' ORDER BY booked_at DESC, booking_id LIMIT ?2",
        [&](Stmt* s) {
          s->Bind(1, pattern);
          s->Bind(2, limit);
        },
        ReadBooking));
  }
  Result<std::vector<Booking>> BookingsReleasedBetween(TimeMs from, TimeMs to, int limit) override {
    return WithCharges(Many<Booking>(
        "SELECT " TG_BOOKING_COLS " FROM bookings "
        "WHERE release_at >= ?1 AND release_at < ?2 ORDER BY release_at, booking_id LIMIT ?3",
        [&](Stmt* s) {
          s->Bind(1, from);
          s->Bind(2, to);
          s->Bind(3, limit);
        },
        ReadBooking));
  }
  Result<std::vector<Booking>> BookingsByPerson(const std::string& person_id) override {
    return WithCharges(Many<Booking>(
        "SELECT " TG_BOOKING_COLS " FROM bookings "
        "WHERE person_id = ?1 ORDER BY booked_at DESC, booking_id",
        [&](Stmt* s) { s->Bind(1, person_id); }, ReadBooking));
  }

  // convictions ------------------------------------------------------------------------
  Result<int64_t> AddConviction(const Conviction& c) override {
    if (c.level != 'F' && c.level != 'M' && c.level != 'I') {
      return Status::InvalidArgument("conviction " + c.code + ": level must be F, M or I");
    }
    return Insert(
        "INSERT INTO convictions(person_id, code, statute, description, level, degree, convicted_at, sentence, "
        "court, sex_registrable, arson_registrable) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        [&](Stmt* s) {
          s->Bind(1, c.person_id);
          s->Bind(2, c.code);
          s->Bind(3, c.statute);
          s->Bind(4, c.description);
          s->Bind(5, c.level);
          s->Bind(6, c.degree);
          s->Bind(7, c.convicted_at);
          s->Bind(8, c.sentence);
          s->Bind(9, c.court);
          s->Bind(10, c.sex_registrable);
          s->Bind(11, c.arson_registrable);
        }, "conviction of " + c.person_id);
  }
  Result<std::vector<Conviction>> ConvictionsByPerson(const std::string& person_id) override {
    return Cached(conviction_cache_, person_id, [&] { return ConvictionsByPersonUncached(person_id); });
  }
  Result<std::vector<Conviction>> ConvictionsByPersonUncached(const std::string& person_id) {
    return Many<Conviction>(
        "SELECT id, person_id, code, statute, description, level, degree, convicted_at, sentence, court, "
        "sex_registrable, arson_registrable FROM convictions WHERE person_id = ?1 ORDER BY convicted_at, id",
        [&](Stmt* s) { s->Bind(1, person_id); },
        [](Stmt* s) {
          Conviction c;
          c.id = s->Int(0);
          c.person_id = s->Text(1);
          c.code = s->Text(2);
          c.statute = s->Text(3);
          c.description = s->Text(4);
          c.level = s->Char(5);
          c.degree = static_cast<int>(s->Int(6));
          c.convicted_at = s->Int(7);
          c.sentence = s->Text(8);
          c.court = s->Text(9);
          c.sex_registrable = s->Bool(10);
          c.arson_registrable = s->Bool(11);
          return c;
        });
  }

  // requests and notices ---------------------------------------------------------------
  Result<int64_t> InsertAgencyRequest(const AgencyRequest& r) override {
    if (!kRequestKinds.count(r.kind)) {
      return Status::InvalidArgument("request kind '" + r.kind + "' is not one of hold, notify, transfer, interview, info");
    }
    if (!kAuthorityKinds.count(r.authority_kind)) {
      return Status::InvalidArgument("authority kind '" + r.authority_kind + "' is not a known authority kind");
    }
    const std::string outcome = r.outcome.empty() ? "pending" : r.outcome;
    if (!kOutcomes.count(outcome)) {
      return Status::InvalidArgument("request outcome '" + outcome + "' is not pending, accepted, declined or referred");
    }
    return Insert(
        "INSERT INTO agency_requests(kind, booking_id, person_id, requesting_agency, requested_by, authority_kind, "
        "authority_ref, reason, received_at, outcome, decided_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        [&](Stmt* s) {
          s->Bind(1, r.kind);
          s->Bind(2, r.booking_id);
          s->Bind(3, r.person_id);
          s->Bind(4, r.requesting_agency);
          s->Bind(5, r.requested_by);
          s->Bind(6, r.authority_kind);
          s->Bind(7, r.authority_ref);
          s->Bind(8, r.reason);
          s->Bind(9, r.received_at);
          s->Bind(10, outcome);
          s->Bind(11, r.decided_at);
        });
  }
  static AgencyRequest ReadRequest(Stmt* s) {
    AgencyRequest r;
    r.id = s->Int(0);
    r.kind = s->Text(1);
    r.booking_id = s->Text(2);
    r.person_id = s->Text(3);
    r.requesting_agency = s->Text(4);
    r.requested_by = s->Text(5);
    r.authority_kind = s->Text(6);
    r.authority_ref = s->Text(7);
    r.reason = s->Text(8);
    r.received_at = s->Int(9);
    r.outcome = s->Text(10);
    r.decided_at = s->OptInt(11);
    return r;
  }
  Result<AgencyRequest> GetAgencyRequest(int64_t id) override {
    auto r = Many<AgencyRequest>(
        "SELECT " TG_REQUEST_COLS " FROM agency_requests WHERE id = ?1",
        [&](Stmt* s) { s->Bind(1, id); }, ReadRequest);
    if (!r.ok()) return r.status();
    if (r->empty()) return Status::NotFound("no agency request " + std::to_string(id));
    return std::move(r->front());
  }
  Status SetRequestOutcome(int64_t id, const std::string& outcome, TimeMs decided_at) override {
    if (!kOutcomes.count(outcome)) {
      return Status::InvalidArgument("request outcome '" + outcome + "' is not pending, accepted, declined or referred");
    }
    int changed = 0;
    TG_RETURN_IF_ERROR(WriteCount("UPDATE agency_requests SET outcome = ?2, decided_at = ?3 WHERE id = ?1",
                                  [&](Stmt* s) {
                                    s->Bind(1, id);
                                    s->Bind(2, outcome);
                                    s->Bind(3, decided_at);
                                  },
                                  &changed));
    if (changed == 0) return Status::NotFound("no agency request " + std::to_string(id));
    return Status::OK();
  }
  Result<std::vector<AgencyRequest>> ListAgencyRequests(const std::string& booking_id, int limit) override {
    return Many<AgencyRequest>(
        "SELECT " TG_REQUEST_COLS " FROM agency_requests WHERE (?1 = '' OR booking_id = ?1) "
        "ORDER BY received_at DESC, id DESC LIMIT ?2",
        [&](Stmt* s) {
          s->Bind(1, booking_id);
          s->Bind(2, limit);
        },
        ReadRequest);
  }
  Result<int64_t> InsertNotice(const Notice& n) override {
    return Insert(
        "INSERT INTO notices(request_id, booking_id, person_id, recipient, kind, channel, sent_at, body) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        [&](Stmt* s) {
          s->Bind(1, n.request_id);
          s->Bind(2, n.booking_id);
          s->Bind(3, n.person_id);
          s->Bind(4, n.recipient);
          s->Bind(5, n.kind);
          s->Bind(6, n.channel);
          s->Bind(7, n.sent_at);
          s->Bind(8, n.body);
        });
  }
  Result<std::vector<Notice>> ListNotices(const std::string& booking_id, int limit) override {
    return Many<Notice>(
        "SELECT id, request_id, booking_id, person_id, recipient, kind, channel, sent_at, body FROM notices "
        "WHERE (?1 = '' OR booking_id = ?1) ORDER BY sent_at DESC, id DESC LIMIT ?2",
        [&](Stmt* s) {
          s->Bind(1, booking_id);
          s->Bind(2, limit);
        },
        [](Stmt* s) {
          Notice n;
          n.id = s->Int(0);
          n.request_id = s->OptInt(1);
          n.booking_id = s->Text(2);
          n.person_id = s->Text(3);
          n.recipient = s->Text(4);
          n.kind = s->Text(5);
          n.channel = s->Text(6);
          n.sent_at = s->Int(7);
          n.body = s->Text(8);
          return n;
        });
  }

  // ALPR -------------------------------------------------------------------------------
  Status PutAlprDevice(const AlprDevice& d) override {
    if (d.id.empty()) return Status::InvalidArgument("ALPR device id is empty");
    return Write("INSERT OR REPLACE INTO alpr_devices(id, agency_id, kind, location, lat, lon) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                 [&](Stmt* s) {
                   s->Bind(1, d.id);
                   s->Bind(2, d.agency_id);
                   s->Bind(3, d.kind);
                   s->Bind(4, d.location);
                   s->Bind(5, d.lat);
                   s->Bind(6, d.lon);
                 });
  }
  Result<std::vector<AlprDevice>> ListAlprDevices() override {
    return Many<AlprDevice>("SELECT id, agency_id, kind, location, lat, lon FROM alpr_devices ORDER BY id",
                            [](Stmt*) {},
                            [](Stmt* s) {
                              return AlprDevice{s->Text(0), s->Text(1), s->Text(2), s->Text(3), s->Real(4),
                                                s->Real(5)};
                            });
  }
  Status InsertPlateReads(const std::vector<PlateRead>& reads) override {
    if (reads.empty()) return Status::OK();
    return RunInTransaction([&]() -> Status {
      auto c = Acquire();
      if (!c.ok()) return c.status();
      Conn* conn = c->get();
      auto s = conn->Prepare(
          "INSERT INTO plate_reads(plate, state, read_at, lat, lon, device, agency, confidence, image_ref) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
      if (!s.ok()) return s.status();
      sqlite3_stmt* st = (*s)->raw();
      for (const PlateRead& r : reads) {
        if (r.plate.empty()) return Status::InvalidArgument("a plate read has no plate");
        sqlite3_bind_text(st, 1, r.plate.data(), static_cast<int>(r.plate.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 2, r.state.data(), static_cast<int>(r.state.size()), SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, r.read_at);
        if (r.lat) {
          sqlite3_bind_double(st, 4, *r.lat);
        } else {
          sqlite3_bind_null(st, 4);
        }
        if (r.lon) {
          sqlite3_bind_double(st, 5, *r.lon);
        } else {
          sqlite3_bind_null(st, 5);
        }
        sqlite3_bind_text(st, 6, r.device.data(), static_cast<int>(r.device.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 7, r.agency.data(), static_cast<int>(r.agency.size()), SQLITE_STATIC);
        sqlite3_bind_double(st, 8, r.confidence);
        sqlite3_bind_text(st, 9, r.image_ref.data(), static_cast<int>(r.image_ref.size()), SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
          Status e = conn->Error("insert plate read");
          sqlite3_reset(st);
          return e;
        }
        sqlite3_reset(st);
      }
      return Status::OK();
    });
  }
  Result<std::vector<PlateRead>> PlateReads(const std::string& plate, TimeMs from, TimeMs to, int limit) override {
    return Many<PlateRead>(
        "SELECT id, plate, state, read_at, lat, lon, device, agency, confidence, image_ref FROM plate_reads "
        "WHERE plate = ?1 AND read_at >= ?2 AND read_at < ?3 ORDER BY read_at, id LIMIT ?4",
        [&](Stmt* s) {
          s->Bind(1, plate);
          s->Bind(2, from);
          s->Bind(3, to);
          s->Bind(4, limit);
        },
        [](Stmt* s) {
          PlateRead r;
          r.id = s->Int(0);
          r.plate = s->Text(1);
          r.state = s->Text(2);
          r.read_at = s->Int(3);
          r.lat = s->OptReal(4);
          r.lon = s->OptReal(5);
          r.device = s->Text(6);
          r.agency = s->Text(7);
          r.confidence = s->Real(8);
          r.image_ref = s->Text(9);
          return r;
        });
  }

  Status PutHotlist(const Hotlist& h) override {
    if (h.id.empty()) return Status::InvalidArgument("hotlist id is empty");
    return Write("INSERT OR REPLACE INTO hotlists(id, name, agency_id) VALUES (?1, ?2, ?3)", [&](Stmt* s) {
      s->Bind(1, h.id);
      s->Bind(2, h.name);
      s->Bind(3, h.agency_id);
    });
  }
  Result<std::vector<Hotlist>> ListHotlists() override {
    return Many<Hotlist>("SELECT id, name, agency_id FROM hotlists ORDER BY id", [](Stmt*) {},
                         [](Stmt* s) { return Hotlist{s->Text(0), s->Text(1), s->Text(2)}; });
  }
  Result<int64_t> AddHotlistEntry(const HotlistEntry& e) override {
    return Insert(
        "INSERT INTO hotlist_entries(hotlist_id, plate, state, reason, source_agency, added_at, expires_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        [&](Stmt* s) {
          s->Bind(1, e.hotlist_id);
          s->Bind(2, e.plate);
          s->Bind(3, e.state);
          s->Bind(4, e.reason);
          s->Bind(5, e.source_agency);
          s->Bind(6, e.added_at);
          s->Bind(7, e.expires_at);
        }, "hotlist entry " + e.plate);
  }
  Result<std::vector<HotlistEntry>> HotlistEntriesForPlate(const std::string& plate) override {
    return Many<HotlistEntry>(
        "SELECT id, hotlist_id, plate, state, reason, source_agency, added_at, expires_at FROM hotlist_entries "
        "WHERE plate = ?1 ORDER BY added_at, id",
        [&](Stmt* s) { s->Bind(1, plate); },
        [](Stmt* s) {
          HotlistEntry e;
          e.id = s->Int(0);
          e.hotlist_id = s->Text(1);
          e.plate = s->Text(2);
          e.state = s->Text(3);
          e.reason = s->Text(4);
          e.source_agency = s->Text(5);
          e.added_at = s->Int(6);
          e.expires_at = s->OptInt(7);
          return e;
        });
  }

  // field contacts, gang ---------------------------------------------------------------
  Result<int64_t> AddFieldContact(const FieldContact& f) override {
    return Insert(
        "INSERT INTO field_contacts(person_id, agency_id, officer_id, kind, contacted_at, location, lat, lon, "
        "reason, outcome, vehicle_plate, vehicle_state, vehicle_description, social_media) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        [&](Stmt* s) {
          s->Bind(1, f.person_id);
          s->Bind(2, f.agency_id);
          s->Bind(3, f.officer_id);
          s->Bind(4, f.kind);
          s->Bind(5, f.contacted_at);
          s->Bind(6, f.location);
          s->Bind(7, f.lat);
          s->Bind(8, f.lon);
          s->Bind(9, f.reason);
          s->Bind(10, f.outcome);
          s->Bind(11, f.vehicle_plate);
          s->Bind(12, f.vehicle_state);
          s->Bind(13, f.vehicle_description);
          s->Bind(14, ToJsonArray(f.social_media));
        });
  }
  Result<std::vector<FieldContact>> FieldContactsByPerson(const std::string& person_id) override {
    return Many<FieldContact>(
        "SELECT id, person_id, agency_id, officer_id, kind, contacted_at, location, lat, lon, reason, outcome, "
        "vehicle_plate, vehicle_state, vehicle_description, social_media FROM field_contacts WHERE person_id = ?1 "
        "ORDER BY contacted_at, id",
        [&](Stmt* s) { s->Bind(1, person_id); },
        [](Stmt* s) {
          FieldContact f;
          f.id = s->Int(0);
          f.person_id = s->Text(1);
          f.agency_id = s->Text(2);
          f.officer_id = s->Text(3);
          f.kind = s->Text(4);
          f.contacted_at = s->Int(5);
          f.location = s->Text(6);
          f.lat = s->Real(7);
          f.lon = s->Real(8);
          f.reason = s->Text(9);
          f.outcome = s->Text(10);
          f.vehicle_plate = s->Text(11);
          f.vehicle_state = s->Text(12);
          f.vehicle_description = s->Text(13);
          f.social_media = FromJsonArray(s->Text(14));
          return f;
        });
  }
  Result<int64_t> AddGangEntry(const GangEntry& g) override {
    return Insert(
        "INSERT INTO gang_entries(person_id, gang, criteria, source_agency, entered_at, last_reviewed_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        [&](Stmt* s) {
          s->Bind(1, g.person_id);
          s->Bind(2, g.gang);
          s->Bind(3, ToJsonArray(g.criteria));
          s->Bind(4, g.source_agency);
          s->Bind(5, g.entered_at);
          s->Bind(6, g.last_reviewed_at);
        });
  }
  static GangEntry ReadGang(Stmt* s) {
    GangEntry g;
    g.id = s->Int(0);
    g.person_id = s->Text(1);
    g.gang = s->Text(2);
    g.criteria = FromJsonArray(s->Text(3));
    g.source_agency = s->Text(4);
    g.entered_at = s->Int(5);
    g.last_reviewed_at = s->Int(6);
    return g;
  }
  Result<std::vector<GangEntry>> GangEntriesByPerson(const std::string& person_id) override {
    return Many<GangEntry>(
        "SELECT " TG_GANG_COLS " FROM gang_entries "
        "WHERE person_id = ?1 ORDER BY entered_at, id",
        [&](Stmt* s) { s->Bind(1, person_id); }, ReadGang);
  }
  Result<std::vector<GangEntry>> GangEntriesDueForReview(TimeMs reviewed_before, int limit) override {
    return Many<GangEntry>(
        "SELECT " TG_GANG_COLS " FROM gang_entries "
        "WHERE last_reviewed_at < ?1 ORDER BY last_reviewed_at, id LIMIT ?2",
        [&](Stmt* s) {
          s->Bind(1, reviewed_before);
          s->Bind(2, limit);
        },
        ReadGang);
  }

  // housekeeping -----------------------------------------------------------------------
  Result<std::vector<TableCount>> Counts() override {
    auto c = Acquire();
    if (!c.ok()) return c.status();
    std::vector<TableCount> out;
    for (const TableInfo& t : kTables) {
      const std::string sql = std::string("SELECT count(*) FROM ") + t.name;
      sqlite3_stmt* s = nullptr;
      if (sqlite3_prepare_v2(c->get()->db(), sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
        return c->get()->Error("count " + std::string(t.name));
      }
      int64_t n = 0;
      if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int64(s, 0);
      sqlite3_finalize(s);
      out.push_back({t.name, n});
    }
    return out;
  }

  Result<std::string> ContentDigest() override {
    auto c = Acquire();
    if (!c.ok()) return c.status();
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    auto feed = [&](const void* p, size_t n) { EVP_DigestUpdate(ctx, p, n); };
    auto feed_u64 = [&](uint64_t v) {
      unsigned char b[8];
      for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (56 - 8 * i));
      feed(b, 8);
    };
    // One read snapshot for every table (a savepoint opens a transaction, or nests in the
    // caller's).
    Status status = c->get()->Exec("SAVEPOINT tg_digest");
    for (const TableInfo& t : kTables) {
      if (!status.ok()) break;
      if (!t.in_digest) continue;
      feed(t.name, std::strlen(t.name) + 1);
      const std::string sql = std::string("SELECT * FROM ") + t.name + " ORDER BY " + t.order_by;
      sqlite3_stmt* s = nullptr;
      if (sqlite3_prepare_v2(c->get()->db(), sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
        status = c->get()->Error("digest " + std::string(t.name));
        break;
      }
      const int cols = sqlite3_column_count(s);
      int rc;
      while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        for (int i = 0; i < cols; ++i) {
          const int type = sqlite3_column_type(s, i);
          const unsigned char tag = static_cast<unsigned char>(type);
          feed(&tag, 1);
          switch (type) {
            case SQLITE_INTEGER:
              feed_u64(static_cast<uint64_t>(sqlite3_column_int64(s, i)));
              break;
            case SQLITE_FLOAT: {
              double d = sqlite3_column_double(s, i);
              uint64_t bits;
              std::memcpy(&bits, &d, 8);
              feed_u64(bits);
              break;
            }
            case SQLITE_NULL:
              break;
            default: {
              const void* p = sqlite3_column_blob(s, i);
              const int n = sqlite3_column_bytes(s, i);
              feed_u64(static_cast<uint64_t>(n));
              if (n > 0) feed(p, static_cast<size_t>(n));
            }
          }
        }
      }
      if (rc != SQLITE_DONE) status = c->get()->Error("digest " + std::string(t.name));
      sqlite3_finalize(s);
      if (!status.ok()) break;
    }
    (void)c->get()->Exec("RELEASE tg_digest");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    if (!status.ok()) return status;
    return Hex(md, len);
  }

  // Bulk load: no WAL (each page would be written twice, once to the WAL and once at the
  // checkpoint) but an in-memory rollback journal, so a failed transaction still rolls back;
  // no fsync; the plate index dropped and rebuilt once at the end by a sort.
  Status BeginBulkLoad() override {
    DropProbe();
    auto c = Acquire();
    if (!c.ok()) return c.status();
    Conn* conn = c->get();
    if (path_ != ":memory:") {
      // Only possible while this is the store's only open connection; otherwise stay in WAL.
      (void)conn->Exec("PRAGMA journal_mode = MEMORY");
    }
    TG_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous = OFF"));
    return conn->Exec("DROP INDEX IF EXISTS plate_reads_plate_time");
  }
  Status EndBulkLoad() override {
    auto c = Acquire();
    if (!c.ok()) return c.status();
    Conn* conn = c->get();
    // The index sort is fastest with a small page cache and the sorter spilling to temp
    // files (measured on 10M reads: 9 s CPU, against 31 s with a 64 MB cache in memory).
    TG_RETURN_IF_ERROR(conn->Exec("PRAGMA cache_size = -2000; PRAGMA temp_store = FILE; PRAGMA threads = 2"));
    TG_RETURN_IF_ERROR(conn->Exec("CREATE INDEX IF NOT EXISTS plate_reads_plate_time ON plate_reads(plate, read_at)"));
    TG_RETURN_IF_ERROR(conn->Exec("PRAGMA temp_store = MEMORY; PRAGMA analysis_limit = 1000; ANALYZE"));
    if (path_ != ":memory:") TG_RETURN_IF_ERROR(conn->Exec("PRAGMA journal_mode = WAL"));
    TG_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536"));
    (void)UserVersion(conn);  // a read, so that the WAL index exists for the probe
    OpenProbe();
    return Status::OK();
  }

 private:
  Result<std::unique_ptr<Conn>> OpenConn() {
    sqlite3* db = nullptr;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (options_.create) flags |= SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path_.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string m = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
      sqlite3_close_v2(db);
      if (!options_.create && rc == SQLITE_CANTOPEN) return Status::NotFound("no store at " + path_);
      return Status::IOError("cannot open " + path_ + ": " + m);
    }
    auto conn = std::make_unique<Conn>(db);
    sqlite3_busy_timeout(db, options_.busy_timeout_ms);
    sqlite3_extended_result_codes(db, 1);
    if (path_ != ":memory:") {
      Status st = conn->Exec("PRAGMA journal_mode = WAL");
      if (!st.ok()) return Status(st.code(), path_ + ": " + st.message());
    }
    TG_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
                                  "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536"));
    return conn;
  }

  static Result<int> UserVersion(Conn* conn) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(conn->db(), "PRAGMA user_version", -1, &s, nullptr) != SQLITE_OK) {
      return conn->Error("user_version");
    }
    int v = 0;
    if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
  }

  // Applies the migrations the file has not seen, each in its own transaction with the
  // version bump, so a crash leaves the file at a whole version.
  Status Migrate(Conn* conn) {
    TG_RETURN_IF_ERROR(conn->Exec("BEGIN IMMEDIATE"));
    auto v = UserVersion(conn);
    if (!v.ok()) {
      (void)conn->Exec("ROLLBACK");
      return v.status();
    }
    int version = *v;
    if (version > static_cast<int>(kMigrations.size())) {
      (void)conn->Exec("ROLLBACK");
      return Status::InvalidArgument(path_ + " is at schema version " + std::to_string(version) +
                                     ", newer than this build knows (" + std::to_string(kMigrations.size()) +
                                     "); upgrade trustgate");
    }
    for (size_t i = static_cast<size_t>(version); i < kMigrations.size(); ++i) {
      Status st = conn->Exec(kMigrations[i]);
      if (st.ok()) st = conn->Exec("PRAGMA user_version = " + std::to_string(i + 1));
      if (!st.ok()) {
        (void)conn->Exec("ROLLBACK");
        return Status(st.code(), "migration " + std::to_string(i + 1) + ": " + st.message());
      }
    }
    return conn->Exec("COMMIT");
  }

  // Runs body with `conn` (in an open transaction) bound to this thread, so the store calls
  // it makes join that transaction; if body throws, rolls back and rethrows.
  Status RunBound(Conn* conn, const std::function<Status()>& body) {
    return RunBound(conn, body, TxBinding{this, conn, 0});
  }
  // The same with `binding` as the thread's (a snapshot's); `*last` gets it as the body left
  // it (what the snapshot's first read recorded).
  Status RunBound(Conn* conn, const std::function<Status()>& body, const TxBinding& binding,
                  TxBinding* last = nullptr) {
    tls_tx.push_back(binding);
    Status st;
    try {
      st = body();
    } catch (...) {
      PopTx();
      (void)conn->Exec("ROLLBACK");
      throw;
    }
    TxBinding popped = PopTx();
    if (last) *last = popped;
    return st;
  }

  TxBinding PopTx() {
    for (auto it = tls_tx.begin(); it != tls_tx.end(); ++it) {
      if (it->store == this) {
        TxBinding b = *it;
        tls_tx.erase(it);
        return b;
      }
    }
    return TxBinding{this, nullptr, 0};
  }

  template <typename BindFn>
  Status WriteCount(const char* sql, BindFn bind, int* changed, const std::string& what = "") {
    auto c = Acquire();
    if (!c.ok()) return c.status();
    auto s = c->get()->Prepare(sql);
    if (!s.ok()) return s.status();
    bind(*s);
    Status st = c->get()->Run(*s);
    if (!st.ok()) return what.empty() ? st : Status(st.code(), what + ": " + st.message());
    if (changed) *changed = sqlite3_changes(c->get()->db());
    return Status::OK();
  }
  template <typename BindFn>
  Status Write(const char* sql, BindFn bind, const std::string& what = "") {
    return WriteCount(sql, bind, nullptr, what);
  }
  template <typename BindFn>
  Result<int64_t> Insert(const char* sql, BindFn bind, const std::string& what = "") {
    auto c = Acquire();
    if (!c.ok()) return c.status();
    auto s = c->get()->Prepare(sql);
    if (!s.ok()) return s.status();
    bind(*s);
    Status st = c->get()->Run(*s);
    if (!st.ok()) return what.empty() ? st : Status(st.code(), what + ": " + st.message());
    return static_cast<int64_t>(sqlite3_last_insert_rowid(c->get()->db()));
  }
  template <typename BindFn, typename RowFn>
  Status Query(const char* sql, BindFn bind, RowFn row) {
    auto c = Acquire();
    if (!c.ok()) return c.status();
    return QueryOn(c->get(), sql, bind, row);
  }
  template <typename BindFn, typename RowFn>
  Status QueryOn(Conn* conn, const char* sql, BindFn bind, RowFn row) {
    auto s = conn->Prepare(sql);
    if (!s.ok()) return s.status();
    bind(*s);
    for (;;) {
      auto more = conn->Next(*s);
      if (!more.ok()) return more.status();
      if (!*more) break;
      row(*s);
    }
    sqlite3_reset((*s)->raw());
    return Status::OK();
  }
  template <typename T, typename BindFn, typename ReadFn>
  Result<std::vector<T>> Many(const char* sql, BindFn bind, ReadFn read) {
    std::vector<T> out;
    TG_RETURN_IF_ERROR(Query(sql, bind, [&](Stmt* s) { out.push_back(read(s)); }));
    return out;
  }
  template <typename T, typename ReadFn>
  Result<T> One(const char* sql, const std::string& key, ReadFn read, const char* what) {
    auto r = Many<T>(sql, [&](Stmt* s) { s->Bind(1, key); }, read);
    if (!r.ok()) return r.status();
    if (r->empty()) return Status::NotFound(std::string("no ") + what + " " + key);
    return std::move(r->front());
  }

  // The store generation: moves on at every commit this store learns of, from its own
  // connections (Release, after the committing call) or from any other connection or process
  // (NoteOtherCommits). Cached principals are valid only at the generation they were read at.
  void NoteChange() { generation_.fetch_add(1); }

  // Reads PRAGMA data_version on conn (which begins a read transaction when none is open);
  // moves the generation on when it differs from what conn saw last, or conn never read it.
  // SQLite changes the value when another connection, in this process or another, commits;
  // never for conn's own commits, which Release accounts for.
  Status NoteOtherCommits(Conn* conn) {
    auto s = conn->Prepare("PRAGMA data_version");
    if (!s.ok()) return s.status();
    auto row = conn->Next(*s);
    if (!row.ok()) return row.status();
    const int64_t v = *row ? (*s)->Int(0) : -1;
    sqlite3_reset((*s)->raw());
    if (v == -1 || v != conn->seen_data_version) {
      conn->seen_data_version = v;
      NoteChange();
    }
    return Status::OK();
  }

  std::string path_;
  SqliteOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;
  int open_ = 0;
  // ----- Row cache -------------------------------------------------------------------
  // GetBooking, GetPerson, ConvictionsByPerson and GetMeta answer from RowCache entries that
  // hold exactly what the caller's read transaction would read. The rule:
  //
  // - A snapshot S is "checked at g" when the data_version check (NoteOtherCommits) is what
  //   began its read transaction and the store generation read right before the check and
  //   right after it is the same value g (BeginChecked). Only such a snapshot uses the cache;
  //   inside a write transaction, a snapshot holding writes of its own, a snapshot begun
  //   without the check (by an uncached read) or whose check moved the generation, every
  //   read queries. Outside any transaction a cached read runs as a one-call snapshot (so a
  //   booking and its charges also come from one read transaction).
  // - S serves entry E only if E.tag == g and the generation, read after E is found (under
  //   the cache mutex), is still g. S fills with tag g.
  //
  // Why E then holds exactly what S reads. Let T be the snapshot that filled E (checked at
  // E.tag) and C a commit that one of T, S sees and the other does not. Every commit is
  // followed by a bump that the connections which later see it cannot miss: a connection
  // checking for the first time after C finds data_version changed (or never read) and
  // bumps; the connection that made C bumps in Release before the committing call returns.
  // - T does not see C, S does (E older): C came after T began, so after E.tag was read. On
  //   S's connection a bump for C came after C and no later than S's check. If before S read
  //   g, then g > E.tag; if during the check, S is not checked at all.
  // - S does not see C, T does (E newer): C came after S's check, so after g was read. On T's
  //   connection a bump for C came after C and no later than T's check; not during it (T
  //   would not be checked), so before T read E.tag: E.tag > g. (Also, S finds E only after
  //   T put it, and then reads the generation: past g. A second guard, not needed by the
  //   argument.)
  // So no commit separates S's state from E's: E is what S would read. (Taking g as the
  // generation read after the check alone would not do: a bump for a commit S does not see
  // can land between S's check and that read, and a later snapshot that sees the commit
  // then fills at that same g.)
  // Own writes: every commit through this store sets Conn::committed (commit hook) and
  // Release bumps before the committing call returns, whichever path committed (Put*, Add*,
  // RunInTransaction, a snapshot that wrote, bulk loads). Writes inside a snapshot leave it
  // in a write transaction, where the cache is not used.

  // Begins conn's read transaction (it must have none, inside BEGIN) with the data_version
  // check, and records it in the thread's snapshot binding.
  Status BeginChecked(Conn* conn) {
    const WalIndexProbe* probe = probe_.load();
    const uint64_t before = generation_.load();
    std::optional<WalIndexProbe::Header> header = probe ? probe->Read() : std::nullopt;
    const auto since = std::chrono::steady_clock::now();
    TG_RETURN_IF_ERROR(NoteOtherCommits(conn));
    const uint64_t after = generation_.load();
    if (header && probe->Read() != header) header.reset();
    TxBinding* b = FindTx(this);
    if (!b || !b->snapshot || b->conn != conn) return Status::OK();
    b->checked = before == after && sqlite3_txn_state(conn->db(), "main") == SQLITE_TXN_READ;
    b->generation = before;
    b->at_header = b->checked && header.has_value();
    if (b->at_header) b->header = *header;
    b->since = since;
    return Status::OK();
  }

  // For a read by key in the thread's snapshot on conn: begins the snapshot's read
  // transaction with the check if it has none yet. True when the caches may answer the
  // snapshot (at FindTx(this)->generation): it is checked and holds no writes of its own.
  Result<bool> CacheServes(Conn* conn) {
    int state = sqlite3_txn_state(conn->db(), "main");
    if (state == SQLITE_TXN_NONE) {
      TG_RETURN_IF_ERROR(BeginChecked(conn));
      state = sqlite3_txn_state(conn->db(), "main");
    }
    const TxBinding* b = FindTx(this);
    return state == SQLITE_TXN_READ && b && b->snapshot && b->checked;
  }

  // A read by key through `cache` (rule above); load() runs the query on the thread's
  // connection.
  template <typename T, typename LoadFn>
  Result<T> Cached(RowCache<T>& cache, const std::string& key, LoadFn load) {
    TxBinding* b = FindTx(this);
    if (!b) {
      Result<T> out = Status::Internal("not read");
      TG_RETURN_IF_ERROR(RunInSnapshot([&]() -> Status {
        out = Cached(cache, key, load);
        return Status::OK();
      }));
      return out;
    }
    if (!b->snapshot) return load();
    Conn* conn = b->conn;
    auto serves = CacheServes(conn);
    if (!serves.ok()) return serves.status();
    if (!*serves) return load();  // unchecked, or the snapshot holds writes of its own
    const uint64_t at = FindTx(this)->generation;
    if (auto hit = cache.Find(key, at, generation_)) return T(*hit);
    Result<T> r = load();
    if (r.ok() && sqlite3_txn_state(conn->db(), "main") == SQLITE_TXN_READ) {
      cache.Put(key, at, std::make_shared<const T>(r.value()));
    }
    return r;
  }

  // ----- Held snapshots -----------------------------------------------------------------
  // Beginning and ending a read transaction costs two fcntl locks, an fstat and three
  // statements, most of what a request answered from the caches spends in SQLite. So a
  // snapshot that only read leaves its read transaction open (Hold), and the next snapshot on
  // that connection resumes it (ResumeHeld) when the database has not changed since it
  // began: the WAL-index header reads as it did right before and right after the check that
  // began it (BeginChecked), and the store generation is still the one it was checked at.
  // Then the resumed transaction sees exactly what a new one would: every commit rewrites
  // the header before a new read transaction can see it, and headers never repeat. It is
  // also checked at that generation, so the caches serve it by the row cache's rule.
  // Otherwise it is ended and a new one begun. A held transaction keeps checkpoints from
  // passing the WAL frames it may read, so it is ended when older than
  // SqliteOptions::hold_snapshot_ms: by the next snapshot that finds it, by any other use
  // of its connection (Acquire), or by the reaper thread while the connection is idle; and
  // a commit through this store ends the holds of its idle connections (Release). Nothing
  // is held once the WAL has 500 frames, so that checkpoints can reach its end (Hold).
  // Journal mode changes (bulk loads) replace the -shm file: the probe is dropped before
  // and reopened after.

  void OpenProbe() {
    if (path_ == ":memory:" || options_.hold_snapshot_ms <= 0) return;
    auto probe = WalIndexProbe::Open(path_);
    if (!probe) return;  // not in WAL mode: every snapshot begins its own transaction
    std::lock_guard<std::mutex> lock(mu_);
    probe_.store(probe.get());
    probes_.push_back(std::move(probe));  // kept until the store goes: readers may hold it
  }
  void DropProbe() {
    probe_.store(nullptr);
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& c : idle_) {
      if (c->holding) EndHeld(c.get());
    }
  }

  // Resumes conn's held read transaction for a snapshot about to run (filling `binding` as
  // its check did), or ends it when stale; false when the snapshot must begin its own.
  bool ResumeHeld(Conn* conn, TxBinding& binding) {
    if (!conn->holding) return false;
    const WalIndexProbe* probe = probe_.load();
    const auto now = std::chrono::steady_clock::now();
    if (probe && generation_.load() == conn->held_generation &&
        now - conn->held_since < std::chrono::milliseconds(options_.hold_snapshot_ms) &&
        probe->Read() == conn->held_header) {
      conn->holding = false;  // in use; Hold decides again when the snapshot ends
      resumed_.fetch_add(1, std::memory_order_relaxed);
      binding.checked = true;
      binding.generation = conn->held_generation;
      binding.at_header = true;
      binding.header = conn->held_header;
      binding.since = conn->held_since;
      return true;
    }
    EndHeld(conn);
    return false;
  }

  // Keeps conn's read transaction open after a snapshot when the next may resume it: the
  // snapshot only read, and its check saw the header unchanged (`last`, its binding).
  //
  // Not once the WAL has grown to half of SQLite's automatic checkpoint (1,000 frames): the
  // WAL starts over only after a checkpoint reached its end, which a read transaction from
  // before the last commit prevents, and readers that always hold one (each renewed after
  // every commit) would keep every checkpoint short of the end, so the WAL would grow for as
  // long as both reads and writes go on (TheWalStartsOverUnderAnotherWriter in
  // held_snapshot_test.cpp: 3,000 frames and no restart). Past half, snapshots end as
  // without holds; the checkpoint then reaches the end, the WAL starts over, and holds resume.
  static constexpr uint32_t kHoldBelowFrames = 500;
  bool Hold(Conn* conn, const TxBinding& last) {
    if (!last.at_header || !probe_.load() || conn->committed ||
        WalIndexProbe::Frames(last.header) >= kHoldBelowFrames ||
        sqlite3_txn_state(conn->db(), "main") != SQLITE_TXN_READ) {
      return false;
    }
    conn->holding = true;
    conn->held_header = last.header;
    conn->held_generation = last.generation;
    conn->held_since = last.since;
    return true;
  }

  // Ends the transaction RunInSnapshot began (or resumed) on conn.
  void EndTransaction(Conn* conn) {
    auto end = conn->Prepare("COMMIT");
    Status ended = end.ok() ? conn->Run(*end) : end.status();
    if (!ended.ok()) (void)conn->Exec("ROLLBACK");
  }
  void EndHeld(Conn* conn) {
    conn->holding = false;
    EndTransaction(conn);
  }

  // Ends the read transactions idle connections have held longer than hold_snapshot_ms;
  // sleeps until the next would expire, or until a connection is released holding one.
  void ReapHeld() {
    const auto hold = std::chrono::milliseconds(options_.hold_snapshot_ms);
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      const auto now = std::chrono::steady_clock::now();
      std::optional<std::chrono::steady_clock::time_point> next;
      for (auto& c : idle_) {
        if (!c->holding) continue;
        if (now - c->held_since >= hold) {
          EndHeld(c.get());
        } else if (!next || c->held_since + hold < *next) {
          next = c->held_since + hold;
        }
      }
      reaper_waits_for_any_ = !next;
      if (next) {
        reaper_cv_.wait_until(lock, *next);
      } else {
        reaper_cv_.wait(lock);
      }
    }
  }

  std::atomic<const WalIndexProbe*> probe_{nullptr};
  std::vector<std::unique_ptr<WalIndexProbe>> probes_;  // under mu_
  std::thread reaper_;                                   // started by the first Hold's Release
  std::condition_variable reaper_cv_;
  bool reaper_waits_for_any_ = false;  // under mu_: asleep until a held connection comes back
  bool stopping_ = false;              // under mu_
  std::atomic<uint64_t> resumed_{0};   // snapshots that resumed a held read transaction (tests)

  std::atomic<uint64_t> generation_{0};
  PrincipalCache principals_;
  RowCache<Booking> booking_cache_;
  RowCache<Person> person_cache_;
  RowCache<std::vector<Conviction>> conviction_cache_;
  RowCache<std::optional<std::string>> meta_cache_;

 public:
  PrincipalCache& principal_cache() { return principals_; }
  // Test hooks: entries per kind (0 bookings, 1 persons, 2 conviction lists, 3 meta) and
  // hits over all kinds.
  size_t RowCacheEntries(int kind) {
    switch (kind) {
      case 0: return booking_cache_.Entries();
      case 1: return person_cache_.Entries();
      case 2: return conviction_cache_.Entries();
      default: return meta_cache_.Entries();
    }
  }
  uint64_t HeldSnapshotsResumed() const { return resumed_.load(); }
  uint64_t RowCacheHits() {
    return booking_cache_.Hits() + person_cache_.Hits() + conviction_cache_.Hits() + meta_cache_.Hits();
  }
};

}  // namespace

std::string HashToken(const std::string& plaintext) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  TokenDigest(plaintext, md);
  return Hex(md, sizeof md);
}

const std::vector<std::string>& SqliteMigrations() { return kMigrations; }

// Test hooks (declared by tests/records/principal_cache_test.cpp, not in store.h): how many
// principals a SQLite store holds in its cache, and how many calls the cache answered.
size_t SqlitePrincipalCacheEntries(Store& store) {
  auto* s = dynamic_cast<SqliteStore*>(&store);
  return s ? s->principal_cache().Entries() : 0;
}
uint64_t SqlitePrincipalCacheHits(Store& store) {
  auto* s = dynamic_cast<SqliteStore*>(&store);
  return s ? s->principal_cache().Hits() : 0;
}
// Test hooks (declared by tests/records/row_cache_test.cpp): entries in the row cache of one
// kind (0 bookings, 1 persons, 2 conviction lists, 3 meta), and hits over all kinds.
size_t SqliteRowCacheEntries(Store& store, int kind) {
  auto* s = dynamic_cast<SqliteStore*>(&store);
  return s ? s->RowCacheEntries(kind) : 0;
}
uint64_t SqliteRowCacheHits(Store& store) {
  auto* s = dynamic_cast<SqliteStore*>(&store);
  return s ? s->RowCacheHits() : 0;
}

// Test hook (declared by tests/records/held_snapshot_test.cpp): how many snapshots resumed
// a read transaction an earlier one held.
uint64_t SqliteHeldSnapshotsResumed(Store& store) {
  auto* s = dynamic_cast<SqliteStore*>(&store);
  return s ? s->HeldSnapshotsResumed() : 0;
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  return OpenSqliteStore(path, SqliteOptions{});
}

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const SqliteOptions& options) {
  if (sqlite3_threadsafe() == 0) return Status::Internal("SQLite was built without thread support");
  auto store = std::make_unique<SqliteStore>(path, options);
  TG_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace tg::records
