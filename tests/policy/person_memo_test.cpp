// The Decider's person memo (offense qualification and Person attributes remembered by
// value): it must never hand one person's qualification to another, nor a person's old
// qualification after the convictions or the day change. Each check decides with the memo
// (and decision cache) on and with both off, requires equal answers, and requires the
// answers to differ where the inputs do, so a memo keyed too loosely would fail.
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "policy/decide.h"
#include "load_decider.h"
#include "policy/offense.h"

namespace tg::policy {
namespace {

using testing::LoadDecider;

// An immigration office asking to be notified of a release: under California's packs (not
// Los Angeles', which refuse it outright) the answer turns on the offense qualification.
RequestFacts Ice() {
  RequestFacts f;
  f.agency = {"ice-ero", "ICE ERO", "immigration", "US", ""};
  f.user = {"officer", "Officer", "ice-ero", {"deputy"}};
  f.purpose = "civil_immigration";
  return f;
}

Subject Booking(const std::string& id, const std::string& person, std::vector<records::Conviction> convictions) {
  Subject s;
  s.type = "Booking";
  s.id = id;
  s.agency = "lasd";
  s.person_id = person;
  s.custody_status = "in_custody";
  s.convictions = std::move(convictions);
  return s;
}

records::Conviction Conviction(int64_t id, const std::string& statute, char level, records::TimeMs at) {
  records::Conviction c;
  c.id = id;
  c.statute = statute;
  c.level = level;
  c.convicted_at = at;
  return c;
}

// Decides with `memo` (memo and cache on) and with `fresh` (both off); they must agree.
std::vector<std::string> Outcomes(Decider& memo, Decider& fresh, const RequestFacts& f,
                                  const std::vector<Subject>& subjects, const std::string& action,
                                  records::TimeMs now) {
  auto a = memo.Decide(f, subjects, {action}, now);
  auto b = fresh.Decide(f, subjects, {action}, now);
  EXPECT_TRUE(a.ok() && b.ok());
  std::vector<std::string> out;
  if (!a.ok() || !b.ok()) return out;
  for (size_t i = 0; i < subjects.size(); ++i) {
    EXPECT_EQ((*a)[i][0].outcome, (*b)[i][0].outcome) << subjects[i].id;
    EXPECT_EQ((*a)[i][0].policies, (*b)[i][0].policies) << subjects[i].id;
    out.push_back((*a)[i][0].outcome);
  }
  return out;
}

const records::TimeMs kNow = records::TimeFromCivil(2026, 6, 15) + 10 * records::kMsPerHour;

TEST(PersonMemo, PersonsWithOtherConvictionsAreQualifiedApart) {
  auto memo = LoadDecider({"california"});
  auto fresh = LoadDecider({"california"});
  ASSERT_TRUE(memo && fresh);
  fresh->SetCacheCapacity(0);
  const auto murder = Conviction(1, "PC 187", 'F', kNow - 400 * records::kMsPerDay);
  const auto theft = Conviction(1, "PC 484", 'M', kNow - 400 * records::kMsPerDay);
  // Same conviction id, date and agency; only the statute differs.
  auto r = Outcomes(*memo, *fresh, Ice(), {Booking("B1", "P1", {murder}), Booking("B2", "P2", {theft})},
                    "request_notify", kNow);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_NE(r[0], r[1]);
  // Again in the other order, and one at a time: served from the memo now.
  auto again = Outcomes(*memo, *fresh, Ice(), {Booking("B2", "P2", {theft}), Booking("B1", "P1", {murder})},
                        "request_notify", kNow);
  EXPECT_EQ(again, (std::vector<std::string>{r[1], r[0]}));
  EXPECT_EQ(Outcomes(*memo, *fresh, Ice(), {Booking("B3", "P3", {})}, "request_notify", kNow)[0], r[1]);
}

TEST(PersonMemo, SamePersonAfterItsConvictionsChange) {
  auto memo = LoadDecider({"california"});
  auto fresh = LoadDecider({"california"});
  ASSERT_TRUE(memo && fresh);
  fresh->SetCacheCapacity(0);
  auto c = Conviction(7, "PC 484", 'M', kNow - 400 * records::kMsPerDay);
  const std::string before = Outcomes(*memo, *fresh, Ice(), {Booking("B1", "P1", {c})}, "request_notify", kNow)[0];
  // The same conviction row, corrected to a felony murder: qualifies now.
  c.statute = "PC 187";
  c.level = 'F';
  const std::string after = Outcomes(*memo, *fresh, Ice(), {Booking("B1", "P1", {c})}, "request_notify", kNow)[0];
  EXPECT_NE(before, after);
  // A field no qualifier reads today (the court) still makes another key: same answer.
  c.court = "Superior Court";
  EXPECT_EQ(Outcomes(*memo, *fresh, Ice(), {Booking("B1", "P1", {c})}, "request_notify", kNow)[0], after);
  // Registration alone qualifies; dropping the conviction and the registration does not.
  Subject registrant = Booking("B1", "P1", {});
  registrant.sex_registrant = true;
  EXPECT_EQ(Outcomes(*memo, *fresh, Ice(), {registrant}, "request_notify", kNow)[0], after);
  EXPECT_EQ(Outcomes(*memo, *fresh, Ice(), {Booking("B1", "P1", {})}, "request_notify", kNow)[0], before);
}

TEST(PersonMemo, AnotherDayCanEndALookBackWindow) {
  // New Jersey: notice of release for an indictable conviction within five years. A felony
  // theft convicted on 2021-06-15 is within five years through 2026-06-15 and not after.
  auto memo = LoadDecider({"new-jersey"});
  auto fresh = LoadDecider({"new-jersey"});
  ASSERT_TRUE(memo && fresh);
  fresh->SetCacheCapacity(0);
  RequestFacts f = Ice();
  f.purpose = "criminal_investigation";
  const auto theft = Conviction(3, "PC 484", 'F', records::TimeFromCivil(2021, 6, 15));
  const records::TimeMs last_ms = records::TimeFromCivil(2026, 6, 16) - 1;
  const std::string within = Outcomes(*memo, *fresh, f, {Booking("B1", "P1", {theft})}, "request_notify", last_ms)[0];
  const std::string after = Outcomes(*memo, *fresh, f, {Booking("B1", "P1", {theft})}, "request_notify", last_ms + 1)[0];
  EXPECT_EQ(within, "allow");
  EXPECT_NE(within, after);
  // Earlier on the first day: the memo's entry for that day.
  EXPECT_EQ(Outcomes(*memo, *fresh, f, {Booking("B1", "P1", {theft})}, "request_notify",
                     records::TimeFromCivil(2026, 6, 15))[0], within);
}

TEST(PersonMemo, QualificationReadsOnlyTheDayOfNow) {
  // The memo keys `now` by its UTC day: Qualify must give the same answer all day long.
  std::mt19937_64 rng(3);
  const char* statutes[] = {"PC 211", "PC 187", "PC 484", "VC 23152", "PC 459", "PC 245(a)(1)"};
  for (int i = 0; i < 300; ++i) {
    OffenseFacts facts;
    const records::TimeMs day = records::TimeFromCivil(2020 + int(rng() % 8), 1 + int(rng() % 12), 1 + int(rng() % 28));
    for (int n = int(rng() % 4); n > 0; --n) {
      // Dates near the look-back edges (5 and 15 years), at any time of day.
      records::TimeMs at = day - (rng() % 2 ? 5 : 15) * 365 * records::kMsPerDay +
                           (int64_t(rng() % 7) - 3) * records::kMsPerDay + int64_t(rng() % records::kMsPerDay);
      facts.convictions.push_back(FromConviction(Conviction(n, statutes[rng() % 6], rng() % 2 ? 'F' : 'M', at)));
    }
    auto start = Qualify(facts, nullptr, day);
    auto later = Qualify(facts, nullptr, day + int64_t(rng() % records::kMsPerDay));
    ASSERT_TRUE(start.ok() && later.ok());
    EXPECT_EQ(start->ExplainLines(), later->ExplainLines());
  }
}

TEST(PersonMemo, ThreadsDecidingAtOnceGetFreshAnswers) {
  auto memo = LoadDecider({"california"});
  auto fresh = LoadDecider({"california"});
  ASSERT_TRUE(memo && fresh);
  fresh->SetCacheCapacity(0);
  const char* statutes[] = {"PC 187", "PC 484", "PC 211", "VC 23152"};
  std::vector<Subject> pool;
  for (int i = 0; i < 40; ++i)
    pool.push_back(Booking("B" + std::to_string(i), "P" + std::to_string(i % 10),
                           {Conviction(i, statutes[i % 4], i % 3 ? 'F' : 'M', kNow - (i + 1) * 200 * records::kMsPerDay)}));
  std::vector<std::string> want;
  for (const auto& s : pool) {
    auto r = fresh->Decide(Ice(), {s}, {"request_notify"}, kNow);
    ASSERT_TRUE(r.ok());
    want.push_back((*r)[0][0].outcome);
  }
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < 400; ++k) {
        size_t i = size_t(k * 7 + t) % pool.size();
        auto r = memo->Decide(Ice(), {pool[i]}, {"request_notify"}, kNow);
        if (!r.ok() || (*r)[0][0].outcome != want[i]) ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace tg::policy
