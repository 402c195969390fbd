// Importers and their building blocks: time, CSV, time zones, the Seattle file, bookings.
#include "records/importers.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <zlib.h>

#include "test_util.h"

namespace tg::records {
namespace {

using testing::TempDir;

TEST(Time, FormatsAndParsesIso8601) {
  const TimeMs t = TimeFromCivil(2024, 2, 29) + 13 * kMsPerHour + 5 * kMsPerMinute + 7 * kMsPerSecond;
  EXPECT_EQ(FormatIso8601(t), "2024-02-29T13:05:07Z");
  EXPECT_EQ(FormatIso8601(t + 250), "2024-02-29T13:05:07.250Z");
  EXPECT_EQ(FormatDate(t), "2024-02-29");
  EXPECT_EQ(FormatIso8601(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(*ParseIso8601("2024-02-29T13:05:07Z"), t);
  EXPECT_EQ(*ParseIso8601("2024-02-29T13:05:07.25Z"), t + 250);
  EXPECT_EQ(*ParseIso8601("2024-02-29 06:05:07-07:00"), t);
  EXPECT_EQ(*ParseIso8601("2024-02-29T14:05+01:00"), t - 7 * kMsPerSecond);
  EXPECT_EQ(*ParseIso8601("2024-02-29"), TimeFromCivil(2024, 2, 29));
  for (const char* bad : {"", "2024-02-30", "2023-02-29", "2024-13-01", "2024-02-29T13:05:07", "2024-02-29T25:00Z",
                          "2024-02-29T13:05:07Zjunk", "24-02-29", "2024-02-29T13:05:07.Z"}) {
    EXPECT_FALSE(ParseIso8601(bad).ok()) << bad;
  }
  EXPECT_EQ(WeekdayOf(TimeFromCivil(2021, 10, 1)), 5);  // a Friday
  EXPECT_EQ(WeekdayOf(TimeFromCivil(2024, 5, 5) + 23 * kMsPerHour), 0);  // a Sunday
  EXPECT_EQ(WeekdayOf(-1), 3);  // 1969-12-31, a Wednesday
  int y, m, d;
  CivilFromTime(TimeFromCivil(1900, 3, 1), &y, &m, &d);
  EXPECT_EQ(y * 10000 + m * 100 + d, 19000301);
}

// FormatUtc writes its digits by hand; printf, field by field, is the reference, from far
// before 0000 to far after 9999, with 0 to 3 digits of the second.
TEST(Time, FormatUtcWritesWhatPrintfWould) {
  uint64_t seed = 11;
  auto reference = [](TimeMs t, int digits) {
    int y, m, d;
    CivilFromTime(t, &y, &m, &d);
    TimeMs in_day = ((t % kMsPerDay) + kMsPerDay) % kMsPerDay;
    int ms = int(in_day % 1000);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, int(in_day / kMsPerHour),
                  int(in_day / kMsPerMinute % 60), int(in_day / kMsPerSecond % 60));
    std::string out = buf;
    if (digits > 0) {
      std::snprintf(buf, sizeof buf, ".%0*d", digits, digits == 3 ? ms : digits == 2 ? ms / 10 : ms / 100);
      out += buf;
    }
    return out + "Z";
  };
  for (int i = 0; i < 20000; ++i) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    // Mostly around now, some anywhere in +-300,000 years.
    TimeMs span = i % 10 == 0 ? TimeMs(300000) * 366 * kMsPerDay : TimeMs(200) * 366 * kMsPerDay;
    TimeMs t = TimeMs(seed >> 1) % (2 * span) - span;
    for (int digits = 0; digits <= 3; ++digits) ASSERT_EQ(FormatUtc(t, digits), reference(t, digits)) << t;
  }
  EXPECT_EQ(FormatUtc(0, 2), "1970-01-01T00:00:00.00Z");
  EXPECT_EQ(FormatUtc(-1, 2), "1969-12-31T23:59:59.99Z");
  EXPECT_EQ(FormatUtc(TimeFromCivil(-5, 1, 1), 0), "-005-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(TimeFromCivil(12345, 6, 7) + 8, 3), "12345-06-07T00:00:00.008Z");
}

TEST(Csv, QuotesSeparatorsAndErrors) {
  auto f = SplitCsvLine(R"(a,"b,c","say ""hi""",,e)");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, (std::vector<std::string>{"a", "b,c", "say \"hi\"", "", "e"}));
  EXPECT_EQ(*SplitCsvLine("x|y|z", '|'), (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_FALSE(SplitCsvLine(R"(a,"unterminated)").ok());
}

TEST(TimeZones, PacificDaylightRules) {
  // 2021-10-07 16:30:51 PDT = 23:30:51Z.
  EXPECT_EQ(FormatIso8601(*LocalToUtc(2021, 10, 7, 16, 30, 51, "America/Los_Angeles")), "2021-10-07T23:30:51Z");
  // January: PST, UTC-8.
  EXPECT_EQ(FormatIso8601(*LocalToUtc(2024, 1, 15, 9, 0, 0, "America/Los_Angeles")), "2024-01-15T17:00:00Z");
  // 2024 changes: March 10 and November 3.
  EXPECT_EQ(FormatIso8601(*LocalToUtc(2024, 3, 10, 1, 59, 0, "America/Los_Angeles")), "2024-03-10T09:59:00Z");
  EXPECT_EQ(FormatIso8601(*LocalToUtc(2024, 3, 10, 3, 0, 0, "America/Los_Angeles")), "2024-03-10T10:00:00Z");
  EXPECT_EQ(FormatIso8601(*LocalToUtc(2024, 11, 3, 0, 30, 0, "America/Los_Angeles")), "2024-11-03T07:30:00Z");
  EXPECT_EQ(FormatIso8601(*LocalToUtc(2024, 11, 3, 2, 30, 0, "America/Los_Angeles")), "2024-11-03T10:30:00Z");
  EXPECT_EQ(FormatIso8601(*LocalToUtc(2024, 11, 3, 2, 30, 0, "UTC")), "2024-11-03T02:30:00Z");
  EXPECT_FALSE(LocalToUtc(2024, 2, 30, 0, 0, 0, "UTC").ok());
  EXPECT_FALSE(LocalToUtc(2024, 2, 1, 0, 0, 0, "Mars/Olympus").ok());
}

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenSqliteStore(dir_.File("store.db"));
    ASSERT_TRUE(s.ok());
    store_ = std::move(s.value());
  }
  int64_t Rows(const std::string& table) {
    auto counts = store_->Counts();
    for (const auto& c : *counts) {
      if (c.table == table) return c.rows;
    }
    return -1;
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ImportTest, ImportsTheWholeSeattleWeek) {
  auto r = ImportAlprCsv(*store_, testing::SeattleFile());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->imported, 93490);
  EXPECT_EQ(r->rows, 93490);
  EXPECT_EQ(r->new_devices, 9);
  EXPECT_EQ(Rows("plate_reads"), 93490);
  EXPECT_EQ(store_->GetAgency("seattle-pd")->kind, "local_police");
  // The file's first data row: 10/07/2021 - 16:30:51 (Pacific daylight time) on SPD2020621MDC.
  auto reads = store_->PlateReads("1ea44336207b9a32fbd46ced905e9bdc3dc7045e", 0, INT64_MAX);
  ASSERT_TRUE(reads.ok());
  bool found = false;
  for (const auto& p : *reads) {
    if (p.read_at == *ParseIso8601("2021-10-07T23:30:51Z") && p.device == "SPD2020621MDC") {
      found = true;
      EXPECT_DOUBLE_EQ(*p.lat, 47.8128394);
      EXPECT_DOUBLE_EQ(*p.lon, -122.2948006);
      EXPECT_EQ(p.agency, "seattle-pd");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(*store_->GetMeta("import.alpr_rows"), std::optional<std::string>("93490"));
}

const char* kHeader = "zipcode|dt|location|address|device|plate_hash|lon|lat|median_incomeE\n";

TEST_F(ImportTest, PlainFileWithNaLocations) {
  std::string text = std::string(kHeader) +
                     "98101|10/01/2021 - 00:00:01|Plain car|addr|DEV1|aaaa|-122.3|47.6|1\n"
                     "98101|10/01/2021 - 00:00:02|NA|NA|DEV2|bbbb|NA|NA|1\r\n"
                     "\n";
  auto r = ImportAlprCsv(*store_, dir_.Write("plain.csv", text));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->imported, 2);
  auto b = store_->PlateReads("bbbb", 0, INT64_MAX);
  ASSERT_EQ(b->size(), 1u);
  EXPECT_FALSE(b->front().lat.has_value());
}

TEST_F(ImportTest, MalformedRowsAreNamedByLineAndNothingIsImported) {
  std::string text = std::string(kHeader);
  for (int i = 0; i < 30; ++i) text += "98101|10/01/2021 - 00:00:01|car|a|DEV1|p" + std::to_string(i) + "|-122.3|47.6|1\n";
  text += "98101|2021-10-01 00:00:01|car|a|DEV1|px|-122.3|47.6|1\n";  // line 32: bad date
  text += "98101|10/01/2021 - 00:00:01|car|a|DEV1||-122.3|47.6|1\n";  // line 33: no plate
  text += "98101|10/01/2021 - 00:00:01|car|a|DEV1|py|east|47.6|1\n";  // line 34: bad lon
  text += "98101|10/01/2021 - 00:00:01|car\n";                         // line 35: short
  text += "98101|13/45/2021 - 00:00:01|car|a|DEV1|pz|-122.3|47.6|1\n";  // line 36: no such date
  auto r = ImportAlprCsv(*store_, dir_.Write("bad.csv", text));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  const std::string m = r.status().message();
  EXPECT_NE(m.find("5 bad rows; nothing imported"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.csv:32: dt '2021-10-01 00:00:01' is not MM/DD/YYYY - HH:MM:SS"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.csv:33: plate_hash is empty"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.csv:34: lon 'east'"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.csv:35: has 3 fields"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.csv:36:"), std::string::npos) << m;
  EXPECT_EQ(Rows("plate_reads"), 0);
  EXPECT_EQ(Rows("alpr_devices"), 0);
  EXPECT_EQ(Rows("agencies"), 0);
}

TEST_F(ImportTest, BadHeaderEmptyFileAndCorruptGzip) {
  auto r = ImportAlprCsv(*store_, dir_.Write("h.csv", "a|b|c\n1|2|3\n"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("h.csv:1: header has no 'dt' column"), std::string::npos);
  EXPECT_FALSE(ImportAlprCsv(*store_, dir_.Write("e.csv", "")).ok());
  EXPECT_FALSE(ImportAlprCsv(*store_, dir_.Write("only-header.csv", kHeader)).ok());
  EXPECT_EQ(ImportAlprCsv(*store_, dir_.File("missing.csv")).status().code(), Code::kNotFound);
  // A gzip file cut short.
  std::string gz = *ReadMaybeGzip(testing::SeattleFile());  // decompressed
  std::ifstream in(testing::SeattleFile(), std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto cut = ImportAlprCsv(*store_, dir_.Write("cut.csv.gz", raw.substr(0, raw.size() / 2)));
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("truncated gzip"), std::string::npos) << cut.status().ToString();
  EXPECT_EQ(Rows("plate_reads"), 0);
  EXPECT_GT(gz.size(), raw.size());
}

const char* kBookingsCsv =
    "booking_id,person_id,first_name,middle_name,last_name,dob,sex,birthplace,address,phone,email,"
    "immigration_status,booked_at,arresting_agency,charges,bail,facility,housing,custody_status,"
    "scheduled_release_at,released_at,release_type,court_date,court,photo_url\n"
    "LASD-1,P1,Jose,A,Garcia,1990-02-14,M,\"Guadalajara, Jalisco, Mexico\",\"1234 W Main St, Los Angeles, CA 90012\","
    "(213) 555-0100,j@example.com,,2024-04-28T03:15:00Z,lapd,"
    "\"12004:F:PC 211:ROBBERY;12017:F1:PC 211:ROBBERY:FIRST DEGREE\",100000,Men's Central Jail,MCJ 3000,"
    "in_custody,2024-05-02T18:00:00Z,,sentence_served,2024-05-10T16:00:00Z,Foltz Dept 100,/p/1.jpg\n"
    "LASD-2,P2,Keisha,,Jackson,1988-07-01,F,\"Los Angeles, CA, USA\",,,,citizen,2024-03-01T10:00:00Z,lasd,"
    "23087:M:PC 484(A):PETTY THEFT,500,Century Regional Detention Facility,CRDF 1100,released,,"
    "2024-03-02T01:00:00Z,own_recognizance,,,\n";

TEST_F(ImportTest, BookingsFromCsv) {
  auto r = ImportBookings(*store_, dir_.Write("b.csv", kBookingsCsv));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->imported, 2);
  auto b = store_->GetBooking("LASD-1");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->name, "Jose A Garcia");
  ASSERT_EQ(b->charges.size(), 2u);
  EXPECT_EQ(b->charges[1], (Charge{"12017", "PC 211", "ROBBERY:FIRST DEGREE", 'F', 1}));
  EXPECT_EQ(b->bail, 100000);
  EXPECT_EQ(b->scheduled_release_at, ParseIso8601("2024-05-02T18:00:00Z").value());
  EXPECT_EQ(store_->GetPerson("P1")->birthplace, "Guadalajara, Jalisco, Mexico");
  auto b2 = store_->GetBooking("LASD-2");
  EXPECT_EQ(b2->custody_status, "released");
  EXPECT_EQ(b2->release_at(), ParseIso8601("2024-03-02T01:00:00Z").value());
}

TEST_F(ImportTest, BookingsFromJsonAndForAKnownPerson) {
  ASSERT_TRUE(ImportBookings(*store_, dir_.Write("b.csv", kBookingsCsv)).ok());
  const char* json = R"js({"bookings": [
    {"booking_id": "LASD-3", "person_id": "P1", "booked_at": "2024-04-30T10:00:00Z",
     "arresting_agency": "lasd", "custody_status": "in_custody", "bail": 2500,
     "charges": [{"code": "42104", "statute": "VC 23152(A)", "description": "DUI ALCOHOL", "level": "M"},
                 "13048:M:PC 242:BATTERY ON PERSON"]}
  ]})js";
  auto r = ImportBookings(*store_, dir_.Write("b.json", json));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto b = store_->GetBooking("LASD-3");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->name, "Jose A Garcia");  // from the stored person
  EXPECT_EQ(b->charges.size(), 2u);
  EXPECT_EQ(b->bail, 2500);
}

TEST_F(ImportTest, BadBookingsAreNamedAndNothingIsImported) {
  std::string csv = kBookingsCsv;
  csv += "LASD-4,P4,A,,B,1990-99-99,M,,,,,,2024-04-28T03:15:00Z,lapd,,0,,,in_custody,,,,,,\n";        // line 4: dob
  csv += "LASD-5,P5,A,,B,,M,,,,,,yesterday,lapd,,0,,,in_custody,,,,,,\n";                             // line 5: time
  csv += "LASD-6,P6,A,,B,,M,,,,,,2024-04-28T03:15:00Z,lapd,12004:Q:PC 211:X,0,,,in_custody,,,,,,\n";  // line 6: level
  csv += "LASD-7,P7,A,,B,,M,,,,,,2024-04-28T03:15:00Z,lapd,,0,,,on_vacation,,,,,,\n";                 // line 7: custody
  csv += "LASD-1,P1,A,,B,,M,,,,,,2024-04-28T03:15:00Z,lapd,,0,,,in_custody,,,,,,\n";                  // line 8: duplicate
  csv += "LASD-9,P9,A,,B,,M,,,,,,2024-04-28T03:15:00Z,lapd,,-5,,,in_custody,,,,,,\n";                 // line 9: bail
  auto r = ImportBookings(*store_, dir_.Write("bad.csv", csv));
  ASSERT_FALSE(r.ok());
  const std::string m = r.status().message();
  EXPECT_NE(m.find("6 bad rows; nothing imported"), std::string::npos) << m;
  for (const char* want : {"bad.csv:4: dob", "bad.csv:5: booked_at", "bad.csv:6: charge", "bad.csv:7: custody_status",
                           "bad.csv:8: booking_id LASD-1 appears twice", "bad.csv:9: bail"}) {
    EXPECT_NE(m.find(want), std::string::npos) << want << "\n" << m;
  }
  EXPECT_EQ(Rows("bookings"), 0);
  EXPECT_EQ(Rows("persons"), 0);

  auto j = ImportBookings(*store_, dir_.Write("bad.json", "[\n {\"booking_id\": \"X\",\n  \"person_id\": }\n]"));
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("bad.json:3: malformed JSON"), std::string::npos) << j.status().ToString();
  // A number out of range is refused like a syntax error, not thrown out of the importer.
  auto n = ImportBookings(*store_, dir_.Write("huge.json", "[{\"booking_id\": \"X\", \"bail\": 2E2222222}]"));
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("huge.json: malformed JSON"), std::string::npos) << n.status().ToString();
  EXPECT_EQ(Rows("bookings"), 0);

  // A booking for a person the store does not have and the row does not name.
  auto u = ImportBookings(*store_, dir_.Write("unknown.json",
                                              R"([{"booking_id": "Z", "person_id": "P404", "booked_at": "2024-01-01",
                                                   "arresting_agency": "lasd", "custody_status": "in_custody"}])"));
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.status().message().find("person P404 is not in the store"), std::string::npos) << u.status().ToString();
  EXPECT_EQ(Rows("bookings"), 0);
}

TEST(OffenseCodes, LoadsTheDojTable) {
  auto codes = LoadOffenseCodes(testing::SharedDir() + "/data/ca-offense-codes.csv");
  ASSERT_TRUE(codes.ok()) << codes.status().ToString();
  EXPECT_EQ(codes->size(), 5062u);
  bool robbery = false;
  for (const auto& o : *codes) {
    if (o.code == "12004") {
      robbery = true;
      EXPECT_EQ(o.statute, "PC 211");
      EXPECT_EQ(o.description, "ROBBERY");
      EXPECT_EQ(o.level, 'F');
      EXPECT_TRUE(o.active);
    }
  }
  EXPECT_TRUE(robbery);
}

}  // namespace
}  // namespace tg::records
