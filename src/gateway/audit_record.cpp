#include "gateway/audit_record.h"

#include <cstdio>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tg::gateway {

std::string AuditTime(records::TimeMs t) {
  int y, m, d;
  records::CivilFromTime(t, &y, &m, &d);
  int64_t ms_of_day = ((t % records::kMsPerDay) + records::kMsPerDay) % records::kMsPerDay;
  int hh = static_cast<int>(ms_of_day / records::kMsPerHour);
  int mm = static_cast<int>(ms_of_day / records::kMsPerMinute % 60);
  int ss = static_cast<int>(ms_of_day / 1000 % 60);
  int cs = static_cast<int>(ms_of_day % 1000 / 10);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%02dZ", y, m, d, hh, mm, ss, cs);
  return buf;
}

namespace {

// Whether `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool ValidUtf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { ++i; continue; }
    int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (len == 0 || c > 0xF4 || i + len > n) return false;
    unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))
      return false;
    for (int k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

// Writes records' canonical JSON directly (the per-request path), byte for byte what
// nlohmann's dump gives for valid UTF-8; anything else takes the nlohmann path below.
class CanonicalWriter {
 public:
  bool ok = true;
  std::string out;
  void Str(std::string_view s) {
    if (!ValidUtf8(s)) ok = false;
    out.push_back('"');
    for (char ch : s) {
      unsigned char c = static_cast<unsigned char>(ch);
      switch (ch) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out.push_back(ch);
          }
      }
    }
    out.push_back('"');
  }
  void Key(const char* k) {
    out.push_back('"');
    out += k;
    out += "\":";
  }
  void Field(const char* k, std::string_view v) { Key(k); Str(v); out.push_back(','); }
  void List(const std::vector<std::string>& v) {
    out.push_back('[');
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out.push_back(',');
      Str(v[i]);
    }
    out.push_back(']');
  }
};

}  // namespace

std::string AuditRecord::Canonical() const {
  // Keys in sorted order, as the nlohmann encoding below (the definition) gives them.
  CanonicalWriter w;
  w.out.reserve(512 + 160 * decisions.size());
  w.out.push_back('{');
  w.Field("agency", agency);
  w.Field("agency_kind", agency_kind);
  w.Key("authority");
  w.out += "{\"kind\":";
  w.Str(authority_kind);
  w.out += ",\"ref\":";
  w.Str(authority_ref);
  w.out += "},";
  w.Field("case", case_number);
  w.Field("channel", channel);
  w.Field("client_address", client_address);
  w.Field("client_cert", client_cert);
  w.Key("decisions");
  w.out.push_back('[');
  for (size_t i = 0; i < decisions.size(); ++i) {
    const auto& d = decisions[i];
    if (i) w.out.push_back(',');
    std::string_view category = d.action;
    if (category.rfind("read_", 0) == 0) category.remove_prefix(5);
    w.out.push_back('{');
    w.Field("action", d.action);
    w.Field("category", category);
    w.Field("decision", d.outcome);
    w.Key("determining_policies");
    w.List(d.policies);
    w.out.push_back(',');
    w.Key("erroring_policies");
    w.List(d.errors);
    w.out.push_back(',');
    w.Key("record_id");
    w.Str(d.record_id);
    w.out.push_back('}');
  }
  w.out += "],";
  w.Field("method", method);
  w.Field("outcome", outcome);
  w.Field("path", path);
  w.Field("principal", principal);
  w.Field("purpose", purpose);
  w.Field("query", query);
  w.Field("reason", reason);
  w.Field("recipient", recipient);
  w.Field("recipient_kind", recipient_kind);
  w.Key("record_ids");
  w.List(records);
  w.out.push_back(',');
  w.Key("released");
  w.out.push_back('[');
  static const std::vector<std::string> kNone;
  for (size_t i = 0; i < records.size(); ++i) {
    if (i) w.out.push_back(',');
    w.out += "{\"categories\":";
    w.List(i < released.size() ? released[i] : kNone);
    w.out += ",\"record_id\":";
    w.Str(records[i]);
    w.out.push_back('}');
  }
  w.out += "],";
  w.Key("status");
  w.out += std::to_string(status);
  w.out.push_back(',');
  w.Field("time", time);
  w.Field("token", token_id);
  w.Key("v");
  w.out += "1,";
  w.Key("workstation");
  w.Str(workstation);
  w.out.push_back('}');
  if (w.ok) return std::move(w.out);
  return CanonicalReference();
}

std::string AuditRecord::CanonicalReference() const {
  // nlohmann::json objects are std::map-ordered: keys come out sorted.
  nlohmann::json decisions_json = nlohmann::json::array();
  for (const auto& d : decisions) {
    std::string category = d.action.rfind("read_", 0) == 0 ? d.action.substr(5) : d.action;
    decisions_json.push_back({{"record_id", d.record_id}, {"action", d.action}, {"category", category},
                              {"decision", d.outcome}, {"determining_policies", d.policies},
                              {"erroring_policies", d.errors}});
  }
  nlohmann::json released_json = nlohmann::json::array();
  for (size_t i = 0; i < records.size(); ++i) {
    released_json.push_back({{"record_id", records[i]},
                             {"categories", i < released.size() ? released[i] : std::vector<std::string>{}}});
  }
  nlohmann::json j = {
      {"v", 1},
      {"time", time},
      {"principal", principal},
      {"agency", agency},
      {"agency_kind", agency_kind},
      {"workstation", workstation},
      {"token", token_id},
      {"client_address", client_address},
      {"client_cert", client_cert},
      {"method", method},
      {"path", path},
      {"query", query},
      {"purpose", purpose},
      {"case", case_number},
      {"authority", {{"kind", authority_kind}, {"ref", authority_ref}}},
      {"reason", reason},
      {"channel", channel},
      {"recipient", recipient},
      {"recipient_kind", recipient_kind},
      {"record_ids", records},
      {"released", released_json},
      {"decisions", decisions_json},
      {"status", status},
      {"outcome", outcome},
  };
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tg::gateway
