// Extension types. Parsing rules follow the Cedar spec (cedar-spec Ext/*.lean): ASCII digits,
// no leading zeros in IPv4 octets or prefixes, no IPv4-embedded IPv6, no leap seconds.
#include "cedar/extensions.h"

#include <cstdio>

namespace tg::cedar {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses ASCII digits into a __int128 (stops at 30 digits to avoid overflow).
bool ParseDigits(std::string_view s, __int128& out) {
  if (s.empty() || s.size() > 30) return false;
  out = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

bool FitsInt64(__int128 v) { return v >= INT64_MIN && v <= INT64_MAX; }

constexpr int64_t kMsPerDay = 86400000;

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n ASCII digits at s[pos].
bool FixedDigits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!IsDigit(s[pos + i])) return false;
    out = out * 10 + (s[pos + i] - '0');
  }
  return true;
}

bool ParseIpv4(std::string_view s, uint32_t& out) {
  out = 0;
  int parts = 0;
  size_t i = 0;
  while (true) {
    size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    size_t len = i - start;
    if (len == 0 || len > 3) return false;
    if (len > 1 && s[start] == '0') return false;
    int v = 0;
    for (size_t k = start; k < i; ++k) v = v * 10 + (s[k] - '0');
    if (v > 255) return false;
    out = (out << 8) | static_cast<uint32_t>(v);
    ++parts;
    if (i == s.size()) break;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
  return parts == 4;
}

bool ParseGroups(std::string_view s, std::vector<uint16_t>& out) {
  if (s.empty()) return true;
  size_t i = 0;
  while (true) {
    size_t start = i;
    while (i < s.size() && HexVal(s[i]) >= 0) ++i;
    size_t len = i - start;
    if (len == 0 || len > 4) return false;
    uint16_t v = 0;
    for (size_t k = start; k < i; ++k) v = static_cast<uint16_t>(v * 16 + HexVal(s[k]));
    out.push_back(v);
    if (i == s.size()) return true;
    if (s[i] != ':') return false;
    ++i;
    if (i == s.size()) return false;
  }
}

bool ParseIpv6(std::string_view s, uint64_t& hi, uint64_t& lo) {
  size_t dc = s.find("::");
  std::vector<uint16_t> groups;
  if (dc == std::string_view::npos) {
    if (!ParseGroups(s, groups) || groups.size() != 8) return false;
  } else {
    std::string_view left = s.substr(0, dc), right = s.substr(dc + 2);
    if (right.find("::") != std::string_view::npos) return false;
    std::vector<uint16_t> l, r;
    if (!ParseGroups(left, l) || !ParseGroups(right, r)) return false;
    if (l.size() + r.size() > 7) return false;
    groups = l;
    groups.resize(8 - r.size(), 0);
    groups.insert(groups.end(), r.begin(), r.end());
  }
  hi = lo = 0;
  for (int k = 0; k < 4; ++k) hi = (hi << 16) | groups[k];
  for (int k = 4; k < 8; ++k) lo = (lo << 16) | groups[k];
  return true;
}

// The [first, last] addresses of a CIDR range, as 128-bit numbers.
void Range(const IpAddr& a, unsigned __int128& first, unsigned __int128& last) {
  unsigned __int128 addr = (static_cast<unsigned __int128>(a.hi) << 64) | a.lo;
  int width = a.v6 ? 128 : 32;
  int host = width - a.prefix;
  unsigned __int128 hostmask = host >= 128 ? ~static_cast<unsigned __int128>(0)
                                           : ((static_cast<unsigned __int128>(1) << host) - 1);
  first = addr & ~hostmask;
  last = addr | hostmask;
}

bool InRange(const IpAddr& a, const IpAddr& b) {
  if (a.v6 != b.v6) return false;
  unsigned __int128 af, al, bf, bl;
  Range(a, af, al);
  Range(b, bf, bl);
  return bf <= af && al <= bl;
}

Status ExtError(std::string m) { return Status::InvalidArgument("extensionError: " + m); }
Status TypeErr(std::string m) { return Status::InvalidArgument("typeError: " + m); }

}  // namespace

std::optional<Decimal> ParseDecimal(std::string_view s) {
  size_t dot = s.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string_view left = s.substr(0, dot), right = s.substr(dot + 1);
  bool neg = !left.empty() && left[0] == '-';
  std::string_view ldigits = neg ? left.substr(1) : left;
  if (right.empty() || right.size() > 4) return std::nullopt;
  __int128 l, r;
  if (!ParseDigits(ldigits, l) || !ParseDigits(right, r)) return std::nullopt;
  for (size_t k = right.size(); k < 4; ++k) r *= 10;
  __int128 v = l * 10000 + r;
  if (neg) v = -v;
  if (!FitsInt64(v)) return std::nullopt;
  return Decimal{static_cast<int64_t>(v)};
}

std::string DecimalToString(Decimal d) {
  __int128 v = d.scaled;
  bool neg = v < 0;
  if (neg) v = -v;
  int64_t whole = static_cast<int64_t>(v / 10000);
  int frac = static_cast<int>(v % 10000);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%lld.%04d", neg ? "-" : "", static_cast<long long>(whole), frac);
  return buf;
}

std::optional<IpAddr> ParseIpAddr(std::string_view s) {
  std::string_view addr = s, prefix;
  bool has_prefix = false;
  size_t slash = s.find('/');
  if (slash != std::string_view::npos) {
    addr = s.substr(0, slash);
    prefix = s.substr(slash + 1);
    has_prefix = true;
  }
  IpAddr a;
  bool has_colon = addr.find(':') != std::string_view::npos;
  if (has_colon) {
    if (addr.find('.') != std::string_view::npos) return std::nullopt;
    if (!ParseIpv6(addr, a.hi, a.lo)) return std::nullopt;
    a.v6 = true;
    a.prefix = 128;
  } else {
    uint32_t v4;
    if (!ParseIpv4(addr, v4)) return std::nullopt;
    a.lo = v4;
    a.prefix = 32;
  }
  if (has_prefix) {
    size_t maxlen = a.v6 ? 3 : 2;
    if (prefix.empty() || prefix.size() > maxlen) return std::nullopt;
    if (prefix.size() > 1 && prefix[0] == '0') return std::nullopt;
    int p = 0;
    for (char c : prefix) {
      if (!IsDigit(c)) return std::nullopt;
      p = p * 10 + (c - '0');
    }
    if (p > (a.v6 ? 128 : 32)) return std::nullopt;
    a.prefix = static_cast<uint8_t>(p);
  }
  return a;
}

std::string IpAddrToString(const IpAddr& a) {
  char buf[80];
  std::string out;
  if (!a.v6) {
    uint32_t v = static_cast<uint32_t>(a.lo);
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
    out = buf;
    if (a.prefix != 32) out += "/" + std::to_string(a.prefix);
    return out;
  }
  for (int k = 0; k < 8; ++k) {
    uint64_t word = k < 4 ? a.hi : a.lo;
    unsigned g = static_cast<unsigned>((word >> (16 * (3 - (k % 4)))) & 0xffff);
    std::snprintf(buf, sizeof buf, "%s%x", k ? ":" : "", g);
    out += buf;
  }
  if (a.prefix != 128) out += "/" + std::to_string(a.prefix);
  return out;
}

std::optional<Datetime> ParseDatetime(std::string_view s) {
  int y, mo, d;
  if (s.size() < 10 || !FixedDigits(s, 0, 4, y) || s[4] != '-' || !FixedDigits(s, 5, 2, mo) ||
      s[7] != '-' || !FixedDigits(s, 8, 2, d))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || static_cast<unsigned>(d) > DaysInMonth(y, mo)) return std::nullopt;
  __int128 ms = static_cast<__int128>(DaysFromCivil(y, mo, d)) * kMsPerDay;
  if (s.size() == 10) return Datetime{static_cast<int64_t>(ms)};
  int h, mi, se;
  if (s.size() < 20 || s[10] != 'T' || !FixedDigits(s, 11, 2, h) || s[13] != ':' ||
      !FixedDigits(s, 14, 2, mi) || s[16] != ':' || !FixedDigits(s, 17, 2, se))
    return std::nullopt;
  if (h > 23 || mi > 59 || se > 59) return std::nullopt;
  ms += (static_cast<__int128>(h) * 3600 + mi * 60 + se) * 1000;
  size_t pos = 19;
  if (s[pos] == '.') {
    int frac;
    if (!FixedDigits(s, pos + 1, 3, frac)) return std::nullopt;
    ms += frac;
    pos += 4;
  }
  if (pos >= s.size()) return std::nullopt;
  if (s[pos] == 'Z') {
    if (pos + 1 != s.size()) return std::nullopt;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (pos + 5 != s.size() || !FixedDigits(s, pos + 1, 2, oh) || !FixedDigits(s, pos + 3, 2, om))
      return std::nullopt;
    if (oh > 23 || om > 59) return std::nullopt;
    __int128 off = (static_cast<__int128>(oh) * 60 + om) * 60000;
    ms += s[pos] == '+' ? -off : off;
  } else {
    return std::nullopt;
  }
  if (!FitsInt64(ms)) return std::nullopt;
  return Datetime{static_cast<int64_t>(ms)};
}

std::string DatetimeToString(Datetime dt) {
  int64_t days = dt.ms / kMsPerDay, rem = dt.ms % kMsPerDay;
  if (rem < 0) {
    rem += kMsPerDay;
    days -= 1;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y), m,
                d, static_cast<long long>(rem / 3600000), static_cast<long long>(rem / 60000 % 60),
                static_cast<long long>(rem / 1000 % 60), static_cast<long long>(rem % 1000));
  return buf;
}

std::optional<Duration> ParseDuration(std::string_view s) {
  bool neg = false;
  size_t i = 0;
  if (i < s.size() && s[i] == '-') {
    neg = true;
    ++i;
  }
  if (i == s.size()) return std::nullopt;
  static const struct { const char* unit; int64_t ms; } kUnits[] = {
      {"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}};
  int next_unit = 0;
  __int128 total = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    __int128 n;
    if (!ParseDigits(s.substr(start, i - start), n)) return std::nullopt;
    size_t ulen = 0;
    while (i + ulen < s.size() && !IsDigit(s[i + ulen])) ++ulen;
    std::string_view unit = s.substr(i, ulen);
    int found = -1;
    for (int u = next_unit; u < 5; ++u)
      if (unit == kUnits[u].unit) found = u;
    if (found < 0) return std::nullopt;
    total += n * kUnits[found].ms;
    if (total > (static_cast<__int128>(INT64_MAX) + 1)) return std::nullopt;
    next_unit = found + 1;
    i += ulen;
  }
  if (neg) total = -total;
  if (!FitsInt64(total)) return std::nullopt;
  return Duration{static_cast<int64_t>(total)};
}

std::string DurationToString(Duration d) {
  __int128 v = d.ms;
  std::string out;
  if (v < 0) {
    out = "-";
    v = -v;
  }
  auto num = [](__int128 x) {
    std::string s;
    do {
      s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(x % 10)));
      x /= 10;
    } while (x > 0);
    return s;
  };
  return out + num(v) + "ms";
}

bool IsExtensionConstructor(std::string_view name) {
  return name == "decimal" || name == "ip" || name == "datetime" || name == "duration";
}

std::string_view ExtensionTypeOfConstructor(std::string_view fn) {
  if (fn == "decimal") return "decimal";
  if (fn == "ip") return "ipaddr";
  if (fn == "datetime") return "datetime";
  if (fn == "duration") return "duration";
  return "";
}

Result<Value> MakeExtensionValue(std::string_view fn, std::string_view arg) {
  if (fn == "decimal") {
    if (auto v = ParseDecimal(arg)) return Value(*v);
  } else if (fn == "ip") {
    if (auto v = ParseIpAddr(arg)) return Value(*v);
  } else if (fn == "datetime") {
    if (auto v = ParseDatetime(arg)) return Value(*v);
  } else if (fn == "duration") {
    if (auto v = ParseDuration(arg)) return Value(*v);
  } else {
    return ExtError("unknown extension function `" + std::string(fn) + "`");
  }
  return ExtError("`" + std::string(fn) + "` cannot parse " + QuoteCedarString(arg));
}

Result<Value> CallExtension(std::string_view name, const std::vector<Value>& args) {
  auto want = [&](size_t n) -> Status {
    if (args.size() != n)
      return TypeErr("`" + std::string(name) + "` takes " + std::to_string(n) + " argument(s)");
    return Status::OK();
  };
  auto kind_err = [&](const Value& v, const char* expected) {
    return TypeErr("`" + std::string(name) + "` expected " + expected + ", got " + ValueKindName(v.kind()));
  };
  if (IsExtensionConstructor(name)) {
    TG_RETURN_IF_ERROR(want(1));
    if (!args[0].is_string()) return kind_err(args[0], "String");
    return MakeExtensionValue(name, args[0].as_string());
  }
  // decimal comparisons
  if (name == "lessThan" || name == "lessThanOrEqual" || name == "greaterThan" ||
      name == "greaterThanOrEqual") {
    TG_RETURN_IF_ERROR(want(2));
    for (const Value& v : args)
      if (v.kind() != ValueKind::kDecimal) return kind_err(v, "decimal");
    int64_t a = args[0].as_decimal().scaled, b = args[1].as_decimal().scaled;
    if (name == "lessThan") return Value(a < b);
    if (name == "lessThanOrEqual") return Value(a <= b);
    if (name == "greaterThan") return Value(a > b);
    return Value(a >= b);
  }
  if (name == "isIpv4" || name == "isIpv6" || name == "isLoopback" || name == "isMulticast") {
    TG_RETURN_IF_ERROR(want(1));
    if (args[0].kind() != ValueKind::kIpAddr) return kind_err(args[0], "ipaddr");
    IpAddr a = args[0].as_ipaddr();
    if (name == "isIpv4") return Value(!a.v6);
    if (name == "isIpv6") return Value(a.v6);
    if (name == "isLoopback") {
      IpAddr r = a.v6 ? IpAddr{true, 0, 1, 128} : IpAddr{false, 0, 0x7f000000u, 8};
      return Value(InRange(a, r));
    }
    IpAddr r = a.v6 ? IpAddr{true, 0xff00000000000000ull, 0, 8} : IpAddr{false, 0, 0xe0000000u, 4};
    return Value(InRange(a, r));
  }
  if (name == "isInRange") {
    TG_RETURN_IF_ERROR(want(2));
    for (const Value& v : args)
      if (v.kind() != ValueKind::kIpAddr) return kind_err(v, "ipaddr");
    return Value(InRange(args[0].as_ipaddr(), args[1].as_ipaddr()));
  }
  if (name == "offset" || name == "durationSince") {
    TG_RETURN_IF_ERROR(want(2));
    if (args[0].kind() != ValueKind::kDatetime) return kind_err(args[0], "datetime");
    int64_t a = args[0].as_datetime().ms, r;
    if (name == "offset") {
      if (args[1].kind() != ValueKind::kDuration) return kind_err(args[1], "duration");
      if (__builtin_add_overflow(a, args[1].as_duration().ms, &r)) return ExtError("datetime overflow");
      return Value(Datetime{r});
    }
    if (args[1].kind() != ValueKind::kDatetime) return kind_err(args[1], "datetime");
    if (__builtin_sub_overflow(a, args[1].as_datetime().ms, &r)) return ExtError("duration overflow");
    return Value(Duration{r});
  }
  if (name == "toDate" || name == "toTime") {
    TG_RETURN_IF_ERROR(want(1));
    if (args[0].kind() != ValueKind::kDatetime) return kind_err(args[0], "datetime");
    __int128 ms = args[0].as_datetime().ms;
    __int128 days = ms / kMsPerDay, rem = ms % kMsPerDay;
    if (rem < 0) {
      rem += kMsPerDay;
      days -= 1;
    }
    if (name == "toTime") return Value(Duration{static_cast<int64_t>(rem)});
    __int128 v = days * kMsPerDay;
    if (!FitsInt64(v)) return ExtError("datetime overflow");
    return Value(Datetime{static_cast<int64_t>(v)});
  }
  if (name == "toMilliseconds" || name == "toSeconds" || name == "toMinutes" || name == "toHours" ||
      name == "toDays") {
    TG_RETURN_IF_ERROR(want(1));
    if (args[0].kind() != ValueKind::kDuration) return kind_err(args[0], "duration");
    int64_t ms = args[0].as_duration().ms;
    if (name == "toMilliseconds") return Value(ms);
    if (name == "toSeconds") return Value(ms / 1000);
    if (name == "toMinutes") return Value(ms / 60000);
    if (name == "toHours") return Value(ms / 3600000);
    return Value(ms / kMsPerDay);
  }
  return ExtError("unknown extension function `" + std::string(name) + "`");
}

}  // namespace tg::cedar
