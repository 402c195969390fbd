// What policies read, and fingerprints of exactly that: the paths found in scopes and
// conditions, the constructs that make a set unfingerprintable, and — over generated
// policy sets of every operator — that requests with equal fingerprints get equal decisions.
#include "cedar/policy_reads.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "cedar/authorizer.h"
#include "cedar/batch.h"
#include "cedar/parser.h"
#include "oracle_diff_gen.h"

namespace tg::cedar {
namespace {

PolicyReads ReadsOf(const std::string& text) {
  auto ps = ParsePolicies(text);
  EXPECT_TRUE(ps.ok()) << ps.status().ToString();
  return PolicyReads::Of(ps.ok() ? ps->policies() : std::vector<Policy>{});
}

std::vector<std::string> PathNames(const PolicyReads& r) {
  std::vector<std::string> out;
  for (const auto& p : r.paths()) out.push_back(p.ToString());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(PolicyReads, LongestPathsOnlyAndNoIdentityWhenOnlyDereferenced) {
  auto r = ReadsOf(R"(
    permit (principal, action == Action::"read", resource is Booking)
    when { principal.agency.kind == "jail" && resource.agency == principal.agency &&
           resource.person.flagged && context.authority.kind == "warrant" && context has case };
  )");
  EXPECT_TRUE(r.fingerprintable());
  EXPECT_EQ(PathNames(r), (std::vector<std::string>{"context.authority.kind", "context.case", "principal.agency",
                                                    "principal.agency.kind", "resource.agency",
                                                    "resource.person.flagged"}));
}

TEST(PolicyReads, ScopesAndBareVariablesReadIdentity) {
  EXPECT_EQ(PathNames(ReadsOf(R"(permit (principal in Agency::"a", action, resource);)")),
            std::vector<std::string>{"principal"});
  EXPECT_EQ(PathNames(ReadsOf(R"(permit (principal, action, resource == Doc::"d");)")),
            std::vector<std::string>{"resource"});
  EXPECT_EQ(PathNames(ReadsOf(R"(permit (principal, action, resource) when { resource in principal.team };)")),
            (std::vector<std::string>{"principal.team", "resource"}));
  EXPECT_EQ(PathNames(ReadsOf(R"(permit (principal, action, resource) when { context == {} };)")),
            std::vector<std::string>{"context"});
  // `is` alone and `action` need no path: types are always fingerprinted, actions keyed by the caller.
  EXPECT_TRUE(PathNames(ReadsOf(R"(permit (principal is User, action in [Action::"a"], resource)
                                   when { resource is Doc && action == Action::"a" };)"))
                  .empty());
}

TEST(PolicyReads, ReadsThatAreNotPathsAreNotFingerprintable) {
  for (const char* text : {
           R"(permit (principal, action, resource) when { User::"x".name == "a" };)",
           R"(permit (principal, action, resource) when { (if context.a then principal else resource).name == "a" };)",
           R"(permit (principal, action, resource) when { principal.hasTag("t") };)",
           R"(permit (principal, action, resource) when { User::"x" in principal };)",
           R"(permit (principal, action, resource) when { action.owner == "a" };)"}) {
    auto r = ReadsOf(text);
    EXPECT_FALSE(r.fingerprintable()) << text;
    EXPECT_NE(r.why_not().find("<policies>"), std::string::npos) << r.why_not();
  }
}

Entities Store(const std::string& json) {
  auto es = ParseEntitiesJsonText(json);
  EXPECT_TRUE(es.ok()) << es.status().ToString();
  return es.ok() ? std::move(es.value()) : Entities();
}

std::string Fp(const PolicyReads& r, const std::string& principal, const std::string& resource,
               const Value& context, const Entities& es) {
  std::string k;
  r.Fingerprint(Request{*ParseEntityUid(principal), EntityUid::Make("Action", "read"), *ParseEntityUid(resource), context}, es, &k);
  return k;
}

TEST(PolicyReads, FingerprintsDifferExactlyWhereReadInputsDiffer) {
  auto r = ReadsOf(R"(permit (principal, action, resource)
                      when { resource.agency == principal.agency && resource.person.flagged &&
                             principal in Group::"g" && context.purpose == "ops" };)");
  ASSERT_TRUE(r.fingerprintable());
  Entities es = Store(R"([
    {"uid": {"type": "User", "id": "u"}, "attrs": {"agency": {"__entity": {"type": "Agency", "id": "a"}}}, "parents": [{"type": "Group", "id": "g"}]},
    {"uid": {"type": "User", "id": "v"}, "attrs": {"agency": {"__entity": {"type": "Agency", "id": "a"}}}, "parents": []},
    {"uid": {"type": "Group", "id": "g"}, "attrs": {}, "parents": []},
    {"uid": {"type": "Agency", "id": "a"}, "attrs": {}, "parents": []},
    {"uid": {"type": "Person", "id": "p1"}, "attrs": {"flagged": true}, "parents": []},
    {"uid": {"type": "Person", "id": "p2"}, "attrs": {"flagged": true}, "parents": []},
    {"uid": {"type": "Person", "id": "p3"}, "attrs": {"flagged": false}, "parents": []},
    {"uid": {"type": "Booking", "id": "b1"}, "attrs": {"agency": {"__entity": {"type": "Agency", "id": "a"}}, "person": {"__entity": {"type": "Person", "id": "p1"}}}, "parents": []},
    {"uid": {"type": "Booking", "id": "b2"}, "attrs": {"agency": {"__entity": {"type": "Agency", "id": "a"}}, "person": {"__entity": {"type": "Person", "id": "p2"}}}, "parents": []},
    {"uid": {"type": "Booking", "id": "b3"}, "attrs": {"agency": {"__entity": {"type": "Agency", "id": "a"}}, "person": {"__entity": {"type": "Person", "id": "p3"}}}, "parents": []},
    {"uid": {"type": "Booking", "id": "b4"}, "attrs": {"agency": {"__entity": {"type": "Agency", "id": "a"}}}, "parents": []}
  ])");
  Value ops = Value::Record({{"purpose", "ops"}, {"case", "C-1"}});
  std::string base = Fp(r, R"(User::"u")", R"(Booking::"b1")", ops, es);
  // Another booking whose person has the same flag; a context attribute no policy reads.
  EXPECT_EQ(Fp(r, R"(User::"u")", R"(Booking::"b2")", ops, es), base);
  EXPECT_EQ(Fp(r, R"(User::"u")", R"(Booking::"b1")", Value::Record({{"purpose", "ops"}, {"case", "C-2"}}), es), base);
  // A read attribute differs, is absent, or the principal is outside the group.
  EXPECT_NE(Fp(r, R"(User::"u")", R"(Booking::"b3")", ops, es), base);
  EXPECT_NE(Fp(r, R"(User::"u")", R"(Booking::"b4")", ops, es), base);
  EXPECT_NE(Fp(r, R"(User::"v")", R"(Booking::"b1")", ops, es), base);
  EXPECT_NE(Fp(r, R"(User::"u")", R"(Booking::"b1")", Value::Record({{"purpose", "other"}}), es), base);
  EXPECT_NE(Fp(r, R"(User::"u")", R"(Booking::"nobody")", ops, es), base);
  EXPECT_NE(Fp(r, R"(User::"u")", R"(Doc::"b1")", ops, es), base);  // another resource type
}

// A copy of `es` plus `extra`.
Entities With(const Entities& es, const std::vector<Entity>& extra) {
  Entities out;
  for (const Entity* e : es.All()) EXPECT_TRUE(out.Add(*e).ok());
  for (const Entity& e : extra) EXPECT_TRUE(out.Add(e).ok());
  out.Finalize();
  return out;
}

std::vector<std::string> ErrorIds(const Response& r) {
  std::vector<std::string> ids;
  for (const auto& e : r.errors) ids.push_back(e.policy_id);
  return ids;
}

// Over generated batches (every operator, hierarchy, attributes, contexts): variants of each
// request that copy its principal or resource under a new uid, or change one context
// attribute, must be decided alike whenever their fingerprint equals the original's.
TEST(PolicyReads, EqualFingerprintsGiveEqualDecisionsOnGeneratedPolicies) {
  int fingerprintable = 0, compared = 0, differed = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    auto b = LoadBatch(testing::GenerateBatch(seed));
    if (!b.ok() || !b->entities || !b->authorizer) continue;
    PolicyReads reads = PolicyReads::Of(b->policies.policies());
    if (!reads.fingerprintable()) continue;
    ++fingerprintable;
    for (size_t i = 0; i < b->requests.size(); ++i) {
      if (!b->requests[i]) continue;
      const Request& r = *b->requests[i];
      std::vector<Entity> clones;
      std::vector<Request> variants;
      // Copies of the principal and the resource under new uids: identical; without parents;
      // of another type; with one attribute removed or changed.
      for (EntityUid who : {r.principal, r.resource}) {
        const Entity* e = b->entities->Find(who);
        if (e == nullptr) continue;
        std::vector<Entity> copies;
        auto copy = [&](std::string_view type) {
          Entity c;
          c.uid = EntityUid::Make(type, std::string(who.id()) + "#copy" + std::to_string(clones.size() + copies.size()));
          c.attrs = e->attrs;
          c.parents = e->parents;
          c.tags = e->tags;
          return c;
        };
        copies.push_back(copy(who.type()));
        copies.push_back(copy(who.type()));
        copies.back().parents.clear();
        copies.push_back(copy(std::string(who.type()) + "Other"));
        for (const auto& [name, value] : e->attrs) {
          copies.push_back(copy(who.type()));
          copies.back().attrs.erase(name);
          copies.push_back(copy(who.type()));
          copies.back().attrs[name] = value.is_long() ? Value("changed") : Value(int64_t(7));
        }
        for (Entity& c : copies) {
          Request v = r;
          (who == r.principal ? v.principal : v.resource) = c.uid;
          variants.push_back(v);
          clones.push_back(std::move(c));
        }
      }
      if (r.context.is_record()) {
        for (const auto& [name, value] : r.context.as_record()) {
          for (const Value& other : {Value(int64_t(7)), Value("changed"), Value::Record({})}) {
            RecordAttrs attrs = r.context.as_record();
            attrs[name] = other;
            Request v = r;
            v.context = Value::Record(std::move(attrs));
            variants.push_back(v);
          }
        }
        RecordAttrs extra = r.context.as_record();
        extra["unread_by_any_policy"] = Value(true);
        Request v = r;
        v.context = Value::Record(std::move(extra));
        variants.push_back(v);
      }
      Entities es = With(*b->entities, clones);
      std::string base;
      reads.Fingerprint(r, es, &base);
      Response want = b->authorizer->IsAuthorized(r, es);
      for (const Request& v : variants) {
        std::string fp;
        reads.Fingerprint(v, es, &fp);
        if (fp != base) {
          ++differed;
          continue;
        }
        ++compared;
        Response got = b->authorizer->IsAuthorized(v, es);
        EXPECT_EQ(got.decision, want.decision) << "seed " << seed << " request " << i;
        EXPECT_EQ(got.reasons, want.reasons) << "seed " << seed << " request " << i;
        EXPECT_EQ(ErrorIds(got), ErrorIds(want)) << "seed " << seed << " request " << i;
      }
      // The same request in a store where one entity with parents has lost them (so `in`
      // answers differently unless the fingerprint tells the stores apart).
      for (const Entity* x : b->entities->All()) {
        // Actions and their groups are keyed by the caller, not fingerprinted (the contract).
        std::string_view type = x->uid.type();
        if (x->parents.empty() || type == "Action" || type.ends_with("::Action")) continue;
        Entities orphaned;
        for (const Entity* e : b->entities->All()) {
          Entity c = *e;
          if (e == x) c.parents.clear();
          EXPECT_TRUE(orphaned.Add(std::move(c)).ok());
        }
        orphaned.Finalize();
        std::string fp, fp0;
        reads.Fingerprint(r, *b->entities, &fp0);
        reads.Fingerprint(r, orphaned, &fp);
        if (fp != fp0) {
          ++differed;
          continue;
        }
        ++compared;
        Response before = b->authorizer->IsAuthorized(r, *b->entities);
        Response got = b->authorizer->IsAuthorized(r, orphaned);
        EXPECT_EQ(got.decision, before.decision) << "seed " << seed << " request " << i << " orphaned " << x->uid.ToString();
        EXPECT_EQ(got.reasons, before.reasons) << "seed " << seed << " request " << i << " orphaned " << x->uid.ToString();
      }
    }
  }
  // The generator makes most sets fingerprintable, and variants both share and split.
  EXPECT_GT(fingerprintable, 100);
  EXPECT_GT(compared, 500);
  EXPECT_GT(differed, 500);
  std::cout << "fingerprintable sets " << fingerprintable << ", equal-fingerprint variants compared " << compared
            << ", variants told apart " << differed << "\n";
}

}  // namespace
}  // namespace tg::cedar
