// Decisions in the domain's terms, for the gateway: who asks (a user of an agency, perhaps at
// a workstation), with which declared facts (purpose, case, authority, ...), about which
// records, for which data categories. Builds the Cedar entities and context from records
// (entities per the domain schema, policies/schema.cedarschema) and evaluates one action per
// record and category.
//
// Sharing: the request-independent part (principal, agencies, workstation, context) is built
// once per set of declared facts and kept, and all records of a response go into one entity
// store layered on it. Decisions are
// then shared through a cache keyed by exactly what the policies read (cedar/policy_reads.h):
// records whose read attributes are equal (same owning agency, custody status, offense
// qualification, ...) share one evaluation, within a response and across requests, and a
// decision is evaluated afresh only when some input a policy looks at differs.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "cedar/authorizer.h"
#include "cedar/entities.h"
#include "cedar/policy_reads.h"
#include "policy/offense_codes.h"
#include "policy/pack.h"
#include "records/model.h"

namespace tg::policy {

// design.md's data categories, in its order: identity, dob, address, birthplace,
// immigration_status, release, custody, charges, criminal_history, photo, court, checkin,
// alpr, stop, gang.
const std::vector<std::string>& DataCategories();

// Who asks and what they declare. The agencies are those of the store.
struct RequestFacts {
  records::User user;
  records::Agency agency;                       // the user's agency
  std::optional<records::Workstation> workstation;  // when the token is bound to one
  std::string purpose;
  std::string case_number;
  std::string authority_kind = "none";
  std::string authority_ref;
  std::string reason;
  std::string channel = "api";
  std::optional<records::Agency> recipient;     // secondary recipient, when passed on
  int64_t record_count = 1;
  std::string time;                             // UTC ISO 8601
};

// A record a decision is about: a booking (with its person), a person, a plate read or a
// plate searched for.
struct Subject {
  std::string type;        // "Booking", "Person", "PlateRead", "Plate"
  std::string id;
  std::string agency;      // owning Agency id
  // Booking: its person and custody status. Booking and Person: the person's convictions
  // (the offense qualifier derives the Person attributes from them).
  std::string person_id;
  std::string custody_status;
  std::vector<records::Conviction> convictions;
  bool sex_registrant = false;
  bool arson_registrant = false;
  std::string state;       // PlateRead / Plate: the plate's state
};

// The outcome of one action (a category read, a request, a search) on one subject.
struct ActionDecision {
  std::string action;                  // "read_dob", "request_hold", ...
  std::string outcome;                 // "allow", "deny", "referred"
  std::vector<std::string> policies;   // determining policy ids
  std::vector<std::string> errors;     // "policy-id: message"; any error means no data
  bool allowed() const { return outcome == "allow" && errors.empty(); }
};

// A policy's annotations, for explanations in responses.
struct Explanation {
  std::string policy_id;
  std::string citation;
  std::string explain;
};

class Decider {
 public:
  // Loads the named packs from `root` (policy/pack.h) against `schema_path` ("" = the
  // packs' own, normally ROOT/schema.cedarschema), validates them strictly, and loads the
  // offense code table from `offense_codes_csv` ("" = none: statutes only).
  static Result<std::unique_ptr<Decider>> Load(const std::string& root,
                                               const std::vector<std::string>& packs,
                                               const std::string& schema_path,
                                               const std::string& offense_codes_csv);

  // For each subject, the decision on each action, in the order given: result[i][j] is
  // subject i, action j. Fails (no decisions at all) when entities or context cannot be
  // built; evaluation errors are reported per decision and count as deny.
  Result<std::vector<std::vector<ActionDecision>>> Decide(
      const RequestFacts& facts, const std::vector<Subject>& subjects,
      const std::vector<std::string>& actions, records::TimeMs now) const;

  // Most (subject, action list) rows the decision cache holds; it starts over when full. 0
  // turns the cache off (every decision evaluated) and the person memo with it (every
  // person qualified afresh). Default 4096. Not thread-safe with Decide.
  void SetCacheCapacity(size_t rows) { cache_capacity_ = rows; }
  // Rows served from the cache and rows evaluated, since Load; whether the packs can be
  // cached at all (policies that read entity literals' attributes or tags cannot), and why not.
  struct CacheStats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    bool enabled = false;
    std::string why_not;
  };
  CacheStats cache_stats() const;

  // The annotations of a policy (empty fields for an unknown id).
  Explanation Explain(const std::string& policy_id) const;
  // The composed packs (names, rules) in force.
  const ComposedPacks& packs() const { return packs_; }

 private:
  Decider() = default;
  ComposedPacks packs_;
  std::unique_ptr<cedar::Authorizer> authorizer_;
  // The schema's action hierarchy, built once; each request's entities are layered on it.
  std::unique_ptr<cedar::Entities> action_entities_;
  // Each schema action (type Action) by name: its uid and its context type, found once.
  struct ActionInfo {
    cedar::EntityUid uid;
    const cedar::SchemaType* context = nullptr;
  };
  std::unordered_map<std::string, ActionInfo> action_info_;
  std::optional<OffenseCodeTable> offense_codes_;
  // What the policies read, and rows decided before, by action list and fingerprint. Rows
  // with evaluation errors are not kept (their messages name the entities).
  cedar::PolicyReads reads_;
  size_t cache_capacity_ = 4096;
  mutable std::mutex cache_mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const std::vector<ActionDecision>>> cache_;
  mutable std::atomic<uint64_t> cache_hits_{0}, cache_misses_{0};
  // Person entity attributes (offense qualification included: the costly part of building
  // entities) by every input they derive from: owning agency, registrant flags, the full
  // value of each conviction and the UTC day of `now` (Qualify reads nothing else of it).
  // Keyed by values, never ids alone, so it cannot go stale; shape-checked against the
  // schema when made; at most kPersonMemoRows entries, started over when full.
  static constexpr size_t kPersonMemoRows = 4096;
  mutable std::mutex person_mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const cedar::RecordAttrs>> person_memo_;
  // The entities and context that depend only on a request's facts (the user, their agency,
  // the recipient, the workstation and its owner), finalized on the action entities; each
  // request layers its records' entities on them. A principal's requests mostly declare the
  // same facts, so layers are kept by every field of the facts (FactsKey in decide.cpp),
  // under person_mu_, as bounded as person_memo_ (and made afresh when the cache is off).
  struct FactsLayer {
    cedar::Entities entities;
    cedar::EntityUid principal;
    cedar::EntityUid own_agency;
    std::set<std::string> agencies;  // ids of the Agency entities in `entities`
    cedar::RecordAttrs untimed;  // the context but its "time"
    bool timed = false;          // whether the facts had a time
    std::string context_conformance;  // cedar::AppendConformanceKey of a context at any time
    // The context at `time` ("time" added when the facts had one). Requests in the same
    // hundredth of a second share one: the last one made is kept.
    cedar::Value ContextAt(const std::string& time) const;
    mutable std::mutex last_mu;
    mutable std::string last_time;
    mutable std::optional<cedar::Value> last_context;
  };
  Result<std::shared_ptr<const FactsLayer>> FactsLayerFor(const RequestFacts& f) const;
  mutable std::unordered_map<std::string, std::shared_ptr<const FactsLayer>> facts_memo_;
  // Contexts known to have a context type: the type's address and the context's
  // cedar::AppendConformanceKey (kinds, names and uids: all the check reads). Under
  // person_mu_, as bounded as person_memo_.
  mutable std::unordered_set<std::string> conformed_contexts_;
};

}  // namespace tg::policy
