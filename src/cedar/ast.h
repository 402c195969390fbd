// The Cedar abstract syntax tree: expressions, policies, templates and policy sets. Every node
// carries the source location (file line:col) it was parsed from, so later stages (the
// validator, error messages) can point at it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "cedar/value.h"

namespace tg::cedar {

// Where a node starts in its source text: 1-based line and column (columns count bytes).
struct SourceLoc {
  uint32_t line = 0;
  uint32_t col = 0;
  // "line:col"
  std::string ToString() const;
};

enum class Var : uint8_t { kPrincipal, kAction, kResource, kContext };
// "principal", "action", "resource", "context".
const char* VarName(Var v);

enum class SlotId : uint8_t { kPrincipal, kResource };
// "?principal", "?resource".
const char* SlotName(SlotId s);

enum class ExprKind : uint8_t {
  kLiteral,      // literal: Bool/Long/String/entity uid value
  kVar,          // var
  kSlot,         // slot (only inside templates)
  kIf,           // args[0] ? args[1] : args[2]
  kAnd,          // args[0] && args[1]
  kOr,           // args[0] || args[1]
  kNot,          // !args[0]
  kNeg,          // -args[0]
  kEq, kNotEq, kLess, kLessEq, kGreater, kGreaterEq,  // args[0] op args[1]
  kIn,           // args[0] in args[1]
  kAdd, kSub, kMul,
  kContains, kContainsAll, kContainsAny,  // args[0].op(args[1])
  kIsEmpty,      // args[0].isEmpty()
  kHasTag, kGetTag,  // args[0].hasTag(args[1]) / getTag
  kGetAttr,      // args[0].name  or args[0]["name"]
  kHasAttr,      // args[0] has name   (a dotted `has a.b` is desugared by the parser into &&)
  kLike,         // args[0] like pattern
  kIs,           // args[0] is name [in args[1]]  (args.size()==2 when `in` is present)
  kSet,          // [args...]
  kRecord,       // {record_keys[i]: args[i]...}
  kExtCall,      // name(args...): extension function or method; for a method call the
                 // receiver is args[0] and `method_call` is true
};

// One element of a `like` pattern: a literal character (UTF-8 code point) or the wildcard.
struct PatternElem {
  bool wildcard = false;
  char32_t ch = 0;
  friend bool operator==(const PatternElem&, const PatternElem&) = default;
};

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  SourceLoc loc;
  Value literal;                         // kLiteral
  Var var = Var::kPrincipal;             // kVar
  SlotId slot = SlotId::kPrincipal;      // kSlot
  std::string name;                      // attr (kGetAttr/kHasAttr), type path (kIs), function (kExtCall)
  bool method_call = false;              // kExtCall: written as receiver.name(...)
  std::vector<PatternElem> pattern;      // kLike
  std::vector<std::string> record_keys;  // kRecord: keys, parallel to args
  std::vector<ExprPtr> args;
  // kGetAttr/kHasAttr: InternAttrName(name), filled in by the Authorizer's compile step
  // (kNoSymbol elsewhere); lets entity attributes be found without string comparisons.
  static constexpr uint32_t kNoSymbol = UINT32_MAX;
  uint32_t attr_symbol = kNoSymbol;
};

enum class Effect : uint8_t { kPermit, kForbid };

// A principal or resource scope constraint.
struct ScopeConstraint {
  enum class Op : uint8_t { kAny, kEq, kIn, kIs, kIsIn };
  Op op = Op::kAny;
  // For kEq/kIn/kIsIn: the entity, unless `slot` is set (a template's ?principal/?resource).
  std::optional<EntityUid> entity;
  std::optional<SlotId> slot;
  std::string entity_type;  // kIs/kIsIn
  SourceLoc loc;
};

// The action scope constraint: any, `== A`, `in A`, or `in [A, B, ...]`.
struct ActionConstraint {
  enum class Op : uint8_t { kAny, kEq, kIn, kInSet };
  Op op = Op::kAny;
  std::vector<EntityUid> entities;  // one for kEq/kIn, any number for kInSet
  SourceLoc loc;
};

struct Condition {
  bool is_when = true;  // false: `unless`
  ExprPtr body;
  SourceLoc loc;
};

struct Annotation {
  std::string key;
  std::optional<std::string> value;  // `@key` alone has no value (Cedar reads it as "")
  SourceLoc loc;
};

// A policy or a template (a template has slots in its scope). Linked policies are Policies
// whose slots have been filled and whose `template_id` names the template.
struct Policy {
  std::string id;
  Effect effect = Effect::kPermit;
  ScopeConstraint principal;
  ActionConstraint action;
  ScopeConstraint resource;
  std::vector<Condition> conditions;
  std::vector<Annotation> annotations;
  SourceLoc loc;        // the start of the policy (first annotation or the effect)
  std::string filename; // the source it came from, for messages
  std::string template_id;  // non-empty for a template-linked policy

  bool IsTemplate() const { return principal.slot.has_value() || resource.slot.has_value(); }
  // The annotation's value ("" for a bare @key), or nullptr when absent.
  const std::string* FindAnnotation(std::string_view key) const;
};

// Policies, templates and template links, ids unique across all three.
class PolicySet {
 public:
  // Adds a static policy or a template (by Policy::IsTemplate()); fails on a duplicate id.
  Status Add(Policy p);
  // Links template `template_id` as a new policy `new_id`, filling its slots; every slot the
  // template uses must be given, and no others. Fails on unknown template or duplicate id.
  Status Link(const std::string& template_id, const std::string& new_id,
              const std::map<SlotId, EntityUid>& values);

  // Static and linked policies, in insertion order: what the authorizer evaluates.
  const std::vector<Policy>& policies() const { return policies_; }
  // Templates, in insertion order (not evaluated themselves).
  const std::vector<Policy>& templates() const { return templates_; }
  const Policy* FindPolicy(std::string_view id) const;
  const Policy* FindTemplate(std::string_view id) const;

 private:
  bool IdTaken(std::string_view id) const;
  std::vector<Policy> policies_;
  std::vector<Policy> templates_;
};

}  // namespace tg::cedar
