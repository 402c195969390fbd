// Internal to the gateway module: the state behind Gateway and the helpers its route files
// share. Not a public header.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "gateway/audit_record.h"
#include "gateway/audit_store.h"
#include "gateway/background_worker.h"
#include "gateway/gateway.h"
#include "gateway/rate_limit.h"
#include "gateway/response_writer.h"
#include "gateway/router.h"
#include "ledger/log.h"
#include "policy/decide.h"
#include "records/store.h"

namespace tg::gateway {

// The values the declaration headers take (TrustGate-Purpose, the kind in
// TrustGate-Authority and in a request body's authority, TrustGate-Channel).
const std::set<std::string>& Purposes();
const std::set<std::string>& AuthorityKinds();
const std::set<std::string>& Channels();
// "; one of: a, b, c": an unknown value's error names the values a client may send.
std::string OneOf(const std::set<std::string>& allowed);

// One request on its way through the gateway: what it asked, who asked (once known), its
// audit record being filled in, and how to answer.
struct Exchange {
  Request request;
  Respond respond;
  AuditRecord audit;
  policy::RequestFacts facts;  // valid after Authenticate and ParseDeclarations
  records::ApiToken token;
};
using ExchangePtr = std::shared_ptr<Exchange>;

class Gateway::Impl {
 public:
  GatewayConfig config;
  std::unique_ptr<records::Store> store;
  // The log keeps the audit store's rows in its journal until the store has them durably,
  // and asks it to sync before dropping them, so the store must outlive the log.
  std::unique_ptr<AuditStore> audit_store;
  std::unique_ptr<ledger::Log> log;
  std::unique_ptr<policy::Decider> decider;
  std::unique_ptr<RateLimiter> token_limiter;
  Router router;

  void AddRoutes();
  void AddRecordRoutes();
  void AddAuditRoutes();
  void AddRequestRoutes();
  // Wraps a handler for an audited route: makes the Exchange and catches what escapes.
  Handler Audited(std::function<void(ExchangePtr)> fn);
  // As Audited, for a route that only reads the store: all its reads share one snapshot
  // (Store::RunInSnapshot), so a response is consistent and takes the store's lock once.
  Handler AuditedRead(std::function<void(ExchangePtr)> fn);

  // Bearer token -> user, agency, workstation; a client certificate must then map to the
  // user's agency (tls.client_agencies). On failure answers (audited) and returns false.
  bool Authenticate(const ExchangePtr& x);
  // TrustGate-* headers -> facts. On failure answers 400 naming the header and returns false.
  bool ParseDeclarations(const ExchangePtr& x);
  // Whether the principal is an inspector (oversight).
  bool IsInspector(const ExchangePtr& x) const;

  // Audits and answers: commits the audit record (with `status` and `outcome`), and sends
  // `body` with "audit": {index, leaf_hash} added once the record is durable; if the audit
  // fails, sends 503 without data instead.
  void Finish(const ExchangePtr& x, int status, const std::string& outcome, nlohmann::json body,
              const std::string& content_type = "application/json");
  // As Finish, for a JSON object already written (`object`, "{...}" with keys sorted, all
  // after "audit"): the audit member goes in first, so the text is not parsed again.
  void FinishObject(const ExchangePtr& x, int status, const std::string& outcome, std::string object);
  // What both Finish forms share: commits the audit record, then has `build` make the
  // response from the log index and leaf hash (or answers 503 when the audit fails).
  void Commit(const ExchangePtr& x, int status, const std::string& outcome,
              const std::function<void(Response& resp, uint64_t index, const std::string& leaf)>& build);
  // An audited JSON error.
  void Fail(const ExchangePtr& x, int status, const std::string& code, const std::string& message,
            const std::string& outcome);
  // One record of a response: its policy subject, its id, and what adds its fields of one
  // category to the record's object (in place: no per-category object to merge).
  struct Item {
    policy::Subject subject;
    std::string id;
    std::function<void(const std::string& category, ObjectText& record)> add_fields;
  };
  // Decides every category of every item, answers with the released fields and the
  // redactions (audited). `single`: 403 when nothing at all is released. Takes the items
  // by value to move their subjects to the decider.
  void RespondWithItems(const ExchangePtr& x, std::vector<Item> items,
                        const std::vector<std::string>& categories, bool single);
  // The agency that holds the bookings (store metadata "jail_agency", default "lasd").
  std::string JailAgency() const;
  void AddPersonAndPlateRoutes();
  // GET /metrics: aggregate counters (Prometheus text format), no personal data.
  void AddMetricsRoutes();
  // Makes the router's 404 (no such path) and 405 (wrong method) audited refusals.
  void AddUnroutedFallback();
  // Answers by outcome ("released", "refused", ...), counted as responses are committed.
  std::mutex outcome_mu;
  std::map<std::string, uint64_t> outcome_counts;

  // One audit record made ready for the log: its canonical text, the salted commitment's
  // log entry, that entry's leaf hash (base64), and the salt; counts the record's outcome.
  struct PreparedAudit {
    std::string record;
    std::string entry;
    std::string leaf;
    std::string salt;
  };
  Result<PreparedAudit> PrepareAudit(const AuditRecord& audit);

  // Audits a request the server refused before routing (see Server::Start's on_reject).
  // Per-address 429s are audited once per address and second, so a flood cannot turn
  // into a flood of log entries; every other rejection is audited.
  void AuditRejection(const Rejection& r);
  std::mutex rejection_mu;
  std::map<std::string, records::TimeMs> rate_limit_audited;  // address -> last audited 429

  // Appends the redactions entry for a denied decision to `out`.
  void WriteRedaction(JsonText& out, const std::string& record_id, const std::string& category,
                      const policy::ActionDecision& d, const ExchangePtr& x) const;
  // A 403 body: {"error": forbidden with `message`, "redactions": `redactions` (an array's text)}.
  static std::string RefusalObject(std::string_view message, std::string_view redactions);

  // Runs slow handlers (the findings route's detectors) off the server's threads. Keep it
  // the LAST member: destroyed first, it finishes its running job (which calls Finish)
  // while every other member still exists.
  std::unique_ptr<BackgroundWorker> background;
};

// The API fields of each data category (design.md's table).
const std::vector<std::string>& FieldsOf(const std::string& category);

// Adds a person's fields of `category` (identity, dob, address, birthplace,
// immigration_status, criminal_history; nothing for others) to `rec`.
// Bookings use it for the categories about their person.
void AddPersonFields(const records::Person& p, const std::vector<records::Conviction>& convictions,
                     const std::string& category, ObjectText& rec);

}  // namespace tg::gateway
