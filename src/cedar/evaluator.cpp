// Cedar expression semantics (cedar-spec Spec/Evaluator.lean): left-to-right evaluation,
// short-circuit && || if, int64 overflow is an error, == never errors.
#include "cedar/evaluator.h"

#include <algorithm>

#include "cedar/eval_context.h"
#include "cedar/extensions.h"

namespace tg::cedar {
namespace {

const Value kTrue(true);
const Value kFalse(false);
const Value& BoolVal(bool b) { return b ? kTrue : kFalse; }

const char* KindPrefix(EvalErrorKind k) {
  switch (k) {
    case EvalErrorKind::kEntityDoesNotExist: return "entityDoesNotExist";
    case EvalErrorKind::kAttrDoesNotExist: return "attrDoesNotExist";
    case EvalErrorKind::kTagDoesNotExist: return "tagDoesNotExist";
    case EvalErrorKind::kTypeError: return "typeError";
    case EvalErrorKind::kArithBoundsError: return "arithBoundsError";
    case EvalErrorKind::kExtensionError: return "extensionError";
    case EvalErrorKind::kUnlinkedSlot: return "unlinkedSlot";
  }
  return "error";
}

std::vector<char32_t> DecodeAll(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + len > s.size()) len = 1;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    out.push_back(cp);
    i += len;
  }
  return out;
}

}  // namespace

bool WildcardMatch(std::string_view text, const std::vector<PatternElem>& p) {
  // Greedy star matching with backtracking to the last star: linear in practice.
  bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; });
  std::vector<char32_t> decoded;
  if (!ascii) decoded = DecodeAll(text);
  size_t n = ascii ? text.size() : decoded.size();
  auto at = [&](size_t i) -> char32_t { return ascii ? static_cast<unsigned char>(text[i]) : decoded[i]; };
  size_t ti = 0, pi = 0, star_p = SIZE_MAX, star_t = 0;
  while (ti < n) {
    if (pi < p.size() && !p[pi].wildcard && p[pi].ch == at(ti)) {
      ++ti;
      ++pi;
    } else if (pi < p.size() && p[pi].wildcard) {
      star_p = pi++;
      star_t = ti;
    } else if (star_p != SIZE_MAX) {
      pi = star_p + 1;
      ti = ++star_t;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi].wildcard) ++pi;
  return pi == p.size();
}

const Value* EvalContext::TypeError(const char* op, const Value& got, const char* expected) {
  return Fail(EvalErrorKind::kTypeError,
              std::string(op) + ": expected " + expected + ", got " + ValueKindName(got.kind()));
}

bool EvalContext::EvalBool(const Expr& e, bool& ok) {
  Value scratch;
  const Value* v = Eval(e, scratch);
  if (!v) {
    ok = false;
    return false;
  }
  if (!v->is_bool()) {
    TypeError("condition", *v, "Bool");
    ok = false;
    return false;
  }
  ok = true;
  return v->as_bool();
}

const Value* EvalContext::EvalIn(EntityUid lhs, const Value& rhs, Value& scratch) {
  if (rhs.is_entity()) {
    scratch = Value(entities_.IsDescendantOrSelf(lhs, rhs.as_entity()));
    return &scratch;
  }
  if (rhs.is_set()) {
    bool found = false;
    for (const Value& x : rhs.as_set()) {
      if (!x.is_entity()) return TypeError("in", x, "Entity");
      if (!found && entities_.IsDescendantOrSelf(lhs, x.as_entity())) found = true;
    }
    scratch = Value(found);
    return &scratch;
  }
  return TypeError("in", rhs, "Entity or Set");
}

const Value* EvalContext::EvalBinary(const Expr& e, Value& scratch) {
  Value s0, s1;
  const Value* a = Eval(*e.args[0], s0);
  if (!a) return nullptr;
  const Value* b = Eval(*e.args[1], s1);
  if (!b) return nullptr;
  switch (e.kind) {
    case ExprKind::kEq: return &BoolVal(*a == *b);
    case ExprKind::kNotEq: return &BoolVal(!(*a == *b));
    case ExprKind::kLess: case ExprKind::kLessEq: case ExprKind::kGreater: case ExprKind::kGreaterEq: {
      int64_t x, y;
      if (a->is_long() && b->is_long()) {
        x = a->as_long();
        y = b->as_long();
      } else if (a->kind() == ValueKind::kDatetime && b->kind() == ValueKind::kDatetime) {
        x = a->as_datetime().ms;
        y = b->as_datetime().ms;
      } else if (a->kind() == ValueKind::kDuration && b->kind() == ValueKind::kDuration) {
        x = a->as_duration().ms;
        y = b->as_duration().ms;
      } else {
        const Value& bad = (a->is_long() || a->kind() == ValueKind::kDatetime ||
                            a->kind() == ValueKind::kDuration) ? *b : *a;
        return TypeError("comparison", bad, "Long, datetime or duration (both the same)");
      }
      bool r = e.kind == ExprKind::kLess ? x < y : e.kind == ExprKind::kLessEq ? x <= y
               : e.kind == ExprKind::kGreater ? x > y : x >= y;
      return &BoolVal(r);
    }
    case ExprKind::kAdd: case ExprKind::kSub: case ExprKind::kMul: {
      if (!a->is_long()) return TypeError("arithmetic", *a, "Long");
      if (!b->is_long()) return TypeError("arithmetic", *b, "Long");
      int64_t r;
      bool over = e.kind == ExprKind::kAdd ? __builtin_add_overflow(a->as_long(), b->as_long(), &r)
                  : e.kind == ExprKind::kSub ? __builtin_sub_overflow(a->as_long(), b->as_long(), &r)
                                              : __builtin_mul_overflow(a->as_long(), b->as_long(), &r);
      if (over) return Fail(EvalErrorKind::kArithBoundsError, "integer overflow");
      scratch = Value(r);
      return &scratch;
    }
    case ExprKind::kIn:
      if (!a->is_entity()) return TypeError("in", *a, "Entity");
      return EvalIn(a->as_entity(), *b, scratch);
    case ExprKind::kContains:
      if (!a->is_set()) return TypeError("contains", *a, "Set");
      return &BoolVal(std::binary_search(a->as_set().begin(), a->as_set().end(), *b));
    case ExprKind::kContainsAll: case ExprKind::kContainsAny: {
      if (!a->is_set()) return TypeError(e.kind == ExprKind::kContainsAll ? "containsAll" : "containsAny", *a, "Set");
      if (!b->is_set()) return TypeError(e.kind == ExprKind::kContainsAll ? "containsAll" : "containsAny", *b, "Set");
      const SetElems& x = a->as_set();
      const SetElems& y = b->as_set();
      if (e.kind == ExprKind::kContainsAll) {
        for (const Value& v : y)
          if (!std::binary_search(x.begin(), x.end(), v)) return &kFalse;
        return &kTrue;
      }
      for (const Value& v : y)
        if (std::binary_search(x.begin(), x.end(), v)) return &kTrue;
      return &kFalse;
    }
    case ExprKind::kHasTag: case ExprKind::kGetTag: {
      const char* op = e.kind == ExprKind::kHasTag ? "hasTag" : "getTag";
      if (!a->is_entity()) return TypeError(op, *a, "Entity");
      if (!b->is_string()) return TypeError(op, *b, "String");
      const Entity* ent = entities_.Find(a->as_entity());
      if (e.kind == ExprKind::kHasTag) return &BoolVal(ent && ent->tags.count(b->as_string()) > 0);
      if (!ent) return Fail(EvalErrorKind::kEntityDoesNotExist, "entity " + a->as_entity().ToString() + " does not exist");
      auto it = ent->tags.find(b->as_string());
      if (it == ent->tags.end())
        return Fail(EvalErrorKind::kTagDoesNotExist, "tag " + QuoteCedarString(b->as_string()) + " does not exist");
      return &it->second;
    }
    default: break;
  }
  return Fail(EvalErrorKind::kTypeError, "unsupported binary operator");
}

const Value* EvalContext::Eval(const Expr& e, Value& scratch) {
  switch (e.kind) {
    case ExprKind::kLiteral: return &e.literal;
    case ExprKind::kVar:
      switch (e.var) {
        case Var::kPrincipal: return &principal_;
        case Var::kAction: return &action_;
        case Var::kResource: return &resource_;
        case Var::kContext: return &context_;
      }
      return nullptr;
    case ExprKind::kSlot:
      return Fail(EvalErrorKind::kUnlinkedSlot, std::string("unlinked slot ") + SlotName(e.slot));
    case ExprKind::kIf: {
      bool ok;
      bool c = EvalBool(*e.args[0], ok);
      if (!ok) return nullptr;
      return Eval(*e.args[c ? 1 : 2], scratch);
    }
    case ExprKind::kAnd: case ExprKind::kOr: {
      bool ok;
      bool l = EvalBool(*e.args[0], ok);
      if (!ok) return nullptr;
      if (e.kind == ExprKind::kAnd ? !l : l) return &BoolVal(l);
      bool r = EvalBool(*e.args[1], ok);
      if (!ok) return nullptr;
      return &BoolVal(r);
    }
    case ExprKind::kNot: {
      const Value* v = Eval(*e.args[0], scratch);
      if (!v) return nullptr;
      if (!v->is_bool()) return TypeError("!", *v, "Bool");
      return &BoolVal(!v->as_bool());
    }
    case ExprKind::kNeg: {
      const Value* v = Eval(*e.args[0], scratch);
      if (!v) return nullptr;
      if (!v->is_long()) return TypeError("-", *v, "Long");
      int64_t r;
      if (__builtin_sub_overflow(int64_t{0}, v->as_long(), &r))
        return Fail(EvalErrorKind::kArithBoundsError, "integer overflow");
      scratch = Value(r);
      return &scratch;
    }
    case ExprKind::kIsEmpty: {
      const Value* v = Eval(*e.args[0], scratch);
      if (!v) return nullptr;
      if (!v->is_set()) return TypeError("isEmpty", *v, "Set");
      return &BoolVal(v->as_set().empty());
    }
    case ExprKind::kGetAttr: case ExprKind::kHasAttr: {
      Value s0;
      const Value* v = Eval(*e.args[0], s0);
      if (!v) return nullptr;
      const RecordAttrs* attrs = nullptr;
      if (v->is_record()) {
        attrs = &v->as_record();
      } else if (v->is_entity()) {
        const Entity* ent = entities_.Find(v->as_entity());
        if (!ent) {
          if (e.kind == ExprKind::kHasAttr) return &kFalse;
          return Fail(EvalErrorKind::kEntityDoesNotExist, "entity " + v->as_entity().ToString() + " does not exist");
        }
        if (e.attr_symbol != Expr::kNoSymbol) {
          const Value* found = ent->FindAttr(e.attr_symbol, e.name);
          if (e.kind == ExprKind::kHasAttr) return &BoolVal(found != nullptr);
          if (!found)
            return Fail(EvalErrorKind::kAttrDoesNotExist, "attribute " + QuoteCedarString(e.name) + " does not exist");
          return found;
        }
        attrs = &ent->attrs;
      } else {
        return TypeError(e.kind == ExprKind::kHasAttr ? "has" : "attribute access", *v, "Entity or Record");
      }
      auto it = attrs->find(e.name);
      if (e.kind == ExprKind::kHasAttr) return &BoolVal(it != attrs->end());
      if (it == attrs->end())
        return Fail(EvalErrorKind::kAttrDoesNotExist, "attribute " + QuoteCedarString(e.name) + " does not exist");
      if (v == &s0) {  // the record was computed: copy the attribute out before s0 dies
        scratch = it->second;
        return &scratch;
      }
      return &it->second;
    }
    case ExprKind::kLike: {
      const Value* v = Eval(*e.args[0], scratch);
      if (!v) return nullptr;
      if (!v->is_string()) return TypeError("like", *v, "String");
      return &BoolVal(WildcardMatch(v->as_string(), e.pattern));
    }
    case ExprKind::kIs: {
      const Value* v = Eval(*e.args[0], scratch);
      if (!v) return nullptr;
      if (!v->is_entity()) return TypeError("is", *v, "Entity");
      EntityUid uid = v->as_entity();
      if (uid.type() != e.name) return &kFalse;
      if (e.args.size() == 1) return &kTrue;
      Value s1;
      const Value* r = Eval(*e.args[1], s1);
      if (!r) return nullptr;
      return EvalIn(uid, *r, scratch);
    }
    case ExprKind::kSet: {
      std::vector<Value> elems;
      elems.reserve(e.args.size());
      for (const ExprPtr& a : e.args) {
        Value s;
        const Value* v = Eval(*a, s);
        if (!v) return nullptr;
        elems.push_back(v == &s ? std::move(s) : *v);
      }
      scratch = Value::Set(std::move(elems));
      return &scratch;
    }
    case ExprKind::kRecord: {
      RecordAttrs attrs;
      for (size_t i = 0; i < e.args.size(); ++i) {
        Value s;
        const Value* v = Eval(*e.args[i], s);
        if (!v) return nullptr;
        attrs.emplace(e.record_keys[i], v == &s ? std::move(s) : *v);
      }
      scratch = Value::Record(std::move(attrs));
      return &scratch;
    }
    case ExprKind::kExtCall: {
      std::vector<Value> args;
      args.reserve(e.args.size());
      for (const ExprPtr& a : e.args) {
        Value s;
        const Value* v = Eval(*a, s);
        if (!v) return nullptr;
        args.push_back(v == &s ? std::move(s) : *v);
      }
      Result<Value> r = CallExtension(e.name, args);
      if (!r.ok()) {
        std::string m = r.status().message();  // status() returns a copy
        bool type = m.rfind("typeError", 0) == 0;
        return Fail(type ? EvalErrorKind::kTypeError : EvalErrorKind::kExtensionError, m);
      }
      scratch = std::move(r).value();
      return &scratch;
    }
    default:
      return EvalBinary(e, scratch);
  }
}

Result<Value> Evaluate(const Expr& e, const Request& request, const Entities& entities) {
  EvalContext ctx(request, entities);
  Value scratch;
  const Value* v = ctx.Eval(e, scratch);
  if (!v) return Status::InvalidArgument(std::string(KindPrefix(ctx.error_kind())) + ": " + ctx.error());
  return *v;
}

}  // namespace tg::cedar
