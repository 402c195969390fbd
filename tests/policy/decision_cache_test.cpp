// The decision cache gives exactly the decisions a fresh evaluation gives: over every
// jurisdiction's packs, thousands of seeded requests (principals of every agency kind,
// declared purposes, authorities, channels, recipients, times; bookings, persons and plate
// reads with qualifying and non-qualifying convictions) are decided by a Decider with the
// cache and by one without, and every outcome, determining policy and error must match.
#include <gtest/gtest.h>

#include <random>

#include "policy/decide.h"
#include "load_decider.h"

namespace tg::policy {
namespace {

const std::vector<std::vector<std::string>> kConfigurations = {
    {"baseline"},        {"los-angeles-county", "los-angeles-city"}, {"cook-county", "chicago"},
    {"new-jersey"},      {"oregon"},  {"washington"}, {"philadelphia"}, {"bernalillo-county"}};

using testing::LoadDecider;

template <class T>
const T& Pick(std::mt19937_64& rng, const std::vector<T>& v) {
  return v[rng() % v.size()];
}

const std::vector<records::Agency> kAgencies = {
    {"lasd", "Sheriff", "sheriff", "CA", ""},         {"lapd", "Police", "local_police", "CA", ""},
    {"ice-ero", "ICE ERO", "immigration", "US", ""},  {"hsi", "HSI", "federal_law_enforcement", "US", ""},
    {"court", "Superior Court", "court", "CA", ""},   {"oig", "Inspector General", "oversight", "CA", ""},
    {"public", "Public", "public", "US", ""},         {"cpd", "Chicago PD", "local_police", "IL", ""},
    {"njsp", "NJ State Police", "state_agency", "NJ", ""}, {"azdps", "Arizona DPS", "local_police", "AZ", ""},
    {"fusion", "Fusion Center", "fusion_center", "CA", ""}, {"jail", "Jail", "jail", "CA", ""},
    {"ocsd", "Another sheriff", "sheriff", "CA", ""},  {"ice-2", "Another ICE office", "immigration", "US", ""}};

RequestFacts RandomFacts(std::mt19937_64& rng) {
  RequestFacts f;
  f.agency = Pick(rng, kAgencies);
  f.user = {"u-" + f.agency.id + "-" + std::to_string(rng() % 3), "User", f.agency.id,
            {Pick(rng, std::vector<std::string>{"records_clerk", "detective", "inspector", "deputy"})}};
  if (rng() % 4 == 0) f.workstation = records::Workstation{"ws-" + std::to_string(rng() % 3), "desk", Pick(rng, kAgencies).id};
  f.purpose = Pick(rng, std::vector<std::string>{"booking_operations", "civil_immigration", "criminal_immigration",
                                                 "criminal_investigation", "court_proceeding", "public_records",
                                                 "victim_notification", "victim_services", "oversight",
                                                 "serious_violent_crime"});
  if (rng() % 2) f.case_number = "CASE-" + std::to_string(rng() % 4);
  f.authority_kind = Pick(rng, std::vector<std::string>{"none", "judicial_warrant", "judicial_subpoena",
                                                        "administrative_subpoena", "detainer", "court_order"});
  if (f.authority_kind != "none") f.authority_ref = "REF-" + std::to_string(rng() % 3);
  if (rng() % 2) f.reason = "because " + std::to_string(rng() % 3);
  f.channel = Pick(rng, std::vector<std::string>{"api", "print", "phone", "export"});
  if (rng() % 4 == 0) f.recipient = Pick(rng, kAgencies);
  f.record_count = int64_t(1 + rng() % 300);
  f.time = "2026-12-0" + std::to_string(1 + rng() % 3) + "T0" + std::to_string(rng() % 10) + ":00:00.00Z";
  return f;
}

records::Conviction RandomConviction(std::mt19937_64& rng) {
  // Codes and statutes of the DOJ table: robbery, murder, petty theft, drunk driving, burglary.
  static const std::vector<std::pair<std::string, std::string>> kOffenses = {
      {"12004", "PC 211"}, {"09001", "PC 187"}, {"", "PC 484"}, {"", "VC 23152"}, {"", "PC 459"}, {"", "PC 245(a)(1)"}};
  const auto& [code, statute] = Pick(rng, kOffenses);
  records::Conviction c;
  c.code = code;
  c.statute = statute;
  c.level = Pick(rng, std::vector<char>{'F', 'M'});
  c.convicted_at = records::TimeMs(1'500'000'000'000 + int64_t(rng() % 280'000'000'000));
  c.sex_registrable = rng() % 10 == 0;
  return c;
}

Subject RandomSubject(std::mt19937_64& rng) {
  Subject s;
  s.type = Pick(rng, std::vector<std::string>{"Booking", "Booking", "Person", "PlateRead", "Plate"});
  s.id = s.type.substr(0, 2) + std::to_string(rng());
  s.agency = Pick(rng, kAgencies).id;
  if (s.type == "Booking" || s.type == "Person") {
    s.person_id = s.type == "Person" ? s.id : "P" + s.id;
    s.custody_status = Pick(rng, std::vector<std::string>{"in_custody", "released", "transferred"});
    for (int n = int(rng() % 3); n > 0; --n) s.convictions.push_back(RandomConviction(rng));
    s.sex_registrant = rng() % 10 == 0;
  } else {
    s.state = Pick(rng, std::vector<std::string>{"CA", "AZ", "IL"});
  }
  return s;
}

TEST(DecisionCache, SharedDecisionsEqualFreshEvaluationInEveryPack) {
  std::vector<std::string> actions;
  for (const auto& c : DataCategories()) actions.push_back("read_" + c);
  uint64_t total_hits = 0;
  for (const auto& packs : kConfigurations) {
    SCOPED_TRACE(packs[0]);
    auto cached = LoadDecider(packs);
    auto fresh = LoadDecider(packs);
    ASSERT_TRUE(cached && fresh);
    fresh->SetCacheCapacity(0);
    ASSERT_TRUE(cached->cache_stats().enabled) << cached->cache_stats().why_not;
    // Small pools, so that principals and records with equal attributes meet often: that is
    // where a fingerprint that missed an input would hand out another record's decision.
    std::mt19937_64 rng(7);
    std::vector<RequestFacts> facts;
    for (int i = 0; i < 12; ++i) facts.push_back(RandomFacts(rng));
    // Twins: the same facts from another agency of the same kind (only the agency differs).
    for (int i = 0; i < 12; ++i) {
      RequestFacts twin = facts[i];
      for (const auto& a : kAgencies)
        if (a.kind == twin.agency.kind && a.id != twin.agency.id) twin.agency = a;
      twin.user.agency_id = twin.agency.id;
      twin.user.id += "-twin";
      facts.push_back(twin);
    }
    std::vector<Subject> pool;
    for (int i = 0; i < 80; ++i) pool.push_back(RandomSubject(rng));
    for (int i = 0; i < 600; ++i) {
      RequestFacts f = Pick(rng, facts);
      f.time = RandomFacts(rng).time;
      std::vector<Subject> subjects;
      for (int n = 1 + int(rng() % 6); n > 0; --n) subjects.push_back(Pick(rng, pool));
      bool plates = subjects[0].type == "Plate";
      std::vector<std::string> acts = plates ? std::vector<std::string>{"search_plate"} : actions;
      if (!plates && rng() % 2 == 0) acts = {"request_hold", "request_notify", "request_transfer", "read_release"};
      if (plates) subjects.resize(1);
      records::TimeMs now = records::TimeMs(1'780'000'000'000 + int64_t(rng() % 10'000'000'000));
      auto a = cached->Decide(f, subjects, acts, now);
      auto b = fresh->Decide(f, subjects, acts, now);
      ASSERT_EQ(a.ok(), b.ok()) << (a.ok() ? b.status() : a.status()).ToString();
      if (!a.ok()) continue;
      ASSERT_EQ(a->size(), b->size());
      for (size_t s = 0; s < a->size(); ++s)
        for (size_t j = 0; j < acts.size(); ++j) {
          const ActionDecision& x = (*a)[s][j];
          const ActionDecision& y = (*b)[s][j];
          ASSERT_EQ(x.outcome, y.outcome) << "request " << i << " subject " << s << " " << acts[j];
          ASSERT_EQ(x.policies, y.policies) << "request " << i << " subject " << s << " " << acts[j];
          ASSERT_EQ(x.errors, y.errors) << "request " << i << " subject " << s << " " << acts[j];
        }
    }
    auto st = cached->cache_stats();
    EXPECT_GT(st.misses, 0u);
    EXPECT_EQ(fresh->cache_stats().hits, 0u);
    total_hits += st.hits;
  }
  // Requests repeat principals and records with equal attributes often enough to share.
  EXPECT_GT(total_hits, 200u);
}

TEST(DecisionCache, RecordsWithEqualReadAttributesShareOneEvaluation) {
  auto d = LoadDecider({"baseline"});
  ASSERT_TRUE(d);
  RequestFacts f;
  f.agency = kAgencies[0];
  f.user = {"clerk", "Clerk", "lasd", {"records_clerk"}};
  f.purpose = "booking_operations";
  std::vector<Subject> bookings;
  for (int i = 0; i < 50; ++i) {
    Subject s;
    s.type = "Booking";
    s.id = "B" + std::to_string(i);
    s.person_id = "P" + std::to_string(i);
    s.agency = i % 2 ? "lasd" : "lapd";  // two owning agencies: two evaluations
    s.custody_status = "in_custody";
    bookings.push_back(s);
  }
  auto r = d->Decide(f, bookings, {"read_dob", "read_release"}, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(d->cache_stats().misses, 2u);
  EXPECT_EQ(d->cache_stats().hits, 48u);
  // Another time of day or reason is not read by the baseline: still shared.
  f.time = "2026-12-02T03:00:00.00Z";
  f.reason = "intake";
  r = d->Decide(f, {bookings[1]}, {"read_dob", "read_release"}, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0][0].allowed());
  EXPECT_EQ(d->cache_stats().misses, 2u);
  // Another purpose is read: evaluated afresh, with its own answer.
  f.purpose = "civil_immigration";
  auto other = d->Decide(f, {bookings[1]}, {"read_dob", "read_release"}, 0);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(d->cache_stats().misses, 3u);
  EXPECT_NE((*other)[0][0].outcome, (*r)[0][0].outcome);
}

}  // namespace
}  // namespace tg::policy
