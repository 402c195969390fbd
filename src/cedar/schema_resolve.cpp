// Name resolution for schemas. An unqualified type name N written in namespace NS means, in
// order: the common type NS::N, the entity type NS::N, the common type N of the empty
// namespace, the entity type N of the empty namespace, then the builtin N (Bool, Long,
// String, ipaddr, decimal, datetime, duration). `__cedar::N` always means the builtin. A
// qualified name is taken as written (common type first, then entity type).
#include <functional>

#include "cedar/schema.h"
#include "cedar/schema_raw.h"

namespace tg::cedar::schema_internal {
namespace {

std::string Qualify(const std::string& ns, const std::string& name) {
  return ns.empty() ? name : ns + "::" + name;
}

SchemaTypePtr Builtin(const std::string& name) {
  if (name == "Bool" || name == "Boolean") return SchemaType::Bool();
  if (name == "Long") return SchemaType::Long();
  if (name == "String") return SchemaType::String();
  if (name == "ipaddr" || name == "decimal" || name == "datetime" || name == "duration") {
    return SchemaType::Extension(name);
  }
  return nullptr;
}

class Resolver {
 public:
  explicit Resolver(const RawSchema& raw) : raw_(raw) {}

  Result<Schema> Run() {
    std::set<std::string> ns_names;
    for (const auto& ns : raw_.namespaces) {
      if (!ns.name.empty() && !ns_names.insert(ns.name).second) {
        return Error(ns.loc, "namespace " + ns.name + " is declared twice");
      }
      if (ns.name == "__cedar" || ns.name.rfind("__cedar::", 0) == 0) {
        return Error(ns.loc, "the __cedar namespace is reserved");
      }
      for (const auto& e : ns.entities) {
        std::string q = Qualify(ns.name, e.name);
        if (!entity_names_.insert(q).second) return Error(e.loc, "entity type " + q + " is declared twice");
      }
      for (const auto& c : ns.common_types) {
        std::string q = Qualify(ns.name, c.name);
        if (Builtin(c.name) || c.name == "Set" || c.name == "Record" || c.name == "Entity" ||
            c.name == "Extension") {
          return Error(c.loc, "common type name " + c.name + " is reserved");
        }
        if (!common_.emplace(q, Common{&c, ns.name}).second) {
          return Error(c.loc, "common type " + q + " is declared twice");
        }
      }
      if (!ns.annotations.empty()) schema_.namespace_annotations[ns.name] = ns.annotations;
    }
    for (const auto& [q, c] : common_) {  // every common type must resolve, used or not
      auto t = ResolveCommon(q, c);
      if (!t.ok()) return t.status();
    }
    for (const auto& ns : raw_.namespaces) {
      for (const auto& e : ns.entities) TG_RETURN_IF_ERROR(AddEntity(ns.name, e));
    }
    for (const auto& ns : raw_.namespaces) {
      for (const auto& a : ns.actions) TG_RETURN_IF_ERROR(AddAction(ns.name, a));
    }
    for (const auto& [uid, a] : schema_.actions) {
      for (const auto& p : a.member_of) {
        if (!schema_.FindAction(p)) {
          return Error(a.loc, "action " + uid.ToString() + " is in undeclared action " + p.ToString());
        }
      }
    }
    TG_RETURN_IF_ERROR(CheckActionCycles());
    return std::move(schema_);
  }

 private:
  struct Common {
    const RawCommonType* decl;
    std::string ns;
  };

  Status Error(const SchemaLoc& loc, const std::string& msg) const {
    return Status::InvalidArgument(loc.ToString() + ": " + msg);
  }

  Result<std::string> EntityTypeName(const std::string& ns, const std::string& name,
                                     const SchemaLoc& loc) const {
    if (name.find("::") == std::string::npos) {
      std::string q = Qualify(ns, name);
      if (entity_names_.count(q)) return q;
      if (entity_names_.count(name)) return name;
    } else if (entity_names_.count(name)) {
      return name;
    }
    return Error(loc, "unknown entity type " + name);
  }

  Result<SchemaTypePtr> ResolveName(const std::string& ns, const std::string& name,
                                    const SchemaLoc& loc) {
    if (name.rfind("__cedar::", 0) == 0) {
      if (auto b = Builtin(name.substr(9))) return b;
      return Error(loc, "unknown builtin type " + name);
    }
    std::vector<std::string> candidates;
    if (name.find("::") == std::string::npos) {
      candidates = {Qualify(ns, name), name};
    } else {
      candidates = {name};
    }
    for (const auto& q : candidates) {
      auto it = common_.find(q);
      if (it != common_.end()) return ResolveCommon(q, it->second);
      if (entity_names_.count(q)) return SchemaType::Entity(q);
    }
    if (name.find("::") == std::string::npos) {
      if (auto b = Builtin(name)) return b;
    }
    return Error(loc, "unknown type " + name);
  }

  Result<SchemaTypePtr> ResolveCommon(const std::string& q, const Common& c) {
    auto done = resolved_common_.find(q);
    if (done != resolved_common_.end()) return done->second;
    if (!in_progress_.insert(q).second) return Error(c.decl->loc, "common type " + q + " refers to itself");
    auto t = Resolve(c.ns, c.decl->type);
    in_progress_.erase(q);
    if (!t.ok()) return t;
    resolved_common_[q] = *t;
    return t;
  }

  Result<SchemaTypePtr> Resolve(const std::string& ns, const RawTypePtr& t) {
    switch (t->kind) {
      case RawType::Kind::kName:
        return ResolveName(ns, t->name, t->loc);
      case RawType::Kind::kEntity: {
        auto n = EntityTypeName(ns, t->name, t->loc);
        if (!n.ok()) return n.status();
        return SchemaType::Entity(*n);
      }
      case RawType::Kind::kExtension: {
        auto b = Builtin(t->name);
        if (!b || b->kind != SchemaType::Kind::kExtension) {
          return Error(t->loc, "unknown extension type " + t->name);
        }
        return b;
      }
      case RawType::Kind::kBool:
        return SchemaType::Bool();
      case RawType::Kind::kLong:
        return SchemaType::Long();
      case RawType::Kind::kString:
        return SchemaType::String();
      case RawType::Kind::kSet: {
        auto el = Resolve(ns, t->element);
        if (!el.ok()) return el;
        return SchemaType::Set(*el);
      }
      case RawType::Kind::kRecord: {
        std::map<std::string, SchemaAttribute> attrs;
        for (const auto& a : t->attributes) {
          auto at = Resolve(ns, a.type);
          if (!at.ok()) return at;
          attrs[a.name] = SchemaAttribute{*at, a.required};
        }
        return SchemaType::Record(std::move(attrs));
      }
    }
    return Error(t->loc, "unsupported type");
  }

  Result<SchemaTypePtr> ResolveRecord(const std::string& ns, const RawTypePtr& t,
                                      const SchemaLoc& loc, const char* what) {
    if (!t) return SchemaType::Record({});
    auto r = Resolve(ns, t);
    if (!r.ok()) return r;
    if ((*r)->kind != SchemaType::Kind::kRecord) return Error(loc, std::string(what) + " must be a record type");
    return r;
  }

  Status AddEntity(const std::string& ns, const RawEntityDecl& e) {
    EntityTypeDecl d;
    d.name = Qualify(ns, e.name);
    d.loc = e.loc;
    d.annotations = e.annotations;
    d.enum_ids = e.enum_ids;
    for (const auto& p : e.member_of) {
      auto n = EntityTypeName(ns, p, e.loc);
      if (!n.ok()) return n.status();
      d.member_of.insert(*n);
    }
    auto shape = ResolveRecord(ns, e.shape, e.loc, "an entity type's shape");
    if (!shape.ok()) return shape.status();
    d.shape = *shape;
    if (e.tags) {
      auto tags = Resolve(ns, e.tags);
      if (!tags.ok()) return tags.status();
      d.tags = *tags;
    }
    schema_.entity_types[d.name] = std::move(d);
    return Status::OK();
  }

  Status AddAction(const std::string& ns, const RawActionDecl& a) {
    ActionDecl d;
    d.uid = ActionUid{Qualify(ns, "Action"), a.id};
    d.loc = a.loc;
    d.annotations = a.annotations;
    d.has_applies_to = a.has_applies_to;
    for (const auto& r : a.member_of) {
      std::string type = r.type.empty() || r.type == "Action" ? Qualify(ns, "Action") : r.type;
      d.member_of.push_back(ActionUid{type, r.id});
    }
    for (const auto& p : a.principal_types) {
      auto n = EntityTypeName(ns, p, a.loc);
      if (!n.ok()) return n.status();
      d.principal_types.push_back(*n);
    }
    for (const auto& r : a.resource_types) {
      auto n = EntityTypeName(ns, r, a.loc);
      if (!n.ok()) return n.status();
      d.resource_types.push_back(*n);
    }
    auto ctx = ResolveRecord(ns, a.context, a.loc, "an action's context");
    if (!ctx.ok()) return ctx.status();
    d.context = *ctx;
    if (schema_.actions.count(d.uid)) return Error(a.loc, "action " + d.uid.ToString() + " is declared twice");
    schema_.actions[d.uid] = std::move(d);
    return Status::OK();
  }

  Status CheckActionCycles() const {
    // Depth-first search with colours: 1 = on the stack, 2 = finished.
    std::map<ActionUid, int> colour;
    std::function<Status(const ActionUid&)> visit = [&](const ActionUid& u) -> Status {
      int& c = colour[u];
      if (c == 2) return Status::OK();
      const ActionDecl* a = schema_.FindAction(u);
      if (c == 1) return Error(a->loc, "action group cycle through " + u.ToString());
      c = 1;
      for (const auto& p : a->member_of) TG_RETURN_IF_ERROR(visit(p));
      colour[u] = 2;
      return Status::OK();
    };
    for (const auto& [uid, a] : schema_.actions) TG_RETURN_IF_ERROR(visit(uid));
    return Status::OK();
  }

  const RawSchema& raw_;
  Schema schema_;
  std::set<std::string> entity_names_;
  std::map<std::string, Common> common_;
  std::map<std::string, SchemaTypePtr> resolved_common_;
  std::set<std::string> in_progress_;
};

}  // namespace

Result<Schema> ResolveSchema(const RawSchema& raw) { return Resolver(raw).Run(); }

}  // namespace tg::cedar::schema_internal
