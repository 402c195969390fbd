#include "gateway/json_body.h"

#include "base/json_error.h"

namespace tg::gateway {

Result<nlohmann::json> ParseObjectBody(std::string_view body) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    // A syntax error ("parse error at line L, column C: ...") or a number out of range.
    std::string why(WithoutJsonExceptionTag(e.what()));
    if (why.rfind("parse error ", 0) == 0) return Status::InvalidArgument("malformed JSON " + why.substr(12));
    return Status::InvalidArgument("malformed JSON: " + why);
  }
  if (!j.is_object()) return Status::InvalidArgument(std::string("expected a JSON object, got ") + j.type_name());
  return j;
}

std::string UnknownField(const nlohmann::json& object, std::initializer_list<const char*> allowed,
                         const std::string& where) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool known = false;
    for (const char* k : allowed) known = known || it.key() == k;
    if (known) continue;
    std::string out = (where.empty() ? "" : where + ".") + it.key() + ": unknown field; expected one of: ";
    bool first = true;
    for (const char* k : allowed) {
      out += first ? "" : ", ";
      out += k;
      first = false;
    }
    return out;
  }
  return "";
}

}  // namespace tg::gateway
