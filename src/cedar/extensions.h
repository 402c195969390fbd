// Constructors and operations of Cedar's extension types: decimal, ipaddr, datetime,
// duration. The parsers accept exactly what the reference's constructors accept.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "cedar/value.h"

namespace tg::cedar {

// decimal("1.2345"): optional '-', digits, '.', 1 to 4 digits; range of int64 / 10^4.
std::optional<Decimal> ParseDecimal(std::string_view s);
// ip("10.0.0.1"), ip("10.0.0.0/8"), ip("::1"), ip("fe80::/10"). IPv4 without leading zeros.
std::optional<IpAddr> ParseIpAddr(std::string_view s);
// datetime("2024-01-01"), "2024-01-01T10:00:00Z", "...T10:00:00.123Z", "...T10:00:00+0130".
std::optional<Datetime> ParseDatetime(std::string_view s);
// duration("1d2h3m4s5ms"), "-1h": units in order d,h,m,s,ms, each optional, at least one.
std::optional<Duration> ParseDuration(std::string_view s);

// The canonical constructor argument for each (re-parseable by the parsers above).
std::string DecimalToString(Decimal d);
std::string IpAddrToString(const IpAddr& a);
std::string DatetimeToString(Datetime d);
std::string DurationToString(Duration d);

// True if `name` is an extension constructor: decimal, ip, datetime, duration.
bool IsExtensionConstructor(std::string_view name);
// Builds an extension value from constructor name and argument, e.g. ("ip","10.0.0.1"), as
// the `__extn` JSON escape does. Error: unknown function or unparsable argument.
Result<Value> MakeExtensionValue(std::string_view fn, std::string_view arg);

// The extension type name a constructor produces ("decimal" -> "decimal", "ip" -> "ipaddr",
// ...), or "" when unknown.
std::string_view ExtensionTypeOfConstructor(std::string_view fn);

// Calls extension function or method `name` (receiver first for methods). On an error (wrong
// arity, wrong type, bad argument, overflow) returns a Status with the reason.
Result<Value> CallExtension(std::string_view name, const std::vector<Value>& args);

}  // namespace tg::cedar
