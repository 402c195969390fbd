// The policy JSON form: read into the same AST as the text form, so both decide alike.
#include <gtest/gtest.h>

#include "cedar/authorizer.h"
#include "cedar/entities.h"
#include "cedar/est.h"
#include "cedar/extensions.h"
#include "cedar/parser.h"
#include "cedar/schema.h"
#include "cedar/validator.h"

namespace tg::cedar {
namespace {

using nlohmann::json;

const char* kEst = R"({
  "effect": "permit",
  "principal": {"op": "in", "entity": {"type": "Group", "id": "staff"}},
  "action": {"op": "in", "entities": [{"type": "Action", "id": "view"}]},
  "resource": {"op": "is", "entity_type": "Doc"},
  "conditions": [
    {"kind": "when", "body": {"&&": {
      "left": {">=": {"left": {".": {"left": {"Var": "principal"}, "attr": "age"}}, "right": {"Value": 18}}},
      "right": {"isInRange": [{".": {"left": {"Var": "context"}, "attr": "ip"}}, {"ip": [{"Value": "10.0.0.0/8"}]}]}}}},
    {"kind": "unless", "body": {"like": {"left": {".": {"left": {"Var": "resource"}, "attr": "title"}},
                                          "pattern": [{"Literal": "secret"}, "Wildcard"]}}}
  ],
  "annotations": {"id": "staff-view", "flag": null}
})";

const char* kText = R"(@id("staff-view") @flag
permit(principal in Group::"staff", action in [Action::"view"], resource is Doc)
when { principal.age >= 18 && context.ip.isInRange(ip("10.0.0.0/8")) }
unless { resource.title like "secret*" };)";

const char* kEntities = R"([
  {"uid": {"type": "User", "id": "ann"}, "attrs": {"age": 30}, "parents": [{"type": "Group", "id": "staff"}]},
  {"uid": {"type": "User", "id": "kid"}, "attrs": {"age": 12}, "parents": [{"type": "Group", "id": "staff"}]},
  {"uid": {"type": "Group", "id": "staff"}, "attrs": {}, "parents": []},
  {"uid": {"type": "Doc", "id": "a"}, "attrs": {"title": "plan"}, "parents": []},
  {"uid": {"type": "Doc", "id": "b"}, "attrs": {"title": "secret plan"}, "parents": []}
])";

TEST(Est, DecidesLikeTheTextForm) {
  auto est = ParsePolicySetJsonText(kEst, "p.json");
  ASSERT_TRUE(est.ok()) << est.status().message();
  auto text = ParsePolicies(kText);
  ASSERT_TRUE(text.ok()) << text.status().message();
  ASSERT_EQ(est->policies().size(), 1u);
  EXPECT_EQ(est->policies()[0].id, "policy0");
  ASSERT_NE(est->policies()[0].FindAnnotation("id"), nullptr);
  EXPECT_EQ(*est->policies()[0].FindAnnotation("id"), "staff-view");
  auto entities = ParseEntitiesJsonText(kEntities);
  ASSERT_TRUE(entities.ok()) << entities.status().message();
  Authorizer a(*est), b(*text);
  int allowed = 0;
  for (const char* who : {"ann", "kid"}) {
    for (const char* doc : {"a", "b"}) {
      for (const char* addr : {"10.1.2.3", "192.168.0.1"}) {
        Request r{EntityUid::Make("User", who), EntityUid::Make("Action", "view"), EntityUid::Make("Doc", doc),
                  Value::Record({{"ip", *MakeExtensionValue("ip", addr)}})};
        Response x = a.IsAuthorized(r, *entities), y = b.IsAuthorized(r, *entities);
        EXPECT_EQ(x.decision, y.decision) << who << " " << doc << " " << addr;
        EXPECT_EQ(x.reasons, y.reasons);
        allowed += x.decision == Decision::kAllow;
      }
    }
  }
  EXPECT_EQ(allowed, 1);  // only ann, doc a, from 10.x
}

TEST(Est, PolicySetWithTemplatesAndLinks) {
  auto set = ParsePolicySetJsonText(R"({
    "templates": {"t": {"effect": "permit", "principal": {"op": "==", "slot": "?principal"},
                        "action": {"op": "All"}, "resource": {"op": "in", "slot": "?resource"}}},
    "staticPolicies": {"s": {"effect": "forbid", "principal": {"op": "All"}, "action": {"op": "All"},
                             "resource": {"op": "All"}, "conditions": []}},
    "templateLinks": [{"templateId": "t", "newId": "l1",
                       "values": {"?principal": {"type": "User", "id": "a"}, "?resource": {"type": "F", "id": "x"}}}]
  })");
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->templates().size(), 1u);
  ASSERT_EQ(set->policies().size(), 2u);
  const Policy* l1 = set->FindPolicy("l1");
  ASSERT_NE(l1, nullptr);
  EXPECT_EQ(l1->principal.entity, EntityUid::Make("User", "a"));
}

TEST(Est, ValidatesAgainstASchema) {
  auto schema = ParseSchema(R"(
    entity Group; entity User in [Group] { age: Long }; entity Doc { title: String };
    action view appliesTo { principal: User, resource: Doc, context: { ip: ipaddr } };)");
  ASSERT_TRUE(schema.ok()) << schema.status().message();
  auto est = ParsePolicySetJsonText(kEst);
  ASSERT_TRUE(est.ok());
  EXPECT_TRUE(ValidatePolicies(*schema, *est).ok());
}

TEST(Est, MalformedInputIsAnError) {
  for (const char* bad : {
           R"({"effect": "allow", "principal": {"op": "All"}, "action": {"op": "All"}, "resource": {"op": "All"}})",
           R"({"effect": "permit", "principal": {"op": "All"}, "action": {"op": "All"}})",
           R"({"effect": "permit", "principal": {"op": "like"}, "action": {"op": "All"}, "resource": {"op": "All"}})",
           R"({"effect": "permit", "principal": {"op": "All"}, "action": {"op": "All"}, "resource": {"op": "All"},
               "conditions": [{"kind": "when", "body": {"frobnicate": {}}}]})",
           R"({"effect": "permit", "principal": {"op": "All"}, "action": {"op": "All"}, "resource": {"op": "All"},
               "conditions": [{"kind": "when", "body": {"==": {"left": {"Value": 1}}}}]})",
           R"({"effect": "permit", "principal": {"op": "All"}, "action": {"op": "All"}, "resource": {"op": "All"},
               "conditions": [{"kind": "when", "body": {"Var": "someone"}}]})",
           "[1, 2]", "nonsense"}) {
    EXPECT_FALSE(ParsePolicySetJsonText(bad).ok()) << bad;
  }
  auto e = ParseExprJson(json::parse(R"({"&&": {"left": {"Value": true}, "right": {"nope": 1}}})"));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("&&.right"), std::string::npos) << e.status().message();
}

}  // namespace
}  // namespace tg::cedar
