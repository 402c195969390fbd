// The SQLite store: round trips for every record type, migrations, tokens, queries,
// transactions and concurrent use.
#include "records/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <thread>

#include "test_util.h"

namespace tg::records {
namespace {

using testing::TempDir;

const TimeMs kNow = TimeFromCivil(2024, 5, 1) + 12 * kMsPerHour;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenSqliteStore(dir_.File("store.db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s.value());
    ASSERT_TRUE(store_->PutAgency({"lasd", "Los Angeles County Sheriff's Department", "sheriff", "CA", "CA0190000"}).ok());
    ASSERT_TRUE(store_->PutAgency({"ice-ero-la", "ICE ERO Los Angeles", "immigration", "US", "DCICE0200"}).ok());
    ASSERT_TRUE(store_->PutUser({"clerk", "Maria Delgado", "lasd", {"records_clerk", "jail_staff"}}).ok());
    ASSERT_TRUE(store_->PutUser({"ice", "Daniel Kessler", "ice-ero-la", {"immigration_officer"}}).ok());
    ASSERT_TRUE(store_->PutWorkstation({"irc-outside-agency-desk", "Inmate Reception Center", "lasd"}).ok());
  }

  Person SamplePerson(const std::string& id = "P00000001") {
    Person p;
    p.person_id = id;
    p.first_name = "Jose";
    p.middle_name = "A";
    p.last_name = "Garcia";
    p.dob = "1990-02-14";
    p.sex = "M";
    p.birthplace = "Guadalajara, Jalisco, Mexico";
    p.address = "1234 W Main St, Los Angeles, CA 90012";
    p.phone = "(213) 555-0142";
    p.email = "jose.garcia12@example.com";
    p.immigration_status = "lawful_permanent_resident";
    p.sex_registrant = false;
    p.arson_registrant = true;
    return p;
  }

  Booking SampleBooking(const std::string& id, const std::string& person, TimeMs release) {
    Booking b;
    b.booking_id = id;
    b.person_id = person;
    b.name = "Jose A Garcia";
    b.booked_at = kNow - 3 * kMsPerDay;
    b.arresting_agency = "lasd";
    b.charges = {{"12004", "PC 211", "ROBBERY", 'F', 0}, {"13220", "PC 245(A)(1)", "ADW NOT FIREARM", 'M', 0},
                 {"12017", "PC 211", "ROBBERY:FIRST DEGREE", 'F', 1}};
    b.bail = 100000;
    b.facility = "Men's Central Jail";
    b.housing = "MCJ 3000/3100A/Cell 12";
    b.custody_status = "in_custody";
    b.scheduled_release_at = release;
    b.release_type = "sentence_served";
    b.court_date = kNow + 5 * kMsPerDay;
    b.court = "Clara Shortridge Foltz Criminal Justice Center, Dept 100";
    b.photo_url = "/photos/" + id + ".jpg";
    return b;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, MigratesAnEmptyFileToTheCurrentVersionAndReopens) {
  auto v = store_->SchemaVersion();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, static_cast<int>(SqliteMigrations().size()));
  store_.reset();
  auto again = OpenSqliteStore(dir_.File("store.db"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*(*again)->SchemaVersion(), static_cast<int>(SqliteMigrations().size()));
  auto agency = (*again)->GetAgency("lasd");  // data survives reopening
  ASSERT_TRUE(agency.ok());
  EXPECT_EQ(agency->kind, "sheriff");
}

TEST_F(StoreTest, RefusesAFileFromANewerSchema) {
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("store.db").c_str(), &db), SQLITE_OK);
  const std::string bump = "PRAGMA user_version = " + std::to_string(SqliteMigrations().size() + 1);
  ASSERT_EQ(sqlite3_exec(db, bump.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto s = OpenSqliteStore(dir_.File("store.db"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("newer"), std::string::npos) << s.status().ToString();
}

TEST_F(StoreTest, OpeningAMissingFileWithoutCreateIsNotFound) {
  SqliteOptions o;
  o.create = false;
  auto s = OpenSqliteStore(dir_.File("absent.db"), o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kNotFound);
}

TEST_F(StoreTest, AgenciesUsersWorkstationsRoundTrip) {
  Agency a{"fbi-la", "FBI Los Angeles", "federal_law_enforcement", "US", "DCFBILA00"};
  ASSERT_TRUE(store_->PutAgency(a).ok());
  EXPECT_EQ(*store_->GetAgency("fbi-la"), a);
  EXPECT_EQ(store_->ListAgencies()->size(), 3u);
  EXPECT_EQ(store_->PutAgency({"x", "X", "martian", "CA", ""}).code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->GetAgency("nope").status().code(), Code::kNotFound);

  User u{"agent", "Angela Moreno", "fbi-la", {"special_agent", "supervisor"}};
  ASSERT_TRUE(store_->PutUser(u).ok());
  EXPECT_EQ(*store_->GetUser("agent"), u);
  EXPECT_EQ(store_->ListUsers()->size(), 3u);
  ASSERT_EQ(store_->ListUsers("lasd")->size(), 1u);
  EXPECT_EQ(store_->ListUsers("lasd")->front().roles, (std::vector<std::string>{"records_clerk", "jail_staff"}));
  // A user of an unknown agency violates the foreign key.
  EXPECT_FALSE(store_->PutUser({"ghost", "G", "no-such-agency", {}}).ok());

  Workstation w{"irc-records-01", "IRC Records Unit", "lasd"};
  ASSERT_TRUE(store_->PutWorkstation(w).ok());
  EXPECT_EQ(*store_->GetWorkstation("irc-records-01"), w);
  EXPECT_EQ(store_->ListWorkstations()->size(), 2u);
}

TEST_F(StoreTest, TokensAreStoredHashedAuthenticateAndRevoke) {
  auto t = store_->CreateToken("ice", std::string("irc-outside-agency-desk"), kNow);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->plaintext.rfind("tg_", 0), 0u);
  EXPECT_EQ(t->plaintext.size(), 3u + 43u);
  EXPECT_EQ(t->token.token_hash, HashToken(t->plaintext));
  EXPECT_EQ(t->token.token_hash.size(), 64u);
  EXPECT_EQ(t->token.id.rfind("tok_", 0), 0u);

  // The plaintext is nowhere in the database file; its hash is.
  store_.reset();
  {
    std::ifstream in(dir_.File("store.db"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ifstream wal(dir_.File("store.db-wal"), std::ios::binary);
    bytes.append((std::istreambuf_iterator<char>(wal)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find(t->plaintext), std::string::npos);
    EXPECT_NE(bytes.find(t->token.token_hash), std::string::npos);
  }
  store_ = std::move(OpenSqliteStore(dir_.File("store.db")).value());

  auto who = store_->AuthenticateToken(t->plaintext);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->user_id, "ice");
  EXPECT_EQ(who->workstation_id, std::optional<std::string>("irc-outside-agency-desk"));
  EXPECT_EQ(who->created_at, kNow);
  EXPECT_FALSE(who->revoked);

  EXPECT_EQ(store_->AuthenticateToken(t->plaintext + "x").status().code(), Code::kUnauthenticated);
  EXPECT_EQ(store_->AuthenticateToken("").status().code(), Code::kUnauthenticated);

  auto second = store_->CreateToken("ice", std::nullopt, kNow + 1);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->plaintext, t->plaintext);

  // Revoke by id; the other token still works. Revoke by plaintext too.
  ASSERT_TRUE(store_->RevokeToken(t->token.id, kNow + 10).ok());
  auto revoked = store_->AuthenticateToken(t->plaintext);
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(store_->AuthenticateToken(second->plaintext).ok());
  ASSERT_TRUE(store_->RevokeToken(second->plaintext, kNow + 20).ok());
  EXPECT_FALSE(store_->AuthenticateToken(second->plaintext).ok());
  EXPECT_EQ(store_->RevokeToken("tok_0000000000000000", kNow).code(), Code::kNotFound);

  auto list = store_->ListTokens("ice");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_TRUE((*list)[0].revoked);
  EXPECT_EQ((*list)[0].revoked_at, std::optional<TimeMs>(kNow + 10));
  // Revoking again keeps the first revocation time.
  ASSERT_TRUE(store_->RevokeToken(t->token.id, kNow + 99).ok());
  EXPECT_EQ(store_->ListTokens("ice")->front().revoked_at, std::optional<TimeMs>(kNow + 10));

  EXPECT_EQ(store_->CreateToken("nobody", std::nullopt, kNow).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->CreateToken("ice", std::string("no-desk"), kNow).status().code(), Code::kNotFound);
}

TEST_F(StoreTest, PersonsBookingsConvictionsRoundTrip) {
  Person p = SamplePerson();
  ASSERT_TRUE(store_->PutPerson(p).ok());
  EXPECT_EQ(*store_->GetPerson(p.person_id), p);
  EXPECT_EQ(p.name(), "Jose A Garcia");

  Booking b = SampleBooking("LASD-2024-0000001", p.person_id, kNow + 2 * kMsPerDay);
  ASSERT_TRUE(store_->PutBooking(b).ok());
  auto got = store_->GetBooking(b.booking_id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, b);
  EXPECT_EQ(got->release_at(), b.scheduled_release_at);

  // Replacing a booking replaces its charges; a release makes release_at the actual time.
  b.charges.resize(1);
  b.custody_status = "released";
  b.released_at = kNow + kMsPerDay;
  b.release_type = "bail_posted";
  ASSERT_TRUE(store_->PutBooking(b).ok());
  EXPECT_EQ(*store_->GetBooking(b.booking_id), b);
  EXPECT_EQ(store_->GetBooking(b.booking_id)->release_at(), b.released_at);

  Booking bad = b;
  bad.booking_id = "LASD-2024-0000002";
  bad.charges[0].level = 'X';
  EXPECT_EQ(store_->PutBooking(bad).code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->GetBooking("LASD-2024-0000002").status().code(), Code::kNotFound);

  Conviction c;
  c.person_id = p.person_id;
  c.code = "12004";
  c.statute = "PC 211";
  c.description = "ROBBERY";
  c.level = 'F';
  c.convicted_at = TimeFromCivil(2015, 6, 1);
  c.sentence = "state prison 4 years";
  c.court = "Superior Court of California, Los Angeles";
  c.arson_registrable = true;
  auto id = store_->AddConviction(c);
  ASSERT_TRUE(id.ok());
  c.id = *id;
  Conviction older = c;
  older.convicted_at = TimeFromCivil(2010, 1, 1);
  older.statute = "HS 11377(A)";
  older.level = 'M';
  older.arson_registrable = false;
  older.id = *store_->AddConviction(older);
  auto list = store_->ConvictionsByPerson(p.person_id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0], older);  // oldest first
  EXPECT_EQ((*list)[1], c);
  EXPECT_TRUE(store_->ConvictionsByPerson("P-none")->empty());
}

TEST_F(StoreTest, AuthenticatePrincipalJoinsTokenUserAgencyAndWorkstation) {
  auto bound = store_->CreateToken("ice", std::string("irc-outside-agency-desk"), kNow);
  auto plain = store_->CreateToken("clerk", std::nullopt, kNow + 1);
  ASSERT_TRUE(bound.ok() && plain.ok());

  auto p = store_->AuthenticatePrincipal(bound->plaintext);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->token, *store_->AuthenticateToken(bound->plaintext));
  EXPECT_EQ(p->token, bound->token);
  ASSERT_TRUE(p->user && p->agency && p->workstation);
  EXPECT_EQ(*p->user, *store_->GetUser("ice"));
  EXPECT_EQ(*p->agency, *store_->GetAgency("ice-ero-la"));
  EXPECT_EQ(*p->workstation, *store_->GetWorkstation("irc-outside-agency-desk"));
  EXPECT_EQ(p->workstation->agency_id, "lasd");  // the jail's desk, used by another agency

  auto c = store_->AuthenticatePrincipal(plain->plaintext);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(c->user && c->agency);
  EXPECT_EQ(c->user->roles, (std::vector<std::string>{"records_clerk", "jail_staff"}));  // in order
  EXPECT_EQ(c->agency->kind, "sheriff");
  EXPECT_FALSE(c->token.workstation_id);
  EXPECT_FALSE(c->workstation);

  // Unknown, empty and revoked tokens are refused as AuthenticateToken refuses them.
  EXPECT_EQ(store_->AuthenticatePrincipal(bound->plaintext + "x").status().code(), Code::kUnauthenticated);
  EXPECT_EQ(store_->AuthenticatePrincipal("").status().code(), Code::kUnauthenticated);
  EXPECT_EQ(store_->AuthenticatePrincipal(bound->token.token_hash).status().code(), Code::kUnauthenticated);
  ASSERT_TRUE(store_->RevokeToken(bound->token.id, kNow + 10).ok());
  EXPECT_EQ(store_->AuthenticatePrincipal(bound->plaintext).status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(store_->AuthenticatePrincipal(plain->plaintext).ok());
}

TEST_F(StoreTest, AuthenticatePrincipalReportsRowsDeletedBehindTheStore) {
  // The store has no deletes and its foreign keys forbid these; a sqlite3 shell (foreign
  // keys off by default) does not. The token still authenticates; what is gone is empty.
  ASSERT_TRUE(store_->PutAgency({"gone-agency", "Disbanded", "task_force", "CA", ""}).ok());
  ASSERT_TRUE(store_->PutUser({"orphan", "No Agency", "gone-agency", {"analyst"}}).ok());
  auto user_gone = store_->CreateToken("clerk", std::nullopt, kNow);
  auto ws_gone = store_->CreateToken("ice", std::string("irc-outside-agency-desk"), kNow);
  auto agency_gone = store_->CreateToken("orphan", std::nullopt, kNow);
  ASSERT_TRUE(user_gone.ok() && ws_gone.ok() && agency_gone.ok());

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("store.db").c_str(), &db), SQLITE_OK);
  const char* sql =
      "PRAGMA foreign_keys = OFF; DELETE FROM users WHERE id = 'clerk'; "
      "DELETE FROM workstations WHERE id = 'irc-outside-agency-desk'; DELETE FROM agencies WHERE id = 'gone-agency';";
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);

  auto u = store_->AuthenticatePrincipal(user_gone->plaintext);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->token.id, user_gone->token.id);
  EXPECT_FALSE(u->user);
  EXPECT_FALSE(u->agency);

  auto w = store_->AuthenticatePrincipal(ws_gone->plaintext);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->token.workstation_id, std::optional<std::string>("irc-outside-agency-desk"));
  EXPECT_FALSE(w->workstation);
  ASSERT_TRUE(w->user && w->agency);
  EXPECT_EQ(w->user->id, "ice");

  auto a = store_->AuthenticatePrincipal(agency_gone->plaintext);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(a->user);
  EXPECT_EQ(a->user->agency_id, "gone-agency");
  EXPECT_FALSE(a->agency);
}

TEST_F(StoreTest, ReplacingReferencedRecordsKeepsTheirDependents) {
  ASSERT_TRUE(store_->PutPerson(SamplePerson("P1")).ok());
  ASSERT_TRUE(store_->PutBooking(SampleBooking("B1", "P1", kNow)).ok());
  auto t = store_->CreateToken("clerk", std::nullopt, kNow);
  ASSERT_TRUE(t.ok());
  Person p = SamplePerson("P1");
  p.address = "1 New St, Los Angeles, CA 90012";
  ASSERT_TRUE(store_->PutPerson(p).ok());  // a person with bookings can be updated
  EXPECT_EQ(store_->GetPerson("P1")->address, p.address);
  EXPECT_EQ(store_->GetBooking("B1")->charges.size(), 3u);
  ASSERT_TRUE(store_->PutUser({"clerk", "Maria D. Delgado", "lasd", {"records_clerk"}}).ok());
  EXPECT_TRUE(store_->AuthenticateToken(t->plaintext).ok());  // a user with tokens too
  // A booking for a person the store does not have is refused.
  EXPECT_FALSE(store_->PutBooking(SampleBooking("B2", "P404", kNow)).ok());
}

TEST_F(StoreTest, FindsBookingsByNameAndReleaseWindow) {
  ASSERT_TRUE(store_->PutPerson(SamplePerson("P1")).ok());
  Person other = SamplePerson("P2");
  other.first_name = "Keisha";
  other.middle_name = "";
  other.last_name = "O'Neal_100%";
  ASSERT_TRUE(store_->PutPerson(other).ok());
  Booking b1 = SampleBooking("B1", "P1", kNow + 10 * kMsPerHour);
  Booking b2 = SampleBooking("B2", "P1", kNow + 30 * kMsPerHour);
  b2.booked_at = b1.booked_at + kMsPerHour;
  Booking b3 = SampleBooking("B3", "P2", kNow + 72 * kMsPerHour);
  b3.name = other.name();
  for (const auto& b : {b1, b2, b3}) ASSERT_TRUE(store_->PutBooking(b).ok());

  auto by_name = store_->FindBookingsByName("garCIA");
  ASSERT_TRUE(by_name.ok());
  ASSERT_EQ(by_name->size(), 2u);
  EXPECT_EQ((*by_name)[0].booking_id, "B2");  // newest booking first
  EXPECT_EQ((*by_name)[0].charges.size(), 3u);
  EXPECT_EQ(store_->FindBookingsByName("jose a")->size(), 2u);
  EXPECT_EQ(store_->FindBookingsByName("_100%")->size(), 1u);  // LIKE wildcards match literally
  EXPECT_EQ(store_->FindBookingsByName("%")->size(), 1u);
  EXPECT_EQ(store_->FindBookingsByName("garcia", 1)->size(), 1u);
  EXPECT_TRUE(store_->FindBookingsByName("nobody")->empty());

  auto next48 = store_->BookingsReleasedBetween(kNow, kNow + 48 * kMsPerHour);
  ASSERT_TRUE(next48.ok());
  ASSERT_EQ(next48->size(), 2u);
  EXPECT_EQ((*next48)[0].booking_id, "B1");  // soonest first
  EXPECT_EQ((*next48)[1].booking_id, "B2");
  // [from, to): a release exactly at `to` is outside.
  EXPECT_EQ(store_->BookingsReleasedBetween(kNow, kNow + 10 * kMsPerHour)->size(), 0u);
  EXPECT_EQ(store_->BookingsReleasedBetween(kNow + 10 * kMsPerHour, kNow + 11 * kMsPerHour)->size(), 1u);

  auto mine = store_->BookingsByPerson("P1");
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ(mine->front().booking_id, "B2");
}

TEST_F(StoreTest, RequestsAndNoticesRoundTrip) {
  AgencyRequest r;
  r.kind = "notify";
  r.booking_id = "B1";
  r.person_id = "P1";
  r.requesting_agency = "ice-ero-la";
  r.requested_by = "ice";
  r.authority_kind = "detainer";
  r.authority_ref = "I-247A 2024-LOS-000123";
  r.reason = "Request for notice of release";
  r.received_at = kNow;
  auto id = store_->InsertAgencyRequest(r);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  r.id = *id;
  r.outcome = "pending";  // the default
  EXPECT_EQ(*store_->GetAgencyRequest(r.id), r);
  ASSERT_TRUE(store_->SetRequestOutcome(r.id, "declined", kNow + kMsPerHour).ok());
  r.outcome = "declined";
  r.decided_at = kNow + kMsPerHour;
  EXPECT_EQ(*store_->GetAgencyRequest(r.id), r);
  EXPECT_EQ(store_->SetRequestOutcome(r.id, "maybe", kNow).code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->SetRequestOutcome(999, "accepted", kNow).code(), Code::kNotFound);
  EXPECT_EQ(store_->GetAgencyRequest(999).status().code(), Code::kNotFound);

  AgencyRequest bad = r;
  bad.kind = "deport";
  EXPECT_EQ(store_->InsertAgencyRequest(bad).status().code(), Code::kInvalidArgument);
  bad = r;
  bad.authority_kind = "warrant-ish";
  EXPECT_EQ(store_->InsertAgencyRequest(bad).status().code(), Code::kInvalidArgument);
  ASSERT_EQ(store_->ListAgencyRequests("B1")->size(), 1u);
  EXPECT_EQ(store_->ListAgencyRequests()->front(), r);
  EXPECT_TRUE(store_->ListAgencyRequests("B2")->empty());

  Notice n;
  n.request_id = r.id;
  n.booking_id = "B1";
  n.person_id = "P1";
  n.recipient = "person:P1";
  n.kind = "request_copy";
  n.channel = "in_person";
  n.sent_at = kNow + 2 * kMsPerHour;
  n.body = "Copy of I-247A";
  n.id = *store_->InsertNotice(n);
  Notice n2 = n;
  n2.request_id.reset();
  n2.sent_at = kNow + 3 * kMsPerHour;
  n2.id = *store_->InsertNotice(n2);
  auto notices = store_->ListNotices("B1");
  ASSERT_EQ(notices->size(), 2u);
  EXPECT_EQ((*notices)[0], n2);  // newest first
  EXPECT_EQ((*notices)[1], n);
}

TEST_F(StoreTest, AlprHotlistsContactsGangRoundTrip) {
  AlprDevice d{"LAPD-ALPR-0001", "lasd", "fixed", "Sunset Blvd & Vine St, Los Angeles", 34.098, -118.326};
  ASSERT_TRUE(store_->PutAlprDevice(d).ok());
  EXPECT_EQ(store_->ListAlprDevices()->front(), d);

  std::vector<PlateRead> reads;
  for (int i = 0; i < 50; ++i) {
    PlateRead r;
    r.plate = i % 2 ? "8ABC123" : "7XYZ999";
    r.state = "CA";
    r.read_at = kNow - i * kMsPerHour;
    if (i % 5) {
      r.lat = 34.0 + i * 0.001;
      r.lon = -118.3;
    }
    r.device = d.id;
    r.agency = "lasd";
    r.confidence = 0.9;
    r.image_ref = "img/" + std::to_string(i) + ".jpg";
    reads.push_back(r);
  }
  ASSERT_TRUE(store_->InsertPlateReads(reads).ok());
  auto got = store_->PlateReads("8ABC123", kNow - 10 * kMsPerHour, kNow + 1);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 5u);  // i = 1, 3, 5, 7, 9
  EXPECT_LT((*got)[0].read_at, (*got)[1].read_at);  // oldest first
  PlateRead expect = reads[9];
  expect.id = (*got)[0].id;
  EXPECT_EQ((*got)[0], expect);
  EXPECT_FALSE(((*got)[2]).lat.has_value());  // i = 5: not recorded
  EXPECT_EQ(store_->PlateReads("8ABC123", 0, kNow + 1, 3)->size(), 3u);
  EXPECT_TRUE(store_->PlateReads("8ABC12", 0, kNow + 1)->empty());  // exact match only

  // A bad read fails the whole batch.
  std::vector<PlateRead> batch(3, reads[0]);
  batch[2].plate = "";
  EXPECT_EQ(store_->InsertPlateReads(batch).code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->PlateReads("7XYZ999", 0, kNow + 1)->size(), 25u);

  Hotlist h{"ncic-stolen-vehicles", "NCIC stolen vehicles", "lasd"};
  ASSERT_TRUE(store_->PutHotlist(h).ok());
  EXPECT_EQ(store_->ListHotlists()->front(), h);
  HotlistEntry e{0, h.id, "8ABC123", "CA", "stolen_vehicle", "lasd", kNow, kNow + 30 * kMsPerDay};
  e.id = *store_->AddHotlistEntry(e);
  HotlistEntry e2 = e;
  e2.expires_at.reset();
  e2.added_at = kNow + 1;
  e2.id = *store_->AddHotlistEntry(e2);
  auto entries = store_->HotlistEntriesForPlate("8ABC123");
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0], e);
  EXPECT_EQ((*entries)[1], e2);
  EXPECT_FALSE(store_->AddHotlistEntry(HotlistEntry{0, "no-list", "X", "CA", "r", "lasd", kNow, {}}).ok());

  FieldContact f;
  f.person_id = "P1";
  f.agency_id = "lasd";
  f.officer_id = "clerk";
  f.kind = "traffic_stop";
  f.contacted_at = kNow - kMsPerDay;
  f.location = "Florence Ave & Central Ave, Los Angeles";
  f.lat = 33.97;
  f.lon = -118.25;
  f.reason = "equipment_violation";
  f.outcome = "warning";
  f.vehicle_plate = "8ABC123";
  f.vehicle_state = "CA";
  f.vehicle_description = "2014 Honda Civic, grey";
  f.social_media = {"@jgarcia12", "ig:jose_44"};
  f.id = *store_->AddFieldContact(f);
  EXPECT_EQ(store_->FieldContactsByPerson("P1")->front(), f);

  GangEntry g;
  g.person_id = "P1";
  g.gang = "Eastside Locos";
  g.criteria = {"tattoos", "associates_with_members"};
  g.source_agency = "lasd";
  g.entered_at = kNow - 8 * 365 * kMsPerDay;
  g.last_reviewed_at = kNow - 6 * 365 * kMsPerDay;
  g.id = *store_->AddGangEntry(g);
  GangEntry fresh = g;
  fresh.person_id = "P2";
  fresh.last_reviewed_at = kNow - 365 * kMsPerDay;
  fresh.id = *store_->AddGangEntry(fresh);
  EXPECT_EQ(store_->GangEntriesByPerson("P1")->front(), g);
  auto due = store_->GangEntriesDueForReview(kNow - kGangReviewInterval);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->front(), g);
}

TEST_F(StoreTest, MetaCountsAndDigest) {
  ASSERT_TRUE(store_->SetMeta("county.seed", "7").ok());
  EXPECT_EQ(*store_->GetMeta("county.seed"), std::optional<std::string>("7"));
  EXPECT_EQ(*store_->GetMeta("missing"), std::nullopt);
  auto counts = store_->Counts();
  ASSERT_TRUE(counts.ok());
  std::map<std::string, int64_t> m;
  for (const auto& c : *counts) m[c.table] = c.rows;
  EXPECT_EQ(m["agencies"], 2);
  EXPECT_EQ(m["users"], 2);
  EXPECT_EQ(m["plate_reads"], 0);
  EXPECT_EQ(m.size(), 16u);

  auto d1 = store_->ContentDigest();
  ASSERT_TRUE(d1.ok());
  EXPECT_EQ(d1->size(), 64u);
  // Tokens and metadata do not change the digest; records do.
  ASSERT_TRUE(store_->CreateToken("clerk", std::nullopt, kNow).ok());
  ASSERT_TRUE(store_->SetMeta("x", "y").ok());
  EXPECT_EQ(*store_->ContentDigest(), *d1);
  ASSERT_TRUE(store_->PutUser({"clerk", "Maria Delgado", "lasd", {"records_clerk"}}).ok());
  EXPECT_NE(*store_->ContentDigest(), *d1);
}

TEST_F(StoreTest, TransactionsCommitOrRollBackAsAWhole) {
  Status st = store_->RunInTransaction([&]() -> Status {
    TG_RETURN_IF_ERROR(store_->PutPerson(SamplePerson("P1")));
    TG_RETURN_IF_ERROR(store_->PutBooking(SampleBooking("B1", "P1", kNow)));
    return Status::InvalidArgument("changed my mind");
  });
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->GetPerson("P1").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->GetBooking("B1").status().code(), Code::kNotFound);

  // A nested failure the outer body handles rolls back only the inner part.
  st = store_->RunInTransaction([&]() -> Status {
    TG_RETURN_IF_ERROR(store_->PutPerson(SamplePerson("P1")));
    Status inner = store_->RunInTransaction([&]() -> Status {
      TG_RETURN_IF_ERROR(store_->PutPerson(SamplePerson("P2")));
      return Status::Internal("inner fails");
    });
    EXPECT_FALSE(inner.ok());
    return Status::OK();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(store_->GetPerson("P1").ok());
  EXPECT_EQ(store_->GetPerson("P2").status().code(), Code::kNotFound);
}

TEST_F(StoreTest, ASnapshotSeesOneMomentWhileOthersWrite) {
  Person before = SamplePerson("P1");
  before.address = "1 Old Street";
  ASSERT_TRUE(store_->PutPerson(before).ok());
  Person after = before;
  after.address = "2 New Street";
  Status st = store_->RunInSnapshot([&]() -> Status {
    EXPECT_EQ(store_->GetPerson("P1")->address, "1 Old Street");
    // Another thread (another connection) commits a change meanwhile...
    Status wrote;
    std::thread([&] { wrote = store_->PutPerson(after); }).join();
    EXPECT_TRUE(wrote.ok()) << wrote.ToString();
    // ...which this snapshot does not see.
    EXPECT_EQ(store_->GetPerson("P1")->address, "1 Old Street");
    return Status::NotFound("the body's own status comes back");
  });
  EXPECT_EQ(st.code(), Code::kNotFound);
  EXPECT_EQ(store_->GetPerson("P1")->address, "2 New Street");

  // Inside a transaction a snapshot is that transaction.
  st = store_->RunInTransaction([&]() -> Status {
    TG_RETURN_IF_ERROR(store_->PutPerson(before));
    return store_->RunInSnapshot([&]() -> Status {
      EXPECT_EQ(store_->GetPerson("P1")->address, "1 Old Street");
      return Status::OK();
    });
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_F(StoreTest, ManyThreadsReadAndWriteAtOnce) {
  ASSERT_TRUE(store_->PutPerson(SamplePerson("P1")).ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string id = "B" + std::to_string(t) + "-" + std::to_string(i);
        if (!store_->PutBooking(SampleBooking(id, "P1", kNow + i * kMsPerMinute)).ok()) ++failures;
        auto got = store_->GetBooking(id);
        if (!got.ok() || got->charges.size() != 3) ++failures;
        if (!store_->FindBookingsByName("garcia", 5).ok()) ++failures;
        std::vector<PlateRead> reads(10);
        for (auto& r : reads) {
          r.plate = "T" + std::to_string(t);
          r.read_at = kNow + i;
          r.device = "d";
          r.agency = "lasd";
        }
        if (!store_->InsertPlateReads(reads).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(store_->BookingsByPerson("P1")->size(), 400u);
  EXPECT_EQ(store_->PlateReads("T3", 0, kNow + 100, 100000)->size(), 500u);
}

TEST(MemoryStore, WorksForTests) {
  auto s = OpenSqliteStore(":memory:");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE((*s)->PutAgency({"a", "A", "court", "CA", ""}).ok());
  EXPECT_EQ((*s)->ListAgencies()->size(), 1u);
  Status st = (*s)->RunInTransaction([&] { return (*s)->PutAgency({"b", "B", "court", "CA", ""}); });
  EXPECT_TRUE(st.ok());
  EXPECT_EQ((*s)->ListAgencies()->size(), 2u);
}

}  // namespace
}  // namespace tg::records
