// The readable part of a JSON library error. nlohmann::json's exception texts begin with a
// tag ("[json.exception.parse_error.101] "); what follows ("parse error at line 1, column 9:
// ...", "type must be number, but is string") is what a user can act on, so messages quote
// that part only.
#pragma once

#include <string_view>

namespace tg {

// `what` without its leading "[json.exception.KIND.N] " tag; unchanged when it has none.
inline std::string_view WithoutJsonExceptionTag(std::string_view what) {
  size_t tag_end = what.find("] ");
  if (what.substr(0, 16) != "[json.exception." || tag_end == std::string_view::npos) return what;
  return what.substr(tag_end + 2);
}

}  // namespace tg
