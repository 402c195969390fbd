// The status line and header block of an HTTP/1.x response, written by the server itself
// (no Beast message or serializer per response). Internal to the gateway module.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tg::gateway {

// The status line and header block of a response, byte for byte what Beast's
// http::response serializer wrote for the same message: "HTTP/x.y NNN Reason", Server,
// Content-Type, the handler's headers (a later one of the same name, in any case, replaces
// an earlier one and takes its place at the end, as basic_fields::set did; names that are
// not tokens are dropped), Connection as Beast's keep_alive() set it (1.1: "close" when not
// kept alive; 1.0: "keep-alive" when kept alive), then Content-Length. Framing headers from
// a handler (Connection, Content-Length, Transfer-Encoding) are dropped: they are ours.
// `out` receives the head, ending with the blank line; `fields` is scratch the caller keeps
// between responses so its capacity is reused.
void BuildResponseHead(std::string& out, std::vector<std::pair<std::string_view, std::string_view>>& fields,
                       int status, unsigned version, bool keep_alive, std::string_view content_type,
                       const std::vector<std::pair<std::string, std::string>>& headers, size_t content_length);

}  // namespace tg::gateway
