// Pretty-printer. Precedence levels mirror the grammar (if < || < && < relation < + - < * <
// unary < member < primary); an operand is parenthesised when its level is below what the
// grammar allows at that position, so the output re-parses to the same tree.
#include "cedar/printer.h"

#include "cedar/lexer.h"
#include "cedar/parser.h"

namespace tg::cedar {
namespace {

enum Level { kIf = 0, kOr, kAnd, kRel, kAdd, kMul, kUnary, kMember, kPrimary };

Level LevelOf(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kIf: return kIf;
    case ExprKind::kOr: return kOr;
    case ExprKind::kAnd: return kAnd;
    case ExprKind::kEq: case ExprKind::kNotEq: case ExprKind::kLess: case ExprKind::kLessEq:
    case ExprKind::kGreater: case ExprKind::kGreaterEq: case ExprKind::kIn: case ExprKind::kHasAttr:
    case ExprKind::kLike: case ExprKind::kIs:
      return kRel;
    case ExprKind::kAdd: case ExprKind::kSub: return kAdd;
    case ExprKind::kMul: return kMul;
    case ExprKind::kNot: case ExprKind::kNeg: return kUnary;
    case ExprKind::kLiteral:
      return e.literal.is_long() && e.literal.as_long() < 0 ? kUnary : kPrimary;
    case ExprKind::kGetAttr: case ExprKind::kContains: case ExprKind::kContainsAll:
    case ExprKind::kContainsAny: case ExprKind::kIsEmpty: case ExprKind::kHasTag: case ExprKind::kGetTag:
      return kMember;
    case ExprKind::kExtCall: return e.method_call ? kMember : kPrimary;
    default: return kPrimary;
  }
}

std::string Print(const Expr& e);

std::string At(const Expr& e, Level min) {
  std::string s = Print(e);
  return LevelOf(e) < min ? "(" + s + ")" : s;
}

std::string AttrAccess(const std::string& name) {
  return IsValidIdent(name) ? "." + name : "[" + QuoteCedarString(name) + "]";
}

const char* OpText(ExprKind k) {
  switch (k) {
    case ExprKind::kEq: return " == ";
    case ExprKind::kNotEq: return " != ";
    case ExprKind::kLess: return " < ";
    case ExprKind::kLessEq: return " <= ";
    case ExprKind::kGreater: return " > ";
    case ExprKind::kGreaterEq: return " >= ";
    case ExprKind::kIn: return " in ";
    case ExprKind::kAdd: return " + ";
    case ExprKind::kSub: return " - ";
    case ExprKind::kMul: return " * ";
    case ExprKind::kAnd: return " && ";
    case ExprKind::kOr: return " || ";
    default: return " ? ";
  }
}

const char* MethodName(ExprKind k) {
  switch (k) {
    case ExprKind::kContains: return "contains";
    case ExprKind::kContainsAll: return "containsAll";
    case ExprKind::kContainsAny: return "containsAny";
    case ExprKind::kIsEmpty: return "isEmpty";
    case ExprKind::kHasTag: return "hasTag";
    case ExprKind::kGetTag: return "getTag";
    default: return "?";
  }
}

std::string Pattern(const std::vector<PatternElem>& p) {
  std::string out = "\"";
  for (const PatternElem& el : p) {
    if (el.wildcard) {
      out += "*";
    } else if (el.ch == '*') {
      out += "\\*";
    } else {
      std::string q = QuoteCedarString(Utf8Encode(std::u32string(1, el.ch)));
      out += q.substr(1, q.size() - 2);
    }
  }
  return out + "\"";
}

std::string Print(const Expr& e) {
  const auto& a = e.args;
  switch (e.kind) {
    case ExprKind::kLiteral: return e.literal.ToString();
    case ExprKind::kVar: return VarName(e.var);
    case ExprKind::kSlot: return SlotName(e.slot);
    case ExprKind::kIf:
      return "if " + At(*a[0], kIf) + " then " + At(*a[1], kIf) + " else " + At(*a[2], kIf);
    case ExprKind::kOr: return At(*a[0], kOr) + " || " + At(*a[1], kAnd);
    case ExprKind::kAnd: return At(*a[0], kAnd) + " && " + At(*a[1], kRel);
    case ExprKind::kEq: case ExprKind::kNotEq: case ExprKind::kLess: case ExprKind::kLessEq:
    case ExprKind::kGreater: case ExprKind::kGreaterEq: case ExprKind::kIn:
      return At(*a[0], kAdd) + OpText(e.kind) + At(*a[1], kAdd);
    case ExprKind::kAdd: case ExprKind::kSub: return At(*a[0], kAdd) + OpText(e.kind) + At(*a[1], kMul);
    case ExprKind::kMul: return At(*a[0], kMul) + " * " + At(*a[1], kUnary);
    case ExprKind::kNot: return "!" + At(*a[0], kMember);
    case ExprKind::kNeg: return "-" + At(*a[0], kMember);
    case ExprKind::kHasAttr:
      return At(*a[0], kAdd) + " has " + (IsValidIdent(e.name) ? e.name : QuoteCedarString(e.name));
    case ExprKind::kGetAttr: return At(*a[0], kMember) + AttrAccess(e.name);
    case ExprKind::kLike: return At(*a[0], kAdd) + " like " + Pattern(e.pattern);
    case ExprKind::kIs: {
      std::string s = At(*a[0], kAdd) + " is " + e.name;
      if (a.size() > 1) s += " in " + At(*a[1], kAdd);
      return s;
    }
    case ExprKind::kContains: case ExprKind::kContainsAll: case ExprKind::kContainsAny:
    case ExprKind::kIsEmpty: case ExprKind::kHasTag: case ExprKind::kGetTag: {
      std::string s = At(*a[0], kMember) + "." + MethodName(e.kind) + "(";
      if (a.size() > 1) s += At(*a[1], kIf);
      return s + ")";
    }
    case ExprKind::kSet: {
      std::string s = "[";
      for (size_t i = 0; i < a.size(); ++i) s += (i ? ", " : "") + At(*a[i], kIf);
      return s + "]";
    }
    case ExprKind::kRecord: {
      std::string s = "{";
      for (size_t i = 0; i < a.size(); ++i)
        s += (i ? ", " : "") + QuoteCedarString(e.record_keys[i]) + ": " + At(*a[i], kIf);
      return s + "}";
    }
    case ExprKind::kExtCall: {
      std::string s;
      size_t first = 0;
      if (e.method_call && !a.empty()) {
        s = At(*a[0], kMember) + "." + e.name + "(";
        first = 1;
      } else {
        s = e.name + "(";
      }
      for (size_t i = first; i < a.size(); ++i) s += (i > first ? ", " : "") + At(*a[i], kIf);
      return s + ")";
    }
  }
  return "?";
}

std::string ScopeText(const char* var, const ScopeConstraint& s) {
  std::string target = s.slot ? SlotName(*s.slot) : (s.entity ? s.entity->ToString() : "");
  switch (s.op) {
    case ScopeConstraint::Op::kAny: return var;
    case ScopeConstraint::Op::kEq: return std::string(var) + " == " + target;
    case ScopeConstraint::Op::kIn: return std::string(var) + " in " + target;
    case ScopeConstraint::Op::kIs: return std::string(var) + " is " + s.entity_type;
    case ScopeConstraint::Op::kIsIn: return std::string(var) + " is " + s.entity_type + " in " + target;
  }
  return var;
}

std::string ActionText(const ActionConstraint& a) {
  switch (a.op) {
    case ActionConstraint::Op::kAny: return "action";
    case ActionConstraint::Op::kEq: return "action == " + a.entities[0].ToString();
    case ActionConstraint::Op::kIn: return "action in " + a.entities[0].ToString();
    case ActionConstraint::Op::kInSet: {
      std::string s = "action in [";
      for (size_t i = 0; i < a.entities.size(); ++i) s += (i ? ", " : "") + a.entities[i].ToString();
      return s + "]";
    }
  }
  return "action";
}

}  // namespace

std::string FormatExpr(const Expr& e) { return Print(e); }

std::string FormatPolicy(const Policy& p) {
  std::string s;
  for (const Annotation& a : p.annotations) {
    s += "@" + a.key;
    if (a.value) s += "(" + QuoteCedarString(*a.value) + ")";
    s += "\n";
  }
  s += p.effect == Effect::kPermit ? "permit (\n" : "forbid (\n";
  s += "  " + ScopeText("principal", p.principal) + ",\n";
  s += "  " + ActionText(p.action) + ",\n";
  s += "  " + ScopeText("resource", p.resource) + "\n)";
  for (const Condition& c : p.conditions) {
    s += c.is_when ? "\nwhen { " : "\nunless { ";
    s += Print(*c.body) + " }";
  }
  return s + ";\n";
}

std::string FormatPolicies(const std::vector<Policy>& policies) {
  std::string s;
  for (size_t i = 0; i < policies.size(); ++i) {
    if (i) s += "\n";
    s += FormatPolicy(policies[i]);
  }
  return s;
}

}  // namespace tg::cedar
