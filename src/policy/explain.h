// A composed configuration's rules in plain language: what `trustgate policy explain` prints
// and the transparency page shows as the policy in force.
#pragma once

#include <string>

#include "policy/pack.h"

namespace tg::policy {

// The text: per pack (in dependency order) a header line "== NAME: JURISDICTION (LEVEL;
// builds on ...; effective DATE)", its summary and sources, then each of its rules as
// "ALLOWS|FORBIDS|REFERS TO COUNSEL  ID  (ACTIONS)", its @explain and "Citation: ...", noting
// rules not yet verified against the primary text; a closing line saying these are research
// notes, not legal advice.
std::string ExplainPacks(const ComposedPacks& packs);

}  // namespace tg::policy
