// The records domain: what a county jail and a police department keep, in design.md's words.
// Plain structs, no behaviour beyond small helpers; the Store (store.h) keeps them.
//
// Conventions
// - Times are `TimeMs`: milliseconds since the Unix epoch, UTC. An absent time is
//   std::nullopt. FormatIso8601 / ParseIso8601 convert to and from text.
// - Calendar dates that have no time of day (date of birth) are ISO-8601 strings
//   "YYYY-MM-DD".
// - Ids are strings chosen by whoever creates the record ("lasd", "P00001234",
//   "LASD-2024-0001234"), except the high-volume or store-assigned rows (plate reads,
//   agency requests, notices, hotlist entries, field contacts, gang entries) whose `id` is an
//   int64 the store assigns on insert (0 before insertion).
// - Field names follow design.md's API field names where there is one (booking_id,
//   person_id, name, dob, address, ..., plate, state, read_at, lat, lon, device, agency).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace tg::records {

// Milliseconds since 1970-01-01T00:00:00Z.
using TimeMs = int64_t;
constexpr TimeMs kMsPerSecond = 1000;
constexpr TimeMs kMsPerMinute = 60 * kMsPerSecond;
constexpr TimeMs kMsPerHour = 60 * kMsPerMinute;
constexpr TimeMs kMsPerDay = 24 * kMsPerHour;

// "2024-05-01T12:34:56Z", or "2024-05-01T12:34:56.789Z" when the milliseconds are not zero.
std::string FormatIso8601(TimeMs t);
// "2024-05-01T12:34:56" then `fraction_digits` (0 to 3) digits of the second, truncated
// (after a '.' when there are any), then "Z". A year outside 0..9999 is written as printf's
// "%04d" writes it.
std::string FormatUtc(TimeMs t, int fraction_digits);
// "2024-05-01" (the UTC date of t).
std::string FormatDate(TimeMs t);
// Accepts "YYYY-MM-DD" (midnight UTC), "YYYY-MM-DDTHH:MM[:SS[.fraction]]" followed by "Z" or
// "+HH:MM"/"-HH:MM" (a time without a zone is rejected), and a space instead of 'T'.
Result<TimeMs> ParseIso8601(const std::string& text);
// Milliseconds at midnight UTC of a proleptic Gregorian date; and back.
TimeMs TimeFromCivil(int year, int month, int day);
void CivilFromTime(TimeMs t, int* year, int* month, int* day);
// Day of the week of t's UTC date: 0 = Sunday .. 6 = Saturday.
int WeekdayOf(TimeMs t);
// The current wall-clock time.
TimeMs NowMs();

// ---------------------------------------------------------------------------------------
// Agencies, people who use the system, where they sit, and their credentials.

// An organisation. `kind` is one of design.md's recipient kinds: local_police, sheriff,
// jail, state_agency, federal_law_enforcement, immigration, out_of_state, task_force,
// fusion_center, probation, court, victim_services, private, public. (The synthetic county
// also uses `oversight` for the inspector general's office, which is no recipient.)
struct Agency {
  std::string id;     // "lasd", "lapd", "ice-ero-la"
  std::string name;   // "Los Angeles County Sheriff's Department"
  std::string kind;   // a recipient kind
  std::string state;  // two-letter state of the agency ("CA", "AZ"; "US" for none)
  std::string ori;    // NCIC Originating Agency Identifier (9 characters), may be empty

  bool operator==(const Agency&) const = default;
};

// A person who uses TrustGate (or on whose behalf it is used).
struct User {
  std::string id;         // "lasd-records-clerk"
  std::string name;       // "Maria Delgado"
  std::string agency_id;  // Agency::id
  std::vector<std::string> roles;  // "records_clerk", "detective", "inspector", ...

  bool operator==(const User&) const = default;
};

// A terminal, identified and owned by an agency, possibly used by another agency's staff
// (the jail's outside-agency desk).
struct Workstation {
  std::string id;         // "irc-outside-agency-desk"
  std::string location;   // "Inmate Reception Center, 450 Bauchet St, Los Angeles"
  std::string agency_id;  // the owning agency

  bool operator==(const Workstation&) const = default;
};

// A bearer token. Only its SHA-256 hash is stored; the plaintext is shown once, when made.
struct ApiToken {
  std::string id;          // "tok_" + 16 hex digits; safe to show and log
  std::string token_hash;  // lowercase hex SHA-256 of the plaintext token
  std::string user_id;
  std::optional<std::string> workstation_id;  // bound to a workstation when set
  TimeMs created_at = 0;
  bool revoked = false;
  std::optional<TimeMs> revoked_at;

  bool operator==(const ApiToken&) const = default;
};

// ---------------------------------------------------------------------------------------
// Jail and court records.

struct Person {
  std::string person_id;  // "P00001234"
  std::string first_name;
  std::string middle_name;  // may be empty
  std::string last_name;
  std::string dob;          // "YYYY-MM-DD"
  std::string sex;          // "M", "F", "X"
  std::string birthplace;   // "Guadalajara, Jalisco, Mexico", "Los Angeles, CA, USA"
  std::string address;      // one line
  std::string phone;
  std::string email;
  // As recorded by the jail, where recorded: "" (not recorded), "citizen",
  // "lawful_permanent_resident", "visa_holder", "undocumented", "unknown".
  std::string immigration_status;
  bool sex_registrant = false;    // current registrant (PC 290)
  bool arson_registrant = false;  // current registrant (PC 457.1)

  // "First Middle Last" (API field `name`).
  std::string name() const;
  bool operator==(const Person&) const = default;
};

// One charge on a booking, from the California DOJ offense code table.
struct Charge {
  std::string code;         // offense code, "12004"
  std::string statute;      // "PC 211": statute type, space, section
  std::string description;  // "ROBBERY"
  char level = 'M';         // 'F' felony, 'M' misdemeanor, 'I' infraction
  int degree = 0;           // 1 or 2 where the code has a degree, else 0

  bool operator==(const Charge&) const = default;
};

struct Booking {
  std::string booking_id;  // "LASD-2024-0001234"
  std::string person_id;
  std::string name;        // the booked name, "First Middle Last" (API field `name`)
  TimeMs booked_at = 0;
  std::string arresting_agency;  // Agency::id
  std::vector<Charge> charges;
  int64_t bail = 0;              // US dollars; 0 for no bail set / not eligible
  std::string facility;          // "Men's Central Jail"
  std::string housing;           // "MCJ 3000 / Module 3100 / Cell 12"
  std::string custody_status;    // "in_custody", "released", "transferred"
  std::optional<TimeMs> scheduled_release_at;
  std::optional<TimeMs> released_at;  // actual release, when it happened
  // "sentence_served", "bail_posted", "own_recognizance", "charges_dropped",
  // "court_order", "transfer"; empty while in custody without a decided release.
  std::string release_type;
  std::optional<TimeMs> court_date;
  std::string court;             // "Clara Shortridge Foltz Criminal Justice Center, Dept 100"
  std::string photo_url;         // "/photos/LASD-2024-0001234.jpg"

  // API field `release_at`: the actual release when released, else the scheduled one.
  std::optional<TimeMs> release_at() const {
    return released_at ? released_at : scheduled_release_at;
  }
  bool operator==(const Booking&) const = default;
};

struct Conviction {
  int64_t id = 0;  // assigned by the store
  std::string person_id;
  std::string code;         // offense code
  std::string statute;      // "PC 187"
  std::string description;  // "MURDER:SECOND DEGREE"
  char level = 'F';         // 'F', 'M', 'I'
  int degree = 0;
  TimeMs convicted_at = 0;
  std::string sentence;     // "state prison 6 years", "county jail 180 days", "probation 3 years"
  std::string court;
  bool sex_registrable = false;    // requires PC 290 registration
  bool arson_registrable = false;  // requires PC 457.1 registration

  bool operator==(const Conviction&) const = default;
};

// A request received from another agency about a person in custody.
struct AgencyRequest {
  int64_t id = 0;  // assigned by the store
  std::string kind;  // "hold", "notify", "transfer", "interview", "info"
  std::string booking_id;
  std::string person_id;
  std::string requesting_agency;  // Agency::id
  std::string requested_by;       // User::id, may be empty (paper request)
  // design.md authority kinds: judicial_warrant, judicial_probable_cause, court_order,
  // judicial_subpoena, administrative_warrant, administrative_subpoena, detainer, none.
  std::string authority_kind;
  std::string authority_ref;      // "I-247A 2024-LA-00123"
  std::string reason;
  TimeMs received_at = 0;
  std::string outcome;            // "pending", "accepted", "declined", "referred"
  std::optional<TimeMs> decided_at;

  bool operator==(const AgencyRequest&) const = default;
};

// A notice sent by the agency: to a requester, to the person concerned (e.g. a copy of an
// immigration request, Gov. Code 7283.1(a)), to counsel.
struct Notice {
  int64_t id = 0;  // assigned by the store
  std::optional<int64_t> request_id;  // the AgencyRequest it answers, if any
  std::string booking_id;
  std::string person_id;
  std::string recipient;   // an Agency::id, or "person:<person_id>", or "counsel"
  std::string kind;        // "request_copy", "release_notification", "decline", "referral"
  std::string channel;     // "mail", "email", "api", "in_person"
  TimeMs sent_at = 0;
  std::string body;

  bool operator==(const Notice&) const = default;
};

// ---------------------------------------------------------------------------------------
// ALPR.

struct AlprDevice {
  std::string id;         // "LAPD-ALPR-0042", "SPD2020621MDC"
  std::string agency_id;
  std::string kind;       // "fixed", "mobile" (patrol car), "trailer"
  std::string location;   // "Sunset Blvd & Vine St" or the vehicle ("Plain car")
  double lat = 0;
  double lon = 0;

  bool operator==(const AlprDevice&) const = default;
};

struct PlateRead {
  int64_t id = 0;        // assigned by the store
  std::string plate;     // "8ABC123", or the 40-hex hash the Seattle data has
  std::string state;     // "CA"; empty when not recorded
  TimeMs read_at = 0;
  // Where the read was taken; absent when the source did not record it (the Seattle file
  // has "NA" for about a quarter of its reads).
  std::optional<double> lat;
  std::optional<double> lon;
  std::string device;    // AlprDevice::id
  std::string agency;    // Agency::id
  double confidence = 0;  // 0..1 OCR confidence; 0 when not recorded
  std::string image_ref;  // "alpr/2024/05/01/123456.jpg"; may be empty

  bool operator==(const PlateRead&) const = default;
};

struct Hotlist {
  std::string id;          // "ncic-stolen", "lapd-local"
  std::string name;
  std::string agency_id;   // who maintains it
  bool operator==(const Hotlist&) const = default;
};

struct HotlistEntry {
  int64_t id = 0;          // assigned by the store
  std::string hotlist_id;
  std::string plate;
  std::string state;
  std::string reason;      // "stolen_vehicle", "wanted_person", "amber_alert", "immigration"
  std::string source_agency;
  TimeMs added_at = 0;
  std::optional<TimeMs> expires_at;
  bool operator==(const HotlistEntry&) const = default;
};

// ---------------------------------------------------------------------------------------
// Field contacts and traffic stops; gang database.

struct FieldContact {
  int64_t id = 0;          // assigned by the store
  std::string person_id;
  std::string agency_id;
  std::string officer_id;  // User::id, may be empty
  std::string kind;        // "traffic_stop", "field_interview", "pedestrian_stop"
  TimeMs contacted_at = 0;
  std::string location;
  double lat = 0;
  double lon = 0;
  std::string reason;      // "equipment_violation", "moving_violation", "suspicious_activity", ...
  std::string outcome;     // "warning", "citation", "arrest", "no_action", "field_interview_card"
  std::string vehicle_plate;   // may be empty
  std::string vehicle_state;
  std::string vehicle_description;  // "2014 Honda Civic, grey"
  std::vector<std::string> social_media;  // handles noted by the officer
  bool operator==(const FieldContact&) const = default;
};

// A gang database entry. 28 CFR Part 23 requires review (revalidation) within five years.
struct GangEntry {
  int64_t id = 0;          // assigned by the store
  std::string person_id;
  std::string gang;        // the group name as entered
  std::vector<std::string> criteria;  // "admits_membership", "tattoos", "associates", ...
  std::string source_agency;
  TimeMs entered_at = 0;
  TimeMs last_reviewed_at = 0;
  bool operator==(const GangEntry&) const = default;
};

constexpr TimeMs kGangReviewInterval = 5LL * 365 * kMsPerDay;  // 28 CFR 23.20(h)

}  // namespace tg::records
