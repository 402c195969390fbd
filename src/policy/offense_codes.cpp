#include "policy/offense_codes.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace tg::policy {
namespace {

std::string Upper(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string BaseOf(const std::string& section) {
  size_t p = section.find('(');
  return p == std::string::npos ? section : section.substr(0, p);
}

// Splits one CSV line; the DOJ table quotes only a few literals and never spans lines.
std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace

std::string Statute::ToString() const { return type + " " + section; }

Result<Statute> ParseStatute(std::string_view text) {
  std::string t = Upper(Trim(text));
  if (t.empty()) return Status::InvalidArgument("empty statute");
  Statute s;
  // Long forms of the out-of-state codes the packs need.
  static const std::pair<const char*, const char*> kPrefixes[] = {
      {"18 PA.C.S.A.", "PA"}, {"18 PA.C.S.", "PA"}, {"18 PA. C.S.", "PA"}, {"18 PACS", "PA"},
      {"N.J.S.A.", "NJ"},     {"NJSA", "NJ"},       {"8 U.S.C.", "USC"},  {"8 USC", "USC"}};
  for (const auto& [prefix, type] : kPrefixes) {
    std::string p = prefix;
    if (t.rfind(p, 0) == 0) {
      s.type = type;
      t = Trim(t.substr(p.size()));
      break;
    }
  }
  if (s.type.empty()) {
    size_t i = 0;
    while (i < t.size() && std::isalpha(static_cast<unsigned char>(t[i]))) ++i;
    if (i == 0) return Status::InvalidArgument("statute '" + std::string(text) +
                                               "' does not start with a code type (PC, VC, ...)");
    s.type = t.substr(0, i);
    t = Trim(t.substr(i));
  }
  std::string section;
  for (char c : t) {
    if (!std::isspace(static_cast<unsigned char>(c))) section += c;
  }
  if (section.empty() || section.find_first_of("0123456789") == std::string::npos) {
    return Status::InvalidArgument("statute '" + std::string(text) + "' has no section number");
  }
  s.section = section;
  s.base = BaseOf(section);
  for (const char* wrapper : {"664/", "182/", "182(A)(1)/"}) {
    std::string w = wrapper;
    if (section.rfind(w, 0) == 0 && section.size() > w.size()) {
      s.base = w.substr(0, w.find_first_of("(/"));
      s.underlying = BaseOf(section.substr(w.size()));
    }
  }
  return s;
}

Result<OffenseCodeTable> OffenseCodeTable::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open offense code table " + path);
  std::string line;
  if (!std::getline(in, line)) return Status::InvalidArgument(path + ": empty file");
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  std::vector<std::string> header = SplitCsvLine(line);
  auto col = [&](const char* name) -> int {
    for (size_t i = 0; i < header.size(); ++i) {
      if (Trim(header[i]) == name) return static_cast<int>(i);
    }
    return -1;
  };
  const int c_code = col("Offense Code"), c_statute = col("Offense Statute"),
            c_type = col("Offense Type of Statute CD"), c_lit = col("Statute Literal 25"),
            c_level = col("Offense Type of Charge"), c_degree = col("Offense Degree"),
            c_repealed = col("Offense Repealed");
  if (c_code < 0 || c_statute < 0 || c_type < 0 || c_level < 0) {
    return Status::InvalidArgument(path + ": header lacks Offense Code, Offense Statute, "
                                          "Offense Type of Statute CD or Offense Type of Charge");
  }
  std::vector<OffenseCode> rows;
  int lineno = 1;
  while (std::getline(in, line)) {
    ++lineno;
    if (Trim(line).empty()) continue;
    std::vector<std::string> f = SplitCsvLine(line);
    auto get = [&](int c) { return c >= 0 && c < static_cast<int>(f.size()) ? Trim(f[c]) : ""; };
    auto statute = ParseStatute(get(c_type) + " " + get(c_statute));
    if (!statute.ok()) continue;  // placeholder rows ("NA - XX") name no statute
    OffenseCode row;
    row.code = get(c_code);
    row.statute = *statute;
    row.literal = get(c_lit);
    std::string level = get(c_level);
    row.level = level.empty() ? 'X' : level[0];
    std::string degree = get(c_degree);
    row.degree = (degree == "1" || degree == "2") ? degree[0] - '0' : 0;
    row.repealed = !get(c_repealed).empty();
    if (row.code.empty()) {
      return Status::InvalidArgument(path + ":" + std::to_string(lineno) + ": empty offense code");
    }
    rows.push_back(std::move(row));
  }
  return FromRows(std::move(rows));
}

OffenseCodeTable OffenseCodeTable::FromRows(std::vector<OffenseCode> rows) {
  OffenseCodeTable t;
  for (auto& r : rows) {
    if (!r.repealed) {
      std::string full = r.statute.ToString(), base = r.statute.type + " " + r.statute.base;
      if (r.level == 'F') t.felony_sections_.insert(full), t.felony_bases_.insert(base);
      if (r.level == 'M') t.misdemeanor_sections_.insert(full), t.misdemeanor_bases_.insert(base);
    }
    std::string code = r.code;
    t.by_code_.emplace(std::move(code), std::move(r));
  }
  return t;
}

const OffenseCode* OffenseCodeTable::Find(std::string_view code) const {
  auto it = by_code_.find(std::string(code));
  return it == by_code_.end() ? nullptr : &it->second;
}

bool OffenseCodeTable::IsWobbler(const Statute& statute) const {
  std::string full = statute.ToString();
  if (felony_sections_.count(full) || misdemeanor_sections_.count(full)) {
    return felony_sections_.count(full) > 0 && misdemeanor_sections_.count(full) > 0;
  }
  // A section the table does not list as written ("PC 496" for "PC 496(A)"): its base.
  std::string base = statute.type + " " + statute.base;
  return felony_bases_.count(base) > 0 && misdemeanor_bases_.count(base) > 0;
}

}  // namespace tg::policy
