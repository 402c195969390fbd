// Response bodies written straight to text, without a nlohmann::json tree (the record
// routes' hot path). The bytes are what nlohmann's dump(-1, ' ', false, replace) gives for
// the same values: keys sorted, invalid UTF-8 as U+FFFD, its number formats.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tg::gateway {

// JSON values appended to `out`.
struct JsonText {
  std::string out;

  void Raw(std::string_view s) { out.append(s); }
  void Str(std::string_view s);
  void Int(int64_t v);
  void UInt(uint64_t v);
  void Double(double v);
  void Null() { out.append("null"); }
  void StrList(const std::vector<std::string>& v);
};

// A JSON object whose members are added in any order and written with keys sorted, as
// nlohmann's std::map objects are; a key added twice keeps its last value. Reused from
// one object to the next, it keeps its buffers.
class ObjectText {
 public:
  ObjectText() {  // room for a booking with every category, so it seldom grows
    values_.out.reserve(1024);
    members_.reserve(24);
  }
  // Starts member `key` (kept as a view: pass a literal); its value goes to the result.
  JsonText& Key(std::string_view key);
  void Str(std::string_view key, std::string_view v) { Key(key).Str(v); }
  // Appends the object to `out` and empties this one.
  void AppendTo(std::string& out);

 private:
  struct Member {
    std::string_view key;
    size_t begin, end;  // its value in values_.out
  };
  JsonText values_;
  std::vector<Member> members_;
};

}  // namespace tg::gateway
