// The statistics reports over a small store with known requests and bookings.
#include "oversight/stats.h"

#include <gtest/gtest.h>

#include "oversight/report.h"
#include "oversight/detectors.h"

namespace tg::oversight {
namespace {

using records::TimeFromCivil;

class StatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = records::OpenSqliteStore(":memory:");
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    ASSERT_TRUE(store_->PutAgency({"lasd", "Sheriff", "sheriff", "CA", ""}).ok());
    ASSERT_TRUE(store_->PutAgency({"ice-ero-la", "ICE ERO", "immigration", "US", ""}).ok());
    ASSERT_TRUE(store_->PutAgency({"fbi-la", "FBI", "federal_law_enforcement", "US", ""}).ok());
    ASSERT_TRUE(store_->PutUser({"clerk", "Clerk", "lasd", {"records_clerk"}}).ok());
    ASSERT_TRUE(store_->PutUser({"ice", "Officer", "ice-ero-la", {"immigration_officer"}}).ok());
    for (int i = 1; i <= 3; ++i) {
      records::Person p;
      p.person_id = "P" + std::to_string(i);
      p.first_name = "Ana";
      p.last_name = "Secret" + std::to_string(i);
      p.dob = "1990-01-01";
      ASSERT_TRUE(store_->PutPerson(p).ok());
      records::Booking b;
      b.booking_id = "B" + std::to_string(i);
      b.person_id = p.person_id;
      b.name = p.first_name + " " + p.last_name;
      b.booked_at = TimeFromCivil(2026, 1, 1);
      b.arresting_agency = "lasd";
      b.bail = 5000 * i;
      b.custody_status = i == 1 ? "transferred" : "in_custody";
      if (i == 1) {
        b.released_at = TimeFromCivil(2026, 2, 3);
        b.release_type = "transfer";
      }
      b.charges = {{"12004", "PC 211", "ROBBERY", 'F', 2}, {"99999", "PC 647", "DISORDERLY", 'M', 0}};
      if (i == 3) b.charges = {{"88888", "VC 23152", "DUI", 'M', 0}};
      ASSERT_TRUE(store_->PutBooking(b).ok());
    }
    auto add = [&](const std::string& kind, const std::string& booking, const std::string& agency,
                   const std::string& authority, const std::string& outcome, records::TimeMs at) {
      records::AgencyRequest r;
      r.kind = kind;
      r.booking_id = booking;
      r.person_id = "P" + booking.substr(1);
      r.requesting_agency = agency;
      r.authority_kind = authority;
      r.authority_ref = "REF-" + booking;
      r.received_at = at;
      r.outcome = outcome;
      ASSERT_TRUE(store_->InsertAgencyRequest(r).ok());
    };
    add("transfer", "B1", "ice-ero-la", "judicial_warrant", "accepted", TimeFromCivil(2026, 2, 1));
    add("hold", "B2", "ice-ero-la", "detainer", "declined", TimeFromCivil(2026, 2, 10));
    add("notify", "B3", "ice-ero-la", "administrative_warrant", "declined", TimeFromCivil(2026, 5, 2));
    add("info", "B3", "fbi-la", "judicial_subpoena", "accepted", TimeFromCivil(2026, 5, 3));
    AuditEvent e;
    e.index = 0;
    e.time = TimeFromCivil(2026, 2, 5);
    e.principal = "ice";
    e.agency = "ice-ero-la";
    e.method = "GET";
    e.path = "/v1/bookings/B2";
    e.purpose = "civil_immigration";
    e.record_ids = {"B2"};
    e.decisions = {{"identity", "allow", {}, {}}, {"release", "deny", {}, {}}};
    e.status = 200;
    AuditEvent print = e;
    print.index = 1;
    print.principal = "clerk";
    print.agency = "lasd";
    print.channel = "print";
    print.recipient = "ice-ero-la";
    print.purpose = "booking_operations";
    print.decisions = {{"dob", "allow", {}, {}}};
    events_ = {e, print};
  }
  std::unique_ptr<records::Store> store_;
  std::vector<AuditEvent> events_;
  records::TimeMs year_ = TimeFromCivil(2026, 1, 1), next_year_ = TimeFromCivil(2027, 1, 1);
};

TEST_F(StatsTest, TruthActListsEveryIceAccessWithoutPersonalData) {
  MemoryAuditSource source(events_);
  auto t = TruthActReport(source, *store_, year_, next_year_);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  // Two gateway records (one direct, one passed on) and three requests from ICE.
  ASSERT_EQ(t->rows.size(), 5u);
  std::string csv = StatsCsv(*t);
  EXPECT_NE(csv.find("passed on by print"), std::string::npos);
  EXPECT_NE(csv.find(",identity,release,"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("Secret"), std::string::npos);  // no names
  EXPECT_EQ(csv.find("fbi-la"), std::string::npos);  // not an immigration agency
}

TEST_F(StatsTest, TransfersCountedByTheMostSeriousCharge) {
  auto t = TransfersByOffense(*store_, year_, next_year_);
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->rows[0][1], "PC 211");
  EXPECT_EQ(StatsJson(*t)["rows"][0]["count"], 1);
}

TEST_F(StatsTest, IllinoisReportHasNoPersonalData) {
  auto t = IllinoisReport(*store_, year_, next_year_);
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->rows.size(), 3u);
  EXPECT_EQ(t->rows[0][5], "transferred");
  EXPECT_EQ(t->rows[0][7], "ice-ero-la");
  EXPECT_EQ(t->rows[0][3], "5000");
  std::string text = StatsJson(*t).dump();
  for (const char* pii : {"Secret", "\"B1\"", "P1", "1990-01-01"}) {
    EXPECT_EQ(text.find(pii), std::string::npos) << pii;
  }
}

TEST_F(StatsTest, OregonCountsByMonthAndChicagoByQuarter) {
  MemoryAuditSource source(events_);
  auto o = OregonMonthlyReport(source, *store_, year_, next_year_);
  ASSERT_TRUE(o.ok());
  int february = 0;
  for (const auto& r : o->rows) {
    if (r[0] == "2026-02") february += std::stoi(r[5]);
  }
  EXPECT_EQ(february, 3);  // transfer, hold, and the gateway access refused in part
  auto c = ChicagoQuarterlyReport(*store_, year_, next_year_);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->rows.size(), 2u);  // the detainer and the administrative warrant
  EXPECT_EQ(c->rows[0][0], "2026-Q1");
  EXPECT_EQ(c->rows[0][4], "no");
  EXPECT_EQ(c->rows[1][0], "2026-Q2");
  EXPECT_EQ(MakeStatsReport("bogus", source, *store_, year_, next_year_).status().code(),
            Code::kInvalidArgument);
}

TEST_F(StatsTest, PeriodBoundsAreRespected) {
  auto t = IllinoisReport(*store_, TimeFromCivil(2026, 5, 1), next_year_);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->rows.size(), 1u);
}

TEST(StatsCsvTest, QuotesFieldsThatNeedIt) {
  StatsTable t;
  t.columns = {"a", "b"};
  t.rows = {{"x,y", "say \"hi\""}};
  EXPECT_EQ(StatsCsv(t), "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n");
}

TEST_F(StatsTest, HtmlReportHasASectionPerFindingAndChartsPerKind) {
  auto findings = RunDetectors(events_, *store_);
  ASSERT_TRUE(findings.ok());
  ASSERT_FALSE(findings->empty());
  auto html = ReportHtml(events_, *findings, *store_);
  ASSERT_TRUE(html.ok());
  for (size_t i = 1; i <= findings->size(); ++i) {
    EXPECT_NE(html->find("id=\"finding-" + std::to_string(i) + "\""), std::string::npos);
  }
  EXPECT_EQ(html->find("id=\"finding-" + std::to_string(findings->size() + 1) + "\""), std::string::npos);
  EXPECT_NE(html->find(">immigration</th>"), std::string::npos);
  EXPECT_NE(html->find(">sheriff</th>"), std::string::npos);
  EXPECT_EQ(HtmlEscape("<a href='x'>&\""), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
}

}  // namespace
}  // namespace tg::oversight
