#include "gateway/response_head.h"

#include <cctype>
#include <charconv>
#include <ostream>  // before Beast's status.hpp, which streams a string_view without it

#include <boost/beast/http/status.hpp>

namespace tg::gateway {

namespace {

// True for a character allowed in a header field name (an RFC 9110 token).
bool IsTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Appends a field value with control characters other than HTAB dropped (a CR or LF from
// a handler must not split the response) and surrounding blanks trimmed, as Beast did.
void AppendValue(std::string& out, std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  bool clean = true;
  for (unsigned char c : v) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      clean = false;
      break;
    }
  }
  if (clean) {
    out += v;
    return;
  }
  size_t start = out.size();
  for (unsigned char c : v) {
    if ((c >= 0x20 && c != 0x7f) || c == '\t') out += static_cast<char>(c);
  }
  // Dropping characters may have exposed blanks at either end.
  while (out.size() > start && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  size_t lead = start;
  while (lead < out.size() && (out[lead] == ' ' || out[lead] == '\t')) ++lead;
  out.erase(start, lead - start);
}

}  // namespace

void BuildResponseHead(std::string& out, std::vector<std::pair<std::string_view, std::string_view>>& fields,
                       int status, unsigned version, bool keep_alive, std::string_view content_type,
                       const std::vector<std::pair<std::string, std::string>>& headers, size_t content_length) {
  fields.clear();
  auto set = [&fields](std::string_view name, std::string_view value) {
    std::erase_if(fields, [name](const auto& f) { return IEquals(f.first, name); });
    fields.emplace_back(name, value);
  };
  fields.emplace_back("Server", "TrustGate");
  fields.emplace_back("Content-Type", content_type);
  for (const auto& [name, value] : headers) {
    if (!IsValidName(name) || IEquals(name, "Connection") || IEquals(name, "Content-Length") ||
        IEquals(name, "Transfer-Encoding")) {
      continue;
    }
    set(name, value);
  }
  out.clear();
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
  out += ' ';
  unsigned code = static_cast<unsigned>(status);
  out += static_cast<char>('0' + code / 100 % 10);
  out += static_cast<char>('0' + code / 10 % 10);
  out += static_cast<char>('0' + code % 10);
  out += ' ';
  auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  out.append(reason.data(), reason.size());
  out += "\r\n";
  for (const auto& [name, value] : fields) {
    out += name;
    out += ": ";
    AppendValue(out, value);
    out += "\r\n";
  }
  if (version < 11 && keep_alive) out += "Connection: keep-alive\r\n";
  if (version >= 11 && !keep_alive) out += "Connection: close\r\n";
  out += "Content-Length: ";
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, content_length);
  out.append(digits, end);
  out += "\r\n\r\n";
}

}  // namespace tg::gateway
