// Data hygiene of the gang database: entries past the five-year review (28 CFR 23.20(h)) and
// entries with no documented criteria (28 CFR 23.20(a): reasonable suspicion, documented).
// The Chicago database had both; one wrong entry led to a raid. Evidence is the accesses that
// released gang data about the people concerned.
#include <fmt/format.h>

#include <limits>
#include <map>
#include <set>

#include "oversight/detect_internal.h"

namespace tg::oversight::detail {

Status DetectDataHygiene(const Context& ctx, std::vector<Finding>& out) {
  auto entries = ctx.store.GangEntriesDueForReview(std::numeric_limits<records::TimeMs>::max(),
                                                   std::numeric_limits<int>::max());
  if (!entries.ok()) return entries.status();
  records::TimeMs due_before = ctx.now - records::kGangReviewInterval;
  struct Acc {
    std::set<std::string> entries, persons;
  };
  std::map<std::string, Acc> overdue, no_criteria;  // by source agency
  for (const auto& g : *entries) {
    std::string id = "gang-entry:" + std::to_string(g.id);
    if (g.last_reviewed_at < due_before) {
      overdue[g.source_agency].entries.insert(id);
      overdue[g.source_agency].persons.insert(g.person_id);
    }
    if (g.criteria.empty()) {
      no_criteria[g.source_agency].entries.insert(id);
      no_criteria[g.source_agency].persons.insert(g.person_id);
    }
  }
  auto emit = [&](std::map<std::string, Acc>& by, const char* detector, const char* severity,
                  const char* what, const char* rule) {
    for (auto& [agency, a] : by) {
      std::vector<size_t> pos;
      for (size_t i = 0; i < ctx.events.size(); ++i) {
        const AuditEvent& e = ctx.events[i];
        if (!e.Released("gang")) continue;
        for (const auto& s : SubjectsOf(e)) {
          if (a.persons.count(s)) {
            pos.push_back(i);
            break;
          }
        }
      }
      Finding f;
      f.detector = detector;
      f.severity = severity;
      f.agency = agency;
      f.subjects.assign(a.entries.begin(), a.entries.end());
      f.summary = fmt::format("{} gang database entries from {} ({} people) {}; {} accesses released them.",
                              a.entries.size(), agency, a.persons.size(), what, pos.size());
      f.rule = rule;
      SetEvidence(ctx, pos, f);
      if (pos.empty()) f.window_start = f.window_end = ctx.now;
      out.push_back(std::move(f));
    }
  };
  emit(overdue, kGangReviewOverdue, "medium",
       "were not reviewed within five years and should be revalidated or purged",
       "28 CFR 23.20(h): review and revalidate intelligence within five years or purge");
  emit(no_criteria, kGangNoCriteria, "medium", "record no criteria for the designation",
       "28 CFR 23.20(a): keep criminal intelligence only on documented reasonable suspicion; "
       "PC 186.34 and 11 CCR 770.8 for shared gang databases");
  return Status::OK();
}

}  // namespace tg::oversight::detail
