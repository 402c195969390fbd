// Recursive-descent parser for Cedar policies, following the reference grammar's structure
// (Expr > Or > And > Relation > Add > Mult > Unary > Member > Primary) and its conversion
// checks (reserved words, one relational operator, known functions, scope forms).
#include "cedar/parser.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "cedar/extensions.h"
#include "cedar/lexer.h"

namespace tg::cedar {
namespace {

struct ParseFailure {
  uint32_t offset;
  std::string message;
};

constexpr int kMaxDepth = 200;

bool IsReserved(std::string_view s) {
  return s == "true" || s == "false" || s == "if" || s == "then" || s == "else" || s == "in" ||
         s == "like" || s == "has" || s == "is" || s == "__cedar";
}

bool IsBuiltinMethod(std::string_view s, size_t& arity) {
  if (s == "contains" || s == "containsAll" || s == "containsAny" || s == "hasTag" || s == "getTag") {
    arity = 1;
    return true;
  }
  if (s == "isEmpty") {
    arity = 0;
    return true;
  }
  return false;
}

bool IsExtensionMethod(std::string_view s) {
  static const char* const kMethods[] = {
      "lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual", "isIpv4", "isIpv6",
      "isLoopback", "isMulticast", "isInRange", "offset", "durationSince", "toDate", "toTime",
      "toMilliseconds", "toSeconds", "toMinutes", "toHours", "toDays"};
  for (const char* m : kMethods)
    if (s == m) return true;
  return false;
}

class Parser {
 public:
  Parser(std::string_view src, std::string_view filename)
      : src_(src), filename_(filename), toks_(Tokenize(src)) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < src.size(); ++i)
      if (src[i] == '\n') line_starts_.push_back(static_cast<uint32_t>(i + 1));
  }

  SourceLoc Loc(uint32_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    size_t line = it - line_starts_.begin();
    return SourceLoc{static_cast<uint32_t>(line), offset - line_starts_[line - 1] + 1};
  }

  Status ToStatus(const ParseFailure& f) const {
    SourceLoc l = Loc(f.offset);
    return Status::InvalidArgument(filename_ + ":" + l.ToString() + ": " + f.message);
  }

  std::vector<Policy> ParseAll() {
    std::vector<Policy> out;
    while (Peek().kind != Tok::kEnd) {
      Policy p = ParsePolicy();
      p.id = "policy" + std::to_string(out.size());
      out.push_back(std::move(p));
    }
    return out;
  }

  ExprPtr ParseWholeExpr() {
    ExprPtr e = ParseExpr();
    if (Peek().kind != Tok::kEnd) Fail(Peek(), "unexpected " + Describe(Peek()) + " after the expression");
    return e;
  }

  std::string ParseWholeName() {
    std::string n = ParseName();
    if (Peek().kind != Tok::kEnd) Fail(Peek(), "unexpected " + Describe(Peek()) + " after the name");
    return n;
  }

  EntityUid ParseWholeUid() {
    ExprPtr e = ParseMember();
    if (Peek().kind != Tok::kEnd || e->kind != ExprKind::kLiteral || !e->literal.is_entity())
      Fail(Peek(), "expected an entity uid like Type::\"id\"");
    return e->literal.as_entity();
  }

 private:
  const Token& Peek(size_t k = 0) const { return toks_[std::min(pos_ + k, toks_.size() - 1)]; }
  const Token& Next() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }
  bool IsIdent(const Token& t, std::string_view word) const { return t.kind == Tok::kIdent && t.text == word; }

  [[noreturn]] void Fail(const Token& t, std::string message) const {
    throw ParseFailure{t.offset, std::move(message)};
  }
  static std::string Describe(const Token& t) {
    if (t.kind == Tok::kEnd) return "end of input";
    if (t.kind == Tok::kInvalid) return "invalid token `" + std::string(t.text.substr(0, 20)) + "`";
    return "`" + std::string(t.text.substr(0, 40)) + "`";
  }
  const Token& Expect(Tok kind, const char* what) {
    if (Peek().kind != kind) Fail(Peek(), std::string("expected ") + what + ", found " + Describe(Peek()));
    return Next();
  }

  std::string Unescape(const Token& t) {
    std::u32string out;
    std::string err;
    if (!UnescapeCedarString(t.text.substr(1, t.text.size() - 2), false, out, nullptr, err)) Fail(t, err);
    return Utf8Encode(out);
  }

  // ---- policies ----

  Policy ParsePolicy() {
    Policy p;
    p.filename = filename_;
    p.loc = Loc(Peek().offset);
    std::set<std::string> keys;
    while (Peek().kind == Tok::kAt) {
      const Token& at = Next();
      const Token& key = Expect(Tok::kIdent, "an annotation name");
      Annotation a;
      a.key = std::string(key.text);
      a.loc = Loc(at.offset);
      if (Peek().kind == Tok::kLParen) {
        Next();
        const Token& s = Expect(Tok::kString, "a string");
        a.value = Unescape(s);
        Expect(Tok::kRParen, "`)`");
      }
      if (!keys.insert(a.key).second) Fail(key, "duplicate annotation: @" + a.key);
      p.annotations.push_back(std::move(a));
    }
    const Token& eff = Expect(Tok::kIdent, "`permit` or `forbid`");
    if (eff.text == "permit") p.effect = Effect::kPermit;
    else if (eff.text == "forbid") p.effect = Effect::kForbid;
    else Fail(eff, "expected `permit` or `forbid`, found " + Describe(eff));
    const Token& lparen = Expect(Tok::kLParen, "`(`");
    // principal, action, resource, in that order, each once.
    static const char* const kVars[] = {"principal", "action", "resource"};
    int seen = 0;
    while (Peek().kind != Tok::kRParen) {
      const Token& v = Peek();
      if (v.kind != Tok::kIdent) Fail(v, "expected a scope variable, found " + Describe(v));
      if (seen >= 3) Fail(v, "a policy scope has only principal, action and resource");
      if (v.text != kVars[seen]) Fail(v, std::string("expected `") + kVars[seen] + "`, found " + Describe(v));
      if (seen == 0) p.principal = ParseScope(SlotId::kPrincipal);
      else if (seen == 1) p.action = ParseActionScope();
      else p.resource = ParseScope(SlotId::kResource);
      ++seen;
      if (Peek().kind == Tok::kComma) Next();
      else if (Peek().kind != Tok::kRParen) Fail(Peek(), "expected `,` or `)`, found " + Describe(Peek()));
    }
    if (seen < 3)
      Fail(Peek(), std::string("the policy scope is missing `") + kVars[seen] + "`");
    (void)lparen;
    Next();  // ')'
    while (Peek().kind == Tok::kIdent) {
      const Token& w = Next();
      Condition c;
      c.loc = Loc(w.offset);
      if (w.text == "when") c.is_when = true;
      else if (w.text == "unless") c.is_when = false;
      else Fail(w, "expected `when` or `unless`, found " + Describe(w));
      Expect(Tok::kLBrace, "`{`");
      if (Peek().kind == Tok::kRBrace) Fail(Peek(), "a `" + std::string(w.text) + "` condition needs an expression");
      c.body = ParseExpr();
      Expect(Tok::kRBrace, "`}`");
      p.conditions.push_back(std::move(c));
    }
    Expect(Tok::kSemi, "`;` at the end of the policy");
    return p;
  }

  ScopeConstraint ParseScope(SlotId which) {
    ScopeConstraint s;
    const Token& var = Next();
    s.loc = Loc(var.offset);
    const char* varname = which == SlotId::kPrincipal ? "principal" : "resource";
    if (Peek().kind == Tok::kColon) Fail(Peek(), "type annotations on scope variables are not supported");
    if (IsIdent(Peek(), "is")) {
      Next();
      s.entity_type = ParseName();
      s.op = ScopeConstraint::Op::kIs;
      if (IsIdent(Peek(), "in")) {
        Next();
        s.op = ScopeConstraint::Op::kIsIn;
        ScopeTarget(s, which, varname);
      } else if (Peek().kind != Tok::kComma && Peek().kind != Tok::kRParen) {
        Fail(Peek(), std::string("after `") + varname + " is TYPE` only `in` may follow");
      }
      return s;
    }
    if (Peek().kind == Tok::kEqEq) {
      Next();
      s.op = ScopeConstraint::Op::kEq;
      ScopeTarget(s, which, varname);
    } else if (IsIdent(Peek(), "in")) {
      Next();
      s.op = ScopeConstraint::Op::kIn;
      ScopeTarget(s, which, varname);
    } else if (Peek().kind != Tok::kComma && Peek().kind != Tok::kRParen) {
      Fail(Peek(), std::string("expected `==`, `in` or `is` after `") + varname + "`, found " + Describe(Peek()));
    }
    return s;
  }

  void ScopeTarget(ScopeConstraint& s, SlotId which, const char* varname) {
    const Token& t = Peek();
    allow_slots_ = true;
    ExprPtr e = ParseExpr();
    allow_slots_ = false;
    if (e->kind == ExprKind::kSlot) {
      if (e->slot != which)
        Fail(t, std::string("the `") + varname + "` scope may only use the slot ?" + varname);
      s.slot = e->slot;
    } else if (e->kind == ExprKind::kLiteral && e->literal.is_entity()) {
      s.entity = e->literal.as_entity();
    } else {
      Fail(t, std::string("the `") + varname + "` scope must compare with an entity uid or a slot");
    }
  }

  static bool IsActionType(std::string_view type) {
    return type == "Action" || (type.size() > 8 && type.substr(type.size() - 8) == "::Action");
  }

  ActionConstraint ParseActionScope() {
    ActionConstraint a;
    const Token& var = Next();
    a.loc = Loc(var.offset);
    if (Peek().kind == Tok::kColon) Fail(Peek(), "type annotations on scope variables are not supported");
    if (IsIdent(Peek(), "is")) Fail(Peek(), "`is` is not allowed in the action scope");
    bool eq = Peek().kind == Tok::kEqEq;
    bool in = IsIdent(Peek(), "in");
    if (!eq && !in) {
      if (Peek().kind != Tok::kComma && Peek().kind != Tok::kRParen)
        Fail(Peek(), "expected `==` or `in` after `action`, found " + Describe(Peek()));
      return a;
    }
    Next();
    const Token& t = Peek();
    ExprPtr e = ParseExpr();
    auto check_uid = [&](const ExprPtr& x) {
      if (x->kind != ExprKind::kLiteral || !x->literal.is_entity())
        Fail(t, "the `action` scope must use action entity uids");
      if (!IsActionType(x->literal.as_entity().type()))
        Fail(t, "the `action` scope must use entities of type `Action`, found `" +
                    std::string(x->literal.as_entity().type()) + "`");
      return x->literal.as_entity();
    };
    if (eq) {
      a.op = ActionConstraint::Op::kEq;
      a.entities.push_back(check_uid(e));
    } else if (e->kind == ExprKind::kSet) {
      a.op = ActionConstraint::Op::kInSet;
      for (const ExprPtr& x : e->args) a.entities.push_back(check_uid(x));
    } else {
      a.op = ActionConstraint::Op::kIn;
      a.entities.push_back(check_uid(e));
    }
    return a;
  }

  // ---- names ----

  std::string ParseName() {
    const Token& first = Expect(Tok::kIdent, "a name");
    if (IsReserved(first.text)) Fail(first, "`" + std::string(first.text) + "` is a reserved identifier");
    std::string name(first.text);
    while (Peek().kind == Tok::kColonColon && Peek(1).kind == Tok::kIdent) {
      Next();
      const Token& part = Next();
      if (IsReserved(part.text)) Fail(part, "`" + std::string(part.text) + "` is a reserved identifier");
      name += "::";
      name += part.text;
    }
    return name;
  }

  // ---- expressions ----

  static ExprPtr Mk(ExprKind k, SourceLoc loc, std::vector<ExprPtr> args) {
    auto e = std::make_shared<Expr>();
    e->kind = k;
    e->loc = loc;
    e->args = std::move(args);
    return e;
  }

  struct DepthGuard {
    Parser* p;
    DepthGuard(Parser* parser, const Token& t) : p(parser) {
      if (++p->depth_ > kMaxDepth) p->Fail(t, "expression nested too deeply");
    }
    ~DepthGuard() { --p->depth_; }
  };

  ExprPtr ParseExpr() {
    DepthGuard g(this, Peek());
    if (IsIdent(Peek(), "if")) {
      const Token& t = Next();
      ExprPtr c = ParseExpr();
      if (!IsIdent(Peek(), "then")) Fail(Peek(), "expected `then`, found " + Describe(Peek()));
      Next();
      ExprPtr a = ParseExpr();
      if (!IsIdent(Peek(), "else")) Fail(Peek(), "expected `else`, found " + Describe(Peek()));
      Next();
      ExprPtr b = ParseExpr();
      return Mk(ExprKind::kIf, Loc(t.offset), {c, a, b});
    }
    return ParseOr();
  }

  ExprPtr ParseOr() {
    uint32_t start = Peek().offset;
    ExprPtr e = ParseAnd();
    while (Peek().kind == Tok::kOrOr) {
      Next();
      e = Mk(ExprKind::kOr, Loc(start), {e, ParseAnd()});
    }
    return e;
  }

  ExprPtr ParseAnd() {
    uint32_t start = Peek().offset;
    ExprPtr e = ParseRelation();
    while (Peek().kind == Tok::kAndAnd) {
      Next();
      e = Mk(ExprKind::kAnd, Loc(start), {e, ParseRelation()});
    }
    return e;
  }

  bool AtRelOp(ExprKind& k) const {
    const Token& t = Peek();
    switch (t.kind) {
      case Tok::kEqEq: k = ExprKind::kEq; return true;
      case Tok::kNotEq: k = ExprKind::kNotEq; return true;
      case Tok::kLess: k = ExprKind::kLess; return true;
      case Tok::kLessEq: k = ExprKind::kLessEq; return true;
      case Tok::kGreater: k = ExprKind::kGreater; return true;
      case Tok::kGreaterEq: k = ExprKind::kGreaterEq; return true;
      default: break;
    }
    if (IsIdent(t, "in")) {
      k = ExprKind::kIn;
      return true;
    }
    return false;
  }

  ExprPtr ParseRelation() {
    const Token& start = Peek();
    SourceLoc loc = Loc(start.offset);
    ExprPtr e = ParseAdd();
    ExprKind k;
    if (Peek().kind == Tok::kAssign) Fail(Peek(), "`=` is not an operator; use `==`");
    if (AtRelOp(k)) {
      Next();
      ExprPtr rhs = ParseAdd();
      ExprKind k2;
      if (AtRelOp(k2) || Peek().kind == Tok::kAssign)
        Fail(Peek(), "chained relational operators are ambiguous; add parentheses");
      return Mk(k, loc, {e, rhs});
    }
    if (IsIdent(Peek(), "has")) {
      Next();
      return ParseHas(e, loc);
    }
    if (IsIdent(Peek(), "like")) {
      Next();
      const Token& t = Peek();
      if (t.kind != Tok::kString) Fail(t, "the right side of `like` must be a string literal pattern");
      Next();
      if (Peek().kind == Tok::kDot || Peek().kind == Tok::kLBracket || Peek().kind == Tok::kLParen ||
          Peek().kind == Tok::kPlus || Peek().kind == Tok::kMinus || Peek().kind == Tok::kStar)
        Fail(Peek(), "the right side of `like` must be a string literal pattern");
      std::u32string chars;
      std::vector<bool> wild;
      std::string err;
      if (!UnescapeCedarString(t.text.substr(1, t.text.size() - 2), true, chars, &wild, err)) Fail(t, err);
      auto x = std::make_shared<Expr>();
      x->kind = ExprKind::kLike;
      x->loc = loc;
      x->args = {e};
      for (size_t i = 0; i < chars.size(); ++i) x->pattern.push_back(PatternElem{wild[i], wild[i] ? 0 : chars[i]});
      return x;
    }
    if (IsIdent(Peek(), "is")) {
      Next();
      auto x = std::make_shared<Expr>();
      x->kind = ExprKind::kIs;
      x->loc = loc;
      x->name = ParseName();
      x->args = {e};
      if (IsIdent(Peek(), "in")) {
        Next();
        x->args.push_back(ParseAdd());
      }
      return x;
    }
    return e;
  }

  // `e has a`, `e has "a"`, `e has a.b.c` (desugared to a chain of has/&&).
  ExprPtr ParseHas(ExprPtr target, SourceLoc loc) {
    std::vector<std::string> path;
    const Token& t = Peek();
    if (t.kind == Tok::kString) {
      Next();
      path.push_back(Unescape(t));
    } else if (t.kind == Tok::kIdent) {
      if (t.text == "true" || t.text == "false") Fail(t, "expected an attribute name after `has`");
      Next();
      path.emplace_back(t.text);
      while (Peek().kind == Tok::kDot && Peek(1).kind == Tok::kIdent) {
        Next();
        path.emplace_back(Next().text);
      }
    } else {
      Fail(t, "expected an attribute name after `has`, found " + Describe(t));
    }
    switch (Peek().kind) {
      case Tok::kDot: case Tok::kLBracket: case Tok::kLParen: case Tok::kPlus: case Tok::kMinus:
      case Tok::kStar: case Tok::kColonColon:
        Fail(Peek(), "the right side of `has` must be an attribute name or a dotted path");
      default: break;
    }
    ExprPtr base = target;
    ExprPtr result;
    for (const std::string& attr : path) {
      auto h = std::make_shared<Expr>();
      h->kind = ExprKind::kHasAttr;
      h->loc = loc;
      h->name = attr;
      h->args = {base};
      result = result ? Mk(ExprKind::kAnd, loc, {result, h}) : ExprPtr(h);
      auto g = std::make_shared<Expr>();
      g->kind = ExprKind::kGetAttr;
      g->loc = loc;
      g->name = attr;
      g->args = {base};
      base = g;
    }
    return result;
  }

  ExprPtr ParseAdd() {
    uint32_t start = Peek().offset;
    ExprPtr e = ParseMult();
    while (Peek().kind == Tok::kPlus || Peek().kind == Tok::kMinus) {
      ExprKind k = Next().kind == Tok::kPlus ? ExprKind::kAdd : ExprKind::kSub;
      e = Mk(k, Loc(start), {e, ParseMult()});
    }
    return e;
  }

  ExprPtr ParseMult() {
    uint32_t start = Peek().offset;
    ExprPtr e = ParseUnary();
    while (true) {
      Tok k = Peek().kind;
      if (k == Tok::kSlash || k == Tok::kPercent)
        Fail(Peek(), "division and remainder (`/`, `%`) are not supported in Cedar");
      if (k != Tok::kStar) break;
      Next();
      e = Mk(ExprKind::kMul, Loc(start), {e, ParseUnary()});
    }
    return e;
  }

  ExprPtr ParseUnary() {
    const Token& first = Peek();
    SourceLoc loc = Loc(first.offset);
    if (first.kind != Tok::kBang && first.kind != Tok::kMinus) return ParseMember();
    Tok op = first.kind;
    int n = 0;
    while (Peek().kind == op) {
      Next();
      ++n;
    }
    if (n > 4) Fail(first, "too many unary operators in a row (at most 4)");
    ExprPtr e;
    if (op == Tok::kMinus && Peek().kind == Tok::kNumber && Peek(1).kind != Tok::kDot &&
        Peek(1).kind != Tok::kLBracket && Peek(1).kind != Tok::kLParen) {
      const Token& num = Next();
      unsigned __int128 v = 0;
      for (char c : num.text) {
        v = v * 10 + (c - '0');
        if (v > (static_cast<unsigned __int128>(1) << 63)) Fail(num, "integer literal is out of range");
      }
      auto lit = std::make_shared<Expr>();
      lit->kind = ExprKind::kLiteral;
      lit->loc = Loc(Peek().offset);
      lit->loc = Loc(num.offset);
      lit->literal = Value(static_cast<int64_t>(-static_cast<__int128>(v)));
      e = lit;
      --n;
    } else {
      e = ParseMember();
    }
    for (int i = 0; i < n; ++i) e = Mk(op == Tok::kBang ? ExprKind::kNot : ExprKind::kNeg, loc, {e});
    return e;
  }

  std::vector<ExprPtr> ParseArgs(Tok close, const char* what) {
    std::vector<ExprPtr> args;
    while (Peek().kind != close) {
      args.push_back(ParseExpr());
      if (Peek().kind == Tok::kComma) Next();
      else if (Peek().kind != close) Fail(Peek(), std::string("expected `,` or ") + what + ", found " + Describe(Peek()));
    }
    Next();
    return args;
  }

  ExprPtr ParseMember() {
    const Token& start = Peek();
    SourceLoc loc = Loc(start.offset);
    ExprPtr e = ParsePrimary();
    while (true) {
      if (Peek().kind == Tok::kDot) {
        Next();
        const Token& name = Expect(Tok::kIdent, "an attribute or method name");
        if (Peek().kind == Tok::kLParen) {
          Next();
          std::vector<ExprPtr> args = ParseArgs(Tok::kRParen, "`)`");
          e = MethodCall(e, name, std::move(args), loc);
        } else {
          auto g = std::make_shared<Expr>();
          g->kind = ExprKind::kGetAttr;
          g->loc = loc;
          g->name = std::string(name.text);
          g->args = {e};
          e = g;
        }
      } else if (Peek().kind == Tok::kLBracket) {
        Next();
        const Token& s = Peek();
        if (s.kind != Tok::kString || Peek(1).kind != Tok::kRBracket)
          Fail(s, "the index in `[...]` must be a string literal");
        Next();
        Next();
        auto g = std::make_shared<Expr>();
        g->kind = ExprKind::kGetAttr;
        g->loc = loc;
        g->name = Unescape(s);
        g->args = {e};
        e = g;
      } else if (Peek().kind == Tok::kLParen) {
        Fail(Peek(), "this expression cannot be called like a function");
      } else {
        return e;
      }
    }
  }

  ExprPtr MethodCall(ExprPtr recv, const Token& name, std::vector<ExprPtr> args, SourceLoc loc) {
    size_t arity;
    std::string_view m = name.text;
    if (IsBuiltinMethod(m, arity)) {
      if (args.size() != arity)
        Fail(name, "`" + std::string(m) + "` takes " + std::to_string(arity) + " argument(s), got " +
                       std::to_string(args.size()));
      ExprKind k = m == "contains" ? ExprKind::kContains
                   : m == "containsAll" ? ExprKind::kContainsAll
                   : m == "containsAny" ? ExprKind::kContainsAny
                   : m == "hasTag" ? ExprKind::kHasTag
                   : m == "getTag" ? ExprKind::kGetTag : ExprKind::kIsEmpty;
      args.insert(args.begin(), recv);
      return Mk(k, loc, std::move(args));
    }
    if (IsExtensionMethod(m)) {
      auto x = std::make_shared<Expr>();
      x->kind = ExprKind::kExtCall;
      x->loc = loc;
      x->name = std::string(m);
      x->method_call = true;
      args.insert(args.begin(), recv);
      x->args = std::move(args);
      return x;
    }
    if (IsExtensionConstructor(m)) Fail(name, "`" + std::string(m) + "` is a function, not a method");
    Fail(name, "`" + std::string(m) + "` is not a known method");
  }

  ExprPtr ParsePrimary() {
    const Token& t = Peek();
    SourceLoc loc = Loc(t.offset);
    auto lit = [&](Value v) {
      auto e = std::make_shared<Expr>();
      e->kind = ExprKind::kLiteral;
      e->loc = loc;
      e->literal = std::move(v);
      return e;
    };
    switch (t.kind) {
      case Tok::kNumber: {
        Next();
        unsigned __int128 v = 0;
        for (char c : t.text) {
          v = v * 10 + (c - '0');
          if (v > static_cast<unsigned __int128>(INT64_MAX)) Fail(t, "integer literal is out of range");
        }
        return lit(Value(static_cast<int64_t>(v)));
      }
      case Tok::kString:
        Next();
        return lit(Value(Unescape(t)));
      case Tok::kSlot: {
        Next();
        if (t.text != "?principal" && t.text != "?resource")
          Fail(t, "`" + std::string(t.text) + "` is not a valid slot (only ?principal and ?resource)");
        if (!allow_slots_) Fail(t, "slots may appear only in the policy scope");
        auto e = std::make_shared<Expr>();
        e->kind = ExprKind::kSlot;
        e->loc = loc;
        e->slot = t.text == "?principal" ? SlotId::kPrincipal : SlotId::kResource;
        return e;
      }
      case Tok::kLParen: {
        Next();
        bool saved = allow_slots_;
        allow_slots_ = false;
        ExprPtr e = ParseExpr();
        allow_slots_ = saved;
        Expect(Tok::kRParen, "`)`");
        return e;
      }
      case Tok::kLBracket: {
        Next();
        bool saved = allow_slots_;
        allow_slots_ = false;
        auto e = std::make_shared<Expr>();
        e->kind = ExprKind::kSet;
        e->loc = loc;
        e->args = ParseArgs(Tok::kRBracket, "`]`");
        allow_slots_ = saved;
        return e;
      }
      case Tok::kLBrace: {
        Next();
        auto e = std::make_shared<Expr>();
        e->kind = ExprKind::kRecord;
        e->loc = loc;
        std::set<std::string> seen;
        while (Peek().kind != Tok::kRBrace) {
          const Token& k = Peek();
          std::string key;
          if (k.kind == Tok::kString) key = Unescape(k);
          else if (k.kind == Tok::kIdent && k.text != "true" && k.text != "false") key = std::string(k.text);
          else Fail(k, "a record key must be an identifier or a string literal");
          Next();
          Expect(Tok::kColon, "`:`");
          if (!seen.insert(key).second) Fail(k, "duplicate key `" + key + "` in record literal");
          e->record_keys.push_back(key);
          e->args.push_back(ParseExpr());
          if (Peek().kind == Tok::kComma) Next();
          else if (Peek().kind != Tok::kRBrace) Fail(Peek(), "expected `,` or `}`, found " + Describe(Peek()));
        }
        Next();
        return e;
      }
      case Tok::kIdent:
        return ParseNamePrimary();
      default:
        Fail(t, "expected an expression, found " + Describe(t));
    }
  }

  // Literals true/false, variables, entity uids `A::B::"id"`, function calls `ip("...")`.
  ExprPtr ParseNamePrimary() {
    const Token& t = Next();
    SourceLoc loc = Loc(t.offset);
    if (t.text == "true" || t.text == "false") {
      auto e = std::make_shared<Expr>();
      e->kind = ExprKind::kLiteral;
      e->loc = loc;
      e->literal = Value(t.text == "true");
      return e;
    }
    std::vector<const Token*> parts{&t};
    while (Peek().kind == Tok::kColonColon && Peek(1).kind == Tok::kIdent) {
      Next();
      parts.push_back(&Next());
    }
    if (Peek().kind == Tok::kColonColon) {
      Next();
      if (Peek().kind == Tok::kLBrace) Fail(Peek(), "entity literals with attributes are not supported");
      const Token& id = Expect(Tok::kString, "an entity id string");
      std::string type;
      for (const Token* p : parts) {
        if (IsReserved(p->text)) Fail(*p, "`" + std::string(p->text) + "` is a reserved identifier");
        if (!type.empty()) type += "::";
        type += p->text;
      }
      auto e = std::make_shared<Expr>();
      e->kind = ExprKind::kLiteral;
      e->loc = loc;
      e->literal = Value(EntityUid::Make(type, Unescape(id)));
      return e;
    }
    if (Peek().kind == Tok::kLParen) {
      std::string fn;
      for (const Token* p : parts) {
        if (!fn.empty()) fn += "::";
        fn += p->text;
      }
      Next();
      std::vector<ExprPtr> args = ParseArgs(Tok::kRParen, "`)`");
      if (!IsExtensionConstructor(fn)) {
        size_t arity;
        if (IsExtensionMethod(fn) || IsBuiltinMethod(fn, arity))
          Fail(t, "`" + fn + "` is a method, not a function; call it as x." + fn + "(...)");
        Fail(t, "`" + fn + "` is not a known function");
      }
      auto e = std::make_shared<Expr>();
      e->kind = ExprKind::kExtCall;
      e->loc = loc;
      e->name = fn;
      e->args = std::move(args);
      return e;
    }
    if (parts.size() > 1) Fail(t, "a type name alone is not an expression; expected `::\"id\"`");
    auto e = std::make_shared<Expr>();
    e->kind = ExprKind::kVar;
    e->loc = loc;
    if (t.text == "principal") e->var = Var::kPrincipal;
    else if (t.text == "action") e->var = Var::kAction;
    else if (t.text == "resource") e->var = Var::kResource;
    else if (t.text == "context") e->var = Var::kContext;
    else if (IsReserved(t.text)) Fail(t, "`" + std::string(t.text) + "` is a reserved identifier");
    else Fail(t, "unknown variable `" + std::string(t.text) + "`");
    return e;
  }

  std::string_view src_;
  std::string filename_;
  std::vector<Token> toks_;
  std::vector<uint32_t> line_starts_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool allow_slots_ = false;
};

}  // namespace

std::string SourceLoc::ToString() const { return std::to_string(line) + ":" + std::to_string(col); }

Result<std::vector<Policy>> ParsePolicyList(std::string_view text, std::string_view filename) {
  Parser p(text, filename);
  try {
    return p.ParseAll();
  } catch (const ParseFailure& f) {
    return p.ToStatus(f);
  }
}

Result<PolicySet> ParsePolicies(std::string_view text, std::string_view filename) {
  auto list = ParsePolicyList(text, filename);
  if (!list.ok()) return list.status();
  PolicySet set;
  for (Policy& pol : *list) TG_RETURN_IF_ERROR(set.Add(std::move(pol)));
  return set;
}

Result<ExprPtr> ParseExpression(std::string_view text, std::string_view filename) {
  Parser p(text, filename);
  try {
    return p.ParseWholeExpr();
  } catch (const ParseFailure& f) {
    return p.ToStatus(f);
  }
}

Result<EntityUid> ParseEntityUid(std::string_view text) {
  Parser p(text, "<uid>");
  try {
    return p.ParseWholeUid();
  } catch (const ParseFailure& f) {
    return p.ToStatus(f);
  }
}

Result<std::string> ParseName(std::string_view text) {
  Parser p(text, "<name>");
  try {
    return p.ParseWholeName();
  } catch (const ParseFailure& f) {
    return p.ToStatus(f);
  }
}

bool IsValidIdent(std::string_view s) {
  if (s.empty() || IsReserved(s)) return false;
  auto start = [](char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!start(s[0])) return false;
  for (char c : s)
    if (!start(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

}  // namespace tg::cedar
