#include "gateway/audit_record.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <unordered_map>

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
    // Version 2 lists each action once and shares the rest, usually among several actions.
    n += d.action.size() + 3 + (80 + d.outcome.size() + d.record_id.size() + ListSize(d.policies) + ListSize(d.errors)) / 2;
  n += ListSize(r.records);
  for (size_t i = 0; i < r.records.size(); ++i)
    n += 32 + r.records[i].size() + (i < r.released.size() ? ListSize(r.released[i]) : 2);
  return n;
}

// Finds the group `key` belongs to among `n` groups (`same(k)`: whether group k is it), or
// n when none: a scan while there are few groups, a hash lookup once there are many (a
// long list of records that all read differently must not cost its square).
class GroupIndex {
 public:
  template <class Same>
  size_t Find(size_t n, size_t hash, Same same) {
    if (n <= kScan) {
      for (size_t k = n; k-- > 0;)
        if (same(k)) return k;
      return n;
    }
    auto [lo, hi] = by_hash_.equal_range(hash);
    for (auto it = lo; it != hi; ++it)
      if (same(it->second)) return it->second;
    return n;
  }
  // Group n was added with `hash`; `hash_of(k)` rehashes earlier ones on switching to lookups.
  template <class HashOf>
  void Added(size_t n, size_t hash, HashOf hash_of) {
    if (n < kScan) return;
    if (n == kScan)
      for (size_t k = 0; k < n; ++k) by_hash_.emplace(hash_of(k), k);
    by_hash_.emplace(hash, n);
  }

 private:
  static constexpr size_t kScan = 8;
  std::unordered_multimap<size_t, size_t> by_hash_;
};

// Decision indices per record, records in order of first appearance.
std::vector<std::pair<std::string_view, std::vector<uint32_t>>> DecisionsByRecord(
    const std::vector<AuditDecision>& ds) {
  std::vector<std::pair<std::string_view, std::vector<uint32_t>>> out;
  GroupIndex index;
  std::hash<std::string_view> hash;
  for (uint32_t i = 0; i < ds.size(); ++i) {
    std::string_view id = ds[i].record_id;
    if (!out.empty() && out.back().first == id) {  // decisions usually come record by record
      out.back().second.push_back(i);
      continue;
    }
    size_t h = hash(id);
    size_t k = index.Find(out.size(), h, [&](size_t x) { return out[x].first == id; });
    if (k == out.size()) {
      out.push_back({id, {}});
      index.Added(k, h, [&](size_t x) { return hash(out[x].first); });
    }
    out[k].second.push_back(i);
  }
  return out;
}

bool SameOutcome(const AuditDecision& a, const AuditDecision& b) {
  return a.outcome == b.outcome && a.policies == b.policies && a.errors == b.errors;
}

// One record's decisions as its "outcomes" list: the actions that share a decision and its
// policies, in order of their first action.
void WriteOutcomes(CanonicalWriter& w, const std::vector<AuditDecision>& ds, const std::vector<uint32_t>& idx) {
  std::vector<std::vector<uint32_t>> groups;
  for (uint32_t i : idx) {
    auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return SameOutcome(ds[x[0]], ds[i]); });
    if (g == groups.end()) groups.push_back({i});
    else g->push_back(i);
  }
  w.out.push_back('[');
  for (size_t k = 0; k < groups.size(); ++k) {
    if (k) w.out.push_back(',');
    const AuditDecision& d = ds[groups[k][0]];
    w.Raw("{\"actions\":[");
    for (size_t a = 0; a < groups[k].size(); ++a) {
      if (a) w.out.push_back(',');
      w.Str(ds[groups[k][a]].action);
    }
    w.Raw("],\"decision\":");
    w.Str(d.outcome);
    w.Raw(",\"determining_policies\":");
    w.List(d.policies);
    w.Raw(",\"erroring_policies\":");
    w.List(d.errors);
    w.out.push_back('}');
  }
  w.out.push_back(']');
}

// "decisions": records whose outcomes read alike share one entry.
void WriteDecisions(CanonicalWriter& w, const std::vector<AuditDecision>& ds) {
  struct Group {
    std::string outcomes;
    std::vector<std::string_view> ids;
  };
  std::vector<Group> groups;
  GroupIndex index;
  std::hash<std::string_view> hash;
  CanonicalWriter text;
  for (const auto& [id, idx] : DecisionsByRecord(ds)) {
    text.out.clear();
    WriteOutcomes(text, ds, idx);
    size_t h = hash(text.out);
    size_t k = index.Find(groups.size(), h, [&](size_t x) { return groups[x].outcomes == text.out; });
    if (k == groups.size()) {
      groups.push_back({text.out, {}});
      index.Added(k, h, [&](size_t x) { return hash(groups[x].outcomes); });
    }
    groups[k].ids.push_back(id);
  }
  w.ok &= text.ok;
  w.out.push_back('[');
  for (size_t k = 0; k < groups.size(); ++k) {
    if (k) w.out.push_back(',');
    w.Raw("{\"outcomes\":");
    w.out.append(groups[k].outcomes);
    w.Raw(",\"record_ids\":[");
    for (size_t i = 0; i < groups[k].ids.size(); ++i) {
      if (i) w.out.push_back(',');
      w.Str(groups[k].ids[i]);
    }
    w.Raw("]}");
  }
  w.out.push_back(']');
}

// "released": returned records with the same categories share one entry.
void WriteReleased(CanonicalWriter& w, const std::vector<std::string>& records,
                   const std::vector<std::vector<std::string>>& released) {
  static const std::vector<std::string> kNone;
  std::vector<std::pair<const std::vector<std::string>*, std::vector<size_t>>> groups;
  GroupIndex index;
  auto hash = [](const std::vector<std::string>& v) {
    size_t h = v.size();
    for (const auto& c : v) h = h * 1000003 ^ std::hash<std::string>()(c);
    return h;
  };
  for (size_t i = 0; i < records.size(); ++i) {
    const std::vector<std::string>* cats = i < released.size() ? &released[i] : &kNone;
    size_t h = hash(*cats);
    size_t k = index.Find(groups.size(), h, [&](size_t x) { return *groups[x].first == *cats; });
    if (k == groups.size()) {
      groups.push_back({cats, {}});
      index.Added(k, h, [&](size_t x) { return hash(*groups[x].first); });
    }
    groups[k].second.push_back(i);
  }
  w.out.push_back('[');
  for (size_t k = 0; k < groups.size(); ++k) {
    if (k) w.out.push_back(',');
    w.Raw("{\"categories\":");
    w.List(*groups[k].first);
    w.Raw(",\"record_ids\":[");
    for (size_t i = 0; i < groups[k].second.size(); ++i) {
      if (i) w.out.push_back(',');
      w.Str(records[groups[k].second[i]]);
    }
    w.Raw("]}");
  }
  w.out.push_back(']');
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
  w.Raw(",\"decisions\":");
  WriteDecisions(w, decisions);
  w.Raw(",\"method\":");
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
  w.Raw(",\"released\":");
  WriteReleased(w, records, released);
  w.Raw(",\"status\":");
  char num[16];
  w.out.append(num, std::to_chars(num, num + sizeof num, status).ptr);
  w.Raw(",\"time\":");
  w.Str(time);
  w.Raw(",\"token\":");
  w.Str(token_id);
  w.Raw(",\"v\":2,\"workstation\":");
  w.Str(workstation);
  w.out.push_back('}');
  if (w.ok) return std::move(w.out);
  return CanonicalReference();
}

std::string AuditRecord::CanonicalReference() const {
  // nlohmann::json objects are std::map-ordered: keys come out sorted.
  // Version 2's grouping written plainly (quadratic, which the definition may be).
  nlohmann::json decisions_json = nlohmann::json::array();
  std::vector<std::string> considered;  // records in order of first appearance
  for (const auto& d : decisions)
    if (std::find(considered.begin(), considered.end(), d.record_id) == considered.end())
      considered.push_back(d.record_id);
  for (const std::string& id : considered) {
    nlohmann::json outcomes = nlohmann::json::array();
    for (const auto& d : decisions) {
      if (d.record_id != id) continue;
      nlohmann::json key = {{"decision", d.outcome}, {"determining_policies", d.policies}, {"erroring_policies", d.errors}};
      auto same = std::find_if(outcomes.begin(), outcomes.end(), [&](const nlohmann::json& o) {
        nlohmann::json k = o;
        k.erase("actions");
        return k == key;
      });
      if (same != outcomes.end()) {
        (*same)["actions"].push_back(d.action);
      } else {
        key["actions"] = nlohmann::json::array({d.action});
        outcomes.push_back(key);
      }
    }
    auto group = std::find_if(decisions_json.begin(), decisions_json.end(),
                              [&](const nlohmann::json& g) { return g["outcomes"] == outcomes; });
    if (group != decisions_json.end()) {
      (*group)["record_ids"].push_back(id);
    } else {
      decisions_json.push_back({{"outcomes", outcomes}, {"record_ids", nlohmann::json::array({id})}});
    }
  }
  nlohmann::json released_json = nlohmann::json::array();
  for (size_t i = 0; i < records.size(); ++i) {
    nlohmann::json categories = i < released.size() ? released[i] : std::vector<std::string>{};
    auto group = std::find_if(released_json.begin(), released_json.end(),
                              [&](const nlohmann::json& g) { return g["categories"] == categories; });
    if (group != released_json.end()) {
      (*group)["record_ids"].push_back(records[i]);
    } else {
      released_json.push_back({{"categories", categories}, {"record_ids", nlohmann::json::array({records[i]})}});
    }
  }
  nlohmann::json j = {
      {"v", 2},
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
