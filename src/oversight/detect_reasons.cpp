// Reasons: free-text reasons naming immigration enforcement (English and Spanish) whatever
// purpose code was declared — the "ICE WARRANT" reasons found in ALPR audit logs — and vague
// reasons ("inv", "investigation") used at volume, which hide the real purpose.
#include <fmt/format.h>

#include <cctype>
#include <map>
#include <set>

#include "oversight/detect_internal.h"

namespace tg::oversight::detail {
namespace {

// Lowercase ASCII; the accented letters Spanish uses folded to their base letter, so
// "Inmigración" and "inmigracion" read the same.
std::string Fold(const std::string& s) {
  static const std::map<std::string, char> kAccents = {
      {"\xC3\xA1", 'a'}, {"\xC3\xA9", 'e'}, {"\xC3\xAD", 'i'}, {"\xC3\xB3", 'o'},
      {"\xC3\xBA", 'u'}, {"\xC3\xB1", 'n'}, {"\xC3\xBC", 'u'}, {"\xC3\x81", 'a'},
      {"\xC3\x89", 'e'}, {"\xC3\x8D", 'i'}, {"\xC3\x93", 'o'}, {"\xC3\x9A", 'u'},
      {"\xC3\x91", 'n'}};
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) == 0xC3 && i + 1 < s.size()) {
      auto it = kAccents.find(s.substr(i, 2));
      if (it != kAccents.end()) {
        out += it->second;
        ++i;
        continue;
      }
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  }
  return out;
}

std::vector<std::string> Words(const std::string& folded) {
  std::vector<std::string> words;
  std::string w;
  for (char c : folded) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      w += c;
    } else if (!w.empty()) {
      words.push_back(w);
      w.clear();
    }
  }
  if (!w.empty()) words.push_back(w);
  return words;
}

bool StartsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

}  // namespace

std::string ImmigrationWord(const std::string& reason) {
  std::string folded = Fold(reason);
  // Immigration forms: I-247 (detainers), I-200/I-203/I-205 (administrative warrants).
  for (const char* form : {"i-247", "i247", "i-200", "i-203", "i-205"}) {
    if (folded.find(form) != std::string::npos) return form;
  }
  static const std::set<std::string> kExact = {"ice", "ero", "hsi", "cbp", "alien", "aliens",
                                               "migra", "ins", "287g"};
  static const char* kPrefixes[] = {"detainer", "deport", "removal", "immigra", "inmigra",
                                    "migracion", "migratori", "expulsion", "indocumentad",
                                    "undocumented", "remocion"};
  for (const auto& w : Words(folded)) {
    if (kExact.count(w)) return w;
    for (const char* p : kPrefixes) {
      if (StartsWith(w, p)) return w;
    }
  }
  return "";
}

bool VagueReason(const std::string& reason) {
  static const std::set<std::string> kVague = {
      "", "inv", "invest", "invst", "investigation", "investigations", "investigative",
      "crim inv", "criminal investigation", "ongoing investigation", "official business",
      "official use", "law enforcement", "law enforcement purposes", "le", "le purposes",
      "n a", "na", "none", "info", "information", "check", "records check", "record check",
      "case", "work", "misc", "other", "test", "per supervisor", "investigacion"};
  std::string norm;
  for (const auto& w : Words(Fold(reason))) norm += (norm.empty() ? "" : " ") + w;
  return kVague.count(norm) > 0;
}

void DetectReasons(const Context& ctx, std::vector<Finding>& out) {
  struct Acc {
    std::vector<size_t> imm, vague;
    std::set<std::string> words, purposes;
    int total = 0;
  };
  std::map<std::string, Acc> by;
  for (size_t i = 0; i < ctx.events.size(); ++i) {
    const AuditEvent& e = ctx.events[i];
    if (ctx.Oversight(e) || ctx.Public(e)) continue;
    Acc& a = by[e.principal];
    ++a.total;
    // Immigration officers naming their own work is expected; their access is judged by
    // the barred-recipient detector.
    std::string w = ctx.Barred(e) ? "" : ImmigrationWord(e.reason);
    if (!w.empty()) {
      a.imm.push_back(i);
      a.words.insert(w);
      a.purposes.insert(e.purpose);
    } else if (VagueReason(e.reason)) {
      a.vague.push_back(i);
    }
  }
  std::map<std::string, double> vague_counts;
  for (auto& [p, a] : by) vague_counts[p] = static_cast<double>(a.vague.size());
  auto verdicts = ComparePeers(vague_counts, ctx, ctx.options.vague_min);
  auto join = [](const std::set<std::string>& s) {
    std::string o;
    for (const auto& x : s) o += (o.empty() ? "" : ", ") + x;
    return o;
  };
  for (auto& [principal, a] : by) {
    if (!a.imm.empty()) {
      const AuditEvent& first = ctx.events[a.imm.front()];
      bool declared = true;
      for (const auto& p : a.purposes) {
        if (p != "civil_immigration" && p != "criminal_immigration") declared = false;
      }
      Finding f;
      f.detector = kImmigrationReason;
      f.severity = declared ? "medium" : "high";
      f.principal = principal;
      f.agency = ctx.dir.AgencyOf(first);
      f.workstation = first.workstation;
      f.summary = fmt::format(
          "{} gave reasons naming immigration enforcement ({}) on {} requests, declared as {}.",
          principal, join(a.words), a.imm.size(), join(a.purposes));
      f.rule = "Gov. Code 7284.6(a)(1)(A),(C),(D): no use of agency resources or data for "
               "immigration enforcement; 7283.1(c): such access is a public record";
      SetEvidence(ctx, a.imm, f);
      out.push_back(std::move(f));
    }
    const PeerVerdict& v = verdicts.at(principal);
    double share = a.total ? static_cast<double>(a.vague.size()) / a.total : 0;
    bool volume = static_cast<int>(a.vague.size()) >= ctx.options.vague_min &&
                  share >= ctx.options.vague_share;
    if (volume && (v.outlier || share >= 0.9)) {
      const AuditEvent& first = ctx.events[a.vague.front()];
      Finding f;
      f.detector = kVagueReason;
      f.severity = "low";
      f.principal = principal;
      f.agency = ctx.dir.AgencyOf(first);
      f.workstation = first.workstation;
      f.summary = fmt::format(
          "{} gave a reason that says nothing (\"{}\") on {} of {} requests ({:.0f}%); peers "
          "({}) have a median of {}.",
          principal, first.reason, a.vague.size(), a.total, 100 * share, v.group, v.peer_median);
      f.rule = "CJIS Security Policy 5.4.1 and Civ. Code 1798.90.52(b): the audit trail must "
               "show the purpose of each access";
      SetEvidence(ctx, a.vague, f);
      out.push_back(std::move(f));
    }
  }
}

}  // namespace tg::oversight::detail
