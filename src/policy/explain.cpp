#include "policy/explain.h"

#include <sstream>

namespace tg::policy {
namespace {

// The actions a policy's scope names, for a reader.
std::string ActionsOf(const cedar::Policy& p) {
  using Op = cedar::ActionConstraint::Op;
  if (p.action.op == Op::kAny) return "every action";
  if (p.action.op == Op::kIn && p.action.entities.size() == 1) {
    return "every action in " + std::string(p.action.entities[0].id());
  }
  std::string out;
  for (const auto& a : p.action.entities) {
    out += (out.empty() ? "" : ", ") + std::string(a.id());
  }
  return out;
}

}  // namespace

std::string ExplainPacks(const ComposedPacks& packs) {
  std::ostringstream out;
  for (const auto& m : packs.packs) {
    out << "== " << m.name << ": " << m.jurisdiction << " (" << m.level;
    if (!m.builds_on.empty()) {
      out << "; builds on";
      for (const auto& b : m.builds_on) out << " " << b;
    }
    out << "; effective " << m.effective << ")\n";
    if (!m.summary.empty()) out << m.summary << "\n";
    for (const auto& s : m.sources) out << "  source: " << s << "\n";
    out << "\n";
    for (const auto& rule : packs.rules) {
      if (rule.pack != m.name) continue;
      const bool forbid = rule.policy->effect == cedar::Effect::kForbid;
      out << (rule.outcome == "referred" ? "REFERS TO COUNSEL" : forbid ? "FORBIDS" : "ALLOWS") << "  "
          << rule.id << "  (" << ActionsOf(*rule.policy) << ")\n"
          << "  " << rule.explain << "\n"
          << "  Citation: " << rule.citation << "\n";
      if (!rule.verified) out << "  Not yet verified against the primary text.\n";
      out << "\n";
    }
  }
  out << "Research notes, not legal advice: a deploying agency's counsel reviews its pack.\n";
  return out.str();
}

}  // namespace tg::policy
