// Fuzzes the audit record both ways: the oversight parser, which reads records from audit
// stores and exported files (versions 1 and 2, and other systems' field names), must not
// crash; and records the gateway builds from arbitrary bytes must encode as the nlohmann
// definition does (version 2's grouping included) and parse back with every decision.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/audit_record.h"
#include "oversight/audit_event.h"

namespace {
// The input's lines, at most `n`.
std::vector<std::string> Lines(std::string_view in, size_t n) {
  std::vector<std::string> out;
  while (!in.empty() && out.size() < n) {
    size_t nl = in.find('\n');
    out.emplace_back(in.substr(0, nl));
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  }
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  (void)tg::oversight::ParseAuditEvent(in, 0);

  // Lines as short strings: records, then decisions (record, action, outcome, policy) drawn
  // from them, so that records and outcomes repeat and group.
  std::vector<std::string> lines = Lines(in, 64);
  if (lines.empty()) return 0;
  tg::gateway::AuditRecord r;
  r.time = "2026-12-03T00:00:00.00Z";
  r.reason = lines[0];
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    const std::string& id = lines[(l.empty() ? 0 : uint8_t(l[0])) % lines.size()];
    if (i % 3 == 0) {
      r.records.push_back(id);
      r.released.push_back({lines[i % lines.size()]});
    }
    // Never an empty category (the parser refuses a decision without one).
    r.decisions.push_back({id, (l.size() % 2 ? "read_" : "") + l + "_a", l.size() % 3 ? "allow" : "deny",
                           {lines[(i * 7) % lines.size()]}, {}});
  }
  std::string text = r.Canonical();
  if (text != r.CanonicalReference()) __builtin_trap();
  auto e = tg::oversight::ParseAuditEvent(text, 0);
  // One decision per record and action, as many as went in.
  if (!e.ok() || e->decisions.size() != r.decisions.size()) __builtin_trap();
  return 0;
}
