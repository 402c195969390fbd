#include "policy/offense.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "policy/offense_lists.h"

namespace tg::policy {
namespace {

using records::TimeMs;

// The instant N calendar years before `now` (29 February falls back to the 28th): a record
// dated on or after it is "within N years".
TimeMs YearsBefore(TimeMs now, int years) {
  int y = 0, m = 0, d = 0;
  records::CivilFromTime(now, &y, &m, &d);
  if (m == 2 && d == 29) d = 28;
  // Date granularity: any time on that calendar day is inside the window.
  return records::TimeFromCivil(y - years, m, d);
}

bool Within(TimeMs date, TimeMs now, int years) { return date >= YearsBefore(now, years); }

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The record's statute: its own text, else its offense code's row.
Result<Statute> StatuteOf(const OffenseRecord& r, const OffenseCodeTable* table) {
  if (!r.statute.empty()) {
    auto s = ParseStatute(r.statute);
    if (!s.ok()) return Status::InvalidArgument("record " + r.id + ": " + s.status().message());
    return s;
  }
  if (!r.code.empty() && table != nullptr) {
    if (const OffenseCode* row = table->Find(r.code)) return row->statute;
    return Status::InvalidArgument("record " + r.id + ": offense code " + r.code +
                                   " is not in the offense code table");
  }
  return Status::InvalidArgument("record " + r.id + " has neither a statute nor a known code");
}

bool IsWobbler(const Statute& s, const OffenseCodeTable* table) {
  return table != nullptr && table->IsWobbler(s);
}

std::string Describe(const OffenseRecord& r, const Statute& s) {
  std::string text = r.id + " (" + s.ToString();
  if (r.date != 0) text += ", " + records::FormatDate(r.date);
  return text + ")";
}

void Add(std::vector<Finding>* out, std::string category, const OffenseRecord& r,
         const Statute& s, std::string explain) {
  out->push_back({std::move(category), r.id, s.ToString(), std::move(explain)});
}

// The 7282.5(a) findings one conviction supports (before the Prop 47 exclusion).
std::vector<Finding> CaFindings(const OffenseRecord& r, const Statute& s,
                                const OffenseCodeTable* table, TimeMs now) {
  std::vector<Finding> out;
  const bool felony = r.level == 'F';
  // The lists are asked about the underlying section of an attempt or conspiracy.
  Statute underlying = s;
  if (s.attempt_or_conspiracy()) {
    underlying.base = s.underlying;
    underlying.section = s.underlying;
    underlying.underlying.clear();
  }
  const std::string who = Describe(r, s);

  if (felony) {
    std::string list = lists::CaSeriousOrViolent(underlying, r.degree);
    if (!list.empty() && s.attempt_or_conspiracy() &&
        lists::CaFamilies(underlying) == std::vector<std::string>{"A"}) {
      list.clear();  // an attempted assault is not itself serious (1192.7(c)(39))
    }
    if (list.empty() && r.great_bodily_injury) list = "PC 1192.7(c)(8)";
    if (list.empty() && r.firearm_use) list = "PC 1192.7(c)(8)";
    if (!list.empty()) {
      Add(&out, "ca_serious_violent_felony", r, s,
          who + " is a serious or violent felony under " + list + "; no look-back limit.");
    }
    if (r.state_prison) {
      Add(&out, "ca_state_prison_felony", r, s, who + " is a felony punishable by state prison.");
    }
  }

  // (a)(3): felony within 15 years, or a wobbler misdemeanor within 5 years.
  bool in_window = false;
  std::string window;
  if (felony && Within(r.date, now, kCaFelonyWindowYears)) {
    in_window = true;
    window = "a felony within 15 years";
  } else if (r.level == 'M' && IsWobbler(s, table) && Within(r.date, now, kCaWobblerWindowYears)) {
    in_window = true;
    window = "a wobbler misdemeanor within 5 years";
  }
  if (in_window) {
    std::vector<std::string> fams = lists::CaFamilies(underlying);
    if (r.great_bodily_injury) fams.push_back("Q");
    if (r.firearm_use) fams.push_back("R");
    if (r.sex_registrable) fams.push_back("S");
    if (r.on_bail_or_own_recognizance) fams.push_back("AB");
    if (s.attempt_or_conspiracy() && !lists::CaFamilies(underlying).empty()) fams.push_back("P");
    std::set<std::string> seen;
    for (const auto& f : fams) {
      if (!seen.insert(f).second) continue;
      if ((f == "G" || f == "M") && !felony) continue;  // felony DUI, felony drug offenses
      if (f == "N" && !r.with_priors) continue;          // vandalism only with priors
      Add(&out, "ca_family_" + f, r, s,
          who + " is " + window + " in family (" + f + "), " + lists::CaFamilyName(f) + ".");
    }
  }
  if (r.federal_aggravated_felony) {
    Add(&out, "ca_aggravated_felony", r, s,
        who + " is a federal aggravated felony (8 U.S.C. 1101(a)(43)).");
  }
  return out;
}

}  // namespace

std::vector<std::string> Qualification::ca_7282_5_categories() const {
  std::set<std::string> names;
  for (const auto& f : ca_7282_5) names.insert(f.category);
  return {names.begin(), names.end()};
}

std::vector<std::string> Qualification::ExplainLines() const {
  std::vector<std::string> lines;
  auto emit = [&](const std::vector<Finding>& fs, const std::string& suffix) {
    for (const auto& f : fs) lines.push_back(f.category + ": " + f.explain + suffix);
  };
  emit(ca_7282_5, "");
  emit(ca_prop47_excluded, " Not counted: reduced under Proposition 47.");
  emit(ph_violent_felony, "");
  emit(nj_violent_or_serious, "");
  emit(nj_indictable_within_5y, "");
  return lines;
}

Result<Qualification> Qualify(const OffenseFacts& facts, const OffenseCodeTable* table,
                              TimeMs now) {
  Qualification q;
  for (const auto& r : facts.convictions) {
    auto s = StatuteOf(r, table);
    if (!s.ok()) return s.status();
    const std::string who = Describe(r, *s);

    std::vector<Finding> ca = CaFindings(r, *s, table, now);
    const bool prop47 = r.prop47_reduced || (r.level == 'M' && lists::Prop47Section(*s));
    auto& sink = prop47 ? q.ca_prop47_excluded : q.ca_7282_5;
    sink.insert(sink.end(), ca.begin(), ca.end());

    if (r.level == 'F' && (r.degree == 1 || r.degree == 2) && lists::PaViolentCrime(*s)) {
      Add(&q.ph_violent_felony, "ph_violent_felony_1_2", r, *s,
          who + " is a felony of the " + std::string(r.degree == 1 ? "first" : "second") +
              " degree involving violence.");
    }
    if (lists::NjViolentOrSerious(*s) || (s->type == "NJ" && (r.degree == 1 || r.degree == 2))) {
      Add(&q.nj_violent_or_serious, "nj_violent_or_serious", r, *s,
          who + " is a violent or serious offense under the Immigrant Trust Directive.");
    }
    if (r.level == 'F' && Within(r.date, now, kNjIndictableWindowYears)) {
      Add(&q.nj_indictable_within_5y, "nj_indictable_within_5y", r, *s,
          who + " is an indictable conviction within five years.");
    }
  }
  for (const auto& r : facts.pending_charges) {
    auto s = StatuteOf(r, table);
    if (!s.ok()) return s.status();
    if (lists::NjViolentOrSerious(*s) || (s->type == "NJ" && (r.degree == 1 || r.degree == 2))) {
      Add(&q.nj_violent_or_serious, "nj_violent_or_serious", r, *s,
          "Currently charged: " + Describe(r, *s) +
              " is a violent or serious offense under the Immigrant Trust Directive.");
    }
  }
  if (facts.sex_registrant || facts.arson_registrant) {
    q.ca_7282_5.push_back({"ca_registrant", "registry", "",
                           std::string("The person is a current registrant on the California ") +
                               (facts.sex_registrant ? "sex offender" : "arson") + " registry."});
  }
  if (facts.federal_felony_warrant) {
    q.ca_7282_5.push_back({"ca_federal_felony_warrant", "warrant", "",
                           "ICE has identified the person as the subject of an outstanding "
                           "federal felony arrest warrant."});
  }
  return q;
}

OffenseRecord FromConviction(const records::Conviction& c) {
  OffenseRecord r;
  r.id = "conviction " + std::to_string(c.id);
  r.statute = c.statute;
  r.code = c.code;
  r.level = c.level;
  r.degree = c.degree;
  r.date = c.convicted_at;
  r.state_prison = Lower(c.sentence).find("state prison") != std::string::npos;
  r.sex_registrable = c.sex_registrable;
  r.arson_registrable = c.arson_registrable;
  if (c.level == 'M') {
    auto s = ParseStatute(c.statute);
    r.prop47_reduced = s.ok() && lists::Prop47Section(*s);
  }
  return r;
}

OffenseRecord FromCharge(const records::Charge& c, const std::string& id, TimeMs booked_at) {
  OffenseRecord r;
  r.id = id;
  r.statute = c.statute;
  r.code = c.code;
  r.level = c.level;
  r.degree = c.degree;
  r.date = booked_at;
  return r;
}

nlohmann::json QualificationAttributes(const Qualification& q) {
  return {{"qualifies_ca_7282_5", q.qualifies_ca_7282_5()},
          {"ca_7282_5_categories", q.ca_7282_5_categories()},
          {"ph_violent_felony_1_2", !q.ph_violent_felony.empty()},
          {"nj_violent_or_serious", !q.nj_violent_or_serious.empty()},
          {"nj_indictable_within_5y", !q.nj_indictable_within_5y.empty()}};
}

}  // namespace tg::policy
