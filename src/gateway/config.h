// Gateway configuration: what `trustgate serve --config FILE` reads (JSON, documented in
// docs/config.md) and what `trustgate demo` builds in code.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace tg::gateway {

// TLS: when cert_file is set the server speaks only HTTPS. With client_ca_file set and
// require_client_cert true, a client must present a certificate signed by that CA (mTLS).
// client_agencies binds agency systems to their certificates: a request that comes with a
// client certificate must carry a token of the agency its subject maps to.
struct TlsConfig {
  std::string cert_file;      // PEM certificate chain
  std::string key_file;       // PEM private key
  std::string client_ca_file; // PEM CA bundle for client certificates
  bool require_client_cert = false;
  // Certificate subject, as Request::client_cert_subject renders it (OpenSSL's one-line
  // form, "/CN=lasd-jail-system/O=..."), -> agency id. Empty: certificates are not bound.
  std::map<std::string, std::string> client_agencies;
  bool enabled() const { return !cert_file.empty(); }
};

// Network-level limits of the HTTP server.
struct ServerLimits {
  size_t max_header_bytes = 16 * 1024;  // larger header block -> 431
  size_t max_body_bytes = 1024 * 1024;  // larger body -> 413
  int read_timeout_ms = 10'000;         // a started request must arrive within this
  int idle_timeout_ms = 60'000;         // keep-alive connection with no request is closed
  int shutdown_grace_ms = 10'000;       // in-flight requests get this long on SIGTERM
};

// Requests per second and burst, per bearer token and per client address; <= 0 disables.
struct RateLimits {
  double per_token_per_second = 500;
  double per_token_burst = 1000;
  double per_address_per_second = 2000;
  double per_address_burst = 4000;
};

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free port
  int threads = 0;                         // 0: one per core
  TlsConfig tls;
  ServerLimits limits;
  RateLimits rate_limits;
};

struct GatewayConfig {
  ServerConfig server;
  std::string store_path;           // SQLite file of the records store (county.db)
  std::string audit_store_path;     // where audit records + salts go; "" = beside the store
  // How long the audit store's writer lets rows gather before one commit (no fsync: the
  // log's journal holds the rows until the store syncs them). 0: it commits whenever it is
  // free, which batches naturally.
  int64_t audit_store_commit_wait_us = 0;
  std::string log_dir;              // ledger directory (tiles, checkpoint, vkey)
  std::string log_key_file;         // the log's signing key; "" = the ledger's default in log_dir
  std::string log_origin;           // checkpoint origin line, used when initialising the log
  // How long the log's committer waits after the first pending entry for others to join its
  // commit (one journal fdatasync and one signed checkpoint each). Short: the fdatasync
  // itself lets the next batch gather.
  int64_t log_commit_wait_us = 500;
  // Whether the committer stops waiting once as many records are pending as its previous
  // commit took (a lone request after a lone request commits at once); false: it always
  // waits log_commit_wait_us.
  bool log_commit_early = true;
  // Under load, how long the published checkpoint may trail the durable audit records: an
  // answer waits for its record's fdatasync, not for a signature; one checkpoint is signed
  // (after the answers) at most this often, and covers every commit since. When nothing else
  // is pending, a commit is signed before it is answered. 0: every commit is signed first.
  int64_t log_checkpoint_interval_us = 10000;
  // How large the log's journal grows (it carries the audit records) before the tiles and
  // the audit store are synced and it starts over: each restart briefly stalls commits; a
  // crash replays up to this much.
  int64_t log_journal_max_mb = 256;
  // How long the log's tile writer lets commits gather before writing tiles (served from
  // memory meanwhile). Longer: fewer partial tile files created, a directory further behind.
  int64_t log_tile_write_delay_ms = 1000;
  std::string policy_root;          // the folder of policy packs (policies/)
  std::vector<std::string> policy_packs = {"baseline"};  // packs in force (with what they build on)
  std::string schema_file;          // "" = POLICY_ROOT/schema.cedarschema
  std::string offense_codes_file;   // DOJ offense code CSV for the qualifier; "" = statutes only
  std::string tokens_file;          // optional: demo-tokens.json, only printed by demo
};

// Parses a JSON config file; relative paths are resolved against the file's directory.
// Unknown keys are an error, so a typo does not silently fall back to a default.
Result<GatewayConfig> LoadConfig(const std::string& path);
// Parses "host:port" (IPv6 as "[::1]:8080").
Status ParseListen(const std::string& listen, std::string& host, unsigned short& port);

}  // namespace tg::gateway
