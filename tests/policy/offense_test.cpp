// Offense qualification over real statutes and the real DOJ offense code table.
#include "policy/offense.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace tg::policy {
namespace {

using records::TimeFromCivil;

const OffenseCodeTable& Table() {
  static const OffenseCodeTable* table = [] {
    auto t = OffenseCodeTable::Load(std::string(TG_SHARED_DIR) + "/data/ca-offense-codes.csv");
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return new OffenseCodeTable(std::move(t).value());
  }();
  return *table;
}

const records::TimeMs kNow = TimeFromCivil(2025, 6, 15) + 10 * records::kMsPerHour;

OffenseRecord Rec(std::string id, std::string statute, char level, records::TimeMs date) {
  OffenseRecord r;
  r.id = std::move(id);
  r.statute = std::move(statute);
  r.level = level;
  r.date = date;
  return r;
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Qualification Q(const OffenseFacts& f) {
  auto q = Qualify(f, &Table(), kNow);
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  return q.ok() ? *q : Qualification{};
}

TEST(OffenseCodeTable, LoadsTheDojTable) {
  EXPECT_GT(Table().size(), 5000u);
  const OffenseCode* robbery = Table().Find("12004");
  ASSERT_NE(robbery, nullptr);
  EXPECT_EQ(robbery->statute.ToString(), "PC 211");
  EXPECT_EQ(robbery->level, 'F');
  // PC 245(a)(1) has felony and misdemeanor codes; PC 187 is a straight felony.
  EXPECT_TRUE(Table().IsWobbler(*ParseStatute("PC 245(a)(1)")));
  EXPECT_FALSE(Table().IsWobbler(*ParseStatute("PC 187")));
}

TEST(OffenseCodeTable, MissingFileIsAnError) {
  auto t = OffenseCodeTable::Load("/nonexistent/offense-codes.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("/nonexistent/offense-codes.csv"), std::string::npos);
}

TEST(Statute, Parses) {
  EXPECT_EQ(ParseStatute("pc 245(a)(1)")->ToString(), "PC 245(A)(1)");
  EXPECT_EQ(ParseStatute("PC 245(a)(1)")->base, "245");
  EXPECT_EQ(ParseStatute("PC 664/187")->underlying, "187");
  EXPECT_EQ(ParseStatute("18 Pa.C.S. 3701(a)(1)")->type, "PA");
  EXPECT_EQ(ParseStatute("N.J.S.A. 2C:15-1")->section, "2C:15-1");
  EXPECT_FALSE(ParseStatute("").ok());
  EXPECT_FALSE(ParseStatute("robbery").ok());
}

TEST(Qualify, RobberyIsSeriousViolentAndFamilyF) {
  OffenseFacts f;
  f.convictions.push_back(Rec("c1", "PC 211", 'F', TimeFromCivil(2019, 4, 2)));
  Qualification q = Q(f);
  EXPECT_TRUE(q.qualifies_ca_7282_5());
  auto cats = q.ca_7282_5_categories();
  EXPECT_TRUE(Has(cats, "ca_serious_violent_felony"));
  EXPECT_TRUE(Has(cats, "ca_family_F"));
  EXPECT_FALSE(Has(cats, "ca_state_prison_felony"));  // the sentence was not given
  for (const auto& finding : q.ca_7282_5) EXPECT_EQ(finding.record_id, "c1");
}

TEST(Qualify, OldMurderStillQualifiesWithoutLookBack) {
  OffenseFacts f;
  OffenseRecord r = Rec("c1", "PC 187", 'F', TimeFromCivil(1985, 1, 10));
  r.state_prison = true;
  f.convictions.push_back(r);
  Qualification q = Q(f);
  auto cats = q.ca_7282_5_categories();
  EXPECT_TRUE(Has(cats, "ca_serious_violent_felony"));
  EXPECT_TRUE(Has(cats, "ca_state_prison_felony"));
  // Forty years ago: outside the 15-year window of the families.
  EXPECT_FALSE(Has(cats, "ca_family_Q"));
}

TEST(Qualify, AttemptedMurderIsSeriousAndFamilyP) {
  OffenseFacts f;
  f.convictions.push_back(Rec("c1", "PC 664/187", 'F', TimeFromCivil(2020, 1, 1)));
  auto cats = Q(f).ca_7282_5_categories();
  EXPECT_TRUE(Has(cats, "ca_serious_violent_felony"));
  EXPECT_TRUE(Has(cats, "ca_family_P"));
}

TEST(Qualify, AttemptedAssaultIsNotSeriousButStillFamilyA) {
  OffenseFacts f;
  f.convictions.push_back(Rec("c1", "PC 664/245(a)(2)", 'F', TimeFromCivil(2021, 1, 1)));
  auto cats = Q(f).ca_7282_5_categories();
  EXPECT_FALSE(Has(cats, "ca_serious_violent_felony"));
  EXPECT_TRUE(Has(cats, "ca_family_A"));
  EXPECT_TRUE(Has(cats, "ca_family_P"));
}

TEST(Qualify, Prop47ShopliftingNeverQualifies) {
  OffenseFacts f;
  // Shoplifting (PC 459.5) and receiving stolen property reduced under Prop 47, last year.
  f.convictions.push_back(Rec("c1", "PC 459.5", 'M', TimeFromCivil(2024, 8, 1)));
  f.convictions.push_back(Rec("c2", "PC 496(a)", 'M', TimeFromCivil(2024, 9, 1)));
  Qualification q = Q(f);
  EXPECT_FALSE(q.qualifies_ca_7282_5());
  // PC 496 is a wobbler in family (F): it would have counted, and the explanation says why not.
  ASSERT_EQ(q.ca_prop47_excluded.size(), 1u);
  EXPECT_EQ(q.ca_prop47_excluded[0].record_id, "c2");
  EXPECT_NE(q.ExplainLines().back().find("Proposition 47"), std::string::npos);
}

TEST(Qualify, WobblerMisdemeanorFiveYearWindowEdges) {
  // Misdemeanor assault with a deadly weapon, PC 245(a)(1), a wobbler in family (A).
  // Five years before 2025-06-15 is 2020-06-15: that day is inside, the day before is not.
  OffenseFacts inside;
  inside.convictions.push_back(Rec("c1", "PC 245(a)(1)", 'M', TimeFromCivil(2020, 6, 15)));
  EXPECT_TRUE(Has(Q(inside).ca_7282_5_categories(), "ca_family_A"));
  OffenseFacts outside;
  outside.convictions.push_back(Rec("c1", "PC 245(a)(1)", 'M', TimeFromCivil(2020, 6, 14)));
  EXPECT_FALSE(Q(outside).qualifies_ca_7282_5());
}

TEST(Qualify, FelonyFifteenYearWindowEdges) {
  // Felony grand theft, PC 487: family (F) only, not serious.
  OffenseFacts inside;
  inside.convictions.push_back(Rec("c1", "PC 487(a)", 'F', TimeFromCivil(2010, 6, 15)));
  EXPECT_EQ(Q(inside).ca_7282_5_categories(), std::vector<std::string>{"ca_family_F"});
  OffenseFacts outside;
  outside.convictions.push_back(Rec("c1", "PC 487(a)", 'F', TimeFromCivil(2010, 6, 14)));
  EXPECT_FALSE(Q(outside).qualifies_ca_7282_5());
}

TEST(Qualify, StraightMisdemeanorDoesNotQualify) {
  // Simple battery, PC 243(a): a straight misdemeanor, not a wobbler.
  OffenseFacts f;
  f.convictions.push_back(Rec("c1", "PC 243(a)", 'M', TimeFromCivil(2024, 1, 1)));
  EXPECT_FALSE(Q(f).qualifies_ca_7282_5());
}

TEST(Qualify, MisdemeanorDuiIsNotFamilyG) {
  OffenseFacts f;
  f.convictions.push_back(Rec("c1", "VC 23152(a)", 'M', TimeFromCivil(2024, 1, 1)));
  EXPECT_FALSE(Has(Q(f).ca_7282_5_categories(), "ca_family_G"));
}

TEST(Qualify, ResolvesOffenseCodeFromTable) {
  OffenseFacts f;
  OffenseRecord r;
  r.id = "c1";
  r.code = "12004";  // ROBBERY, PC 211
  r.level = 'F';
  r.date = TimeFromCivil(2022, 3, 3);
  f.convictions.push_back(r);
  Qualification q = Q(f);
  ASSERT_TRUE(q.qualifies_ca_7282_5());
  EXPECT_EQ(q.ca_7282_5[0].statute, "PC 211");
}

TEST(Qualify, UnknownCodeIsAnErrorNotASkip) {
  OffenseFacts f;
  OffenseRecord r;
  r.id = "c9";
  r.code = "00000-not-a-code";
  f.convictions.push_back(r);
  auto q = Qualify(f, &Table(), kNow);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("c9"), std::string::npos);
}

TEST(Qualify, RegistrantAndFederalCategories) {
  OffenseFacts f;
  f.sex_registrant = true;
  OffenseRecord fed = Rec("c1", "USC 1326", 'F', TimeFromCivil(2001, 1, 1));
  fed.federal_aggravated_felony = true;
  f.convictions.push_back(fed);
  auto cats = Q(f).ca_7282_5_categories();
  EXPECT_TRUE(Has(cats, "ca_registrant"));
  EXPECT_TRUE(Has(cats, "ca_aggravated_felony"));
}

TEST(Qualify, PhiladelphiaViolentFirstOrSecondDegreeFelony) {
  OffenseFacts f;
  OffenseRecord robbery = Rec("c1", "18 Pa.C.S. 3701(a)(1)", 'F', TimeFromCivil(2015, 1, 1));
  robbery.degree = 1;
  f.convictions.push_back(robbery);
  EXPECT_EQ(Q(f).ph_violent_felony.size(), 1u);

  OffenseFacts third;  // a third-degree felony does not count
  robbery.degree = 3;
  third.convictions.push_back(robbery);
  EXPECT_TRUE(Q(third).ph_violent_felony.empty());

  OffenseFacts theft;  // a non-violent first-degree felony does not count
  OffenseRecord t = Rec("c2", "18 Pa.C.S. 3921", 'F', TimeFromCivil(2015, 1, 1));
  t.degree = 1;
  theft.convictions.push_back(t);
  EXPECT_TRUE(Q(theft).ph_violent_felony.empty());
}

TEST(Qualify, NewJerseySeriousAndFiveYearIndictable) {
  OffenseFacts serious;
  serious.convictions.push_back(Rec("c1", "N.J.S.A. 2C:15-1", 'F', TimeFromCivil(1999, 1, 1)));
  Qualification q = Q(serious);
  EXPECT_EQ(q.nj_violent_or_serious.size(), 1u);
  EXPECT_TRUE(q.nj_indictable_within_5y.empty());

  OffenseFacts recent;  // third-degree theft 2C:20-3, indictable, exactly five years ago
  OffenseRecord r = Rec("c2", "N.J.S.A. 2C:20-3", 'F', TimeFromCivil(2020, 6, 15));
  r.degree = 3;
  recent.convictions.push_back(r);
  Qualification q2 = Q(recent);
  EXPECT_TRUE(q2.nj_violent_or_serious.empty());
  EXPECT_EQ(q2.nj_indictable_within_5y.size(), 1u);

  OffenseFacts charged;  // currently charged with aggravated assault
  charged.pending_charges.push_back(Rec("charge 1", "N.J.S.A. 2C:12-1", 'F', kNow));
  EXPECT_EQ(Q(charged).nj_violent_or_serious.size(), 1u);
}

TEST(Qualify, AttributesForThePersonEntity) {
  OffenseFacts f;
  f.convictions.push_back(Rec("c1", "PC 211", 'F', TimeFromCivil(2019, 4, 2)));
  nlohmann::json a = QualificationAttributes(Q(f));
  EXPECT_EQ(a["qualifies_ca_7282_5"], true);
  EXPECT_EQ(a["ca_7282_5_categories"],
            nlohmann::json({"ca_family_F", "ca_serious_violent_felony"}));
  EXPECT_EQ(a["ph_violent_felony_1_2"], false);
}

TEST(Qualify, FromRecordsConviction) {
  records::Conviction c;
  c.id = 7;
  c.statute = "HS 11350(a)";
  c.level = 'M';
  c.convicted_at = TimeFromCivil(2023, 1, 1);
  c.sentence = "county jail 90 days";
  OffenseRecord r = FromConviction(c);
  EXPECT_TRUE(r.prop47_reduced);
  EXPECT_FALSE(r.state_prison);
  c.statute = "PC 211";
  c.level = 'F';
  c.sentence = "State prison 3 years";
  r = FromConviction(c);
  EXPECT_FALSE(r.prop47_reduced);
  EXPECT_TRUE(r.state_prison);
  EXPECT_EQ(r.id, "conviction 7");
}

}  // namespace
}  // namespace tg::policy
