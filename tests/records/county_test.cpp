// The synthetic county: determinism, the demo principals and their tokens, proportions.
#include "records/county.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sys/stat.h>

#include "test_util.h"

namespace tg::records {
namespace {

using testing::TempDir;

const TimeMs kNow = TimeFromCivil(2024, 5, 1) + 12 * kMsPerHour;

CountyOptions Small(const std::string& dir, uint64_t seed = 1) {
  CountyOptions o;
  o.dir = dir;
  o.persons = 3000;
  o.alpr_reads = 30000;
  o.seed = seed;
  o.now_ms = kNow;
  o.shared_dir = testing::SharedDir();
  return o;
}

std::string Digest(const std::string& dir) {
  auto s = OpenCounty(dir);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  auto d = (*s)->ContentDigest();
  EXPECT_TRUE(d.ok());
  return *d;
}

std::map<std::string, int64_t> Counts(Store& s) {
  std::map<std::string, int64_t> m;
  auto counts = s.Counts();  // a named Result: a range-for over *temporary would dangle
  for (const auto& c : *counts) m[c.table] = c.rows;
  return m;
}

TEST(County, SameSeedSameDataDifferentSeedDifferentData) {
  TempDir a, b, c;
  std::vector<std::string> stages;
  ASSERT_TRUE(GenerateCounty(Small(a.path()), [&](const CountyProgress& p) { stages.push_back(p.stage); }).ok());
  ASSERT_TRUE(GenerateCounty(Small(b.path())).ok());
  ASSERT_TRUE(GenerateCounty(Small(c.path(), 2)).ok());
  const std::string da = Digest(a.path());
  EXPECT_EQ(da, Digest(b.path()));
  EXPECT_NE(da, Digest(c.path()));
  EXPECT_FALSE(stages.empty());
  EXPECT_EQ(stages.back(), "done");
  // The demo tokens are random secrets, different on each run.
  std::ifstream ta(DemoTokensPath(a.path())), tb(DemoTokensPath(b.path()));
  EXPECT_NE(nlohmann::json::parse(ta), nlohmann::json::parse(tb));
}

TEST(County, RefusesToOverwriteUnlessAskedAndLeavesNoPartialFile) {
  TempDir d;
  EXPECT_FALSE(CountyExists(d.path()));
  ASSERT_TRUE(GenerateCounty(Small(d.path())).ok());
  EXPECT_TRUE(CountyExists(d.path()));
  EXPECT_EQ(GenerateCounty(Small(d.path())).code(), Code::kAlreadyExists);
  CountyOptions o = Small(d.path(), 5);
  o.overwrite = true;
  ASSERT_TRUE(GenerateCounty(o).ok());
  EXPECT_FALSE(std::filesystem::exists(CountyDbPath(d.path()) + ".tmp"));

  TempDir e;
  CountyOptions missing = Small(e.path());
  missing.shared_dir = e.File("no-shared-here");
  Status st = GenerateCounty(missing);
  EXPECT_EQ(st.code(), Code::kNotFound);
  EXPECT_NE(st.message().find("ca-offense-codes.csv"), std::string::npos);
  EXPECT_FALSE(CountyExists(e.path()));
  EXPECT_EQ(OpenCounty(e.path()).status().code(), Code::kNotFound);
}

class CountyContent : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    CountyOptions o = Small(dir_->path());
    o.persons = 20000;  // the default size
    o.alpr_reads = 50000;
    ASSERT_TRUE(GenerateCounty(o).ok());
    store_ = OpenCounty(dir_->path()).value().release();
  }
  static void TearDownTestSuite() {
    delete store_;
    delete dir_;
  }
  static TempDir* dir_;
  static Store* store_;
};
TempDir* CountyContent::dir_ = nullptr;
Store* CountyContent::store_ = nullptr;

TEST_F(CountyContent, DemoPrincipalsHaveWorkingTokens) {
  std::ifstream in(DemoTokensPath(dir_->path()));
  auto tokens = nlohmann::json::parse(in);
  ASSERT_EQ(tokens.size(), 8u);
  EXPECT_EQ(DemoPrincipals(),
            (std::vector<std::string>{"lasd-records-clerk", "lapd-detective", "ice-ero-officer", "fbi-agent",
                                      "out-of-state-officer", "jric-analyst", "victim-advocate", "inspector-general"}));
  for (const auto& id : DemoPrincipals()) {
    ASSERT_TRUE(tokens.contains(id)) << id;
    auto t = store_->AuthenticateToken(tokens[id].get<std::string>());
    ASSERT_TRUE(t.ok()) << id << ": " << t.status().ToString();
    EXPECT_EQ(t->user_id, id);
    // The one-query principal is what the four separate look-ups give.
    auto p = store_->AuthenticatePrincipal(tokens[id].get<std::string>());
    ASSERT_TRUE(p.ok()) << id << ": " << p.status().ToString();
    EXPECT_EQ(p->token, *t);
    ASSERT_TRUE(p->user && p->agency) << id;
    EXPECT_EQ(*p->user, *store_->GetUser(id));
    EXPECT_EQ(*p->agency, *store_->GetAgency(p->user->agency_id));
    EXPECT_EQ(p->workstation.has_value(), t->workstation_id.has_value()) << id;
    if (t->workstation_id) { EXPECT_EQ(*p->workstation, *store_->GetWorkstation(*t->workstation_id)); }
  }
  auto ice = store_->AuthenticateToken(tokens["ice-ero-officer"].get<std::string>());
  EXPECT_EQ(ice->workstation_id, std::optional<std::string>("irc-outside-agency-desk"));
  EXPECT_EQ(store_->GetWorkstation("irc-outside-agency-desk")->agency_id, "lasd");
  EXPECT_EQ(store_->GetAgency(store_->GetUser("ice-ero-officer")->agency_id)->kind, "immigration");
  EXPECT_EQ(store_->GetAgency(store_->GetUser("jric-analyst")->agency_id)->kind, "fusion_center");
  EXPECT_EQ(store_->GetAgency(store_->GetUser("out-of-state-officer")->agency_id)->kind, "out_of_state");
  auto ig = store_->GetUser("inspector-general");
  EXPECT_NE(std::find(ig->roles.begin(), ig->roles.end(), "inspector"), ig->roles.end());
  struct stat st {};
  ASSERT_EQ(::stat(DemoTokensPath(dir_->path()).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(CountyContent, EveryRecipientKindAndTensOfUsersPerLocalAgency) {
  std::set<std::string> kinds;
  auto agencies = store_->ListAgencies();
  for (const auto& a : *agencies) kinds.insert(a.kind);
  for (const char* k : {"local_police", "sheriff", "jail", "state_agency", "federal_law_enforcement", "immigration",
                        "out_of_state", "task_force", "fusion_center", "probation", "court", "victim_services",
                        "private", "public"}) {
    EXPECT_TRUE(kinds.count(k)) << k;
  }
  EXPECT_GE(store_->ListUsers("lasd")->size(), 20u);
  EXPECT_GE(store_->ListUsers("lapd")->size(), 20u);
}

TEST_F(CountyContent, ReleasesChargesConvictionsAndTheRest) {
  auto m = Counts(*store_);
  EXPECT_EQ(m["persons"], 20000);
  EXPECT_EQ(m["plate_reads"], 50000);
  for (const char* t : {"bookings", "charges", "convictions", "agency_requests", "notices", "alpr_devices",
                        "hotlists", "hotlist_entries", "field_contacts", "gang_entries"}) {
    EXPECT_GT(m[t], 0) << t;
  }
  // A few hundred releases in any week ahead, at the default size.
  for (int week = 0; week < 4; ++week) {
    auto rel = store_->BookingsReleasedBetween(kNow + week * 7 * kMsPerDay, kNow + (week + 1) * 7 * kMsPerDay, 100000);
    ASSERT_TRUE(rel.ok());
    EXPECT_GE(rel->size(), 100u) << "week " << week;
    EXPECT_LE(rel->size(), 900u) << "week " << week;
    for (const auto& b : *rel) EXPECT_EQ(b.custody_status, "in_custody");
  }
  // Robbery (PC 211) and murder (PC 187) convictions for a few percent of persons.
  int robbery = 0, murder = 0, persons_checked = 0;
  for (int i = 1; i <= 20000; i += 7) {
    ++persons_checked;
    char id[16];
    std::snprintf(id, sizeof id, "P%08d", i);
    bool r = false, k = false;
    auto convictions = store_->ConvictionsByPerson(id);
    for (const auto& c : *convictions) {
      r |= c.statute == "PC 211";
      k |= c.statute.rfind("PC 187", 0) == 0;
    }
    robbery += r;
    murder += k;
  }
  EXPECT_GT(robbery, persons_checked / 200);  // > 0.5%
  EXPECT_LT(robbery, persons_checked / 10);
  EXPECT_GT(murder, 0);
  // Charges carry real codes with F/M levels; a felony/misdemeanor mix.
  auto rel = store_->BookingsReleasedBetween(kNow, kNow + 14 * kMsPerDay, 1000);
  int f = 0, mis = 0;
  for (const auto& b : *rel) {
    EXPECT_FALSE(b.charges.empty());
    for (const auto& c : b.charges) {
      EXPECT_FALSE(c.code.empty());
      EXPECT_FALSE(c.statute.empty());
      (c.level == 'F' ? f : mis) += 1;
    }
  }
  EXPECT_GT(f, 50);
  EXPECT_GT(mis, 50);
  // Gang entries overdue for their five-year review exist, and not all are overdue.
  auto due = store_->GangEntriesDueForReview(kNow - kGangReviewInterval, 100000);
  EXPECT_GT(due->size(), 0u);
  EXPECT_LT(static_cast<int64_t>(due->size()), m["gang_entries"]);
  EXPECT_NE(CountySummary(*store_).find("ice-ero-officer"), std::string::npos);
}

TEST_F(CountyContent, PlateReadsFollowTheSeattleRhythmAndFindPersonsVehicles) {
  // Reads fall in the 28 days before now; some plates of persons' vehicles recur.
  auto contacts = store_->FieldContactsByPerson("P00000001");
  int found_plates = 0;
  for (int i = 1; i <= 2000 && found_plates == 0; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "P%08d", i);
    auto contacts_of = store_->FieldContactsByPerson(id);
    for (const auto& fc : *contacts_of) {
      if (fc.vehicle_plate.empty()) continue;
      auto reads = store_->PlateReads(fc.vehicle_plate, kNow - 28 * kMsPerDay, kNow);
      ASSERT_TRUE(reads.ok());
      for (const auto& r : *reads) {
        EXPECT_GE(r.read_at, kNow - 29 * kMsPerDay);
        EXPECT_LT(r.read_at, kNow);
      }
      found_plates += !reads->empty();
    }
  }
  EXPECT_GT(found_plates, 0);
  (void)contacts;
}

}  // namespace
}  // namespace tg::records
