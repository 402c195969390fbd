// The hand-written canonical encoder of audit records must give, byte for byte, what the
// nlohmann::json definition gives: the log commits to these bytes.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "gateway/audit_record.h"
#include "oversight/audit_event.h"

namespace tg::gateway {
namespace {

// Encodes a code point as UTF-8.
void AppendUtf8(std::string& s, uint32_t cp) {
  if (cp < 0x80) {
    s.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Text as requests bring it: mostly valid UTF-8 (controls, quotes, backslashes, accents,
// CJK, emoji), sometimes arbitrary bytes.
rc::Gen<std::string> Text() {
  auto code_point = rc::gen::oneOf(rc::gen::inRange<uint32_t>(0, 0x80), rc::gen::element<uint32_t>('"', '\\', 0x7F),
                                   rc::gen::inRange<uint32_t>(0x80, 0x800), rc::gen::inRange<uint32_t>(0x800, 0xD800),
                                   rc::gen::inRange<uint32_t>(0xE000, 0x10000),
                                   rc::gen::inRange<uint32_t>(0x10000, 0x110000));
  auto valid = rc::gen::map(rc::gen::container<std::vector<uint32_t>>(code_point), [](const std::vector<uint32_t>& cps) {
    std::string s;
    for (uint32_t cp : cps) AppendUtf8(s, cp);
    return s;
  });
  return rc::gen::weightedOneOf<std::string>({{8, valid}, {1, rc::gen::string<std::string>()}});
}

AuditRecord RandomRecord() {
  AuditRecord r;
  for (std::string* f : {&r.time, &r.principal, &r.agency, &r.agency_kind, &r.workstation, &r.token_id,
                         &r.client_address, &r.client_cert, &r.method, &r.path, &r.query, &r.purpose, &r.case_number,
                         &r.authority_kind, &r.authority_ref, &r.reason, &r.channel, &r.recipient,
                         &r.recipient_kind, &r.outcome})
    *f = *Text();
  r.records = *rc::gen::container<std::vector<std::string>>(Text());
  r.released = *rc::gen::container<std::vector<std::vector<std::string>>>(
      rc::gen::container<std::vector<std::string>>(Text()));
  // Small pools besides free text, so that records and outcomes repeat and group.
  auto pooled = [](std::vector<std::string> pool) {
    return rc::gen::weightedOneOf<std::string>({{3, rc::gen::elementOf(pool)}, {1, Text()}});
  };
  auto pooled_list = [](std::vector<std::vector<std::string>> pool) {
    return rc::gen::weightedOneOf<std::vector<std::string>>(
        {{3, rc::gen::elementOf(pool)}, {1, rc::gen::container<std::vector<std::string>>(Text())}});
  };
  if (*rc::gen::inRange(0, 2) == 0) {
    r.records = *rc::gen::container<std::vector<std::string>>(pooled({"LASD-1", "LASD-2", "LASD-3"}));
    r.released = *rc::gen::container<std::vector<std::vector<std::string>>>(
        pooled_list({{}, {"identity"}, {"identity", "dob"}}));
  }
  int n = *rc::gen::inRange(0, 40);
  for (int i = 0; i < n; ++i) {
    AuditDecision d;
    d.record_id = *pooled({"LASD-1", "LASD-2", "LASD-3", ""});
    d.action = *pooled({"read_dob", "read_identity", "request_hold"});
    d.outcome = *pooled({"allow", "deny"});
    d.policies = *pooled_list({{}, {"p1"}, {"p1", "p2"}});
    d.errors = *pooled_list({{}, {"p3: bad"}});
    r.decisions.push_back(std::move(d));
  }
  r.status = *rc::gen::inRange(100, 600);
  return r;
}

RC_GTEST_PROP(AuditRecordCanonical, MatchesTheJsonDefinition, ()) {
  AuditRecord r = RandomRecord();
  RC_ASSERT(r.Canonical() == r.CanonicalReference());
}

TEST(AuditRecordCanonical, TypicalRecordParsesBackWithSortedKeys) {
  AuditRecord r;
  r.time = "2026-12-01T21:05:04.12Z";
  r.principal = "lasd-records-clerk";
  r.reason = "line\nbreak \"quoted\" \x01 caf\xC3\xA9";
  r.records = {"LASD-1", "LASD-2"};
  r.released = {{"identity", "custody"}};  // shorter than records: the second gets []
  r.decisions = {{"LASD-1", "read_dob", "deny", {"ca-values-act"}, {}}};
  r.status = 200;
  std::string text = r.Canonical();
  EXPECT_EQ(text, r.CanonicalReference());
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["reason"], r.reason);
  EXPECT_EQ(j["released"][1]["categories"], nlohmann::json::array());
  EXPECT_EQ(j["released"][1]["record_ids"], nlohmann::json::array({"LASD-2"}));
  EXPECT_EQ(j["decisions"][0]["outcomes"][0]["actions"][0], "read_dob");
  EXPECT_EQ(j["decisions"][0]["record_ids"][0], "LASD-1");
  EXPECT_EQ(j.dump(), text);  // re-dumping sorted keys changes nothing
}

// A list response: records whose decisions read alike share one entry, as do records
// released the same categories; past a few groups the encoder looks groups up by hash.
TEST(AuditRecordCanonical, ListsGroupRecordsThatReadAlike) {
  AuditRecord r;
  const std::vector<std::string> actions = {"read_identity", "read_dob", "read_address", "read_release"};
  for (int i = 0; i < 300; ++i) {
    std::string id = "LASD-" + std::to_string(i);
    // Records 0-19 each read differently (their own policy); the rest in three ways.
    std::string policy = i < 20 ? "own-" + std::to_string(i) : "p" + std::to_string(i % 3);
    for (const auto& a : actions)
      r.decisions.push_back({id, a, a == "read_dob" ? "deny" : "allow", {policy}, {}});
    r.records.push_back(id);
    r.released.push_back(i % 2 ? std::vector<std::string>{"identity"} : std::vector<std::string>{"identity", "release"});
  }
  std::string text = r.Canonical();
  ASSERT_EQ(text, r.CanonicalReference());
  auto j = nlohmann::json::parse(text);
  ASSERT_EQ(j["decisions"].size(), 23u);
  EXPECT_EQ(j["decisions"][0]["record_ids"], nlohmann::json::array({"LASD-0"}));
  EXPECT_EQ(j["decisions"][20]["record_ids"].size(), 94u);  // 20, 23, 26, ...
  EXPECT_EQ(j["decisions"][20]["record_ids"][0], "LASD-20");
  const auto& outcomes = j["decisions"][20]["outcomes"];
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0]["actions"], nlohmann::json::array({"read_identity", "read_address", "read_release"}));
  EXPECT_EQ(outcomes[1]["actions"], nlohmann::json::array({"read_dob"}));
  EXPECT_EQ(outcomes[1]["decision"], "deny");
  ASSERT_EQ(j["released"].size(), 2u);
  EXPECT_EQ(j["released"][0]["record_ids"].size(), 150u);
  EXPECT_EQ(j["released"][0]["categories"], nlohmann::json::array({"identity", "release"}));
  // Decisions that come out of record order still gather under their record.
  std::swap(r.decisions[0], r.decisions[r.decisions.size() - 1]);
  EXPECT_EQ(r.Canonical(), r.CanonicalReference());
}

// What the gateway writes, the oversight tools read back: one decision per record and
// action, and each returned record's categories.
TEST(AuditRecordCanonical, OversightReadsBackEveryDecision) {
  AuditRecord r;
  r.time = "2026-12-01T21:05:04.12Z";
  for (const char* id : {"B1", "B2", "B3"}) {
    r.decisions.push_back({id, "read_identity", "allow", {"p1"}, {}});
    r.decisions.push_back({id, "read_dob", id == std::string("B3") ? "allow" : "deny", {"p2"}, {}});
    r.records.push_back(id);
    r.released.push_back(id == std::string("B3") ? std::vector<std::string>{"identity", "dob"}
                                                 : std::vector<std::string>{"identity"});
  }
  auto e = oversight::ParseAuditEvent(r.Canonical(), 5);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  std::multiset<std::string> read;
  for (const auto& d : e->decisions) read.insert(d.category + "=" + d.decision);
  EXPECT_EQ(read, (std::multiset<std::string>{"identity=allow", "identity=allow", "identity=allow", "dob=deny",
                                              "dob=deny", "dob=allow"}));
  ASSERT_EQ(e->released.size(), 3u);
  std::map<std::string, std::vector<std::string>> released(e->released.begin(), e->released.end());
  EXPECT_EQ(released["B2"], std::vector<std::string>{"identity"});
  EXPECT_EQ(released["B3"], (std::vector<std::string>{"identity", "dob"}));
}

TEST(AuditRecordCanonical, InvalidUtf8IsReplacedAsTheDefinitionDoes) {
  AuditRecord r;
  r.reason = "bad \xC3\x28 and \xED\xA0\x80 surrogate";
  std::string text = r.Canonical();
  EXPECT_EQ(text, r.CanonicalReference());
  EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos);
}

// Every string of one and two bytes, and three- and four-byte strings from the bytes where
// UTF-8's rules change (lead ranges, overlong, surrogate and U+10FFFF limits, truncation):
// each must come out as the definition writes it, in a field and in a list.
TEST(AuditRecordCanonical, EveryShortByteStringMatchesTheDefinition) {
  const std::vector<unsigned char> edges = {0x00, 0x08, 0x1F, 0x20, 0x22, 0x5C, 0x7F, 0x80, 0x8F, 0x90,
                                            0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC,
                                            0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
  std::vector<std::string> cases;
  for (int a = 0; a < 256; ++a) {
    cases.push_back(std::string(1, static_cast<char>(a)));
    for (int b = 0; b < 256; ++b) cases.push_back({static_cast<char>(a), static_cast<char>(b)});
  }
  for (unsigned char a : edges)
    for (unsigned char b : edges)
      for (unsigned char c : edges) {
        cases.push_back({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
        for (unsigned char d : edges)
          if (a == 0xF0 || a == 0xF1 || a == 0xF4 || a == 0xF5)
            cases.push_back({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c), static_cast<char>(d)});
      }
  AuditRecord r;
  r.decisions = {{"LASD-1", "read_dob", "allow", {"p"}, {}}};
  size_t mismatches = 0;
  for (const auto& s : cases) {
    r.reason = "a" + s + "z";  // inside a run of plain text, and alone
    r.decisions[0].policies = {s};
    if (r.Canonical() != r.CanonicalReference() && ++mismatches <= 5) {
      ADD_FAILURE() << "differs for bytes " << testing::PrintToString(s);
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

// The escaper copies plain text eight bytes at a time: a byte that needs care must be seen
// at any place in such a word, and where a string's tail is shorter than a word.
TEST(AuditRecordCanonical, SpecialBytesAtEveryOffsetOfAWordMatchTheDefinition) {
  const std::vector<std::string> specials = {"\"", "\\", std::string(1, '\0'), "\x01", "\x1f", "\x7f", " ",
                                             "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC3", "\xFF",
                                             "\xED\xA0\x80"};
  AuditRecord r;
  size_t mismatches = 0;
  for (const auto& special : specials) {
    for (size_t before = 0; before <= 17; ++before) {
      for (size_t after : {0, 1, 7, 8, 9}) {
        r.reason = std::string(before, 'p') + special + std::string(after, 'q');
        if (r.Canonical() != r.CanonicalReference() && ++mismatches <= 5) {
          ADD_FAILURE() << "differs for " << testing::PrintToString(r.reason);
        }
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

// The format written out by hand from docs/audit-record.md, independent of any JSON library:
// a change to these bytes breaks the verification of every record already logged.
TEST(AuditRecordCanonical, MatchesTheDocumentedFormatWrittenByHand) {
  AuditRecord r;
  r.time = "2026-12-01T21:05:04.12Z";
  r.principal = "lasd-records-clerk";
  r.agency = "lasd";
  r.agency_kind = "sheriff";
  r.token_id = "tok_1";
  r.client_address = "127.0.0.1";
  r.method = "GET";
  r.path = "/v1/bookings/LASD-1";
  r.query = "a=\"b\"&c=\\";
  r.purpose = "booking_operations";
  r.authority_kind = "none";
  r.reason = std::string("tab\tnl\ncr\rbs\bff\f nul") + '\0' + "\x01\x1f\x7f caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80";
  r.channel = "api";
  r.recipient_kind = "sheriff";
  r.records = {"LASD-1", "LASD-2"};
  r.released = {{"identity", "dob"}};
  r.decisions = {{"LASD-1", "read_dob", "allow", {"p1", "p2"}, {}},
                 {"LASD-1", "read_address", "deny", {"p4"}, {}},
                 {"LASD-1", "read_identity", "allow", {"p1", "p2"}, {}},
                 {"LASD-2", "request_hold", "deny", {}, {"p3: bad"}}};
  r.status = 200;
  r.outcome = "released";
  const std::string expected =
      R"({"agency":"lasd","agency_kind":"sheriff","authority":{"kind":"none","ref":""},"case":"",)"
      R"("channel":"api","client_address":"127.0.0.1","client_cert":"","decisions":[)"
      R"({"outcomes":[{"actions":["read_dob","read_identity"],"decision":"allow","determining_policies":["p1","p2"],)"
      R"("erroring_policies":[]},{"actions":["read_address"],"decision":"deny","determining_policies":["p4"],)"
      R"("erroring_policies":[]}],"record_ids":["LASD-1"]},)"
      R"({"outcomes":[{"actions":["request_hold"],"decision":"deny","determining_policies":[],)"
      R"("erroring_policies":["p3: bad"]}],"record_ids":["LASD-2"]}],)"
      R"("method":"GET","outcome":"released","path":"/v1/bookings/LASD-1","principal":"lasd-records-clerk",)"
      R"("purpose":"booking_operations","query":"a=\"b\"&c=\\",)"
      R"("reason":"tab\tnl\ncr\rbs\bff\f nul\u0000\u0001\u001f)" "\x7f caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80"
      R"(","recipient":"","recipient_kind":"sheriff","record_ids":["LASD-1","LASD-2"],)"
      R"("released":[{"categories":["identity","dob"],"record_ids":["LASD-1"]},{"categories":[],"record_ids":["LASD-2"]}],)"
      R"("status":200,"time":"2026-12-01T21:05:04.12Z","token":"tok_1","v":2,"workstation":""})";
  EXPECT_EQ(r.Canonical(), expected);
  EXPECT_EQ(r.CanonicalReference(), expected);

  AuditRecord empty;  // every field present even when empty
  EXPECT_EQ(empty.Canonical(),
            R"({"agency":"","agency_kind":"","authority":{"kind":"","ref":""},"case":"","channel":"",)"
            R"("client_address":"","client_cert":"","decisions":[],"method":"","outcome":"","path":"",)"
            R"("principal":"","purpose":"","query":"","reason":"","recipient":"","recipient_kind":"",)"
            R"("record_ids":[],"released":[],"status":0,"time":"","token":"","v":2,"workstation":""})");
}

// Invalid UTF-8 becomes U+FFFD, one per maximal invalid prefix, as the definition does it.
TEST(AuditRecordCanonical, InvalidUtf8ReplacementWrittenByHand) {
  AuditRecord r;
  r.reason = "a\xC3(b\xED\xA0\x80" "c\xF4\x90\x80\x80" "d\xE6\x97";
  std::string text = r.Canonical();
  const std::string fffd = "\xEF\xBF\xBD";
  // C3 then '(': one; ED A0 80 (a surrogate): three; F4 90 80 80 (past U+10FFFF): four;
  // E6 97 cut off at the end: one.
  std::string want = "\"reason\":\"a" + fffd + "(b" + fffd + fffd + fffd + "c" + fffd + fffd + fffd + fffd + "d" +
                     fffd + "\"";
  EXPECT_NE(text.find(want), std::string::npos) << text;
}

}  // namespace
}  // namespace tg::gateway
