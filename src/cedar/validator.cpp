// The strict validator: builds each policy's whole condition (scope && conditions, as the
// reference desugars it), then type-checks it in every request environment of the schema with
// the action variable replaced by the environment's action.
#include "cedar/validator.h"

#include <set>

#include "cedar/typecheck.h"

namespace tg::cedar {
namespace {

using namespace typecheck;

ExprPtr Node(ExprKind kind, SourceLoc loc, std::vector<ExprPtr> args = {}) {
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  e->loc = loc;
  e->args = std::move(args);
  return e;
}

ExprPtr VarNode(Var v, SourceLoc loc) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kVar;
  e->var = v;
  e->loc = loc;
  return e;
}

ExprPtr Literal(Value v, SourceLoc loc) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kLiteral;
  e->literal = std::move(v);
  e->loc = loc;
  return e;
}

ExprPtr ScopeTarget(const ScopeConstraint& s) {
  if (s.slot) {
    auto e = std::make_shared<Expr>();
    e->kind = ExprKind::kSlot;
    e->slot = *s.slot;
    e->loc = s.loc;
    return e;
  }
  return Literal(Value(s.entity.value_or(EntityUid())), s.loc);
}

ExprPtr ScopeExpr(const ScopeConstraint& s, Var v) {
  switch (s.op) {
    case ScopeConstraint::Op::kAny:
      return Literal(Value(true), s.loc);
    case ScopeConstraint::Op::kEq:
      return Node(ExprKind::kEq, s.loc, {VarNode(v, s.loc), ScopeTarget(s)});
    case ScopeConstraint::Op::kIn:
      return Node(ExprKind::kIn, s.loc, {VarNode(v, s.loc), ScopeTarget(s)});
    case ScopeConstraint::Op::kIs:
    case ScopeConstraint::Op::kIsIn: {
      auto is = std::make_shared<Expr>();
      is->kind = ExprKind::kIs;
      is->loc = s.loc;
      is->name = s.entity_type;
      is->args = {VarNode(v, s.loc)};
      if (s.op == ScopeConstraint::Op::kIs) return is;
      return Node(ExprKind::kAnd, s.loc, {is, Node(ExprKind::kIn, s.loc, {VarNode(v, s.loc), ScopeTarget(s)})});
    }
  }
  return Literal(Value(true), s.loc);
}

ExprPtr ActionExpr(const ActionConstraint& a) {
  switch (a.op) {
    case ActionConstraint::Op::kAny:
      return Literal(Value(true), a.loc);
    case ActionConstraint::Op::kEq:
      return Node(ExprKind::kEq, a.loc, {VarNode(Var::kAction, a.loc), Literal(Value(a.entities.at(0)), a.loc)});
    case ActionConstraint::Op::kIn:
      return Node(ExprKind::kIn, a.loc, {VarNode(Var::kAction, a.loc), Literal(Value(a.entities.at(0)), a.loc)});
    case ActionConstraint::Op::kInSet: {
      std::vector<ExprPtr> elems;
      for (const auto& u : a.entities) elems.push_back(Literal(Value(u), a.loc));
      return Node(ExprKind::kIn, a.loc, {VarNode(Var::kAction, a.loc), Node(ExprKind::kSet, a.loc, std::move(elems))});
    }
  }
  return Literal(Value(true), a.loc);
}

// principal && (action && (resource && (c1 && (c2 && ... true)))), `unless {e}` as `!e`.
ExprPtr PolicyExpr(const Policy& p) {
  ExprPtr conds = Literal(Value(true), p.loc);
  for (auto it = p.conditions.rbegin(); it != p.conditions.rend(); ++it) {
    ExprPtr body = it->is_when ? it->body : Node(ExprKind::kNot, it->loc, {it->body});
    conds = Node(ExprKind::kAnd, it->loc, {body, conds});
  }
  return Node(ExprKind::kAnd, p.loc,
              {ScopeExpr(p.principal, Var::kPrincipal),
               Node(ExprKind::kAnd, p.loc,
                    {ActionExpr(p.action), Node(ExprKind::kAnd, p.loc, {ScopeExpr(p.resource, Var::kResource), conds})})});
}

std::vector<RequestEnv> Environments(const Schema& schema) {
  std::vector<RequestEnv> envs;
  for (const auto& [uid, a] : schema.actions) {
    TypePtr ctx = FromSchema(*a.context);
    for (const auto& p : a.principal_types) {
      for (const auto& r : a.resource_types) envs.push_back(RequestEnv{p, uid, r, ctx});
    }
  }
  return envs;
}

ValidationIssue Issue(const Policy& p, SourceLoc loc, std::string msg) {
  return ValidationIssue{p.id, p.filename, loc, std::move(msg)};
}

// The entity types a principal/resource scope admits (nullopt: every type).
std::optional<std::set<std::string>> ScopeTypes(const SchemaInfo& info, const ScopeConstraint& s) {
  auto descendants_of = [&](const std::string& group) {
    std::set<std::string> out{group};
    for (const auto& [t, anc] : info.type_ancestors) {
      if (anc.count(group)) out.insert(t);
    }
    return out;
  };
  switch (s.op) {
    case ScopeConstraint::Op::kAny:
      return std::nullopt;
    case ScopeConstraint::Op::kEq:
      if (s.slot || !s.entity) return std::nullopt;
      return std::set<std::string>{std::string(s.entity->type())};
    case ScopeConstraint::Op::kIn:
      if (s.slot || !s.entity) return std::nullopt;
      return descendants_of(std::string(s.entity->type()));
    case ScopeConstraint::Op::kIs:
      return std::set<std::string>{s.entity_type};
    case ScopeConstraint::Op::kIsIn: {
      if (s.slot || !s.entity) return std::set<std::string>{s.entity_type};
      auto d = descendants_of(std::string(s.entity->type()));
      if (d.count(s.entity_type)) return std::set<std::string>{s.entity_type};
      return std::set<std::string>{};
    }
  }
  return std::nullopt;
}

bool Admits(const std::optional<std::set<std::string>>& allowed, const std::vector<std::string>& types) {
  if (!allowed) return !types.empty();
  for (const auto& t : types) {
    if (allowed->count(t)) return true;
  }
  return false;
}

// The reference's "invalid action application" check: some action the action scope names must
// apply to some principal type and some resource type the other scopes admit.
bool SomeActionApplies(const SchemaInfo& info, const Policy& p) {
  auto principals = ScopeTypes(info, p.principal);
  auto resources = ScopeTypes(info, p.resource);
  std::vector<ActionUid> named;
  for (const auto& u : p.action.entities) named.push_back(ActionUid{std::string(u.type()), std::string(u.id())});
  for (const auto& [uid, a] : info.schema.actions) {
    bool in_scope = p.action.op == ActionConstraint::Op::kAny;
    for (const auto& n : named) {
      if (n == uid) in_scope = true;
      if (p.action.op != ActionConstraint::Op::kEq && info.action_ancestors.at(uid).count(n)) in_scope = true;
    }
    if (in_scope && Admits(principals, a.principal_types) && Admits(resources, a.resource_types)) return true;
  }
  return false;
}

std::optional<ValidationIssue> Check(const SchemaInfo& info, const std::vector<RequestEnv>& envs, const Policy& p,
                                     std::vector<ValidationIssue>* warnings) {
  if (!SomeActionApplies(info, p)) {
    return Issue(p, p.action.loc, "no action in the schema can apply to this policy's principal, action and resource scope");
  }
  ExprPtr expr = PolicyExpr(p);
  bool all_false = true;
  for (const auto& env : envs) {
    Checker checker(info, env);
    Typed t;
    if (auto err = checker.TypeOf(*expr, {}, t)) {
      return Issue(p, err->loc,
                   err->message + " (for principal " + env.principal + ", action " + env.action.ToString() +
                       ", resource " + env.resource + ")");
    }
    if (t.type->kind != Type::Kind::kBool) return Issue(p, p.loc, "policy condition is not a Bool");
    if (t.type->bool_type != BoolType::kFalse) all_false = false;
  }
  if (all_false && warnings) {
    // The reference reports this as a warning, not an error.
    warnings->push_back(
        Issue(p, p.loc, "impossible policy: it is false for every principal, action and resource the schema allows"));
  }
  return std::nullopt;
}

}  // namespace

std::string ValidationIssue::ToString() const {
  return file + ":" + loc.ToString() + ": policy " + policy_id + ": " + message;
}

std::optional<ValidationIssue> ValidatePolicy(const Schema& schema, const Policy& policy) {
  SchemaInfo info(schema);
  return Check(info, Environments(schema), policy, nullptr);
}

ValidationResult ValidatePolicies(const Schema& schema, const PolicySet& policies) {
  SchemaInfo info(schema);
  std::vector<RequestEnv> envs = Environments(schema);
  ValidationResult out;
  for (const auto* list : {&policies.templates(), &policies.policies()}) {
    for (const auto& p : *list) {
      if (auto issue = Check(info, envs, p, &out.warnings)) out.errors.push_back(std::move(*issue));
    }
  }
  return out;
}

}  // namespace tg::cedar
