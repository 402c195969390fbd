// The validator's types: construction, printing, equality, least upper bounds, and
// structural expression equality (capabilities are keyed by expressions).
#include <mutex>

#include "cedar/typecheck.h"

namespace tg::cedar::typecheck {

namespace {
TypePtr MakeType(Type::Kind k) {
  auto t = std::make_shared<Type>();
  t->kind = k;
  return t;
}
}  // namespace

TypePtr Type::Bool(BoolType b) {
  static const TypePtr any = [] { auto t = std::make_shared<Type>(); t->bool_type = BoolType::kAny; return t; }();
  static const TypePtr tt = [] { auto t = std::make_shared<Type>(); t->bool_type = BoolType::kTrue; return t; }();
  static const TypePtr ff = [] { auto t = std::make_shared<Type>(); t->bool_type = BoolType::kFalse; return t; }();
  return b == BoolType::kAny ? any : b == BoolType::kTrue ? tt : ff;
}
TypePtr Type::Long() {
  static const TypePtr t = MakeType(Kind::kLong);
  return t;
}
TypePtr Type::String() {
  static const TypePtr t = MakeType(Kind::kString);
  return t;
}
TypePtr Type::Entity(std::string name) {
  auto t = std::make_shared<Type>();
  t->kind = Kind::kEntity;
  t->name = std::move(name);
  return t;
}
TypePtr Type::Set(TypePtr element) {
  auto t = std::make_shared<Type>();
  t->kind = Kind::kSet;
  t->element = std::move(element);
  return t;
}
TypePtr Type::Record(std::map<std::string, QualifiedType> attrs) {
  auto t = std::make_shared<Type>();
  t->kind = Kind::kRecord;
  t->attrs = std::move(attrs);
  return t;
}
TypePtr Type::Ext(std::string name) {
  auto t = std::make_shared<Type>();
  t->kind = Kind::kExt;
  t->name = std::move(name);
  return t;
}

std::string Type::ToString() const {
  switch (kind) {
    case Kind::kBool:
      return bool_type == BoolType::kAny ? "Bool" : bool_type == BoolType::kTrue ? "True" : "False";
    case Kind::kLong: return "Long";
    case Kind::kString: return "String";
    case Kind::kEntity: return name;
    case Kind::kExt: return name;
    case Kind::kSet: return "Set<" + element->ToString() + ">";
    case Kind::kRecord: {
      std::string s = "{";
      bool first = true;
      for (const auto& [n, q] : attrs) {
        if (!first) s += ", ";
        first = false;
        s += QuoteCedarString(n) + (q.required ? ": " : "?: ") + q.type->ToString();
      }
      return s + "}";
    }
  }
  return "?";
}

bool TypeEquals(const Type& a, const Type& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Type::Kind::kBool: return a.bool_type == b.bool_type;
    case Type::Kind::kLong:
    case Type::Kind::kString: return true;
    case Type::Kind::kEntity:
    case Type::Kind::kExt: return a.name == b.name;
    case Type::Kind::kSet: return TypeEquals(*a.element, *b.element);
    case Type::Kind::kRecord: {
      if (a.attrs.size() != b.attrs.size()) return false;
      for (auto i = a.attrs.begin(), j = b.attrs.begin(); i != a.attrs.end(); ++i, ++j) {
        if (i->first != j->first || i->second.required != j->second.required ||
            !TypeEquals(*i->second.type, *j->second.type)) {
          return false;
        }
      }
      return true;
    }
  }
  return false;
}

TypePtr Lub(const TypePtr& a, const TypePtr& b) {
  if (a->kind == Type::Kind::kBool && b->kind == Type::Kind::kBool) {
    return Type::Bool(a->bool_type == b->bool_type ? a->bool_type : BoolType::kAny);
  }
  if (a->kind == Type::Kind::kSet && b->kind == Type::Kind::kSet) {
    TypePtr el = Lub(a->element, b->element);
    return el ? Type::Set(el) : nullptr;
  }
  if (a->kind == Type::Kind::kRecord && b->kind == Type::Kind::kRecord) {
    if (a->attrs.size() != b->attrs.size()) return nullptr;
    std::map<std::string, QualifiedType> out;
    for (auto i = a->attrs.begin(), j = b->attrs.begin(); i != a->attrs.end(); ++i, ++j) {
      if (i->first != j->first || i->second.required != j->second.required) return nullptr;
      TypePtr t = Lub(i->second.type, j->second.type);
      if (!t) return nullptr;
      out[i->first] = QualifiedType{t, i->second.required};
    }
    return Type::Record(std::move(out));
  }
  return TypeEquals(*a, *b) ? a : nullptr;
}

bool Subtype(const TypePtr& a, const TypePtr& b) {
  TypePtr l = Lub(a, b);
  return l && TypeEquals(*l, *b);
}

TypePtr FromSchema(const SchemaType& t) {
  switch (t.kind) {
    case SchemaType::Kind::kBool: return Type::Bool(BoolType::kAny);
    case SchemaType::Kind::kLong: return Type::Long();
    case SchemaType::Kind::kString: return Type::String();
    case SchemaType::Kind::kEntity: return Type::Entity(t.name);
    case SchemaType::Kind::kExtension: return Type::Ext(t.name);
    case SchemaType::Kind::kSet: return Type::Set(FromSchema(*t.element));
    case SchemaType::Kind::kRecord: {
      std::map<std::string, QualifiedType> attrs;
      for (const auto& [n, a] : t.attributes) attrs[n] = QualifiedType{FromSchema(*a.type), a.required};
      return Type::Record(std::move(attrs));
    }
  }
  return Type::Long();
}

bool ExprEquals(const Expr& a, const Expr& b) {
  if (&a == &b) return true;
  if (a.kind != b.kind || a.args.size() != b.args.size()) return false;
  switch (a.kind) {
    case ExprKind::kLiteral:
      if (!(a.literal == b.literal)) return false;
      break;
    case ExprKind::kVar:
      if (a.var != b.var) return false;
      break;
    case ExprKind::kSlot:
      if (a.slot != b.slot) return false;
      break;
    case ExprKind::kGetAttr:
    case ExprKind::kHasAttr:
    case ExprKind::kIs:
      if (a.name != b.name) return false;
      break;
    case ExprKind::kExtCall:
      if (a.name != b.name || a.method_call != b.method_call) return false;
      break;
    case ExprKind::kLike:
      if (a.pattern != b.pattern) return false;
      break;
    case ExprKind::kRecord:
      if (a.record_keys != b.record_keys) return false;
      break;
    default:
      break;
  }
  for (size_t i = 0; i < a.args.size(); ++i) {
    if (!ExprEquals(*a.args[i], *b.args[i])) return false;
  }
  return true;
}

}  // namespace tg::cedar::typecheck
