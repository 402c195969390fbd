// Internal: the schema as written, before names are resolved. Both the human-syntax parser
// and the JSON parser produce this form; ResolveSchema turns it into a Schema, so the two
// syntaxes share one set of resolution rules and checks.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cedar/schema.h"

namespace tg::cedar::schema_internal {

struct RawType;
using RawTypePtr = std::shared_ptr<RawType>;

struct RawAttribute {
  std::string name;
  RawTypePtr type;
  bool required = true;
};

struct RawType {
  enum class Kind {
    kName,       // a path to resolve: common type, entity type or builtin
    kEntity,     // JSON {"type":"Entity","name":..}: an entity type name
    kExtension,  // JSON {"type":"Extension","name":..}
    kBool,       // JSON Boolean, or a __cedar:: builtin
    kLong,
    kString,
    kSet,
    kRecord,
  };
  Kind kind = Kind::kName;
  std::string name;
  RawTypePtr element;
  std::vector<RawAttribute> attributes;
  SchemaLoc loc;
};

// A reference to an action as written: `type` empty means "the Action type of the
// declaring namespace".
struct RawActionRef {
  std::string type;
  std::string id;
};

struct RawEntityDecl {
  std::string name;  // unqualified
  std::vector<std::string> member_of;
  RawTypePtr shape;  // null or kRecord or a name of a common record type
  RawTypePtr tags;
  std::optional<std::vector<std::string>> enum_ids;
  Annotations annotations;
  SchemaLoc loc;
};

struct RawActionDecl {
  std::string id;
  std::vector<RawActionRef> member_of;
  bool has_applies_to = false;
  std::vector<std::string> principal_types;
  std::vector<std::string> resource_types;
  RawTypePtr context;
  Annotations annotations;
  SchemaLoc loc;
};

struct RawCommonType {
  std::string name;
  RawTypePtr type;
  SchemaLoc loc;
};

struct RawNamespace {
  std::string name;  // "" for the empty namespace
  std::vector<RawEntityDecl> entities;
  std::vector<RawActionDecl> actions;
  std::vector<RawCommonType> common_types;
  Annotations annotations;
  SchemaLoc loc;
};

struct RawSchema {
  std::vector<RawNamespace> namespaces;
};

// Resolves names, inlines common types, qualifies entity types and actions and checks that
// everything referenced is declared, nothing is declared twice and action groups are acyclic.
Result<Schema> ResolveSchema(const RawSchema& raw);

// Cedar string literal rendering with escapes, e.g. "a\"b" (quotes included).
std::string QuoteCedarString(std::string_view s);

}  // namespace tg::cedar::schema_internal
