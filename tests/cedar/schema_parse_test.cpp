// The schema parsers: human syntax and JSON form, name resolution and schema errors.
#include <gtest/gtest.h>

#include "cedar/schema.h"

namespace tg::cedar {
namespace {

Schema MustParse(std::string_view text) {
  auto s = ParseSchema(text, "s.cedarschema");
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? std::move(*s) : Schema{};
}

std::string ErrorOf(std::string_view text) {
  auto s = ParseSchema(text, "s.cedarschema");
  EXPECT_FALSE(s.ok());
  return s.ok() ? "" : s.status().message();
}

TEST(SchemaParse, EntitiesAttributesParentsTags) {
  Schema s = MustParse(R"(
    entity Group;
    entity User in [Group] = { name: String, age?: Long, "odd key": Set<Bool> } tags String;
    entity Photo in Group { owner: User, ip: ipaddr, when: __cedar::datetime };
  )");
  const EntityTypeDecl* user = s.FindEntityType("User");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->member_of, std::set<std::string>{"Group"});
  EXPECT_EQ(user->shape->ToString(), R"({"age"?: Long, "name": String, "odd key": Set<Bool>})");
  ASSERT_NE(user->tags, nullptr);
  EXPECT_EQ(user->tags->ToString(), "String");
  const EntityTypeDecl* photo = s.FindEntityType("Photo");
  ASSERT_NE(photo, nullptr);
  EXPECT_EQ(photo->shape->attributes.at("owner").type->kind, SchemaType::Kind::kEntity);
  EXPECT_EQ(photo->shape->attributes.at("ip").type->ToString(), "ipaddr");
  EXPECT_EQ(photo->shape->attributes.at("when").type->ToString(), "datetime");
  EXPECT_EQ(photo->tags, nullptr);
}

TEST(SchemaParse, EnumEntitiesAndEscapedStrings) {
  Schema s = MustParse(R"(entity Color enum ["red", "gr\u{e9}en", "\0"];)");
  const EntityTypeDecl* c = s.FindEntityType("Color");
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->enum_ids.has_value());
  EXPECT_EQ(*c->enum_ids, (std::vector<std::string>{"red", "gr\xC3\xA9" "en", std::string("\0", 1)}));
}

TEST(SchemaParse, NamespacesQualifyNamesAndActions) {
  Schema s = MustParse(R"(
    entity Shared;
    @doc("app")
    namespace App {
      entity User in [Shared];
      action read;
      action "write" in [read] appliesTo { principal: User, resource: [Shared], context: {} };
    }
  )");
  ASSERT_NE(s.FindEntityType("App::User"), nullptr);
  EXPECT_EQ(s.FindEntityType("App::User")->member_of, std::set<std::string>{"Shared"});
  const ActionDecl* w = s.FindAction(ActionUid{"App::Action", "write"});
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->principal_types, std::vector<std::string>{"App::User"});
  EXPECT_EQ(w->resource_types, std::vector<std::string>{"Shared"});
  ASSERT_EQ(w->member_of.size(), 1u);
  EXPECT_EQ(w->member_of[0].ToString(), R"(App::Action::"read")");
  EXPECT_EQ(s.ActionAncestors(w->uid), (std::set<ActionUid>{ActionUid{"App::Action", "read"}}));
  EXPECT_EQ(s.namespace_annotations.at("App").at("doc"), "app");
  // An action without appliesTo applies to nothing.
  EXPECT_TRUE(s.FindAction(ActionUid{"App::Action", "read"})->principal_types.empty());
}

TEST(SchemaParse, UnqualifiedNamesPreferTheirOwnNamespace) {
  Schema s = MustParse(R"(
    entity User;
    type Name = String;
    namespace N { entity User; entity Doc { owner: User, title: Name }; }
    namespace M { entity Doc { owner: User, at: __cedar::Long }; }
  )");
  EXPECT_EQ(s.FindEntityType("N::Doc")->shape->ToString(), R"({"owner": N::User, "title": String})");
  EXPECT_EQ(s.FindEntityType("M::Doc")->shape->ToString(), R"({"at": Long, "owner": User})");
}

TEST(SchemaParse, CommonTypeInlining) {
  Schema s = MustParse(R"(
    namespace N {
      type Ctx = { ip: ipaddr, who: Person };
      entity Person;
      action a appliesTo { principal: Person, resource: Person, context: Ctx };
    }
  )");
  const ActionDecl* a = s.FindAction(ActionUid{"N::Action", "a"});
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->context->ToString(), R"({"ip": ipaddr, "who": N::Person})");
}

TEST(SchemaParse, ReservedCommonTypeNameIsAnError) {
  EXPECT_NE(ErrorOf("type Long = Bool;").find("reserved"), std::string::npos);
}

TEST(SchemaParse, ErrorsNameFileLineColumn) {
  std::string e = ErrorOf("entity A;\nentity B = { x: Long }\nentity C;");
  EXPECT_EQ(e.rfind("s.cedarschema:3:1:", 0), 0u) << e;
  e = ErrorOf("entity A { x: Missing };");
  EXPECT_NE(e.find("s.cedarschema:1:"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown type Missing"), std::string::npos) << e;
}

TEST(SchemaParse, SemanticErrors) {
  EXPECT_NE(ErrorOf("entity A; entity A;").find("declared twice"), std::string::npos);
  EXPECT_NE(ErrorOf("entity A in [Nope];").find("unknown entity type Nope"), std::string::npos);
  EXPECT_NE(ErrorOf("action a in [b];").find("undeclared action"), std::string::npos);
  EXPECT_NE(ErrorOf("action a in [b]; action b in [a];").find("cycle"), std::string::npos);
  EXPECT_NE(ErrorOf("type T = T;").find("refers to itself"), std::string::npos);
  EXPECT_NE(ErrorOf("entity A { x: Long, x: String };").find("duplicate attribute"), std::string::npos);
  EXPECT_NE(ErrorOf("entity A = Long;").find("expected '{'"), std::string::npos);
  EXPECT_NE(ErrorOf("entity A { x: \"unterminated };").find("unterminated"), std::string::npos);
}

TEST(SchemaParse, JsonFormMatchesHumanSyntax) {
  const char* human = R"(
    namespace N {
      type Ctx = { ip: ipaddr };
      entity G;
      entity U in [G] { name: String, tags?: Set<String>, boss?: U } tags Long;
      entity E enum ["a", "b"];
      action view appliesTo { principal: [U], resource: [G, E], context: Ctx };
      action edit in [view];
    }
  )";
  const char* json = R"({
    "N": {
      "commonTypes": { "Ctx": { "type": "Record", "attributes": { "ip": { "type": "Extension", "name": "ipaddr" } } } },
      "entityTypes": {
        "G": {},
        "U": { "memberOfTypes": ["G"],
               "shape": { "type": "Record", "attributes": {
                 "name": { "type": "String" },
                 "tags": { "type": "Set", "element": { "type": "String" }, "required": false },
                 "boss": { "type": "Entity", "name": "U", "required": false } } },
               "tags": { "type": "Long" } },
        "E": { "enum": ["a", "b"] }
      },
      "actions": {
        "view": { "appliesTo": { "principalTypes": ["U"], "resourceTypes": ["G", "E"], "context": { "type": "Ctx" } } },
        "edit": { "memberOf": [{ "id": "view" }] }
      }
    }
  })";
  auto a = ParseSchema(human);
  auto b = ParseSchemaJson(json);
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok()) << b.status().message();
  ASSERT_EQ(a->entity_types.size(), b->entity_types.size());
  for (const auto& [name, d] : a->entity_types) {
    const EntityTypeDecl* o = b->FindEntityType(name);
    ASSERT_NE(o, nullptr) << name;
    EXPECT_EQ(d.shape->ToString(), o->shape->ToString());
    EXPECT_EQ(d.member_of, o->member_of);
    EXPECT_EQ(d.enum_ids, o->enum_ids);
    EXPECT_EQ(d.tags ? d.tags->ToString() : "", o->tags ? o->tags->ToString() : "");
  }
  ASSERT_EQ(a->actions.size(), b->actions.size());
  for (const auto& [uid, d] : a->actions) {
    const ActionDecl* o = b->FindAction(uid);
    ASSERT_NE(o, nullptr) << uid.ToString();
    EXPECT_EQ(d.principal_types, o->principal_types);
    EXPECT_EQ(d.resource_types, o->resource_types);
    EXPECT_EQ(d.context->ToString(), o->context->ToString());
    EXPECT_EQ(d.member_of, o->member_of);
  }
}

TEST(SchemaParse, JsonErrors) {
  EXPECT_FALSE(ParseSchemaJson("[1]").ok());
  EXPECT_FALSE(ParseSchemaJson("{").ok());
  EXPECT_FALSE(ParseSchemaJson(R"({"": {"entityTypes": {"A": {"shape": {"type": "Nope"}}}}})").ok());
  EXPECT_FALSE(ParseSchemaJson(R"({"": {"bogus": {}}})").ok());
}

}  // namespace
}  // namespace tg::cedar
