// Shared by the detectors (not a public header): who is who, what an event is about, peer
// statistics, and one entry point per detector.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "oversight/detectors.h"

namespace tg::oversight::detail {

// Who is who, from the records store, completed by what the events say.
struct Directory {
  std::unordered_map<std::string, std::string> agency_kind;       // agency id -> kind
  std::unordered_map<std::string, std::string> user_agency;       // user id -> agency id
  std::unordered_map<std::string, std::string> user_roles;        // user id -> "a,b" sorted
  std::unordered_map<std::string, std::string> workstation_owner;  // ws id -> agency id

  std::string AgencyOf(const AuditEvent& e) const;
  std::string KindOf(const AuditEvent& e) const;   // the requester's recipient kind
  std::string KindOfAgency(const std::string& agency) const;
  std::string RolesOf(const std::string& principal) const;
};

struct Context {
  const std::vector<AuditEvent>& events;  // index order
  const Directory& dir;
  const DetectorOptions& options;
  records::Store& store;
  records::TimeMs now = 0;
  // The clock windows are measured on, per event position: the activity clock (position x
  // one day / DetectorOptions::events_per_day) when a nominal pace is given, else event time.
  std::vector<records::TimeMs> clock;

  bool Barred(const AuditEvent& e) const { return options.barred_kinds.count(dir.KindOf(e)) > 0; }
  bool BarredAgency(const std::string& agency) const {
    return options.barred_kinds.count(dir.KindOfAgency(agency)) > 0;
  }
  // Oversight staff (the inspector's office) read everything by office and are left out of
  // peer statistics. Judged by the agency's kind, never by the declared purpose: anyone can
  // declare "oversight".
  bool Oversight(const AuditEvent& e) const { return dir.KindOf(e) == "oversight"; }
  // The public locator's anonymous requests (principal "public"): a channel open to anyone,
  // with no account to hold to a need to know, no reason and no peers; left out of the
  // per-principal detectors.
  bool Public(const AuditEvent& e) const { return dir.KindOf(e) == "public"; }
};

Status LoadDirectory(records::Store& store, const std::vector<AuditEvent>& events, Directory& dir);

// --- what an event is about ---------------------------------------------------------------
// A list of bookings by release window (GET /v1/bookings?release_within=...).
bool IsReleaseList(const AuditEvent& e);
// A plate lookup (GET /v1/plates/{plate}/reads); the plate, or "" when not one.
std::string PlateOf(const AuditEvent& e);
// The subjects an event names: returned record ids and the id in its path.
std::vector<std::string> SubjectsOf(const AuditEvent& e);
// The value of `key` in a raw query string ("" when absent).
std::string QueryParam(const std::string& query, const std::string& key);

// --- peer statistics ----------------------------------------------------------------------
double Median(std::vector<double> v);
// Median absolute deviation from the median (unscaled).
double Mad(const std::vector<double>& v);

struct PeerVerdict {
  double value = 0;
  double peer_median = 0;
  double z = 0;
  size_t peers = 0;
  std::string group;  // "agency lasd, role detective", "kind local_police", "all"
  bool outlier = false;
};

// Compares each principal's value with its peers (same agency and roles; same agency kind;
// everyone: the first group with at least options.min_peers members). `values` must hold
// every principal that could be a peer (zeros included). Robust z = (x - median) / scale
// with scale = max(1.4826 * MAD, sqrt(max(median, 1))) — the square root floor keeps
// ordinary count noise from looking extreme when most peers are alike.
std::map<std::string, PeerVerdict> ComparePeers(const std::map<std::string, double>& values,
                                                const Context& ctx, double min_value);

// --- building findings --------------------------------------------------------------------
// Fills window and evidence (sorted, unique) from the events at `indexes` of ctx.events.
void SetEvidence(const Context& ctx, const std::vector<size_t>& positions, Finding& f);

// --- the detectors (one file each) ---------------------------------------------------------
void DetectBarredRecipients(const Context& ctx, std::vector<Finding>& out);
void DetectReleaseFeeds(const Context& ctx, std::vector<Finding>& out);
void DetectSideDoors(const Context& ctx, std::vector<Finding>& out);
void DetectPassOns(const Context& ctx, std::vector<Finding>& out);
void DetectReasons(const Context& ctx, std::vector<Finding>& out);
void DetectVolume(const Context& ctx, std::vector<Finding>& out);
Status DetectDataHygiene(const Context& ctx, std::vector<Finding>& out);

// Immigration-enforcement words in a free-text reason (English and Spanish); the first
// found, or "" when none.
std::string ImmigrationWord(const std::string& reason);
// True for reasons that say nothing ("investigation", "inv", "n/a", "").
bool VagueReason(const std::string& reason);

}  // namespace tg::oversight::detail
