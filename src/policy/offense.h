// Offense qualification: which of the conviction-based exceptions in sanctuary laws a
// person's record meets, and which conviction made each apply. California Gov. Code 7282.5
// (the TRUST Act categories that let a jail answer a notify or transfer request),
// Philadelphia EO 5-16 (a first- or second-degree felony involving violence) and the New
// Jersey Immigrant Trust Directive (a violent or serious offense, or any indictable crime
// within five years). The results become attributes of the Person entity (so policies can
// test them) and lines of explanation (so a decision can say why).
//
// The statute lists in offense_lists.cpp were written for this project from the statutes'
// structure as commonly cited; rules.md does not carry them and they have not been checked
// against the primary text (policies that rely on them say @verified("false")).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policy/offense_codes.h"
#include "records/model.h"

namespace tg::policy {

// One conviction (or, for New Jersey's "currently charged", one pending charge), as the
// qualifier needs it. Either `statute` or an offense `code` found in the table must be given;
// when both are, the statute wins.
struct OffenseRecord {
  std::string id;           // shown in explanations: "conviction 17", "charge LASD-2024-1/2"
  std::string statute;      // "PC 211", "PC 664/187", "18 Pa.C.S. 3701", "N.J.S.A. 2C:15-1"
  std::string code;         // DOJ offense code, "12004"
  char level = 'F';         // 'F' felony (NJ: indictable crime), 'M', 'I'
  int degree = 0;           // felony degree (PA, NJ: 1..4), 0 when ungraded
  records::TimeMs date = 0; // conviction date (charge: booking date)
  // The sentence or the statute provides state prison (not county jail under PC 1170(h)).
  bool state_prison = false;
  bool sex_registrable = false;    // requires PC 290 registration
  bool arson_registrable = false;  // requires PC 457.1 registration
  // Reduced to a misdemeanor under Prop 47 (PC 1170.18), or a misdemeanor conviction under
  // a section Prop 47 made a misdemeanor. Never qualifies under 7282.5.
  bool prop47_reduced = false;
  bool federal_aggravated_felony = false;  // 8 U.S.C. 1101(a)(43)(A)-(P)
  bool great_bodily_injury = false;        // finding of death or GBI (family Q)
  bool firearm_use = false;                // personal use of a firearm (family R)
  bool on_bail_or_own_recognizance = false;  // committed while released (family AB)
  bool with_priors = false;                // vandalism with priors (family N)
};

// Everything known about a person that the qualifier reads.
struct OffenseFacts {
  std::vector<OffenseRecord> convictions;
  std::vector<OffenseRecord> pending_charges;  // New Jersey's "currently charged with"
  bool sex_registrant = false;    // current registrant, PC 290
  bool arson_registrant = false;  // current registrant, PC 457.1
  // ICE has named the person as the subject of an outstanding federal felony arrest warrant.
  bool federal_felony_warrant = false;
};

// One reason a category applies: the category, the record that made it apply and why.
struct Finding {
  std::string category;  // e.g. "ca_serious_violent_felony", "ca_family_F"
  std::string record_id; // the OffenseRecord::id, or "registry" / "warrant"
  std::string statute;   // normalized, or empty
  std::string explain;   // one sentence
};

// The categories that apply, each with its first supporting finding, plus every finding.
struct Qualification {
  // Gov. Code 7282.5(a) categories, by name: ca_serious_violent_felony (PC 1192.7(c) or
  // 667.5(c)), ca_state_prison_felony, ca_family_<A..AE> (with the 5-/15-year windows),
  // ca_registrant, ca_aggravated_felony, ca_federal_felony_warrant.
  std::vector<Finding> ca_7282_5;
  // Records that would have qualified but were Prop 47 reductions (shown, never counted).
  std::vector<Finding> ca_prop47_excluded;
  // Philadelphia EO 5-16: conviction of a first- or second-degree felony involving violence.
  std::vector<Finding> ph_violent_felony;
  // New Jersey Directive 2018-6: violent or serious offense (convicted ever or charged now),
  // and any indictable conviction within five years.
  std::vector<Finding> nj_violent_or_serious;
  std::vector<Finding> nj_indictable_within_5y;

  bool qualifies_ca_7282_5() const { return !ca_7282_5.empty(); }
  // The distinct category names of ca_7282_5, sorted.
  std::vector<std::string> ca_7282_5_categories() const;
  // One line per finding, for explanations: "ca_family_F: conviction 3 (PC 211, 2019-04-02):
  // robbery is in family (F) ...".
  std::vector<std::string> ExplainLines() const;
};

// Years of the 7282.5(a)(3) look-back: misdemeanors (wobblers only) and felonies.
constexpr int kCaWobblerWindowYears = 5;
constexpr int kCaFelonyWindowYears = 15;
constexpr int kNjIndictableWindowYears = 5;

// Qualifies `facts` as of `now`. `table` resolves offense codes and says which statutes are
// wobblers; without it, records must carry statutes and no misdemeanor counts as a wobbler.
// A record whose statute cannot be read is an error naming its id (no silent skip: a policy
// exception must not depend on a record the qualifier could not read). Reads `now` only
// through its UTC calendar date (the Decider's person memo relies on that).
Result<Qualification> Qualify(const OffenseFacts& facts, const OffenseCodeTable* table,
                               records::TimeMs now);

// A records::Conviction as an OffenseRecord: state prison from the sentence text, Prop 47
// reduction when it is a misdemeanor under a section Prop 47 reduced.
OffenseRecord FromConviction(const records::Conviction& c);
// A records::Charge on a booking as a pending charge dated at booking.
OffenseRecord FromCharge(const records::Charge& c, const std::string& id, records::TimeMs booked_at);

// The Person entity attributes the domain schema declares for qualification:
// {"qualifies_ca_7282_5": Bool, "ca_7282_5_categories": Set<String>,
//  "ph_violent_felony_1_2": Bool, "nj_violent_or_serious": Bool,
//  "nj_indictable_within_5y": Bool}.
nlohmann::json QualificationAttributes(const Qualification& q);

}  // namespace tg::policy
