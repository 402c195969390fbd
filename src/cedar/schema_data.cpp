// Schema-directed reading of entities and context JSON, and request validation.
#include "cedar/schema_data.h"

#include <algorithm>

#include "cedar/extensions.h"

namespace tg::cedar {
namespace {

using nlohmann::json;

const char* ConstructorOf(const std::string& ext) {
  if (ext == "ipaddr") return "ip";
  if (ext == "decimal") return "decimal";
  if (ext == "datetime") return "datetime";
  if (ext == "duration") return "duration";
  return "";
}

std::string Describe(const json& v) {
  if (v.is_boolean()) return "a boolean";
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return "null";
}

Status TypeError(const std::string& where, const SchemaType& t, const json& v) {
  return Status::InvalidArgument(where + ": expected " + t.ToString() + ", found " + Describe(v));
}

// {type,id} or {"__entity":{type,id}} -> (type, id); nullopt when the shape is wrong.
std::optional<std::pair<std::string, std::string>> UidOf(const json& v) {
  const json* u = &v;
  if (v.is_object() && v.contains("__entity")) u = &v["__entity"];
  if (!u->is_object() || !u->contains("type") || !u->contains("id")) return std::nullopt;
  const json& t = (*u)["type"];
  const json& i = (*u)["id"];
  if (!t.is_string() || !i.is_string()) return std::nullopt;
  return std::make_pair(t.get<std::string>(), i.get<std::string>());
}

Status CheckEnumId(const Schema& schema, const std::string& type, const std::string& id,
                   const std::string& where) {
  const EntityTypeDecl* d = schema.FindEntityType(type);
  if (d && d->enum_ids &&
      std::find(d->enum_ids->begin(), d->enum_ids->end(), id) == d->enum_ids->end()) {
    return Status::InvalidArgument(where + ": \"" + id + "\" is not a valid id of enum entity type " +
                                   type);
  }
  return Status::OK();
}

// Whether `id` may be an id of the declared type `d`: any id, unless `d` is an enum type.
// Allocation-free, for checks that run on every request (the message is built on failure).
bool EnumIdOk(const EntityTypeDecl* d, std::string_view id) {
  return d == nullptr || !d->enum_ids || std::find(d->enum_ids->begin(), d->enum_ids->end(), id) != d->enum_ids->end();
}

json UidJson(const std::string& type, const std::string& id) { return json{{"type", type}, {"id", id}}; }

}  // namespace

Result<json> ConformValueJson(const Schema& schema, const SchemaType& type, const json& v,
                              const std::string& where) {
  switch (type.kind) {
    case SchemaType::Kind::kBool:
      if (!v.is_boolean()) return TypeError(where, type, v);
      return v;
    case SchemaType::Kind::kLong:
      if (!v.is_number_integer()) return TypeError(where, type, v);
      if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX)) {
        return Status::InvalidArgument(where + ": integer out of range for Long");
      }
      return v;
    case SchemaType::Kind::kString:
      if (!v.is_string()) return TypeError(where, type, v);
      return v;
    case SchemaType::Kind::kEntity: {
      auto uid = UidOf(v);
      if (!uid) return TypeError(where, type, v);
      if (uid->first != type.name) {
        return Status::InvalidArgument(where + ": expected an entity of type " + type.name +
                                       ", found one of type " + uid->first);
      }
      TG_RETURN_IF_ERROR(CheckEnumId(schema, uid->first, uid->second, where));
      return json{{"__entity", UidJson(uid->first, uid->second)}};
    }
    case SchemaType::Kind::kExtension: {
      std::string ctor = ConstructorOf(type.name);
      if (v.is_string()) {
        return json{{"__extn", json{{"fn", ctor}, {"arg", v.get<std::string>()}}}};
      }
      const json* e = &v;
      if (v.is_object() && v.contains("__extn")) e = &v["__extn"];
      if (!e->is_object() || !e->contains("fn") || !(*e)["fn"].is_string()) return TypeError(where, type, v);
      std::string fn = (*e)["fn"].get<std::string>();
      if (ExtensionTypeOfConstructor(fn) != type.name) {
        return Status::InvalidArgument(where + ": expected " + type.name + ", found an extension value made by " + fn);
      }
      if (!e->contains("arg") || !(*e)["arg"].is_string()) {
        return Status::InvalidArgument(where + ": extension value needs one string \"arg\"");
      }
      return json{{"__extn", json{{"fn", fn}, {"arg", (*e)["arg"]}}}};
    }
    case SchemaType::Kind::kSet: {
      if (!v.is_array()) return TypeError(where, type, v);
      json out = json::array();
      for (size_t i = 0; i < v.size(); ++i) {
        auto el = ConformValueJson(schema, *type.element, v[i], where + "[" + std::to_string(i) + "]");
        if (!el.ok()) return el;
        out.push_back(std::move(*el));
      }
      return out;
    }
    case SchemaType::Kind::kRecord: {
      if (!v.is_object()) return TypeError(where, type, v);
      json out = json::object();
      for (const auto& [name, attr] : type.attributes) {
        auto it = v.find(name);
        if (it == v.end()) {
          if (attr.required) {
            return Status::InvalidArgument(where + ": missing required attribute \"" + name + "\"");
          }
          continue;
        }
        auto a = ConformValueJson(schema, *attr.type, *it, where + "." + name);
        if (!a.ok()) return a;
        out[name] = std::move(*a);
      }
      for (const auto& [name, val] : v.items()) {
        if (!type.attributes.count(name)) {
          return Status::InvalidArgument(where + ": attribute \"" + name + "\" is not declared");
        }
      }
      return out;
    }
  }
  return Status::Internal("unhandled schema type");
}

json ActionEntitiesJson(const Schema& schema) {
  json out = json::array();
  for (const auto& [uid, a] : schema.actions) {
    json parents = json::array();
    for (const auto& p : a.member_of) parents.push_back(UidJson(p.type, p.id));
    out.push_back(json{{"uid", UidJson(uid.type, uid.id)}, {"attrs", json::object()}, {"parents", parents}});
  }
  return out;
}

Result<json> ConformEntitiesJson(const Schema& schema, const json& entities) {
  if (!entities.is_array()) return Status::InvalidArgument("entities JSON must be an array");
  json out = json::array();
  for (size_t i = 0; i < entities.size(); ++i) {
    const json& e = entities[i];
    std::string where = "entity #" + std::to_string(i);
    if (!e.is_object() || !e.contains("uid")) return Status::InvalidArgument(where + ": needs a \"uid\"");
    auto uid = UidOf(e["uid"]);
    if (!uid) return Status::InvalidArgument(where + ": \"uid\" must be {\"type\",\"id\"}");
    where = uid->first + "::" + QuoteCedarString(uid->second);
    const EntityTypeDecl* decl = schema.FindEntityType(uid->first);
    if (!decl) {
      if (schema.IsActionType(uid->first)) {
        if (!schema.FindAction(ActionUid{uid->first, uid->second})) {
          return Status::InvalidArgument(where + ": action is not declared in the schema");
        }
        continue;  // the schema's own action entity replaces it
      }
      return Status::InvalidArgument(where + ": entity type " + uid->first + " is not declared in the schema");
    }
    TG_RETURN_IF_ERROR(CheckEnumId(schema, uid->first, uid->second, where));
    json attrs = e.contains("attrs") ? e["attrs"] : json::object();
    if (attrs.is_null()) attrs = json::object();
    auto conformed = ConformValueJson(schema, *decl->shape, attrs, where);
    if (!conformed.ok()) return conformed.status();
    json parents = json::array();
    if (e.contains("parents") && !e["parents"].is_null()) {
      if (!e["parents"].is_array()) return Status::InvalidArgument(where + ": \"parents\" must be an array");
      for (const auto& p : e["parents"]) {
        auto pu = UidOf(p);
        if (!pu) return Status::InvalidArgument(where + ": a parent must be {\"type\",\"id\"}");
        if (!decl->member_of.count(pu->first)) {
          return Status::InvalidArgument(where + ": entities of type " + uid->first +
                                         " cannot have parents of type " + pu->first);
        }
        TG_RETURN_IF_ERROR(CheckEnumId(schema, pu->first, pu->second, where));
        parents.push_back(UidJson(pu->first, pu->second));
      }
    }
    json entity{{"uid", UidJson(uid->first, uid->second)}, {"attrs", *conformed}, {"parents", parents}};
    if (e.contains("tags") && !e["tags"].is_null()) {
      const json& tags = e["tags"];
      if (!tags.is_object()) return Status::InvalidArgument(where + ": \"tags\" must be an object");
      if (!decl->tags && !tags.empty()) {
        return Status::InvalidArgument(where + ": entity type " + uid->first + " has no tags");
      }
      json out_tags = json::object();
      for (const auto& [k, tv] : tags.items()) {
        auto c = ConformValueJson(schema, *decl->tags, tv, where + " tag \"" + k + "\"");
        if (!c.ok()) return c.status();
        out_tags[k] = std::move(*c);
      }
      entity["tags"] = std::move(out_tags);
    }
    out.push_back(std::move(entity));
  }
  for (auto& a : ActionEntitiesJson(schema)) out.push_back(std::move(a));
  return out;
}

Result<Entities> ParseEntitiesWithSchema(const Schema& schema, const json& entities) {
  auto conformed = ConformEntitiesJson(schema, entities);
  if (!conformed.ok()) return conformed.status();
  return ParseEntitiesJson(*conformed);
}

Result<Entities> ActionEntities(const Schema& schema) { return ParseEntitiesJson(ActionEntitiesJson(schema)); }

Result<Value> ParseContextWithSchema(const Schema& schema, EntityUid action, const json& context) {
  const ActionDecl* a = schema.FindAction(ActionUid{std::string(action.type()), std::string(action.id())});
  if (!a) return ParseContextJson(context);
  json ctx = context.is_null() ? json::object() : context;
  auto conformed = ConformValueJson(schema, *a->context, ctx, "context");
  if (!conformed.ok()) return conformed.status();
  return ParseContextJson(*conformed);
}

namespace {

bool RecordHasType(const Schema& schema, const RecordAttrs& r, const SchemaType& t);

// Whether a parsed value has the schema type (used for contexts built without JSON).
bool HasType(const Schema& schema, const Value& v, const SchemaType& t) {
  switch (t.kind) {
    case SchemaType::Kind::kBool: return v.kind() == ValueKind::kBool;
    case SchemaType::Kind::kLong: return v.kind() == ValueKind::kLong;
    case SchemaType::Kind::kString: return v.kind() == ValueKind::kString;
    case SchemaType::Kind::kEntity:
      return v.kind() == ValueKind::kEntity && v.as_entity().type() == t.name &&
             EnumIdOk(schema.FindEntityType(t.name), v.as_entity().id());
    case SchemaType::Kind::kExtension:
      return (t.name == "ipaddr" && v.kind() == ValueKind::kIpAddr) ||
             (t.name == "decimal" && v.kind() == ValueKind::kDecimal) ||
             (t.name == "datetime" && v.kind() == ValueKind::kDatetime) ||
             (t.name == "duration" && v.kind() == ValueKind::kDuration);
    case SchemaType::Kind::kSet:
      if (v.kind() != ValueKind::kSet) return false;
      for (const auto& e : v.as_set()) {
        if (!HasType(schema, e, *t.element)) return false;
      }
      return true;
    case SchemaType::Kind::kRecord:
      return v.kind() == ValueKind::kRecord && RecordHasType(schema, v.as_record(), t);
  }
  return false;
}

bool RecordHasType(const Schema& schema, const RecordAttrs& r, const SchemaType& t) {
  for (const auto& [name, attr] : t.attributes) {
    auto it = r.find(name);
    if (it == r.end()) {
      if (attr.required) return false;
    } else if (!HasType(schema, it->second, *attr.type)) {
      return false;
    }
  }
  for (const auto& [name, val] : r) {
    if (!t.attributes.count(name)) return false;
  }
  return true;
}

}  // namespace

Status CheckEntityUidConforms(const Schema& schema, EntityUid uid) {
  const EntityTypeDecl* decl = schema.FindEntityType(uid.type());
  if (!decl) return Status::InvalidArgument("entity type " + std::string(uid.type()) + " is not declared in the schema");
  if (!EnumIdOk(decl, uid.id()))  // the message names the uid: built only on failure
    return CheckEnumId(schema, std::string(uid.type()), std::string(uid.id()), uid.ToString());
  return Status::OK();
}

Status CheckEntityConforms(const Schema& schema, const Entity& e) {
  TG_RETURN_IF_ERROR(CheckEntityUidConforms(schema, e.uid));
  const std::string_view type = e.uid.type();
  const EntityTypeDecl* decl = schema.FindEntityType(type);
  if (!RecordHasType(schema, e.attrs, *decl->shape))
    return Status::InvalidArgument(e.uid.ToString() + ": attributes do not have the shape " + decl->shape->ToString());
  for (EntityUid p : e.parents) {
    if (!decl->member_of.count(std::string(p.type())))
      return Status::InvalidArgument(e.uid.ToString() + ": entities of type " + std::string(type) +
                                     " cannot have parents of type " + std::string(p.type()));
  }
  if (!e.tags.empty()) {
    if (!decl->tags) return Status::InvalidArgument(e.uid.ToString() + ": entity type " + std::string(type) + " has no tags");
    for (const auto& [k, v] : e.tags)
      if (!HasType(schema, v, *decl->tags)) return Status::InvalidArgument(e.uid.ToString() + ": tag " + k + " has the wrong type");
  }
  return Status::OK();
}

void AppendConformanceKey(const Value& v, std::string* k) {
  auto put = [k](uint32_t n) { k->append(reinterpret_cast<const char*>(&n), sizeof n); };
  k->push_back(char(v.kind()));
  switch (v.kind()) {
    case ValueKind::kEntity: return put(v.as_entity().index());
    case ValueKind::kSet:
      put(uint32_t(v.as_set().size()));
      for (const auto& x : v.as_set()) AppendConformanceKey(x, k);
      return;
    case ValueKind::kRecord:
      put(uint32_t(v.as_record().size()));
      for (const auto& [name, x] : v.as_record()) {
        put(uint32_t(name.size()));
        k->append(name);
        AppendConformanceKey(x, k);
      }
      return;
    default: return;  // the kind is all a type can ask of the others
  }
}

bool ContextConforms(const Schema& schema, EntityUid action, const Value& context) {
  const ActionDecl* a = schema.FindAction(ActionUid{std::string(action.type()), std::string(action.id())});
  if (!a) return context.kind() == ValueKind::kRecord;
  return HasType(schema, context, *a->context);
}

Status ValidateRequest(const Schema& schema, const Request& request) {
  ActionUid au{std::string(request.action.type()), std::string(request.action.id())};
  const ActionDecl* a = schema.FindAction(au);
  if (!a) return Status::InvalidArgument("request's action " + au.ToString() + " is not declared in the schema");
  auto check = [&](EntityUid u, const std::vector<std::string>& allowed, const char* role) -> Status {
    std::string type(u.type());
    if (!schema.FindEntityType(type)) {
      return Status::InvalidArgument(std::string("request's ") + role + " type " + type + " is not declared in the schema");
    }
    if (std::find(allowed.begin(), allowed.end(), type) == allowed.end()) {
      return Status::InvalidArgument(std::string(role) + " type " + type + " is not valid for action " + au.ToString());
    }
    return CheckEnumId(schema, type, std::string(u.id()), std::string("request's ") + role);
  };
  TG_RETURN_IF_ERROR(check(request.principal, a->principal_types, "principal"));
  TG_RETURN_IF_ERROR(check(request.resource, a->resource_types, "resource"));
  if (!HasType(schema, request.context, *a->context)) {
    return Status::InvalidArgument("context does not conform to the context type of " + au.ToString() +
                                   ": expected " + a->context->ToString());
  }
  return Status::OK();
}

}  // namespace tg::cedar
