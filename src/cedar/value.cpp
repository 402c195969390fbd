#include "cedar/value.h"

#include <algorithm>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "cedar/extensions.h"

namespace tg::cedar {
namespace {

// Lets the tables be searched by string_view: lookups, the common case, allocate nothing.
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <class V>
using TextMap = std::unordered_map<std::string, V, TextHash, std::equal_to<>>;

// The process-wide intern tables. Records live in deques so pointers stay valid.
struct InternTable {
  std::mutex mu;
  std::deque<EntityUid::Rec> recs;
  TextMap<const EntityUid::Rec*> by_key;
  TextMap<uint32_t> types;
  TextMap<uint32_t> attrs;

  uint32_t TypeIndexLocked(std::string_view type) {
    auto it = types.find(type);
    if (it != types.end()) return it->second;
    uint32_t n = static_cast<uint32_t>(types.size());
    types.emplace(std::string(type), n);
    return n;
  }
};

InternTable& Table() {
  static InternTable* t = new InternTable();  // never destroyed: uids outlive static dtors
  return *t;
}

}  // namespace

EntityUid EntityUid::Make(std::string_view type, std::string_view id) {
  // Built in a per-thread buffer: a uid seen before costs no allocation.
  thread_local std::string key;
  key.assign(type);
  key.push_back('\0');
  key.append(id);
  InternTable& t = Table();
  std::lock_guard<std::mutex> lock(t.mu);
  auto it = t.by_key.find(std::string_view(key));
  if (it != t.by_key.end()) return EntityUid(it->second);
  t.recs.push_back(Rec{std::string(type), std::string(id), static_cast<uint32_t>(t.recs.size()),
                       t.TypeIndexLocked(type)});
  const Rec* r = &t.recs.back();
  t.by_key.emplace(key, r);
  return EntityUid(r);
}

EntityUid::EntityUid() {
  static const Rec* empty = Make("", "").rec_;
  rec_ = empty;
}

uint32_t InternEntityType(std::string_view type) {
  InternTable& t = Table();
  std::lock_guard<std::mutex> lock(t.mu);
  return t.TypeIndexLocked(type);
}

uint32_t InternAttrName(std::string_view name) {
  InternTable& t = Table();
  std::lock_guard<std::mutex> lock(t.mu);
  auto it = t.attrs.find(name);
  if (it != t.attrs.end()) return it->second;
  uint32_t n = static_cast<uint32_t>(t.attrs.size());
  t.attrs.emplace(std::string(name), n);
  return n;
}

bool operator<(EntityUid a, EntityUid b) {
  if (a.rec_ == b.rec_) return false;
  if (a.rec_->type != b.rec_->type) return a.rec_->type < b.rec_->type;
  return a.rec_->id < b.rec_->id;
}

std::string QuoteCedarString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\0': out += "\\0"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[16];
          std::snprintf(buf, sizeof buf, "\\u{%x}", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string EntityUid::ToString() const { return std::string(type()) + "::" + QuoteCedarString(id()); }

const char* ValueKindName(ValueKind k) {
  switch (k) {
    case ValueKind::kBool: return "Bool";
    case ValueKind::kLong: return "Long";
    case ValueKind::kString: return "String";
    case ValueKind::kEntity: return "Entity";
    case ValueKind::kSet: return "Set";
    case ValueKind::kRecord: return "Record";
    case ValueKind::kDecimal: return "decimal";
    case ValueKind::kIpAddr: return "ipaddr";
    case ValueKind::kDatetime: return "datetime";
    case ValueKind::kDuration: return "duration";
  }
  return "?";
}

Value Value::Set(std::vector<Value> elems) {
  std::sort(elems.begin(), elems.end());
  elems.erase(std::unique(elems.begin(), elems.end()), elems.end());
  Value v;
  v.v_ = std::make_shared<const SetElems>(std::move(elems));
  return v;
}

Value Value::Record(RecordAttrs attrs) {
  Value v;
  v.v_ = std::make_shared<const RecordAttrs>(std::move(attrs));
  return v;
}

bool operator==(const Value& a, const Value& b) {
  if (a.v_.index() != b.v_.index()) return false;
  switch (a.kind()) {
    case ValueKind::kBool: return a.as_bool() == b.as_bool();
    case ValueKind::kLong: return a.as_long() == b.as_long();
    case ValueKind::kString: return a.as_string() == b.as_string();
    case ValueKind::kEntity: return a.as_entity() == b.as_entity();
    case ValueKind::kSet: {
      const auto& x = std::get<std::shared_ptr<const SetElems>>(a.v_);
      const auto& y = std::get<std::shared_ptr<const SetElems>>(b.v_);
      return x == y || *x == *y;
    }
    case ValueKind::kRecord: {
      const auto& x = std::get<std::shared_ptr<const RecordAttrs>>(a.v_);
      const auto& y = std::get<std::shared_ptr<const RecordAttrs>>(b.v_);
      return x == y || *x == *y;
    }
    case ValueKind::kDecimal: return a.as_decimal() == b.as_decimal();
    case ValueKind::kIpAddr: return a.as_ipaddr() == b.as_ipaddr();
    case ValueKind::kDatetime: return a.as_datetime() == b.as_datetime();
    case ValueKind::kDuration: return a.as_duration() == b.as_duration();
  }
  return false;
}

bool operator<(const Value& a, const Value& b) {
  if (a.v_.index() != b.v_.index()) return a.v_.index() < b.v_.index();
  switch (a.kind()) {
    case ValueKind::kBool: return a.as_bool() < b.as_bool();
    case ValueKind::kLong: return a.as_long() < b.as_long();
    case ValueKind::kString: return a.as_string() < b.as_string();
    case ValueKind::kEntity: return a.as_entity() < b.as_entity();
    case ValueKind::kSet:
      return std::lexicographical_compare(a.as_set().begin(), a.as_set().end(), b.as_set().begin(),
                                          b.as_set().end());
    case ValueKind::kRecord: {
      const auto& x = a.as_record();
      const auto& y = b.as_record();
      return std::lexicographical_compare(
          x.begin(), x.end(), y.begin(), y.end(), [](const auto& p, const auto& q) {
            if (p.first != q.first) return p.first < q.first;
            return p.second < q.second;
          });
    }
    case ValueKind::kDecimal: return a.as_decimal().scaled < b.as_decimal().scaled;
    case ValueKind::kIpAddr: {
      auto x = a.as_ipaddr(), y = b.as_ipaddr();
      return std::tie(x.v6, x.hi, x.lo, x.prefix) < std::tie(y.v6, y.hi, y.lo, y.prefix);
    }
    case ValueKind::kDatetime: return a.as_datetime().ms < b.as_datetime().ms;
    case ValueKind::kDuration: return a.as_duration().ms < b.as_duration().ms;
  }
  return false;
}

std::string Value::ToString() const {
  switch (kind()) {
    case ValueKind::kBool: return as_bool() ? "true" : "false";
    case ValueKind::kLong: return std::to_string(as_long());
    case ValueKind::kString: return QuoteCedarString(as_string());
    case ValueKind::kEntity: return as_entity().ToString();
    case ValueKind::kSet: {
      std::string s = "[";
      bool first = true;
      for (const Value& e : as_set()) {
        if (!first) s += ", ";
        first = false;
        s += e.ToString();
      }
      return s + "]";
    }
    case ValueKind::kRecord: {
      std::string s = "{";
      bool first = true;
      for (const auto& [k, v] : as_record()) {
        if (!first) s += ", ";
        first = false;
        s += QuoteCedarString(k) + ": " + v.ToString();
      }
      return s + "}";
    }
    case ValueKind::kDecimal: return "decimal(" + QuoteCedarString(DecimalToString(as_decimal())) + ")";
    case ValueKind::kIpAddr: return "ip(" + QuoteCedarString(IpAddrToString(as_ipaddr())) + ")";
    case ValueKind::kDatetime:
      return "datetime(" + QuoteCedarString(DatetimeToString(as_datetime())) + ")";
    case ValueKind::kDuration:
      return "duration(" + QuoteCedarString(DurationToString(as_duration())) + ")";
  }
  return "?";
}

}  // namespace tg::cedar
