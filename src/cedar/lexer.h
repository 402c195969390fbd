// Tokens of Cedar policy text (internal to the parser; also used by the schema parser if it
// wishes). Whitespace and `//` comments are skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tg::cedar {

enum class Tok : uint8_t {
  kEnd, kIdent, kNumber, kString, kSlot,
  kAt, kDot, kComma, kSemi, kColon, kColonColon, kLParen, kRParen, kLBrace, kRBrace,
  kLBracket, kRBracket, kEqEq, kNotEq, kLess, kLessEq, kGreater, kGreaterEq, kOrOr, kAndAnd,
  kPlus, kMinus, kStar, kSlash, kPercent, kBang, kAssign, kInvalid
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string_view text;  // exact source text (strings include their quotes)
  uint32_t offset = 0;    // byte offset in the source
};

// Splits `src` into tokens, ending with one kEnd token. Unrecognised characters become
// kInvalid tokens (the parser reports them).
std::vector<Token> Tokenize(std::string_view src);

// Decodes the body of a string literal (without quotes) with Cedar's escapes. With
// `pattern`, `\*` is allowed and stars are reported in `stars` (positions in code points of
// the unescaped text: true = wildcard). Returns false and sets `error` on a bad escape.
bool UnescapeCedarString(std::string_view body, bool pattern, std::u32string& out,
                         std::vector<bool>* wildcard, std::string& error);

// UTF-8 encoding of a code point sequence.
std::string Utf8Encode(const std::u32string& s);

}  // namespace tg::cedar
