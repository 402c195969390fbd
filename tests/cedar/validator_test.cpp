// The strict validator: each check the reference makes, with a passing and a failing policy.
#include <gtest/gtest.h>

#include "cedar/parser.h"
#include "cedar/schema.h"
#include "cedar/validator.h"

namespace tg::cedar {
namespace {

const char* kSchema = R"(
  entity Group;
  entity User in [Group] { name: String, age: Long, nick?: String, boss?: User, ip: ipaddr,
                           roles: Set<String>, addr: { city: String, zip?: Long } };
  entity Doc { owner: User, level: Long, when: datetime } tags String;
  entity Color enum ["red", "blue"];
  action view appliesTo { principal: [User], resource: [Doc], context: { mfa: Bool, score?: decimal } };
  action paint appliesTo { principal: [User], resource: [Color] };
  action edit in [view] appliesTo { principal: [User], resource: [Doc] };
)";

class Validator : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ParseSchema(kSchema);
    ASSERT_TRUE(s.ok()) << s.status().message();
    schema_ = std::move(*s);
  }
  ValidationResult Run(std::string_view text) {
    auto set = ParsePolicies(text, "p.cedar");
    EXPECT_TRUE(set.ok()) << set.status().message();
    if (!set.ok()) return {};
    return ValidatePolicies(schema_, *set);
  }
  void ExpectValid(std::string_view text) {
    auto r = Run(text);
    EXPECT_TRUE(r.ok()) << text << "\n" << (r.ok() ? "" : r.errors[0].ToString());
  }
  // Expects an error whose message contains `what`.
  void ExpectInvalid(std::string_view text, std::string_view what) {
    auto r = Run(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.errors[0].message.find(what), std::string::npos) << r.errors[0].ToString();
  }
  Schema schema_;
};

TEST_F(Validator, WellTypedPoliciesPass) {
  ExpectValid(R"(permit(principal, action == Action::"view", resource) when {
    resource.owner == principal && principal.age >= 18 && principal.name like "A*" &&
    principal.roles.contains("admin") && principal.ip.isInRange(ip("10.0.0.0/8")) &&
    resource.when < datetime("2030-01-01") && principal.addr.city != "" && context.mfa };)");
  ExpectValid(R"(permit(principal in Group::"staff", action in [Action::"view", Action::"edit"], resource is Doc);)");
  ExpectValid(R"(permit(principal, action == Action::"paint", resource == Color::"red");)");
}

TEST_F(Validator, UnknownAttribute) {
  ExpectInvalid(R"(permit(principal, action == Action::"view", resource) when { resource.size > 1 };)",
                "attribute \"size\" not found");
  ExpectInvalid(R"(permit(principal, action == Action::"view", resource) when { context.nope };)", "not found");
}

TEST_F(Validator, OptionalAttributesNeedAGuard) {
  ExpectInvalid(R"(permit(principal, action, resource) when { principal.nick == "x" };)", "optional");
  ExpectValid(R"(permit(principal, action, resource) when { principal has nick && principal.nick == "x" };)");
  ExpectValid(R"(permit(principal, action == Action::"view", resource) when {
    context has score && context.score.greaterThan(decimal("0.5")) };)");
  ExpectInvalid(R"(permit(principal, action, resource) when { principal has nick || principal.nick == "x" };)",
                "optional");
  ExpectValid(R"(permit(principal, action, resource) when {
    if principal has boss then principal.boss.age > 1 else false };)");
  ExpectValid(R"(permit(principal, action, resource) when { principal.addr has zip && principal.addr.zip > 0 };)");
}

TEST_F(Validator, TagsNeedHasTag) {
  ExpectInvalid(R"(permit(principal, action == Action::"view", resource) when { resource.getTag("k") == "v" };)",
                "hasTag");
  ExpectValid(R"(permit(principal, action == Action::"view", resource) when {
    resource.hasTag("k") && resource.getTag("k") == "v" };)");
  ExpectInvalid(R"(permit(principal, action, resource) when { principal.getTag("k") == "v" };)", "no tags");
  // hasTag on a type without tags is False, so the guarded read is never checked (and never runs).
  auto r = Run(R"(permit(principal, action, resource) when { principal.hasTag("k") && principal.getTag("k") == "v" };)");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.warnings.size(), 1u);
}

TEST_F(Validator, OperatorTypeMismatches) {
  ExpectInvalid(R"(permit(principal, action, resource) when { principal.name > 3 };)", "comparison");
  ExpectInvalid(R"(permit(principal, action, resource) when { principal.age + "x" == 1 };)", "arithmetic");
  ExpectInvalid(R"(permit(principal, action, resource) when { principal.age };)", "Bool");
  ExpectInvalid(R"(permit(principal, action, resource) when { principal.name like "a" && 1 };)", "&&");
  ExpectInvalid(R"(permit(principal, action, resource) when { principal.roles.contains(1) };)", "incompatible");
  ExpectInvalid(R"(permit(principal, action, resource) when { principal in "x" };)", "in");
}

TEST_F(Validator, EqualityNeedsCompatibleTypes) {
  ExpectInvalid(R"(permit(principal, action, resource) when { principal.age == "1" };)", "incompatible types");
  // Different entity types compare as false rather than an error.
  ExpectValid(R"(permit(principal, action == Action::"view", resource) when { principal == resource || true };)");
  ExpectInvalid(R"(permit(principal, action == Action::"view", resource) when { if context.mfa then 1 else "x" };)",
                "incompatible");
}

TEST_F(Validator, SetLiterals) {
  ExpectInvalid(R"(permit(principal, action, resource) when { [].isEmpty() };)", "empty set");
  ExpectInvalid(R"(permit(principal, action, resource) when { [1, "a"].contains(1) };)", "incompatible types");
  ExpectValid(R"(permit(principal, action, resource) when { [1, 2].contains(principal.age) };)");
}

TEST_F(Validator, ExtensionConstructorsNeedValidLiterals) {
  ExpectInvalid(R"(permit(principal, action, resource) when { decimal("1.23456").lessThan(decimal("1")) };)",
                "not a valid decimal");
  ExpectInvalid(R"(permit(principal, action, resource) when { ip(principal.name).isIpv4() };)", "string literal");
  ExpectInvalid(R"(permit(principal, action, resource) when { principal.ip.lessThan(principal.ip) };)", "cannot take");
  ExpectValid(R"(permit(principal, action, resource) when {
    duration("1h").toMinutes() == 60 && datetime("2024-01-01").offset(duration("1d")) > datetime("2024-01-01") };)");
}

TEST_F(Validator, UnknownEntitiesAndEnumLiterals) {
  ExpectInvalid(R"(permit(principal, action, resource) when { principal in Team::"x" };)", "unknown entity");
  ExpectInvalid(R"(permit(principal, action == Action::"paint", resource) when { resource == Color::"green" };)",
                "unknown entity");
  ExpectInvalid(R"(permit(principal, action == Action::"nope", resource);)", "no action");
}

TEST_F(Validator, ActionMustApplyGivenTheScope) {
  ExpectInvalid(R"(permit(principal, action == Action::"paint", resource is Doc);)", "no action");
  ExpectInvalid(R"(permit(principal is Doc, action, resource);)", "no action");
  ExpectValid(R"(permit(principal, action in Action::"view", resource is Doc);)");  // edit is in view
}

TEST_F(Validator, ImpossiblePolicyIsAWarning) {
  auto r = Run(R"(permit(principal, action == Action::"view", resource) when { false };)");
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].message.find("impossible"), std::string::npos);
}

TEST_F(Validator, MessagesNameFileLineColumn) {
  auto r = Run("permit(principal, action, resource)\nwhen {\n  principal.nick == \"x\"\n};");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors[0].ToString().rfind("p.cedar:3:", 0), 0u) << r.errors[0].ToString();
  EXPECT_EQ(r.errors[0].policy_id, "policy0");
}

TEST_F(Validator, OnePolicyPerError) {
  auto r = Run(R"(
    permit(principal, action, resource) when { principal.nope };
    permit(principal, action, resource);
    forbid(principal, action, resource) when { principal.age == "x" };)");
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].policy_id, "policy0");
  EXPECT_EQ(r.errors[1].policy_id, "policy2");
}

}  // namespace
}  // namespace tg::cedar
