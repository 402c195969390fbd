#include "oracle_diff_gen.h"

#include <random>
#include <string>
#include <vector>

namespace tg::cedar::testing {
namespace {

using nlohmann::json;

class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}

  json Batch(int nreq) {
    json b;
    b["entities"] = Entities();
    std::string text;
    int npol = Int(2, 7);
    for (int i = 0; i < npol; ++i) text += Policy(false) + "\n";
    b["policies"] = text;
    json templates = json::object(), links = json::array();
    int ntpl = Int(0, 2);
    for (int t = 0; t < ntpl; ++t) {
      std::string id = "tpl" + std::to_string(t);
      templates[id] = Policy(true);
      int nlinks = Int(1, 2);
      for (int k = 0; k < nlinks; ++k) {
        json values;
        const std::string& tt = templates[id].get_ref<const std::string&>();
        if (tt.find("?principal") != std::string::npos) values["?principal"] = UidJson(Principal());
        if (tt.find("?resource") != std::string::npos) values["?resource"] = UidJson(Resource());
        links.push_back({{"templateId", id}, {"newId", id + "_link" + std::to_string(k)}, {"values", values}});
      }
    }
    if (ntpl) {
      b["templates"] = templates;
      b["templateLinks"] = links;
    }
    json reqs = json::array();
    for (int i = 0; i < nreq; ++i) {
      json r;
      r["principal"] = UidJson(Pick(0.9) ? Principal() : Uid("User", "ghost"));
      r["action"] = UidJson(Uid("Action", Choice(actions_)));
      r["resource"] = UidJson(Pick(0.9) ? Resource() : Uid("Doc", "missing"));
      r["context"] = Context();
      reqs.push_back(r);
    }
    b["requests"] = reqs;
    return b;
  }

 private:
  struct UidT { std::string type, id; };

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Pick(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  template <typename T> const T& Choice(const std::vector<T>& v) { return v[Int(0, static_cast<int>(v.size()) - 1)]; }
  static UidT Uid(std::string t, std::string id) { return {std::move(t), std::move(id)}; }
  static json UidJson(const UidT& u) { return {{"type", u.type}, {"id", u.id}}; }
  static std::string UidText(const UidT& u) { return u.type + "::\"" + u.id + "\""; }
  UidT Principal() { return Pick(0.8) ? Uid("User", Choice(users_)) : Uid("Group", Choice(groups_)); }
  UidT Resource() { return Pick(0.8) ? Uid("Doc", Choice(docs_)) : Uid("Folder", Choice(folders_)); }
  UidT AnyEntity() {
    switch (Int(0, 3)) {
      case 0: return Uid("User", Choice(users_));
      case 1: return Uid("Group", Choice(groups_));
      case 2: return Uid("Doc", Choice(docs_));
      default: return Uid("Folder", Choice(folders_));
    }
  }
  static json Escaped(const UidT& u) { return {{"__entity", UidJson(u)}}; }
  static json Extn(const char* fn, std::string arg) { return {{"__extn", {{"fn", fn}, {"arg", std::move(arg)}}}}; }

  std::string IpText() {
    static const std::vector<std::string> ips = {"10.0.0.1", "10.0.0.0/8", "192.168.1.7", "127.0.0.1",
                                                 "224.0.0.9", "::1", "fe80::1", "ff02::1", "2001:db8::/32", "10.1.2.3/16"};
    return Choice(ips);
  }
  std::string DecimalText() {
    static const std::vector<std::string> ds = {"0.0", "1.5", "-2.25", "10.0001", "3.1415", "-0.5", "100.0"};
    return Choice(ds);
  }
  std::string DatetimeText() {
    static const std::vector<std::string> ds = {"2024-01-01", "2024-06-30T12:00:00Z", "2023-12-31T23:59:59.999Z",
                                                "2024-02-29T08:30:00+0130", "1969-07-20T20:17:40-0500", "2030-01-01"};
    return Choice(ds);
  }
  std::string DurationText() {
    static const std::vector<std::string> ds = {"1h", "-30m", "1d2h3m4s5ms", "0ms", "90s", "-2d", "36h"};
    return Choice(ds);
  }

  json Entities() {
    json out = json::array();
    auto parents = [&](const std::vector<UidT>& pool, int max) {
      json ps = json::array();
      int n = Int(0, max);
      for (int i = 0; i < n; ++i) ps.push_back(UidJson(Choice(pool)));
      return ps;
    };
    std::vector<UidT> groups, folders, actions;
    for (auto& g : groups_) groups.push_back(Uid("Group", g));
    for (auto& f : folders_) folders.push_back(Uid("Folder", f));
    for (size_t i = 0; i < groups_.size(); ++i) {
      json e{{"uid", UidJson(groups[i])}, {"attrs", {{"name", groups_[i]}}}};
      json ps = json::array();
      if (i + 1 < groups_.size() && Pick(0.6)) ps.push_back(UidJson(groups[i + 1 + Int(0, static_cast<int>(groups_.size() - i - 2))]));
      e["parents"] = ps;
      out.push_back(e);
    }
    for (const auto& u : users_) {
      json attrs;
      if (Pick(0.9)) attrs["age"] = Int(10, 80);
      attrs["name"] = u;
      if (Pick(0.8)) attrs["level"] = Int(0, 5);
      attrs["roles"] = json::array({Choice(roles_), Choice(roles_)});
      if (Pick(0.7)) attrs["dept"] = Escaped(Uid("Group", Choice(groups_)));
      if (Pick(0.7)) attrs["ip"] = Extn("ip", IpText());
      if (Pick(0.7)) attrs["score"] = Extn("decimal", DecimalText());
      if (Pick(0.7)) attrs["joined"] = Extn("datetime", DatetimeText());
      if (Pick(0.5)) attrs["profile"] = {{"email", u + "@x.org"}, {"verified", Pick(0.5)}};
      json e{{"uid", UidJson(Uid("User", u))}, {"attrs", attrs}, {"parents", parents(groups, 2)}};
      if (Pick(0.5)) e["tags"] = {{"clearance", Choice(roles_)}, {"region", Pick(0.5) ? "east" : "west"}};
      out.push_back(e);
    }
    for (size_t i = 0; i < folders_.size(); ++i) {
      json ps = json::array();
      if (i > 0 && Pick(0.5)) ps.push_back(UidJson(folders[Int(0, static_cast<int>(i) - 1)]));
      out.push_back({{"uid", UidJson(folders[i])}, {"attrs", {{"public", Pick(0.5)}}}, {"parents", ps}});
    }
    for (const auto& d : docs_) {
      json attrs;
      attrs["owner"] = Escaped(Uid("User", Choice(users_)));
      attrs["public"] = Pick(0.5);
      if (Pick(0.8)) attrs["size"] = Int(0, 100000);
      attrs["labels"] = json::array({Choice(labels_)});
      if (Pick(0.6)) attrs["ttl"] = Extn("duration", DurationText());
      if (Pick(0.6)) attrs["title"] = Choice(titles_);
      json e{{"uid", UidJson(Uid("Doc", d))}, {"attrs", attrs}, {"parents", parents(folders, 2)}};
      if (Pick(0.5)) e["tags"] = {{"label", Choice(labels_)}};
      out.push_back(e);
    }
    out.push_back({{"uid", UidJson(Uid("Action", "read"))}, {"attrs", json::object()}, {"parents", json::array()}});
    for (const char* a : {"view", "download"})
      out.push_back({{"uid", UidJson(Uid("Action", a))}, {"attrs", json::object()},
                     {"parents", json::array({UidJson(Uid("Action", "read"))})}});
    return out;
  }

  json Context() {
    json c = json::object();
    if (Pick(0.9)) c["n"] = Int(-50, 50);
    if (Pick(0.8)) c["s"] = Choice(titles_);
    if (Pick(0.8)) c["flag"] = Pick(0.5);
    if (Pick(0.7)) c["src"] = Extn("ip", IpText());
    if (Pick(0.7)) c["now"] = Extn("datetime", DatetimeText());
    if (Pick(0.5)) c["who"] = Escaped(AnyEntity());
    if (Pick(0.5)) c["nums"] = json::array({Int(0, 5), Int(0, 5)});
    return c;
  }

  std::string Scope(const char* var, bool tmpl, bool& used_slot, const char* slot) {
    bool principal = std::string(var) == "principal";
    auto uid = [&] { return UidText(principal ? Principal() : Resource()); };
    std::string type = principal ? (Pick(0.8) ? "User" : "Group") : (Pick(0.8) ? "Doc" : "Folder");
    if (tmpl && Pick(0.7)) {
      used_slot = true;
      return std::string(var) + (Pick(0.5) ? " == " : " in ") + slot;
    }
    switch (Int(0, 5)) {
      case 0: return std::string(var) + " == " + uid();
      case 1: return std::string(var) + " in " + UidText(principal ? Uid("Group", Choice(groups_)) : Uid("Folder", Choice(folders_)));
      case 2: return std::string(var) + " is " + type;
      case 3: return std::string(var) + " is " + type + " in " + UidText(principal ? Uid("Group", Choice(groups_)) : Uid("Folder", Choice(folders_)));
      default: return var;
    }
  }

  std::string ActionScope() {
    switch (Int(0, 3)) {
      case 0: return "action == Action::\"" + Choice(actions_) + "\"";
      case 1: return "action in Action::\"read\"";
      case 2: return "action in [Action::\"" + Choice(actions_) + "\", Action::\"" + Choice(actions_) + "\"]";
      default: return "action";
    }
  }

  std::string Policy(bool tmpl) {
    std::string s;
    if (Pick(0.3)) s += "@id(\"p" + std::to_string(Int(0, 99)) + "\")\n";
    s += Pick(0.65) ? "permit" : "forbid";
    bool slot = false;
    std::string p = Scope("principal", tmpl, slot, "?principal");
    std::string a = ActionScope();
    std::string r = Scope("resource", tmpl, slot, "?resource");
    if (tmpl && !slot) r = "resource in ?resource";
    s += " (" + p + ", " + a + ", " + r + ")";
    int nconds = Int(0, 2);
    for (int i = 0; i < nconds; ++i) s += std::string(Pick(0.7) ? " when { " : " unless { ") + Bool(3) + " }";
    return s + ";";
  }

  std::string EntityExpr() {
    switch (Int(0, 6)) {
      case 0: return "principal";
      case 1: return "resource";
      case 2: return "resource.owner";
      case 3: return "principal.dept";
      case 4: return "context.who";
      case 5: return "action";
      default: return UidText(AnyEntity());
    }
  }

  std::string Long(int d) {
    if (d <= 0) {
      switch (Int(0, 5)) {
        case 0: return "principal.age";
        case 1: return "context.n";
        case 2: return "resource.size";
        case 3: return "principal.level";
        case 4: return Pick(0.1) ? "9223372036854775807" : std::to_string(Int(-100, 100));
        default: return std::to_string(Int(0, 10));
      }
    }
    switch (Int(0, 7)) {
      case 0: return "(" + Long(d - 1) + " + " + Long(d - 1) + ")";
      case 1: return "(" + Long(d - 1) + " - " + Long(d - 1) + ")";
      case 2: return "(" + Long(d - 1) + " * " + Long(d - 1) + ")";
      case 3: return "-" + Long(0);
      case 4: return "duration(\"" + DurationText() + "\")." + Choice(std::vector<std::string>{"toMilliseconds", "toSeconds", "toMinutes", "toHours", "toDays"}) + "()";
      case 5: return "(if " + Bool(d - 1) + " then " + Long(d - 1) + " else " + Long(d - 1) + ")";
      case 6: return "resource.ttl.toSeconds()";
      default: return Long(0);
    }
  }

  std::string Str() {
    switch (Int(0, 4)) {
      case 0: return "principal.name";
      case 1: return "context.s";
      case 2: return "resource.title";
      case 3: return "principal.getTag(\"region\")";
      default: return "\"" + Choice(titles_) + "\"";
    }
  }

  std::string SetExpr() {
    switch (Int(0, 4)) {
      case 0: return "principal.roles";
      case 1: return "resource.labels";
      case 2: return "context.nums";
      case 3: return "[\"" + Choice(roles_) + "\", \"" + Choice(labels_) + "\"]";
      default: return "[" + std::to_string(Int(0, 5)) + ", " + Long(0) + "]";
    }
  }

  std::string Bool(int d) {
    if (d <= 0 || Pick(0.15)) {
      switch (Int(0, 4)) {
        case 0: return Pick(0.5) ? "true" : "false";
        case 1: return "context.flag";
        case 2: return "resource.public";
        case 3: return "principal.profile.verified";
        default: return "principal has age";
      }
    }
    switch (Int(0, 29)) {
      case 0: return "(" + Bool(d - 1) + " && " + Bool(d - 1) + ")";
      case 1: return "(" + Bool(d - 1) + " || " + Bool(d - 1) + ")";
      case 2: return "!" + Bool(0);
      case 3: return "(if " + Bool(d - 1) + " then " + Bool(d - 1) + " else " + Bool(d - 1) + ")";
      case 4: return Long(d - 1) + " " + Choice(std::vector<std::string>{"<", "<=", ">", ">=", "==", "!="}) + " " + Long(d - 1);
      case 5: return EntityExpr() + (Pick(0.5) ? " == " : " != ") + EntityExpr();
      case 6: return EntityExpr() + " in " + EntityExpr();
      case 7: return EntityExpr() + " in [" + EntityExpr() + ", " + UidText(AnyEntity()) + "]";
      case 8: return EntityExpr() + " has " + Choice(std::vector<std::string>{"age", "owner", "dept", "\"name\"", "profile.email", "size"});
      case 9: return "context has " + Choice(std::vector<std::string>{"n", "src", "who", "flag"});
      case 10: return Str() + " like \"" + Choice(std::vector<std::string>{"*", "a*", "*e*", "re\\*port", "*.txt", "bob"}) + "\"";
      case 11: return EntityExpr() + " is " + Choice(std::vector<std::string>{"User", "Doc", "Group", "Folder"});
      case 12: return EntityExpr() + " is User in " + UidText(Uid("Group", Choice(groups_)));
      case 13: return SetExpr() + ".contains(" + (Pick(0.5) ? "\"" + Choice(roles_) + "\"" : Long(0)) + ")";
      case 14: return SetExpr() + (Pick(0.5) ? ".containsAll(" : ".containsAny(") + SetExpr() + ")";
      case 15: return SetExpr() + ".isEmpty()";
      case 16: return EntityExpr() + ".hasTag(\"" + Choice(std::vector<std::string>{"clearance", "region", "label"}) + "\")";
      case 17: return EntityExpr() + ".getTag(\"" + Choice(std::vector<std::string>{"clearance", "label"}) + "\") == \"" + Choice(roles_) + "\"";
      case 18: return "principal.score." + Choice(std::vector<std::string>{"lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual"}) + "(decimal(\"" + DecimalText() + "\"))";
      case 19: return (Pick(0.5) ? "context.src" : "principal.ip") + std::string(".") + Choice(std::vector<std::string>{"isIpv4", "isIpv6", "isLoopback", "isMulticast"}) + "()";
      case 20: return "context.src.isInRange(ip(\"" + IpText() + "\"))";
      case 21: return "context.now " + Choice(std::vector<std::string>{"<", ">=", "=="}) + " datetime(\"" + DatetimeText() + "\")";
      case 22: return "context.now.offset(duration(\"" + DurationText() + "\")) > principal.joined";
      case 23: return "context.now.durationSince(principal.joined) " + Choice(std::vector<std::string>{"<", ">"}) + " duration(\"" + DurationText() + "\")";
      case 24: return "context.now.toDate() == datetime(\"" + DatetimeText() + "\").toDate() || context.now.toTime() < duration(\"12h\")";
      case 25: return "{a: " + Long(0) + ", b: [" + Str() + "]} == {a: " + Long(0) + ", b: [" + Str() + "]}";
      case 26: return "principal.profile.email like \"*@x.org\"";
      case 27: return Long(0) + " && " + Bool(0);  // ill-typed on purpose
      case 28: return "ip(\"" + IpText() + "\") == principal.ip && decimal(\"" + DecimalText() + "\") == principal.score";
      default: return "resource[\"public\"] == context.flag";
    }
  }

  std::mt19937_64 rng_;
  std::vector<std::string> users_{"alice", "bob", "carol", "dave", "erin", "frank"};
  std::vector<std::string> groups_{"staff", "admins", "auditors", "everyone"};
  std::vector<std::string> docs_{"d1", "d2", "d3", "d4", "d5"};
  std::vector<std::string> folders_{"root", "hr", "public"};
  std::vector<std::string> actions_{"view", "download", "read", "edit"};
  std::vector<std::string> roles_{"admin", "viewer", "editor"};
  std::vector<std::string> labels_{"secret", "open", "pii"};
  std::vector<std::string> titles_{"report.txt", "bob", "a*b", "re*port", "notes", ""};
};

}  // namespace

nlohmann::json GenerateBatch(uint64_t seed, int requests) { return Gen(seed).Batch(requests); }

}  // namespace tg::cedar::testing
