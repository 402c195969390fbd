#include "synthetic_traffic.h"

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <random>

#include "oversight/finding.h"

namespace tg::oversight::testing {

using records::kMsPerDay;
using records::kMsPerHour;
using records::kMsPerMinute;
using records::TimeMs;

TruthKey KeyOf(const std::string& detector, const std::string& principal, const std::string& agency) {
  return {detector, principal.empty() ? agency : principal};
}

namespace {

// The synthetic county must build; a failure here is a bug in the test itself.
void Must(bool ok) {
  if (!ok) std::abort();
}

std::string Num(const char* prefix, int n, int width = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%0*d", prefix, width, n);
  return buf;
}

class Builder {
 public:
  Builder(uint64_t seed, int days) : rng_(seed), days_(days) {
    start_ = records::TimeFromCivil(2026, 10, 1);
  }

  SyntheticCounty Build() {
    SyntheticCounty c;
    auto store = records::OpenSqliteStore(":memory:");
    Must(store.ok());
    c.store = std::move(*store);
    Directory(*c.store);
    for (int d = 0; d < days_; ++d) {
      Benign(d);
      Violations(d);
    }
    Gang(*c.store, c.truth);
    std::stable_sort(events_.begin(), events_.end(),
                     [](const AuditEvent& a, const AuditEvent& b) { return a.time < b.time; });
    for (size_t i = 0; i < events_.size(); ++i) events_[i].index = i;
    c.events = std::move(events_);
    c.truth.insert(truth_.begin(), truth_.end());
    c.start = start_;
    c.now = start_ + days_ * kMsPerDay;
    return c;
  }

 private:
  // --- who is who ---------------------------------------------------------------------
  void Agency(records::Store& s, const std::string& id, const std::string& kind) {
    auto st = s.PutAgency({id, id + " (synthetic)", kind, "CA", ""});
    Must(st.ok());
  }
  void Users(records::Store& s, const char* prefix, int n, const std::string& agency,
             const std::string& role) {
    for (int i = 1; i <= n; ++i) {
      std::string id = Num(prefix, i);
      auto st = s.PutUser({id, id, agency, {role}});
      Must(st.ok());
      agency_of_[id] = agency;
    }
  }
  void Directory(records::Store& s) {
    Agency(s, "lasd", "sheriff");
    Agency(s, "lapd", "local_police");
    Agency(s, "ice-ero-la", "immigration");
    Agency(s, "fbi-la", "federal_law_enforcement");
    Agency(s, "jric", "fusion_center");
    Agency(s, "oig", "oversight");
    Agency(s, "lacvs", "victim_services");
    Users(s, "lasd-clerk-", 20, "lasd", "records_clerk");
    Users(s, "lasd-deputy-", 15, "lasd", "deputy");
    Users(s, "lapd-det-", 25, "lapd", "detective");
    Users(s, "lapd-patrol-", 20, "lapd", "patrol_officer");
    Users(s, "fbi-agent-", 5, "fbi-la", "special_agent");
    Users(s, "jric-analyst-", 6, "jric", "analyst");
    Users(s, "ice-officer-", 6, "ice-ero-la", "immigration_officer");
    Users(s, "advocate-", 5, "lacvs", "victim_advocate");
    Users(s, "inspector-", 1, "oig", "inspector");
    for (int i = 1; i <= 20; ++i) {
      auto st = s.PutWorkstation({Num("lasd-ws-", i), "Records office", "lasd"});
      Must(st.ok());
    }
    auto st = s.PutWorkstation({"irc-outside-agency-desk", "Inmate Reception Center", "lasd"});
    Must(st.ok());
  }

  // --- randomness ---------------------------------------------------------------------
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Uniform(0, static_cast<int>(v.size()) - 1)]; }
  TimeMs WorkTime(int day) {
    return start_ + day * kMsPerDay + 8 * kMsPerHour + Uniform(0, 10 * 60) * kMsPerMinute +
           Uniform(0, 5999) * 10;
  }
  std::string Booking() { return Num("B", Uniform(1, 3000), 5); }
  std::string Plate() { return Num("8PL", Uniform(1, 20000), 5); }
  std::string Case(const char* prefix) { return Num(prefix, Uniform(1, 9999), 4); }

  // --- events -------------------------------------------------------------------------
  struct Ev {
    std::string principal, path, query, purpose, case_number, reason;
    std::string channel = "api", recipient, workstation, method = "GET";
    std::vector<std::string> records;
    std::vector<std::string> allow, deny;  // categories
  };
  void Add(TimeMs t, const Ev& v) {
    AuditEvent e;
    e.time = t;
    e.principal = v.principal;
    e.agency = agency_of_.at(v.principal);
    e.workstation = v.workstation;
    e.client_address = "10.0.0.1";
    e.method = v.method;
    e.path = v.path;
    e.query = v.query;
    e.purpose = v.purpose;
    e.case_number = v.case_number;
    e.reason = v.reason;
    e.channel = v.channel;
    e.recipient = v.recipient;
    e.record_ids = v.records;
    for (const auto& r : v.records) e.released.emplace_back(r, v.allow);
    for (const auto& c : v.allow) e.decisions.push_back({c, "allow", {"local-" + c}, {}});
    for (const auto& c : v.deny) e.decisions.push_back({c, "deny", {"sb54-" + c}, {}});
    e.status = v.allow.empty() && !v.deny.empty() ? 403 : 200;
    e.outcome = e.status == 200 ? "ok" : "denied";
    events_.push_back(std::move(e));
  }
  Ev BookingRead(const std::string& who, const std::string& booking, const std::string& purpose,
                 const std::string& case_number, const std::string& reason) {
    Ev v;
    v.principal = who;
    v.path = "/v1/bookings/" + booking;
    v.purpose = purpose;
    v.case_number = case_number;
    v.reason = reason;
    v.records = {booking};
    v.allow = {"identity", "custody", "charges", "release", "dob"};
    return v;
  }
  Ev PlateRead(const std::string& who, const std::string& plate, const std::string& case_number,
               const std::string& reason) {
    Ev v;
    v.principal = who;
    v.path = "/v1/plates/" + plate + "/reads";
    v.query = "days=30";
    v.purpose = "criminal_investigation";
    v.case_number = case_number;
    v.reason = reason;
    v.allow = {"alpr"};
    for (int i = 0, n = Uniform(0, 4); i < n; ++i) v.records.push_back(Num("read-", Uniform(1, 999999), 6));
    return v;
  }
  Ev ReleaseList(const std::string& who, int n, const std::string& purpose) {
    Ev v;
    v.principal = who;
    v.path = "/v1/bookings";
    v.query = "release_within=48h";
    v.purpose = purpose;
    v.reason = "release processing";
    for (int i = 0; i < n; ++i) v.records.push_back(Booking());
    v.allow = {"identity", "release", "custody"};
    return v;
  }

  std::string InvReason(const std::vector<std::string>& good, double vague) {
    return Chance(vague) ? "inv" : Pick(good);
  }

  void Benign(int d) {
    static const std::vector<std::string> kClerk = {"intake processing", "property release",
                                                    "classification review", "court transport list",
                                                    "visiting check"};
    static const std::vector<std::string> kInvest = {
        "burglary suspect vehicle", "robbery follow-up", "assault victim statement",
        "warrant service", "stolen vehicle check", "hit and run follow-up",
        "narcotics case review", "missing person", "homicide case 24-113", "fraud complaint"};
    for (int i = 1; i <= 20; ++i) {
      std::string who = Num("lasd-clerk-", i);
      for (int k = Uniform(8, 14); k > 0; --k) {
        Ev v = BookingRead(who, Booking(), "booking_operations", "", Pick(kClerk));
        v.workstation = Num("lasd-ws-", i);
        Add(WorkTime(d), v);
      }
      for (int k = Uniform(0, 2); k > 0; --k) {
        Ev v = ReleaseList(who, Uniform(10, 30), "booking_operations");
        v.workstation = Num("lasd-ws-", i);
        Add(WorkTime(d), v);
      }
    }
    auto investigator = [&](const std::string& who, int bookings, int plates, const char* case_prefix) {
      bool vague_all = who == "lapd-det-14";
      bool no_case = who == "lapd-det-17";
      for (int k = 0; k < bookings; ++k) {
        std::string reason = vague_all ? "inv" : InvReason(kInvest, 0.03);
        std::string c = (no_case || Chance(0.03)) ? "" : Case(case_prefix);
        Add(WorkTime(d), BookingRead(who, Booking(), "criminal_investigation", c, reason));
      }
      for (int k = 0; k < plates; ++k) {
        std::string reason = vague_all ? "inv" : InvReason(kInvest, 0.03);
        std::string c = (no_case || Chance(0.03)) ? "" : Case(case_prefix);
        Add(WorkTime(d), PlateRead(who, Plate(), c, reason));
      }
    };
    for (int i = 1; i <= 15; ++i) investigator(Num("lasd-deputy-", i), Uniform(4, 8), 0, "LASD-C-");
    for (int i = 1; i <= 25; ++i) investigator(Num("lapd-det-", i), Uniform(2, 4), Uniform(3, 6), "LAPD-");
    for (int i = 1; i <= 20; ++i) investigator(Num("lapd-patrol-", i), 0, Uniform(2, 5), "LAPD-");
    for (int i = 1; i <= 5; ++i) investigator(Num("fbi-agent-", i), Uniform(1, 3), 0, "FBI-");
    for (int i = 1; i <= 6; ++i) investigator(Num("jric-analyst-", i), 0, Uniform(3, 6), "JRIC-");
    for (int i = 1; i <= 5; ++i) {
      for (int k = Uniform(1, 2); k > 0; --k) {
        Add(WorkTime(d), BookingRead(Num("advocate-", i), Booking(), "victim_notification", "",
                                     "notify victim of custody change"));
      }
    }
    // Immigration officers' lawful channels: formal requests and the public locator.
    for (int i = 1; i <= 6; ++i) {
      std::string who = Num("ice-officer-", i);
      if (Chance(0.8)) {
        Ev v;
        v.principal = who;
        v.method = "POST";
        v.path = "/v1/requests";
        v.purpose = "civil_immigration";
        v.reason = "I-247A detainer";
        v.records = {Booking()};
        Add(WorkTime(d), v);
      }
      Ev pub;
      pub.principal = who;
      pub.path = "/v1/public/inmates";
      pub.query = "name=garcia";
      pub.purpose = "civil_immigration";
      pub.reason = "locate";
      Add(WorkTime(d), pub);
    }
    for (int k = 0; k < 5; ++k) {
      Ev v = BookingRead("inspector-01", Booking(), "oversight", "", "audit of ICE access");
      Add(WorkTime(d), v);
    }
  }

  void Violations(int d) {
    // Barred recipient reading protected data (a misconfigured policy let it through).
    if (d % 3 == 0) {
      Ev v = BookingRead("ice-officer-01", Booking(), "civil_immigration", "", "status check");
      Add(WorkTime(d), v);
      truth_.insert({kBarredRecipient, "ice-officer-01"});
    }
    // Barred recipient trying protected data and refused.
    if (d % 2 == 0) {
      Ev v = BookingRead("ice-officer-02", Booking(), "civil_immigration", "", "address");
      v.allow = {"identity"};
      v.deny = {"dob", "address", "release"};
      Add(WorkTime(d), v);
      truth_.insert({kBarredRecipient, "ice-officer-02"});
    }
    // An outside-agency desk in the intake centre.
    if (d % 2 == 1) {
      Ev v = BookingRead("ice-officer-03", Booking(), "civil_immigration", "", "release date");
      v.workstation = "irc-outside-agency-desk";
      v.allow = {"identity", "release"};
      Add(WorkTime(d), v);
      truth_.insert({kOutsideAgencyDesk, "ice-officer-03"});
      truth_.insert({kBarredRecipient, "ice-officer-03"});
    }
    // A release feed: one clerk pulling the release list all day; a deputy pulling in bulk.
    for (int k = 0; k < 15; ++k) {
      Ev v = ReleaseList("lasd-clerk-07", 80, "booking_operations");
      v.workstation = "lasd-ws-07";
      Add(WorkTime(d), v);
    }
    truth_.insert({kReleaseFeed, "lasd-clerk-07"});
    for (int k = 0; k < 4; ++k) Add(WorkTime(d), ReleaseList("lasd-deputy-03", 60, "criminal_investigation"));
    truth_.insert({kReleaseFeed, "lasd-deputy-03"});
    // A side door: a clerk looks people up; hours later ICE asks for exactly them.
    if (d % 2 == 0) {
      std::string b = Booking();
      TimeMs t = WorkTime(d);
      Ev look = BookingRead("lasd-clerk-12", b, "booking_operations", "", "intake processing");
      look.workstation = "lasd-ws-12";
      Add(t, look);
      Ev req;
      req.principal = "ice-officer-04";
      req.method = "POST";
      req.path = "/v1/requests";
      req.purpose = "civil_immigration";
      req.reason = "notify request";
      req.records = {b};
      Add(t + Uniform(2, 30) * kMsPerHour, req);
      truth_.insert({kSideDoor, "lasd-clerk-12"});
    }
    // Pass-ons: printouts and phone calls to the immigration agency.
    if (d % 5 == 0) {
      Ev v = BookingRead("lasd-clerk-15", Booking(), "booking_operations", "", "intake processing");
      v.channel = "print";
      v.recipient = "ice-ero-la";
      v.workstation = "lasd-ws-15";
      Add(WorkTime(d), v);
      truth_.insert({kPassOn, "lasd-clerk-15"});
    }
    if (d % 10 == 3) {
      Ev v = BookingRead("lapd-det-09", Booking(), "criminal_investigation", Case("LAPD-"), "follow-up");
      v.channel = "phone";
      v.recipient = "ice-ero-la";
      v.allow = {"identity"};
      v.deny = {"release", "address"};
      Add(WorkTime(d), v);
      truth_.insert({kPassOn, "lapd-det-09"});
    }
    // Immigration reasons behind other purposes.
    if (d % 6 == 1) {
      Add(WorkTime(d), PlateRead("lapd-det-11", Plate(), Case("LAPD-"), "ICE WARRANT"));
      truth_.insert({kImmigrationReason, "lapd-det-11"});
    }
    if (d % 10 == 5) {
      Add(WorkTime(d), BookingRead("lasd-deputy-08", Booking(), "criminal_investigation",
                                   Case("LASD-C-"), "orden de deportaci\xC3\xB3n"));
      truth_.insert({kImmigrationReason, "lasd-deputy-08"});
    }
    // Vague reasons at volume and lookups without case numbers (in Benign: det-14, det-17).
    truth_.insert({kVagueReason, "lapd-det-14"});
    truth_.insert({kMissingCase, "lapd-det-17"});
    // Volume far above peers.
    for (int k = 0; k < 25; ++k) Add(WorkTime(d), PlateRead("lapd-patrol-04", Plate(), Case("LAPD-"), "stolen vehicle check"));
    truth_.insert({kVolumeOutlier, "lapd-patrol-04"});
    for (int k = 0; k < 30; ++k) {
      Add(WorkTime(d), BookingRead("lasd-deputy-11", Booking(), "criminal_investigation",
                                   Case("LASD-C-"), "warrant service"));
    }
    truth_.insert({kVolumeOutlier, "lasd-deputy-11"});
    // One plate tracked day after day.
    if (d % 5 == 0) {
      for (int k = 0; k < 2; ++k) {
        Add(WorkTime(d), PlateRead("lapd-patrol-09", "7XYZ123", Case("LAPD-"), "stolen vehicle check"));
      }
      truth_.insert({kPlateTracking, "lapd-patrol-09"});
    }
  }

  void Gang(records::Store& s, std::set<TruthKey>& truth) {
    TimeMs now = start_ + days_ * kMsPerDay;
    for (int i = 1; i <= 60; ++i) {
      records::Person p;
      p.person_id = Num("P", i, 5);
      p.first_name = "Test";
      p.last_name = Num("Person", i, 3);
      p.dob = "1990-01-01";
      auto st = s.PutPerson(p);
      Must(st.ok());
      records::GangEntry g;
      g.person_id = p.person_id;
      g.gang = "group";
      g.criteria = {"admits_membership", "tattoos"};
      g.source_agency = "lapd";
      g.entered_at = now - 400 * kMsPerDay;
      g.last_reviewed_at = now - 100 * kMsPerDay;
      if (i <= 10) {  // never reviewed in six years
        g.source_agency = "lasd";
        g.entered_at = g.last_reviewed_at = now - 6 * 365 * kMsPerDay;
      } else if (i <= 15) {  // no documented criteria
        g.source_agency = "jric";
        g.criteria.clear();
      }
      auto id = s.AddGangEntry(g);
      Must(id.ok());
    }
    truth.insert({kGangReviewOverdue, "lasd"});
    truth.insert({kGangNoCriteria, "jric"});
  }

  std::mt19937_64 rng_;
  int days_;
  TimeMs start_ = 0;
  std::map<std::string, std::string> agency_of_;
  std::vector<AuditEvent> events_;
  std::set<TruthKey> truth_;
};

}  // namespace

SyntheticCounty MakeSyntheticCounty(uint64_t seed, int days) { return Builder(seed, days).Build(); }

}  // namespace tg::oversight::testing
