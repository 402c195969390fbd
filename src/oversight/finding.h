// A finding: one pattern in the audit log an inspector should look at, with the audit
// indexes that show it. What the detectors produce and the reports render.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "records/model.h"

namespace tg::oversight {

// Detector names (the `detector` field), one idea each. docs/oversight.md explains them.
inline constexpr const char* kBarredRecipient = "barred_recipient";
inline constexpr const char* kOutsideAgencyDesk = "outside_agency_desk";
inline constexpr const char* kReleaseFeed = "release_feed";
inline constexpr const char* kSideDoor = "side_door";
inline constexpr const char* kPassOn = "pass_on";
inline constexpr const char* kImmigrationReason = "immigration_reason";
inline constexpr const char* kVagueReason = "vague_reason";
inline constexpr const char* kVolumeOutlier = "volume_outlier";
inline constexpr const char* kMissingCase = "missing_case";
inline constexpr const char* kPlateTracking = "plate_tracking";
inline constexpr const char* kGangReviewOverdue = "gang_review_overdue";
inline constexpr const char* kGangNoCriteria = "gang_no_criteria";

struct Finding {
  std::string detector;     // one of the k* names above
  std::string severity;     // "high", "medium", "low"
  std::string principal;    // User::id ("" when the finding is about an agency or a desk)
  std::string agency;       // Agency::id of the principal, or the agency concerned
  std::string workstation;  // Workstation::id where one is involved, else ""
  records::TimeMs window_start = 0;  // event time of the first evidence
  records::TimeMs window_end = 0;    // event time of the last evidence
  std::string summary;      // one plain sentence for a reader who knows no code
  std::string rule;         // the rule it bears on, with its citation
  std::vector<uint64_t> evidence;    // audit indexes, ascending
  std::vector<std::string> subjects;  // records concerned (booking ids, plates, gang entries)
};

// Severity rank for sorting: high 0, medium 1, low 2, anything else 3.
int SeverityRank(const std::string& severity);

// Findings as the JSON of `GET /v1/audit/findings` and `trustgate audit report --format
// json`: {"findings": [{"detector", "severity", "principal", "agency", "summary", "rule",
// "evidence": [indexes], "workstation", "window": {"start", "end"}, "subjects"}]}. The
// window times are ISO-8601 UTC. Order is kept as given.
nlohmann::json FindingsJson(const std::vector<Finding>& findings);
// FindingsJson as text (two-space indentation, trailing newline).
std::string FindingsJsonText(const std::vector<Finding>& findings);

}  // namespace tg::oversight
