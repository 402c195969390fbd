// Statute lists behind offense qualification (internal to the qualifier). Each function
// answers for one statute; attempts and conspiracies ("PC 664/187") are handled by the
// qualifier, which asks about the underlying section.
#pragma once

#include <string>
#include <vector>

#include "policy/offense_codes.h"

namespace tg::policy::lists {

// "PC 1192.7(c)" or "PC 667.5(c)" when the statute is on the serious or violent felony
// list, else empty. `degree` distinguishes first-degree burglary (PC 459/460(a)).
std::string CaSeriousOrViolent(const Statute& s, int degree);

// The Gov. Code 7282.5(a)(3) families, as letters "A".."AE", the statute belongs to.
std::vector<std::string> CaFamilies(const Statute& s);

// One plain description per family letter ("assault", "burglary, robbery, theft, ...").
std::string CaFamilyName(const std::string& letter);

// True for a section Proposition 47 (2014) made a misdemeanor for most offenders.
bool Prop47Section(const Statute& s);

// Philadelphia EO 5-16: a Pennsylvania (18 Pa.C.S.) crime involving violence.
bool PaViolentCrime(const Statute& s);

// New Jersey Directive 2018-6 appendix: a violent or serious offense (N.J.S.A. 2C).
bool NjViolentOrSerious(const Statute& s);

}  // namespace tg::policy::lists
