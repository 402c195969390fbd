#include "gateway/gateway.h"

#include <filesystem>
#include <set>

#include <spdlog/spdlog.h>

#include "gateway/gateway_impl.h"
#include "ledger/commitment.h"
#include "ledger/hash.h"

namespace tg::gateway {

const std::set<std::string>& Purposes() {
  static const std::set<std::string> k = {
      "criminal_investigation", "serious_violent_crime", "civil_immigration", "criminal_immigration",
      "victim_notification",    "court_proceeding",      "booking_operations", "public_records",
      "oversight",              "training"};
  return k;
}
const std::set<std::string>& AuthorityKinds() {
  static const std::set<std::string> k = {
      "judicial_warrant", "judicial_probable_cause", "court_order", "judicial_subpoena",
      "administrative_warrant", "administrative_subpoena", "detainer", "none"};
  return k;
}
const std::set<std::string>& Channels() {
  static const std::set<std::string> k = {"api", "portal", "export", "print", "phone", "email", "feed"};
  return k;
}

std::string OneOf(const std::set<std::string>& allowed) {
  std::string out = "; one of: ";
  for (const auto& v : allowed) {
    if (out.size() > 10) out += ", ";
    out += v;
  }
  return out;
}

namespace {

using nlohmann::json;

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

bool Printable(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

const std::vector<std::string>& FieldsOf(const std::string& category) {
  static const std::map<std::string, std::vector<std::string>> k = {
      {"identity", {"booking_id", "person_id", "name"}},
      {"dob", {"dob"}},
      {"address", {"address", "phone", "email"}},
      {"birthplace", {"birthplace"}},
      {"immigration_status", {"immigration_status"}},
      {"release", {"release_at", "release_type"}},
      {"custody", {"custody_status", "facility", "housing"}},
      {"charges", {"charges", "bail"}},
      {"criminal_history", {"convictions"}},
      {"court", {"court_date", "court"}},
      {"photo", {"photo_url"}},
      {"alpr", {"plate", "state", "read_at", "lat", "lon", "device", "agency"}},
  };
  static const std::vector<std::string> none;
  auto it = k.find(category);
  return it == k.end() ? none : it->second;
}

Gateway::Gateway(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Gateway::~Gateway() = default;

std::string Gateway::verifier_key() const { return impl_->log->verifier_key(); }

Handler Gateway::handler() {
  Impl* impl = impl_.get();
  return [impl](Request req, Respond respond) { impl->router.Dispatch(std::move(req), std::move(respond)); };
}

Result<std::unique_ptr<Gateway>> Gateway::Open(const GatewayConfig& config) {
  namespace fs = std::filesystem;
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  auto store = records::OpenSqliteStore(config.store_path);
  if (!store.ok()) return Status(store.status().code(), "store " + config.store_path + ": " + store.status().message());
  impl->store = std::move(store.value());
  for (const auto& [subject, agency] : config.server.tls.client_agencies) {
    auto a = impl->store->GetAgency(agency);
    if (!a.ok()) {
      return Status::InvalidArgument("tls.client_agencies: certificate subject \"" + subject + "\" maps to agency \"" +
                                     agency + "\": " +
                                     (a.status().code() == Code::kNotFound ? std::string("no such agency in the store")
                                                                           : a.status().message()));
    }
  }

  if (!fs::exists(fs::path(config.log_dir) / "checkpoint")) {
    std::string origin = config.log_origin.empty() ? "trustgate.example/log" : config.log_origin;
    auto init = ledger::Log::Init(config.log_dir, origin);
    if (!init.ok()) return Status(init.status().code(), "log " + config.log_dir + ": " + init.status().message());
  }
  // The audit store first: it keeps the records the log's journal carries (Open may hand it
  // the ones a crash kept from it).
  auto [audit_path, legacy_path] = LocateAuditStore(config.audit_store_path, config.store_path);
  auto audit = AuditStore::Open(audit_path, std::chrono::microseconds(config.audit_store_commit_wait_us));
  if (!audit.ok()) return audit.status();
  impl->audit_store = std::move(audit.value());
  if (!legacy_path.empty()) {
    auto imported = impl->audit_store->ImportSqlite(legacy_path);
    if (!imported.ok()) return imported.status();
    spdlog::info("imported {} audit records from {} into {} (the old file is now {}.imported)", *imported, legacy_path,
                 audit_path, legacy_path);
  }

  ledger::LogOptions lo;
  lo.signing_key_path = config.log_key_file;
  lo.max_batch_wait = std::chrono::microseconds(config.log_commit_wait_us);
  lo.commit_when_as_many_as_last = config.log_commit_early;
  lo.checkpoint_interval = std::chrono::microseconds(config.log_checkpoint_interval_us);
  lo.tile_write_delay = std::chrono::milliseconds(config.log_tile_write_delay_ms);
  lo.journal_max_bytes = uint64_t(config.log_journal_max_mb) << 20;
  lo.attachment_keeper = impl->audit_store.get();
  auto log = ledger::Log::Open(config.log_dir, lo);
  if (!log.ok()) return Status(log.status().code(), "log " + config.log_dir + ": " + log.status().message());
  impl->log = std::move(log.value());
  if (Status s = impl->audit_store->DropFrom(impl->log->CurrentCheckpoint().size); !s.ok())
    return Status(s.code(), "audit store " + audit_path + ": " + s.message());

  auto decider = policy::Decider::Load(config.policy_root, config.policy_packs, config.schema_file,
                                       config.offense_codes_file);
  if (!decider.ok()) return decider.status();
  impl->decider = std::move(decider.value());
  impl->token_limiter = std::make_unique<RateLimiter>(config.server.rate_limits.per_token_per_second,
                                                      config.server.rate_limits.per_token_burst);
  impl->AddRoutes();
  return std::unique_ptr<Gateway>(new Gateway(std::move(impl)));
}

Handler Gateway::Impl::Audited(std::function<void(ExchangePtr)> fn) {
  return [this, fn](Request req, Respond respond) {
    auto x = std::make_shared<Exchange>();
    x->audit.time = AuditTime(records::NowMs());
    x->audit.client_address = req.client_address;
    x->audit.method = req.method;
    x->audit.path = req.path;
    x->audit.query = req.query;
    x->audit.client_cert = req.client_cert_subject;
    x->audit.channel = "api";
    x->request = std::move(req);
    x->respond = std::move(respond);
    try {
      fn(x);
    } catch (const std::exception& e) {
      // Default deny: whatever went wrong, no data leaves, and the failure is audited.
      Fail(x, 500, "internal", std::string("internal error: ") + e.what(), "error");
    }
  };
}

bool Gateway::Impl::Authenticate(const ExchangePtr& x) {
  auto auth = x->request.Header("Authorization");
  if (!auth || auth->rfind("Bearer ", 0) != 0 || Trim(auth->substr(7)).empty()) {
    Fail(x, 401, "unauthenticated", "missing bearer token (Authorization: Bearer TOKEN)", "unauthenticated");
    return false;
  }
  std::string presented = Trim(auth->substr(7));
  // One query for token, user, agency and workstation; refused in the order they are
  // found missing, each refusal audited with what was found.
  auto principal = store->AuthenticatePrincipal(presented);
  if (!principal.ok()) {
    if (principal.status().code() == Code::kUnauthenticated || principal.status().code() == Code::kNotFound) {
      Fail(x, 401, "unauthenticated", "unknown or revoked token", "unauthenticated");
    } else {
      Fail(x, 503, "store_unavailable", "cannot check the token: " + principal.status().message(), "error");
    }
    return false;
  }
  const records::ApiToken& token = principal->token;
  x->token = token;
  x->audit.token_id = token.id;
  if (!principal->user) {
    Fail(x, 401, "unauthenticated", "the token's user no longer exists", "unauthenticated");
    return false;
  }
  const records::User& user = *principal->user;
  x->audit.principal = user.id;
  x->audit.agency = user.agency_id;
  if (!principal->agency) {
    Fail(x, 500, "internal", "the user's agency is missing: no agency " + user.agency_id, "error");
    return false;
  }
  x->facts.user = std::move(*principal->user);
  x->facts.agency = std::move(*principal->agency);
  x->audit.agency_kind = x->facts.agency.kind;
  x->audit.recipient_kind = x->facts.agency.kind;
  // Certificate binding: an agency system's certificate carries only its agency's tokens.
  // Requests without a client certificate (plain HTTP, TLS without one) are not bound.
  const auto& bound = config.server.tls.client_agencies;
  const std::string& subject = x->request.client_cert_subject;
  if (!subject.empty() && !bound.empty()) {
    auto it = bound.find(subject);
    if (it == bound.end()) {
      Fail(x, 403, "certificate_not_mapped",
           "the client certificate " + subject + " is not bound to any agency (tls.client_agencies)",
           "unauthenticated");
      return false;
    }
    const records::User& u = x->facts.user;  // `user` was moved from above
    if (it->second != u.agency_id) {
      Fail(x, 403, "certificate_agency_mismatch",
           "the client certificate " + subject + " belongs to agency " + it->second + ", but the token's user " +
               u.id + " belongs to agency " + u.agency_id,
           "unauthenticated");
      return false;
    }
  }
  if (token.workstation_id) {
    if (!principal->workstation) {
      Fail(x, 401, "unauthenticated", "the token's workstation no longer exists", "unauthenticated");
      return false;
    }
    x->audit.workstation = principal->workstation->id;
    x->facts.workstation = std::move(*principal->workstation);
  }
  if (!token_limiter->Allow(token.id)) {
    Fail(x, 429, "rate_limited", "too many requests with this token", "rate_limited");
    return false;
  }
  return true;
}

bool Gateway::Impl::ParseDeclarations(const ExchangePtr& x) {
  auto& f = x->facts;
  auto& a = x->audit;
  auto bad = [&](const std::string& header, const std::string& why) {
    Fail(x, 400, "invalid_header", header + ": " + why, "invalid");
    return false;
  };
  auto purpose = x->request.Header("TrustGate-Purpose");
  if (!purpose || Trim(*purpose).empty()) return bad("TrustGate-Purpose", "missing (declare the purpose of this request)");
  f.purpose = Trim(*purpose);
  a.purpose = f.purpose;
  if (!Purposes().count(f.purpose))
    return bad("TrustGate-Purpose", "unknown purpose \"" + f.purpose + "\"" + OneOf(Purposes()));
  if (auto c = x->request.Header("TrustGate-Case")) {
    f.case_number = Trim(*c);
    a.case_number = f.case_number;
    if (f.case_number.size() > 100 || !Printable(f.case_number)) return bad("TrustGate-Case", "invalid case number");
  }
  if (auto r = x->request.Header("TrustGate-Reason")) {
    f.reason = Trim(*r);
    a.reason = f.reason;
    if (f.reason.size() > 1000 || !Printable(f.reason)) return bad("TrustGate-Reason", "invalid reason text");
  }
  if (auto au = x->request.Header("TrustGate-Authority")) {
    std::string v = Trim(*au);
    size_t semi = v.find(';');
    f.authority_kind = Trim(v.substr(0, semi));
    a.authority_kind = f.authority_kind;
    if (!AuthorityKinds().count(f.authority_kind)) {
      return bad("TrustGate-Authority",
                 "unknown authority kind \"" + f.authority_kind + "\"" + OneOf(AuthorityKinds()));
    }
    if (semi != std::string::npos) {
      std::string param = Trim(v.substr(semi + 1));
      if (param.rfind("ref=", 0) != 0) return bad("TrustGate-Authority", "expected \"KIND; ref=DOCUMENT-ID\"");
      f.authority_ref = Trim(param.substr(4));
      a.authority_ref = f.authority_ref;
      if (f.authority_ref.empty() || !Printable(f.authority_ref)) return bad("TrustGate-Authority", "empty or invalid ref");
    }
  } else {
    f.authority_kind = "none";
    a.authority_kind = "none";
  }
  if (auto ch = x->request.Header("TrustGate-Channel")) {
    f.channel = Trim(*ch);
    a.channel = f.channel;
    if (!Channels().count(f.channel))
      return bad("TrustGate-Channel", "unknown channel \"" + f.channel + "\"" + OneOf(Channels()));
  }
  if (auto rc = x->request.Header("TrustGate-Recipient")) {
    std::string id = Trim(*rc);
    a.recipient = id;
    auto agency = store->GetAgency(id);
    if (!agency.ok()) return bad("TrustGate-Recipient", "unknown agency \"" + id + "\"");
    if (agency->id != f.agency.id) f.recipient = *agency;
    a.recipient_kind = agency->kind;
  }
  f.time = x->audit.time;
  return true;
}

bool Gateway::Impl::IsInspector(const ExchangePtr& x) const {
  for (const auto& r : x->facts.user.roles) {
    if (r == "inspector") return true;
  }
  return x->facts.agency.kind == "oversight";
}

void Gateway::Impl::WriteRedaction(JsonText& out, const std::string& record_id, const std::string& category,
                                   const policy::ActionDecision& d, const ExchangePtr& x) const {
  policy::Explanation e;
  if (!d.errors.empty()) {
    e.policy_id = "evaluation-error";
    e.explain = "A policy could not be evaluated, so this category is withheld (default deny).";
  } else if (!d.policies.empty()) {
    e = decider->Explain(d.policies.front());
  } else {
    e.policy_id = "default-deny";
    e.explain = "No policy in force lets a " + (x->facts.recipient ? x->facts.recipient->kind : x->facts.agency.kind) +
                " recipient read " + category + " for the purpose " + x->facts.purpose + ".";
  }
  // Keys sorted, as nlohmann writes an object.
  out.Raw("{\"category\":");
  out.Str(category);
  out.Raw(",\"citation\":");
  out.Str(e.citation);
  out.Raw(",\"fields\":");
  out.StrList(FieldsOf(category));
  out.Raw(",\"policy\":");
  out.Str(e.policy_id);
  out.Raw(",\"reason\":");
  out.Str(e.explain);
  out.Raw(",\"record\":");
  out.Str(record_id);
  out.Raw("}");
}

std::string Gateway::Impl::RefusalObject(std::string_view message, std::string_view redactions) {
  JsonText w;
  w.Raw("{\"error\":{\"code\":\"forbidden\",\"message\":");
  w.Str(message);
  w.Raw("},\"redactions\":");
  w.Raw(redactions);
  w.Raw("}");
  return std::move(w.out);
}

void Gateway::Impl::Fail(const ExchangePtr& x, int status, const std::string& code,
                         const std::string& message, const std::string& outcome) {
  JsonText w;
  w.Raw("{\"error\":{\"code\":");
  w.Str(code);
  w.Raw(",\"message\":");
  w.Str(message);
  w.Raw("}}");
  FinishObject(x, status, outcome, std::move(w.out));
}

namespace {
// A response waiting for its audit record. Two parties finish it, in either order: the log,
// once it has the record durably (the commitment with the record and salt attached), and
// the request's thread, once the response (which quotes the log index) is built.
struct Pending {
  std::atomic<int> left{2};
  std::mutex mu;
  Status failure;
  Response response;
  Respond respond;
  void Done(const Status& s) {
    if (!s.ok()) {
      std::lock_guard lock(mu);
      if (failure.ok()) failure = s;
    }
    if (left.fetch_sub(1) != 1) return;
    if (failure.ok()) {
      respond(std::move(response));
    } else {
      respond(JsonError(503, "audit_unavailable",
                        "the access could not be logged durably, so no data is released: " + failure.message()));
    }
  }
};
}  // namespace

Result<Gateway::Impl::PreparedAudit> Gateway::Impl::PrepareAudit(const AuditRecord& audit) {
  {
    std::lock_guard lock(outcome_mu);
    ++outcome_counts[audit.outcome];
  }
  PreparedAudit p;
  p.record = audit.Canonical();
  auto commitment = ledger::Commit(p.record);
  if (!commitment.ok()) return commitment.status();
  p.entry = ledger::EntryBytes(commitment->entry);
  p.leaf = ledger::HashBase64(ledger::LeafHash(p.entry));
  p.salt = std::move(commitment->salt);
  return p;
}

void Gateway::Impl::Commit(const ExchangePtr& x, int status, const std::string& outcome,
                           const std::function<void(Response&, uint64_t, const std::string&)>& build) {
  x->audit.status = status;
  x->audit.outcome = outcome;
  auto prepared = PrepareAudit(x->audit);
  if (!prepared.ok()) {
    x->respond(JsonError(503, "audit_unavailable", "cannot commit the audit record: " + prepared.status().message()));
    return;
  }
  const std::string& leaf = prepared->leaf;
  auto pending = std::make_shared<Pending>();
  pending->respond = x->respond;
  auto index = log->Append(std::move(prepared->entry), AuditStore::Attachment(prepared->salt, prepared->record),
                           [pending](Result<uint64_t> r) { pending->Done(r.status()); });
  if (!index.ok()) {
    x->respond(JsonError(503, "audit_unavailable",
                         "the log refuses appends, so no data is released: " + index.status().message()));
    return;
  }
  Response resp;
  resp.status = status;
  build(resp, *index, leaf);
  resp.headers.emplace_back("TrustGate-Audit-Index", std::to_string(*index));
  resp.headers.emplace_back("TrustGate-Audit-Leaf", leaf);
  if (status == 401) resp.headers.emplace_back("WWW-Authenticate", "Bearer");
  pending->response = std::move(resp);
  pending->Done(Status::OK());  // built; the log's callback may already have come
}

void Gateway::Impl::Finish(const ExchangePtr& x, int status, const std::string& outcome, json body,
                           const std::string& content_type) {
  Commit(x, status, outcome, [&](Response& resp, uint64_t index, const std::string& leaf) {
    if (content_type == "application/json") {
      body["audit"] = {{"index", index}, {"leaf_hash", leaf}};
      resp.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    } else {
      // Text bodies (tlog-proof) carry the audit reference in headers.
      resp.content_type = content_type;
      resp.body = body.get<std::string>();
    }
  });
}

void Gateway::Impl::FinishObject(const ExchangePtr& x, int status, const std::string& outcome, std::string object) {
  Commit(x, status, outcome, [&](Response& resp, uint64_t index, const std::string& leaf) {
    // "audit" sorts before the object's keys: it goes right after the '{'.
    JsonText audit;
    audit.Raw("\"audit\":{\"index\":");
    audit.UInt(index);
    audit.Raw(",\"leaf_hash\":");
    audit.Str(leaf);
    audit.Raw(object.size() > 2 ? "}," : "}");
    object.insert(1, audit.out);
    resp.body = std::move(object);
  });
}

void Gateway::Impl::AddRoutes() {
  AddRecordRoutes();
  AddPersonAndPlateRoutes();
  AddRequestRoutes();
  AddAuditRoutes();
  AddMetricsRoutes();
  AddUnroutedFallback();
}

void Gateway::Impl::AddUnroutedFallback() {
  // Requests no route takes are accesses too (a probe of paths is worth seeing): audited
  // like the server's refusals before routing, outcome "invalid", before any token check.
  Handler not_found = Audited([this](ExchangePtr x) {
    Fail(x, 404, "not_found", "no such resource: " + x->request.path, "invalid");
  });
  Handler not_allowed = Audited([this](ExchangePtr x) {
    Fail(x, 405, "method_not_allowed",
         "method " + x->request.method + " is not allowed on " + x->request.path, "invalid");
  });
  router.SetFallback([not_found, not_allowed](Request req, Respond respond, int status) {
    (status == 405 ? not_allowed : not_found)(std::move(req), std::move(respond));
  });
}

}  // namespace tg::gateway
