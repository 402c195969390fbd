// PlanSimulation: simulated staff of a dozen agencies doing their ordinary work through the
// gateway, a few of them doing what the detectors look for, and the truth about which.
#include "oversight/simulation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

namespace tg::oversight {

using records::kMsPerDay;
using records::kMsPerHour;
using records::kMsPerMinute;
using records::TimeMs;

TruthKey TruthKeyOf(const std::string& detector, const std::string& principal, const std::string& agency) {
  return {detector, principal.empty() ? agency : principal};
}

namespace {

std::string Num(const std::string& prefix, int n, int width = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*d", width, n);
  return prefix + buf;
}

// A group of simulated staff with the same agency and role, doing the same kind of work.
struct Group {
  const char* prefix;  // "lasd-clerk" -> users sim-lasd-clerk-01, ...
  const char* agency;
  const char* role;
  int base;            // members at 500 events a day, and at least this many at any pace
};

const std::vector<Group>& Groups() {
  static const std::vector<Group> k = {
      {"lasd-clerk", "lasd", "records_clerk", 10},
      {"lasd-deputy", "lasd", "deputy", 8},
      {"lapd-det", "lapd", "detective", 10},
      {"lapd-patrol", "lapd", "patrol_officer", 8},
      {"glendale-jailer", "glendale-city-jail", "jailer", 5},
      {"probation", "la-probation", "probation_officer", 6},
      {"court-clerk", "la-superior-court", "court_clerk", 5},
      {"hidta", "la-hidta", "task_force_officer", 5},
      {"jric-analyst", "jric", "analyst", 5},
      {"fbi-agent", "fbi-la", "special_agent", 5},
      {"advocate", "la-da-victim-services", "victim_advocate", 5},
      {"phoenix-det", "phoenix-pd", "detective", 5},
      {"ice-officer", "ice-ero-la", "immigration_officer", 6},
      {"inspector", "la-oig", "inspector", 2},
  };
  return k;
}

const std::vector<records::Agency>& AgencyDefs() {
  static const std::vector<records::Agency> k = {
      {"lasd", "Los Angeles County Sheriff's Department", "sheriff", "CA", ""},
      {"lapd", "Los Angeles Police Department", "local_police", "CA", ""},
      {"glendale-city-jail", "Glendale City Jail", "jail", "CA", ""},
      {"la-probation", "Los Angeles County Probation Department", "probation", "CA", ""},
      {"la-superior-court", "Superior Court of California, County of Los Angeles", "court", "CA", ""},
      {"la-hidta", "Los Angeles HIDTA Task Force", "task_force", "CA", ""},
      {"jric", "Joint Regional Intelligence Center", "fusion_center", "CA", ""},
      {"fbi-la", "Federal Bureau of Investigation, Los Angeles", "federal_law_enforcement", "US", ""},
      {"la-da-victim-services", "LA County District Attorney, Bureau of Victim Services", "victim_services", "CA", ""},
      {"phoenix-pd", "Phoenix Police Department", "out_of_state", "AZ", ""},
      {"ice-ero-la", "U.S. Immigration and Customs Enforcement, ERO Los Angeles", "immigration", "US", ""},
      {"la-oig", "Los Angeles County Office of Inspector General", "oversight", "CA", ""},
  };
  return k;
}

// The outside-agency desk the county generator creates in the jail's intake centre.
constexpr const char* kOutsideDesk = "irc-outside-agency-desk";
constexpr const char* kImmigrationAgency = "ice-ero-la";
// A terminal of the jail's records unit (also the county generator's).
constexpr const char* kRecordsTerminal = "irc-records-03";

class Planner {
 public:
  explicit Planner(const SimulationInputs& in) : in_(in), rng_(in.seed) {
    scale_ = std::max(1.0, in.events_per_day / 500.0);
  }

  SimulationPlan Plan() {
    Staff();
    for (int d = 0; d < in_.days; ++d) {
      Benign(d);
      Violations(d);
    }
    Gang();
    std::stable_sort(plan_.calls.begin(), plan_.calls.end(),
                     [](const SimulatedCall& a, const SimulatedCall& b) { return a.time < b.time; });
    for (auto& c : plan_.calls) c.day = static_cast<int>((c.time - in_.start) / kMsPerDay);
    return std::move(plan_);
  }

 private:
  // --- who is who -----------------------------------------------------------------------
  void Staff() {
    plan_.agencies = AgencyDefs();
    for (const Group& g : Groups()) {
      // Never fewer than the base: the violators are members 3 to 9 of their groups, and each
      // needs ordinary peers to stand out from.
      int n = std::max(g.base, static_cast<int>(std::lround(g.base * scale_)));
      auto& members = members_[g.prefix];
      for (int i = 1; i <= n; ++i) {
        std::string id = Num(std::string("sim-") + g.prefix + "-", i);
        plan_.users.push_back({id, "Simulated " + std::string(g.role) + " " + std::to_string(i), g.agency, {g.role}});
        members.push_back(id);
      }
    }
    // Records clerks work at their own terminals in the records office.
    for (size_t i = 0; i < members_["lasd-clerk"].size(); ++i) {
      std::string ws = Num("sim-lasd-records-", static_cast<int>(i) + 1);
      plan_.workstations.push_back({ws, "Records office terminal (simulated)", "lasd"});
      plan_.workstation_of[members_["lasd-clerk"][i]] = ws;
    }
    // One immigration officer works from the jail's outside-agency desk, another from an open
    // terminal in the jail's records unit (the Bernalillo case).
    plan_.workstation_of[Who("ice-officer", 3)] = kOutsideDesk;
    plan_.workstation_of[Who("ice-officer", 5)] = kRecordsTerminal;
  }
  std::string Who(const char* group, int n) const { return members_.at(group).at(static_cast<size_t>(n - 1)); }

  // --- randomness ---------------------------------------------------------------------
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[static_cast<size_t>(Uniform(0, static_cast<int>(v.size()) - 1))]; }
  TimeMs WorkTime(int day) {
    return in_.start + day * kMsPerDay + 8 * kMsPerHour + Uniform(0, 10 * 60 - 1) * kMsPerMinute +
           Uniform(0, 5999) * 10;
  }
  std::string Booking() { return Pick(in_.booking_ids); }
  std::string Person() { return Pick(in_.person_ids); }
  std::string Plate() {
    if (!in_.plates.empty() && Chance(0.5)) return Pick(in_.plates);
    static const char kLetters[] = "ABCDEFGHJKLMNPRSTUVWXYZ";
    std::string p = std::to_string(Uniform(1, 9));
    for (int i = 0; i < 3; ++i) p += kLetters[Uniform(0, 22)];
    return p + Num("", Uniform(0, 999), 3);
  }
  std::string Case(const std::string& prefix) { return prefix + Num("", Uniform(24, 26)) + "-" + Num("", Uniform(1, 99999), 5); }

  // --- calls --------------------------------------------------------------------------
  SimulatedCall& Add(TimeMs t, const std::string& who, const std::string& target, const std::string& purpose) {
    SimulatedCall c;
    c.time = t;
    c.principal = who;
    c.target = target;
    c.purpose = purpose;
    plan_.calls.push_back(std::move(c));
    return plan_.calls.back();
  }
  SimulatedCall& BookingRead(TimeMs t, const std::string& who, const std::string& purpose, const std::string& case_number,
                             const std::string& reason, const std::string& booking = "") {
    SimulatedCall& c = Add(t, who, "/v1/bookings/" + (booking.empty() ? Booking() : booking), purpose);
    c.case_number = case_number;
    c.reason = reason;
    return c;
  }
  SimulatedCall& PersonRead(TimeMs t, const std::string& who, const std::string& purpose, const std::string& case_number,
                            const std::string& reason) {
    SimulatedCall& c = Add(t, who, "/v1/persons/" + Person(), purpose);
    c.case_number = case_number;
    c.reason = reason;
    return c;
  }
  SimulatedCall& PlateLookup(TimeMs t, const std::string& who, const std::string& plate, const std::string& case_number,
                             const std::string& reason) {
    static const std::vector<int> kDays = {7, 14, 30, 30, 30};
    SimulatedCall& c = Add(t, who, "/v1/plates/" + plate + "/reads?days=" + std::to_string(Pick(kDays)),
                           "criminal_investigation");
    c.case_number = case_number;
    c.reason = reason;
    return c;
  }
  SimulatedCall& ReleaseList(TimeMs t, const std::string& who, const std::string& purpose, const std::string& reason) {
    SimulatedCall& c = Add(t, who, Chance(0.8) ? "/v1/bookings?release_within=48h" : "/v1/bookings?release_within=24h",
                           purpose);
    c.reason = reason;
    return c;
  }
  SimulatedCall& FormalRequest(TimeMs t, const std::string& who, const std::string& booking) {
    static const std::vector<std::string> kKinds = {"notify", "notify", "hold", "interview", "info"};
    std::string kind = Pick(kKinds);
    bool detainer = kind == "hold" || kind == "notify";
    std::string ref = detainer ? "I-247A 2026-LA-" + Num("", Uniform(1, 99999), 5)
                               : "I-200 2026-LA-" + Num("", Uniform(1, 99999), 5);
    std::string reason = detainer ? "I-247A detainer on file" : "administrative warrant";
    SimulatedCall& c = Add(t, who, "/v1/requests", "civil_immigration");
    c.method = "POST";
    c.body = "{\"kind\":\"" + kind + "\",\"booking_id\":\"" + booking + "\",\"authority\":{\"kind\":\"" +
             (detainer ? "detainer" : "administrative_warrant") + "\",\"ref\":\"" + ref + "\"},\"reason\":\"" +
             reason + "\"}";
    return c;
  }
  void Locator(TimeMs t) {
    SimulatedCall& c = Add(t, "", "/v1/public/inmates?name=" + (in_.locator_names.empty() ? std::string("garcia")
                                                                                        : Pick(in_.locator_names)),
                           "");
    (void)c;
  }
  // A reason for investigative work: usually specific, now and then one that says nothing.
  std::string InvReason(double vague = 0.03) {
    static const std::vector<std::string> kInvest = {
        "burglary suspect vehicle", "robbery follow-up", "assault victim statement", "warrant service",
        "stolen vehicle check", "hit and run follow-up", "narcotics case review", "missing person",
        "homicide follow-up", "fraud complaint", "witness canvass", "carjacking lead"};
    return Chance(vague) ? "inv" : Pick(kInvest);
  }
  std::string MaybeCase(const std::string& prefix, double missing = 0.03) { return Chance(missing) ? "" : Case(prefix); }

  void Truth(const std::string& detector, const std::string& who, const std::string& how) {
    for (const auto& t : plan_.truth) {
      if (t.key == TruthKey{detector, who}) return;
    }
    plan_.truth.push_back({{detector, who}, how, "injected"});
  }

  // --- a day of ordinary work -----------------------------------------------------------
  void Benign(int d) {
    static const std::vector<std::string> kClerk = {"intake processing", "property release", "classification review",
                                                    "court transport list", "visiting check", "bail inquiry"};
    for (const auto& who : members_["lasd-clerk"]) {
      for (int k = Uniform(8, 14); k > 0; --k) BookingRead(WorkTime(d), who, "booking_operations", "", Pick(kClerk));
      for (int k = Uniform(0, 2); k > 0; --k) ReleaseList(WorkTime(d), who, "booking_operations", "release processing");
      // Now and then a printout for the court: a pass-on to an agency that may have it.
      if (Chance(0.05)) {
        SimulatedCall& c = BookingRead(WorkTime(d), who, "court_proceeding", Case("LASC-"), "court packet");
        c.channel = "print";
        c.recipient = "la-superior-court";
      }
    }
    const std::string vague_deputy = Who("lasd-deputy", 7);
    for (const auto& who : members_["lasd-deputy"]) {
      for (int k = Uniform(4, 8); k > 0; --k) {
        bool vague = who == vague_deputy;
        BookingRead(WorkTime(d), who, "criminal_investigation", MaybeCase("LASD-"), vague ? "investigation" : InvReason())
            .injected = vague ? kVagueReason : "";
      }
    }
    // Two detectives work like the others, except that one never says why (the reason "inv")
    // and one never gives a case number: violations of the reasons and missing-case kinds.
    const std::string vague = Who("lapd-det", 8), no_case = Who("lapd-det", 9);
    for (const auto& who : members_["lapd-det"]) {
      auto reason = [&] { return who == vague ? std::string("inv") : InvReason(); };
      auto case_number = [&] { return who == no_case ? std::string() : MaybeCase("LAPD-"); };
      const char* injected = who == vague ? kVagueReason : who == no_case ? kMissingCase : "";
      for (int k = Uniform(2, 4); k > 0; --k) {
        BookingRead(WorkTime(d), who, "criminal_investigation", case_number(), reason()).injected = injected;
      }
      for (int k = Uniform(3, 6); k > 0; --k) {
        std::string plate = Plate(), c = case_number(), r = reason();
        TimeMs t = WorkTime(d);
        PlateLookup(t, who, plate, c, r).injected = injected;
        // A second look at the same plate later that day is ordinary.
        if (Chance(0.1)) PlateLookup(t + Uniform(10, 120) * kMsPerMinute, who, plate, c, r).injected = injected;
      }
    }
    for (const auto& who : members_["lapd-patrol"]) {
      for (int k = Uniform(2, 5); k > 0; --k) PlateLookup(WorkTime(d), who, Plate(), MaybeCase("LAPD-"), "stolen vehicle check");
    }
    for (const auto& who : members_["glendale-jailer"]) {
      for (int k = Uniform(3, 6); k > 0; --k) BookingRead(WorkTime(d), who, "booking_operations", "", "transfer intake");
    }
    for (const auto& who : members_["probation"]) {
      for (int k = Uniform(2, 4); k > 0; --k) PersonRead(WorkTime(d), who, "court_proceeding", MaybeCase("PROB-"), "pre-sentence report");
    }
    for (const auto& who : members_["court-clerk"]) {
      for (int k = Uniform(2, 4); k > 0; --k) BookingRead(WorkTime(d), who, "court_proceeding", MaybeCase("LASC-"), "arraignment calendar");
    }
    const std::string no_case_officer = Who("hidta", 2);
    for (const auto& who : members_["hidta"]) {
      auto case_number = [&] { return who == no_case_officer ? std::string() : MaybeCase("HIDTA-"); };
      const char* injected = who == no_case_officer ? kMissingCase : "";
      for (int k = Uniform(1, 3); k > 0; --k) {
        PlateLookup(WorkTime(d), who, Plate(), case_number(), "narcotics case review").injected = injected;
      }
      for (int k = Uniform(1, 2); k > 0; --k) {
        BookingRead(WorkTime(d), who, "criminal_investigation", case_number(), "narcotics case review").injected = injected;
      }
    }
    for (const auto& who : members_["jric-analyst"]) {
      for (int k = Uniform(3, 6); k > 0; --k) PlateLookup(WorkTime(d), who, Plate(), MaybeCase("JRIC-"), InvReason());
    }
    for (const auto& who : members_["fbi-agent"]) {
      for (int k = Uniform(1, 3); k > 0; --k) {
        SimulatedCall& c = BookingRead(WorkTime(d), who, "serious_violent_crime", MaybeCase("FBI-"), "bank robbery task force");
        if (Chance(0.3)) c.authority = "judicial_warrant; ref=CDCA-" + Num("", Uniform(1, 9999), 4);
      }
    }
    for (const auto& who : members_["advocate"]) {
      for (int k = Uniform(1, 2); k > 0; --k) {
        BookingRead(WorkTime(d), who, "victim_notification", "", "notify victim of custody change");
      }
    }
    for (const auto& who : members_["phoenix-det"]) {
      for (int k = Uniform(0, 2); k > 0; --k) {
        BookingRead(WorkTime(d), who, "criminal_investigation", MaybeCase("PHX-"), "out-of-state warrant check");
      }
    }
    // Immigration officers' lawful channels: formal requests and the public locator.
    for (const auto& who : members_["ice-officer"]) {
      if (Chance(0.8)) FormalRequest(WorkTime(d), who, Booking());
      if (Chance(0.7)) Locator(WorkTime(d));
    }
    for (const auto& who : members_["inspector"]) {
      for (int k = Uniform(3, 6); k > 0; --k) BookingRead(WorkTime(d), who, "oversight", "", "audit of outside-agency access");
    }
  }

  // --- the violations -------------------------------------------------------------------
  void Violations(int d) {
    // Barred recipients reading protected data (refused or not, the account reaches data paths).
    if (d % 2 == 0) {
      BookingRead(WorkTime(d), Who("ice-officer", 1), "civil_immigration", "", "status check").injected = kBarredRecipient;
      Truth(kBarredRecipient, Who("ice-officer", 1), "reads bookings directly every other day");
    }
    if (d % 3 == 1) {
      PersonRead(WorkTime(d), Who("ice-officer", 2), "civil_immigration", "", "current address").injected = kBarredRecipient;
      Truth(kBarredRecipient, Who("ice-officer", 2), "reads person records every third day");
    }
    // The outside-agency desk in the intake centre (the officer's token is bound to it).
    if (d % 2 == 1) {
      BookingRead(WorkTime(d), Who("ice-officer", 3), "civil_immigration", "", "release date").injected = kOutsideAgencyDesk;
      Truth(kOutsideAgencyDesk, Who("ice-officer", 3), "works from irc-outside-agency-desk, a jail terminal");
      Truth(kBarredRecipient, Who("ice-officer", 3), "reads bookings from the outside-agency desk");
    }
    if (d % 3 == 2) {
      BookingRead(WorkTime(d), Who("ice-officer", 5), "civil_immigration", "", "address check").injected = kOutsideAgencyDesk;
      Truth(kOutsideAgencyDesk, Who("ice-officer", 5), "works from irc-records-03, a terminal of the jail's records unit");
      Truth(kBarredRecipient, Who("ice-officer", 5), "reads bookings from a jail records terminal");
    }
    // A release feed: one clerk pulling the release list all day; a deputy pulling it too.
    for (int k = 0; k < 15; ++k) {
      ReleaseList(WorkTime(d), Who("lasd-clerk", 7), "booking_operations", "release processing").injected = kReleaseFeed;
    }
    Truth(kReleaseFeed, Who("lasd-clerk", 7), "pulls the release list 15 times a day (peers: 0 to 2)");
    for (int k = 0; k < 4; ++k) {
      SimulatedCall& c = ReleaseList(WorkTime(d), Who("lasd-deputy", 3), "criminal_investigation", "warrant sweep");
      c.case_number = Case("LASD-");
      c.injected = kReleaseFeed;
    }
    Truth(kReleaseFeed, Who("lasd-deputy", 3), "pulls the release list 4 times a day (peers: never)");
    // A side door: a clerk looks someone up; hours later an immigration officer (any of them:
    // the tip goes to the office) files a formal request naming them.
    for (int k = Uniform(1, 2); k > 0; --k) {
      std::string b = Booking();
      TimeMs t = WorkTime(d);
      BookingRead(t, Who("lasd-clerk", 4), "booking_operations", "", "intake processing", b).injected = kSideDoor;
      FormalRequest(t + Uniform(2, 30) * kMsPerHour, Pick(members_["ice-officer"]), b).injected = kSideDoor;
      Truth(kSideDoor, Who("lasd-clerk", 4),
            "each day looks up one or two bookings an immigration officer asks about hours later");
    }
    if (d % 4 != 3) {  // a city jailer tipping off another officer, three days in four
      std::string b = Booking();
      TimeMs t = WorkTime(d);
      BookingRead(t, Who("glendale-jailer", 2), "booking_operations", "", "transfer intake", b).injected = kSideDoor;
      FormalRequest(t + Uniform(2, 30) * kMsPerHour, Pick(members_["ice-officer"]), b).injected = kSideDoor;
      Truth(kSideDoor, Who("glendale-jailer", 2), "most days looks up a booking an immigration officer asks about hours later");
    }
    // Pass-ons: printouts and phone calls to the immigration agency.
    if (d % 3 == 0) {
      SimulatedCall& c = BookingRead(WorkTime(d), Who("lasd-clerk", 5), "booking_operations", "", "intake processing");
      c.channel = "print";
      c.recipient = kImmigrationAgency;
      c.injected = kPassOn;
      Truth(kPassOn, Who("lasd-clerk", 5), "prints booking records for ice-ero-la every third day");
    }
    if (d % 4 == 2) {
      SimulatedCall& c = BookingRead(WorkTime(d), Who("lapd-det", 6), "criminal_investigation", Case("LAPD-"), "follow-up");
      c.channel = "phone";
      c.recipient = kImmigrationAgency;
      c.injected = kPassOn;
      Truth(kPassOn, Who("lapd-det", 6), "phones booking details to ice-ero-la every fourth day");
    }
    // Immigration reasons behind other purposes.
    if (d % 3 == 1) {
      PlateLookup(WorkTime(d), Who("lapd-det", 7), Plate(), Case("LAPD-"), "ICE WARRANT").injected = kImmigrationReason;
      Truth(kImmigrationReason, Who("lapd-det", 7), "plate lookups with the reason \"ICE WARRANT\"");
    }
    if (d % 4 == 3) {
      BookingRead(WorkTime(d), Who("lasd-deputy", 5), "criminal_investigation", Case("LASD-"),
                  "orden de deportaci\xC3\xB3n")
          .injected = kImmigrationReason;
      Truth(kImmigrationReason, Who("lasd-deputy", 5), "booking reads with a reason in Spanish naming deportation");
    }
    // Vague reasons and missing case numbers: two detectives' ordinary work (see Benign).
    Truth(kVagueReason, Who("lapd-det", 8), "gives the reason \"inv\" on every request");
    Truth(kVagueReason, Who("lasd-deputy", 7), "gives the reason \"investigation\" on every request");
    Truth(kMissingCase, Who("lapd-det", 9), "gives no case number on any investigative lookup");
    Truth(kMissingCase, Who("hidta", 2), "gives no case number on any investigative lookup");
    // Volume far above peers.
    for (int k = 0; k < 25; ++k) {
      PlateLookup(WorkTime(d), Who("lapd-patrol", 4), Plate(), Case("LAPD-"), "stolen vehicle check").injected = kVolumeOutlier;
    }
    Truth(kVolumeOutlier, Who("lapd-patrol", 4), "25 extra plate lookups a day");
    for (int k = 0; k < 30; ++k) {
      BookingRead(WorkTime(d), Who("lasd-deputy", 6), "criminal_investigation", Case("LASD-"), "warrant service")
          .injected = kVolumeOutlier;
    }
    Truth(kVolumeOutlier, Who("lasd-deputy", 6), "30 extra booking reads a day");
    // One plate tracked day after day.
    if (d % 2 == 0) {
      if (tracked_plate_.empty()) tracked_plate_ = Plate();
      for (int k = 0; k < 2; ++k) {
        PlateLookup(WorkTime(d), Who("lapd-patrol", 6), tracked_plate_, Case("LAPD-"), "stolen vehicle check")
            .injected = kPlateTracking;
      }
      Truth(kPlateTracking, Who("lapd-patrol", 6), "looks up one plate twice every other day");
    } else {
      if (analyst_plate_.empty()) analyst_plate_ = Plate();
      for (int k = 0; k < 3; ++k) {
        PlateLookup(WorkTime(d), Who("jric-analyst", 3), analyst_plate_, Case("JRIC-"), "narcotics case review")
            .injected = kPlateTracking;
      }
      Truth(kPlateTracking, Who("jric-analyst", 3), "looks up one plate three times every other day");
    }
  }

  // --- the gang database ------------------------------------------------------------------
  void Gang() {
    TimeMs now = in_.start + in_.days * kMsPerDay;
    Truth(kGangNoCriteria, "jric", "6 entries entered on tips, no criteria recorded");
    Truth(kGangNoCriteria, "lapd", "4 entries from field cards with no criteria recorded");
    Truth(kGangReviewOverdue, "la-hidta", "6 entries not reviewed in six years");
    // Entries for persons [from, to) from `source`; `overdue`: entered and last reviewed
    // six years ago or more, else entered within the last two years and never reviewed.
    auto add = [&](int from, int to, const std::string& source, std::vector<std::string> criteria, bool overdue) {
      for (int i = from; i < to; ++i) {
        records::GangEntry g;
        g.person_id = in_.person_ids[static_cast<size_t>(i) % in_.person_ids.size()];
        g.gang = "Simulated Set";
        g.criteria = criteria;
        g.source_agency = source;
        g.entered_at = overdue ? now - (6 * 365 + Uniform(0, 300)) * kMsPerDay : now - Uniform(30, 700) * kMsPerDay;
        g.last_reviewed_at = g.entered_at;
        plan_.gang_entries.push_back(g);
      }
    };
    add(0, 6, "jric", {}, false);     // entered on a tip: no criteria recorded
    add(12, 16, "lapd", {}, false);   // entered from a field card that recorded no criteria
    add(6, 12, "la-hidta", {"frequents_gang_area", "associates_with_members"}, true);  // never reviewed in six years
  }

  const SimulationInputs& in_;
  std::mt19937_64 rng_;
  double scale_ = 1;
  std::map<std::string, std::vector<std::string>> members_;
  std::string tracked_plate_, analyst_plate_;
  SimulationPlan plan_;
};

}  // namespace

Result<SimulationPlan> PlanSimulation(const SimulationInputs& inputs) {
  if (inputs.days < 7) return Status::InvalidArgument("simulate at least 7 days: some patterns need a week to show");
  if (inputs.booking_ids.size() < 50) {
    return Status::InvalidArgument("the county has " + std::to_string(inputs.booking_ids.size()) +
                                   " bookings with release dates; the simulation needs at least 50");
  }
  if (inputs.person_ids.size() < 20) {
    return Status::InvalidArgument("the county has too few persons for the simulation (at least 20)");
  }
  if (inputs.events_per_day < 500) {
    return Status::InvalidArgument("events per day: at least 500 (the smallest set of staff the plan models)");
  }
  return Planner(inputs).Plan();
}

std::vector<TruthEntry> GangTruth(const std::vector<records::GangEntry>& entries, TimeMs now) {
  std::map<std::string, int> overdue, no_criteria;
  for (const auto& g : entries) {
    if (g.last_reviewed_at < now - records::kGangReviewInterval) overdue[g.source_agency]++;
    if (g.criteria.empty()) no_criteria[g.source_agency]++;
  }
  std::vector<TruthEntry> out;
  for (const auto& [agency, n] : overdue) {
    out.push_back({{kGangReviewOverdue, agency}, std::to_string(n) + " entries past the five-year review", "county"});
  }
  for (const auto& [agency, n] : no_criteria) {
    out.push_back({{kGangNoCriteria, agency}, std::to_string(n) + " entries with no criteria", "county"});
  }
  return out;
}

Score ScoreFindings(const std::set<TruthKey>& truth, const std::set<TruthKey>& reported) {
  Score s;
  for (const auto& k : truth) {
    DetectorScore& d = s.by_detector[k.first];
    ++d.expected;
    ++s.overall.expected;
    if (reported.count(k)) {
      ++d.found;
      ++s.overall.found;
    } else {
      s.missed.push_back(k);
    }
  }
  for (const auto& k : reported) {
    DetectorScore& d = s.by_detector[k.first];
    ++d.reported;
    ++s.overall.reported;
    if (!truth.count(k)) {
      ++d.false_positives;
      ++s.overall.false_positives;
      s.false_positives.push_back(k);
    }
  }
  return s;
}

}  // namespace tg::oversight
