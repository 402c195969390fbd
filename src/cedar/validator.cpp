// The strict validator: builds each policy's whole condition (scope && conditions, as the
// reference desugars it), then type-checks it in every request environment of the schema with
// the action variable replaced by the environment's action.
#include "cedar/validator.h"

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

std::optional<ValidationIssue> Check(const SchemaInfo& info, const std::vector<RequestEnv>& envs, const Policy& p) {
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
  if (all_false) {
    return Issue(p, p.loc, "impossible policy: it is false for every principal, action and resource the schema allows");
  }
  return std::nullopt;
}

}  // namespace

std::string ValidationIssue::ToString() const {
  return file + ":" + loc.ToString() + ": policy " + policy_id + ": " + message;
}

std::optional<ValidationIssue> ValidatePolicy(const Schema& schema, const Policy& policy) {
  SchemaInfo info(schema);
  return Check(info, Environments(schema), policy);
}

ValidationResult ValidatePolicies(const Schema& schema, const PolicySet& policies) {
  SchemaInfo info(schema);
  std::vector<RequestEnv> envs = Environments(schema);
  ValidationResult out;
  for (const auto* list : {&policies.templates(), &policies.policies()}) {
    for (const auto& p : *list) {
      if (auto issue = Check(info, envs, p)) out.errors.push_back(std::move(*issue));
    }
  }
  return out;
}

}  // namespace tg::cedar
