#include "cedar/batch.h"

#include <algorithm>

#include "cedar/parser.h"
#include "cedar/schema.h"
#include "cedar/schema_data.h"

namespace tg::cedar {

namespace {
Result<Batch> LoadBatchImpl(const nlohmann::json& j) {
  if (!j.is_object()) return Status::InvalidArgument("a batch must be a JSON object");
  Batch b;
  auto pt = j.find("policies");
  if (pt == j.end() || !pt->is_string()) return Status::InvalidArgument("batch needs \"policies\" (Cedar text)");
  auto ps = ParsePolicies(pt->get<std::string>(), "policies");
  if (!ps.ok()) return Status::InvalidArgument("policies do not parse: " + ps.status().message());
  b.policies = std::move(ps).value();
  // Optional extension (used by the differential test's driver): named templates and links.
  if (auto tt = j.find("templates"); tt != j.end() && tt->is_object()) {
    for (auto it = tt->begin(); it != tt->end(); ++it) {
      if (!it.value().is_string()) return Status::InvalidArgument("templates: text expected");
      auto tl = ParsePolicyList(it.value().get<std::string>(), it.key());
      if (!tl.ok()) return Status::InvalidArgument("template does not parse: " + tl.status().message());
      if (tl->size() != 1) return Status::InvalidArgument("template " + it.key() + " must hold one policy");
      Policy t = std::move((*tl)[0]);
      t.id = it.key();
      TG_RETURN_IF_ERROR(b.policies.Add(std::move(t)));
    }
  }
  if (auto tl = j.find("templateLinks"); tl != j.end() && tl->is_array()) {
    for (const auto& link : *tl) {
      std::map<SlotId, EntityUid> values;
      for (auto it = link.at("values").begin(); it != link.at("values").end(); ++it) {
        auto uid = ParseEntityUidJson(it.value());
        if (!uid.ok()) return uid.status();
        if (it.key() == "?principal") values[SlotId::kPrincipal] = *uid;
        else if (it.key() == "?resource") values[SlotId::kResource] = *uid;
        else return Status::InvalidArgument("unknown slot " + it.key());
      }
      TG_RETURN_IF_ERROR(b.policies.Link(link.at("templateId").get<std::string>(),
                                         link.at("newId").get<std::string>(), values));
    }
  }
  std::optional<Schema> schema;
  if (auto st = j.find("schema"); st != j.end() && !st->is_null()) {
    if (!st->is_string()) return Status::InvalidArgument("\"schema\" must be Cedar schema text");
    auto s = ParseSchema(st->get<std::string>(), "schema");
    if (!s.ok()) return Status::InvalidArgument("schema does not parse: " + s.status().message());
    schema = std::move(s).value();
  }
  nlohmann::json ents = j.value("entities", nlohmann::json::array());
  auto es = schema ? ParseEntitiesWithSchema(*schema, ents) : ParseEntitiesJson(ents);
  if (es.ok()) b.entities = std::move(es).value();
  else b.entities_error = es.status().message();
  const nlohmann::json reqs = j.value("requests", nlohmann::json::array());
  if (!reqs.is_array()) return Status::InvalidArgument("\"requests\" must be an array");
  for (const auto& r : reqs) {
    nlohmann::json plain = r;
    if (plain.is_object()) plain.erase("context");
    auto req = ParseRequestJson(plain);
    if (req.ok() && r.is_object() && r.contains("context")) {
      auto ctx = schema ? ParseContextWithSchema(*schema, req->action, r["context"]) : ParseContextJson(r["context"]);
      if (ctx.ok()) req->context = std::move(ctx).value();
      else req = ctx.status();
    }
    if (req.ok()) {
      b.requests.push_back(std::move(req).value());
      b.request_errors.emplace_back();
    } else {
      b.requests.push_back(std::nullopt);
      b.request_errors.push_back(req.status().message());
    }
  }
  b.authorizer.emplace(b.policies);
  return b;
}

}  // namespace

Result<Batch> LoadBatch(const nlohmann::json& j) {
  try {
    return LoadBatchImpl(j);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("malformed batch: ") + e.what());
  }
}

std::vector<std::optional<Response>> RunBatch(const Batch& b, int repeat) {
  std::vector<std::optional<Response>> out(b.requests.size());
  if (!b.entities) return out;
  for (int k = 0; k < repeat; ++k)
    for (size_t i = 0; i < b.requests.size(); ++i)
      if (b.requests[i]) out[i] = b.authorizer->IsAuthorized(*b.requests[i], *b.entities);
  return out;
}

std::string BatchOutputLine(const Batch& b, size_t i, const std::optional<Response>& r) {
  nlohmann::ordered_json line;
  if (!r) {
    std::string why = !b.entities ? b.entities_error : b.request_errors[i];
    line["failure"] = nlohmann::json::array({why});
    return line.dump();
  }
  std::vector<std::string> reasons = r->reasons, errors;
  for (const PolicyError& e : r->errors) errors.push_back(e.policy_id);
  std::sort(reasons.begin(), reasons.end());
  std::sort(errors.begin(), errors.end());
  line["decision"] = r->decision == Decision::kAllow ? "allow" : "deny";
  line["reason"] = reasons;
  line["errors"] = errors;
  return line.dump();
}

}  // namespace tg::cedar
