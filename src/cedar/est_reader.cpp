// Reads the policy JSON form into the AST. Every malformed node is an error naming its JSON
// path (e.g. "conditions[0].body.&&.left: unknown expression key \"foo\"").
#include <cstdint>

#include "cedar/entities.h"
#include "cedar/est.h"
#include "cedar/extensions.h"

namespace tg::cedar {
namespace {

using nlohmann::json;

Status Bad(const std::string& path, const std::string& msg) {
  return Status::InvalidArgument("policy JSON " + (path.empty() ? std::string("") : path + ": ") + msg);
}

std::shared_ptr<Expr> Make(ExprKind kind, std::vector<ExprPtr> args = {}) {
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  e->args = std::move(args);
  return e;
}

ExprPtr Lit(Value v) {
  auto e = Make(ExprKind::kLiteral);
  e->literal = std::move(v);
  return e;
}

// Decodes UTF-8 into code points (invalid bytes map to U+FFFD).
std::vector<char32_t> CodePoints(const std::string& s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

class EstReader {
 public:
  Result<ExprPtr> Expr(const json& j, const std::string& path) {
    if (++depth_ > 500) return Bad(path, "expression nested too deeply");
    auto r = ExprInner(j, path);
    --depth_;
    return r;
  }

  // A JSON value in {"Value": v}: literals, sets, records and the __entity/__extn escapes.
  Result<ExprPtr> ValueExpr(const json& v, const std::string& path) {
    if (++depth_ > 500) return Bad(path, "value nested too deeply");
    auto r = ValueInner(v, path);
    --depth_;
    return r;
  }

 private:
  Result<ExprPtr> ValueInner(const json& v, const std::string& path) {
    if (v.is_boolean()) return Lit(Value(v.get<bool>()));
    if (v.is_number_integer()) {
      if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX)) return Bad(path, "integer out of range");
      return Lit(Value(v.get<int64_t>()));
    }
    if (v.is_string()) return Lit(Value(v.get<std::string>()));
    if (v.is_array()) {
      std::vector<ExprPtr> elems;
      for (size_t i = 0; i < v.size(); ++i) {
        auto e = ValueExpr(v[i], path + "[" + std::to_string(i) + "]");
        if (!e.ok()) return e;
        elems.push_back(*e);
      }
      return ExprPtr(Make(ExprKind::kSet, std::move(elems)));
    }
    if (v.is_object()) {
      if (v.contains("__entity")) {
        auto uid = ParseEntityUidJson(v);
        if (!uid.ok()) return Bad(path, uid.status().message());
        return Lit(Value(*uid));
      }
      if (v.contains("__extn")) {
        const json& x = v["__extn"];
        if (!x.is_object() || !x.contains("fn") || !x["fn"].is_string() || !x.contains("arg") || !x["arg"].is_string()) {
          return Bad(path, "__extn needs string \"fn\" and \"arg\"");
        }
        std::string fn = x["fn"].get<std::string>();
        if (!IsExtensionConstructor(fn)) return Bad(path, "unknown extension constructor " + fn);
        auto call = Make(ExprKind::kExtCall, {Lit(Value(x["arg"].get<std::string>()))});
        call->name = fn;
        return ExprPtr(call);
      }
      auto rec = std::make_shared<tg::cedar::Expr>();
      rec->kind = ExprKind::kRecord;
      for (const auto& [k, val] : v.items()) {
        auto e = ValueExpr(val, path + "." + k);
        if (!e.ok()) return e;
        rec->record_keys.push_back(k);
        rec->args.push_back(*e);
      }
      return ExprPtr(rec);
    }
    return Bad(path, "null is not a Cedar value");
  }

  Result<ExprPtr> Operand(const json& body, const char* key, const std::string& path) {
    if (!body.is_object() || !body.contains(key)) return Bad(path, std::string("missing \"") + key + "\"");
    return Expr(body[key], path + "." + key);
  }

  Result<ExprPtr> ExprInner(const json& j, const std::string& path) {
    if (!j.is_object() || j.size() != 1) return Bad(path, "an expression is an object with exactly one key");
    const std::string& key = j.begin().key();
    const json& body = j.begin().value();
    std::string here = path.empty() ? key : path + "." + key;
    if (key == "Value") return ValueExpr(body, here);
    if (key == "Var") {
      if (!body.is_string()) return Bad(here, "Var must be a string");
      std::string v = body.get<std::string>();
      auto e = std::make_shared<tg::cedar::Expr>();
      e->kind = ExprKind::kVar;
      if (v == "principal") e->var = Var::kPrincipal;
      else if (v == "action") e->var = Var::kAction;
      else if (v == "resource") e->var = Var::kResource;
      else if (v == "context") e->var = Var::kContext;
      else return Bad(here, "unknown variable " + v);
      return ExprPtr(e);
    }
    if (key == "Slot") {
      if (!body.is_string()) return Bad(here, "Slot must be a string");
      std::string s = body.get<std::string>();
      auto e = std::make_shared<tg::cedar::Expr>();
      e->kind = ExprKind::kSlot;
      if (s == "?principal") e->slot = SlotId::kPrincipal;
      else if (s == "?resource") e->slot = SlotId::kResource;
      else return Bad(here, "unknown slot " + s);
      return ExprPtr(e);
    }
    if (key == "Unknown") return Bad(here, "unknowns (partial evaluation) are not supported");
    if (key == "!" || key == "neg" || key == "isEmpty") {
      auto a = Operand(body, "arg", here);
      if (!a.ok()) return a;
      return ExprPtr(Make(key == "!" ? ExprKind::kNot : key == "neg" ? ExprKind::kNeg : ExprKind::kIsEmpty, {*a}));
    }
    static const std::pair<const char*, ExprKind> kBinary[] = {
        {"==", ExprKind::kEq},         {"!=", ExprKind::kNotEq},      {"<", ExprKind::kLess},
        {"<=", ExprKind::kLessEq},     {">", ExprKind::kGreater},     {">=", ExprKind::kGreaterEq},
        {"in", ExprKind::kIn},         {"&&", ExprKind::kAnd},        {"||", ExprKind::kOr},
        {"+", ExprKind::kAdd},         {"-", ExprKind::kSub},         {"*", ExprKind::kMul},
        {"contains", ExprKind::kContains}, {"containsAll", ExprKind::kContainsAll},
        {"containsAny", ExprKind::kContainsAny}, {"getTag", ExprKind::kGetTag}, {"hasTag", ExprKind::kHasTag},
    };
    for (const auto& [name, kind] : kBinary) {
      if (key != name) continue;
      auto l = Operand(body, "left", here);
      if (!l.ok()) return l;
      auto r = Operand(body, "right", here);
      if (!r.ok()) return r;
      return ExprPtr(Make(kind, {*l, *r}));
    }
    if (key == "." || key == "has") {
      auto l = Operand(body, "left", here);
      if (!l.ok()) return l;
      if (!body.contains("attr") || !body["attr"].is_string()) return Bad(here, "missing string \"attr\"");
      auto e = Make(key == "." ? ExprKind::kGetAttr : ExprKind::kHasAttr, {*l});
      e->name = body["attr"].get<std::string>();
      return ExprPtr(e);
    }
    if (key == "like") {
      auto l = Operand(body, "left", here);
      if (!l.ok()) return l;
      if (!body.contains("pattern")) return Bad(here, "missing \"pattern\"");
      auto e = std::make_shared<tg::cedar::Expr>();
      e->kind = ExprKind::kLike;
      e->args = {*l};
      const json& pat = body["pattern"];
      if (pat.is_string()) {  // older form: a string in which `*` is the wildcard
        for (char32_t c : CodePoints(pat.get<std::string>())) e->pattern.push_back(PatternElem{c == U'*', c == U'*' ? char32_t{0} : c});
      } else if (pat.is_array()) {
        for (const auto& el : pat) {
          if (el == "Wildcard") {
            e->pattern.push_back(PatternElem{true, 0});
          } else if (el.is_object() && el.contains("Literal") && el["Literal"].is_string()) {
            for (char32_t c : CodePoints(el["Literal"].get<std::string>())) e->pattern.push_back(PatternElem{false, c});
          } else {
            return Bad(here, "pattern elements are \"Wildcard\" or {\"Literal\": string}");
          }
        }
      } else {
        return Bad(here, "pattern must be an array");
      }
      return ExprPtr(e);
    }
    if (key == "is") {
      auto l = Operand(body, "left", here);
      if (!l.ok()) return l;
      if (!body.contains("entity_type") || !body["entity_type"].is_string()) return Bad(here, "missing \"entity_type\"");
      auto e = std::make_shared<tg::cedar::Expr>();
      e->kind = ExprKind::kIs;
      e->name = body["entity_type"].get<std::string>();
      e->args = {*l};
      if (body.contains("in")) {
        auto in = Expr(body["in"], here + ".in");
        if (!in.ok()) return in;
        e->args.push_back(*in);
      }
      return ExprPtr(e);
    }
    if (key == "if-then-else") {
      auto c = Operand(body, "if", here);
      if (!c.ok()) return c;
      auto t = Operand(body, "then", here);
      if (!t.ok()) return t;
      auto f = Operand(body, "else", here);
      if (!f.ok()) return f;
      return ExprPtr(Make(ExprKind::kIf, {*c, *t, *f}));
    }
    if (key == "Set") {
      if (!body.is_array()) return Bad(here, "Set must be an array");
      std::vector<ExprPtr> elems;
      for (size_t i = 0; i < body.size(); ++i) {
        auto e = Expr(body[i], here + "[" + std::to_string(i) + "]");
        if (!e.ok()) return e;
        elems.push_back(*e);
      }
      return ExprPtr(Make(ExprKind::kSet, std::move(elems)));
    }
    if (key == "Record") {
      if (!body.is_object()) return Bad(here, "Record must be an object");
      auto rec = std::make_shared<tg::cedar::Expr>();
      rec->kind = ExprKind::kRecord;
      for (const auto& [k, v] : body.items()) {
        auto e = Expr(v, here + "." + k);
        if (!e.ok()) return e;
        rec->record_keys.push_back(k);
        rec->args.push_back(*e);
      }
      return ExprPtr(rec);
    }
    // Anything else with an array body is an extension function or method call.
    if (body.is_array()) {
      bool ctor = IsExtensionConstructor(key);
      static const char* kMethods[] = {"lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual",
                                       "isIpv4", "isIpv6", "isLoopback", "isMulticast", "isInRange", "offset",
                                       "durationSince", "toDate", "toTime", "toMilliseconds", "toSeconds",
                                       "toMinutes", "toHours", "toDays"};
      bool method = false;
      for (const char* m : kMethods) method = method || key == m;
      if (!ctor && !method) return Bad(here, "unknown function " + key);
      auto e = std::make_shared<tg::cedar::Expr>();
      e->kind = ExprKind::kExtCall;
      e->name = key;
      e->method_call = method;
      for (size_t i = 0; i < body.size(); ++i) {
        auto a = Expr(body[i], here + "[" + std::to_string(i) + "]");
        if (!a.ok()) return a;
        e->args.push_back(*a);
      }
      if (method && e->args.empty()) return Bad(here, "method " + key + " needs a receiver");
      return ExprPtr(e);
    }
    return Bad(here, "unknown expression key \"" + key + "\"");
  }

  int depth_ = 0;
};

Status ReadScope(const json& j, const std::string& path, bool is_action, Policy& p, ScopeConstraint* scope) {
  if (!j.is_object() || !j.contains("op") || !j["op"].is_string()) return Bad(path, "a scope needs a string \"op\"");
  std::string op = j["op"].get<std::string>();
  auto entity = [&](const json& e, const std::string& where) -> Result<EntityUid> {
    auto u = ParseEntityUidJson(e);
    if (!u.ok()) return Bad(where, u.status().message());
    return *u;
  };
  if (is_action) {
    ActionConstraint& a = p.action;
    if (op == "All") {
      a.op = ActionConstraint::Op::kAny;
    } else if (op == "==" || (op == "in" && j.contains("entity"))) {
      if (!j.contains("entity")) return Bad(path, "missing \"entity\"");
      auto u = entity(j["entity"], path + ".entity");
      if (!u.ok()) return u.status();
      a.op = op == "==" ? ActionConstraint::Op::kEq : ActionConstraint::Op::kIn;
      a.entities = {*u};
    } else if (op == "in" && j.contains("entities") && j["entities"].is_array()) {
      a.op = ActionConstraint::Op::kInSet;
      for (const auto& e : j["entities"]) {
        auto u = entity(e, path + ".entities");
        if (!u.ok()) return u.status();
        a.entities.push_back(*u);
      }
    } else {
      return Bad(path, "unsupported action scope op " + op);
    }
    return Status::OK();
  }
  ScopeConstraint& s = *scope;
  auto target = [&](const json& holder, const std::string& where) -> Status {
    if (holder.contains("slot")) {
      std::string slot = holder["slot"].is_string() ? holder["slot"].get<std::string>() : "";
      if (slot == "?principal") s.slot = SlotId::kPrincipal;
      else if (slot == "?resource") s.slot = SlotId::kResource;
      else return Bad(where, "unknown slot");
      return Status::OK();
    }
    if (!holder.contains("entity")) return Bad(where, "missing \"entity\" or \"slot\"");
    auto u = entity(holder["entity"], where + ".entity");
    if (!u.ok()) return u.status();
    s.entity = *u;
    return Status::OK();
  };
  if (op == "All") {
    s.op = ScopeConstraint::Op::kAny;
  } else if (op == "==" || op == "in") {
    s.op = op == "==" ? ScopeConstraint::Op::kEq : ScopeConstraint::Op::kIn;
    TG_RETURN_IF_ERROR(target(j, path));
  } else if (op == "is") {
    if (!j.contains("entity_type") || !j["entity_type"].is_string()) return Bad(path, "missing \"entity_type\"");
    s.entity_type = j["entity_type"].get<std::string>();
    s.op = ScopeConstraint::Op::kIs;
    if (j.contains("in")) {
      s.op = ScopeConstraint::Op::kIsIn;
      TG_RETURN_IF_ERROR(target(j["in"], path + ".in"));
    }
  } else {
    return Bad(path, "unsupported scope op " + op);
  }
  return Status::OK();
}

}  // namespace

Result<ExprPtr> ParseExprJson(const json& expr) { return EstReader().Expr(expr, ""); }

Result<Policy> ParsePolicyJson(const json& est, std::string id, std::string_view filename) {
  if (!est.is_object()) return Bad("", "a policy must be an object");
  Policy p;
  p.id = std::move(id);
  p.filename = std::string(filename);
  std::string effect = est.value("effect", std::string());
  if (effect == "permit") p.effect = Effect::kPermit;
  else if (effect == "forbid") p.effect = Effect::kForbid;
  else return Bad("effect", "must be \"permit\" or \"forbid\"");
  for (const char* k : {"principal", "action", "resource"}) {
    if (!est.contains(k)) return Bad(k, "missing");
  }
  TG_RETURN_IF_ERROR(ReadScope(est["principal"], "principal", false, p, &p.principal));
  TG_RETURN_IF_ERROR(ReadScope(est["action"], "action", true, p, nullptr));
  TG_RETURN_IF_ERROR(ReadScope(est["resource"], "resource", false, p, &p.resource));
  if (p.principal.slot && *p.principal.slot != SlotId::kPrincipal) return Bad("principal", "only ?principal may appear here");
  if (p.resource.slot && *p.resource.slot != SlotId::kResource) return Bad("resource", "only ?resource may appear here");
  if (est.contains("conditions")) {
    const json& cs = est["conditions"];
    if (!cs.is_array()) return Bad("conditions", "must be an array");
    EstReader reader;
    for (size_t i = 0; i < cs.size(); ++i) {
      std::string path = "conditions[" + std::to_string(i) + "]";
      const json& c = cs[i];
      if (!c.is_object()) return Bad(path, "a condition must be an object");
      std::string kind = c.value("kind", std::string());
      if (kind != "when" && kind != "unless") return Bad(path + ".kind", "must be \"when\" or \"unless\"");
      if (!c.contains("body")) return Bad(path, "missing \"body\"");
      auto body = reader.Expr(c["body"], path + ".body");
      if (!body.ok()) return body.status();
      p.conditions.push_back(Condition{kind == "when", *body, SourceLoc{}});
    }
  }
  if (est.contains("annotations")) {
    const json& an = est["annotations"];
    if (!an.is_object()) return Bad("annotations", "must be an object");
    for (const auto& [k, v] : an.items()) {
      Annotation a;
      a.key = k;
      if (v.is_string()) a.value = v.get<std::string>();
      else if (!v.is_null()) return Bad("annotations." + k, "must be a string or null");
      p.annotations.push_back(std::move(a));
    }
  }
  return p;
}

Result<PolicySet> ParsePolicySetJson(const json& doc, std::string_view filename) {
  PolicySet set;
  auto add_map = [&](const json& m, const char* what) -> Status {
    if (!m.is_object()) return Bad(what, "must be an object of id -> policy");
    for (const auto& [id, est] : m.items()) {
      auto p = ParsePolicyJson(est, id, filename);
      if (!p.ok()) return Status::InvalidArgument(std::string(what) + "." + id + ": " + p.status().message());
      TG_RETURN_IF_ERROR(set.Add(std::move(*p)));
    }
    return Status::OK();
  };
  if (doc.is_object() && doc.contains("effect")) {
    auto p = ParsePolicyJson(doc, "policy0", filename);
    if (!p.ok()) return p.status();
    TG_RETURN_IF_ERROR(set.Add(std::move(*p)));
    return set;
  }
  if (doc.is_array()) {
    for (size_t i = 0; i < doc.size(); ++i) {
      auto p = ParsePolicyJson(doc[i], "policy" + std::to_string(i), filename);
      if (!p.ok()) return Status::InvalidArgument("[" + std::to_string(i) + "]: " + p.status().message());
      TG_RETURN_IF_ERROR(set.Add(std::move(*p)));
    }
    return set;
  }
  if (!doc.is_object()) return Bad("", "expected a policy, an array of policies or a policy set object");
  if (doc.contains("templates")) TG_RETURN_IF_ERROR(add_map(doc["templates"], "templates"));
  if (doc.contains("staticPolicies")) TG_RETURN_IF_ERROR(add_map(doc["staticPolicies"], "staticPolicies"));
  if (doc.contains("templateLinks")) {
    const json& links = doc["templateLinks"];
    if (!links.is_array()) return Bad("templateLinks", "must be an array");
    for (const auto& l : links) {
      if (!l.is_object() || !l.contains("templateId") || !l.contains("newId") || !l["templateId"].is_string() ||
          !l["newId"].is_string()) {
        return Bad("templateLinks", "each link needs string \"templateId\" and \"newId\"");
      }
      std::map<SlotId, EntityUid> values;
      if (l.contains("values")) {
        if (!l["values"].is_object()) return Bad("templateLinks", "\"values\" must be an object");
        for (const auto& [slot, v] : l["values"].items()) {
          auto u = ParseEntityUidJson(v);
          if (!u.ok()) return Bad("templateLinks", u.status().message());
          if (slot == "?principal") values[SlotId::kPrincipal] = *u;
          else if (slot == "?resource") values[SlotId::kResource] = *u;
          else return Bad("templateLinks", "unknown slot " + slot);
        }
      }
      TG_RETURN_IF_ERROR(set.Link(l["templateId"].get<std::string>(), l["newId"].get<std::string>(), values));
    }
  }
  return set;
}

Result<PolicySet> ParsePolicySetJsonText(std::string_view text, std::string_view filename) {
  auto j = ParseJsonText(text);
  if (!j.ok()) return Status::InvalidArgument(std::string(filename) + ": " + j.status().message());
  return ParsePolicySetJson(*j, filename);
}

}  // namespace tg::cedar
