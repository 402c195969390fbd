// The direct response writer must give, byte for byte, what nlohmann::json's
// dump(-1, ' ', false, replace) gives for the same object: clients got those bytes before.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "gateway/response_writer.h"

namespace tg::gateway {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Text from pieces that matter to escaping: ASCII, controls, quotes, valid multi-byte
// sequences, and bytes that are not UTF-8 (lone continuation, overlong, surrogate, truncated).
rc::Gen<std::string> Text() {
  static const std::vector<std::string> pieces = {
      "a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\x01", "\x1f", "\x7f", "\xc3\xa9", "\xe6\x97\xa5",
      "\xf0\x9f\x98\x80", "\x80", "\xc0\xaf", "\xed\xa0\x80", "\xe6\x97", "\xf4\x90\x80\x80", "\xff"};
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(pieces)),
                      [](const std::vector<std::string>& v) {
                        std::string s;
                        for (const auto& p : v) s += p;
                        return s;
                      });
}

// One member's value, written both ways.
struct Value {
  int kind = 0;  // 0 string, 1 integer, 2 double, 3 null, 4 list of strings
  std::string s;
  int64_t i = 0;
  double d = 0;
  std::vector<std::string> list;
  json Json() const {
    switch (kind) {
      case 0: return s;
      case 1: return i;
      case 2: return d;
      case 3: return nullptr;
      default: return list;
    }
  }
  void Write(JsonText& w) const {
    switch (kind) {
      case 0: return w.Str(s);
      case 1: return w.Int(i);
      case 2: return w.Double(d);
      case 3: return w.Null();
      default: return w.StrList(list);
    }
  }
};

rc::Gen<Value> AValue() {
  return rc::gen::exec([] {
    Value v;
    v.kind = *rc::gen::inRange(0, 5);
    v.s = *Text();
    v.i = *rc::gen::weightedOneOf<int64_t>(
        {{4, rc::gen::arbitrary<int64_t>()},
         {1, rc::gen::element(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), int64_t{0})}});
    v.d = *rc::gen::weightedOneOf<double>(
        {{4, rc::gen::arbitrary<double>()},
         {1, rc::gen::element(34.05, -118.25854581360423, 0.0, -0.0, 1e300, 5e-324, 1e21, 3.0,
                              std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN())}});
    v.list = *rc::gen::container<std::vector<std::string>>(Text());
    return v;
  });
}

// Keys as the routes use them (literals), some sharing prefixes, some repeated.
const char* const kKeys[] = {"name", "name_key", "bail", "booking_id", "court", "court_date", "a", "z", ""};

RC_GTEST_PROP(ResponseWriter, ObjectsMatchNlohmann, ()) {
  ObjectText o;  // reused, as RespondWithItems reuses it
  std::string got = "[";
  json want = json::array();
  for (int n = *rc::gen::inRange(0, 4); n > 0; --n) {
    json j = json::object();
    for (int m = *rc::gen::inRange(0, 16); m > 0; --m) {
      int k = *rc::gen::inRange(0, 9);
      Value v = *rc::gen::resize(20, AValue());
      j[kKeys[k]] = v.Json();  // a repeated key: the last value stays
      v.Write(o.Key(kKeys[k]));
    }
    if (got.size() > 1) got += ',';
    o.AppendTo(got);
    want.push_back(std::move(j));
  }
  got += ']';
  RC_ASSERT(got == Dump(want));
}

RC_GTEST_PROP(ResponseWriter, StringsMatchNlohmann, ()) {
  std::string s = *rc::gen::weightedOneOf<std::string>({{3, Text()}, {1, rc::gen::string<std::string>()}});
  JsonText w;
  w.Str(s);
  RC_ASSERT(w.out == Dump(s));
}

TEST(ResponseWriter, InvalidUtf8BecomesReplacementCharacters) {
  JsonText w;
  w.Str("caf\xc3\xa9 \xff\xfe \"x\"");
  EXPECT_EQ(w.out, "\"caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd \\\"x\\\"\"");
}

TEST(ResponseWriter, EmptyObjectAndNumbers) {
  ObjectText o;
  std::string out;
  o.AppendTo(out);
  EXPECT_EQ(out, "{}");
  o.Key("lon").Double(-118.25);
  o.Key("lat").Double(34.0);
  o.Key("bail").Int(-5);
  o.Key("index").UInt(std::numeric_limits<uint64_t>::max());
  out.clear();
  o.AppendTo(out);
  EXPECT_EQ(out, "{\"bail\":-5,\"index\":18446744073709551615,\"lat\":34.0,\"lon\":-118.25}");
}

}  // namespace
}  // namespace tg::gateway
