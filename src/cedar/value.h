// Cedar values: Bool, Long (int64), String, entity uid, Set, Record and the extension values
// (decimal, ipaddr, datetime, duration). Values are immutable and cheap to copy: sets and
// records are shared, entity uids are interned pointers, extension values are plain structs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tg::cedar {

// An interned entity uid: the type path ("NS::User") and the id ("alice"). Two uids are equal
// iff they point at the same interned record, so comparing and hashing are one word each.
// Interning is process-wide and thread-safe; interned records are never freed.
class EntityUid {
 public:
  // The uid with this type path and id (interned). The type is not checked for syntax here.
  static EntityUid Make(std::string_view type, std::string_view id);
  // A default uid is the empty type with the empty id (a valid but meaningless uid).
  EntityUid();

  std::string_view type() const { return rec_->type; }
  std::string_view id() const { return rec_->id; }
  // A process-unique small number for this uid (dense, in interning order): for tables.
  uint32_t index() const { return rec_->index; }
  // A process-unique number for the uid's type path (dense).
  uint32_t type_index() const { return rec_->type_index; }
  // Cedar source form: Type::"id" with the id escaped as a Cedar string.
  std::string ToString() const;

  friend bool operator==(EntityUid a, EntityUid b) { return a.rec_ == b.rec_; }
  friend bool operator!=(EntityUid a, EntityUid b) { return a.rec_ != b.rec_; }
  // Total order by (type, id) text, stable across runs (used to order sets).
  friend bool operator<(EntityUid a, EntityUid b);

  struct Rec {
    std::string type;
    std::string id;
    uint32_t index;
    uint32_t type_index;
  };

 private:
  explicit EntityUid(const Rec* r) : rec_(r) {}
  const Rec* rec_;
};

struct EntityUidHash {
  size_t operator()(EntityUid u) const { return u.index() * 0x9E3779B97F4A7C15ull; }
};

// The process-unique dense number of an entity type path (same numbering as type_index()).
uint32_t InternEntityType(std::string_view type);
// The process-unique dense number of an attribute name (for fast entity attribute lookup).
uint32_t InternAttrName(std::string_view name);

// decimal: a fixed-point number with four fractional digits, stored as value * 10^4.
struct Decimal {
  int64_t scaled = 0;
  friend bool operator==(const Decimal&, const Decimal&) = default;
};

// ipaddr: an IPv4 or IPv6 address with a prefix length (32/128 when none was written).
// IPv4 addresses live in the low 32 bits of `lo`.
struct IpAddr {
  bool v6 = false;
  uint64_t hi = 0;
  uint64_t lo = 0;
  uint8_t prefix = 32;
  friend bool operator==(const IpAddr&, const IpAddr&) = default;
};

// datetime: milliseconds since the Unix epoch (UTC).
struct Datetime {
  int64_t ms = 0;
  friend bool operator==(const Datetime&, const Datetime&) = default;
};

// duration: a signed number of milliseconds.
struct Duration {
  int64_t ms = 0;
  friend bool operator==(const Duration&, const Duration&) = default;
};

class Value;
// A Cedar set: elements sorted by Value's total order with duplicates removed.
using SetElems = std::vector<Value>;
// A Cedar record: attribute name to value, ordered by name.
using RecordAttrs = std::map<std::string, Value, std::less<>>;

// The type of a value as Cedar names it in errors and in `is`/typechecking.
enum class ValueKind : uint8_t {
  kBool, kLong, kString, kEntity, kSet, kRecord, kDecimal, kIpAddr, kDatetime, kDuration
};
// "Bool", "Long", "String", "Entity", "Set", "Record", "decimal", "ipaddr", "datetime", "duration".
const char* ValueKindName(ValueKind k);

class Value {
 public:
  Value() : v_(false) {}
  Value(bool b) : v_(b) {}                        // NOLINT
  Value(int64_t l) : v_(l) {}                     // NOLINT
  Value(int l) : v_(int64_t{l}) {}                // NOLINT
  Value(std::string s) : v_(std::move(s)) {}      // NOLINT
  Value(const char* s) : v_(std::string(s)) {}    // NOLINT
  Value(EntityUid u) : v_(u) {}                   // NOLINT
  Value(Decimal d) : v_(d) {}                     // NOLINT
  Value(IpAddr a) : v_(a) {}                      // NOLINT
  Value(Datetime d) : v_(d) {}                    // NOLINT
  Value(Duration d) : v_(d) {}                    // NOLINT
  // A set of these elements (sorted and deduplicated here).
  static Value Set(std::vector<Value> elems);
  // A record with these attributes.
  static Value Record(RecordAttrs attrs);

  ValueKind kind() const { return static_cast<ValueKind>(v_.index()); }
  bool is_bool() const { return kind() == ValueKind::kBool; }
  bool is_long() const { return kind() == ValueKind::kLong; }
  bool is_string() const { return kind() == ValueKind::kString; }
  bool is_entity() const { return kind() == ValueKind::kEntity; }
  bool is_set() const { return kind() == ValueKind::kSet; }
  bool is_record() const { return kind() == ValueKind::kRecord; }

  // Accessors: the caller checks kind() first (wrong kind is a programming error).
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_long() const { return std::get<int64_t>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  EntityUid as_entity() const { return std::get<EntityUid>(v_); }
  const SetElems& as_set() const { return *std::get<std::shared_ptr<const SetElems>>(v_); }
  const RecordAttrs& as_record() const { return *std::get<std::shared_ptr<const RecordAttrs>>(v_); }
  Decimal as_decimal() const { return std::get<Decimal>(v_); }
  IpAddr as_ipaddr() const { return std::get<IpAddr>(v_); }
  Datetime as_datetime() const { return std::get<Datetime>(v_); }
  Duration as_duration() const { return std::get<Duration>(v_); }

  // Cedar equality: structural; values of different kinds are unequal (never an error).
  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }
  // A total order over all values (kind first), used only to keep sets canonical.
  friend bool operator<(const Value& a, const Value& b);

  // Cedar source form, e.g. `{"a": [1, User::"x"], "d": decimal("1.5000")}`; re-parseable.
  std::string ToString() const;

 private:
  std::variant<bool, int64_t, std::string, EntityUid, std::shared_ptr<const SetElems>,
               std::shared_ptr<const RecordAttrs>, Decimal, IpAddr, Datetime, Duration>
      v_;
};

// Cedar string literal form of s: quoted, with \n \r \t \\ \" \0 and \u{..} escapes.
std::string QuoteCedarString(std::string_view s);

}  // namespace tg::cedar
