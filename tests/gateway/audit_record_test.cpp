// The hand-written canonical encoder of audit records must give, byte for byte, what the
// nlohmann::json definition gives: the log commits to these bytes.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/audit_record.h"

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
  int n = *rc::gen::inRange(0, 5);
  for (int i = 0; i < n; ++i) {
    AuditDecision d;
    d.record_id = *Text();
    d.action = *rc::gen::weightedOneOf<std::string>({{2, rc::gen::just(std::string("read_dob"))}, {1, Text()}});
    d.outcome = *Text();
    d.policies = *rc::gen::container<std::vector<std::string>>(Text());
    d.errors = *rc::gen::container<std::vector<std::string>>(Text());
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
  EXPECT_EQ(j["decisions"][0]["category"], "dob");
  EXPECT_EQ(j.dump(), text);  // re-dumping sorted keys changes nothing
}

TEST(AuditRecordCanonical, InvalidUtf8IsReplacedAsTheDefinitionDoes) {
  AuditRecord r;
  r.reason = "bad \xC3\x28 and \xED\xA0\x80 surrogate";
  std::string text = r.Canonical();
  EXPECT_EQ(text, r.CanonicalReference());
  EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos);
}

}  // namespace
}  // namespace tg::gateway
