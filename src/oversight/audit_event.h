// The audit record as the oversight detectors see it, and where they read it from.
//
// The gateway writes one canonical audit record (JSON) per request and commits a salted hash
// of it to the ledger; this module sits below the gateway, so it defines its own view of that
// record (AuditEvent), a tolerant parser from the canonical JSON (unknown fields are ignored,
// so the gateway may add fields without breaking oversight), and the AuditSource interface
// the gateway or the CLI implements over its audit store.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "records/model.h"

namespace tg::oversight {

using records::TimeMs;

// The policy decision on one data category of one access.
struct CategoryDecision {
  std::string category;  // design.md data category: "dob", "release", ...
  std::string decision;  // "allow" or "deny" (an error counts as deny: default deny)
  std::vector<std::string> determining_policies;  // policy ids that decided
  std::vector<std::string> erroring_policies;     // policy ids that failed to evaluate
};

// One access, allowed or not, as written by the gateway.
struct AuditEvent {
  uint64_t index = 0;          // the log index of this record's commitment
  TimeMs time = 0;             // UTC, hundredths of a second in the record
  std::string principal;       // User::id of the requester
  std::string agency;          // Agency::id of the requester
  std::string agency_kind;     // recipient kind, when the record carries it ("" otherwise)
  std::string workstation;     // Workstation::id, "" when the token is not bound to one
  std::string client_address;  // "10.1.2.3"
  std::string client_cert;     // mTLS client certificate subject; "" when none (or not recorded)
  std::string method;          // "GET", "POST"
  std::string path;            // "/v1/bookings/LASD-2024-0001234"
  std::string query;           // "release_within=48h" (raw query string, no '?')
  std::string purpose;         // design.md purpose code
  std::string case_number;     // TrustGate-Case; "" when none was given
  std::string authority_kind;  // design.md authority kind
  std::string authority_ref;   // "I-247A 2024-LA-00123"
  std::string reason;          // TrustGate-Reason, free text
  std::string channel = "api";  // api, portal, export, print, phone, email, feed
  std::string recipient;       // secondary recipient agency id ("" when none)
  std::string recipient_kind;  // kind of the agency the data goes to, when recorded
  std::vector<std::string> record_ids;  // records returned (booking ids, person ids, ...)
  // Categories released, per returned record (same order as record_ids where given).
  std::vector<std::pair<std::string, std::vector<std::string>>> released;
  std::vector<CategoryDecision> decisions;
  int status = 0;              // HTTP status of the response
  std::string outcome;         // "ok", "denied", "partial", "error", ...

  // True when the decision on `category` was allow, or when any record released it.
  bool Released(const std::string& category) const;
  // True when `category` was decided at all (asked for, allowed or not) or released.
  bool Touched(const std::string& category) const;
};

// Parses one canonical audit record (a JSON object) as the gateway writes it
// (gateway/audit_record.h, docs/audit-record.md); unknown fields are ignored. The log index
// is the record's `index` (or `log_index`) field, else `index` given here (the gateway keeps
// it beside the record, not in it); one of the two and `time` are required. InvalidArgument
// names the first missing or mistyped field.
Result<AuditEvent> ParseAuditEvent(const std::string& json_text,
                                   std::optional<uint64_t> index = std::nullopt);

// Which events a reader wants. Absent bounds are open.
struct AuditQuery {
  uint64_t from_index = 0;            // first index wanted
  std::optional<TimeMs> from_time;    // time >= from_time
  std::optional<TimeMs> to_time;      // time < to_time
};

// A stream of audit events. Implemented by the gateway over its audit store, and here over
// memory and JSON-lines files.
class AuditSource {
 public:
  virtual ~AuditSource() = default;
  // Calls visit for every event matching q, in increasing index order, until visit returns
  // false. A storage failure is returned as the Status (visit may have seen some events).
  virtual Status ForEach(const AuditQuery& q,
                         const std::function<bool(const AuditEvent&)>& visit) = 0;
};

// Events held in memory (tests, small exports). Sorted by index on construction.
class MemoryAuditSource : public AuditSource {
 public:
  explicit MemoryAuditSource(std::vector<AuditEvent> events);
  Status ForEach(const AuditQuery& q,
                 const std::function<bool(const AuditEvent&)>& visit) override;
  const std::vector<AuditEvent>& events() const { return events_; }

 private:
  std::vector<AuditEvent> events_;
};

// Reads a file of canonical audit records, one JSON object per line (blank lines skipped).
// InvalidArgument names the file and line of a record that does not parse.
Result<std::vector<AuditEvent>> ReadAuditJsonLines(const std::string& path);

// Collects every event of a source matching q, in index order.
Result<std::vector<AuditEvent>> CollectEvents(AuditSource& source, const AuditQuery& q = {});

}  // namespace tg::oversight
