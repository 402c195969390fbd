// PlanSimulation on its own (no gateway): deterministic for its inputs, calls in simulated-time
// order made by planned staff, a violation of every detector's kind with its truth, and clear
// refusals of runs too short or counties too small.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "oversight/simulation.h"

namespace {

using tg::oversight::PlanSimulation;
using tg::oversight::SimulationInputs;

SimulationInputs Inputs(uint64_t seed, int days) {
  SimulationInputs in;
  in.seed = seed;
  in.days = days;
  in.start = tg::records::TimeFromCivil(2026, 11, 1);
  for (int i = 0; i < 500; ++i) in.booking_ids.push_back("LASD-2026-" + std::to_string(1000000 + i));
  for (int i = 0; i < 200; ++i) in.person_ids.push_back("P" + std::to_string(10000 + i));
  for (int i = 0; i < 300; ++i) in.plates.push_back("7TST" + std::to_string(100 + i));
  in.locator_names = {"garcia", "lopez", "nguyen"};
  return in;
}

TEST(SimulationPlan, SameInputsSameCallsAndAnotherSeedOthers) {
  auto a = PlanSimulation(Inputs(3, 10));
  auto b = PlanSimulation(Inputs(3, 10));
  auto c = PlanSimulation(Inputs(4, 10));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_EQ(a->calls.size(), b->calls.size());
  for (size_t i = 0; i < a->calls.size(); ++i) {
    EXPECT_EQ(a->calls[i].target, b->calls[i].target);
    EXPECT_EQ(a->calls[i].time, b->calls[i].time);
  }
  bool differs = a->calls.size() != c->calls.size();
  for (size_t i = 0; !differs && i < a->calls.size(); ++i) differs = a->calls[i].target != c->calls[i].target;
  EXPECT_TRUE(differs);
}

TEST(SimulationPlan, CallsAreOrderedAndMadeByPlannedStaff) {
  auto plan = PlanSimulation(Inputs(7, 10));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  std::set<std::string> users;
  for (const auto& u : plan->users) users.insert(u.id);
  EXPECT_GE(users.size(), 80u);
  std::set<std::string> kinds;
  for (const auto& a : plan->agencies) kinds.insert(a.kind);
  EXPECT_GE(kinds.size(), 10u) << "staff of many agency kinds";
  // About 500 calls a simulated day, in time order, each by a planned user or the public.
  EXPECT_NEAR(static_cast<double>(plan->calls.size()) / 10, 500, 60);
  for (size_t i = 0; i < plan->calls.size(); ++i) {
    const auto& c = plan->calls[i];
    if (i > 0) { EXPECT_LE(plan->calls[i - 1].time, c.time); }
    if (c.principal.empty()) {
      EXPECT_EQ(c.target.rfind("/v1/public/inmates", 0), 0u) << c.target;
    } else {
      EXPECT_TRUE(users.count(c.principal)) << c.principal;
      EXPECT_FALSE(c.purpose.empty()) << c.target;
    }
  }
  // Workstation-bound tokens: the records clerks' terminals and two jail terminals used by
  // immigration officers.
  EXPECT_EQ(plan->workstation_of.at("sim-ice-officer-03"), "irc-outside-agency-desk");
  EXPECT_EQ(plan->workstation_of.at("sim-ice-officer-05"), "irc-records-03");
}

TEST(SimulationPlan, EveryInjectedKindHasCallsOrEntriesAndTwoTruthKeys) {
  auto plan = PlanSimulation(Inputs(7, 10));
  ASSERT_TRUE(plan.ok());
  std::map<std::string, int> truth_per_kind, calls_per_kind;
  for (const auto& t : plan->truth) truth_per_kind[t.key.first]++;
  for (const auto& c : plan->calls) {
    if (!c.injected.empty()) calls_per_kind[c.injected]++;
  }
  EXPECT_EQ(truth_per_kind.size(), 12u);
  for (const auto& [kind, n] : truth_per_kind) {
    EXPECT_GE(n, kind == tg::oversight::kGangReviewOverdue ? 1 : 2) << kind;
    bool gang = kind == tg::oversight::kGangReviewOverdue || kind == tg::oversight::kGangNoCriteria;
    if (!gang) { EXPECT_GT(calls_per_kind[kind], 0) << kind; }
  }
  EXPECT_EQ(plan->gang_entries.size(), 16u);
}

TEST(SimulationPlan, GangTruthJudgesTheWholeDatabase) {
  tg::records::TimeMs now = tg::records::TimeFromCivil(2026, 12, 1);
  std::vector<tg::records::GangEntry> entries(3);
  entries[0].source_agency = "lasd";
  entries[0].criteria = {"tattoos"};
  entries[0].last_reviewed_at = now - 6 * 365 * tg::records::kMsPerDay;  // overdue
  entries[1].source_agency = "jric";
  entries[1].last_reviewed_at = now - 10 * tg::records::kMsPerDay;  // no criteria
  entries[2].source_agency = "lapd";
  entries[2].criteria = {"tattoos"};
  entries[2].last_reviewed_at = now - 100 * tg::records::kMsPerDay;  // fine
  auto truth = tg::oversight::GangTruth(entries, now);
  std::set<tg::oversight::TruthKey> keys;
  for (const auto& t : truth) keys.insert(t.key);
  EXPECT_EQ(keys, (std::set<tg::oversight::TruthKey>{{tg::oversight::kGangReviewOverdue, "lasd"},
                                                      {tg::oversight::kGangNoCriteria, "jric"}}));
}

TEST(SimulationPlan, RefusesShortRunsSmallCountiesAndLowPaces) {
  EXPECT_FALSE(PlanSimulation(Inputs(1, 6)).ok());
  auto few = Inputs(1, 10);
  few.booking_ids.resize(10);
  EXPECT_FALSE(PlanSimulation(few).ok());
  auto slow = Inputs(1, 10);
  slow.events_per_day = 100;
  EXPECT_FALSE(PlanSimulation(slow).ok());
}

TEST(SimulationPlan, ScoreCountsMissesAndFalsePositivesPerDetector) {
  std::set<tg::oversight::TruthKey> truth = {{"a", "x"}, {"a", "y"}, {"b", "z"}};
  auto s = tg::oversight::ScoreFindings(truth, {{"a", "x"}, {"b", "w"}});
  EXPECT_EQ(s.overall.expected, 3);
  EXPECT_EQ(s.overall.found, 1);
  EXPECT_EQ(s.overall.false_positives, 1);
  EXPECT_DOUBLE_EQ(s.by_detector["a"].recall(), 0.5);
  EXPECT_DOUBLE_EQ(s.by_detector["b"].precision(), 0.0);
  EXPECT_EQ(s.missed.size(), 2u);
}

}  // namespace
