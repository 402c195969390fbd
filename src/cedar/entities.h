// The entity store: each entity's uid, attributes, parents and tags, with the ancestor
// closure computed once (Finalize) so `in` is a lookup. Loaded from Cedar entities JSON
// (without a schema: values use the __entity / __extn escapes).
#pragma once

#include <memory>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "cedar/value.h"

namespace tg::cedar {

struct Entity {
  EntityUid uid;
  RecordAttrs attrs;
  std::vector<EntityUid> parents;  // direct parents, as given
  RecordAttrs tags;
  // Transitive ancestors (not including the entity itself); filled by Entities::Finalize.
  std::unordered_set<EntityUid, EntityUidHash> ancestors;
  // (InternAttrName(key), value) for every attribute, sorted; filled by Entities::Finalize.
  std::vector<std::pair<uint32_t, const Value*>> attr_index;
  const Entity* attr_index_owner = nullptr;  // `this` when attr_index is valid (not after a copy)
  // The attribute with this interned name, or nullptr (uses attr_index when built).
  const Value* FindAttr(uint32_t symbol, std::string_view name) const;
};

class Entities {
 public:
  // Adds an entity. A duplicate uid is an error (as the reference reports).
  Status Add(Entity e);
  // Adds or merges: if the uid exists, parents are unioned and attributes/tags overwritten
  // (used for schema action entities that data may also mention).
  void Upsert(Entity e);
  // Computes every entity's transitive ancestors. Must be called after the last Add and
  // before lookups through IsDescendant; cheap to call again (recomputes).
  void Finalize();
  // Layers this store on `base` (finalized, never changed again, and outliving this store):
  // lookups that miss here fall through to it, and parents found only there contribute their
  // ancestors. Entities here shadow base entities with the same uid. Lets a request's few
  // entities share a large constant set (a schema's actions) without copying it. Call
  // before Finalize.
  void SetBase(const Entities* base) { base_ = base; }

  // The entity, or nullptr when the store does not have it.
  const Entity* Find(EntityUid uid) const;
  // uid == ancestor, or ancestor is a transitive parent of uid (missing entity: only ==).
  bool IsDescendantOrSelf(EntityUid uid, EntityUid ancestor) const;
  // Entities in this layer (not counting the base).
  size_t size() const { return by_uid_.size(); }
  // All entities, the base's included (unless shadowed), in no particular order.
  std::vector<const Entity*> All() const;

 private:
  std::unordered_map<EntityUid, std::unique_ptr<Entity>, EntityUidHash> by_uid_;
  // By EntityUid::index(), for O(1) lookups, while indexes stay near the store's size (uid
  // indexes are process-wide, so a small store of recently interned uids would otherwise
  // allocate a table as large as every uid ever seen); other entities are only in by_uid_.
  std::vector<const Entity*> dense_;
  bool sparse_ = false;  // some entity is not in dense_
  const Entities* base_ = nullptr;
};

// Parses an entity uid from JSON: {"type":..,"id":..}, or {"__entity":{"type","id"}}.
Result<EntityUid> ParseEntityUidJson(const nlohmann::json& j);

// Parses a Cedar value from JSON without a schema: bool, int64 (exact; non-integers are an
// error), string, array -> set, object -> record, {"__entity":{type,id}} -> entity,
// {"__extn":{"fn":F,"arg":A}} -> extension value.
Result<Value> ParseValueJson(const nlohmann::json& j);

// Parses an entities JSON array (see file comment) and finalizes it.
Result<Entities> ParseEntitiesJson(const nlohmann::json& j);
// Parses entities JSON text (int64 exact) and finalizes it.
Result<Entities> ParseEntitiesJsonText(std::string_view text);

// Parses JSON text keeping int64 exact (nlohmann's default reader does; this adds an error
// for numbers that do not fit and is used by all Cedar JSON readers).
Result<nlohmann::json> ParseJsonText(std::string_view text);

}  // namespace tg::cedar
