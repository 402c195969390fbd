// The synthetic county (county.h). Everything is drawn from counter-based random streams
// seeded by (seed, stream name, index), so the data depend only on the options, not on
// thread timing: plate reads are generated in fixed chunks on a worker thread while the
// calling thread writes earlier chunks to the store.
#include "records/county.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "records/importers.h"

#ifndef TG_SHARED_DIR
#define TG_SHARED_DIR "../shared"
#endif

namespace tg::records {

namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------
// Deterministic randomness: SplitMix64 for seeding, xoshiro256** for streams, and our own
// distributions (the standard library's are implementation-defined).

uint64_t SplitMix(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t HashName(const char* s) {  // FNV-1a
  uint64_t h = 1469598103934665603ULL;
  for (; *s; ++s) h = (h ^ static_cast<unsigned char>(*s)) * 1099511628211ULL;
  return h;
}

class Rng {
 public:
  Rng(uint64_t seed, const char* stream, uint64_t index = 0) {
    uint64_t x = seed ^ HashName(stream) ^ (index * 0xD1B54A32D192ED03ULL);
    for (auto& w : s_) w = SplitMix(x);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n).
  uint64_t Below(uint64_t n) {
    if (n <= 1) return 0;
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  int64_t Range(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }
  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& v) { return v[Below(N)]; }
  // Exponential with the given mean.
  double Exp(double mean) { return -mean * std::log(1.0 - Unit()); }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// A discrete distribution over indexes by weight (alias-free: cumulative + binary search).
class Weighted {
 public:
  Weighted() = default;
  explicit Weighted(const std::vector<double>& w) {
    double sum = 0;
    for (double x : w) {
      sum += std::max(0.0, x);
      cum_.push_back(sum);
    }
  }
  size_t Draw(Rng& r) const {
    const double u = r.Unit() * cum_.back();
    return static_cast<size_t>(std::upper_bound(cum_.begin(), cum_.end(), u) - cum_.begin());
  }
  bool empty() const { return cum_.empty() || cum_.back() <= 0; }

 private:
  std::vector<double> cum_;
};

// ---------------------------------------------------------------------------------------
// Reference lists.

struct AgencyDef {
  const char* id;
  const char* name;
  const char* kind;
  const char* state;
  const char* ori;
  int users;
  std::vector<const char*> roles;  // drawn uniformly for non-demo users
};

// ORIs are illustrative (the right shape, not the agencies' real identifiers).
const std::vector<AgencyDef>& Agencies() {
  static const std::vector<AgencyDef> kAgencies = {
      {"lasd", "Los Angeles County Sheriff's Department", "sheriff", "CA", "CA0190000", 60,
       {"records_clerk", "records_clerk", "custody_deputy", "custody_deputy", "custody_assistant", "deputy", "deputy",
        "detective", "supervisor", "jail_staff"}},
      {"lapd", "Los Angeles Police Department", "local_police", "CA", "CA0194200", 60,
       {"patrol_officer", "patrol_officer", "patrol_officer", "detective", "detective", "records_clerk", "crime_analyst",
        "supervisor"}},
      {"long-beach-pd", "Long Beach Police Department", "local_police", "CA", "CA0190500", 15,
       {"patrol_officer", "detective", "records_clerk"}},
      {"pasadena-pd", "Pasadena Police Department", "local_police", "CA", "CA0193600", 12,
       {"patrol_officer", "detective", "records_clerk"}},
      {"glendale-pd", "Glendale Police Department", "local_police", "CA", "CA0191700", 12,
       {"patrol_officer", "detective", "records_clerk"}},
      {"santa-monica-pd", "Santa Monica Police Department", "local_police", "CA", "CA0194700", 12,
       {"patrol_officer", "detective", "records_clerk"}},
      {"inglewood-pd", "Inglewood Police Department", "local_police", "CA", "CA0192400", 12,
       {"patrol_officer", "detective", "records_clerk"}},
      {"burbank-pd", "Burbank Police Department", "local_police", "CA", "CA0190700", 10,
       {"patrol_officer", "detective", "records_clerk"}},
      {"torrance-pd", "Torrance Police Department", "local_police", "CA", "CA0195400", 12,
       {"patrol_officer", "detective", "records_clerk"}},
      {"glendale-city-jail", "Glendale City Jail", "jail", "CA", "CA0191701", 8, {"jailer", "records_clerk"}},
      {"chp", "California Highway Patrol, Southern Division", "state_agency", "CA", "CA0349400", 20,
       {"officer", "officer", "investigator"}},
      {"ca-doj", "California Department of Justice", "state_agency", "CA", "CA0349430", 8,
       {"special_agent", "analyst"}},
      {"ice-ero-la", "U.S. Immigration and Customs Enforcement, ERO Los Angeles", "immigration", "US", "DCICE0200", 12,
       {"immigration_officer", "immigration_officer", "supervisor"}},
      {"cbp-la", "U.S. Customs and Border Protection, Los Angeles Field Office", "immigration", "US", "DCCBP0100", 6,
       {"officer", "supervisor"}},
      {"hsi-la", "Homeland Security Investigations, Los Angeles", "immigration", "US", "DCHSI0200", 8,
       {"special_agent", "analyst"}},
      {"fbi-la", "Federal Bureau of Investigation, Los Angeles Field Office", "federal_law_enforcement", "US",
       "DCFBILA00", 10, {"special_agent", "special_agent", "analyst"}},
      {"dea-la", "Drug Enforcement Administration, Los Angeles Division", "federal_law_enforcement", "US", "DCDEA0100", 6,
       {"special_agent", "analyst"}},
      {"usms-cdca", "U.S. Marshals Service, Central District of California", "federal_law_enforcement", "US",
       "DCUSM0300", 6, {"deputy_marshal"}},
      {"jric", "Joint Regional Intelligence Center (Los Angeles fusion centre)", "fusion_center", "CA", "CA019JRIC", 12,
       {"analyst", "analyst", "liaison_officer"}},
      {"la-hidta", "Los Angeles HIDTA Task Force", "task_force", "CA", "CA019HIDT", 10, {"task_force_officer"}},
      {"la-probation", "Los Angeles County Probation Department", "probation", "CA", "CA019015Y", 25,
       {"probation_officer", "probation_officer", "supervisor"}},
      {"la-superior-court", "Superior Court of California, County of Los Angeles", "court", "CA", "CA019015J", 12,
       {"court_clerk", "judicial_assistant"}},
      {"la-da-victim-services", "LA County District Attorney, Bureau of Victim Services", "victim_services", "CA",
       "CA019013A", 10, {"victim_advocate"}},
      {"phoenix-pd", "Phoenix Police Department", "out_of_state", "AZ", "AZ0072300", 4, {"patrol_officer", "detective"}},
      {"northstar-data", "Northstar Vehicle Data, Inc. (private ALPR data vendor)", "private", "CA", "", 4,
       {"data_analyst", "customer_support"}},
      {"public", "Members of the public", "public", "US", "", 0, {}},
      {"la-oig", "Los Angeles County Office of Inspector General", "oversight", "CA", "", 6, {"inspector", "auditor"}},
  };
  return kAgencies;
}

struct DemoPrincipalDef {
  const char* id;
  const char* name;
  const char* agency;
  std::vector<std::string> roles;
  const char* workstation;  // the token's workstation, or nullptr
};

const std::vector<DemoPrincipalDef>& DemoDefs() {
  static const std::vector<DemoPrincipalDef> kDefs = {
      {"lasd-records-clerk", "Maria Delgado", "lasd", {"records_clerk", "jail_staff"}, nullptr},
      {"lapd-detective", "James Whitfield", "lapd", {"detective"}, nullptr},
      {"ice-ero-officer", "Daniel Kessler", "ice-ero-la", {"immigration_officer"}, "irc-outside-agency-desk"},
      {"fbi-agent", "Angela Moreno", "fbi-la", {"special_agent"}, nullptr},
      {"out-of-state-officer", "Travis Holloway", "phoenix-pd", {"patrol_officer"}, nullptr},
      {"jric-analyst", "Priya Raman", "jric", {"analyst"}, nullptr},
      {"victim-advocate", "Lorraine Baptiste", "la-da-victim-services", {"victim_advocate"}, nullptr},
      {"inspector-general", "Ruth Okafor", "la-oig", {"inspector", "auditor"}, nullptr},
  };
  return kDefs;
}

struct WorkstationDef {
  const char* id;
  const char* location;
  const char* agency;
};
const std::vector<WorkstationDef>& WorkstationDefs() {
  static const std::vector<WorkstationDef> kDefs = {
      {"irc-outside-agency-desk",
       "Inmate Reception Center, outside-agency desk (lobby office), 450 Bauchet St, Los Angeles", "lasd"},
      {"irc-records-01", "Inmate Reception Center, Records Unit, 450 Bauchet St, Los Angeles", "lasd"},
      {"irc-records-02", "Inmate Reception Center, Records Unit, 450 Bauchet St, Los Angeles", "lasd"},
      {"irc-records-03", "Inmate Reception Center, Records Unit, 450 Bauchet St, Los Angeles", "lasd"},
      {"irc-release-desk-01", "Inmate Reception Center, release processing, 450 Bauchet St, Los Angeles", "lasd"},
      {"mcj-booking-01", "Men's Central Jail, booking front, 441 Bauchet St, Los Angeles", "lasd"},
      {"mcj-booking-02", "Men's Central Jail, booking front, 441 Bauchet St, Los Angeles", "lasd"},
      {"crdf-booking-01", "Century Regional Detention Facility, booking, 11705 S Alameda St, Lynwood", "lasd"},
      {"lasd-hq-records-01", "Sheriff's Headquarters, Records and Identification, 4700 Ramona Blvd, Monterey Park",
       "lasd"},
      {"lapd-pab-rhd-01", "Police Administration Building, Robbery-Homicide Division, 100 W 1st St, Los Angeles",
       "lapd"},
      {"lapd-pab-rhd-02", "Police Administration Building, Robbery-Homicide Division, 100 W 1st St, Los Angeles",
       "lapd"},
      {"lapd-77th-watch-01", "77th Street Community Police Station, watch commander, 7600 S Broadway, Los Angeles",
       "lapd"},
      {"lapd-records-01", "LAPD Records and Identification Division, Piper Tech, 555 Ramirez St, Los Angeles", "lapd"},
      {"jric-watch-floor-01", "JRIC watch floor, 12440 E Imperial Hwy, Norwalk", "jric"},
      {"jric-watch-floor-02", "JRIC watch floor, 12440 E Imperial Hwy, Norwalk", "jric"},
      {"probation-downey-01", "Probation Department headquarters, 9150 E Imperial Hwy, Downey", "la-probation"},
      {"court-foltz-clerk-01", "Clara Shortridge Foltz Criminal Justice Center, clerk's office, 210 W Temple St",
       "la-superior-court"},
      {"oig-office-01", "Office of Inspector General, 312 S Hill St, Los Angeles", "la-oig"},
  };
  return kDefs;
}

// Names, weighted roughly to Los Angeles County (Hispanic 49%, white 25%, Asian 15%,
// Black 8%), each group with its own first and last names.
struct NameGroup {
  double weight;
  std::vector<const char*> male;
  std::vector<const char*> female;
  std::vector<const char*> last;
  std::vector<const char*> foreign_birthplaces;
  double foreign_born;  // share born abroad
};
const std::vector<NameGroup>& NameGroups() {
  static const std::vector<NameGroup> kGroups = {
      {0.49,
       {"Jose", "Juan", "Luis", "Carlos", "Jesus", "Miguel", "Jorge", "Antonio", "Francisco", "Alejandro", "Daniel",
        "David", "Oscar", "Eduardo", "Ricardo", "Fernando", "Javier", "Mario", "Roberto", "Manuel", "Adrian", "Hector",
        "Sergio", "Rafael", "Angel", "Victor", "Raul", "Ernesto", "Pedro", "Alberto"},
       {"Maria", "Guadalupe", "Ana", "Rosa", "Veronica", "Patricia", "Leticia", "Gabriela", "Claudia", "Elizabeth",
        "Yesenia", "Adriana", "Diana", "Jessica", "Alejandra", "Karla", "Brenda", "Sandra", "Lucia", "Marisol"},
       {"Garcia", "Hernandez", "Martinez", "Lopez", "Gonzalez", "Rodriguez", "Perez", "Sanchez", "Ramirez", "Flores",
        "Torres", "Rivera", "Gomez", "Diaz", "Cruz", "Morales", "Reyes", "Gutierrez", "Ortiz", "Chavez", "Ramos",
        "Ruiz", "Alvarez", "Mendoza", "Castillo", "Jimenez", "Moreno", "Romero", "Herrera", "Medina", "Aguilar",
        "Vargas", "Castro", "Juarez", "Dominguez", "Salazar", "Contreras", "Guerrero", "Cervantes", "Estrada"},
       {"Guadalajara, Jalisco, Mexico", "Mexico City, Mexico", "Tijuana, Baja California, Mexico",
        "Puebla, Puebla, Mexico", "Morelia, Michoacan, Mexico", "Oaxaca, Oaxaca, Mexico",
        "Zacatecas, Zacatecas, Mexico", "Leon, Guanajuato, Mexico", "San Salvador, El Salvador",
        "Santa Ana, El Salvador", "Guatemala City, Guatemala", "Quetzaltenango, Guatemala",
        "Tegucigalpa, Honduras", "San Pedro Sula, Honduras", "Managua, Nicaragua"},
       0.40},
      {0.25,
       {"Michael", "David", "John", "James", "Robert", "William", "Christopher", "Matthew", "Joshua", "Ryan",
        "Andrew", "Brian", "Kevin", "Jason", "Justin", "Eric", "Steven", "Thomas", "Tyler", "Kyle"},
       {"Jennifer", "Jessica", "Sarah", "Ashley", "Amanda", "Melissa", "Stephanie", "Nicole", "Elizabeth", "Megan",
        "Rachel", "Lauren", "Emily", "Heather", "Rebecca", "Amber"},
       {"Smith", "Johnson", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin",
        "Thompson", "White", "Clark", "Lewis", "Walker", "Hall", "Allen", "Young", "King", "Wright", "Scott",
        "Green", "Baker", "Adams", "Nelson", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans",
        "Turner", "Parker", "Collins", "Edwards", "Stewart", "Murphy", "Cook", "Rogers", "Morgan"},
       {"Yerevan, Armenia", "Tehran, Iran", "Moscow, Russia", "Kyiv, Ukraine", "London, United Kingdom",
        "Toronto, Ontario, Canada"},
       0.12},
      {0.15,
       {"Kevin", "Daniel", "David", "Michael", "Jason", "Andrew", "Eric", "Brian", "Justin", "Ryan", "Jonathan",
        "Vincent", "Minh", "Tuan", "Jun", "Wei", "Hyun", "Ji-ho", "Ramon", "Mark"},
       {"Jennifer", "Michelle", "Christine", "Grace", "Amy", "Stephanie", "Tiffany", "Angela", "Linh", "Mai",
        "Mei", "Soo-jin", "Hana", "Maricel", "Jasmine"},
       {"Nguyen", "Kim", "Lee", "Wong", "Chen", "Tran", "Park", "Santos", "Reyes", "Cruz", "Garcia", "Wang", "Liu",
        "Le", "Pham", "Choi", "Yang", "Huang", "Zhang", "Bautista", "Dela Cruz", "Tanaka", "Nakamura", "Patel",
        "Singh"},
       {"Manila, Philippines", "Quezon City, Philippines", "Cebu City, Philippines", "Seoul, South Korea",
        "Busan, South Korea", "Ho Chi Minh City, Vietnam", "Hanoi, Vietnam", "Guangzhou, China",
        "Shanghai, China", "Taipei, Taiwan", "Mumbai, India", "Phnom Penh, Cambodia"},
       0.50},
      {0.09,
       {"Anthony", "Marcus", "Darnell", "Jamal", "Terrence", "Andre", "Brandon", "Corey", "Derrick", "Dwayne",
        "Jerome", "Maurice", "Reginald", "Tyrone", "Kevin", "Isaiah", "Malik", "Xavier"},
       {"Keisha", "Tanisha", "Ebony", "Aaliyah", "Jasmine", "Latoya", "Monique", "Shanice", "Tiara", "Danielle",
        "Imani", "Kiara", "Brittany", "Crystal"},
       {"Jackson", "Washington", "Williams", "Brown", "Johnson", "Harris", "Robinson", "Thomas", "Jones", "Davis",
        "Coleman", "Jenkins", "Bryant", "Simmons", "Banks", "Freeman", "Gaines", "Henderson", "Mitchell", "Wallace",
        "Hayes", "Dixon"},
       {"Lagos, Nigeria", "Addis Ababa, Ethiopia", "Kingston, Jamaica", "Port-au-Prince, Haiti",
        "Accra, Ghana", "Nairobi, Kenya"},
       0.08},
  };
  return kGroups;
}

const std::vector<const char*> kMiddleInitials = {"A", "B", "C", "D", "E", "F", "G", "J", "L", "M", "R", "S", "T"};
const std::vector<const char*> kUsBirthplaces = {
    "Los Angeles, CA, USA", "Los Angeles, CA, USA", "Los Angeles, CA, USA", "Long Beach, CA, USA",
    "Pasadena, CA, USA",    "Inglewood, CA, USA",   "Compton, CA, USA",     "Van Nuys, CA, USA",
    "San Diego, CA, USA",   "Fresno, CA, USA",      "Bakersfield, CA, USA", "Riverside, CA, USA",
    "San Bernardino, CA, USA", "Oakland, CA, USA",  "Phoenix, AZ, USA",     "Houston, TX, USA",
    "El Paso, TX, USA",     "Chicago, IL, USA",     "Las Vegas, NV, USA",   "New York, NY, USA"};

struct Place {
  const char* city;
  const char* zip;
  double lat;
  double lon;
};
const std::vector<Place> kPlaces = {
    {"Los Angeles", "90012", 34.0614, -118.2385}, {"Los Angeles", "90011", 34.0073, -118.2587},
    {"Los Angeles", "90044", 33.9527, -118.2920}, {"Los Angeles", "90026", 34.0766, -118.2646},
    {"Los Angeles", "90019", 34.0487, -118.3384}, {"Los Angeles", "90033", 34.0506, -118.2120},
    {"Los Angeles", "90003", 33.9642, -118.2728}, {"Los Angeles", "90037", 34.0030, -118.2870},
    {"Van Nuys", "91405", 34.2004, -118.4480},    {"North Hollywood", "91605", 34.2070, -118.4000},
    {"Panorama City", "91402", 34.2245, -118.4450}, {"Sylmar", "91342", 34.3056, -118.4300},
    {"Long Beach", "90813", 33.7830, -118.1960},  {"Long Beach", "90805", 33.8640, -118.1800},
    {"Compton", "90220", 33.8826, -118.2330},     {"Inglewood", "90301", 33.9560, -118.3580},
    {"Pasadena", "91103", 34.1670, -118.1580},    {"Glendale", "91205", 34.1360, -118.2480},
    {"Santa Monica", "90404", 34.0270, -118.4730}, {"Torrance", "90501", 33.8330, -118.3140},
    {"Pomona", "91766", 34.0420, -117.7570},      {"El Monte", "91731", 34.0780, -118.0400},
    {"Lancaster", "93534", 34.6900, -118.1540},   {"Palmdale", "93550", 34.5680, -118.0700},
    {"Downey", "90241", 33.9410, -118.1290},      {"Norwalk", "90650", 33.9070, -118.0810},
    {"Lynwood", "90262", 33.9240, -118.2010},     {"Burbank", "91502", 34.1760, -118.3080},
    {"Hawthorne", "90250", 33.9140, -118.3480},   {"Bell Gardens", "90201", 33.9700, -118.1700}};
const std::vector<const char*> kStreets = {
    "Main St", "Broadway", "Figueroa St", "Vermont Ave", "Western Ave", "Central Ave", "Alameda St",
    "Florence Ave", "Manchester Ave", "Slauson Ave", "Sunset Blvd", "Santa Monica Blvd", "Olympic Blvd",
    "Pico Blvd", "Venice Blvd", "Washington Blvd", "Whittier Blvd", "Cesar Chavez Ave", "Soto St",
    "Van Nuys Blvd", "Sepulveda Blvd", "Roscoe Blvd", "Sherman Way", "Victory Blvd", "Atlantic Ave",
    "Long Beach Blvd", "Imperial Hwy", "Rosecrans Ave", "Crenshaw Blvd", "Hawthorne Blvd", "Colorado Blvd",
    "Lake Ave", "Garvey Ave", "Valley Blvd", "Avenue I", "Palmdale Blvd", "Normandie Ave", "Hoover St"};
const std::vector<const char*> kAreaCodes = {"213", "323", "310", "424", "818", "747", "626", "562", "661", "909"};
const std::vector<const char*> kEmailDomains = {"example.com", "example.net", "example.org", "mail.example.com"};

struct FacilityDef {
  const char* name;
  const char* abbrev;
  bool women;
};
const std::vector<FacilityDef> kFacilities = {
    {"Men's Central Jail", "MCJ", false},
    {"Twin Towers Correctional Facility", "TTCF", false},
    {"Pitchess Detention Center North", "PDC-N", false},
    {"Pitchess Detention Center South", "PDC-S", false},
    {"North County Correctional Facility", "NCCF", false},
    {"Inmate Reception Center", "IRC", false},
    {"Century Regional Detention Facility", "CRDF", true},
};
const std::vector<const char*> kCourts = {
    "Clara Shortridge Foltz Criminal Justice Center", "Airport Courthouse", "Van Nuys Courthouse West",
    "Compton Courthouse", "Governor George Deukmejian Courthouse (Long Beach)", "Pasadena Courthouse",
    "Torrance Courthouse", "San Fernando Courthouse", "Pomona Courthouse South", "Norwalk Courthouse",
    "Alhambra Courthouse", "Michael D. Antonovich Antelope Valley Courthouse", "Bellflower Courthouse",
    "Inglewood Courthouse"};

// Common booking offenses (statute as in the DOJ table, "TYPE SECTION"), with rough
// relative frequencies for a county jail's bookings; the rest are drawn from the whole table.
struct CommonOffense {
  const char* statute;
  char level;  // the level to pick among the statute's codes
  double weight;
};
const std::vector<CommonOffense> kCommonOffenses = {
    {"HS 11377(A)", 'M', 9},   {"HS 11350(A)", 'M', 7},   {"VC 23152(A)", 'M', 10}, {"VC 23152(B)", 'M', 4},
    {"PC 459", 'F', 6},         {"PC 484(A)", 'M', 7},     {"PC 488", 'M', 3},        {"PC 496(A)", 'M', 3},
    {"PC 245(A)(1)", 'F', 6},   {"PC 273.5(A)", 'F', 5},   {"PC 243(E)(1)", 'M', 6},  {"PC 242", 'M', 3},
    {"VC 10851(A)", 'F', 4},    {"PC 594(A)", 'M', 3},     {"PC 166(A)(4)", 'M', 3},  {"PC 647(F)", 'M', 4},
    {"PC 148(A)(1)", 'M', 4},   {"PC 422", 'F', 3},        {"PC 211", 'F', 3},        {"PC 29800(A)(1)", 'F', 3},
    {"PC 25850(A)", 'M', 2},    {"HS 11378", 'F', 2},      {"HS 11351", 'F', 1.5},    {"HS 11352(A)", 'F', 1.5},
    {"VC 14601.1(A)", 'M', 3},  {"VC 12500(A)", 'M', 2},   {"VC 2800.2(A)", 'F', 1.5}, {"PC 602", 'M', 2},
    {"PC 530.5(A)", 'F', 1},    {"PC 470(A)", 'F', 1},     {"PC 1203.2", 'M', 3},     {"PC 3056", 'F', 3},
    {"PC 186.22(A)", 'F', 1},   {"PC 187(A)", 'F', 0.4},   {"PC 261(A)(2)", 'F', 0.3}, {"PC 288(A)", 'F', 0.3},
    {"PC 451(B)", 'F', 0.15},   {"PC 246", 'F', 0.5},      {"PC 207(A)", 'F', 0.3},   {"PC 215(A)", 'F', 0.4},
    {"PC 69", 'F', 1},          {"PC 243(B)", 'M', 1},     {"PC 653M(A)", 'M', 0.5},  {"PC 415(1)", 'M', 1.5},
    {"VC 20001(A)", 'F', 1},    {"VC 20002(A)", 'M', 1.5},
};

// Conviction offenses: prior record, with the serious and violent felonies the law names
// (PC 211, PC 187) for a few percent of persons, drawn separately.
const std::vector<CommonOffense> kPriorOffenses = {
    {"HS 11377(A)", 'M', 8}, {"HS 11350(A)", 'M', 6}, {"VC 23152(A)", 'M', 9},   {"PC 484(A)", 'M', 7},
    {"PC 459", 'F', 5},      {"PC 245(A)(1)", 'F', 4}, {"PC 273.5(A)", 'F', 4},  {"PC 243(E)(1)", 'M', 4},
    {"VC 10851(A)", 'F', 3}, {"PC 496(A)", 'M', 3},    {"PC 594(A)", 'M', 3},    {"PC 148(A)(1)", 'M', 3},
    {"PC 29800(A)(1)", 'F', 2}, {"HS 11378", 'F', 2},  {"VC 14601.1(A)", 'M', 3}, {"PC 422", 'F', 2},
    {"PC 470(A)", 'F', 1},   {"PC 530.5(A)", 'F', 1},  {"PC 186.22(A)", 'F', 1}, {"PC 647(F)", 'M', 3},
};
const std::vector<CommonOffense> kSeriousViolent = {
    {"PC 211", 'F', 50},      {"PC 187(A)", 'F', 12}, {"PC 245(A)(1)", 'F', 15}, {"PC 261(A)(2)", 'F', 5},
    {"PC 288(A)", 'F', 5},    {"PC 451(B)", 'F', 3},  {"PC 215(A)", 'F', 5},     {"PC 207(A)", 'F', 4},
    {"PC 664/187(A)", 'F', 4}, {"PC 246", 'F', 4},
};

bool SexRegistrable(const std::string& statute) {
  return statute.rfind("PC 261", 0) == 0 || statute.rfind("PC 288", 0) == 0 || statute.rfind("PC 286", 0) == 0 ||
         statute.rfind("PC 287", 0) == 0 || statute.rfind("PC 289", 0) == 0;
}
bool ArsonRegistrable(const std::string& statute) { return statute.rfind("PC 451", 0) == 0; }

// The offense table organised for drawing.
class Offenses {
 public:
  Status Load(const std::string& path) {
    auto codes = LoadOffenseCodes(path);
    if (!codes.ok()) return codes.status();
    for (const OffenseCode& o : *codes) {
      if (!o.active || (o.level != 'F' && o.level != 'M' && o.level != 'I')) continue;
      all_.push_back(o);
      by_statute_[o.statute].push_back(all_.size() - 1);
    }
    if (all_.empty()) return Status::InvalidArgument(path + ": no active F/M/I offense codes");
    std::vector<double> w;
    for (const auto& o : all_) w.push_back(o.level == 'F' ? 1.0 : o.level == 'M' ? 1.5 : 0.2);
    any_ = Weighted(w);
    common_ = Build(kCommonOffenses, &common_idx_);
    prior_ = Build(kPriorOffenses, &prior_idx_);
    serious_ = Build(kSeriousViolent, &serious_idx_);
    return Status::OK();
  }
  size_t count() const { return all_.size(); }

  // A charge for a booking: 88% common offenses, 12% anything in the table.
  const OffenseCode& BookingCharge(Rng& r) const {
    if (!common_.empty() && r.Chance(0.88)) return PickFrom(r, common_, common_idx_);
    return all_[any_.Draw(r)];
  }
  const OffenseCode& PriorConviction(Rng& r) const {
    if (!prior_.empty() && r.Chance(0.9)) return PickFrom(r, prior_, prior_idx_);
    return all_[any_.Draw(r)];
  }
  const OffenseCode& SeriousViolent(Rng& r) const {
    if (serious_.empty()) return all_[any_.Draw(r)];
    return PickFrom(r, serious_, serious_idx_);
  }

 private:
  // For each listed statute, the codes of that statute at the wanted level (or any level).
  Weighted Build(const std::vector<CommonOffense>& list, std::vector<std::vector<size_t>>* idx) {
    std::vector<double> w;
    for (const auto& c : list) {
      auto it = by_statute_.find(c.statute);
      if (it == by_statute_.end()) continue;
      std::vector<size_t> pick;
      for (size_t i : it->second) {
        if (all_[i].level == c.level) pick.push_back(i);
      }
      if (pick.empty()) pick = it->second;
      idx->push_back(pick);
      w.push_back(c.weight);
    }
    if (w.empty()) return Weighted();
    return Weighted(w);
  }
  const OffenseCode& PickFrom(Rng& r, const Weighted& w, const std::vector<std::vector<size_t>>& idx) const {
    const auto& codes = idx[w.Draw(r)];
    return all_[codes[r.Below(codes.size())]];
  }

  std::vector<OffenseCode> all_;
  std::map<std::string, std::vector<size_t>> by_statute_;
  Weighted any_, common_, prior_, serious_;
  std::vector<std::vector<size_t>> common_idx_, prior_idx_, serious_idx_;
};

Charge ToCharge(const OffenseCode& o) { return Charge{o.code, o.statute, o.description, o.level, o.degree}; }

// The hour-of-week rhythm of the Seattle week: weight per (weekday 0=Sunday .. 6, hour),
// from the file's local `dt` times, plus one so no hour is empty.
Result<std::array<double, 168>> SeattleRhythm(const std::string& path) {
  auto text = ReadMaybeGzip(path);
  if (!text.ok()) return text.status();
  std::array<double, 168> w{};
  w.fill(1.0);
  size_t pos = text->find('\n');
  int64_t rows = 0;
  while (pos != std::string::npos && pos + 1 < text->size()) {
    size_t start = pos + 1;
    pos = text->find('\n', start);
    size_t bar = text->find('|', start);
    if (bar == std::string::npos || (pos != std::string::npos && bar > pos)) continue;
    // Copy the field out first: sscanf on a pointer into the whole text would strlen it.
    char field[32] = {};
    const size_t end = text->find('|', bar + 1);
    if (end == std::string::npos || end - bar - 1 >= sizeof field) continue;
    text->copy(field, end - bar - 1, bar + 1);
    int mo, d, y, h, mi, s;
    if (std::sscanf(field, "%d/%d/%d - %d:%d:%d", &mo, &d, &y, &h, &mi, &s) != 6) continue;
    const int weekday = WeekdayOf(TimeFromCivil(y, mo, d));
    if (h < 0 || h > 23) continue;
    w[static_cast<size_t>(weekday * 24 + h)] += 1;
    ++rows;
  }
  if (rows < 1000) return Status::InvalidArgument(path + ": too few readable rows for an hourly rhythm");
  return w;
}

// Pacific local midnight of the UTC day containing t, as UTC ms (close enough for drawing
// local hours: LocalToUtc handles daylight time).
TimeMs LocalMidnightUtc(TimeMs t) {
  int y, m, d;
  CivilFromTime(t - 8 * kMsPerHour, &y, &m, &d);
  auto r = LocalToUtc(y, m, d, 0, 0, 0, "America/Los_Angeles");
  return r.ok() ? *r : t;
}

int WeekdayOfLocal(TimeMs local_midnight_utc) {
  return WeekdayOf(local_midnight_utc + 12 * kMsPerHour);
}

std::string PlateFor(Rng& r) {
  // California's current pattern: digit, three letters, three digits ("8ABC123").
  static const char* kLetters = "ABCDEFGHJKLMNPRSTUVWXYZ";  // no I, O, Q
  std::string p(7, '0');
  p[0] = static_cast<char>('4' + r.Below(6));
  for (int i = 1; i < 4; ++i) p[i] = kLetters[r.Below(23)];
  for (int i = 4; i < 7; ++i) p[i] = static_cast<char>('0' + r.Below(10));
  return p;
}

const std::vector<const char*> kOtherStates = {"AZ", "NV", "TX", "OR", "WA", "NY", "FL", "BC", "BCN"};

std::string PlateState(Rng& r) { return r.Chance(0.93) ? "CA" : kOtherStates[r.Below(kOtherStates.size())]; }

// ---------------------------------------------------------------------------------------
// The generator.

struct ReadChunk {
  int64_t index = 0;
  std::vector<PlateRead> reads;
};

class Generator {
 public:
  Generator(const CountyOptions& o, Store& store, const std::function<void(const CountyProgress&)>& progress)
      : o_(o), store_(store), progress_(progress) {}

  Status Run(const std::string& shared) {
    Report("offense codes", 0, 0);
    TG_RETURN_IF_ERROR(offenses_.Load(shared + "/data/ca-offense-codes.csv"));
    auto rhythm = SeattleRhythm(shared + "/data/seattle-alpr-2021-10.csv.gz");
    if (!rhythm.ok()) return rhythm.status();
    rhythm_ = Weighted(std::vector<double>(rhythm->begin(), rhythm->end()));

    TG_RETURN_IF_ERROR(store_.BeginBulkLoad());
    TG_RETURN_IF_ERROR(store_.RunInTransaction([&] { return Meta(); }));
    TG_RETURN_IF_ERROR(store_.RunInTransaction([&] { return AgenciesUsersWorkstations(); }));
    TG_RETURN_IF_ERROR(store_.RunInTransaction([&] { return PersonsAndRecords(); }));
    TG_RETURN_IF_ERROR(store_.RunInTransaction([&] { return Alpr(); }));
    TG_RETURN_IF_ERROR(PlateReadsPipeline());
    Report("indexes", 0, 0);
    TG_RETURN_IF_ERROR(store_.EndBulkLoad());
    return Status::OK();
  }

 private:
  void Report(const std::string& stage, int64_t done, int64_t total) {
    if (progress_) progress_(CountyProgress{stage, done, total});
  }

  Status Meta() {
    TG_RETURN_IF_ERROR(store_.SetMeta("county.seed", std::to_string(o_.seed)));
    TG_RETURN_IF_ERROR(store_.SetMeta("county.persons", std::to_string(o_.persons)));
    TG_RETURN_IF_ERROR(store_.SetMeta("county.alpr_reads", std::to_string(o_.alpr_reads)));
    TG_RETURN_IF_ERROR(store_.SetMeta("county.now", FormatIso8601(o_.now_ms)));
    return store_.SetMeta("county.generator", "trustgate synthetic county v1 (Los Angeles County proportions)");
  }

  // A person's name for staff (not drawn from the persons stream).
  std::string StaffName(Rng& r) {
    const NameGroup& g = PickGroup(r);
    const bool male = r.Chance(0.6);
    return std::string(male ? g.male[r.Below(g.male.size())] : g.female[r.Below(g.female.size())]) + " " +
           g.last[r.Below(g.last.size())];
  }
  const NameGroup& PickGroup(Rng& r) {
    const auto& groups = NameGroups();
    double u = r.Unit(), acc = 0;
    for (const auto& g : groups) {
      acc += g.weight;
      if (u < acc) return g;
    }
    return groups.front();
  }

  Status AgenciesUsersWorkstations() {
    Report("agencies and users", 0, 0);
    Rng r(o_.seed, "users");
    for (const AgencyDef& a : Agencies()) {
      TG_RETURN_IF_ERROR(store_.PutAgency(Agency{a.id, a.name, a.kind, a.state, a.ori}));
    }
    for (const WorkstationDef& w : WorkstationDefs()) {
      TG_RETURN_IF_ERROR(store_.PutWorkstation(Workstation{w.id, w.location, w.agency}));
    }
    for (const DemoPrincipalDef& d : DemoDefs()) {
      TG_RETURN_IF_ERROR(store_.PutUser(User{d.id, d.name, d.agency, d.roles}));
    }
    for (const AgencyDef& a : Agencies()) {
      std::map<std::string, int> per_role;
      for (int i = 0; i < a.users; ++i) {
        std::string role = a.roles[r.Below(a.roles.size())];
        std::string slug = role;
        std::replace(slug.begin(), slug.end(), '_', '-');
        const int n = ++per_role[role];
        User u{fmt::format("{}-{}-{:02d}", a.id, slug, n), StaffName(r), a.id, {role}};
        if (role == "supervisor" && r.Chance(0.5)) u.roles.push_back("admin");
        TG_RETURN_IF_ERROR(store_.PutUser(u));
        if (a.id == std::string("lasd") || a.id == std::string("lapd")) staff_[a.id].push_back(u.id);
      }
    }
    return Status::OK();
  }

  // Persons, bookings, convictions, requests and notices, field contacts, gang entries.
  Status PersonsAndRecords() {
    const TimeMs now = o_.now_ms;
    int64_t booking_seq = 0;
    const int64_t n = o_.persons;
    for (int64_t i = 0; i < n; ++i) {
      if (i % 20000 == 0) Report("persons and bookings", i, n);
      Rng r(o_.seed, "person", static_cast<uint64_t>(i));
      Person p;
      p.person_id = fmt::format("P{:08d}", i + 1);
      const NameGroup& g = PickGroup(r);
      const bool male = r.Chance(0.78);  // jail and police records are mostly men
      p.sex = male ? "M" : "F";
      p.first_name = male ? g.male[r.Below(g.male.size())] : g.female[r.Below(g.female.size())];
      if (r.Chance(0.45)) p.middle_name = kMiddleInitials[r.Below(kMiddleInitials.size())];
      p.last_name = g.last[r.Below(g.last.size())];
      if (r.Chance(0.06)) p.last_name += "-" + std::string(g.last[r.Below(g.last.size())]);
      const int age = 18 + static_cast<int>(std::min(55.0, r.Exp(14.0)));
      int ny, nm, nd;
      CivilFromTime(now, &ny, &nm, &nd);
      const TimeMs born = TimeFromCivil(ny - age, 1, 1) - r.Range(0, 364) * kMsPerDay;
      p.dob = FormatDate(born);
      const bool foreign = r.Chance(g.foreign_born);
      p.birthplace = foreign ? g.foreign_birthplaces[r.Below(g.foreign_birthplaces.size())]
                             : kUsBirthplaces[r.Below(kUsBirthplaces.size())];
      const Place& home = kPlaces[r.Below(kPlaces.size())];
      p.address = fmt::format("{} {} {}, {}, CA {}", r.Range(100, 19999), r.Chance(0.5) ? "W" : "E",
                              kStreets[r.Below(kStreets.size())], home.city, home.zip);
      if (r.Chance(0.15)) p.address = fmt::format("{} {} Apt {}", p.address.substr(0, p.address.find(',')),
                                                  "", r.Range(1, 40)) + p.address.substr(p.address.find(','));
      p.phone = r.Chance(0.85) ? fmt::format("({}) 555-01{:02d}", kAreaCodes[r.Below(kAreaCodes.size())], r.Below(100))
                               : "";
      if (r.Chance(0.55)) {
        std::string local = Lower(p.first_name) + "." + Lower(p.last_name) + std::to_string(r.Range(1, 99));
        std::replace(local.begin(), local.end(), ' ', '.');
        p.email = local + "@" + kEmailDomains[r.Below(kEmailDomains.size())];
      }
      const bool booked = r.Chance(0.72);
      if (booked && r.Chance(0.65)) {
        if (!foreign) {
          p.immigration_status = r.Chance(0.97) ? "citizen" : "unknown";
        } else {
          static const std::vector<const char*> kForeign = {"lawful_permanent_resident", "lawful_permanent_resident",
                                                            "citizen", "undocumented", "undocumented", "visa_holder",
                                                            "unknown"};
          p.immigration_status = kForeign[r.Below(kForeign.size())];
        }
      }

      // Prior convictions (some persons have none); a few percent have a serious or violent felony.
      std::vector<Conviction> convictions;
      const TimeMs adult = born + 18 * 365 * kMsPerDay;
      auto conviction_from = [&](const OffenseCode& o) {
        Conviction c;
        c.person_id = p.person_id;
        c.code = o.code;
        c.statute = o.statute;
        c.description = o.description;
        c.level = o.level;
        c.degree = o.degree;
        const TimeMs span = std::max<TimeMs>(now - 30 * kMsPerDay - adult, kMsPerDay);
        c.convicted_at = adult + static_cast<TimeMs>(r.Unit() * static_cast<double>(span));
        c.convicted_at -= c.convicted_at % kMsPerDay;
        if (o.level == 'F') {
          c.sentence = r.Chance(0.55) ? fmt::format("state prison {} years", r.Range(2, 12))
                                      : fmt::format("county jail {} days, probation {} years", r.Range(90, 365),
                                                    r.Range(2, 5));
          if (o.statute == "PC 187(A)") c.sentence = fmt::format("state prison {} years to life", r.Chance(0.5) ? 15 : 25);
        } else {
          c.sentence = r.Chance(0.5) ? fmt::format("county jail {} days", r.Range(2, 180))
                                     : fmt::format("summary probation {} years", r.Range(1, 3));
        }
        c.court = fmt::format("Superior Court of California, Los Angeles ({})", kCourts[r.Below(kCourts.size())]);
        c.sex_registrable = SexRegistrable(o.statute);
        c.arson_registrable = ArsonRegistrable(o.statute);
        return c;
      };
      if (booked && r.Chance(0.42)) {
        const int k = 1 + static_cast<int>(std::min(6.0, r.Exp(1.2)));
        for (int j = 0; j < k; ++j) convictions.push_back(conviction_from(offenses_.PriorConviction(r)));
      }
      if (r.Chance(booked ? 0.045 : 0.01)) convictions.push_back(conviction_from(offenses_.SeriousViolent(r)));
      for (const auto& c : convictions) {
        if (c.sex_registrable) p.sex_registrant = true;
        if (c.arson_registrable) p.arson_registrant = true;
      }
      TG_RETURN_IF_ERROR(store_.PutPerson(p));
      std::sort(convictions.begin(), convictions.end(),
                [](const Conviction& a, const Conviction& b) { return a.convicted_at < b.convicted_at; });
      for (const auto& c : convictions) {
        auto id = store_.AddConviction(c);
        if (!id.ok()) return id.status();
      }

      if (booked) TG_RETURN_IF_ERROR(Bookings(r, p, foreign, &booking_seq));
      TG_RETURN_IF_ERROR(ContactsAndGang(r, p, i));
    }
    Report("persons and bookings", n, n);
    return Status::OK();
  }

  std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  // A weekday/daytime-weighted local time on the given day offset from now, as UTC.
  TimeMs AtLocalHour(Rng& r, TimeMs day, int lo, int hi) {
    return LocalMidnightUtc(day) + r.Range(lo, hi) * kMsPerHour + r.Range(0, 59) * kMsPerMinute;
  }

  Status Bookings(Rng& r, const Person& p, bool foreign, int64_t* seq) {
    const TimeMs now = o_.now_ms;
    // 1..4 bookings; the latest is current (in custody) for about one booked person in seven.
    const int count = 1 + static_cast<int>(std::min(3.0, r.Exp(0.6)));
    const bool current = r.Chance(0.14);
    for (int k = 0; k < count; ++k) {
      const bool is_current = current && k == count - 1;
      Booking b;
      ++*seq;
      TimeMs booked;
      if (is_current) {
        booked = now - static_cast<TimeMs>(std::min(400.0, r.Exp(45.0)) * kMsPerDay) - r.Range(1, 1439) * kMsPerMinute;
      } else {
        booked = now - r.Range(30, 6 * 365) * kMsPerDay - r.Range(0, 1439) * kMsPerMinute;
      }
      int y, m, d;
      CivilFromTime(booked, &y, &m, &d);
      b.booking_id = fmt::format("LASD-{}-{:07d}", y, *seq);
      b.person_id = p.person_id;
      b.name = p.name();
      b.booked_at = booked;
      const double a = r.Unit();
      b.arresting_agency = a < 0.40 ? "lasd" : a < 0.74 ? "lapd" : a < 0.80 ? "long-beach-pd" : a < 0.87 ? "chp"
                         : a < 0.90 ? "pasadena-pd" : a < 0.92 ? "glendale-pd" : a < 0.94 ? "inglewood-pd"
                         : a < 0.96 ? "torrance-pd" : a < 0.98 ? "santa-monica-pd" : "burbank-pd";
      const int charges = 1 + static_cast<int>(std::min(4.0, r.Exp(0.7)));
      bool felony = false;
      for (int c = 0; c < charges; ++c) {
        const OffenseCode& o = offenses_.BookingCharge(r);
        bool dup = false;
        for (const auto& have : b.charges) dup |= have.code == o.code;
        if (dup) continue;
        b.charges.push_back(ToCharge(o));
        felony |= o.level == 'F';
      }
      bool murder = false;
      for (const auto& c : b.charges) murder |= c.statute == "PC 187(A)";
      b.bail = murder ? 0 : felony ? r.Range(2, 100) * 5000 : r.Range(1, 40) * 500;
      std::vector<const FacilityDef*> fits;
      for (const auto& f : kFacilities) {
        if (f.women == (p.sex == "F")) fits.push_back(&f);
      }
      const FacilityDef& fac = *fits[r.Below(fits.size())];
      b.facility = fac.name;
      b.housing = fmt::format("{} {}/{}{}/Cell {}", fac.abbrev, r.Range(1, 9) * 1000, r.Range(1, 9) * 100,
                              static_cast<char>('A' + r.Below(6)), r.Range(1, 40));
      b.photo_url = "/photos/" + b.booking_id + ".jpg";
      if (is_current) {
        b.custody_status = "in_custody";
        // Releases: most current inmates have a scheduled release in the weeks ahead
        // (a few hundred in any week at the default size); others await court.
        const double u = r.Unit();
        if (u < 0.62) {
          b.scheduled_release_at = AtLocalHour(r, now + r.Range(0, 41) * kMsPerDay, 5, 23);
        } else if (u < 0.80) {
          b.scheduled_release_at = AtLocalHour(r, now + r.Range(42, 365) * kMsPerDay, 5, 23);
        }
        if (b.scheduled_release_at && *b.scheduled_release_at < now) *b.scheduled_release_at += kMsPerDay;
        if (b.scheduled_release_at) b.release_type = r.Chance(0.7) ? "sentence_served" : "court_order";
        b.court_date = AtLocalHour(r, now + r.Range(1, 60) * kMsPerDay, 8, 11);
        *b.court_date -= *b.court_date % (15 * kMsPerMinute);
        b.court = fmt::format("{}, Dept {}", kCourts[r.Below(kCourts.size())], r.Range(1, 130));
      } else {
        const double u = r.Unit();
        const double stay_days = u < 0.45 ? r.Unit() * 2 : u < 0.8 ? r.Range(2, 60) : r.Range(60, 700);
        TimeMs released = booked + static_cast<TimeMs>(stay_days * kMsPerDay) + r.Range(60, 600) * kMsPerMinute;
        if (released > now - kMsPerHour) released = now - r.Range(1, 48) * kMsPerHour;
        if (released < booked) released = booked + kMsPerHour;
        b.released_at = released;
        b.scheduled_release_at = released;
        if (r.Chance(0.03)) {
          b.custody_status = "transferred";
          b.release_type = "transfer";
        } else {
          b.custody_status = "released";
          static const std::vector<const char*> kTypes = {"bail_posted", "bail_posted", "own_recognizance",
                                                          "own_recognizance", "sentence_served", "sentence_served",
                                                          "sentence_served", "charges_dropped", "court_order"};
          b.release_type = stay_days < 2 ? (r.Chance(0.5) ? "bail_posted" : "own_recognizance")
                                         : kTypes[r.Below(kTypes.size())];
        }
        if (r.Chance(0.6)) {
          b.court_date = booked + r.Range(2, 120) * kMsPerDay;
          *b.court_date = LocalMidnightUtc(*b.court_date) + 8 * kMsPerHour + r.Range(0, 12) * 15 * kMsPerMinute;
          b.court = fmt::format("{}, Dept {}", kCourts[r.Below(kCourts.size())], r.Range(1, 130));
        }
      }
      TG_RETURN_IF_ERROR(store_.PutBooking(b));
      if (is_current) TG_RETURN_IF_ERROR(Requests(r, p, b, foreign, felony));
    }
    return Status::OK();
  }

  // Requests from outside agencies about people in custody, and the notices they caused.
  Status Requests(Rng& r, const Person& p, const Booking& b, bool foreign, bool felony) {
    const TimeMs now = o_.now_ms;
    auto add = [&](const char* kind, const char* agency, const char* by, const char* authority, std::string ref,
                   std::string reason, bool immigration) -> Status {
      AgencyRequest q;
      q.kind = kind;
      q.booking_id = b.booking_id;
      q.person_id = p.person_id;
      q.requesting_agency = agency;
      q.requested_by = by;
      q.authority_kind = authority;
      q.authority_ref = std::move(ref);
      q.reason = std::move(reason);
      q.received_at = b.booked_at + r.Range(2, 72) * kMsPerHour;
      if (q.received_at > now) q.received_at = now - r.Range(1, 60) * kMsPerMinute;
      const double u = r.Unit();
      q.outcome = u < 0.35 ? "pending" : u < 0.6 ? "accepted" : u < 0.9 ? "declined" : "referred";
      if (immigration && q.outcome == "accepted" && std::string(authority) != "judicial_warrant") q.outcome = "declined";
      if (q.outcome != "pending") q.decided_at = q.received_at + r.Range(1, 48) * kMsPerHour;
      if (q.decided_at && *q.decided_at > now) q.decided_at = now;
      auto id = store_.InsertAgencyRequest(q);
      if (!id.ok()) return id.status();
      if (immigration) {
        // Gov. Code 7283.1(a): a copy of an immigration request goes to the person.
        Notice n;
        n.request_id = *id;
        n.booking_id = b.booking_id;
        n.person_id = p.person_id;
        n.recipient = "person:" + p.person_id;
        n.kind = "request_copy";
        n.channel = "in_person";
        n.sent_at = q.received_at + r.Range(1, 12) * kMsPerHour;
        if (n.sent_at > now) n.sent_at = now;
        n.body = std::string("Copy of ") + q.authority_ref + " received from " + agency +
                 " (Gov. Code 7283.1(a)); you may consult a lawyer.";
        auto nid = store_.InsertNotice(n);
        if (!nid.ok()) return nid.status();
      }
      if (q.outcome == "declined" || q.outcome == "referred") {
        Notice n;
        n.request_id = *id;
        n.booking_id = b.booking_id;
        n.person_id = p.person_id;
        n.recipient = q.outcome == "referred" ? "counsel" : agency;
        n.kind = q.outcome == "referred" ? "referral" : "decline";
        n.channel = q.outcome == "referred" ? "email" : "api";
        n.sent_at = *q.decided_at;
        n.body = q.outcome == "referred" ? "Referred to County Counsel for review." : "Request declined under county policy.";
        auto nid = store_.InsertNotice(n);
        if (!nid.ok()) return nid.status();
      }
      return Status::OK();
    };
    const int year = [&] { int y, m, d; CivilFromTime(b.booked_at, &y, &m, &d); return y; }();
    if (foreign && r.Chance(0.35)) {
      const double u = r.Unit();
      if (u < 0.6) {
        TG_RETURN_IF_ERROR(add("hold", "ice-ero-la", "ice-ero-officer", "detainer",
                               fmt::format("I-247A {}-LOS-{:06d}", year, r.Below(1000000)),
                               "Probable cause of removability (Form I-247A)", true));
      } else if (u < 0.85) {
        TG_RETURN_IF_ERROR(add("notify", "ice-ero-la", "ice-ero-officer", "detainer",
                               fmt::format("I-247A {}-LOS-{:06d}", year, r.Below(1000000)),
                               "Request for notice of release date and time", true));
      } else if (u < 0.95) {
        TG_RETURN_IF_ERROR(add("transfer", "ice-ero-la", "", "administrative_warrant",
                               fmt::format("I-205 {}-{:07d}", year, r.Below(10000000)),
                               "Transfer to ICE custody at release", true));
      } else {
        TG_RETURN_IF_ERROR(add("interview", "ice-ero-la", "ice-ero-officer", "none", "",
                               "Request to interview in custody", true));
      }
    }
    if (felony && r.Chance(0.05)) {
      TG_RETURN_IF_ERROR(add("info", "fbi-la", "fbi-agent", r.Chance(0.5) ? "judicial_subpoena" : "none",
                             fmt::format("FBI-LA-{}-{:05d}", year, r.Below(100000)), "Criminal investigation", false));
    }
    if (r.Chance(0.03)) {
      TG_RETURN_IF_ERROR(add("hold", "usms-cdca", "", "judicial_warrant",
                             fmt::format("CDCA {}-CR-{:05d}", year, r.Below(100000)), "Federal arrest warrant",
                             false));
    }
    if (r.Chance(0.02)) {
      TG_RETURN_IF_ERROR(add("notify", "la-da-victim-services", "victim-advocate", "court_order",
                             fmt::format("LASC {}-PO-{:05d}", year, r.Below(100000)),
                             "Victim notification of release (Marsy's Law)", false));
    }
    if (r.Chance(0.01)) {
      TG_RETURN_IF_ERROR(add("info", "phoenix-pd", "out-of-state-officer", "none", "",
                             "Out-of-state warrant check", false));
    }
    return Status::OK();
  }

  Status ContactsAndGang(Rng& r, const Person& p, int64_t index) {
    const TimeMs now = o_.now_ms;
    // Vehicles: some persons have one or two; their plates show up in ALPR reads.
    const int vehicles = r.Chance(0.55) ? (r.Chance(0.2) ? 2 : 1) : 0;
    std::vector<std::string> plates;
    for (int v = 0; v < vehicles; ++v) {
      plates.push_back(PlateFor(r));
      if (person_plates_.size() < 2000000) person_plates_.push_back(plates.back());
    }
    static const std::vector<const char*> kCars = {"Honda Civic", "Toyota Camry", "Toyota Corolla", "Nissan Altima",
                                                   "Ford F-150", "Chevrolet Silverado", "Honda Accord", "Hyundai Elantra",
                                                   "Toyota Tacoma", "Chevrolet Impala", "Dodge Charger", "Kia Optima"};
    static const std::vector<const char*> kColors = {"white", "black", "silver", "grey", "red", "blue", "green"};
    if (r.Chance(0.4)) {
      const int n = 1 + static_cast<int>(std::min(5.0, r.Exp(0.8)));
      for (int k = 0; k < n; ++k) {
        FieldContact f;
        f.person_id = p.person_id;
        f.agency_id = r.Chance(0.6) ? "lapd" : "lasd";
        const auto& staff = staff_[f.agency_id];
        f.officer_id = staff.empty() ? "" : staff[r.Below(staff.size())];
        const bool traffic = !plates.empty() && r.Chance(0.6);
        f.kind = traffic ? "traffic_stop" : r.Chance(0.6) ? "field_interview" : "pedestrian_stop";
        f.contacted_at = now - r.Range(1, 5 * 365) * kMsPerDay - r.Range(0, 1439) * kMsPerMinute;
        const Place& pl = kPlaces[r.Below(kPlaces.size())];
        f.location = fmt::format("{} & {}, {}", kStreets[r.Below(kStreets.size())], kStreets[r.Below(kStreets.size())],
                                 pl.city);
        f.lat = pl.lat + (r.Unit() - 0.5) * 0.04;
        f.lon = pl.lon + (r.Unit() - 0.5) * 0.04;
        static const std::vector<const char*> kTrafficReasons = {"moving_violation", "moving_violation",
                                                                 "equipment_violation", "registration_expired",
                                                                 "suspicious_activity"};
        static const std::vector<const char*> kStopReasons = {"suspicious_activity", "matches_description",
                                                              "consensual_encounter", "probation_parole_check",
                                                              "gang_activity", "trespass_complaint"};
        f.reason = traffic ? kTrafficReasons[r.Below(kTrafficReasons.size())] : kStopReasons[r.Below(kStopReasons.size())];
        static const std::vector<const char*> kOutcomes = {"warning", "citation", "citation", "no_action",
                                                           "field_interview_card", "arrest"};
        f.outcome = kOutcomes[r.Below(kOutcomes.size())];
        if (traffic) {
          f.vehicle_plate = plates[r.Below(plates.size())];
          f.vehicle_state = "CA";
          f.vehicle_description = fmt::format("{} {}, {}", r.Range(2004, 2023), kCars[r.Below(kCars.size())],
                                              kColors[r.Below(kColors.size())]);
        }
        if (r.Chance(0.12)) {
          f.social_media.push_back("@" + Lower(p.first_name.substr(0, 1) + p.last_name) + std::to_string(r.Range(1, 999)));
          if (r.Chance(0.3)) f.social_media.push_back("ig:" + Lower(p.first_name) + "_" + std::to_string(r.Range(10, 99)));
        }
        auto id = store_.AddFieldContact(f);
        if (!id.ok()) return id.status();
      }
    }
    // CalGang-style entries for about 3% of persons; a third overdue for their five-year review.
    if (r.Chance(0.03)) {
      static const std::vector<const char*> kGangs = {
          "Eastside Locos", "Westside Crew", "Harbor Boys", "Valley Kings", "Southside 13",
          "Crenshaw Mob", "Hollywood Gents", "Northside Riders", "Vineland Clique", "Avenue Set"};
      static const std::vector<const char*> kCriteria = {
          "admits_membership", "tattoos", "gang_dress", "frequents_gang_area", "associates_with_members",
          "arrested_with_members", "identified_by_informant", "written_material", "social_media_posts"};
      GangEntry g;
      g.person_id = p.person_id;
      g.gang = kGangs[r.Below(kGangs.size())];
      const int k = 2 + static_cast<int>(r.Below(3));
      for (int j = 0; j < k; ++j) {
        std::string c = kCriteria[r.Below(kCriteria.size())];
        if (std::find(g.criteria.begin(), g.criteria.end(), c) == g.criteria.end()) g.criteria.push_back(c);
      }
      g.source_agency = r.Chance(0.6) ? "lapd" : "lasd";
      g.entered_at = now - r.Range(60, 12 * 365) * kMsPerDay;
      const bool overdue = r.Chance(0.33) && now - g.entered_at > kGangReviewInterval;
      if (overdue) {
        g.last_reviewed_at = g.entered_at + r.Range(0, 365) * kMsPerDay;
        if (now - g.last_reviewed_at <= kGangReviewInterval) g.last_reviewed_at = now - kGangReviewInterval - r.Range(1, 900) * kMsPerDay;
        if (g.last_reviewed_at < g.entered_at) g.last_reviewed_at = g.entered_at;
      } else {
        g.last_reviewed_at = std::max(g.entered_at, now - r.Range(1, 4 * 365) * kMsPerDay);
      }
      auto id = store_.AddGangEntry(g);
      if (!id.ok()) return id.status();
    }
    (void)index;
    return Status::OK();
  }

  // ALPR devices and hotlists.
  Status Alpr() {
    Report("ALPR devices and hotlists", 0, 0);
    Rng r(o_.seed, "alpr-devices");
    struct Fleet {
      const char* agency;
      const char* prefix;
      const char* kind;
      int count;
      double weight;  // relative reads per device
    };
    const std::vector<Fleet> fleets = {
        {"lapd", "LAPD-ALPR", "fixed", 60, 1.0},       {"lapd", "LAPD-CAR", "mobile", 30, 1.6},
        {"lasd", "LASD-CAR", "mobile", 40, 1.5},        {"long-beach-pd", "LBPD-ALPR", "fixed", 12, 0.8},
        {"glendale-pd", "GPD-ALPR", "fixed", 8, 0.7},   {"torrance-pd", "TPD-ALPR", "fixed", 8, 0.7},
        {"chp", "CHP-ALPR", "fixed", 10, 2.0},           {"northstar-data", "NSV-REPO", "mobile", 20, 2.5},
    };
    std::vector<double> weights;
    for (const Fleet& f : fleets) {
      for (int i = 1; i <= f.count; ++i) {
        const Place& pl = kPlaces[r.Below(kPlaces.size())];
        AlprDevice d;
        d.id = fmt::format("{}-{:04d}", f.prefix, i);
        d.agency_id = f.agency;
        d.kind = f.kind;
        d.lat = pl.lat + (r.Unit() - 0.5) * 0.05;
        d.lon = pl.lon + (r.Unit() - 0.5) * 0.05;
        d.location = std::string(f.kind) == "fixed"
                         ? fmt::format("{} & {}, {}", kStreets[r.Below(kStreets.size())],
                                       kStreets[r.Below(kStreets.size())], pl.city)
                         : fmt::format("patrol vehicle, {} area", pl.city);
        TG_RETURN_IF_ERROR(store_.PutAlprDevice(d));
        devices_.push_back(d);
        weights.push_back(f.weight * (0.5 + r.Unit()));
      }
    }
    device_weights_ = Weighted(weights);

    // The plate population: persons' vehicles plus vehicles of people in no record.
    const int64_t others = std::max<int64_t>(1000, o_.alpr_reads / 3);
    pool_size_ = others;

    const std::vector<Hotlist> lists = {
        {"ncic-stolen-vehicles", "NCIC/SVS stolen vehicles (CA DOJ)", "ca-doj"},
        {"lapd-local", "LAPD local hotlist (wanted, missing persons)", "lapd"},
        {"amber-alerts", "AMBER alerts (CHP)", "chp"},
        {"northstar-shared", "Northstar customer-shared hotlist", "northstar-data"},
    };
    for (const auto& h : lists) TG_RETURN_IF_ERROR(store_.PutHotlist(h));
    const int64_t entries = std::max<int64_t>(50, o_.persons / 100);
    for (int64_t i = 0; i < entries; ++i) {
      HotlistEntry e;
      const double u = r.Unit();
      const Hotlist& h = u < 0.6 ? lists[0] : u < 0.85 ? lists[1] : u < 0.88 ? lists[2] : lists[3];
      e.hotlist_id = h.id;
      e.plate = (!person_plates_.empty() && r.Chance(0.5)) ? person_plates_[r.Below(person_plates_.size())]
                                                           : PlateFor(r);
      e.state = "CA";
      e.source_agency = h.agency_id;
      if (h.id == "ncic-stolen-vehicles") {
        e.reason = "stolen_vehicle";
      } else if (h.id == "lapd-local") {
        e.reason = r.Chance(0.7) ? "wanted_person" : "missing_person";
      } else if (h.id == "amber-alerts") {
        e.reason = "amber_alert";
      } else {
        // A vendor list carrying immigration targets: what sanctuary rules are meant to stop.
        e.reason = r.Chance(0.5) ? "immigration" : "repossession";
        e.source_agency = e.reason == "immigration" ? "ice-ero-la" : "northstar-data";
      }
      e.added_at = o_.now_ms - r.Range(1, 400) * kMsPerDay;
      if (r.Chance(0.8)) e.expires_at = e.added_at + r.Range(30, 365) * kMsPerDay;
      auto id = store_.AddHotlistEntry(e);
      if (!id.ok()) return id.status();
    }
    return Status::OK();
  }

  // Plate reads for chunk `index` (fixed size), from its own random stream.
  void MakeChunk(int64_t index, int64_t begin, int64_t end, ReadChunk* out) {
    Rng r(o_.seed, "plate-reads", static_cast<uint64_t>(index));
    out->index = index;
    out->reads.clear();
    out->reads.reserve(static_cast<size_t>(end - begin));
    // Reads cover the 28 days before now, local days weighted by the Seattle hour-of-week.
    const TimeMs first_day = LocalMidnightUtc(o_.now_ms - 28 * kMsPerDay);
    const int first_weekday = WeekdayOfLocal(first_day);
    for (int64_t k = begin; k < end; ++k) {
      PlateRead p;
      const size_t how = rhythm_.Draw(r);  // weekday*24 + hour
      const int weekday = static_cast<int>(how / 24), hour = static_cast<int>(how % 24);
      const int week = static_cast<int>(r.Below(4));
      const int day = week * 7 + ((weekday - first_weekday + 7) % 7);
      p.read_at = first_day + day * kMsPerDay + hour * kMsPerHour + static_cast<TimeMs>(r.Below(kMsPerHour));
      if (p.read_at >= o_.now_ms) p.read_at -= 28 * kMsPerDay;
      const AlprDevice& d = devices_[device_weights_.Draw(r)];
      p.device = d.id;
      p.agency = d.agency_id;
      p.lat = d.lat + (d.kind == "fixed" ? 0 : (r.Unit() - 0.5) * 0.06);
      p.lon = d.lon + (d.kind == "fixed" ? 0 : (r.Unit() - 0.5) * 0.06);
      if (!person_plates_.empty() && r.Chance(0.25)) {
        p.plate = person_plates_[r.Below(person_plates_.size())];
        p.state = "CA";
      } else {
        // Vehicles outside any record: a skewed pool (commuters pass cameras daily).
        const double u = r.Unit();
        const uint64_t v = static_cast<uint64_t>(u * u * static_cast<double>(pool_size_));
        Rng pr(o_.seed, "vehicle", v);
        p.plate = PlateFor(pr);
        p.state = PlateState(pr);
      }
      p.confidence = 0.70 + 0.29 * r.Unit();
      p.confidence = std::round(p.confidence * 1000) / 1000;
      p.image_ref = fmt::format("{}/{:x}.jpg", d.id, r.Next() >> 24);
      out->reads.push_back(std::move(p));
    }
  }

  // A worker thread makes chunks in order; this thread writes them, one transaction each.
  Status PlateReadsPipeline() {
    const int64_t total = o_.alpr_reads;
    if (total <= 0 || devices_.empty()) return Status::OK();
    constexpr int64_t kChunk = 100000;
    const int64_t chunks = (total + kChunk - 1) / kChunk;
    std::mutex mu;
    std::condition_variable cv;
    std::deque<ReadChunk> ready;
    bool stop = false;
    std::thread worker([&] {
      for (int64_t c = 0; c < chunks; ++c) {
        ReadChunk chunk;
        MakeChunk(c, c * kChunk, std::min(total, (c + 1) * kChunk), &chunk);
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return ready.size() < 3 || stop; });
        if (stop) return;
        ready.push_back(std::move(chunk));
        cv.notify_all();
      }
    });
    Status st;
    int64_t done = 0;
    for (int64_t c = 0; c < chunks && st.ok(); ++c) {
      ReadChunk chunk;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return !ready.empty(); });
        chunk = std::move(ready.front());
        ready.pop_front();
        cv.notify_all();
      }
      st = store_.InsertPlateReads(chunk.reads);
      done += static_cast<int64_t>(chunk.reads.size());
      if (c % 10 == 9 || c == chunks - 1) Report("plate reads", done, total);
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
      cv.notify_all();
    }
    worker.join();
    return st;
  }

  const CountyOptions& o_;
  Store& store_;
  const std::function<void(const CountyProgress&)>& progress_;
  Offenses offenses_;
  Weighted rhythm_;
  std::map<std::string, std::vector<std::string>> staff_;
  std::vector<std::string> person_plates_;
  std::vector<AlprDevice> devices_;
  Weighted device_weights_;
  int64_t pool_size_ = 1000;
};

Status WriteDemoTokens(Store& store, const std::string& path, TimeMs now) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const DemoPrincipalDef& d : DemoDefs()) {
    std::optional<std::string> ws;
    if (d.workstation) ws = d.workstation;
    auto t = store.CreateToken(d.id, ws, now);
    if (!t.ok()) return t.status();
    out[d.id] = t->plaintext;
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) return Status::IOError("cannot write " + tmp);
    f << out.dump(2) << "\n";
    f.flush();
    if (!f) return Status::IOError("cannot write " + tmp);
  }
  ::chmod(tmp.c_str(), 0600);
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Status::IOError("cannot rename " + tmp + ": " + ec.message());
  return Status::OK();
}

}  // namespace

const std::vector<std::string>& DemoPrincipals() {
  static const std::vector<std::string> kIds = [] {
    std::vector<std::string> v;
    for (const auto& d : DemoDefs()) v.push_back(d.id);
    return v;
  }();
  return kIds;
}

std::string CountyDbPath(const std::string& dir) { return (fs::path(dir) / "county.db").string(); }
std::string DemoTokensPath(const std::string& dir) { return (fs::path(dir) / "demo-tokens.json").string(); }

bool CountyExists(const std::string& dir) {
  std::error_code ec;
  return fs::is_regular_file(CountyDbPath(dir), ec);
}

std::string ResolveSharedDir(const std::string& configured) {
  if (!configured.empty()) return configured;
  if (const char* env = std::getenv("TRUSTGATE_SHARED"); env && *env) return env;
  return TG_SHARED_DIR;
}

Result<std::unique_ptr<Store>> OpenCounty(const std::string& dir) {
  if (!CountyExists(dir)) {
    return Status::NotFound("no county in " + dir + " (create one: trustgate generate --data " + dir + ")");
  }
  SqliteOptions o;
  o.create = false;
  return OpenSqliteStore(CountyDbPath(dir), o);
}

Status GenerateCounty(const CountyOptions& options_in, const std::function<void(const CountyProgress&)>& progress) {
  CountyOptions o = options_in;
  if (o.dir.empty()) return Status::InvalidArgument("no data directory given");
  if (o.persons < 0) return Status::InvalidArgument("--persons must be zero or more");
  if (o.persons > 20000000) return Status::InvalidArgument("--persons is limited to 20,000,000");
  if (o.alpr_reads < 0) return Status::InvalidArgument("--alpr-reads must be zero or more");
  if (o.now_ms == 0) o.now_ms = NowMs() / kMsPerHour * kMsPerHour;
  const std::string shared = ResolveSharedDir(o.shared_dir);
  for (const char* f : {"/data/ca-offense-codes.csv", "/data/seattle-alpr-2021-10.csv.gz"}) {
    std::error_code ec;
    if (!fs::is_regular_file(shared + f, ec)) {
      return Status::NotFound("missing " + shared + f +
                              " (the shared/ folder beside the checkout; set TRUSTGATE_SHARED to point elsewhere)");
    }
  }
  std::error_code ec;
  fs::create_directories(o.dir, ec);
  if (ec) return Status::IOError("cannot create " + o.dir + ": " + ec.message());
  const std::string db = CountyDbPath(o.dir);
  if (CountyExists(o.dir) && !o.overwrite) {
    return Status::AlreadyExists("a county already exists in " + o.dir + " (remove it, or pass --force)");
  }
  const std::string tmp = db + ".tmp";
  for (const std::string& p : {tmp, tmp + "-wal", tmp + "-shm"}) fs::remove(p, ec);

  {
    SqliteOptions so;
    so.max_connections = 2;
    auto store = OpenSqliteStore(tmp, so);
    if (!store.ok()) return store.status();
    Generator g(o, **store, progress);
    Status st = g.Run(shared);
    if (!st.ok()) {
      store->reset();
      for (const std::string& p : {tmp, tmp + "-wal", tmp + "-shm"}) fs::remove(p, ec);
      return st;
    }
    if (progress) progress(CountyProgress{"demo tokens", 0, 0});
    st = WriteDemoTokens(**store, DemoTokensPath(o.dir), o.now_ms);
    if (!st.ok()) return st;
  }
  // The store is closed (WAL checkpointed into the file); move it into place whole.
  for (const std::string& p : {db, db + "-wal", db + "-shm"}) fs::remove(p, ec);
  fs::rename(tmp, db, ec);
  if (ec) return Status::IOError("cannot rename " + tmp + " to " + db + ": " + ec.message());
  if (progress) progress(CountyProgress{"done", 1, 1});
  return Status::OK();
}

std::string CountySummary(Store& store) {
  std::ostringstream out;
  auto now = store.GetMeta("county.now");
  auto seed = store.GetMeta("county.seed");
  out << "Synthetic county";
  if (now.ok() && now->has_value()) out << " as of " << **now;
  if (seed.ok() && seed->has_value()) out << " (seed " << **seed << ")";
  out << "\n\nRecords:\n";
  auto counts = store.Counts();
  if (counts.ok()) {
    for (const auto& c : *counts) out << fmt::format("  {:<18} {:>12}\n", c.table, c.rows);
  } else {
    out << "  (counts unavailable: " << counts.status().ToString() << ")\n";
  }
  if (now.ok() && now->has_value()) {
    auto t = ParseIso8601(**now);
    if (t.ok()) {
      auto week = store.BookingsReleasedBetween(*t, *t + 7 * kMsPerDay, 100000);
      if (week.ok()) out << fmt::format("  releases scheduled in the week ahead: {}\n", week->size());
    }
  }
  out << "\nDemo principals (tokens in demo-tokens.json):\n";
  for (const DemoPrincipalDef& d : DemoDefs()) {
    auto u = store.GetUser(d.id);
    auto a = store.GetAgency(d.agency);
    std::string roles;
    if (u.ok()) {
      for (const auto& r : u->roles) roles += (roles.empty() ? "" : ",") + r;
    }
    out << fmt::format("  {:<22} {:<18} {:<22} {:<24} {}{}\n", d.id, u.ok() ? u->name : "?", d.agency,
                       a.ok() ? a->kind : "?", roles,
                       d.workstation ? std::string(" @ ") + d.workstation : std::string());
  }
  return out.str();
}

}  // namespace tg::records
