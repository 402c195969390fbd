// The human schema syntax (.cedarschema): a small hand-written lexer and recursive-descent
// parser producing the raw schema, with errors that name file:line:col.
#include <cstdint>
#include <fstream>
#include <sstream>

#include "cedar/schema.h"
#include "cedar/schema_raw.h"

namespace tg::cedar {
namespace {

using namespace schema_internal;

struct Token {
  enum class Kind { kIdent, kString, kPunct, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;  // identifier, unescaped string, or punctuation ("::" is one token)
  int line = 1;
  int col = 1;
};

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Lexer {
 public:
  Lexer(std::string_view text, std::string file) : s_(text), file_(std::move(file)) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> out;
    while (true) {
      SkipSpaceAndComments();
      Token t;
      t.line = line_;
      t.col = col_;
      if (pos_ >= s_.size()) {
        out.push_back(t);
        return out;
      }
      char c = s_[pos_];
      if (IsIdentStart(c)) {
        t.kind = Token::Kind::kIdent;
        while (pos_ < s_.size() && IsIdentChar(s_[pos_])) t.text += Advance();
      } else if (c == '"') {
        t.kind = Token::Kind::kString;
        Advance();
        auto st = ReadString(t.text);
        if (!st.ok()) return st;
      } else if (c == ':' && pos_ + 1 < s_.size() && s_[pos_ + 1] == ':') {
        t.kind = Token::Kind::kPunct;
        t.text = "::";
        Advance();
        Advance();
      } else if (std::string_view("{}[]()<>,;:?=@").find(c) != std::string_view::npos) {
        t.kind = Token::Kind::kPunct;
        t.text = std::string(1, Advance());
      } else {
        return Error(line_, col_, std::string("unexpected character '") + c + "'");
      }
      out.push_back(std::move(t));
    }
  }

 private:
  static bool IsIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
  static bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }

  char Advance() {
    char c = s_[pos_++];
    if (c == '\n') {
      ++line_;
      col_ = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++col_;  // count characters, not UTF-8 continuation bytes
    }
    return c;
  }

  void SkipSpaceAndComments() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        Advance();
      } else if (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '/') {
        while (pos_ < s_.size() && s_[pos_] != '\n') Advance();
      } else {
        return;
      }
    }
  }

  Status Error(int line, int col, const std::string& msg) const {
    return Status::InvalidArgument(file_ + ":" + std::to_string(line) + ":" + std::to_string(col) +
                                   ": " + msg);
  }

  Status ReadString(std::string& out) {
    int line = line_, col = col_;
    while (true) {
      if (pos_ >= s_.size()) return Error(line, col, "unterminated string literal");
      char c = Advance();
      if (c == '"') return Status::OK();
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) return Error(line, col, "unterminated string literal");
      char e = Advance();
      switch (e) {
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case '\\': out += '\\'; break;
        case '0': out += '\0'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case 'x': {
          if (pos_ + 2 > s_.size()) return Error(line_, col_, "bad \\x escape");
          int h = HexDigit(s_[pos_]), l = HexDigit(s_[pos_ + 1]);
          if (h < 0 || l < 0 || h > 7) return Error(line_, col_, "bad \\x escape");
          Advance();
          Advance();
          out += static_cast<char>(h * 16 + l);
          break;
        }
        case 'u': {
          if (pos_ >= s_.size() || s_[pos_] != '{') return Error(line_, col_, "bad \\u escape");
          Advance();
          uint32_t cp = 0;
          int n = 0;
          while (pos_ < s_.size() && s_[pos_] != '}') {
            int d = HexDigit(s_[pos_]);
            if (d < 0 || ++n > 6) return Error(line_, col_, "bad \\u escape");
            cp = cp * 16 + static_cast<uint32_t>(d);
            Advance();
          }
          if (pos_ >= s_.size() || n == 0) return Error(line_, col_, "bad \\u escape");
          Advance();
          if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return Error(line_, col_, "\\u escape is not a Unicode scalar value");
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          return Error(line_, col_, std::string("unknown escape '\\") + e + "'");
      }
    }
  }

  std::string_view s_;
  std::string file_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
};

class Parser {
 public:
  Parser(std::vector<Token> toks, std::string file) : t_(std::move(toks)), file_(std::move(file)) {}

  Result<RawSchema> Run() {
    RawSchema schema;
    RawNamespace top;
    top.loc = Loc(Peek());
    while (Peek().kind != Token::Kind::kEnd) {
      Annotations ann;
      TG_RETURN_IF_ERROR(ParseAnnotations(ann));
      if (IsIdent("namespace")) {
        RawNamespace ns;
        ns.loc = Loc(Peek());
        Next();
        auto path = ParsePath();
        if (!path.ok()) return path.status();
        ns.name = *path;
        ns.annotations = std::move(ann);
        TG_RETURN_IF_ERROR(Expect("{"));
        while (!IsPunct("}")) {
          if (Peek().kind == Token::Kind::kEnd) return Err(Peek(), "expected '}' to close namespace");
          Annotations inner;
          TG_RETURN_IF_ERROR(ParseAnnotations(inner));
          TG_RETURN_IF_ERROR(ParseDecl(ns, std::move(inner)));
        }
        Next();
        schema.namespaces.push_back(std::move(ns));
      } else {
        TG_RETURN_IF_ERROR(ParseDecl(top, std::move(ann)));
      }
    }
    schema.namespaces.insert(schema.namespaces.begin(), std::move(top));
    return schema;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    size_t i = std::min(pos_ + ahead, t_.size() - 1);
    return t_[i];
  }
  const Token& Next() {
    const Token& t = t_[pos_];
    if (pos_ + 1 < t_.size()) ++pos_;
    return t;
  }
  bool IsPunct(std::string_view p) const {
    return Peek().kind == Token::Kind::kPunct && Peek().text == p;
  }
  bool IsIdent(std::string_view w) const {
    return Peek().kind == Token::Kind::kIdent && Peek().text == w;
  }
  SchemaLoc Loc(const Token& t) const { return SchemaLoc{file_, t.line, t.col}; }
  Status Err(const Token& t, const std::string& msg) const {
    std::string found = t.kind == Token::Kind::kEnd      ? "end of input"
                        : t.kind == Token::Kind::kString ? "a string"
                                                         : "'" + t.text + "'";
    return Status::InvalidArgument(Loc(t).ToString() + ": " + msg + ", found " + found);
  }
  Status Expect(std::string_view p) {
    if (!IsPunct(p)) return Err(Peek(), "expected '" + std::string(p) + "'");
    Next();
    return Status::OK();
  }
  Result<std::string> Ident() {
    if (Peek().kind != Token::Kind::kIdent) return Err(Peek(), "expected an identifier");
    return Next().text;
  }

  Status ParseAnnotations(Annotations& out) {
    while (IsPunct("@")) {
      const Token& at = Next();
      auto name = Ident();
      if (!name.ok()) return name.status();
      std::string value;
      if (IsPunct("(")) {
        Next();
        if (Peek().kind != Token::Kind::kString) return Err(Peek(), "expected an annotation string");
        value = Next().text;
        TG_RETURN_IF_ERROR(Expect(")"));
      }
      if (!out.emplace(*name, value).second) {
        return Status::InvalidArgument(Loc(at).ToString() + ": duplicate annotation @" + *name);
      }
    }
    return Status::OK();
  }

  // IDENT {'::' IDENT}
  Result<std::string> ParsePath() {
    auto first = Ident();
    if (!first.ok()) return first;
    std::string path = *first;
    while (IsPunct("::") && Peek(1).kind == Token::Kind::kIdent) {
      Next();
      path += "::" + Next().text;
    }
    return path;
  }

  Status ParseDecl(RawNamespace& ns, Annotations ann) {
    if (IsIdent("entity")) return ParseEntity(ns, std::move(ann));
    if (IsIdent("action")) return ParseAction(ns, std::move(ann));
    if (IsIdent("type")) return ParseCommonType(ns, std::move(ann));
    if (IsIdent("namespace")) return Err(Peek(), "namespaces cannot be nested");
    return Err(Peek(), "expected 'entity', 'action', 'type' or 'namespace'");
  }

  // EntOrTyps := Path | '[' [Path {',' Path}] ']'
  Status ParseTypeList(std::vector<std::string>& out) {
    if (IsPunct("[")) {
      Next();
      while (!IsPunct("]")) {
        auto p = ParsePath();
        if (!p.ok()) return p.status();
        out.push_back(*p);
        if (IsPunct(",")) {
          Next();
        } else if (!IsPunct("]")) {
          return Err(Peek(), "expected ',' or ']'");
        }
      }
      Next();
      return Status::OK();
    }
    auto p = ParsePath();
    if (!p.ok()) return p.status();
    out.push_back(*p);
    return Status::OK();
  }

  Status ParseEntity(RawNamespace& ns, Annotations ann) {
    SchemaLoc loc = Loc(Next());
    std::vector<std::string> names;
    while (true) {
      auto n = Ident();
      if (!n.ok()) return n.status();
      names.push_back(*n);
      if (!IsPunct(",")) break;
      Next();
    }
    RawEntityDecl decl;
    decl.loc = loc;
    decl.annotations = std::move(ann);
    if (IsIdent("in")) {
      Next();
      TG_RETURN_IF_ERROR(ParseTypeList(decl.member_of));
    }
    if (IsIdent("enum")) {
      Next();
      TG_RETURN_IF_ERROR(Expect("["));
      std::vector<std::string> ids;
      while (!IsPunct("]")) {
        if (Peek().kind != Token::Kind::kString) return Err(Peek(), "expected an enum string");
        ids.push_back(Next().text);
        if (IsPunct(",")) {
          Next();
        } else if (!IsPunct("]")) {
          return Err(Peek(), "expected ',' or ']'");
        }
      }
      if (ids.empty()) return Err(Peek(), "an enum entity type needs at least one id");
      Next();
      decl.enum_ids = std::move(ids);
    } else {
      if (IsPunct("=")) {
        Next();
        if (!IsPunct("{")) return Err(Peek(), "expected '{' to start the entity's attributes");
      }
      if (IsPunct("{")) {
        auto rec = ParseRecord();
        if (!rec.ok()) return rec.status();
        decl.shape = *rec;
      }
      if (IsIdent("tags")) {
        Next();
        auto t = ParseType();
        if (!t.ok()) return t.status();
        decl.tags = *t;
      }
    }
    TG_RETURN_IF_ERROR(Expect(";"));
    for (auto& n : names) {
      RawEntityDecl d = decl;
      d.name = n;
      ns.entities.push_back(std::move(d));
    }
    return Status::OK();
  }

  // Name := IDENT | STR
  Result<std::string> ParseName() {
    if (Peek().kind == Token::Kind::kString || Peek().kind == Token::Kind::kIdent) return Next().text;
    return Err(Peek(), "expected a name");
  }

  // Ref := Path '::' STR | Name
  Result<RawActionRef> ParseActionRef() {
    if (Peek().kind == Token::Kind::kString) return RawActionRef{"", Next().text};
    if (Peek().kind != Token::Kind::kIdent) return Err(Peek(), "expected an action reference");
    std::string path = Next().text;
    while (IsPunct("::")) {
      Next();
      if (Peek().kind == Token::Kind::kString) return RawActionRef{path, Next().text};
      auto id = Ident();
      if (!id.ok()) return id.status();
      path += "::" + *id;
    }
    return RawActionRef{"", path};  // a bare identifier names an action of this namespace
  }

  Status ParseAction(RawNamespace& ns, Annotations ann) {
    SchemaLoc loc = Loc(Next());
    std::vector<std::string> names;
    while (true) {
      auto n = ParseName();
      if (!n.ok()) return n.status();
      names.push_back(*n);
      if (!IsPunct(",")) break;
      Next();
    }
    RawActionDecl decl;
    decl.loc = loc;
    decl.annotations = std::move(ann);
    if (IsIdent("in")) {
      Next();
      if (IsPunct("[")) {
        Next();
        while (!IsPunct("]")) {
          auto r = ParseActionRef();
          if (!r.ok()) return r.status();
          decl.member_of.push_back(*r);
          if (IsPunct(",")) {
            Next();
          } else if (!IsPunct("]")) {
            return Err(Peek(), "expected ',' or ']'");
          }
        }
        Next();
      } else {
        auto r = ParseActionRef();
        if (!r.ok()) return r.status();
        decl.member_of.push_back(*r);
      }
    }
    if (IsIdent("appliesTo")) {
      Next();
      decl.has_applies_to = true;
      TG_RETURN_IF_ERROR(Expect("{"));
      bool seen_p = false, seen_r = false, seen_c = false;
      while (!IsPunct("}")) {
        const Token& key = Peek();
        if (IsIdent("principal") && !seen_p) {
          Next();
          seen_p = true;
          TG_RETURN_IF_ERROR(Expect(":"));
          TG_RETURN_IF_ERROR(ParseTypeList(decl.principal_types));
        } else if (IsIdent("resource") && !seen_r) {
          Next();
          seen_r = true;
          TG_RETURN_IF_ERROR(Expect(":"));
          TG_RETURN_IF_ERROR(ParseTypeList(decl.resource_types));
        } else if (IsIdent("context") && !seen_c) {
          Next();
          seen_c = true;
          TG_RETURN_IF_ERROR(Expect(":"));
          auto t = ParseType();
          if (!t.ok()) return t.status();
          decl.context = *t;
        } else {
          return Err(key, "expected 'principal', 'resource' or 'context' (each at most once)");
        }
        if (IsPunct(",")) {
          Next();
        } else if (!IsPunct("}")) {
          return Err(Peek(), "expected ',' or '}'");
        }
      }
      Next();
    }
    if (IsIdent("attributes")) return Err(Peek(), "action attributes are not supported");
    TG_RETURN_IF_ERROR(Expect(";"));
    for (auto& n : names) {
      RawActionDecl d = decl;
      d.id = n;
      ns.actions.push_back(std::move(d));
    }
    return Status::OK();
  }

  Status ParseCommonType(RawNamespace& ns, Annotations ann) {
    SchemaLoc loc = Loc(Next());
    (void)ann;  // annotations on common types carry no meaning for validation
    auto name = Ident();
    if (!name.ok()) return name.status();
    TG_RETURN_IF_ERROR(Expect("="));
    auto t = ParseType();
    if (!t.ok()) return t.status();
    TG_RETURN_IF_ERROR(Expect(";"));
    ns.common_types.push_back(RawCommonType{*name, *t, loc});
    return Status::OK();
  }

  // Type := Path | 'Set' '<' Type '>' | '{' attrs '}'
  Result<RawTypePtr> ParseType() {
    // Nesting is bounded so hostile input cannot exhaust the stack.
    if (depth_ > 128) return Err(Peek(), "types nested too deeply");
    ++depth_;
    auto r = ParseTypeInner();
    --depth_;
    return r;
  }

  Result<RawTypePtr> ParseTypeInner() {
    auto t = std::make_shared<RawType>();
    t->loc = Loc(Peek());
    if (IsPunct("{")) return ParseRecord();
    if (IsIdent("Set") && Peek(1).kind == Token::Kind::kPunct && Peek(1).text == "<") {
      Next();
      Next();
      auto el = ParseType();
      if (!el.ok()) return el;
      TG_RETURN_IF_ERROR(Expect(">"));
      t->kind = RawType::Kind::kSet;
      t->element = *el;
      return t;
    }
    auto p = ParsePath();
    if (!p.ok()) return p.status();
    t->kind = RawType::Kind::kName;
    t->name = *p;
    return t;
  }

  Result<RawTypePtr> ParseRecord() {
    if (depth_ > 128) return Err(Peek(), "types nested too deeply");
    ++depth_;
    auto r = ParseRecordInner();
    --depth_;
    return r;
  }

  Result<RawTypePtr> ParseRecordInner() {
    auto t = std::make_shared<RawType>();
    t->loc = Loc(Peek());
    t->kind = RawType::Kind::kRecord;
    TG_RETURN_IF_ERROR(Expect("{"));
    while (!IsPunct("}")) {
      Annotations ann;  // attribute annotations are accepted and dropped
      TG_RETURN_IF_ERROR(ParseAnnotations(ann));
      const Token& nt = Peek();
      auto name = ParseName();
      if (!name.ok()) return name.status();
      RawAttribute a;
      a.name = *name;
      if (IsPunct("?")) {
        Next();
        a.required = false;
      }
      TG_RETURN_IF_ERROR(Expect(":"));
      auto at = ParseType();
      if (!at.ok()) return at.status();
      a.type = *at;
      for (auto& prev : t->attributes) {
        if (prev.name == a.name) return Err(nt, "duplicate attribute \"" + a.name + "\"");
      }
      t->attributes.push_back(std::move(a));
      if (IsPunct(",")) {
        Next();
      } else if (!IsPunct("}")) {
        return Err(Peek(), "expected ',' or '}'");
      }
    }
    Next();
    return t;
  }

  std::vector<Token> t_;
  std::string file_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<Schema> ParseSchema(std::string_view text, std::string_view file) {
  Lexer lexer(text, std::string(file));
  auto toks = lexer.Run();
  if (!toks.ok()) return toks.status();
  Parser parser(std::move(*toks), std::string(file));
  auto raw = parser.Run();
  if (!raw.ok()) return raw.status();
  return schema_internal::ResolveSchema(*raw);
}

Result<Schema> LoadSchemaFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read schema file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  size_t i = text.find_first_not_of(" \t\r\n");
  bool json = (path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0) ||
              (i != std::string::npos && text[i] == '{');
  return json ? ParseSchemaJson(text, path) : ParseSchema(text, path);
}

}  // namespace tg::cedar
