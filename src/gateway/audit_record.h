// The canonical audit record of one request (docs/audit-record.md). Its canonical text is
// what the log commits to (salted), so the encoding is fixed: JSON, keys sorted, no
// whitespace, UTF-8, every field present.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "records/model.h"

namespace tg::gateway {

// The decision on one category (or request action) of one record.
struct AuditDecision {
  std::string record_id;
  std::string action;                  // "read_dob", "request_hold", ...
  std::string outcome;                 // "allow", "deny", "referred"
  std::vector<std::string> policies;   // determining policies
  std::vector<std::string> errors;     // erroring policies ("id: message")
};

struct AuditRecord {
  std::string time;            // UTC, hundredths of a second: "2026-11-23T20:05:04.12Z"
  std::string principal;       // user id; "" when authentication failed
  std::string agency;          // the principal's agency id
  std::string agency_kind;     // its recipient kind
  std::string workstation;     // bound workstation id, or ""
  std::string token_id;        // "tok_..." of the token used, or ""
  std::string client_address;
  std::string client_cert;     // mTLS: the verified client certificate's subject, or ""
  std::string method;
  std::string path;
  std::string query;
  std::string purpose;
  std::string case_number;
  std::string authority_kind;
  std::string authority_ref;
  std::string reason;
  std::string channel;
  std::string recipient;       // secondary recipient agency id, or ""
  std::string recipient_kind;  // kind of the agency the data goes to (recipient or own)
  std::vector<std::string> records;  // ids of the records returned
  // Per returned record, the categories released: parallel to `records`.
  std::vector<std::vector<std::string>> released;
  std::vector<AuditDecision> decisions;
  int status = 0;              // HTTP status sent
  // "released" (data sent), "refused" (denied by policy), "unauthenticated", "invalid",
  // "not_found", "rate_limited", "error", "accepted"/"declined"/"referred" (requests).
  std::string outcome;

  // The canonical JSON text (see file comment).
  std::string Canonical() const;
  // The same text through nlohmann::json, the definition Canonical must match byte for byte
  // (used for text that is not valid UTF-8, which it replaces with U+FFFD, and by tests).
  std::string CanonicalReference() const;
};

// Appends `s` as a JSON string, byte for byte as nlohmann's dump (without ensure_ascii)
// writes it, and returns true; when `s` is not valid UTF-8, returns false and what it
// appended is not that (the caller drops it and asks nlohmann). Response bodies use it too.
bool AppendJsonString(std::string& out, std::string_view s);

// UTC time with hundredths of a second, as audit records carry it.
std::string AuditTime(records::TimeMs t);

}  // namespace tg::gateway
