#include "gateway/response_writer.h"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "gateway/audit_record.h"

namespace tg::gateway {

void JsonText::Str(std::string_view s) {
  size_t mark = out.size();
  if (AppendJsonString(out, s)) return;
  // Not valid UTF-8 (rare): nlohmann defines the replacement, so it writes this string.
  out.resize(mark);
  out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void JsonText::Int(int64_t v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void JsonText::UInt(uint64_t v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// nlohmann's float format (its own shortest round trip, "null" if not finite) is not
// std::to_chars', so it writes the number; only plate reads' coordinates come here.
void JsonText::Double(double v) { out += nlohmann::json(v).dump(); }

void JsonText::StrList(const std::vector<std::string>& v) {
  out.push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(',');
    Str(v[i]);
  }
  out.push_back(']');
}

JsonText& ObjectText::Key(std::string_view key) {
  members_.push_back({key, values_.out.size(), 0});
  return values_;
}

void ObjectText::AppendTo(std::string& out) {
  size_t n = members_.size();
  for (size_t i = 0; i < n; ++i) members_[i].end = i + 1 < n ? members_[i + 1].begin : values_.out.size();
  // By key, then in the order added (begin grows): std::sort, as stable_sort would allocate.
  std::sort(members_.begin(), members_.end(), [](const Member& a, const Member& b) {
    int c = a.key.compare(b.key);
    return c != 0 ? c < 0 : a.begin < b.begin;
  });
  out.push_back('{');
  bool first = true;
  for (size_t i = 0; i < n; ++i) {
    const Member& m = members_[i];
    if (i + 1 < n && members_[i + 1].key == m.key) continue;  // a later value replaces it
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, m.key);  // keys are our ASCII literals
    out.push_back(':');
    out.append(values_.out, m.begin, m.end - m.begin);
  }
  out.push_back('}');
  members_.clear();
  values_.out.clear();
}

}  // namespace tg::gateway
