// The records store: an engine-neutral interface over what the jail and police keep
// (model.h), with an SQLite implementation as the embedded default. Nothing of SQLite leaks
// through this header, so a PostgreSQL backend can implement the same interface.
//
// Threading: a Store is safe to use from many threads at once. The SQLite implementation
// keeps a pool of connections (one per concurrent caller, opened on demand up to
// SqliteOptions::max_connections; callers beyond that wait for a free one). Each call takes a
// connection for its own duration. Inside RunInTransaction the calling thread keeps one
// connection, and every Store call it makes from within the body runs on that connection,
// inside the transaction. WAL mode lets readers proceed while one writer commits.
//
// Errors: NotFound when an id does not exist; InvalidArgument for bad input (an unknown kind,
// a missing id); AlreadyExists for duplicate ids on Insert*; IOError when the engine fails.
// Put* calls insert or replace by id.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "records/model.h"

namespace tg::records {

// A newly created token: the stored record and the plaintext, which is never stored and can
// not be recovered later.
struct NewToken {
  ApiToken token;
  std::string plaintext;  // "tg_" + 43 base64url characters (256 random bits)
};

// Who presents a token, as AuthenticatePrincipal finds it in one query: the token and the
// rows it points to. The user, agency and workstation are what the store holds now, so a
// row deleted behind the store's back (foreign keys off) shows as an empty optional.
struct Principal {
  ApiToken token;
  std::optional<User> user;                // empty: the token's user no longer exists
  std::optional<Agency> agency;            // empty: no user, or the user's agency does not exist
  std::optional<Workstation> workstation;  // empty: token.workstation_id is unset, or names a
                                           // workstation that no longer exists
};

// Rows per table, in a fixed order (agencies, users, ..., plate_reads, ...).
struct TableCount {
  std::string table;
  int64_t rows = 0;
};

// SHA-256 of a token's plaintext, lowercase hex (what ApiToken::token_hash holds).
std::string HashToken(const std::string& plaintext);

class Store {
 public:
  virtual ~Store() = default;

  // Runs body in one transaction: commits when it returns OK, rolls back otherwise (and
  // returns its status). Store calls the body makes on this thread join the transaction.
  // Nested calls join the outer transaction.
  virtual Status RunInTransaction(const std::function<Status()>& body) = 0;

  // Runs body with every store read it makes on this thread in one read transaction: one
  // consistent snapshot (a booking and its person as of the same moment), taken once instead
  // of per statement. For reads only: a write inside may fail with kUnavailable when another
  // writer committed since the snapshot began. Inside a transaction, simply runs body.
  // Returns body's status, or why the snapshot could not be taken (then body did not run).
  virtual Status RunInSnapshot(const std::function<Status()>& body) = 0;

  // The schema version the store is at (the number of migrations applied).
  virtual Result<int> SchemaVersion() = 0;

  // Key/value metadata (generator seed, "now" of a synthetic county, import history).
  virtual Status SetMeta(const std::string& key, const std::string& value) = 0;
  virtual Result<std::optional<std::string>> GetMeta(const std::string& key) = 0;

  // --- agencies, users, workstations --------------------------------------------------
  virtual Status PutAgency(const Agency& agency) = 0;
  virtual Result<Agency> GetAgency(const std::string& id) = 0;
  virtual Result<std::vector<Agency>> ListAgencies() = 0;  // ordered by id

  virtual Status PutUser(const User& user) = 0;
  virtual Result<User> GetUser(const std::string& id) = 0;
  // Ordered by id; agency_id empty = all agencies.
  virtual Result<std::vector<User>> ListUsers(const std::string& agency_id = "") = 0;

  virtual Status PutWorkstation(const Workstation& ws) = 0;
  virtual Result<Workstation> GetWorkstation(const std::string& id) = 0;
  virtual Result<std::vector<Workstation>> ListWorkstations() = 0;  // ordered by id

  // --- API tokens (stored as SHA-256 hashes) ------------------------------------------
  // Creates a token for an existing user (and workstation, when given). The plaintext is
  // returned once.
  virtual Result<NewToken> CreateToken(const std::string& user_id,
                                       const std::optional<std::string>& workstation_id,
                                       TimeMs now) = 0;
  // The token whose hash matches the presented plaintext. Unauthenticated when there is none
  // or it is revoked (a revoked token never authenticates).
  virtual Result<ApiToken> AuthenticateToken(const std::string& plaintext) = 0;
  // The token whose hash matches the presented plaintext, with its user, the user's agency
  // and the token's workstation, in one round trip (the gateway calls it per request).
  // Unauthenticated exactly when AuthenticateToken would be (unknown, empty or revoked).
  // Missing rows behind a valid token are not errors: they come back as empty optionals in
  // Principal, for the caller to refuse and audit with what it did find. Roles come as
  // GetUser gives them.
  // The result may come from a cache of earlier successes, but never one that a committed
  // change could have made stale: any commit to the store, by this object or by another
  // connection or process (`trustgate token revoke`), invalidates it before the next call, so
  // a token created, revoked or re-pointed takes effect at once. Failures are never cached.
  // (Inside a snapshot the cached result may be newer than the snapshot, never older.)
  virtual Result<Principal> AuthenticatePrincipal(const std::string& plaintext) = 0;
  // Revokes by token id ("tok_...") or by plaintext. NotFound when neither matches.
  virtual Status RevokeToken(const std::string& id_or_plaintext, TimeMs now) = 0;
  // Tokens of a user (all users when empty), revoked ones included, ordered by created_at.
  virtual Result<std::vector<ApiToken>> ListTokens(const std::string& user_id = "") = 0;

  // --- persons, bookings, convictions -------------------------------------------------
  // GetPerson, GetBooking, ConvictionsByPerson (and GetMeta) may be answered from a cache of
  // rows read earlier, but only with exactly what the call would read itself: outside a
  // transaction, the store as of the call (any commit, by this object or by another connection
  // or process, is seen by the next call at once); inside RunInSnapshot, the snapshot's own
  // state (never rows older or newer than it); inside RunInTransaction, or a snapshot that has
  // written, the rows as the transaction sees them (the cache is not used). Misses (NotFound,
  // an absent meta key) are never cached.
  virtual Status PutPerson(const Person& person) = 0;
  virtual Result<Person> GetPerson(const std::string& person_id) = 0;

  // Stores the booking with its charges (replacing any earlier charges of that booking).
  virtual Status PutBooking(const Booking& booking) = 0;
  virtual Result<Booking> GetBooking(const std::string& booking_id) = 0;
  // Bookings whose name contains `query`, case-insensitively (ASCII), newest booking first.
  virtual Result<std::vector<Booking>> FindBookingsByName(const std::string& query,
                                                          int limit = 100) = 0;
  // Bookings whose release_at() falls in [from, to), soonest first.
  virtual Result<std::vector<Booking>> BookingsReleasedBetween(TimeMs from, TimeMs to,
                                                               int limit = 1000) = 0;
  // A person's bookings, newest first.
  virtual Result<std::vector<Booking>> BookingsByPerson(const std::string& person_id) = 0;

  // Inserts and returns the assigned id.
  virtual Result<int64_t> AddConviction(const Conviction& conviction) = 0;
  // Oldest first.
  virtual Result<std::vector<Conviction>> ConvictionsByPerson(const std::string& person_id) = 0;

  // --- requests from other agencies, notices sent -------------------------------------
  virtual Result<int64_t> InsertAgencyRequest(const AgencyRequest& request) = 0;
  virtual Result<AgencyRequest> GetAgencyRequest(int64_t id) = 0;
  virtual Status SetRequestOutcome(int64_t id, const std::string& outcome, TimeMs decided_at) = 0;
  // booking_id empty = all; newest first.
  virtual Result<std::vector<AgencyRequest>> ListAgencyRequests(const std::string& booking_id = "",
                                                                int limit = 1000) = 0;
  virtual Result<int64_t> InsertNotice(const Notice& notice) = 0;
  virtual Result<std::vector<Notice>> ListNotices(const std::string& booking_id = "",
                                                  int limit = 1000) = 0;

  // --- ALPR ---------------------------------------------------------------------------
  virtual Status PutAlprDevice(const AlprDevice& device) = 0;
  virtual Result<std::vector<AlprDevice>> ListAlprDevices() = 0;
  // Inserts all reads in one transaction (or in the caller's, inside RunInTransaction).
  // Ids are assigned by the store and not reported back, for speed.
  virtual Status InsertPlateReads(const std::vector<PlateRead>& reads) = 0;
  // Reads of a plate (exact match) with read_at in [from, to), oldest first. Indexed.
  virtual Result<std::vector<PlateRead>> PlateReads(const std::string& plate, TimeMs from,
                                                    TimeMs to, int limit = 10000) = 0;

  virtual Status PutHotlist(const Hotlist& hotlist) = 0;
  virtual Result<std::vector<Hotlist>> ListHotlists() = 0;
  virtual Result<int64_t> AddHotlistEntry(const HotlistEntry& entry) = 0;
  // Entries for a plate on any hotlist (expired ones included).
  virtual Result<std::vector<HotlistEntry>> HotlistEntriesForPlate(const std::string& plate) = 0;

  // --- field contacts, gang database --------------------------------------------------
  virtual Result<int64_t> AddFieldContact(const FieldContact& contact) = 0;
  virtual Result<std::vector<FieldContact>> FieldContactsByPerson(const std::string& person_id) = 0;
  virtual Result<int64_t> AddGangEntry(const GangEntry& entry) = 0;
  virtual Result<std::vector<GangEntry>> GangEntriesByPerson(const std::string& person_id) = 0;
  // Entries whose last review is before `reviewed_before` (e.g. now - kGangReviewInterval).
  virtual Result<std::vector<GangEntry>> GangEntriesDueForReview(TimeMs reviewed_before,
                                                                 int limit = 1000) = 0;

  // --- housekeeping -------------------------------------------------------------------
  // Rows per table, every table of the schema.
  virtual Result<std::vector<TableCount>> Counts() = 0;
  // Hex SHA-256 over the content of every domain table in a canonical order (ids and
  // values), excluding API tokens (random by design) and metadata. Two stores with the same
  // records have the same digest. Reads everything: for tests and checks, not a hot path.
  virtual Result<std::string> ContentDigest() = 0;

  // Bulk-load hint for a large load into a store nobody else is using (the generator):
  // the engine may drop secondary indexes on plate reads and relax durability until
  // EndBulkLoad, which rebuilds them. Data written between the two is durable only after
  // EndBulkLoad returns OK.
  virtual Status BeginBulkLoad() = 0;
  virtual Status EndBulkLoad() = 0;
};

struct SqliteOptions {
  // Upper bound on pooled connections (concurrent callers beyond it wait).
  int max_connections = 8;
  // How long a writer waits for another writer's lock before failing with Unavailable.
  int busy_timeout_ms = 10000;
  // Create the file and apply migrations if missing (false: the file must exist).
  bool create = true;
  // How long a snapshot's read transaction may stay open after it, for the next snapshot on
  // the same connection to resume while the database is unchanged (cheaper than a new one);
  // it also keeps checkpoints from passing the WAL frames it may read. 0: never held.
  int hold_snapshot_ms = 1000;
};

// Opens (creating if needed) an SQLite store at `path`: WAL journal, synchronous=NORMAL,
// foreign keys on, prepared statements cached per connection, versioned migrations
// (PRAGMA user_version) applied in order on open. ":memory:" gives a private in-memory
// store with a single connection (for tests).
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const SqliteOptions& options);

// The migrations the SQLite store applies, in order; their count is the current schema
// version. Exposed for documentation and tests (docs/store-schema.md lists them).
const std::vector<std::string>& SqliteMigrations();

}  // namespace tg::records
