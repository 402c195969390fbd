#include "cedar/request.h"

#include "cedar/entities.h"
#include "cedar/parser.h"

namespace tg::cedar {

Result<Value> ParseContextJson(const nlohmann::json& j) {
  if (j.is_null()) return Value::Record({});
  if (!j.is_object()) return Status::InvalidArgument("the context must be a JSON object");
  auto v = ParseValueJson(j);
  if (!v.ok()) return Status::InvalidArgument("context: " + v.status().message());
  if (!v->is_record()) return Status::InvalidArgument("the context must be a record, not an escaped value");
  return v;
}

namespace {

Result<EntityUid> RequestUid(const nlohmann::json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end()) return Status::InvalidArgument(std::string("request has no \"") + field + "\"");
  if (it->is_string()) {
    auto u = ParseEntityUid(it->get<std::string>());
    if (!u.ok()) return Status::InvalidArgument(std::string(field) + ": " + u.status().message());
    return u;
  }
  auto u = ParseEntityUidJson(*it);
  if (!u.ok()) return Status::InvalidArgument(std::string(field) + ": " + u.status().message());
  return u;
}

}  // namespace

Result<Request> ParseRequestJson(const nlohmann::json& j) {
  if (!j.is_object()) return Status::InvalidArgument("a request must be a JSON object");
  Request r;
  auto p = RequestUid(j, "principal");
  if (!p.ok()) return p.status();
  auto a = RequestUid(j, "action");
  if (!a.ok()) return a.status();
  auto res = RequestUid(j, "resource");
  if (!res.ok()) return res.status();
  r.principal = *p;
  r.action = *a;
  r.resource = *res;
  auto c = j.find("context");
  if (c != j.end()) {
    auto ctx = ParseContextJson(*c);
    if (!ctx.ok()) return ctx.status();
    r.context = std::move(ctx).value();
  }
  return r;
}

}  // namespace tg::cedar
