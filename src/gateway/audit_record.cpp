#include "gateway/audit_record.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tg::gateway {

std::string AuditTime(records::TimeMs t) { return records::FormatUtc(t, 2); }

namespace {

// Length of the well-formed UTF-8 sequence at p (lead byte >= 0x80), or 0 when it is not one
// (overlong, surrogate, past U+10FFFF, truncated): the sequences nlohmann's decoder accepts.
size_t Utf8Sequence(const unsigned char* p, const unsigned char* end) {
  unsigned char c = p[0];
  size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (len == 0 || c > 0xF4 || static_cast<size_t>(end - p) < len) return 0;
  unsigned char c1 = p[1];
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))
    return 0;
  for (size_t k = 1; k < len; ++k)
    if ((p[k] & 0xC0) != 0x80) return 0;
  return len;
}

// Printable ASCII other than '"' and '\\': copied as is, in runs.
constexpr auto kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
  return t;
}();

// Whether any of the 8 bytes in `w` needs more than copying: below 0x20, '"', '\\', or
// 0x80 and up (UTF-8 to check). Exact for "none"; the byte loop sorts out which.
inline bool AnySpecialByte(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  uint64_t below_space = (w - 0x20 * kOnes) & ~w & kHigh;
  return ((w & kHigh) | below_space | has_zero(w ^ ('"' * kOnes)) | has_zero(w ^ ('\\' * kOnes))) != 0;
}

}  // namespace

bool AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  auto raw = [&out](std::string_view t) { out.append(t); };
  bool ok = true;
  out.push_back('"');
  auto* p = reinterpret_cast<const unsigned char*>(s.data());
  auto* end = p + s.size();
  auto* run = p;
  while (p < end) {
    // Plain text a word at a time (most of a record is ids, names and policy ids).
    if (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if (!AnySpecialByte(w)) {
        p += 8;
        continue;
      }
    }
    unsigned char c = *p;
    if (kPlain[c]) { ++p; continue; }
    if (c >= 0x80) {
      size_t len = Utf8Sequence(p, end);
      if (len == 0) { ok = false; len = 1; }
      p += len;
      continue;
    }
    out.append(reinterpret_cast<const char*>(run), p - run);
    switch (c) {
      case '"': raw("\\\""); break;
      case '\\': raw("\\\\"); break;
      case '\b': raw("\\b"); break;
      case '\f': raw("\\f"); break;
      case '\n': raw("\\n"); break;
      case '\r': raw("\\r"); break;
      case '\t': raw("\\t"); break;
      default: {
        char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(u, sizeof u);
      }
    }
    run = ++p;
  }
  out.append(reinterpret_cast<const char*>(run), p - run);
  out.push_back('"');
  return ok;
}

namespace {

// Writes records' canonical JSON directly (the per-request path), byte for byte what
// nlohmann's dump gives for valid UTF-8; anything else takes the nlohmann path below.
class CanonicalWriter {
 public:
  bool ok = true;  // false once a string is not valid UTF-8: `out` is then to be discarded
  std::string out;

  template <size_t N>
  void Raw(const char (&s)[N]) { out.append(s, N - 1); }

  void Str(std::string_view s) { ok &= AppendJsonString(out, s); }
  void List(const std::vector<std::string>& v) {
    out.push_back('[');
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out.push_back(',');
      Str(v[i]);
    }
    out.push_back(']');
  }
};

size_t ListSize(const std::vector<std::string>& v) {
  size_t n = 2;
  for (const auto& s : v) n += s.size() + 3;
  return n;
}

// The text's length when nothing needs escaping: reserved once, so the writer rarely grows.
size_t PlainSize(const AuditRecord& r) {
  size_t n = 400;  // keys, punctuation, status
  for (const std::string* f : {&r.time, &r.principal, &r.agency, &r.agency_kind, &r.workstation, &r.token_id,
                               &r.client_address, &r.client_cert, &r.method, &r.path, &r.query, &r.purpose,
                               &r.case_number, &r.authority_kind, &r.authority_ref, &r.reason, &r.channel,
                               &r.recipient, &r.recipient_kind, &r.outcome})
    n += f->size();
  for (const auto& d : r.decisions)
    n += 130 + 2 * d.action.size() + d.outcome.size() + d.record_id.size() + ListSize(d.policies) +
         ListSize(d.errors);
  n += ListSize(r.records);
  for (size_t i = 0; i < r.records.size(); ++i)
    n += 32 + r.records[i].size() + (i < r.released.size() ? ListSize(r.released[i]) : 2);
  return n;
}

}  // namespace

std::string AuditRecord::Canonical() const {
  // Keys in sorted order, as the nlohmann encoding below (the definition) gives them.
  CanonicalWriter w;
  w.out.reserve(PlainSize(*this));
  w.Raw("{\"agency\":");
  w.Str(agency);
  w.Raw(",\"agency_kind\":");
  w.Str(agency_kind);
  w.Raw(",\"authority\":{\"kind\":");
  w.Str(authority_kind);
  w.Raw(",\"ref\":");
  w.Str(authority_ref);
  w.Raw("},\"case\":");
  w.Str(case_number);
  w.Raw(",\"channel\":");
  w.Str(channel);
  w.Raw(",\"client_address\":");
  w.Str(client_address);
  w.Raw(",\"client_cert\":");
  w.Str(client_cert);
  w.Raw(",\"decisions\":[");
  for (size_t i = 0; i < decisions.size(); ++i) {
    const auto& d = decisions[i];
    if (i) w.out.push_back(',');
    std::string_view category = d.action;
    if (category.rfind("read_", 0) == 0) category.remove_prefix(5);
    w.Raw("{\"action\":");
    w.Str(d.action);
    w.Raw(",\"category\":");
    w.Str(category);
    w.Raw(",\"decision\":");
    w.Str(d.outcome);
    w.Raw(",\"determining_policies\":");
    w.List(d.policies);
    w.Raw(",\"erroring_policies\":");
    w.List(d.errors);
    w.Raw(",\"record_id\":");
    w.Str(d.record_id);
    w.out.push_back('}');
  }
  w.Raw("],\"method\":");
  w.Str(method);
  w.Raw(",\"outcome\":");
  w.Str(outcome);
  w.Raw(",\"path\":");
  w.Str(path);
  w.Raw(",\"principal\":");
  w.Str(principal);
  w.Raw(",\"purpose\":");
  w.Str(purpose);
  w.Raw(",\"query\":");
  w.Str(query);
  w.Raw(",\"reason\":");
  w.Str(reason);
  w.Raw(",\"recipient\":");
  w.Str(recipient);
  w.Raw(",\"recipient_kind\":");
  w.Str(recipient_kind);
  w.Raw(",\"record_ids\":");
  w.List(records);
  w.Raw(",\"released\":[");
  static const std::vector<std::string> kNone;
  for (size_t i = 0; i < records.size(); ++i) {
    if (i) w.out.push_back(',');
    w.Raw("{\"categories\":");
    w.List(i < released.size() ? released[i] : kNone);
    w.Raw(",\"record_id\":");
    w.Str(records[i]);
    w.out.push_back('}');
  }
  w.Raw("],\"status\":");
  char num[16];
  w.out.append(num, std::to_chars(num, num + sizeof num, status).ptr);
  w.Raw(",\"time\":");
  w.Str(time);
  w.Raw(",\"token\":");
  w.Str(token_id);
  w.Raw(",\"v\":1,\"workstation\":");
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
