// The resolved schema model: type constructors, printing and lookups.
#include <cstdio>

#include "cedar/schema.h"
#include "cedar/schema_raw.h"

namespace tg::cedar {

std::string SchemaLoc::ToString() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(col);
}

namespace {
SchemaTypePtr Make(SchemaType::Kind k) {
  auto t = std::make_shared<SchemaType>();
  t->kind = k;
  return t;
}
}  // namespace

SchemaTypePtr SchemaType::Bool() {
  static const SchemaTypePtr t = Make(Kind::kBool);
  return t;
}
SchemaTypePtr SchemaType::Long() {
  static const SchemaTypePtr t = Make(Kind::kLong);
  return t;
}
SchemaTypePtr SchemaType::String() {
  static const SchemaTypePtr t = Make(Kind::kString);
  return t;
}
SchemaTypePtr SchemaType::Set(SchemaTypePtr element) {
  auto t = std::make_shared<SchemaType>();
  t->kind = Kind::kSet;
  t->element = std::move(element);
  return t;
}
SchemaTypePtr SchemaType::Record(std::map<std::string, SchemaAttribute> attributes) {
  auto t = std::make_shared<SchemaType>();
  t->kind = Kind::kRecord;
  t->attributes = std::move(attributes);
  return t;
}
SchemaTypePtr SchemaType::Entity(std::string name) {
  auto t = std::make_shared<SchemaType>();
  t->kind = Kind::kEntity;
  t->name = std::move(name);
  return t;
}
SchemaTypePtr SchemaType::Extension(std::string name) {
  auto t = std::make_shared<SchemaType>();
  t->kind = Kind::kExtension;
  t->name = std::move(name);
  return t;
}

std::string SchemaType::ToString() const {
  switch (kind) {
    case Kind::kBool: return "Bool";
    case Kind::kLong: return "Long";
    case Kind::kString: return "String";
    case Kind::kSet: return "Set<" + element->ToString() + ">";
    case Kind::kEntity:
    case Kind::kExtension: return name;
    case Kind::kRecord: {
      std::string s = "{";
      bool first = true;
      for (const auto& [n, a] : attributes) {
        if (!first) s += ", ";
        first = false;
        s += schema_internal::QuoteCedarString(n) + (a.required ? ": " : "?: ") + a.type->ToString();
      }
      return s + "}";
    }
  }
  return "?";
}

std::string ActionUid::ToString() const { return type + "::" + schema_internal::QuoteCedarString(id); }

const EntityTypeDecl* Schema::FindEntityType(std::string_view name) const {
  auto it = entity_types.find(std::string(name));
  return it == entity_types.end() ? nullptr : &it->second;
}

const ActionDecl* Schema::FindAction(const ActionUid& uid) const {
  auto it = actions.find(uid);
  return it == actions.end() ? nullptr : &it->second;
}

bool Schema::IsActionType(std::string_view type) const {
  for (const auto& [uid, a] : actions) {
    if (uid.type == type) return true;
  }
  return false;
}

std::set<ActionUid> Schema::ActionAncestors(const ActionUid& uid) const {
  std::set<ActionUid> out;
  std::vector<ActionUid> todo{uid};
  while (!todo.empty()) {
    ActionUid u = todo.back();
    todo.pop_back();
    const ActionDecl* a = FindAction(u);
    if (!a) continue;
    for (const auto& p : a->member_of) {
      if (out.insert(p).second) todo.push_back(p);
    }
  }
  return out;
}

namespace schema_internal {

std::string QuoteCedarString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\0': out += "\\0"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[12];
          std::snprintf(buf, sizeof buf, "\\u{%x}", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

}  // namespace schema_internal
}  // namespace tg::cedar
