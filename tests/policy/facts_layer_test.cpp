// A request's facts (principal, agency, recipient, workstation, declarations) are made into
// entities and a context once and kept (Decider::FactsLayer). Requests whose facts differ in
// any one field must not share them: each variant below, decided right after the base facts
// by a Decider that keeps layers, must get what a Decider that keeps nothing gives.
#include <gtest/gtest.h>

#include <functional>

#include "policy/decide.h"
#include "load_decider.h"

namespace tg::policy {
namespace {

using testing::LoadDecider;

using Rows = std::vector<std::vector<ActionDecision>>;

std::string Outcomes(const Rows& rows) {
  std::string out;
  for (const auto& row : rows)
    for (const auto& d : row) out += d.action + "=" + d.outcome + (d.errors.empty() ? "" : "!") + " ";
  return out;
}

TEST(FactsLayer, FactsDifferingInAnyOneFieldGetTheirOwnEntitiesAndContext) {
  const std::vector<std::string> packs = {"los-angeles-county", "los-angeles-city"};
  auto kept = LoadDecider(packs);
  auto fresh = LoadDecider(packs);
  ASSERT_TRUE(kept && fresh);
  fresh->SetCacheCapacity(0);

  const records::Agency lasd{"lasd", "Los Angeles County Sheriff's Department", "sheriff", "CA", ""};
  const records::Agency ice{"ice-ero-la", "ICE ERO Los Angeles", "immigration", "US", ""};
  RequestFacts base;
  base.agency = lasd;
  base.user = {"lasd-records-clerk", "Clerk", "lasd", {"records_clerk"}};
  base.purpose = "booking_operations";
  base.time = "2026-12-02T10:00:00.00Z";

  Subject booking;
  booking.type = "Booking";
  booking.id = "B1";
  booking.person_id = "P1";
  booking.agency = "lasd";
  booking.custody_status = "in_custody";
  std::vector<std::string> actions;
  for (const auto& c : DataCategories()) actions.push_back("read_" + c);
  actions.push_back("request_notify");
  actions.push_back("request_hold");

  const std::vector<std::pair<std::string, std::function<void(RequestFacts&)>>> variants = {
      {"agency kind", [&](RequestFacts& f) { f.agency = ice; f.user.agency_id = ice.id; }},
      {"agency name only", [](RequestFacts& f) { f.agency.name = "Another name"; }},
      {"user roles", [](RequestFacts& f) { f.user.roles = {"detective"}; }},
      {"user id", [](RequestFacts& f) { f.user.id = "someone-else"; }},
      {"purpose", [](RequestFacts& f) { f.purpose = "civil_immigration"; }},
      {"authority", [](RequestFacts& f) { f.authority_kind = "judicial_warrant"; f.authority_ref = "W-1"; }},
      {"authority ref", [](RequestFacts& f) { f.authority_kind = "judicial_warrant"; f.authority_ref = "W-2"; }},
      {"case", [](RequestFacts& f) { f.case_number = "CASE-9"; }},
      {"reason", [](RequestFacts& f) { f.reason = "intake"; }},
      {"channel", [](RequestFacts& f) { f.channel = "phone"; }},
      {"recipient", [&](RequestFacts& f) { f.recipient = ice; }},
      {"workstation", [](RequestFacts& f) { f.workstation = records::Workstation{"irc-outside-agency-desk", "IRC", "lasd"}; }},
      {"workstation owner", [](RequestFacts& f) { f.workstation = records::Workstation{"irc-outside-agency-desk", "IRC", "ice-ero-la"}; }},
      {"record count", [](RequestFacts& f) { f.record_count = 250; }},
      {"no time", [](RequestFacts& f) { f.time.clear(); }},
      {"another time", [](RequestFacts& f) { f.time = "2026-12-02T23:59:59.99Z"; }},
  };
  const Rows base_rows = kept->Decide(base, {booking}, actions, 0).value();
  int differing = 0;
  for (const auto& [name, change] : variants) {
    SCOPED_TRACE(name);
    RequestFacts f = base;
    change(f);
    ASSERT_TRUE(kept->Decide(base, {booking}, actions, 0).ok());  // the base's layer is the newest kept
    auto a = kept->Decide(f, {booking}, actions, 0);
    auto b = fresh->Decide(f, {booking}, actions, 0);
    ASSERT_EQ(a.ok(), b.ok());
    if (!a.ok()) continue;
    EXPECT_EQ(Outcomes(*a), Outcomes(*b));
    for (size_t j = 0; j < actions.size(); ++j) EXPECT_EQ((*a)[0][j].policies, (*b)[0][j].policies) << actions[j];
    if (Outcomes(*b) != Outcomes(base_rows)) ++differing;
  }
  // The check has teeth only if several variants change what is decided.
  EXPECT_GE(differing, 5);
}

}  // namespace
}  // namespace tg::policy
