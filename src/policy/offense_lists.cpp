// Statute lists, keyed by "TYPE BASE-SECTION". They follow the structure of PC 1192.7(c),
// PC 667.5(c), Gov. Code 7282.5(a)(3), Proposition 47, 42 Pa.C.S. 9714(g) and the New
// Jersey Directive's appendix as commonly cited, matched on the base section (subdivisions
// are not distinguished except where noted), which errs toward qualifying a statute whose
// other subdivisions would not. Not checked against the primary text: see offense.h.
#include "policy/offense_lists.h"

#include <map>
#include <set>

namespace tg::policy::lists {
namespace {

std::string Key(const Statute& s) { return s.type + " " + s.base; }

// PC 667.5(c): violent felonies.
const std::set<std::string>& Violent() {
  static const std::set<std::string> k = {
      "PC 187",   "PC 192",    "PC 203",    "PC 205",    "PC 206",    "PC 207",  "PC 209",
      "PC 209.5", "PC 211",    "PC 215",    "PC 220",    "PC 236.1",  "PC 261",  "PC 262",
      "PC 264.1", "PC 269",    "PC 286",    "PC 287",    "PC 288",    "PC 288A", "PC 288.5",
      "PC 288.7", "PC 289",    "PC 451",    "PC 518",    "PC 4500",   "PC 12022.53",
      "PC 11418", "PC 18745",  "PC 18750",  "PC 18755"};
  return k;
}

// PC 1192.7(c): serious felonies (beyond the violent ones, which are all serious).
const std::set<std::string>& Serious() {
  static const std::set<std::string> k = {
      "PC 136.1", "PC 186.22", "PC 244",   "PC 245",   "PC 246",   "PC 417.8",
      "PC 422",   "PC 4503",   "PC 12022.5", "PC 12022.7", "PC 18740", "PC 26100",
      "HS 11353", "HS 11354",  "HS 11361", "HS 11380"};
  return k;
}

const std::map<std::string, std::vector<std::string>>& Families() {
  static const std::map<std::string, std::vector<std::string>> k = {
      // (A) assault
      {"PC 220", {"A"}}, {"PC 240", {"A"}}, {"PC 241", {"A"}}, {"PC 244", {"A"}},
      {"PC 244.5", {"A"}}, {"PC 245", {"A"}}, {"PC 4500", {"A"}}, {"PC 4501", {"A"}},
      // (B) battery
      {"PC 242", {"B"}}, {"PC 243", {"B"}}, {"PC 243.1", {"B"}}, {"PC 243.3", {"B"}},
      {"PC 243.4", {"B"}}, {"PC 243.6", {"B"}}, {"PC 243.7", {"B"}}, {"PC 243.9", {"B"}},
      {"PC 273.5", {"B"}}, {"PC 347", {"B"}}, {"PC 4501.5", {"B"}},
      // (C) threats
      {"PC 71", {"C"}}, {"PC 76", {"C"}}, {"PC 139", {"C"}}, {"PC 140", {"C"}},
      {"PC 422", {"C"}}, {"PC 601", {"C"}}, {"PC 11418.5", {"C"}},
      // (D) sexual abuse or exploitation, endangering children
      {"PC 266", {"D"}}, {"PC 266J", {"D"}}, {"PC 267", {"D"}}, {"PC 311.1", {"D"}},
      {"PC 311.4", {"D"}}, {"PC 311.11", {"D"}}, {"PC 288", {"D", "AC"}},
      {"PC 288.5", {"D"}}, {"PC 647.6", {"D"}},
      // (E) child abuse
      {"PC 273A", {"E"}}, {"PC 273AB", {"E"}}, {"PC 273D", {"E"}}, {"PC 273.4", {"E"}},
      {"PC 278", {"E"}}, {"PC 278.5", {"E"}},
      // (F) burglary, robbery, theft, fraud, forgery, embezzlement
      {"PC 211", {"F"}}, {"PC 215", {"F"}}, {"PC 459", {"F"}}, {"PC 460", {"F"}},
      {"PC 463", {"F"}}, {"PC 470", {"F"}}, {"PC 476", {"F"}}, {"PC 484", {"F"}},
      {"PC 487", {"F"}}, {"PC 496", {"F"}}, {"PC 503", {"F"}}, {"PC 518", {"F"}},
      {"PC 530.5", {"F"}}, {"PC 666", {"F"}}, {"VC 10851", {"F"}},
      // (G) DUI, felony only (checked by the qualifier)
      {"VC 23152", {"G"}}, {"VC 23153", {"G"}},
      // (H) obstruction of justice
      {"PC 69", {"H"}}, {"PC 95.1", {"H"}}, {"PC 136.1", {"H"}}, {"PC 148.10", {"H"}},
      // (I) bribery
      {"PC 67", {"I"}}, {"PC 67.5", {"I"}}, {"PC 85", {"I"}}, {"PC 92", {"I"}},
      {"PC 165", {"I"}},
      // (J) escape
      {"PC 107", {"J"}}, {"PC 109", {"J"}}, {"PC 110", {"J"}}, {"PC 4530", {"J"}},
      {"PC 4532", {"J"}},
      // (K) weapons, firearms, explosives, weapons of mass destruction
      {"PC 171B", {"K"}}, {"PC 171C", {"K"}}, {"PC 171D", {"K"}}, {"PC 246", {"K"}},
      {"PC 246.3", {"K"}}, {"PC 247", {"K"}}, {"PC 417", {"K"}}, {"PC 417.3", {"K"}},
      {"PC 417.6", {"K"}}, {"PC 417.8", {"K"}}, {"PC 4574", {"K"}}, {"PC 11418", {"K"}},
      {"PC 11418.1", {"K"}}, {"PC 18715", {"K"}}, {"PC 18725", {"K"}}, {"PC 18740", {"K"}},
      {"PC 25400", {"K"}}, {"PC 25850", {"K"}}, {"PC 26100", {"K"}}, {"PC 29800", {"K"}},
      {"PC 30305", {"K"}}, {"PC 30600", {"K"}},
      // (L) unlawful possession or use of deadly weapons
      {"PC 21310", {"L"}}, {"PC 21810", {"L"}}, {"PC 22210", {"L"}}, {"PC 22410", {"L"}},
      {"PC 33215", {"L"}},
      // (M) controlled substances, felony only (checked by the qualifier)
      {"HS 11350", {"M"}}, {"HS 11351", {"M"}}, {"HS 11351.5", {"M"}}, {"HS 11352", {"M"}},
      {"HS 11353", {"M"}}, {"HS 11359", {"M"}}, {"HS 11360", {"M"}}, {"HS 11366", {"M"}},
      {"HS 11377", {"M"}}, {"HS 11378", {"M"}}, {"HS 11379", {"M"}}, {"HS 11379.6", {"M"}},
      // (N) vandalism with priors (the prior is checked by the qualifier)
      {"PC 594", {"N"}},
      // (O) gang offenses
      {"PC 186.22", {"O"}}, {"PC 186.26", {"O"}}, {"PC 186.28", {"O"}},
      // (T) false imprisonment, slavery, human trafficking
      {"PC 181", {"T"}}, {"PC 210.5", {"T"}}, {"PC 236", {"T"}}, {"PC 236.1", {"T"}},
      {"PC 4503", {"T"}},
      // (U) criminal profiteering, money laundering
      {"PC 186.2", {"U"}}, {"PC 186.9", {"U"}}, {"PC 186.10", {"U"}},
      // (V) torture and mayhem
      {"PC 203", {"V"}}, {"PC 205", {"V"}}, {"PC 206", {"V"}},
      // (W) threats to public safety
      {"PC 219", {"W"}}, {"PC 451", {"W"}}, {"PC 452", {"W"}}, {"PC 453", {"W"}},
      {"PC 11413", {"W"}}, {"PC 11417", {"W"}},
      // (X) elder and dependent adult abuse
      {"PC 368", {"X"}},
      // (Y) hate crimes
      {"PC 422.55", {"Y"}}, {"PC 422.6", {"Y"}}, {"PC 422.7", {"Y"}}, {"PC 594.3", {"Y"}},
      // (Z) stalking
      {"PC 646.9", {"Z"}},
      // (AA) soliciting the commission of a crime
      {"PC 653F", {"AA"}},
      // (AB) committed while on bail or own recognizance (enhancement; also a flag)
      {"PC 12022.1", {"AB"}},
      // (AC) rape, sodomy, oral copulation, sexual penetration
      {"PC 261", {"AC"}}, {"PC 262", {"AC"}}, {"PC 264.1", {"AC"}}, {"PC 286", {"AC"}},
      {"PC 287", {"AC"}}, {"PC 288A", {"AC"}}, {"PC 289", {"AC"}},
      // (AD) kidnapping
      {"PC 207", {"AD"}}, {"PC 209", {"AD"}}, {"PC 209.5", {"AD"}},
      // (Q) death or great bodily injury (with the GBI enhancement; also a flag)
      {"PC 187", {"Q"}}, {"PC 192", {"Q"}}, {"PC 12022.7", {"Q"}},
      // (R) use of a firearm (enhancements; also a flag)
      {"PC 12022.5", {"R"}}, {"PC 12022.53", {"R"}},
      // (AE) hit and run causing death or serious injury
      {"VC 20001", {"AE"}},
  };
  return k;
}

}  // namespace

std::string CaSeriousOrViolent(const Statute& s, int degree) {
  std::string k = Key(s);
  if (k == "PC 459" || k == "PC 460") return degree == 1 ? "PC 1192.7(c)" : "";
  if (Violent().count(k)) return "PC 667.5(c)";
  if (Serious().count(k)) return "PC 1192.7(c)";
  return "";
}

std::vector<std::string> CaFamilies(const Statute& s) {
  auto it = Families().find(Key(s));
  if (it == Families().end()) return {};
  return it->second;
}

std::string CaFamilyName(const std::string& letter) {
  static const std::map<std::string, std::string> k = {
      {"A", "assault"},
      {"B", "battery"},
      {"C", "criminal threats"},
      {"D", "sexual abuse or exploitation, or endangering children"},
      {"E", "child abuse"},
      {"F", "burglary, robbery, theft, fraud, forgery or embezzlement"},
      {"G", "felony driving under the influence"},
      {"H", "obstruction of justice"},
      {"I", "bribery"},
      {"J", "escape"},
      {"K", "weapons, firearms or explosives"},
      {"L", "unlawful possession or use of a deadly weapon"},
      {"M", "felony controlled-substance possession, sale or trafficking"},
      {"N", "vandalism with prior convictions"},
      {"O", "gang offenses"},
      {"P", "attempt or conspiracy to commit a listed offense"},
      {"Q", "a crime resulting in death or great bodily injury"},
      {"R", "use of a firearm in an offense"},
      {"S", "an offense requiring sex-offender registration"},
      {"T", "false imprisonment, slavery or human trafficking"},
      {"U", "criminal profiteering or money laundering"},
      {"V", "torture or mayhem"},
      {"W", "a threat to public safety"},
      {"X", "elder or dependent adult abuse"},
      {"Y", "a hate crime"},
      {"Z", "stalking"},
      {"AA", "soliciting a crime"},
      {"AB", "an offense committed while on bail or own recognizance"},
      {"AC", "rape, sodomy, oral copulation or sexual penetration"},
      {"AD", "kidnapping"},
      {"AE", "hit and run causing death or injury (Veh. Code 20001(c))"}};
  auto it = k.find(letter);
  return it == k.end() ? "" : it->second;
}

bool Prop47Section(const Statute& s) {
  static const std::set<std::string> k = {"PC 459.5", "PC 473",   "PC 476A",  "PC 490.2",
                                          "PC 496",   "PC 666",   "PC 484",   "PC 488",
                                          "HS 11350", "HS 11357", "HS 11377"};
  return k.count(Key(s)) > 0;
}

bool PaViolentCrime(const Statute& s) {
  if (s.type != "PA") return false;
  // 42 Pa.C.S. 9714(g) "crimes of violence" and the homicide, sexual and robbery offenses.
  static const std::set<std::string> k = {
      "2502", "2503", "2507", "2702", "2702.1", "2716", "2718", "2901", "3011", "3121",
      "3123", "3124.1", "3125", "3301", "3502", "3701", "3702", "4302"};
  return k.count(s.base) > 0;
}

bool NjViolentOrSerious(const Statute& s) {
  if (s.type != "NJ") return false;
  static const std::set<std::string> k = {
      "2C:11-3",  "2C:11-4",  "2C:11-5",  "2C:12-1", "2C:12-11", "2C:13-1", "2C:13-6",
      "2C:13-8",  "2C:14-2",  "2C:14-3",  "2C:15-1", "2C:15-2",  "2C:17-1", "2C:18-2",
      "2C:20-5",  "2C:24-4",  "2C:38-2",  "2C:38-3", "2C:39-4",  "2C:35-5"};
  return k.count(s.base) > 0;
}

}  // namespace tg::policy::lists
