// The expression type checker. It follows the reference's strict typing rules: Bool results
// are tracked as True/False/Bool so guards that are known at check time prune the branches they
// decide (a branch that cannot run is not checked), and capabilities record which optional
// attributes and tags a `has`/`hasTag` guard has proved present.
#include <algorithm>

#include "cedar/extensions.h"
#include "cedar/typecheck.h"

namespace tg::cedar::typecheck {
namespace {

bool HasCap(const Capabilities& caps, const Expr& x, const std::string& attr) {
  for (const auto& c : caps) {
    if (!c.is_tag && c.attr == attr && ExprEquals(*c.expr, x)) return true;
  }
  return false;
}

bool HasTagCap(const Capabilities& caps, const Expr& x, const Expr& tag) {
  for (const auto& c : caps) {
    if (c.is_tag && ExprEquals(*c.expr, x) && ExprEquals(*c.tag, tag)) return true;
  }
  return false;
}

bool SameCap(const Capability& a, const Capability& b) {
  if (a.is_tag != b.is_tag || !ExprEquals(*a.expr, *b.expr)) return false;
  return a.is_tag ? ExprEquals(*a.tag, *b.tag) : a.attr == b.attr;
}

Capabilities Union(const Capabilities& a, const Capabilities& b) {
  Capabilities out = a;
  for (const auto& c : b) {
    if (std::none_of(out.begin(), out.end(), [&](const Capability& o) { return SameCap(o, c); })) {
      out.push_back(c);
    }
  }
  return out;
}

Capabilities Intersect(const Capabilities& a, const Capabilities& b) {
  Capabilities out;
  for (const auto& c : a) {
    if (std::any_of(b.begin(), b.end(), [&](const Capability& o) { return SameCap(o, c); })) {
      out.push_back(c);
    }
  }
  return out;
}

bool IsBool(const TypePtr& t) { return t->kind == Type::Kind::kBool; }
bool IsExt(const TypePtr& t, const char* name) { return t->kind == Type::Kind::kExt && t->name == name; }

std::string Unexpected(const TypePtr& t, const char* wanted) {
  return std::string("expected ") + wanted + ", found " + t->ToString();
}

BoolType Not(BoolType b) {
  return b == BoolType::kAny ? b : b == BoolType::kTrue ? BoolType::kFalse : BoolType::kTrue;
}

}  // namespace

SchemaInfo::SchemaInfo(const Schema& s) : schema(s) {
  for (const auto& [name, decl] : s.entity_types) {
    std::set<std::string>& anc = type_ancestors[name];
    std::vector<std::string> todo(decl.member_of.begin(), decl.member_of.end());
    while (!todo.empty()) {
      std::string t = todo.back();
      todo.pop_back();
      if (!anc.insert(t).second) continue;
      if (const EntityTypeDecl* p = s.FindEntityType(t)) {
        for (const auto& m : p->member_of) todo.push_back(m);
      }
    }
  }
  for (const auto& [uid, a] : s.actions) {
    action_ancestors[uid] = s.ActionAncestors(uid);
    action_types.insert(uid.type);
  }
}

Checker::Checker(const SchemaInfo& info, const RequestEnv& env)
    : info_(info), schema_(info.schema), env_(env) {}

bool Checker::IsActionEntityType(const std::string& type) const { return info_.action_types.count(type) > 0; }

bool Checker::IsKnownEntityLiteral(EntityUid uid) const {
  const EntityTypeDecl* d = schema_.FindEntityType(uid.type());
  if (d) {
    return !d->enum_ids ||
           std::find(d->enum_ids->begin(), d->enum_ids->end(), uid.id()) != d->enum_ids->end();
  }
  return schema_.FindAction(ActionUid{std::string(uid.type()), std::string(uid.id())}) != nullptr;
}

std::optional<EntityUid> Checker::EntityLiteral(const Expr& e) const {
  if (e.kind == ExprKind::kLiteral && e.literal.is_entity()) return e.literal.as_entity();
  if (e.kind == ExprKind::kVar && e.var == Var::kAction) return EntityUid::Make(env_.action.type, env_.action.id);
  return std::nullopt;
}

std::optional<ActionUid> Checker::ActionLiteral(const Expr& e) const {
  auto uid = EntityLiteral(e);
  if (!uid) return std::nullopt;
  ActionUid a{std::string(uid->type()), std::string(uid->id())};
  if (!schema_.FindAction(a)) return std::nullopt;
  return a;
}

bool Checker::ActionDescendentOf(const ActionUid& a, const ActionUid& b) const {
  if (a == b) return true;
  auto it = info_.action_ancestors.find(a);
  return it != info_.action_ancestors.end() && it->second.count(b) > 0;
}

bool Checker::TypeDescendentOf(const std::string& a, const std::string& b) const {
  if (a == b) return true;
  auto it = info_.type_ancestors.find(a);
  if (it != info_.type_ancestors.end()) return it->second.count(b) > 0;
  for (const auto& [uid, anc] : info_.action_ancestors) {
    if (uid.type != a) continue;
    for (const auto& p : anc) {
      if (p.type == b) return true;
    }
  }
  return false;
}

std::optional<Value> LiteralValue(const Expr& e, const RequestEnv& env) {
  if (e.kind == ExprKind::kLiteral) return e.literal;
  if (e.kind == ExprKind::kVar && e.var == Var::kAction) return Value(EntityUid::Make(env.action.type, env.action.id));
  if (e.kind == ExprKind::kNeg && e.args.size() == 1 && e.args[0]->kind == ExprKind::kLiteral &&
      e.args[0]->literal.is_long() && e.args[0]->literal.as_long() != INT64_MIN) {
    return Value(-e.args[0]->literal.as_long());  // the reference folds `-5` into a literal
  }
  return std::nullopt;
}

std::optional<TypeError> Checker::TypeOf(const Expr& e, const Capabilities& caps, Typed& out) {
  out.caps.clear();
  switch (e.kind) {
    case ExprKind::kLiteral: {
      const Value& v = e.literal;
      switch (v.kind()) {
        case ValueKind::kBool: out.type = Type::Bool(v.as_bool() ? BoolType::kTrue : BoolType::kFalse); return {};
        case ValueKind::kLong: out.type = Type::Long(); return {};
        case ValueKind::kString: out.type = Type::String(); return {};
        case ValueKind::kEntity:
          if (!IsKnownEntityLiteral(v.as_entity())) {
            return Err(e, "unknown entity " + v.as_entity().ToString() + " (undeclared type, action or enum id)");
          }
          out.type = Type::Entity(std::string(v.as_entity().type()));
          return {};
        default:
          return Err(e, "unsupported literal");
      }
    }
    case ExprKind::kVar:
      switch (e.var) {
        case Var::kPrincipal: out.type = Type::Entity(env_.principal); return {};
        case Var::kAction: out.type = Type::Entity(env_.action.type); return {};
        case Var::kResource: out.type = Type::Entity(env_.resource); return {};
        case Var::kContext: out.type = env_.context; return {};
      }
      return Err(e, "unknown variable");
    case ExprKind::kSlot:
      out.type = Type::Entity(e.slot == SlotId::kPrincipal ? env_.principal : env_.resource);
      return {};
    case ExprKind::kIf: {
      Typed c, t, f;
      if (auto err = TypeOf(*e.args[0], caps, c)) return err;
      if (!IsBool(c.type)) return Err(*e.args[0], Unexpected(c.type, "Bool in if condition"));
      if (c.type->bool_type == BoolType::kTrue) {
        if (auto err = TypeOf(*e.args[1], Union(caps, c.caps), t)) return err;
        out.type = t.type;
        out.caps = Union(c.caps, t.caps);
        return {};
      }
      if (c.type->bool_type == BoolType::kFalse) {
        if (auto err = TypeOf(*e.args[2], caps, f)) return err;
        out = std::move(f);
        return {};
      }
      if (auto err = TypeOf(*e.args[1], Union(caps, c.caps), t)) return err;
      if (auto err = TypeOf(*e.args[2], caps, f)) return err;
      TypePtr l = Lub(t.type, f.type);
      if (!l) return Err(e, "if branches have incompatible types " + t.type->ToString() + " and " + f.type->ToString());
      out.type = l;
      out.caps = Intersect(Union(c.caps, t.caps), f.caps);
      return {};
    }
    case ExprKind::kAnd: {
      Typed a, b;
      if (auto err = TypeOf(*e.args[0], caps, a)) return err;
      if (!IsBool(a.type)) return Err(*e.args[0], Unexpected(a.type, "Bool operand of &&"));
      if (a.type->bool_type == BoolType::kFalse) {
        out.type = a.type;
        return {};
      }
      if (auto err = TypeOf(*e.args[1], Union(caps, a.caps), b)) return err;
      if (!IsBool(b.type)) return Err(*e.args[1], Unexpected(b.type, "Bool operand of &&"));
      if (b.type->bool_type == BoolType::kFalse) {
        out.type = b.type;
        return {};
      }
      out.type = Type::Bool(b.type->bool_type == BoolType::kTrue ? a.type->bool_type : BoolType::kAny);
      out.caps = Union(a.caps, b.caps);
      return {};
    }
    case ExprKind::kOr: {
      Typed a, b;
      if (auto err = TypeOf(*e.args[0], caps, a)) return err;
      if (!IsBool(a.type)) return Err(*e.args[0], Unexpected(a.type, "Bool operand of ||"));
      if (a.type->bool_type == BoolType::kTrue) {
        out.type = a.type;
        return {};
      }
      if (auto err = TypeOf(*e.args[1], caps, b)) return err;
      if (!IsBool(b.type)) return Err(*e.args[1], Unexpected(b.type, "Bool operand of ||"));
      if (a.type->bool_type == BoolType::kFalse) {
        out = std::move(b);
        return {};
      }
      if (b.type->bool_type == BoolType::kTrue) {
        out.type = b.type;
      } else if (b.type->bool_type == BoolType::kFalse) {
        out.type = a.type;
        out.caps = a.caps;
      } else {
        out.type = Type::Bool(BoolType::kAny);
        out.caps = Intersect(a.caps, b.caps);
      }
      return {};
    }
    case ExprKind::kNot: {
      Typed a;
      if (auto err = TypeOf(*e.args[0], caps, a)) return err;
      if (!IsBool(a.type)) return Err(*e.args[0], Unexpected(a.type, "Bool operand of !"));
      out.type = Type::Bool(Not(a.type->bool_type));
      return {};
    }
    case ExprKind::kNeg: {
      Typed a;
      if (auto err = TypeOf(*e.args[0], caps, a)) return err;
      if (a.type->kind != Type::Kind::kLong) return Err(*e.args[0], Unexpected(a.type, "Long operand of unary -"));
      out.type = Type::Long();
      return {};
    }
    case ExprKind::kIsEmpty: {
      Typed a;
      if (auto err = TypeOf(*e.args[0], caps, a)) return err;
      if (a.type->kind != Type::Kind::kSet) return Err(*e.args[0], Unexpected(a.type, "a set for isEmpty()"));
      out.type = Type::Bool(BoolType::kAny);
      return {};
    }
    case ExprKind::kLike: {
      Typed a;
      if (auto err = TypeOf(*e.args[0], caps, a)) return err;
      if (a.type->kind != Type::Kind::kString) return Err(*e.args[0], Unexpected(a.type, "String operand of like"));
      out.type = Type::Bool(BoolType::kAny);
      return {};
    }
    case ExprKind::kIs: {
      Typed a;
      if (auto err = TypeOf(*e.args[0], caps, a)) return err;
      if (a.type->kind != Type::Kind::kEntity) return Err(*e.args[0], Unexpected(a.type, "an entity operand of is"));
      BoolType is = a.type->name == e.name ? BoolType::kTrue : BoolType::kFalse;
      if (e.args.size() == 1 || is == BoolType::kFalse) {
        out.type = Type::Bool(is);
        return {};
      }
      // `x is T in y` is `x is T && x in y`.
      Expr mem;
      mem.kind = ExprKind::kIn;
      mem.loc = e.loc;
      mem.args = {e.args[0], e.args[1]};
      Typed m;
      if (auto err = Binary(mem, caps, m)) return err;
      out.type = m.type;
      return {};
    }
    case ExprKind::kHasAttr: {
      Typed a;
      if (auto err = TypeOf(*e.args[0], caps, a)) return err;
      const std::map<std::string, QualifiedType>* attrs = nullptr;
      TypePtr shape;
      bool known_to_exist = true;
      if (a.type->kind == Type::Kind::kRecord) {
        attrs = &a.type->attrs;
      } else if (a.type->kind == Type::Kind::kEntity) {
        const EntityTypeDecl* d = schema_.FindEntityType(a.type->name);
        if (!d) {
          if (IsActionEntityType(a.type->name)) {
            out.type = Type::Bool(BoolType::kFalse);
            return {};
          }
          return Err(e, "unknown entity type " + a.type->name);
        }
        shape = FromSchema(*d->shape);
        attrs = &shape->attrs;
        known_to_exist = false;
      } else {
        return Err(*e.args[0], Unexpected(a.type, "an entity or record operand of has"));
      }
      auto it = attrs->find(e.name);
      if (it == attrs->end()) {
        out.type = Type::Bool(BoolType::kFalse);
      } else if (HasCap(caps, *e.args[0], e.name) || (it->second.required && known_to_exist)) {
        out.type = Type::Bool(BoolType::kTrue);
      } else {
        out.type = Type::Bool(BoolType::kAny);
        out.caps.push_back(Capability{e.args[0].get(), false, e.name, nullptr});
      }
      return {};
    }
    case ExprKind::kGetAttr: {
      Typed a;
      if (auto err = TypeOf(*e.args[0], caps, a)) return err;
      const std::map<std::string, QualifiedType>* attrs = nullptr;
      TypePtr shape;
      if (a.type->kind == Type::Kind::kRecord) {
        attrs = &a.type->attrs;
      } else if (a.type->kind == Type::Kind::kEntity) {
        const EntityTypeDecl* d = schema_.FindEntityType(a.type->name);
        if (!d) return Err(e, "entity type " + a.type->name + " has no attributes");
        shape = FromSchema(*d->shape);
        attrs = &shape->attrs;
      } else {
        return Err(*e.args[0], Unexpected(a.type, "an entity or record for attribute access"));
      }
      auto it = attrs->find(e.name);
      if (it == attrs->end()) {
        return Err(e, "attribute " + QuoteCedarString(e.name) + " not found on " + a.type->ToString());
      }
      if (!it->second.required && !HasCap(caps, *e.args[0], e.name)) {
        return Err(e, "attribute " + QuoteCedarString(e.name) + " is optional; guard it with `has`");
      }
      out.type = it->second.type;
      return {};
    }
    case ExprKind::kSet: {
      if (e.args.empty()) return Err(e, "empty set literals are not allowed (their element type is unknown)");
      TypePtr lub;
      std::string all;
      bool bad = false;
      for (const auto& x : e.args) {
        Typed t;
        if (auto err = TypeOf(*x, caps, t)) return err;
        all += (all.empty() ? "" : ", ") + t.type->ToString();
        if (!lub) {
          lub = t.type;
        } else if (!bad) {
          TypePtr l = Lub(lub, t.type);
          if (!l) bad = true;
          else lub = l;
        }
      }
      if (bad) return Err(e, "set elements have incompatible types: " + all);
      out.type = Type::Set(lub);
      return {};
    }
    case ExprKind::kRecord: {
      std::map<std::string, QualifiedType> attrs;
      for (size_t i = 0; i < e.args.size(); ++i) {
        Typed t;
        if (auto err = TypeOf(*e.args[i], caps, t)) return err;
        attrs[e.record_keys[i]] = QualifiedType{t.type, true};
      }
      out.type = Type::Record(std::move(attrs));
      return {};
    }
    case ExprKind::kExtCall:
      return Call(e, caps, out);
    default:
      return Binary(e, caps, out);
  }
}

std::optional<TypeError> Checker::Binary(const Expr& e, const Capabilities& caps, Typed& out) {
  if (e.args.size() != 2) return Err(e, "malformed expression");
  Typed a, b;
  if (auto err = TypeOf(*e.args[0], caps, a)) return err;
  if (auto err = TypeOf(*e.args[1], caps, b)) return err;
  out.caps.clear();
  const TypePtr& t1 = a.type;
  const TypePtr& t2 = b.type;
  auto any = [&] {
    out.type = Type::Bool(BoolType::kAny);
    return std::nullopt;
  };
  switch (e.kind) {
    case ExprKind::kEq:
    case ExprKind::kNotEq: {
      BoolType r;
      auto l1 = LiteralValue(*e.args[0], env_);
      auto l2 = LiteralValue(*e.args[1], env_);
      if (l1 && l2) {
        r = *l1 == *l2 ? BoolType::kTrue : BoolType::kFalse;
      } else if (Lub(t1, t2)) {
        r = BoolType::kAny;
      } else if (t1->kind == Type::Kind::kEntity && t2->kind == Type::Kind::kEntity) {
        r = BoolType::kFalse;
      } else {
        return Err(e, "cannot compare " + t1->ToString() + " with " + t2->ToString() + " (incompatible types)");
      }
      out.type = Type::Bool(e.kind == ExprKind::kEq ? r : Not(r));
      return std::nullopt;
    }
    case ExprKind::kLess:
    case ExprKind::kLessEq:
    case ExprKind::kGreater:
    case ExprKind::kGreaterEq:
      if ((t1->kind == Type::Kind::kLong && t2->kind == Type::Kind::kLong) ||
          (IsExt(t1, "datetime") && IsExt(t2, "datetime")) || (IsExt(t1, "duration") && IsExt(t2, "duration"))) {
        return any();
      }
      return Err(e, "comparison needs two Longs, datetimes or durations, found " + t1->ToString() + " and " +
                        t2->ToString());
    case ExprKind::kAdd:
    case ExprKind::kSub:
    case ExprKind::kMul:
      if (t1->kind == Type::Kind::kLong && t2->kind == Type::Kind::kLong) {
        out.type = Type::Long();
        return std::nullopt;
      }
      return Err(e, "arithmetic needs two Longs, found " + t1->ToString() + " and " + t2->ToString());
    case ExprKind::kIn: {
      if (t1->kind != Type::Kind::kEntity) return Err(*e.args[0], Unexpected(t1, "an entity on the left of in"));
      auto act = ActionLiteral(*e.args[0]);
      if (t2->kind == Type::Kind::kEntity) {
        auto rhs = EntityLiteral(*e.args[1]);
        if (act && rhs) {
          ActionUid r{std::string(rhs->type()), std::string(rhs->id())};
          out.type = Type::Bool(ActionDescendentOf(*act, r) ? BoolType::kTrue : BoolType::kFalse);
          return std::nullopt;
        }
        out.type = Type::Bool(TypeDescendentOf(t1->name, t2->name) ? BoolType::kAny : BoolType::kFalse);
        return std::nullopt;
      }
      if (t2->kind == Type::Kind::kSet && t2->element->kind == Type::Kind::kEntity) {
        if (act && e.args[1]->kind == ExprKind::kSet) {
          std::vector<EntityUid> uids;
          for (const auto& x : e.args[1]->args) {
            auto u = EntityLiteral(*x);
            if (!u) break;
            uids.push_back(*u);
          }
          if (uids.size() == e.args[1]->args.size()) {
            bool hit = std::any_of(uids.begin(), uids.end(), [&](EntityUid u) {
              return ActionDescendentOf(*act, ActionUid{std::string(u.type()), std::string(u.id())});
            });
            out.type = Type::Bool(hit ? BoolType::kTrue : BoolType::kFalse);
            return std::nullopt;
          }
        }
        out.type = Type::Bool(TypeDescendentOf(t1->name, t2->element->name) ? BoolType::kAny : BoolType::kFalse);
        return std::nullopt;
      }
      return Err(*e.args[1], Unexpected(t2, "an entity or set of entities on the right of in"));
    }
    case ExprKind::kContains:
      if (t1->kind != Type::Kind::kSet) return Err(*e.args[0], Unexpected(t1, "a set for contains()"));
      if (!Lub(t2, t1->element)) {
        return Err(e, "contains() argument " + t2->ToString() + " is incompatible with " + t1->ToString());
      }
      return any();
    case ExprKind::kContainsAll:
    case ExprKind::kContainsAny:
      if (t1->kind != Type::Kind::kSet || t2->kind != Type::Kind::kSet) {
        return Err(e, "containsAll()/containsAny() need two sets, found " + t1->ToString() + " and " + t2->ToString());
      }
      if (!Lub(t1->element, t2->element)) {
        return Err(e, "sets of incompatible types " + t1->ToString() + " and " + t2->ToString());
      }
      return any();
    case ExprKind::kHasTag:
    case ExprKind::kGetTag: {
      if (t1->kind != Type::Kind::kEntity || t2->kind != Type::Kind::kString) {
        return Err(e, "tags need an entity and a String key, found " + t1->ToString() + " and " + t2->ToString());
      }
      const EntityTypeDecl* d = schema_.FindEntityType(t1->name);
      bool has_tags = d && !d->enum_ids && d->tags;
      if (e.kind == ExprKind::kHasTag) {
        if (!d) {
          if (IsActionEntityType(t1->name)) {
            out.type = Type::Bool(BoolType::kFalse);
            return std::nullopt;
          }
          return Err(e, "unknown entity type " + t1->name);
        }
        if (!has_tags) {
          out.type = Type::Bool(BoolType::kFalse);
        } else if (HasTagCap(caps, *e.args[0], *e.args[1])) {
          out.type = Type::Bool(BoolType::kTrue);
        } else {
          out.type = Type::Bool(BoolType::kAny);
          out.caps.push_back(Capability{e.args[0].get(), true, "", e.args[1].get()});
        }
        return std::nullopt;
      }
      if (!d) return Err(e, "unknown entity type " + t1->name);
      if (!has_tags) return Err(e, "entity type " + t1->name + " has no tags");
      if (!HasTagCap(caps, *e.args[0], *e.args[1])) return Err(e, "tag read without a `hasTag` guard");
      out.type = FromSchema(*d->tags);
      return std::nullopt;
    }
    default:
      return Err(e, "unsupported expression");
  }
}

std::optional<TypeError> Checker::Call(const Expr& e, const Capabilities& caps, Typed& out) {
  std::vector<TypePtr> tys;
  for (const auto& x : e.args) {
    Typed t;
    if (auto err = TypeOf(*x, caps, t)) return err;
    tys.push_back(t.type);
  }
  out.caps.clear();
  const std::string& f = e.name;
  auto ctor = [&](auto parse, const char* type) -> std::optional<TypeError> {
    if (e.args.size() != 1 || e.args[0]->kind != ExprKind::kLiteral || !e.args[0]->literal.is_string()) {
      return Err(e, f + "() needs one string literal argument");
    }
    if (!parse(e.args[0]->literal.as_string())) {
      return Err(e, f + "(" + QuoteCedarString(e.args[0]->literal.as_string()) + ") is not a valid " + type);
    }
    out.type = Type::Ext(type);
    return std::nullopt;
  };
  if (f == "decimal") return ctor(ParseDecimal, "decimal");
  if (f == "ip") return ctor(ParseIpAddr, "ipaddr");
  if (f == "datetime") return ctor(ParseDatetime, "datetime");
  if (f == "duration") return ctor(ParseDuration, "duration");
  auto sig = [&](std::initializer_list<const char*> args) {
    if (tys.size() != args.size()) return false;
    size_t i = 0;
    for (const char* a : args) {
      if (!IsExt(tys[i++], a)) return false;
    }
    return true;
  };
  TypePtr result;
  if (f == "lessThan" || f == "lessThanOrEqual" || f == "greaterThan" || f == "greaterThanOrEqual") {
    if (sig({"decimal", "decimal"})) result = Type::Bool(BoolType::kAny);
  } else if (f == "isIpv4" || f == "isIpv6" || f == "isLoopback" || f == "isMulticast") {
    if (sig({"ipaddr"})) result = Type::Bool(BoolType::kAny);
  } else if (f == "isInRange") {
    if (sig({"ipaddr", "ipaddr"})) result = Type::Bool(BoolType::kAny);
  } else if (f == "offset") {
    if (sig({"datetime", "duration"})) result = Type::Ext("datetime");
  } else if (f == "durationSince") {
    if (sig({"datetime", "datetime"})) result = Type::Ext("duration");
  } else if (f == "toDate") {
    if (sig({"datetime"})) result = Type::Ext("datetime");
  } else if (f == "toTime") {
    if (sig({"datetime"})) result = Type::Ext("duration");
  } else if (f == "toMilliseconds" || f == "toSeconds" || f == "toMinutes" || f == "toHours" || f == "toDays") {
    if (sig({"duration"})) result = Type::Long();
  } else {
    return Err(e, "unknown extension function " + f);
  }
  if (!result) {
    std::string found;
    for (const auto& t : tys) found += (found.empty() ? "" : ", ") + t->ToString();
    return Err(e, f + "() cannot take (" + found + ")");
  }
  out.type = result;
  return std::nullopt;
}

}  // namespace tg::cedar::typecheck
