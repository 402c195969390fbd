// The gateway's own view of an HTTP exchange, independent of Boost.Beast so that the API
// layer (routes, handlers, tests of them) compiles without the networking headers.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tg::gateway {

// One request as the server parsed it. Header names are kept as sent; Header() looks them
// up case-insensitively (RFC 9110).
struct Request {
  std::string method;              // "GET", "POST", ...
  std::string target;              // as sent: path plus optional "?query"
  std::string path;                // percent-decoded path, no query
  std::string query;               // raw query string without '?', "" when absent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string client_address;      // peer IP address, textual
  bool tls = false;                // arrived over TLS
  std::string client_cert_subject; // mTLS: the verified peer certificate's subject, else ""
  // Path parameters filled by the router ({name} segments).
  std::map<std::string, std::string> params;

  // The first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
  // The first query parameter `name`, percent-decoded, or nullopt.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

// A response to send. The server adds Content-Length, Server and Connection headers.
struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Completes a request. Must be called exactly once; may be called from any thread, after
// the handler returned (asynchronous handlers wait for the audit ticket this way).
using Respond = std::function<void(Response)>;
// Handles one request. Must not throw; a handler that throws is answered with a 500.
using Handler = std::function<void(Request, Respond)>;

// A request the server answered by itself, before any handler saw it: a header block or
// body over the limits (431, 413), malformed HTTP (400), the per-address rate limit (429),
// or a handler that threw (500). Method and target are empty when the request line was not
// read.
struct Rejection {
  std::string client_address;
  std::string client_cert_subject;  // mTLS: the verified peer certificate's subject, else ""
  std::string method;
  std::string target;
  int status = 0;
  std::string code;     // "header_too_large", "body_too_large", "bad_request", "rate_limited", "internal"
  std::string message;
};
// Told of every Rejection (from a server thread; must not block).
using RejectionSink = std::function<void(const Rejection&)>;

// `{"error":{"code":CODE,"message":MESSAGE}}` with the given HTTP status.
Response JsonError(int status, std::string_view code, std::string_view message);
// A JSON body (already serialised) with status 200 unless given.
Response JsonBody(std::string body, int status = 200);

// Decodes %XX escapes (and '+' as space when `plus_is_space`). Invalid escapes are kept
// literally, so a malformed request cannot make decoding fail.
std::string PercentDecode(std::string_view in, bool plus_is_space);
// Splits a request target into decoded path and raw query.
void SplitTarget(std::string_view target, std::string& path, std::string& query);

}  // namespace tg::gateway
