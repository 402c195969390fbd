#include "cedar/lexer.h"

namespace tg::cedar {
namespace {

bool IdentStart(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IdentChar(char c) { return IdentStart(c) || (c >= '0' && c <= '9'); }

// Decodes one UTF-8 code point at s[i]; invalid bytes decode as U+FFFD, one byte each.
char32_t DecodeUtf8(std::string_view s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
  for (int k = 1; k < len; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d >> 6) != 2) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (d & 0x3f);
  }
  i += len;
  return cp;
}

}  // namespace

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  auto push = [&](Tok k, size_t start, size_t len) {
    out.push_back(Token{k, s.substr(start, len), static_cast<uint32_t>(start)});
  };
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '/') {
      while (i < s.size() && s[i] != '\n' && s[i] != '\r') ++i;
      continue;
    }
    size_t start = i;
    if (IdentStart(c)) {
      while (i < s.size() && IdentChar(s[i])) ++i;
      push(Tok::kIdent, start, i - start);
      continue;
    }
    if (c >= '0' && c <= '9') {
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      push(Tok::kNumber, start, i - start);
      continue;
    }
    if (c == '"') {
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\\') {
          i += 2;
          continue;
        }
        if (s[i] == '"') {
          closed = true;
          ++i;
          break;
        }
        ++i;
      }
      if (!closed) {
        push(Tok::kInvalid, start, s.size() - start);
        i = s.size();
        break;
      }
      push(Tok::kString, start, i - start);
      continue;
    }
    if (c == '?' && i + 1 < s.size() && IdentStart(s[i + 1])) {
      ++i;
      while (i < s.size() && IdentChar(s[i])) ++i;
      push(Tok::kSlot, start, i - start);
      continue;
    }
    auto two = [&](char a, char b) { return c == a && i + 1 < s.size() && s[i + 1] == b; };
    Tok k = Tok::kInvalid;
    size_t len = 1;
    if (two(':', ':')) k = Tok::kColonColon, len = 2;
    else if (two('=', '=')) k = Tok::kEqEq, len = 2;
    else if (two('!', '=')) k = Tok::kNotEq, len = 2;
    else if (two('<', '=')) k = Tok::kLessEq, len = 2;
    else if (two('>', '=')) k = Tok::kGreaterEq, len = 2;
    else if (two('|', '|')) k = Tok::kOrOr, len = 2;
    else if (two('&', '&')) k = Tok::kAndAnd, len = 2;
    else {
      switch (c) {
        case '@': k = Tok::kAt; break;
        case '.': k = Tok::kDot; break;
        case ',': k = Tok::kComma; break;
        case ';': k = Tok::kSemi; break;
        case ':': k = Tok::kColon; break;
        case '(': k = Tok::kLParen; break;
        case ')': k = Tok::kRParen; break;
        case '{': k = Tok::kLBrace; break;
        case '}': k = Tok::kRBrace; break;
        case '[': k = Tok::kLBracket; break;
        case ']': k = Tok::kRBracket; break;
        case '<': k = Tok::kLess; break;
        case '>': k = Tok::kGreater; break;
        case '+': k = Tok::kPlus; break;
        case '-': k = Tok::kMinus; break;
        case '*': k = Tok::kStar; break;
        case '/': k = Tok::kSlash; break;
        case '%': k = Tok::kPercent; break;
        case '!': k = Tok::kBang; break;
        case '=': k = Tok::kAssign; break;
        default: {
          size_t j = i;
          DecodeUtf8(s, j);
          len = j - i;
        }
      }
    }
    push(k, start, len);
    i += len;
  }
  out.push_back(Token{Tok::kEnd, s.substr(s.size()), static_cast<uint32_t>(s.size())});
  return out;
}

bool UnescapeCedarString(std::string_view b, bool pattern, std::u32string& out,
                         std::vector<bool>* wildcard, std::string& error) {
  size_t i = 0;
  auto emit = [&](char32_t cp, bool wild) {
    out.push_back(cp);
    if (wildcard) wildcard->push_back(wild);
  };
  while (i < b.size()) {
    if (b[i] != '\\') {
      char32_t cp = DecodeUtf8(b, i);
      emit(cp, pattern && cp == '*');
      continue;
    }
    if (i + 1 >= b.size()) {
      error = "string ends in a lone backslash";
      return false;
    }
    char e = b[i + 1];
    i += 2;
    switch (e) {
      case 'n': emit('\n', false); break;
      case 'r': emit('\r', false); break;
      case 't': emit('\t', false); break;
      case '\\': emit('\\', false); break;
      case '0': emit('\0', false); break;
      case '\'': emit('\'', false); break;
      case '"': emit('"', false); break;
      case '*':
        if (!pattern) {
          error = "invalid escape `\\*` (allowed only in `like` patterns)";
          return false;
        }
        emit('*', false);
        break;
      case 'x': {
        if (i + 2 > b.size()) {
          error = "invalid `\\x` escape";
          return false;
        }
        int v = 0;
        for (int k = 0; k < 2; ++k) {
          char h = b[i + k];
          int d = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                  : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
          if (d < 0) {
            error = "invalid `\\x` escape";
            return false;
          }
          v = v * 16 + d;
        }
        if (v > 0x7f) {
          error = "`\\x` escape must be at most \\x7f";
          return false;
        }
        i += 2;
        emit(static_cast<char32_t>(v), false);
        break;
      }
      case 'u': {
        if (i >= b.size() || b[i] != '{') {
          error = "invalid `\\u` escape (expected \\u{...})";
          return false;
        }
        ++i;
        uint32_t v = 0;
        int digits = 0;
        while (i < b.size() && b[i] != '}') {
          char h = b[i];
          int d = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                  : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
          if (d < 0 || ++digits > 6) {
            error = "invalid `\\u` escape";
            return false;
          }
          v = v * 16 + d;
          ++i;
        }
        if (i >= b.size() || digits == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
          error = "invalid `\\u` escape";
          return false;
        }
        ++i;
        emit(v, false);
        break;
      }
      default:
        error = std::string("invalid escape `\\") + e + "`";
        return false;
    }
  }
  return true;
}

std::string Utf8Encode(const std::u32string& s) {
  std::string out;
  for (char32_t c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    }
  }
  return out;
}

}  // namespace tg::cedar
