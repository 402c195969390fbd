// The California DOJ offense code table (../shared/data/ca-offense-codes.csv), read at run
// time from its path: what each offense code's statute and level are, and which statutes are
// wobblers (chargeable as felony or misdemeanor), which Gov. Code 7282.5's five-year window
// for misdemeanors depends on. The table itself is never copied into the repository.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/status.h"

namespace tg::policy {

// A statute split into its code type and section, normalized to upper case without spaces
// inside the section: "PC 245(a)(1)" -> {"PC", "245(A)(1)"}. `base` is the section before
// any subdivision ("245"). Attempts and conspiracies written "PC 664/187" keep the whole
// section; Statute::underlying is then "187".
struct Statute {
  std::string type;     // "PC", "VC", "HS", "US", "PA" (18 Pa.C.S.), "NJ" (N.J.S.A.)
  std::string section;  // "245(A)(1)", "664/187", "2C:15-1"
  std::string base;     // "245", "664", "2C:15-1"
  // For "664/X" (attempt) and "182/X" (conspiracy): X's base section, else empty.
  std::string underlying;
  bool attempt_or_conspiracy() const { return !underlying.empty(); }
  // "PC 245(A)(1)".
  std::string ToString() const;
};

// Parses "PC 211", "pc211", "VC 20001(c)", "18 Pa.C.S. 3701", "N.J.S.A. 2C:15-1".
// An empty or unrecognizable text is an InvalidArgument error naming it.
Result<Statute> ParseStatute(std::string_view text);

// One row of the table, reduced to what qualification needs.
struct OffenseCode {
  std::string code;     // "12004"
  Statute statute;      // PC 211
  std::string literal;  // "ROBBERY"
  char level = 'X';     // 'F', 'M', 'I', 'X'
  int degree = 0;       // 1, 2 or 0
  bool repealed = false;
};

class OffenseCodeTable {
 public:
  // Reads the DOJ CSV (BOM tolerated). A missing file or a header without the expected
  // columns is an error naming the path.
  static Result<OffenseCodeTable> Load(const std::string& path);
  // Builds a table from rows (tests and callers that have their own source).
  static OffenseCodeTable FromRows(std::vector<OffenseCode> rows);

  // The row for an offense code, or nullptr.
  const OffenseCode* Find(std::string_view code) const;
  // True when the statute's section is chargeable both as a felony and as a misdemeanor
  // (the table has current F and M codes for the same type and section; a section the table
  // does not list as written is judged by its base section).
  bool IsWobbler(const Statute& statute) const;
  size_t size() const { return by_code_.size(); }

 private:
  std::unordered_map<std::string, OffenseCode> by_code_;
  std::unordered_set<std::string> felony_sections_;       // "PC 245(A)(1)"
  std::unordered_set<std::string> misdemeanor_sections_;
  std::unordered_set<std::string> felony_bases_;       // "PC 245"
  std::unordered_set<std::string> misdemeanor_bases_;
};

}  // namespace tg::policy
