#include "cedar/policy_reads.h"

#include <algorithm>
#include <cstring>

namespace tg::cedar {

std::string PolicyReads::Path::ToString() const {
  std::string s = VarName(root);
  for (const auto& a : attrs) s += "." + a;
  return s;
}

namespace {

// Collects the value paths of one policy.
class Walker {
 public:
  Walker(const Policy& p, std::vector<PolicyReads::Path>* paths, std::string* why_not)
      : policy_(p), paths_(paths), why_not_(why_not) {}

  void Scope(Var var, const ScopeConstraint& c) {
    // `is T` alone needs only the type, which is always fingerprinted; ==, in and `is in`
    // need the identity (and its ancestors).
    if (c.op == ScopeConstraint::Op::kEq || c.op == ScopeConstraint::Op::kIn || c.op == ScopeConstraint::Op::kIsIn)
      Add(var, {});
  }

  void Walk(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kVar:
        if (e.var != Var::kAction) Add(e.var, {});  // the caller keys by action
        return;
      case ExprKind::kSlot:
        return Fail(e, "a template slot in a condition");
      case ExprKind::kHasTag:
      case ExprKind::kGetTag:
        return Fail(e, "entity tags");
      case ExprKind::kGetAttr:
      case ExprKind::kHasAttr: {
        // The longest path wins: its prefixes are only dereferenced.
        Var root;
        std::vector<std::string> attrs;
        if (!AsPath(*e.args[0], &root, &attrs)) return Fail(e, "an attribute of a computed value or of an entity literal");
        if (root == Var::kAction) return Fail(e, "an attribute of action");
        attrs.push_back(e.name);
        Add(root, std::move(attrs));
        return;
      }
      case ExprKind::kIn:
        // `x in y` reads x's ancestors: x must be a path, whose entity value brings them.
        if (!PathOrAction(*e.args[0])) return Fail(e, "`in` with a left side that is not a variable or attribute");
        Walk(*e.args[1]);
        return;
      case ExprKind::kIs:
        if (e.args.size() == 2) {  // `x is T in y`, as `in`
          if (!PathOrAction(*e.args[0])) return Fail(e, "`is ... in` with a left side that is not a variable or attribute");
          Walk(*e.args[1]);
          return;
        }
        if (e.args[0]->kind == ExprKind::kVar && e.args[0]->var != Var::kContext) return;  // the type alone
        Walk(*e.args[0]);
        return;
      default:
        for (const auto& a : e.args) Walk(*a);
    }
  }

 private:
  static bool AsPath(const Expr& e, Var* root, std::vector<std::string>* attrs) {
    if (e.kind == ExprKind::kVar) {
      *root = e.var;
      return true;
    }
    if (e.kind != ExprKind::kGetAttr || !AsPath(*e.args[0], root, attrs)) return false;
    attrs->push_back(e.name);
    return true;
  }

  // Walks `e` when it is a path (or `action`, keyed by the caller); false otherwise.
  bool PathOrAction(const Expr& e) {
    Var root;
    std::vector<std::string> attrs;
    if (!AsPath(e, &root, &attrs)) return false;
    if (root == Var::kAction) {
      if (!attrs.empty()) Fail(e, "an attribute of action");
      return true;
    }
    Add(root, std::move(attrs));
    return true;
  }

  void Add(Var root, std::vector<std::string> attrs) {
    for (const auto& p : *paths_)
      if (p.root == root && p.attrs == attrs) return;
    PolicyReads::Path p;
    p.root = root;
    for (const auto& a : attrs) p.symbols.push_back(InternAttrName(a));
    p.attrs = std::move(attrs);
    paths_->push_back(std::move(p));
  }

  void Fail(const Expr& e, const std::string& what) {
    if (why_not_->empty())
      *why_not_ = policy_.id + " (" + policy_.filename + " " + e.loc.ToString() + "): reads " + what;
  }

  const Policy& policy_;
  std::vector<PolicyReads::Path>* paths_;
  std::string* why_not_;
};

void PutU32(std::string* k, uint32_t v) { k->append(reinterpret_cast<const char*>(&v), sizeof v); }
void PutI64(std::string* k, int64_t v) { k->append(reinterpret_cast<const char*>(&v), sizeof v); }
void PutBytes(std::string* k, std::string_view s) {
  PutU32(k, uint32_t(s.size()));
  k->append(s);
}

// Markers for a path that stops before its end; values start with their kind (0-9) instead.
constexpr char kNoEntity = 'E';      // an entity on the path is not in the store
constexpr char kNoAttr = 'A';        // an attribute on the path is absent
constexpr char kNotAttrible = 'T';   // a value on the path has no attributes (not entity/record)

void PutEntity(EntityUid u, const Entities& es, std::string* k) {
  PutU32(k, u.index());
  const Entity* e = es.Find(u);
  if (e == nullptr) {
    k->push_back(kNoEntity);
    return;
  }
  k->push_back('+');
  PutU32(k, uint32_t(e->ancestors.size()));
  if (e->ancestors.empty()) return;
  std::vector<uint32_t> idx;
  idx.reserve(e->ancestors.size());
  for (EntityUid a : e->ancestors) idx.push_back(a.index());
  std::sort(idx.begin(), idx.end());
  for (uint32_t i : idx) PutU32(k, i);
}

void PutValue(const Value& v, const Entities& es, std::string* k) {
  k->push_back(char(v.kind()));
  switch (v.kind()) {
    case ValueKind::kBool: k->push_back(v.as_bool() ? 1 : 0); return;
    case ValueKind::kLong: return PutI64(k, v.as_long());
    case ValueKind::kString: return PutBytes(k, v.as_string());
    case ValueKind::kEntity: return PutEntity(v.as_entity(), es, k);
    case ValueKind::kSet:
      PutU32(k, uint32_t(v.as_set().size()));
      for (const auto& x : v.as_set()) PutValue(x, es, k);
      return;
    case ValueKind::kRecord:
      PutU32(k, uint32_t(v.as_record().size()));
      for (const auto& [name, x] : v.as_record()) {
        PutBytes(k, name);
        PutValue(x, es, k);
      }
      return;
    case ValueKind::kDecimal: return PutI64(k, v.as_decimal().scaled);
    case ValueKind::kIpAddr: {
      IpAddr a = v.as_ipaddr();
      k->push_back(a.v6 ? 1 : 0);
      PutI64(k, int64_t(a.hi));
      PutI64(k, int64_t(a.lo));
      k->push_back(char(a.prefix));
      return;
    }
    case ValueKind::kDatetime: return PutI64(k, v.as_datetime().ms);
    case ValueKind::kDuration: return PutI64(k, v.as_duration().ms);
  }
}

}  // namespace

PolicyReads PolicyReads::Of(const std::vector<Policy>& policies) {
  PolicyReads r;
  for (const Policy& p : policies) {
    Walker w(p, &r.paths_, &r.why_not_);
    w.Scope(Var::kPrincipal, p.principal);
    w.Scope(Var::kResource, p.resource);
    for (const auto& c : p.conditions) w.Walk(*c.body);
  }
  return r;
}

void PolicyReads::Fingerprint(const Request& request, const Entities& entities, std::string* key) const {
  PutU32(key, request.principal.type_index());
  PutU32(key, request.resource.type_index());
  const Value principal(request.principal), resource(request.resource);
  for (const Path& p : paths_) {
    const Value* cur = p.root == Var::kPrincipal ? &principal : p.root == Var::kResource ? &resource : &request.context;
    bool complete = true;
    for (size_t i = 0; i < p.attrs.size() && complete; ++i) {
      const Value* next = nullptr;
      if (cur->is_entity()) {
        const Entity* e = entities.Find(cur->as_entity());
        if (e == nullptr) {
          key->push_back(kNoEntity);
          complete = false;
        } else if ((next = e->FindAttr(p.symbols[i], p.attrs[i])) == nullptr) {
          key->push_back(kNoAttr);
          complete = false;
        }
      } else if (cur->is_record()) {
        const auto& rec = cur->as_record();
        auto it = rec.find(p.attrs[i]);
        if (it == rec.end()) {
          key->push_back(kNoAttr);
          complete = false;
        } else {
          next = &it->second;
        }
      } else {
        key->push_back(kNotAttrible);
        complete = false;
      }
      if (!complete) {
        PutU32(key, uint32_t(i));
      } else {
        cur = next;
      }
    }
    if (complete) PutValue(*cur, entities, key);
  }
}

}  // namespace tg::cedar
