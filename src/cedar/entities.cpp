// Entity store and the schema-less Cedar JSON readers (entities, values, uids).
#include "cedar/entities.h"

#include <algorithm>
#include <functional>

#include "cedar/extensions.h"

namespace tg::cedar {

Status Entities::Add(Entity e) {
  EntityUid uid = e.uid;
  auto [it, inserted] = by_uid_.try_emplace(uid, nullptr);
  if (!inserted) return Status::InvalidArgument("duplicate entity " + uid.ToString());
  it->second = std::make_unique<Entity>(std::move(e));
  if (uid.index() < 1024 + 16 * by_uid_.size()) {
    if (dense_.size() <= uid.index()) dense_.resize(uid.index() + 1, nullptr);
    dense_[uid.index()] = it->second.get();
  } else {
    sparse_ = true;
  }
  return Status::OK();
}

void Entities::Upsert(Entity e) {
  auto it = by_uid_.find(e.uid);
  if (it == by_uid_.end()) {
    (void)Add(std::move(e));
    return;
  }
  Entity& cur = *it->second;
  for (EntityUid p : e.parents)
    if (std::find(cur.parents.begin(), cur.parents.end(), p) == cur.parents.end()) cur.parents.push_back(p);
  for (auto& [k, v] : e.attrs) cur.attrs.insert_or_assign(k, std::move(v));
  for (auto& [k, v] : e.tags) cur.tags.insert_or_assign(k, std::move(v));
}

namespace {

void IndexAttrs(Entity& e) {
  e.attr_index.clear();
  for (const auto& [k, v] : e.attrs) e.attr_index.emplace_back(InternAttrName(k), &v);
  std::sort(e.attr_index.begin(), e.attr_index.end());
  e.attr_index_owner = &e;
}

}  // namespace

void Entities::Finalize() {
  // Without parents in this layer every closure is empty: a request's few entities usually
  // have none, and the walk below would only allocate.
  bool parents = false;
  for (const auto& [uid, e] : by_uid_) parents = parents || !e->parents.empty();
  if (!parents) {
    for (auto& [uid, e] : by_uid_) {
      e->ancestors.clear();
      IndexAttrs(*e);
    }
    return;
  }
  // Depth-first with memoisation; a cycle in the parent graph is tolerated (each entity's
  // closure is computed from scratch with its own visited set when needed).
  std::unordered_map<EntityUid, int, EntityUidHash> state;  // 1 = in progress, 2 = done
  std::function<void(Entity&)> visit = [&](Entity& e) {
    int& s = state[e.uid];
    if (s != 0) return;
    s = 1;
    e.ancestors.clear();
    for (EntityUid p : e.parents) {
      if (p == e.uid) continue;
      e.ancestors.insert(p);
      auto it = by_uid_.find(p);
      if (it == by_uid_.end()) {
        if (const Entity* b = base_ ? base_->Find(p) : nullptr) e.ancestors.insert(b->ancestors.begin(), b->ancestors.end());
        continue;
      }
      Entity& pe = *it->second;
      visit(pe);
      e.ancestors.insert(pe.ancestors.begin(), pe.ancestors.end());
    }
    s = 2;
  };
  for (auto& [uid, e] : by_uid_) {
    visit(*e);
    IndexAttrs(*e);
  }
  // Cycles can leave closures incomplete for entities visited while in progress: iterate
  // to a fixed point (rare; only when the data has cycles).
  bool changed = true;
  while (changed) {
    changed = false;
    for (auto& [uid, e] : by_uid_) {
      size_t before = e->ancestors.size();
      std::vector<EntityUid> add;
      for (EntityUid a : e->ancestors) {
        auto it = by_uid_.find(a);
        if (it == by_uid_.end()) continue;
        for (EntityUid x : it->second->ancestors)
          if (x != uid && !e->ancestors.count(x)) add.push_back(x);
      }
      e->ancestors.insert(add.begin(), add.end());
      if (e->ancestors.size() != before) changed = true;
    }
  }
}

const Value* Entity::FindAttr(uint32_t symbol, std::string_view name) const {
  if (attr_index_owner == this && attr_index.size() == attrs.size()) {
    auto it = std::lower_bound(attr_index.begin(), attr_index.end(), symbol,
                               [](const auto& p, uint32_t s) { return p.first < s; });
    return it != attr_index.end() && it->first == symbol ? it->second : nullptr;
  }
  auto it = attrs.find(name);
  return it == attrs.end() ? nullptr : &it->second;
}

const Entity* Entities::Find(EntityUid uid) const {
  uint32_t i = uid.index();
  if (i < dense_.size() && dense_[i] != nullptr) return dense_[i];
  if (sparse_) {
    auto it = by_uid_.find(uid);
    if (it != by_uid_.end()) return it->second.get();
  }
  return base_ ? base_->Find(uid) : nullptr;
}

bool Entities::IsDescendantOrSelf(EntityUid uid, EntityUid ancestor) const {
  if (uid == ancestor) return true;
  const Entity* e = Find(uid);
  return e && e->ancestors.count(ancestor) > 0;
}

std::vector<const Entity*> Entities::All() const {
  std::vector<const Entity*> out;
  out.reserve(by_uid_.size());
  for (const auto& [uid, e] : by_uid_) out.push_back(e.get());
  if (base_) {
    for (const Entity* b : base_->All())
      if (!by_uid_.count(b->uid)) out.push_back(b);
  }
  return out;
}

namespace {

Result<EntityUid> UidFromTypeId(const nlohmann::json& j) {
  if (!j.is_object()) return Status::InvalidArgument("expected an entity uid object {\"type\", \"id\"}");
  auto t = j.find("type");
  auto i = j.find("id");
  if (t == j.end() || i == j.end() || !t->is_string() || !i->is_string())
    return Status::InvalidArgument("an entity uid needs string fields \"type\" and \"id\", got " + j.dump());
  if (j.size() != 2) return Status::InvalidArgument("unexpected fields in entity uid " + j.dump());
  return EntityUid::Make(t->get<std::string>(), i->get<std::string>());
}

}  // namespace

Result<EntityUid> ParseEntityUidJson(const nlohmann::json& j) {
  if (j.is_object()) {
    auto esc = j.find("__entity");
    if (esc != j.end()) {
      if (j.size() != 1) return Status::InvalidArgument("unexpected fields beside __entity in " + j.dump());
      return UidFromTypeId(*esc);
    }
  }
  return UidFromTypeId(j);
}

Result<Value> ParseValueJson(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::boolean: return Value(j.get<bool>());
    case nlohmann::json::value_t::number_integer: return Value(j.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      uint64_t u = j.get<uint64_t>();
      if (u > static_cast<uint64_t>(INT64_MAX))
        return Status::InvalidArgument("integer " + std::to_string(u) + " does not fit in a Long (int64)");
      return Value(static_cast<int64_t>(u));
    }
    case nlohmann::json::value_t::number_float:
      return Status::InvalidArgument("Cedar has no floating-point numbers: " + j.dump());
    case nlohmann::json::value_t::string: return Value(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      std::vector<Value> elems;
      elems.reserve(j.size());
      for (const auto& x : j) {
        auto v = ParseValueJson(x);
        if (!v.ok()) return v.status();
        elems.push_back(std::move(v).value());
      }
      return Value::Set(std::move(elems));
    }
    case nlohmann::json::value_t::object: {
      if (j.contains("__entity")) {
        auto u = ParseEntityUidJson(j);
        if (!u.ok()) return u.status();
        return Value(*u);
      }
      if (auto it = j.find("__extn"); it != j.end()) {
        if (j.size() != 1) return Status::InvalidArgument("unexpected fields beside __extn in " + j.dump());
        const auto& x = *it;
        if (!x.is_object() || !x.contains("fn") || !x["fn"].is_string())
          return Status::InvalidArgument("__extn needs {\"fn\": NAME, \"arg\": STRING}, got " + x.dump());
        if (x.contains("args") || !x.contains("arg"))
          return Status::InvalidArgument("__extn with several arguments is not supported: " + x.dump());
        const auto& arg = x["arg"];
        std::string fn = x["fn"].get<std::string>();
        if (!arg.is_string()) {
          // A nested escaped value as the argument is not part of the schema-less format.
          return Status::InvalidArgument("__extn argument must be a string: " + x.dump());
        }
        auto v = MakeExtensionValue(fn, arg.get<std::string>());
        if (!v.ok()) return Status::InvalidArgument(v.status().message());
        return v;
      }
      if (j.contains("__expr")) return Status::InvalidArgument("the __expr escape is not supported: " + j.dump());
      RecordAttrs attrs;
      for (auto it = j.begin(); it != j.end(); ++it) {
        auto v = ParseValueJson(it.value());
        if (!v.ok()) return v.status();
        attrs.emplace(it.key(), std::move(v).value());
      }
      return Value::Record(std::move(attrs));
    }
    case nlohmann::json::value_t::null:
      return Status::InvalidArgument("Cedar has no null value");
    default:
      return Status::InvalidArgument("unsupported JSON value " + j.dump());
  }
}

namespace {

Status ParseRecordField(const nlohmann::json& e, const char* field, RecordAttrs& out, const std::string& who) {
  auto it = e.find(field);
  if (it == e.end() || it->is_null()) return Status::OK();
  if (!it->is_object()) return Status::InvalidArgument(who + ": \"" + field + "\" must be an object");
  for (auto a = it->begin(); a != it->end(); ++a) {
    auto v = ParseValueJson(a.value());
    if (!v.ok())
      return Status::InvalidArgument(who + ": " + field + "." + a.key() + ": " + v.status().message());
    out.emplace(a.key(), std::move(v).value());
  }
  return Status::OK();
}

}  // namespace

Result<Entities> ParseEntitiesJson(const nlohmann::json& j) {
  if (!j.is_array()) return Status::InvalidArgument("entities JSON must be an array");
  Entities store;
  for (const auto& e : j) {
    if (!e.is_object()) return Status::InvalidArgument("each entity must be a JSON object");
    auto uid_it = e.find("uid");
    if (uid_it == e.end()) return Status::InvalidArgument("entity without \"uid\": " + e.dump().substr(0, 200));
    auto uid = ParseEntityUidJson(*uid_it);
    if (!uid.ok()) return Status::InvalidArgument("entity uid: " + uid.status().message());
    Entity ent;
    ent.uid = *uid;
    std::string who = "entity " + uid->ToString();
    TG_RETURN_IF_ERROR(ParseRecordField(e, "attrs", ent.attrs, who));
    TG_RETURN_IF_ERROR(ParseRecordField(e, "tags", ent.tags, who));
    if (auto p = e.find("parents"); p != e.end() && !p->is_null()) {
      if (!p->is_array()) return Status::InvalidArgument(who + ": \"parents\" must be an array");
      for (const auto& x : *p) {
        auto pu = ParseEntityUidJson(x);
        if (!pu.ok()) return Status::InvalidArgument(who + ": parent: " + pu.status().message());
        ent.parents.push_back(*pu);
      }
    }
    TG_RETURN_IF_ERROR(store.Add(std::move(ent)));
  }
  store.Finalize();
  return store;
}

Result<nlohmann::json> ParseJsonText(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("malformed JSON");
  return j;
}

Result<Entities> ParseEntitiesJsonText(std::string_view text) {
  auto j = ParseJsonText(text);
  if (!j.ok()) return j.status();
  return ParseEntitiesJson(*j);
}

}  // namespace tg::cedar
