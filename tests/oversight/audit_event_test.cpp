#include "oversight/audit_event.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace tg::oversight {
namespace {

// The shape gateway/audit_record.cpp writes (canonical: sorted keys, every field present).
const char* kGatewayRecord = R"({"agency":"ice-ero-la","agency_kind":"immigration",
 "authority":{"kind":"detainer","ref":"I-247A 2026-LA-1"},"case":"","channel":"api",
 "client_address":"127.0.0.1","client_cert":"/CN=ice-ero-system/O=ICE","decisions":[{"action":"read_dob","category":"dob",
 "decision":"deny","determining_policies":["ca-sb54-pii"],"erroring_policies":[],
 "record_id":"LASD-2026-0000001"},{"action":"read_identity","category":"identity",
 "decision":"allow","determining_policies":["baseline-identity"],"erroring_policies":[],
 "record_id":"LASD-2026-0000001"}],"method":"GET","outcome":"released",
 "path":"/v1/bookings/LASD-2026-0000001","principal":"ice-ero-officer","purpose":"civil_immigration",
 "query":"","reason":"status check","recipient":"","recipient_kind":"immigration",
 "record_ids":["LASD-2026-0000001"],"released":[{"categories":["identity"],
 "record_id":"LASD-2026-0000001"}],"status":200,"time":"2026-11-23T20:05:04.12Z",
 "token":"tok_0123456789abcdef","v":1,"workstation":"irc-outside-agency-desk","future_field":{"x":1}})";

TEST(AuditEventTest, ParsesTheGatewaysCanonicalRecord) {
  auto e = ParseAuditEvent(kGatewayRecord, 42);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->index, 42u);
  EXPECT_EQ(e->time, *records::ParseIso8601("2026-11-23T20:05:04.120Z"));
  EXPECT_EQ(e->principal, "ice-ero-officer");
  EXPECT_EQ(e->agency, "ice-ero-la");
  EXPECT_EQ(e->agency_kind, "immigration");
  EXPECT_EQ(e->workstation, "irc-outside-agency-desk");
  EXPECT_EQ(e->client_cert, "/CN=ice-ero-system/O=ICE");
  EXPECT_EQ(e->authority_kind, "detainer");
  EXPECT_EQ(e->authority_ref, "I-247A 2026-LA-1");
  EXPECT_EQ(e->purpose, "civil_immigration");
  EXPECT_EQ(e->record_ids, std::vector<std::string>{"LASD-2026-0000001"});
  ASSERT_EQ(e->decisions.size(), 2u);
  EXPECT_EQ(e->decisions[0].category, "dob");
  EXPECT_EQ(e->decisions[0].decision, "deny");
  EXPECT_EQ(e->decisions[0].determining_policies, std::vector<std::string>{"ca-sb54-pii"});
  EXPECT_TRUE(e->Released("identity"));
  EXPECT_FALSE(e->Released("dob"));
  EXPECT_TRUE(e->Touched("dob"));
  EXPECT_FALSE(e->Touched("address"));
  EXPECT_EQ(e->status, 200);
}

// Version 2 groups records that read alike; the parser gives one decision per record and
// action, as for version 1.
TEST(AuditEventTest, ParsesVersion2Groups) {
  auto e = ParseAuditEvent(R"({"time":"2026-11-23T20:05:04.12Z","v":2,
   "decisions":[{"outcomes":[{"actions":["read_identity","read_release"],"decision":"allow",
     "determining_policies":["baseline-identity"],"erroring_policies":[]},
     {"actions":["read_dob"],"decision":"deny","determining_policies":["ca-sb54-pii"],"erroring_policies":["x: y"]}],
     "record_ids":["B1","B2"]},
    {"outcomes":[{"actions":["request_hold"],"decision":"referred","determining_policies":[],"erroring_policies":[]}],
     "record_ids":["B3"]}],
   "record_ids":["B1","B2"],
   "released":[{"categories":["identity","release"],"record_ids":["B1","B2"]}]})", 3);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->decisions.size(), 7u);  // 3 actions for 2 records, 1 for 1
  EXPECT_EQ(e->decisions[0].category, "identity");
  EXPECT_EQ(e->decisions[1].category, "identity");
  EXPECT_EQ(e->decisions[2].category, "release");
  EXPECT_EQ(e->decisions[4].category, "dob");
  EXPECT_EQ(e->decisions[4].decision, "deny");
  EXPECT_EQ(e->decisions[4].erroring_policies, std::vector<std::string>{"x: y"});
  EXPECT_EQ(e->decisions[6].category, "request_hold");
  EXPECT_EQ(e->decisions[6].decision, "deny");  // anything but allow
  ASSERT_EQ(e->released.size(), 2u);
  EXPECT_EQ(e->released[1].first, "B2");
  EXPECT_EQ(e->released[1].second, (std::vector<std::string>{"identity", "release"}));
  EXPECT_TRUE(e->Released("release"));
  EXPECT_FALSE(e->Released("dob"));

  auto bad = ParseAuditEvent(R"({"time":"2026-11-23T20:05:04.12Z","decisions":[{"outcomes":[{"decision":"allow"}]}]})", 4);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("actions"), std::string::npos) << bad.status().ToString();
}

TEST(AuditEventTest, IndexInTheRecordWins) {
  auto e = ParseAuditEvent(R"({"index": 7, "time": "2026-01-01T00:00:00Z"})", 9);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->index, 7u);
  EXPECT_EQ(e->channel, "api");
  EXPECT_EQ(e->client_cert, "");  // records from before the field, or without a certificate
}

TEST(AuditEventTest, AcceptsReleasedAsAnObjectAndParallelLists) {
  auto a = ParseAuditEvent(
      R"({"index":1,"time":"2026-01-01T00:00:00Z","released":{"B1":["release","dob"]}})");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->Released("release"));
  EXPECT_EQ(a->record_ids, std::vector<std::string>{"B1"});
  auto b = ParseAuditEvent(
      R"({"index":1,"time":"2026-01-01T00:00:00Z","record_ids":["B1","B2"],"released":[["dob"],["address"]]})");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(b->released.size(), 2u);
  EXPECT_EQ(b->released[1].first, "B2");
  EXPECT_TRUE(b->Released("address"));
}

TEST(AuditEventTest, RejectsBadInputWithTheFieldNamed) {
  EXPECT_EQ(ParseAuditEvent("not json").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseAuditEvent("[1,2]").status().code(), Code::kInvalidArgument);
  auto no_index = ParseAuditEvent(R"({"time":"2026-01-01T00:00:00Z"})");
  ASSERT_FALSE(no_index.ok());
  EXPECT_NE(no_index.status().message().find("index"), std::string::npos);
  auto no_time = ParseAuditEvent(R"({"index":1})");
  ASSERT_FALSE(no_time.ok());
  EXPECT_NE(no_time.status().message().find("time"), std::string::npos);
  auto bad_time = ParseAuditEvent(R"({"index":1,"time":"yesterday"})");
  EXPECT_FALSE(bad_time.ok());
  auto bad_reason = ParseAuditEvent(R"({"index":1,"time":"2026-01-01T00:00:00Z","reason":[1]})");
  ASSERT_FALSE(bad_reason.ok());
  EXPECT_NE(bad_reason.status().message().find("reason"), std::string::npos);
  auto negative = ParseAuditEvent(R"({"index":-1,"time":"2026-01-01T00:00:00Z"})");
  EXPECT_FALSE(negative.ok());
}

TEST(AuditEventTest, MemorySourceFiltersByIndexAndTime) {
  std::vector<AuditEvent> events(5);
  for (int i = 0; i < 5; ++i) {
    events[i].index = 4 - i;  // given out of order
    events[i].time = (4 - i) * 1000;
  }
  MemoryAuditSource source(events);
  AuditQuery q;
  q.from_index = 1;
  q.to_time = 4000;
  auto got = CollectEvents(source, q);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].index, 1u);
  EXPECT_EQ((*got)[2].index, 3u);
  int seen = 0;
  ASSERT_TRUE(source.ForEach({}, [&](const AuditEvent&) { return ++seen < 2; }).ok());
  EXPECT_EQ(seen, 2);
}

TEST(AuditEventTest, JsonLinesNameTheBadLine) {
  std::string path = ::testing::TempDir() + "/oversight-events.jsonl";
  {
    std::ofstream out(path);
    out << R"({"index":0,"time":"2026-01-01T00:00:00Z"})" << "\n\n";
    out << R"({"index":1,"time":"2026-01-01T00:00:01Z"})" << "\n";
    out << R"({"index":2})" << "\n";
  }
  auto r = ReadAuditJsonLines(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(":4:"), std::string::npos) << r.status().message();
  EXPECT_EQ(ReadAuditJsonLines(path + ".missing").status().code(), Code::kNotFound);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace tg::oversight
