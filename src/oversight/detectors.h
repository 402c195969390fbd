// The oversight detectors: they read the audit log (and the records store, for who is who and
// for the gang database) and report the informal channels design.md describes. Each works on
// event time only, so a month of traffic replayed in minutes gives the same findings as the
// month itself; each compares a user with peers (same agency and role, else same agency
// kind, else everyone) using robust statistics, not only fixed thresholds.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "oversight/audit_event.h"
#include "oversight/finding.h"
#include "records/store.h"

namespace tg::oversight {

struct DetectorOptions {
  // Recipient kinds that may not receive protected data (design.md recipient kinds).
  std::set<std::string> barred_kinds = {"immigration"};
  // Categories sanctuary laws protect from barred recipients (immigration_status is not
  // among them: 8 U.S.C. 1373 protects exchanging status itself).
  std::set<std::string> protected_categories = {"dob",     "address", "birthplace", "release",
                                                "custody", "checkin", "alpr",       "stop",
                                                "gang",    "court",   "photo"};
  // Peer comparison: a value is an outlier when its robust z-score (against the peers'
  // median and MAD) reaches outlier_z AND it is at least min_ratio times the peers' median.
  double outlier_z = 4.0;
  double min_ratio = 3.0;
  // A peer group smaller than this falls back to the wider group.
  size_t min_peers = 5;
  // Release feeds: at least this many release-list pulls before a principal can be an
  // outlier; one pull returning at least bulk_release_records records is a bulk pull.
  int release_min_pulls = 10;
  int bulk_release_records = 50;
  // Side doors: a local access counts when a barred recipient names the same subject within
  // this time after it; a principal needs at least side_door_min_subjects such subjects.
  records::TimeMs side_door_window = 3 * records::kMsPerDay;
  int side_door_min_subjects = 3;
  // Reasons: vague reasons count at volume from this many, making up this share of a
  // principal's requests.
  int vague_min = 20;
  double vague_share = 0.5;
  // Volume: at least this many requests before a principal can be an outlier.
  int volume_min = 30;
  // Lookups without case numbers (purposes that call for one): minimum count and share.
  int missing_case_min = 10;
  double missing_case_share = 0.5;
  std::set<std::string> purposes_needing_case = {"criminal_investigation",
                                                 "serious_violent_crime", "court_proceeding"};
  // One plate tracked repeatedly: this many lookups of one plate by one principal, on at
  // least plate_tracking_min_days distinct days.
  int plate_tracking_min = 8;
  int plate_tracking_min_days = 3;
  // Data hygiene is judged at this time; absent: the store's "county.now" metadata, else the
  // latest event time, else the wall clock.
  std::optional<records::TimeMs> now;
  // The traffic's nominal pace. When set, time windows ("within three days", "on three
  // different days") are measured on an activity clock — event position x one day /
  // events_per_day — so a month of traffic replayed in minutes gives the same findings as
  // the month itself. Unset: windows use event time as recorded. Every other measure is a
  // count over the events read and does not depend on pace at all.
  std::optional<double> events_per_day;
  // Skip the data-hygiene detectors (they read the whole gang database).
  bool data_hygiene = true;
};

// Runs every detector over the events of `source` matching `query` and returns the findings,
// most severe first, then by detector, agency, principal. Fails only when the source or the
// store fails.
Result<std::vector<Finding>> RunDetectors(AuditSource& source, records::Store& store,
                                          const DetectorOptions& options = {},
                                          const AuditQuery& query = {});

// The same over events already in memory (sorted by index here).
Result<std::vector<Finding>> RunDetectors(std::vector<AuditEvent> events, records::Store& store,
                                          const DetectorOptions& options = {});

}  // namespace tg::oversight
