// The JSON schema form: {"NS": {"entityTypes": {...}, "actions": {...}, "commonTypes": {...},
// "annotations": {...}}}. Produces the same raw schema as the human syntax.
#include <nlohmann/json.hpp>

#include "cedar/schema.h"
#include "cedar/schema_raw.h"

namespace tg::cedar {
namespace {

using namespace schema_internal;
using nlohmann::json;

class JsonSchemaReader {
 public:
  explicit JsonSchemaReader(std::string file) : file_(std::move(file)) {}

  Result<RawSchema> Run(const json& doc) {
    if (!doc.is_object()) return Err("", "a JSON schema must be an object keyed by namespace");
    RawSchema raw;
    bool saw_empty = false;
    for (const auto& [ns_name, body] : doc.items()) {
      RawNamespace ns;
      ns.name = ns_name;
      ns.loc = Loc();
      if (ns_name.empty()) saw_empty = true;
      if (!body.is_object()) return Err(ns_name, "namespace body must be an object");
      for (const auto& [key, val] : body.items()) {
        if (key == "entityTypes") {
          TG_RETURN_IF_ERROR(ReadEntityTypes(ns, val));
        } else if (key == "actions") {
          TG_RETURN_IF_ERROR(ReadActions(ns, val));
        } else if (key == "commonTypes") {
          if (!val.is_object()) return Err(ns_name, "commonTypes must be an object");
          for (const auto& [name, t] : val.items()) {
            auto rt = ReadType(t, ns_name + "." + name);
            if (!rt.ok()) return rt.status();
            ns.common_types.push_back(RawCommonType{name, *rt, Loc()});
          }
        } else if (key == "annotations") {
          TG_RETURN_IF_ERROR(ReadAnnotations(val, ns.annotations, ns_name));
        } else {
          return Err(ns_name, "unknown namespace field \"" + key + "\"");
        }
      }
      raw.namespaces.push_back(std::move(ns));
    }
    if (!saw_empty) raw.namespaces.insert(raw.namespaces.begin(), RawNamespace{});
    return raw;
  }

 private:
  SchemaLoc Loc() const { return SchemaLoc{file_, 1, 1}; }
  Status Err(const std::string& where, const std::string& msg) const {
    return Status::InvalidArgument(file_ + ": " + (where.empty() ? "" : "in " + where + ": ") + msg);
  }

  Status ReadAnnotations(const json& v, Annotations& out, const std::string& where) {
    if (!v.is_object()) return Err(where, "annotations must be an object");
    for (const auto& [k, a] : v.items()) {
      if (a.is_null()) {
        out[k] = "";
      } else if (a.is_string()) {
        out[k] = a.get<std::string>();
      } else {
        return Err(where, "annotation values must be strings");
      }
    }
    return Status::OK();
  }

  Status ReadStringList(const json& v, std::vector<std::string>& out, const std::string& where) {
    if (!v.is_array()) return Err(where, "expected an array of names");
    for (const auto& s : v) {
      if (!s.is_string()) return Err(where, "expected an array of names");
      out.push_back(s.get<std::string>());
    }
    return Status::OK();
  }

  Status ReadEntityTypes(RawNamespace& ns, const json& v) {
    if (!v.is_object()) return Err(ns.name, "entityTypes must be an object");
    for (const auto& [name, body] : v.items()) {
      std::string where = ns.name + "." + name;
      if (!body.is_object()) return Err(where, "an entity type must be an object");
      RawEntityDecl d;
      d.name = name;
      d.loc = Loc();
      for (const auto& [key, val] : body.items()) {
        if (key == "memberOfTypes") {
          TG_RETURN_IF_ERROR(ReadStringList(val, d.member_of, where));
        } else if (key == "shape") {
          auto t = ReadType(val, where);
          if (!t.ok()) return t.status();
          d.shape = *t;
        } else if (key == "tags") {
          auto t = ReadType(val, where);
          if (!t.ok()) return t.status();
          d.tags = *t;
        } else if (key == "enum") {
          std::vector<std::string> ids;
          TG_RETURN_IF_ERROR(ReadStringList(val, ids, where));
          if (ids.empty()) return Err(where, "an enum needs at least one id");
          d.enum_ids = std::move(ids);
        } else if (key == "annotations") {
          TG_RETURN_IF_ERROR(ReadAnnotations(val, d.annotations, where));
        } else {
          return Err(where, "unknown entity type field \"" + key + "\"");
        }
      }
      ns.entities.push_back(std::move(d));
    }
    return Status::OK();
  }

  Status ReadActions(RawNamespace& ns, const json& v) {
    if (!v.is_object()) return Err(ns.name, "actions must be an object");
    for (const auto& [id, body] : v.items()) {
      std::string where = ns.name + ".actions." + id;
      RawActionDecl d;
      d.id = id;
      d.loc = Loc();
      if (body.is_null()) {
        ns.actions.push_back(std::move(d));
        continue;
      }
      if (!body.is_object()) return Err(where, "an action must be an object");
      for (const auto& [key, val] : body.items()) {
        if (key == "memberOf") {
          if (!val.is_array()) return Err(where, "memberOf must be an array");
          for (const auto& r : val) {
            if (!r.is_object() || !r.contains("id") || !r["id"].is_string()) {
              return Err(where, "memberOf entries need a string \"id\"");
            }
            RawActionRef ref;
            ref.id = r["id"].get<std::string>();
            if (r.contains("type")) {
              if (!r["type"].is_string()) return Err(where, "memberOf \"type\" must be a string");
              ref.type = r["type"].get<std::string>();
            }
            d.member_of.push_back(std::move(ref));
          }
        } else if (key == "appliesTo") {
          if (val.is_null()) continue;
          if (!val.is_object()) return Err(where, "appliesTo must be an object");
          d.has_applies_to = true;
          for (const auto& [ak, av] : val.items()) {
            if (ak == "principalTypes") {
              TG_RETURN_IF_ERROR(ReadStringList(av, d.principal_types, where));
            } else if (ak == "resourceTypes") {
              TG_RETURN_IF_ERROR(ReadStringList(av, d.resource_types, where));
            } else if (ak == "context") {
              auto t = ReadType(av, where);
              if (!t.ok()) return t.status();
              d.context = *t;
            } else {
              return Err(where, "unknown appliesTo field \"" + ak + "\"");
            }
          }
        } else if (key == "annotations") {
          TG_RETURN_IF_ERROR(ReadAnnotations(val, d.annotations, where));
        } else if (key == "attributes") {
          return Err(where, "action attributes are not supported");
        } else {
          return Err(where, "unknown action field \"" + key + "\"");
        }
      }
      ns.actions.push_back(std::move(d));
    }
    return Status::OK();
  }

  Result<RawTypePtr> ReadType(const json& v, const std::string& where) {
    if (!v.is_object() || !v.contains("type") || !v["type"].is_string()) {
      return Err(where, "a type must be an object with a string \"type\"");
    }
    if (++depth_ > 200) return Err(where, "type nested too deeply");
    auto t = std::make_shared<RawType>();
    t->loc = Loc();
    std::string kind = v["type"].get<std::string>();
    auto name = [&]() -> Result<std::string> {
      if (!v.contains("name") || !v["name"].is_string()) return Err(where, kind + " needs a string \"name\"");
      return v["name"].get<std::string>();
    };
    if (kind == "Long") {
      t->kind = RawType::Kind::kLong;
    } else if (kind == "String") {
      t->kind = RawType::Kind::kString;
    } else if (kind == "Boolean") {
      t->kind = RawType::Kind::kBool;
    } else if (kind == "Set") {
      if (!v.contains("element")) return Err(where, "Set needs an \"element\" type");
      auto el = ReadType(v["element"], where);
      if (!el.ok()) return el;
      t->kind = RawType::Kind::kSet;
      t->element = *el;
    } else if (kind == "Record") {
      t->kind = RawType::Kind::kRecord;
      if (v.contains("additionalAttributes") && v["additionalAttributes"] == true) {
        return Err(where, "additionalAttributes is not supported");
      }
      if (v.contains("attributes")) {
        if (!v["attributes"].is_object()) return Err(where, "Record attributes must be an object");
        for (const auto& [an, av] : v["attributes"].items()) {
          RawAttribute a;
          a.name = an;
          auto at = ReadType(av, where + "." + an);
          if (!at.ok()) return at;
          a.type = *at;
          if (av.contains("required")) {
            if (!av["required"].is_boolean()) return Err(where, "\"required\" must be a boolean");
            a.required = av["required"].get<bool>();
          }
          t->attributes.push_back(std::move(a));
        }
      }
    } else if (kind == "Entity" || kind == "Extension" || kind == "EntityOrCommon") {
      auto n = name();
      if (!n.ok()) return n.status();
      t->name = *n;
      t->kind = kind == "Entity"      ? RawType::Kind::kEntity
                : kind == "Extension" ? RawType::Kind::kExtension
                                      : RawType::Kind::kName;
    } else {
      t->kind = RawType::Kind::kName;  // a common type's name
      t->name = kind;
    }
    --depth_;
    return RawTypePtr(t);
  }

  std::string file_;
  int depth_ = 0;
};

}  // namespace

Result<Schema> ParseSchemaJson(std::string_view text, std::string_view file) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument(std::string(file) + ": schema is not valid JSON");
  auto raw = JsonSchemaReader(std::string(file)).Run(doc);
  if (!raw.ok()) return raw.status();
  return schema_internal::ResolveSchema(*raw);
}

}  // namespace tg::cedar
