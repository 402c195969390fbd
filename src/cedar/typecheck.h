// Internal: the validator's type system (types with Bool singletons, least upper bounds) and
// the expression type checker with capabilities (what a `has`/`hasTag` guard has proved).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cedar/ast.h"
#include "cedar/schema.h"

namespace tg::cedar::typecheck {

// Bool types are precise: a guard known true or false at check time gets a singleton type.
enum class BoolType : uint8_t { kAny, kTrue, kFalse };

struct Type;
using TypePtr = std::shared_ptr<const Type>;

struct QualifiedType {
  TypePtr type;
  bool required = true;
};

struct Type {
  enum class Kind : uint8_t { kBool, kLong, kString, kEntity, kSet, kRecord, kExt };
  Kind kind = Kind::kBool;
  BoolType bool_type = BoolType::kAny;       // kBool
  std::string name;                          // kEntity: type path; kExt: extension type name
  TypePtr element;                           // kSet
  std::map<std::string, QualifiedType> attrs;  // kRecord

  static TypePtr Bool(BoolType b);
  static TypePtr Long();
  static TypePtr String();
  static TypePtr Entity(std::string name);
  static TypePtr Set(TypePtr element);
  static TypePtr Record(std::map<std::string, QualifiedType> attrs);
  static TypePtr Ext(std::string name);
  std::string ToString() const;
};

bool TypeEquals(const Type& a, const Type& b);
// The least upper bound, or nullptr when there is none. Strict: entity types must be equal,
// records must have the same attributes with the same qualifiers.
TypePtr Lub(const TypePtr& a, const TypePtr& b);
// a <: b, i.e. lub(a, b) == b.
bool Subtype(const TypePtr& a, const TypePtr& b);

// Converts a schema type (shared conversion cache per checker).
TypePtr FromSchema(const SchemaType& t);

// A capability: expression `expr` is known to have attribute `attr` (or tag `tag`).
struct Capability {
  const Expr* expr;
  bool is_tag = false;
  std::string attr;       // when !is_tag
  const Expr* tag = nullptr;  // when is_tag
};
using Capabilities = std::vector<Capability>;

// Structural equality of expressions, ignoring source locations.
bool ExprEquals(const Expr& a, const Expr& b);

// The request environment a policy is checked in.
struct RequestEnv {
  std::string principal;
  ActionUid action;
  std::string resource;
  TypePtr context;  // kRecord
};

// A type error: where and what.
struct TypeError {
  SourceLoc loc;
  std::string message;
};

struct Typed {
  TypePtr type;
  Capabilities caps;
};

// Facts derived from a schema once: transitive entity type and action ancestors.
struct SchemaInfo {
  explicit SchemaInfo(const Schema& schema);
  const Schema& schema;
  std::map<std::string, std::set<std::string>> type_ancestors;
  std::map<ActionUid, std::set<ActionUid>> action_ancestors;
  std::set<std::string> action_types;
};

// Type-checks expressions under one schema and environment.
class Checker {
 public:
  Checker(const SchemaInfo& info, const RequestEnv& env);
  // The type of `e` given capabilities `caps`, or the first type error.
  std::optional<TypeError> TypeOf(const Expr& e, const Capabilities& caps, Typed& out);

  // Schema helpers the validator also uses.
  bool IsActionEntityType(const std::string& type) const;
  bool IsKnownEntityLiteral(EntityUid uid) const;

 private:
  std::optional<TypeError> Binary(const Expr& e, const Capabilities& caps, Typed& out);
  std::optional<TypeError> Call(const Expr& e, const Capabilities& caps, Typed& out);
  bool TypeDescendentOf(const std::string& a, const std::string& b) const;
  // The action uid an expression denotes literally (an action literal or the action variable).
  std::optional<ActionUid> ActionLiteral(const Expr& e) const;
  std::optional<EntityUid> EntityLiteral(const Expr& e) const;
  bool ActionDescendentOf(const ActionUid& a, const ActionUid& b) const;
  TypeError Err(const Expr& e, std::string msg) const { return TypeError{e.loc, std::move(msg)}; }

  const SchemaInfo& info_;
  const Schema& schema_;
  const RequestEnv& env_;
};

// Whether a literal expression (or the action variable, which the validator substitutes) has
// a known constant value: used for `==` between two literals.
std::optional<Value> LiteralValue(const Expr& e, const RequestEnv& env);

}  // namespace tg::cedar::typecheck
