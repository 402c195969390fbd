// The Decider over the baseline pack: per-category decisions with the determining policy,
// shared across several records of one request.
#include "policy/decide.h"

#include <gtest/gtest.h>

namespace tg::policy {
namespace {

std::unique_ptr<Decider> Baseline() {
  auto d = Decider::Load(std::string(TG_SOURCE_DIR) + "/policies", {"baseline"}, "", "");
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return std::move(d.value());
}

RequestFacts Facts(const std::string& user, const std::string& agency, const std::string& kind,
                   const std::string& purpose) {
  RequestFacts f;
  f.user = {user, user, agency, {}};
  f.agency = {agency, agency, kind, "CA", ""};
  f.purpose = purpose;
  return f;
}

Subject BookingOf(const std::string& id) {
  Subject s;
  s.type = "Booking";
  s.id = id;
  s.agency = "lasd";
  s.person_id = "P-" + id;
  s.custody_status = "in_custody";
  return s;
}

TEST(Decider, JailStaffReadBookingOperationsFieldsOfTheirOwnJail) {
  auto d = Baseline();
  auto r = d->Decide(Facts("clerk", "lasd", "sheriff", "booking_operations"), {BookingOf("B1"), BookingOf("B2")},
                     {"read_dob", "read_release", "read_immigration_status"}, 0);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  for (const auto& row : *r) {
    EXPECT_TRUE(row[0].allowed());
    EXPECT_EQ(row[0].policies, std::vector<std::string>{"base-booking-operations"});
    EXPECT_TRUE(row[1].allowed());
    EXPECT_FALSE(row[2].allowed());  // no policy permits it: default deny
    EXPECT_TRUE(row[2].policies.empty());
  }
}

TEST(Decider, ImmigrationRecipientsGetNoProtectedCategory) {
  auto d = Baseline();
  auto f = Facts("ice", "ice-ero", "immigration", "criminal_investigation");
  f.case_number = "HSI-1";  // a case number does not lift the immigration forbid
  auto r = d->Decide(f, {BookingOf("B1")}, {"read_dob", "read_release", "read_identity", "request_notify"}, 0);
  ASSERT_TRUE(r.ok());
  const auto& row = (*r)[0];
  for (int i : {0, 1, 3}) {
    EXPECT_EQ(row[i].outcome, "deny") << row[i].action;
    EXPECT_EQ(row[i].policies, std::vector<std::string>{"base-no-protected-to-immigration"});
  }
  EXPECT_TRUE(row[2].allowed());
  auto e = d->Explain("base-no-protected-to-immigration");
  EXPECT_NE(e.citation.find("7284.6"), std::string::npos);
  EXPECT_FALSE(e.explain.empty());
}

TEST(Decider, LocalStaffPassingDataToImmigrationIsRefused) {
  auto d = Baseline();
  auto f = Facts("clerk", "lasd", "sheriff", "booking_operations");
  f.recipient = records::Agency{"ice-ero", "ICE ERO", "immigration", "US", ""};
  f.channel = "print";
  auto r = d->Decide(f, {BookingOf("B1")}, {"read_dob", "read_release"}, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)[0][0].allowed());
  EXPECT_FALSE((*r)[0][1].allowed());
}

TEST(Decider, UnknownPackIsAnError) {
  auto d = Decider::Load(std::string(TG_SOURCE_DIR) + "/policies", {"no-such-pack"}, "", "");
  EXPECT_FALSE(d.ok());
}

}  // namespace
}  // namespace tg::policy
