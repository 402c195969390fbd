// Schema-directed reading of entities and contexts, action entities, request validation.
#include <gtest/gtest.h>

#include "cedar/extensions.h"
#include "cedar/schema.h"
#include "cedar/schema_data.h"

namespace tg::cedar {
namespace {

using nlohmann::json;

const char* kSchema = R"(
  entity Group;
  entity User in [Group] { name: String, ip?: ipaddr, score: decimal, boss?: User, roles: Set<String>,
                           seen: { at: datetime, for: duration } };
  entity Doc tags Long;
  entity Color enum ["red", "blue"];
  action read appliesTo { principal: User, resource: [Doc, Color], context: { mfa: Bool, from?: ipaddr } };
  action write in [read] appliesTo { principal: User, resource: Doc };
  action admin;
)";

class SchemaData : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ParseSchema(kSchema);
    ASSERT_TRUE(s.ok()) << s.status().message();
    schema_ = std::move(*s);
  }
  json Alice() {
    return json::parse(R"({"uid": {"type": "User", "id": "alice"},
      "attrs": {"name": "Alice", "ip": "10.0.0.1", "score": "1.5", "boss": {"type": "User", "id": "bob"},
                "roles": ["a", "b"], "seen": {"at": "2024-01-02", "for": "1h"}},
      "parents": [{"type": "Group", "id": "staff"}]})");
  }
  std::string ErrorOf(const json& entity) {
    auto r = ConformEntitiesJson(schema_, json::array({entity}));
    EXPECT_FALSE(r.ok());
    return r.ok() ? "" : r.status().message();
  }
  Schema schema_;
};

TEST_F(SchemaData, ImplicitEscapesBecomeTypedValues) {
  auto store = ParseEntitiesWithSchema(schema_, json::array({Alice()}));
  ASSERT_TRUE(store.ok()) << store.status().message();
  const Entity* a = store->Find(EntityUid::Make("User", "alice"));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->attrs.at("ip").kind(), ValueKind::kIpAddr);
  EXPECT_EQ(a->attrs.at("ip"), Value(*ParseIpAddr("10.0.0.1")));
  EXPECT_EQ(a->attrs.at("score"), Value(*ParseDecimal("1.5")));
  EXPECT_EQ(a->attrs.at("boss"), Value(EntityUid::Make("User", "bob")));
  EXPECT_EQ(a->attrs.at("seen").as_record().at("at").kind(), ValueKind::kDatetime);
  EXPECT_EQ(a->attrs.at("seen").as_record().at("for"), Value(*ParseDuration("1h")));
  EXPECT_TRUE(store->IsDescendantOrSelf(a->uid, EntityUid::Make("Group", "staff")));
}

TEST_F(SchemaData, ExplicitEscapesAreAcceptedToo) {
  json e = Alice();
  e["attrs"]["ip"] = json::parse(R"({"__extn": {"fn": "ip", "arg": "10.0.0.1"}})");
  e["attrs"]["boss"] = json::parse(R"({"__entity": {"type": "User", "id": "bob"}})");
  EXPECT_TRUE(ParseEntitiesWithSchema(schema_, json::array({e})).ok());
}

TEST_F(SchemaData, ActionEntitiesComeFromTheSchema) {
  auto store = ParseEntitiesWithSchema(schema_, json::array());
  ASSERT_TRUE(store.ok());
  EntityUid write = EntityUid::Make("Action", "write");
  ASSERT_NE(store->Find(write), nullptr);
  EXPECT_TRUE(store->IsDescendantOrSelf(write, EntityUid::Make("Action", "read")));
  EXPECT_FALSE(store->IsDescendantOrSelf(write, EntityUid::Make("Action", "admin")));
}

TEST_F(SchemaData, ConformanceErrors) {
  json e = Alice();
  e["attrs"].erase("name");
  EXPECT_NE(ErrorOf(e).find("missing required attribute \"name\""), std::string::npos);
  e = Alice();
  e["attrs"]["extra"] = 1;
  EXPECT_NE(ErrorOf(e).find("\"extra\" is not declared"), std::string::npos);
  e = Alice();
  e["attrs"]["name"] = 5;
  EXPECT_NE(ErrorOf(e).find("expected String"), std::string::npos);
  e = Alice();
  e["attrs"]["boss"] = json::parse(R"({"type": "Group", "id": "x"})");
  EXPECT_NE(ErrorOf(e).find("expected an entity of type User"), std::string::npos);
  e = Alice();
  e["parents"] = json::parse(R"([{"type": "Doc", "id": "d"}])");
  EXPECT_NE(ErrorOf(e).find("cannot have parents of type Doc"), std::string::npos);
  e = Alice();
  e["tags"] = json::parse(R"({"t": 1})");
  EXPECT_NE(ErrorOf(e).find("has no tags"), std::string::npos);
  EXPECT_NE(ErrorOf(json::parse(R"({"uid": {"type": "Color", "id": "green"}, "attrs": {}, "parents": []})"))
                .find("not a valid id"),
            std::string::npos);
  EXPECT_NE(ErrorOf(json::parse(R"({"uid": {"type": "Nope", "id": "x"}, "attrs": {}, "parents": []})"))
                .find("not declared"),
            std::string::npos);
  EXPECT_NE(ErrorOf(json::parse(R"({"uid": {"type": "Doc", "id": "d"}, "attrs": {}, "tags": {"k": "v"}})"))
                .find("expected Long"),
            std::string::npos);
  EXPECT_TRUE(ConformEntitiesJson(schema_, json::parse(R"([{"uid": {"type": "Doc", "id": "d"}, "tags": {"k": 2}}])")).ok());
}

TEST_F(SchemaData, ContextIsReadWithTheActionsContextType) {
  EntityUid read = EntityUid::Make("Action", "read");
  auto ctx = ParseContextWithSchema(schema_, read, json::parse(R"({"mfa": true, "from": "::1"})"));
  ASSERT_TRUE(ctx.ok()) << ctx.status().message();
  EXPECT_EQ(ctx->as_record().at("from").kind(), ValueKind::kIpAddr);
  EXPECT_FALSE(ParseContextWithSchema(schema_, read, json::parse(R"({})")).ok());
  EXPECT_FALSE(ParseContextWithSchema(schema_, read, json::parse(R"({"mfa": true, "x": 1})")).ok());
  // An undeclared action: read without a schema.
  auto plain = ParseContextWithSchema(schema_, EntityUid::Make("Action", "nope"), json::parse(R"({"from": "::1"})"));
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->as_record().at("from").is_string());
}

TEST_F(SchemaData, RequestValidation) {
  Request r{EntityUid::Make("User", "a"), EntityUid::Make("Action", "read"), EntityUid::Make("Doc", "d"),
            Value::Record({{"mfa", Value(true)}})};
  EXPECT_TRUE(ValidateRequest(schema_, r).ok());
  Request bad = r;
  bad.action = EntityUid::Make("Action", "nope");
  EXPECT_NE(ValidateRequest(schema_, bad).message().find("not declared"), std::string::npos);
  bad = r;
  bad.principal = EntityUid::Make("Doc", "x");
  EXPECT_NE(ValidateRequest(schema_, bad).message().find("principal type Doc is not valid"), std::string::npos);
  bad = r;
  bad.resource = EntityUid::Make("Color", "green");
  EXPECT_NE(ValidateRequest(schema_, bad).message().find("not a valid id"), std::string::npos);
  bad = r;
  bad.resource = EntityUid::Make("Color", "red");
  EXPECT_TRUE(ValidateRequest(schema_, bad).ok());
  bad = r;
  bad.context = Value::Record({{"mfa", Value(int64_t{1})}});
  EXPECT_NE(ValidateRequest(schema_, bad).message().find("context"), std::string::npos);
  bad = r;
  bad.action = EntityUid::Make("Action", "admin");  // declared, but applies to nothing
  EXPECT_FALSE(ValidateRequest(schema_, bad).ok());
}

}  // namespace
}  // namespace tg::cedar

namespace tg::cedar {
namespace {

// Entities built in memory are held to the schema like entities read from JSON.
TEST_F(SchemaData, EntitiesBuiltInMemoryAreCheckedAgainstTheSchema) {
  auto user = [] {
    Entity e;
    e.uid = EntityUid::Make("User", "alice");
    e.attrs = {{"name", "Alice"},
               {"score", *MakeExtensionValue("decimal", "1.5")},
               {"roles", Value::Set({Value("clerk")})},
               {"seen", Value::Record({{"at", *MakeExtensionValue("datetime", "2026-01-01")},
                                       {"for", *MakeExtensionValue("duration", "1h")}})}};
    e.parents = {EntityUid::Make("Group", "staff")};
    return e;
  };
  EXPECT_TRUE(CheckEntityConforms(schema_, user()).ok());
  Entity missing = user();
  missing.attrs.erase("name");
  EXPECT_FALSE(CheckEntityConforms(schema_, missing).ok());
  Entity extra = user();
  extra.attrs.emplace("shoe_size", int64_t(9));
  EXPECT_FALSE(CheckEntityConforms(schema_, extra).ok());
  Entity wrong = user();
  wrong.attrs["score"] = Value("1.5");  // a string where the schema says decimal
  EXPECT_FALSE(CheckEntityConforms(schema_, wrong).ok());
  Entity boss = user();
  boss.attrs.emplace("boss", EntityUid::Make("Doc", "d"));  // an entity of the wrong type
  EXPECT_FALSE(CheckEntityConforms(schema_, boss).ok());
  Entity parent = user();
  parent.parents = {EntityUid::Make("Doc", "d")};
  EXPECT_FALSE(CheckEntityConforms(schema_, parent).ok());
  Entity undeclared;
  undeclared.uid = EntityUid::Make("Robot", "r2");
  EXPECT_FALSE(CheckEntityConforms(schema_, undeclared).ok());
  Entity color;
  color.uid = EntityUid::Make("Color", "green");  // not among the enum's ids
  EXPECT_FALSE(CheckEntityConforms(schema_, color).ok());
  Entity doc;
  doc.uid = EntityUid::Make("Doc", "d");
  doc.tags = {{"n", int64_t(1)}};
  EXPECT_TRUE(CheckEntityConforms(schema_, doc).ok());
  doc.tags = {{"n", Value("one")}};
  EXPECT_FALSE(CheckEntityConforms(schema_, doc).ok());
  Entity untagged = user();
  untagged.tags = {{"n", int64_t(1)}};
  EXPECT_FALSE(CheckEntityConforms(schema_, untagged).ok());
}

// Conformance keys keep what a type can constrain (kinds, names, uids) and drop the rest.
TEST(ConformanceKey, KeepsKindsNamesAndUidsOnly) {
  auto key = [](const Value& v) {
    std::string k;
    AppendConformanceKey(v, &k);
    return k;
  };
  auto ctx = [](Value purpose, Value who) { return Value::Record({{"purpose", purpose}, {"who", who}}); };
  const Value alice = EntityUid::Make("User", "alice"), bob = EntityUid::Make("User", "bob");
  EXPECT_EQ(key(ctx("a", alice)), key(ctx("something else", alice)));
  EXPECT_EQ(key(Value::Set({Value(int64_t(1))})), key(Value::Set({Value(int64_t(2))})));
  EXPECT_NE(key(ctx("a", alice)), key(ctx("a", bob)));             // an enum type could tell them apart
  EXPECT_NE(key(ctx("a", alice)), key(ctx(int64_t(1), alice)));    // another kind
  EXPECT_NE(key(ctx("a", alice)), key(Value::Record({{"purpose", "a"}})));  // a missing attribute
  EXPECT_NE(key(Value::Record({{"ab", "x"}})), key(Value::Record({{"a", "x"}})));
  EXPECT_NE(key(Value::Set({})), key(Value::Set({Value("x")})));
}

// The uid-only check: declared type, and an id among an enum type's ids.
TEST_F(SchemaData, UidChecksTypeAndEnumIds) {
  EXPECT_TRUE(CheckEntityUidConforms(schema_, EntityUid::Make("User", "anyone")).ok());
  EXPECT_TRUE(CheckEntityUidConforms(schema_, EntityUid::Make("Color", "red")).ok());
  Status green = CheckEntityUidConforms(schema_, EntityUid::Make("Color", "green"));
  EXPECT_FALSE(green.ok());
  EXPECT_NE(green.message().find("Color::\"green\""), std::string::npos) << green.message();
  EXPECT_FALSE(CheckEntityUidConforms(schema_, EntityUid::Make("Robot", "r2")).ok());
}

// A store layered on a base finds the base's entities and their ancestors.
TEST(EntitiesLayer, LookupsFallThroughToTheBase) {
  Entities base;
  Entity g;
  g.uid = EntityUid::Make("Group", "all");
  ASSERT_TRUE(base.Add(g).ok());
  Entity s;
  s.uid = EntityUid::Make("Group", "staff");
  s.parents = {g.uid};
  ASSERT_TRUE(base.Add(s).ok());
  base.Finalize();
  Entities top;
  top.SetBase(&base);
  Entity u;
  u.uid = EntityUid::Make("User", "alice");
  u.parents = {s.uid};
  ASSERT_TRUE(top.Add(u).ok());
  top.Finalize();
  EXPECT_NE(top.Find(s.uid), nullptr);
  EXPECT_TRUE(top.IsDescendantOrSelf(u.uid, g.uid));  // through the base's closure
  EXPECT_TRUE(top.IsDescendantOrSelf(s.uid, g.uid));
  EXPECT_EQ(top.size(), 1u);
  EXPECT_EQ(top.All().size(), 3u);
}

// Finalize again after the only parent link is gone (no parents left in the layer: the short
// path) leaves no stale ancestors, and attributes are still found by interned name.
TEST(EntitiesLayer, RefinalizingWithoutParentsClearsAncestors) {
  Entities es;
  Entity g;
  g.uid = EntityUid::Make("Group", "solo");
  ASSERT_TRUE(es.Add(g).ok());
  Entity u;
  u.uid = EntityUid::Make("User", "bob");
  u.attrs = {{"name", "Bob"}};
  u.parents = {g.uid};
  ASSERT_TRUE(es.Add(u).ok());
  es.Finalize();
  EXPECT_TRUE(es.IsDescendantOrSelf(u.uid, g.uid));
  // No API removes a parent: edit the stored entity (it is not const; Find's view is).
  const_cast<Entity*>(es.Find(u.uid))->parents.clear();
  es.Finalize();
  EXPECT_FALSE(es.IsDescendantOrSelf(u.uid, g.uid));
  const Value* name = es.Find(u.uid)->FindAttr(InternAttrName("name"), "name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->as_string(), "Bob");
}

}  // namespace
}  // namespace tg::cedar
