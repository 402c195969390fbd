// The Cedar schema: which entity types exist (their attributes, tags, parents, enum ids) and
// which actions exist (their groups and the principal/resource types and context they apply
// to). Read from the human syntax (.cedarschema) or the JSON form; every type reference is
// resolved (common types inlined, names qualified) so users see only concrete types.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tg::cedar {

// Where a declaration came from, for messages ("schema.cedarschema:3:7").
struct SchemaLoc {
  std::string file;
  int line = 0;
  int col = 0;
  std::string ToString() const;
};

// A resolved schema type. Common types never appear: they are inlined while resolving.
struct SchemaType;
using SchemaTypePtr = std::shared_ptr<const SchemaType>;

// One attribute of a record type; `required` is false for `name?: T`.
struct SchemaAttribute {
  SchemaTypePtr type;
  bool required = true;
};

struct SchemaType {
  enum class Kind { kBool, kLong, kString, kSet, kRecord, kEntity, kExtension };
  Kind kind = Kind::kBool;
  // kEntity: the fully qualified entity type name. kExtension: "ipaddr", "decimal",
  // "datetime" or "duration".
  std::string name;
  // kSet: the element type.
  SchemaTypePtr element;
  // kRecord: attributes by name (ordered, so printing is stable).
  std::map<std::string, SchemaAttribute> attributes;

  static SchemaTypePtr Bool();
  static SchemaTypePtr Long();
  static SchemaTypePtr String();
  static SchemaTypePtr Set(SchemaTypePtr element);
  static SchemaTypePtr Record(std::map<std::string, SchemaAttribute> attributes);
  static SchemaTypePtr Entity(std::string name);
  static SchemaTypePtr Extension(std::string name);
  // Cedar-like rendering: Bool, Long, Set<String>, {a: Long, b?: User}, ipaddr.
  std::string ToString() const;
};

using Annotations = std::map<std::string, std::string>;

// An entity type declaration. `shape` is always a record (empty when none was written).
struct EntityTypeDecl {
  std::string name;                   // fully qualified, e.g. "NS::User"
  std::set<std::string> member_of;    // entity types its entities may have as parents
  SchemaTypePtr shape;                // kRecord
  SchemaTypePtr tags;                 // null when entities of this type carry no tags
  std::optional<std::vector<std::string>> enum_ids;  // set for `entity E enum [...]`
  Annotations annotations;
  SchemaLoc loc;
};

// An action's uid: type is "Action" or "NS::Action".
struct ActionUid {
  std::string type;
  std::string id;
  bool operator<(const ActionUid& o) const { return type != o.type ? type < o.type : id < o.id; }
  bool operator==(const ActionUid& o) const { return type == o.type && id == o.id; }
  // Action::"view" with Cedar escapes in the id.
  std::string ToString() const;
};

// An action declaration. Without `appliesTo`, principal_types and resource_types are empty
// and the action applies to no request.
struct ActionDecl {
  ActionUid uid;
  std::vector<ActionUid> member_of;          // direct action groups
  std::vector<std::string> principal_types;  // fully qualified entity type names
  std::vector<std::string> resource_types;
  SchemaTypePtr context;                     // kRecord (empty record when not given)
  bool has_applies_to = false;
  Annotations annotations;
  SchemaLoc loc;
};

// A whole resolved schema.
struct Schema {
  std::map<std::string, EntityTypeDecl> entity_types;
  std::map<ActionUid, ActionDecl> actions;
  // Namespace annotations by namespace name ("" is never annotated).
  std::map<std::string, Annotations> namespace_annotations;

  const EntityTypeDecl* FindEntityType(std::string_view name) const;
  const ActionDecl* FindAction(const ActionUid& uid) const;
  // True for declared entity types and for action entity types ("Action", "NS::Action")
  // that have at least one declared action.
  bool IsActionType(std::string_view type) const;
  // Every action group `uid` belongs to, transitively (not including itself).
  std::set<ActionUid> ActionAncestors(const ActionUid& uid) const;
};

// Parses the human schema syntax. Errors name `file:line:col`.
Result<Schema> ParseSchema(std::string_view text, std::string_view file = "schema");
// Parses the JSON schema form (the object keyed by namespace name).
Result<Schema> ParseSchemaJson(std::string_view text, std::string_view file = "schema.json");
// Reads a file and picks the form: JSON when the name ends in ".json" or the text starts
// with '{', otherwise the human syntax.
Result<Schema> LoadSchemaFile(const std::string& path);

}  // namespace tg::cedar
