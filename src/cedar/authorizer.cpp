// Authorization (cedar-spec Spec/Authorizer.lean). Policies are compiled once: scopes become
// integer comparisons on interned uids and type numbers, and policies are bucketed by the
// action they name so a request skips policies for other actions without looking at them.
#include "cedar/authorizer.h"

#include <unordered_map>

#include "cedar/eval_context.h"
#include "cedar/extensions.h"

namespace tg::cedar {
namespace {

struct CompiledScope {
  ScopeConstraint::Op op = ScopeConstraint::Op::kAny;
  EntityUid uid;
  uint32_t type_index = 0;

  bool Matches(EntityUid x, const Entities& es) const {
    switch (op) {
      case ScopeConstraint::Op::kAny: return true;
      case ScopeConstraint::Op::kEq: return x == uid;
      case ScopeConstraint::Op::kIn: return es.IsDescendantOrSelf(x, uid);
      case ScopeConstraint::Op::kIs: return x.type_index() == type_index;
      case ScopeConstraint::Op::kIsIn: return x.type_index() == type_index && es.IsDescendantOrSelf(x, uid);
    }
    return false;
  }
};

CompiledScope Compile(const ScopeConstraint& s) {
  CompiledScope c;
  c.op = s.op;
  if (s.entity) c.uid = *s.entity;
  if (s.op == ScopeConstraint::Op::kIs || s.op == ScopeConstraint::Op::kIsIn)
    c.type_index = InternEntityType(s.entity_type);
  return c;
}

// Replaces extension constructor calls on string literals that parse (`ip("10.0.0.0/8")`,
// `duration("72h")`) with the literal value, so they are not re-parsed on every request.
// Calls that would fail are kept, so they still raise their error when evaluated.
ExprPtr Fold(const ExprPtr& e) {
  std::vector<ExprPtr> args;
  bool changed = false;
  for (const ExprPtr& a : e->args) {
    args.push_back(Fold(a));
    changed |= args.back() != a;
  }
  if (e->kind == ExprKind::kExtCall && !e->method_call && args.size() == 1 &&
      args[0]->kind == ExprKind::kLiteral && args[0]->literal.is_string() && IsExtensionConstructor(e->name)) {
    auto v = MakeExtensionValue(e->name, args[0]->literal.as_string());
    if (v.ok()) {
      auto lit = std::make_shared<Expr>();
      lit->kind = ExprKind::kLiteral;
      lit->loc = e->loc;
      lit->literal = std::move(v).value();
      return lit;
    }
  }
  bool attr = e->kind == ExprKind::kGetAttr || e->kind == ExprKind::kHasAttr;
  if (!changed && !attr) return e;
  auto copy = std::make_shared<Expr>(*e);
  copy->args = std::move(args);
  if (attr) copy->attr_symbol = InternAttrName(e->name);
  return copy;
}

struct CompiledPolicy {
  std::string id;
  bool forbid;
  CompiledScope principal, resource;
  ActionConstraint action;
  std::vector<std::pair<bool, ExprPtr>> conditions;  // (is_when, body)
};

bool ActionMatches(const ActionConstraint& a, EntityUid x, const Entities& es) {
  switch (a.op) {
    case ActionConstraint::Op::kAny: return true;
    case ActionConstraint::Op::kEq: return x == a.entities[0];
    case ActionConstraint::Op::kIn: return es.IsDescendantOrSelf(x, a.entities[0]);
    case ActionConstraint::Op::kInSet:
      for (EntityUid u : a.entities)
        if (es.IsDescendantOrSelf(x, u)) return true;
      return false;
  }
  return false;
}

}  // namespace

struct Authorizer::Impl {
  std::vector<CompiledPolicy> policies;
  // Policies whose action scope is `== A`, by A; the rest must be checked for every request.
  std::unordered_map<EntityUid, std::vector<uint32_t>, EntityUidHash> by_exact_action;
  std::vector<uint32_t> other_action;
};

Authorizer::Authorizer(const PolicySet& set) : impl_(std::make_unique<Impl>()) {
  for (const Policy& p : set.policies()) {
    CompiledPolicy c;
    c.id = p.id;
    c.forbid = p.effect == Effect::kForbid;
    c.principal = Compile(p.principal);
    c.resource = Compile(p.resource);
    c.action = p.action;
    for (const Condition& cond : p.conditions) c.conditions.emplace_back(cond.is_when, Fold(cond.body));
    uint32_t idx = static_cast<uint32_t>(impl_->policies.size());
    impl_->policies.push_back(std::move(c));
    if (p.action.op == ActionConstraint::Op::kEq) impl_->by_exact_action[p.action.entities[0]].push_back(idx);
    else impl_->other_action.push_back(idx);
  }
}

Authorizer::~Authorizer() = default;
Authorizer::Authorizer(Authorizer&&) noexcept = default;
Authorizer& Authorizer::operator=(Authorizer&&) noexcept = default;

Response Authorizer::IsAuthorized(const Request& request, const Entities& entities) const {
  EvalContext ctx(request, entities);
  Response resp;
  bool any_permit = false, any_forbid = false;
  // Determining policies are collected per effect, then the losing side is dropped.
  std::vector<uint32_t> permits, forbids, errors;
  std::vector<std::string> error_messages;
  auto consider = [&](uint32_t idx) {
    const CompiledPolicy& c = impl_->policies[idx];
    if (!c.principal.Matches(request.principal, entities)) return;
    if (!ActionMatches(c.action, request.action, entities)) return;
    if (!c.resource.Matches(request.resource, entities)) return;
    for (const auto& [is_when, body] : c.conditions) {
      bool ok;
      bool v = ctx.EvalBool(*body, ok);
      if (!ok) {
        errors.push_back(idx);
        error_messages.push_back(ctx.error());
        return;
      }
      if (v != is_when) return;
    }
    if (c.forbid) {
      any_forbid = true;
      forbids.push_back(idx);
    } else {
      any_permit = true;
      permits.push_back(idx);
    }
  };
  auto exact = impl_->by_exact_action.find(request.action);
  if (exact == impl_->by_exact_action.end()) {
    for (uint32_t idx : impl_->other_action) consider(idx);
  } else {
    // Merge the two sorted index lists so results stay in policy order.
    const auto& a = exact->second;
    const auto& b = impl_->other_action;
    size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
      if (j == b.size() || (i < a.size() && a[i] < b[j])) consider(a[i++]);
      else consider(b[j++]);
    }
  }
  if (any_forbid) {
    resp.decision = Decision::kDeny;
    for (uint32_t idx : forbids) resp.reasons.push_back(impl_->policies[idx].id);
  } else if (any_permit) {
    resp.decision = Decision::kAllow;
    for (uint32_t idx : permits) resp.reasons.push_back(impl_->policies[idx].id);
  } else {
    resp.decision = Decision::kDeny;
  }
  for (size_t k = 0; k < errors.size(); ++k)
    resp.errors.push_back(PolicyError{impl_->policies[errors[k]].id, error_messages[k]});
  return resp;
}

Result<bool> EvaluatePolicy(const Policy& p, const Request& request, const Entities& entities) {
  if (p.IsTemplate()) return Status::InvalidArgument("unlinkedSlot: a template cannot be evaluated");
  PolicySet set;
  TG_RETURN_IF_ERROR(set.Add(p));
  Authorizer auth(set);
  Response r = auth.IsAuthorized(request, entities);
  if (!r.errors.empty()) return Status::InvalidArgument(r.errors[0].message);
  return !r.reasons.empty();
}

}  // namespace tg::cedar
