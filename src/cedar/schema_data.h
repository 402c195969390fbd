// Data read with a schema: entities JSON and context JSON interpreted as the schema says
// (schema-directed parsing), checked for conformance, plus the schema's action entities and
// request validation. This is what the reference does when it is given a schema.
#pragma once

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "cedar/entities.h"
#include "cedar/request.h"
#include "cedar/schema.h"

namespace tg::cedar {

// Rewrites one JSON value read where the schema expects `type` into the explicit escaped form
// (a string where the schema says ipaddr/decimal/datetime/duration becomes
// {"__extn":{"fn","arg"}}, {type,id} where it says an entity becomes {"__entity":{...}},
// recursively through sets and records) and checks that it conforms: right JSON kinds, the
// right entity type, enum ids valid, no missing required and no unknown record attributes.
// `where` prefixes error messages.
Result<nlohmann::json> ConformValueJson(const Schema& schema, const SchemaType& type,
                                        const nlohmann::json& value, const std::string& where);

// Rewrites an entities JSON array as above, checking each entity against its declared type
// (declared type, attributes, parent types, tags, enum ids) and replacing any action entities
// by the schema's action entities with their group hierarchy. The result is plain escaped
// entities JSON that ParseEntitiesJson reads without a schema.
Result<nlohmann::json> ConformEntitiesJson(const Schema& schema, const nlohmann::json& entities);

// ConformEntitiesJson followed by ParseEntitiesJson: the entity store the reference builds.
Result<Entities> ParseEntitiesWithSchema(const Schema& schema, const nlohmann::json& entities);

// The schema's action entities as a finalized store, to layer request entities on
// (Entities::SetBase).
Result<Entities> ActionEntities(const Schema& schema);

// Whether an already parsed context has `action`'s declared context type (an undeclared
// action accepts any record). Lets a context parsed for one action be reused for another
// whose context type it also satisfies.
bool ContextConforms(const Schema& schema, EntityUid action, const Value& context);

// Appends to `key` everything a conformance check (ContextConforms, and HasType within the
// others) can read of `v`: kinds, record attribute names, set elements and entity uids (by
// process-local index), but not the content of strings, numbers, booleans or extension
// values, which a schema type cannot constrain. Values with equal keys conform to exactly the
// same schema types, so a caller may remember a check by key (within one process).
void AppendConformanceKey(const Value& v, std::string* key);

// The schema's action entities (uid and parent groups), as escaped entities JSON.
nlohmann::json ActionEntitiesJson(const Schema& schema);

// Parses a context for `action` with the schema: when the action is declared the context is
// interpreted and checked against its context type; otherwise it is read without a schema.
Result<Value> ParseContextWithSchema(const Schema& schema, EntityUid action,
                                     const nlohmann::json& context);

// Whether an entity built in memory (not read from JSON) is what the schema declares: its
// type is declared (with a valid enum id), its attributes have the declared shape (no
// missing required and no undeclared attributes, values of the declared types), its
// parents are of allowed types, and it has tags only when its type declares them. For
// code that builds entities directly and must not drift from the schema.
Status CheckEntityConforms(const Schema& schema, const Entity& entity);
// The part of CheckEntityConforms that looks at the uid alone: its type is declared, and its
// id is one of the type's enum ids when it is an enum type. For a caller that already checked
// an entity of this type with the same attributes (and no parents or tags).
Status CheckEntityUidConforms(const Schema& schema, EntityUid uid);

// Request validation: the action is declared; the principal and resource types are declared,
// listed in the action's appliesTo (with valid enum ids); the context (already parsed) has the
// action's context type.
Status ValidateRequest(const Schema& schema, const Request& request);

}  // namespace tg::cedar
