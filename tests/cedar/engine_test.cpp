// Unit tests of the Cedar core: parser restrictions and locations, evaluation errors,
// extensions, templates, the authorizer's decision rules and the printer's round trip.
#include <gtest/gtest.h>

#include "cedar/authorizer.h"
#include "cedar/evaluator.h"
#include "cedar/extensions.h"
#include "cedar/parser.h"
#include "cedar/printer.h"

namespace tg::cedar {
namespace {

Value Eval(const std::string& text, const Entities* es = nullptr) {
  auto e = ParseExpression(text);
  EXPECT_TRUE(e.ok()) << text << ": " << e.status().message();
  Entities empty;
  Request r;
  r.principal = EntityUid::Make("User", "alice");
  r.action = EntityUid::Make("Action", "view");
  r.resource = EntityUid::Make("Doc", "d");
  auto v = Evaluate(**e, r, es ? *es : empty);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status().message();
  return v.ok() ? *v : Value();
}

std::string EvalError(const std::string& text) {
  auto e = ParseExpression(text);
  EXPECT_TRUE(e.ok()) << text;
  Entities empty;
  Request r;
  auto v = Evaluate(**e, r, empty);
  EXPECT_FALSE(v.ok()) << text;
  return v.ok() ? "" : v.status().message();
}

TEST(CedarParser, IdsFollowFileOrderAndIgnoreAtId) {
  auto ps = ParsePolicies("@id(\"x\") permit(principal, action, resource);\nforbid(principal, action, resource);");
  ASSERT_TRUE(ps.ok());
  ASSERT_EQ(ps->policies().size(), 2u);
  EXPECT_EQ(ps->policies()[0].id, "policy0");
  EXPECT_EQ(ps->policies()[1].id, "policy1");
  EXPECT_EQ(*ps->policies()[0].FindAnnotation("id"), "x");
}

TEST(CedarParser, ErrorsNameFileLineAndColumn) {
  auto ps = ParsePolicies("permit(principal, action, resource)\nwhen { 1 < 2 < 3 };", "p.cedar");
  ASSERT_FALSE(ps.ok());
  EXPECT_EQ(ps.status().message().rfind("p.cedar:2:", 0), 0u) << ps.status().message();
}

TEST(CedarParser, RejectsWhatTheReferenceRejects) {
  for (const char* bad : {"permit(principal, action, resource) when { 1 / 2 == 0 };",
                          "permit(principal, action, resource) when { !!!!!true };",
                          "permit(principal, action, resource) when { if == 1 };",
                          "permit(principal, action, resource) when { foo(1) };",
                          "permit(principal, action, resource) when { isIpv4(ip(\"1.2.3.4\")) };",
                          "permit(principal, action, resource) when { {a: 1, a: 2} == {} };",
                          "permit(principal, action is Action, resource);",
                          "permit(principal, action == User::\"x\", resource);",
                          "@a @a permit(principal, action, resource);",
                          "permit(principal, action, resource) when { \"\\q\" == \"\" };",
                          "permit(principal, action, resource) when { 9223372036854775808 == 0 };",
                          "permit(principal, action, resource) when { principal == ?principal };",
                          "permit(resource, action, principal);", "permit(principal, action, resource) when {};"}) {
    EXPECT_FALSE(ParsePolicies(bad).ok()) << bad;
  }
}

TEST(CedarEval, ArithmeticAndComparisons) {
  EXPECT_EQ(Eval("1 + 2 * 3"), Value(7));
  EXPECT_EQ(Eval("-9223372036854775808 < 0"), Value(true));
  EXPECT_NE(EvalError("9223372036854775807 + 1").find("arithBoundsError"), std::string::npos);
  EXPECT_NE(EvalError("1 < \"a\"").find("typeError"), std::string::npos);
  EXPECT_EQ(Eval("1 == \"1\""), Value(false));
  EXPECT_EQ(Eval("false && (1 < \"a\")"), Value(false));
  EXPECT_EQ(Eval("[1, 2, 2] == [2, 1]"), Value(true));
  EXPECT_EQ(Eval("{a: [1], b: \"x\"}.a.contains(1)"), Value(true));
  EXPECT_EQ(Eval("\"a*b\" like \"a\\*b\" && \"axxb\" like \"a*b\" && !(\"a*b\" like \"a\\*c\")"), Value(true));
  EXPECT_EQ(Eval("if 1 > 2 then 1 else 2"), Value(2));
}

TEST(CedarEval, EntitiesAttributesAndTags) {
  auto es = ParseEntitiesJsonText(R"([
    {"uid":{"type":"User","id":"alice"},"attrs":{"age":30,"boss":{"__entity":{"type":"User","id":"bob"}}},
     "parents":[{"type":"Group","id":"g"}],"tags":{"t":"v"}},
    {"uid":{"type":"Group","id":"g"},"attrs":{},"parents":[{"type":"Group","id":"root"}]}])");
  ASSERT_TRUE(es.ok()) << es.status().message();
  EXPECT_EQ(Eval("principal in Group::\"root\"", &*es), Value(true));
  EXPECT_EQ(Eval("principal.age", &*es), Value(30));
  EXPECT_EQ(Eval("principal has boss.age", &*es), Value(false));
  EXPECT_EQ(Eval("principal.getTag(\"t\")", &*es), Value("v"));
  EXPECT_EQ(Eval("principal.hasTag(\"u\")", &*es), Value(false));
  EXPECT_EQ(Eval("User::\"nobody\" has age", &*es), Value(false));
  EXPECT_EQ(Eval("principal is User in Group::\"g\"", &*es), Value(true));
}

TEST(CedarEval, MissingThingsAreNamedErrors) {
  EXPECT_NE(EvalError("User::\"x\".a").find("entityDoesNotExist"), std::string::npos);
  EXPECT_NE(EvalError("{}.a").find("attrDoesNotExist"), std::string::npos);
  EXPECT_NE(EvalError("decimal(\"1.23456\")").find("extensionError"), std::string::npos);
}

TEST(CedarExtensions, ParseLikeTheSpec) {
  EXPECT_TRUE(ParseDecimal("-0.5").has_value());
  EXPECT_EQ(ParseDecimal("-0.5")->scaled, -5000);
  EXPECT_FALSE(ParseDecimal("1.").has_value());
  EXPECT_FALSE(ParseIpAddr("01.2.3.4").has_value());
  EXPECT_FALSE(ParseIpAddr("::ffff:1.2.3.4").has_value());
  EXPECT_FALSE(ParseIpAddr("10.0.0.0/33").has_value());
  EXPECT_TRUE(ParseIpAddr("fe80::/10").has_value());
  EXPECT_EQ(ParseDatetime("1970-01-02")->ms, 86400000);
  EXPECT_EQ(ParseDatetime("1970-01-01T01:00:00+0100")->ms, 0);
  EXPECT_FALSE(ParseDatetime("2023-02-29").has_value());
  EXPECT_EQ(ParseDuration("1h30m")->ms, 5400000);
  EXPECT_FALSE(ParseDuration("30m1h").has_value());
  EXPECT_EQ(Eval("ip(\"127.0.0.1\").isLoopback() && ip(\"10.1.0.0/16\").isInRange(ip(\"10.0.0.0/8\"))"), Value(true));
  EXPECT_EQ(Eval("datetime(\"2024-01-01T10:00:00Z\").toTime() == duration(\"10h\")"), Value(true));
  EXPECT_EQ(Eval("decimal(\"1.5\").lessThan(decimal(\"2.0\"))"), Value(true));
}

TEST(CedarAuthorizer, ForbidOverridesAndErrorsAreSkipped) {
  auto ps = ParsePolicies(
      "permit(principal, action, resource);\n"
      "forbid(principal, action, resource) when { principal.missing };\n"
      "permit(principal == User::\"alice\", action, resource);\n");
  ASSERT_TRUE(ps.ok());
  Authorizer auth(*ps);
  Entities es;
  Request r;
  r.principal = EntityUid::Make("User", "alice");
  Response resp = auth.IsAuthorized(r, es);
  EXPECT_EQ(resp.decision, Decision::kAllow);
  EXPECT_EQ(resp.reasons, (std::vector<std::string>{"policy0", "policy2"}));
  ASSERT_EQ(resp.errors.size(), 1u);
  EXPECT_EQ(resp.errors[0].policy_id, "policy1");
}

TEST(CedarAuthorizer, TemplatesApplyOnlyOnceLinked) {
  auto ps = ParsePolicies("permit(principal == ?principal, action, resource in ?resource);");
  ASSERT_TRUE(ps.ok());
  EXPECT_EQ(ps->templates().size(), 1u);
  ASSERT_TRUE(ps->Link("policy0", "link1", {{SlotId::kPrincipal, EntityUid::Make("User", "alice")},
                                             {SlotId::kResource, EntityUid::Make("Doc", "d")}}).ok());
  EXPECT_FALSE(ps->Link("policy0", "link2", {{SlotId::kPrincipal, EntityUid::Make("User", "alice")}}).ok());
  Authorizer auth(*ps);
  Entities es;
  Request r;
  r.principal = EntityUid::Make("User", "alice");
  r.resource = EntityUid::Make("Doc", "d");
  Response resp = auth.IsAuthorized(r, es);
  EXPECT_EQ(resp.reasons, (std::vector<std::string>{"link1"}));
  r.principal = EntityUid::Make("User", "bob");
  EXPECT_EQ(auth.IsAuthorized(r, es).decision, Decision::kDeny);
}

TEST(CedarPrinter, FormattedTextReparsesToTheSameText) {
  const char* text =
      "@id(\"a\") permit(principal is User in Group::\"g\", action in [Action::\"a\"], resource)\n"
      "when { (1 + 2) * 3 == 9 && -(-1) == 1 && (if true then [1] else []).contains(1) && \"x\" like \"*\\*\" }\n"
      "unless { principal has a.b || resource[\"odd key\"] == ip(\"::1\") };";
  auto a = ParsePolicyList(text);
  ASSERT_TRUE(a.ok()) << a.status().message();
  std::string once = FormatPolicies(*a);
  auto b = ParsePolicyList(once);
  ASSERT_TRUE(b.ok()) << b.status().message() << "\n" << once;
  EXPECT_EQ(FormatPolicies(*b), once);
}

}  // namespace
}  // namespace tg::cedar
