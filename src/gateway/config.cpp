#include "gateway/config.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <type_traits>
#include <utility>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "gateway/json_body.h"

namespace tg::gateway {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

Status CheckKeys(const json& obj, const std::set<std::string>& allowed, const std::string& where) {
  if (!obj.is_object()) return Status::InvalidArgument(where + ": expected an object");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!allowed.count(it.key())) {
      return Status::InvalidArgument(where + ": unknown key \"" + it.key() + "\"");
    }
  }
  return Status::OK();
}

// What a config value of type T must be, for the error that names it.
template <typename T>
const char* Expected() {
  if constexpr (std::is_same_v<T, bool>) return "true or false";
  else if constexpr (std::is_integral_v<T>) return "an integer";
  else if constexpr (std::is_floating_point_v<T>) return "a number";
  else if constexpr (std::is_same_v<T, std::string>) return "a string";
  else return "an array of strings";
}

template <typename T>
bool HasType(const json& v) {
  if constexpr (std::is_same_v<T, bool>) return v.is_boolean();
  else if constexpr (std::is_integral_v<T>) return v.is_number_integer();
  else if constexpr (std::is_floating_point_v<T>) return v.is_number();
  else if constexpr (std::is_same_v<T, std::string>) return v.is_string();
  else return v.is_array() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); });
}

// Reads obj[key] into `out` when present; a value of another type (2.5 or "2" for an
// integer, say) or out of the integer's range is an error naming the key, never a guess.
template <typename T>
Status Get(const json& obj, const char* key, T& out, const std::string& where) {
  if (!obj.contains(key)) return Status::OK();
  const json& v = obj.at(key);
  if (!HasType<T>(v))
    return Status::InvalidArgument(where + "." + key + ": expected " + Expected<T>() + ", got " + v.type_name() +
                                   (v.is_primitive() ? " " + v.dump() : ""));
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    bool fits = v.is_number_unsigned() ? std::in_range<T>(v.get<uint64_t>()) : std::in_range<T>(v.get<int64_t>());
    if (!fits) return Status::InvalidArgument(where + "." + key + ": " + v.dump() + " is out of range");
  }
  out = v.get<T>();
  return Status::OK();
}

std::string Resolve(const fs::path& base, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (base / p).lexically_normal().string();
}

}  // namespace

Status ParseListen(const std::string& listen, std::string& host, unsigned short& port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= listen.size()) {
    return Status::InvalidArgument("listen address \"" + listen + "\" is not host:port");
  }
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  std::string p = listen.substr(colon + 1);
  unsigned long v = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return Status::InvalidArgument("listen port \"" + p + "\" is not a number");
    v = v * 10 + static_cast<unsigned long>(c - '0');
    if (v > 65535) return Status::InvalidArgument("listen port \"" + p + "\" is out of range");
  }
  port = static_cast<unsigned short>(v);
  return Status::OK();
}

Result<GatewayConfig> LoadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open config file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto parsed = ParseObjectBody(ss.str());
  if (!parsed.ok()) return Status::InvalidArgument(path + ": " + parsed.status().message());
  const json& j = *parsed;
  TG_RETURN_IF_ERROR(CheckKeys(j, {"listen", "threads", "store", "audit_store", "audit_store_commit_wait_us", "log", "schema",
                                   "policies", "offense_codes", "tls", "limits", "rate_limits", "tokens"},
                               path));
  fs::path base = fs::absolute(path).parent_path();
  GatewayConfig c;
  TG_RETURN_IF_ERROR(Get(j, "listen", c.server.listen, path));
  TG_RETURN_IF_ERROR(Get(j, "threads", c.server.threads, path));
  TG_RETURN_IF_ERROR(Get(j, "store", c.store_path, path));
  TG_RETURN_IF_ERROR(Get(j, "audit_store", c.audit_store_path, path));
  TG_RETURN_IF_ERROR(Get(j, "audit_store_commit_wait_us", c.audit_store_commit_wait_us, path));
  if (c.audit_store_commit_wait_us < 0 || c.audit_store_commit_wait_us > 1000000)
    return Status::InvalidArgument(path + ".audit_store_commit_wait_us: from 0 to 1000000 (one second)");
  TG_RETURN_IF_ERROR(Get(j, "schema", c.schema_file, path));
  TG_RETURN_IF_ERROR(Get(j, "offense_codes", c.offense_codes_file, path));
  if (j.contains("policies")) {
    const json& p = j["policies"];
    TG_RETURN_IF_ERROR(CheckKeys(p, {"root", "packs"}, path + ": policies"));
    TG_RETURN_IF_ERROR(Get(p, "root", c.policy_root, path + ".policies"));
    TG_RETURN_IF_ERROR(Get(p, "packs", c.policy_packs, path + ".policies"));
  }
  TG_RETURN_IF_ERROR(Get(j, "tokens", c.tokens_file, path));
  if (j.contains("log")) {
    const json& l = j["log"];
    TG_RETURN_IF_ERROR(CheckKeys(l, {"dir", "key", "origin", "commit_wait_us", "commit_early", "tile_write_delay_ms",
                                 "journal_max_mb", "checkpoint_interval_us"}, path + ": log"));
    TG_RETURN_IF_ERROR(Get(l, "dir", c.log_dir, path + ".log"));
    TG_RETURN_IF_ERROR(Get(l, "key", c.log_key_file, path + ".log"));
    TG_RETURN_IF_ERROR(Get(l, "origin", c.log_origin, path + ".log"));
    TG_RETURN_IF_ERROR(Get(l, "commit_wait_us", c.log_commit_wait_us, path + ".log"));
    TG_RETURN_IF_ERROR(Get(l, "commit_early", c.log_commit_early, path + ".log"));
    TG_RETURN_IF_ERROR(Get(l, "tile_write_delay_ms", c.log_tile_write_delay_ms, path + ".log"));
    TG_RETURN_IF_ERROR(Get(l, "journal_max_mb", c.log_journal_max_mb, path + ".log"));
    TG_RETURN_IF_ERROR(Get(l, "checkpoint_interval_us", c.log_checkpoint_interval_us, path + ".log"));
    if (c.log_checkpoint_interval_us < 0 || c.log_checkpoint_interval_us > 1000000)
      return Status::InvalidArgument(path + ".log.checkpoint_interval_us: from 0 to 1000000 (one second)");
    if (c.log_journal_max_mb < 1 || c.log_journal_max_mb > 4096)
      return Status::InvalidArgument(path + ".log.journal_max_mb: from 1 to 4096 (MiB)");
    if (c.log_commit_wait_us < 0 || c.log_commit_wait_us > 1000000)
      return Status::InvalidArgument(path + ".log.commit_wait_us: from 0 to 1000000 (one second)");
    if (c.log_tile_write_delay_ms < 0 || c.log_tile_write_delay_ms > 60000)
      return Status::InvalidArgument(path + ".log.tile_write_delay_ms: from 0 to 60000 (one minute)");
  }
  if (j.contains("tls")) {
    const json& t = j["tls"];
    TG_RETURN_IF_ERROR(CheckKeys(t, {"cert", "key", "client_ca", "require_client_cert", "client_agencies"},
                                 path + ": tls"));
    TG_RETURN_IF_ERROR(Get(t, "cert", c.server.tls.cert_file, path + ".tls"));
    TG_RETURN_IF_ERROR(Get(t, "key", c.server.tls.key_file, path + ".tls"));
    TG_RETURN_IF_ERROR(Get(t, "client_ca", c.server.tls.client_ca_file, path + ".tls"));
    TG_RETURN_IF_ERROR(Get(t, "require_client_cert", c.server.tls.require_client_cert, path + ".tls"));
    if (c.server.tls.cert_file.empty() != c.server.tls.key_file.empty()) {
      return Status::InvalidArgument(path + ": tls needs both cert and key");
    }
    if (c.server.tls.require_client_cert && c.server.tls.client_ca_file.empty()) {
      return Status::InvalidArgument(path + ": tls.require_client_cert needs tls.client_ca");
    }
    if (t.contains("client_agencies")) {
      const json& m = t["client_agencies"];
      const std::string where = path + ": tls.client_agencies";
      if (!m.is_object()) return Status::InvalidArgument(where + ": expected an object (certificate subject -> agency id)");
      for (auto it = m.begin(); it != m.end(); ++it) {
        if (it.key().empty() || it.key().front() != '/') {
          return Status::InvalidArgument(where + ": subject \"" + it.key() +
                                         "\" is not in the one-line form \"/CN=.../O=...\"");
        }
        if (!it.value().is_string() || it.value().get<std::string>().empty()) {
          return Status::InvalidArgument(where + ": subject \"" + it.key() + "\": agency id must be a non-empty string");
        }
        c.server.tls.client_agencies.emplace(it.key(), it.value().get<std::string>());
      }
      if (!c.server.tls.client_agencies.empty() && c.server.tls.client_ca_file.empty()) {
        return Status::InvalidArgument(path + ": tls.client_agencies needs tls.client_ca");
      }
    }
  }
  if (j.contains("limits")) {
    const json& l = j["limits"];
    TG_RETURN_IF_ERROR(CheckKeys(l, {"max_header_bytes", "max_body_bytes", "read_timeout_ms",
                                     "idle_timeout_ms", "shutdown_grace_ms"},
                                 path + ": limits"));
    auto& s = c.server.limits;
    TG_RETURN_IF_ERROR(Get(l, "max_header_bytes", s.max_header_bytes, path + ".limits"));
    TG_RETURN_IF_ERROR(Get(l, "max_body_bytes", s.max_body_bytes, path + ".limits"));
    TG_RETURN_IF_ERROR(Get(l, "read_timeout_ms", s.read_timeout_ms, path + ".limits"));
    TG_RETURN_IF_ERROR(Get(l, "idle_timeout_ms", s.idle_timeout_ms, path + ".limits"));
    TG_RETURN_IF_ERROR(Get(l, "shutdown_grace_ms", s.shutdown_grace_ms, path + ".limits"));
  }
  if (j.contains("rate_limits")) {
    const json& r = j["rate_limits"];
    TG_RETURN_IF_ERROR(CheckKeys(r, {"per_token_per_second", "per_token_burst",
                                     "per_address_per_second", "per_address_burst"},
                                 path + ": rate_limits"));
    auto& s = c.server.rate_limits;
    TG_RETURN_IF_ERROR(Get(r, "per_token_per_second", s.per_token_per_second, path + ".rate_limits"));
    TG_RETURN_IF_ERROR(Get(r, "per_token_burst", s.per_token_burst, path + ".rate_limits"));
    TG_RETURN_IF_ERROR(Get(r, "per_address_per_second", s.per_address_per_second, path + ".rate_limits"));
    TG_RETURN_IF_ERROR(Get(r, "per_address_burst", s.per_address_burst, path + ".rate_limits"));
  }
  std::string host;
  unsigned short port = 0;
  TG_RETURN_IF_ERROR(ParseListen(c.server.listen, host, port));
  c.store_path = Resolve(base, c.store_path);
  c.audit_store_path = Resolve(base, c.audit_store_path);
  c.log_dir = Resolve(base, c.log_dir);
  c.log_key_file = Resolve(base, c.log_key_file);
  c.schema_file = Resolve(base, c.schema_file);
  c.tokens_file = Resolve(base, c.tokens_file);
  c.policy_root = Resolve(base, c.policy_root);
  c.offense_codes_file = Resolve(base, c.offense_codes_file);
  auto& t = c.server.tls;
  t.cert_file = Resolve(base, t.cert_file);
  t.key_file = Resolve(base, t.key_file);
  t.client_ca_file = Resolve(base, t.client_ca_file);
  if (c.store_path.empty()) return Status::InvalidArgument(path + ": \"store\" is required");
  if (c.log_dir.empty()) return Status::InvalidArgument(path + ": \"log.dir\" is required");
  if (c.policy_root.empty()) return Status::InvalidArgument(path + ": \"policies.root\" is required");
  return c;
}

}  // namespace tg::gateway
