// Importers (importers.h): Seattle-format ALPR reads, bookings as CSV or JSON, and the
// California offense code table. Formats: docs/import-formats.md.
#include "records/importers.h"

#include <cstring>

#include <zlib.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "base/json_error.h"
#include "records/csv.h"

namespace tg::records {

// ---------------------------------------------------------------------------------------
// Reading files and CSV records.

Result<std::string> ReadMaybeGzip(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path + ": " + std::strerror(errno));
  std::string raw;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size > 0) {
    raw.resize(static_cast<size_t>(size));
    in.read(raw.data(), size);
    raw.resize(static_cast<size_t>(in.gcount()));
  } else {  // not seekable (a pipe) or empty: read it as a stream
    in.clear();
    raw.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (in.bad()) return Status::IOError("cannot read " + path);
  if (raw.size() < 2 || static_cast<unsigned char>(raw[0]) != 0x1f || static_cast<unsigned char>(raw[1]) != 0x8b) {
    return raw;
  }
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Status::Internal("zlib init failed");
  zs.next_in = reinterpret_cast<Bytef*>(raw.data());
  zs.avail_in = static_cast<uInt>(raw.size());
  std::string out;
  out.reserve(raw.size() * 4);
  char buf[1 << 16];
  int rc = Z_OK;
  for (;;) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members: keep going while input remains.
      if (zs.avail_in == 0) break;
      if (inflateReset(&zs) != Z_OK) break;
      continue;
    }
    if (rc != Z_OK) break;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return Status::InvalidArgument(path + ": corrupt or truncated gzip data (" +
                                   (zs.msg ? std::string(zs.msg) : "zlib error " + std::to_string(rc)) + ")");
  }
  return out;
}

bool CsvReader::Next(std::vector<std::string>* fields, std::string* error) {
  fields->clear();
  error->clear();
  if (pos_ >= text_.size()) return false;
  line_ = next_line_;
  std::string field;
  bool quoted = false;       // inside a quoted field
  bool was_quoted = false;   // the current field began with a quote
  for (;;) {
    if (pos_ >= text_.size()) {
      if (quoted) {
        *error = "unterminated quoted field";
        fields->push_back(std::move(field));
        return true;
      }
      fields->push_back(std::move(field));
      return true;
    }
    char c = text_[pos_++];
    if (quoted) {
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          field += '"';
          ++pos_;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++next_line_;
        field += c;
      }
      continue;
    }
    if (c == sep_) {
      fields->push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++next_line_;
      fields->push_back(std::move(field));
      return true;
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = true;
      was_quoted = true;
    } else {
      field += c;
    }
  }
}

Result<std::vector<std::string>> SplitCsvLine(const std::string& line, char sep) {
  CsvReader r(line, sep);
  std::vector<std::string> fields;
  std::string error;
  if (!r.Next(&fields, &error)) return std::vector<std::string>{""};
  if (!error.empty()) return Status::InvalidArgument(error);
  return fields;
}

// ---------------------------------------------------------------------------------------
// Time zones.

namespace {
// Day of month of the n-th (1-based) Sunday of a month.
int NthSunday(int year, int month, int n) {
  const int weekday = WeekdayOf(TimeFromCivil(year, month, 1));
  const int first = 1 + (7 - weekday) % 7;
  return first + 7 * (n - 1);
}
}  // namespace

Result<TimeMs> LocalToUtc(int year, int month, int day, int hour, int minute, int second,
                          const std::string& time_zone) {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 || hour < 0 ||
      minute < 0 || second < 0) {
    return Status::InvalidArgument("time out of range");
  }
  int y2, m2, d2;
  CivilFromTime(TimeFromCivil(year, month, day), &y2, &m2, &d2);
  if (y2 != year || m2 != month || d2 != day) return Status::InvalidArgument("no such date");
  const TimeMs wall = TimeFromCivil(year, month, day) + hour * kMsPerHour + minute * kMsPerMinute + second * kMsPerSecond;
  if (time_zone == "UTC" || time_zone == "Etc/UTC") return wall;
  if (time_zone != "America/Los_Angeles" && time_zone != "US/Pacific") {
    return Status::InvalidArgument("unsupported time zone '" + time_zone + "' (America/Los_Angeles or UTC)");
  }
  // US rules since 2007: daylight time from 02:00 on the second Sunday of March to 02:00 on
  // the first Sunday of November (local wall clock). In the repeated hour the earlier
  // (daylight) reading is taken.
  const TimeMs dst_start = TimeFromCivil(year, 3, NthSunday(year, 3, 2)) + 2 * kMsPerHour;
  const TimeMs dst_end = TimeFromCivil(year, 11, NthSunday(year, 11, 1)) + 1 * kMsPerHour;
  const bool dst = wall >= dst_start && wall < dst_end;
  return wall + (dst ? 7 : 8) * kMsPerHour;
}

// ---------------------------------------------------------------------------------------
// Import error collection: every bad row is named (up to a limit), then nothing is stored.

namespace {
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  void Add(int64_t line, const std::string& message) {
    ++count_;
    if (shown_.size() < kShown) shown_.push_back(file_ + ":" + std::to_string(line) + ": " + message);
  }
  void AddItem(const std::string& where, const std::string& message) {
    ++count_;
    if (shown_.size() < kShown) shown_.push_back(file_ + ": " + where + ": " + message);
  }
  bool empty() const { return count_ == 0; }
  Status ToStatus() const {
    std::string m = std::to_string(count_) + (count_ == 1 ? " bad row" : " bad rows") + "; nothing imported";
    for (const auto& s : shown_) m += "\n  " + s;
    if (count_ > static_cast<int64_t>(shown_.size())) {
      m += "\n  ... and " + std::to_string(count_ - static_cast<int64_t>(shown_.size())) + " more";
    }
    return Status::InvalidArgument(m);
  }

 private:
  static constexpr size_t kShown = 20;
  std::string file_;
  std::vector<std::string> shown_;
  int64_t count_ = 0;
};

bool ParseDouble(const std::string& s, double* out) {
  if (s.empty()) return false;
  const char* b = s.data();
  const char* e = b + s.size();
  auto r = std::from_chars(b, e, *out);
  return r.ec == std::errc() && r.ptr == e && std::isfinite(*out);
}

bool ParseInt(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

bool BlankRecord(const std::vector<std::string>& f) {
  for (const auto& x : f) {
    if (!Trim(x).empty()) return false;
  }
  return true;
}

void StripBom(std::string* text) {
  if (text->size() >= 3 && (*text)[0] == '\xEF' && (*text)[1] == '\xBB' && (*text)[2] == '\xBF') text->erase(0, 3);
}

// "MM/DD/YYYY - HH:MM:SS" (the Seattle `dt` column).
bool ParseSeattleTime(const std::string& s, int v[6]) {
  // Accept single-digit month/day/hour too.
  int n = std::sscanf(s.c_str(), "%d/%d/%d - %d:%d:%d", &v[1], &v[2], &v[0], &v[3], &v[4], &v[5]);
  return n == 6;
}
}  // namespace

// ---------------------------------------------------------------------------------------
// ALPR: the Seattle format.

Result<ImportSummary> ImportAlprCsv(Store& store, const std::string& path, const AlprImportOptions& options) {
  auto text = ReadMaybeGzip(path);
  if (!text.ok()) return text.status();
  StripBom(&text.value());
  CsvReader reader(*text, '|');
  std::vector<std::string> f;
  std::string error;
  if (!reader.Next(&f, &error) || BlankRecord(f)) {
    return Status::InvalidArgument(path + ":1: empty file (expected a header zipcode|dt|location|address|device|plate_hash|lon|lat|...)");
  }
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < f.size(); ++i) col[Trim(f[i])] = i;
  for (const char* need : {"dt", "device", "plate_hash", "lon", "lat"}) {
    if (!col.count(need)) {
      return Status::InvalidArgument(path + ":1: header has no '" + need +
                                     "' column (expected zipcode|dt|location|address|device|plate_hash|lon|lat|...)");
    }
  }
  const size_t c_dt = col["dt"], c_dev = col["device"], c_plate = col["plate_hash"], c_lon = col["lon"],
               c_lat = col["lat"];
  const size_t c_loc = col.count("location") ? col["location"] : SIZE_MAX;
  const size_t c_addr = col.count("address") ? col["address"] : SIZE_MAX;
  const size_t needed = std::max({c_dt, c_dev, c_plate, c_lon, c_lat}) + 1;

  Problems problems(path);
  std::vector<PlateRead> reads;
  std::map<std::string, AlprDevice> devices;
  int64_t rows = 0;
  while (reader.Next(&f, &error)) {
    const int64_t line = reader.line();
    if (!error.empty()) {
      problems.Add(line, error);
      continue;
    }
    if (BlankRecord(f)) continue;
    ++rows;
    if (f.size() < needed) {
      problems.Add(line, "has " + std::to_string(f.size()) + " fields, expected at least " + std::to_string(needed));
      continue;
    }
    PlateRead r;
    int v[6];
    const std::string dt = Trim(f[c_dt]);
    if (!ParseSeattleTime(dt, v)) {
      problems.Add(line, "dt '" + dt + "' is not MM/DD/YYYY - HH:MM:SS");
      continue;
    }
    auto t = LocalToUtc(v[0], v[1], v[2], v[3], v[4], v[5], options.time_zone);
    if (!t.ok()) {
      problems.Add(line, "dt '" + dt + "': " + t.status().message());
      continue;
    }
    r.read_at = *t;
    r.plate = Trim(f[c_plate]);
    if (r.plate.empty()) {
      problems.Add(line, "plate_hash is empty");
      continue;
    }
    r.device = Trim(f[c_dev]);
    if (r.device.empty()) {
      problems.Add(line, "device is empty");
      continue;
    }
    // "NA" (or empty) means the location was not recorded.
    const std::string lon = Trim(f[c_lon]), lat = Trim(f[c_lat]);
    const bool lon_na = lon.empty() || lon == "NA", lat_na = lat.empty() || lat == "NA";
    if (lon_na != lat_na) {
      problems.Add(line, "lon '" + lon + "' and lat '" + lat + "': one is missing, the other not");
      continue;
    }
    if (!lon_na) {
      double x, y;
      if (!ParseDouble(lon, &x) || x < -180 || x > 180) {
        problems.Add(line, "lon '" + lon + "' is not a longitude (or NA)");
        continue;
      }
      if (!ParseDouble(lat, &y) || y < -90 || y > 90) {
        problems.Add(line, "lat '" + lat + "' is not a latitude (or NA)");
        continue;
      }
      r.lon = x;
      r.lat = y;
    }
    r.agency = options.agency;
    auto dev = devices.find(r.device);
    if (dev != devices.end() && dev->second.lat == 0 && dev->second.lon == 0 && r.lat) {
      dev->second.lat = *r.lat;  // a device's position: its first located read
      dev->second.lon = *r.lon;
    }
    if (dev == devices.end()) {
      AlprDevice d;
      d.id = r.device;
      d.agency_id = options.agency;
      d.kind = "mobile";
      d.location = c_loc < f.size() ? Trim(f[c_loc]) : "";
      if (d.location == "NA") d.location.clear();
      if (c_addr < f.size() && d.location.empty() && Trim(f[c_addr]) != "NA") d.location = Trim(f[c_addr]);
      d.lat = r.lat.value_or(0);
      d.lon = r.lon.value_or(0);
      devices.emplace(d.id, d);
    }
    reads.push_back(std::move(r));
  }
  if (!problems.empty()) return problems.ToStatus();
  if (reads.empty()) return Status::InvalidArgument(path + ": no data rows after the header; nothing imported");

  ImportSummary summary;
  summary.rows = rows;
  Status st = store.RunInTransaction([&]() -> Status {
    auto agency = store.GetAgency(options.agency);
    if (!agency.ok()) {
      if (agency.status().code() != Code::kNotFound || options.agency_name.empty()) {
        return Status(agency.status().code(), "agency '" + options.agency + "': " + agency.status().message());
      }
      TG_RETURN_IF_ERROR(store.PutAgency(Agency{options.agency, options.agency_name, "local_police",
                                                options.agency_state, ""}));
    }
    auto existing = store.ListAlprDevices();
    if (!existing.ok()) return existing.status();
    std::set<std::string> have;
    for (const auto& d : *existing) have.insert(d.id);
    for (const auto& [id, d] : devices) {
      if (have.count(id)) continue;
      TG_RETURN_IF_ERROR(store.PutAlprDevice(d));
      ++summary.new_devices;
    }
    TG_RETURN_IF_ERROR(store.InsertPlateReads(reads));
    auto prior = store.GetMeta("import.alpr_rows");
    int64_t total = 0;
    if (prior.ok() && prior->has_value()) ParseInt(**prior, &total);
    return store.SetMeta("import.alpr_rows", std::to_string(total + static_cast<int64_t>(reads.size())));
  });
  if (!st.ok()) return Status(st.code(), path + ": " + st.message() + "; nothing imported");
  summary.imported = static_cast<int64_t>(reads.size());
  return summary;
}

// ---------------------------------------------------------------------------------------
// Bookings.

namespace {
const std::set<std::string> kCustody = {"in_custody", "released", "transferred"};

// One booking (with the person it names) as read from a row or object, before storing.
struct BookingRow {
  Booking booking;
  Person person;
  bool has_person_fields = false;
};

// Parses "CODE:LEVEL[DEGREE]:STATUTE:DESCRIPTION" (description may contain ':').
Result<Charge> ParseChargeText(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    size_t colon = text.find(':', start);
    if (colon == std::string::npos) break;
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  parts.push_back(text.substr(start));
  if (parts.size() != 4) {
    return Status::InvalidArgument("charge '" + text + "' is not CODE:LEVEL:STATUTE:DESCRIPTION");
  }
  Charge c;
  c.code = Trim(parts[0]);
  const std::string level = Trim(parts[1]);
  c.statute = Trim(parts[2]);
  c.description = Trim(parts[3]);
  if (level.empty() || (level[0] != 'F' && level[0] != 'M' && level[0] != 'I') || level.size() > 2 ||
      (level.size() == 2 && level[1] != '1' && level[1] != '2')) {
    return Status::InvalidArgument("charge '" + text + "': level '" + level + "' is not F, M or I (optionally F1/F2)");
  }
  c.level = level[0];
  c.degree = level.size() == 2 ? level[1] - '0' : 0;
  if (c.code.empty() && c.statute.empty()) return Status::InvalidArgument("charge '" + text + "' has no code or statute");
  return c;
}

Status CheckDob(const std::string& dob) {
  if (dob.empty()) return Status::OK();
  if (dob.size() != 10) return Status::InvalidArgument("dob '" + dob + "' is not YYYY-MM-DD");
  auto t = ParseIso8601(dob);
  if (!t.ok()) return Status::InvalidArgument("dob '" + dob + "' is not YYYY-MM-DD");
  return Status::OK();
}

// A getter over one row/object's named fields, returning "" for absent ones.
using FieldFn = std::function<std::string(const char*)>;

Status FillBookingRow(const FieldFn& get, BookingRow* row) {
  Booking& b = row->booking;
  Person& p = row->person;
  b.booking_id = get("booking_id");
  if (b.booking_id.empty()) return Status::InvalidArgument("booking_id is empty");
  b.person_id = get("person_id");
  if (b.person_id.empty()) return Status::InvalidArgument("person_id is empty");
  p.person_id = b.person_id;
  p.first_name = get("first_name");
  p.middle_name = get("middle_name");
  p.last_name = get("last_name");
  p.dob = get("dob");
  p.sex = get("sex");
  p.birthplace = get("birthplace");
  p.address = get("address");
  p.phone = get("phone");
  p.email = get("email");
  p.immigration_status = get("immigration_status");
  row->has_person_fields = !p.first_name.empty() || !p.last_name.empty();
  TG_RETURN_IF_ERROR(CheckDob(p.dob));
  b.name = get("name");
  if (b.name.empty()) b.name = p.name();
  const std::string booked = get("booked_at");
  if (booked.empty()) return Status::InvalidArgument("booked_at is empty");
  auto t = ParseIso8601(booked);
  if (!t.ok()) return Status::InvalidArgument("booked_at: " + t.status().message());
  b.booked_at = *t;
  b.arresting_agency = get("arresting_agency");
  if (b.arresting_agency.empty()) return Status::InvalidArgument("arresting_agency is empty");
  const std::string bail = get("bail");
  if (!bail.empty() && (!ParseInt(bail, &b.bail) || b.bail < 0)) {
    return Status::InvalidArgument("bail '" + bail + "' is not a whole number of dollars");
  }
  b.facility = get("facility");
  b.housing = get("housing");
  b.custody_status = get("custody_status");
  if (!kCustody.count(b.custody_status)) {
    return Status::InvalidArgument("custody_status '" + b.custody_status + "' is not in_custody, released or transferred");
  }
  for (const char* name : {"scheduled_release_at", "released_at", "court_date"}) {
    const std::string v = get(name);
    if (v.empty()) continue;
    auto tt = ParseIso8601(v);
    if (!tt.ok()) return Status::InvalidArgument(std::string(name) + ": " + tt.status().message());
    if (std::string(name) == "scheduled_release_at") b.scheduled_release_at = *tt;
    if (std::string(name) == "released_at") b.released_at = *tt;
    if (std::string(name) == "court_date") b.court_date = *tt;
  }
  if (b.custody_status == "released" && !b.released_at) {
    return Status::InvalidArgument("custody_status is released but released_at is empty");
  }
  b.release_type = get("release_type");
  b.court = get("court");
  b.photo_url = get("photo_url");
  return Status::OK();
}

Status StoreBookingRows(Store& store, std::vector<BookingRow>& rows) {
  return store.RunInTransaction([&]() -> Status {
    for (BookingRow& r : rows) {
      if (r.has_person_fields) {
        TG_RETURN_IF_ERROR(store.PutPerson(r.person));
      } else {
        auto existing = store.GetPerson(r.booking.person_id);
        if (!existing.ok()) {
          return Status::InvalidArgument("booking " + r.booking.booking_id + ": person " + r.booking.person_id +
                                         " is not in the store and the row gives no name");
        }
        if (r.booking.name.empty()) r.booking.name = existing->name();
      }
      TG_RETURN_IF_ERROR(store.PutBooking(r.booking));
    }
    return Status::OK();
  });
}

Result<ImportSummary> ImportBookingsCsv(Store& store, const std::string& path, const std::string& text) {
  CsvReader reader(text, ',');
  std::vector<std::string> f;
  std::string error;
  if (!reader.Next(&f, &error)) return Status::InvalidArgument(path + ":1: empty file");
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < f.size(); ++i) col[Trim(f[i])] = i;
  for (const char* need : {"booking_id", "person_id", "booked_at", "arresting_agency", "custody_status"}) {
    if (!col.count(need)) return Status::InvalidArgument(path + ":1: header has no '" + need + "' column");
  }
  const size_t width = f.size();
  Problems problems(path);
  std::vector<BookingRow> rows;
  std::set<std::string> seen;
  while (reader.Next(&f, &error)) {
    const int64_t line = reader.line();
    if (!error.empty()) {
      problems.Add(line, error);
      continue;
    }
    if (BlankRecord(f)) continue;
    if (f.size() != width) {
      problems.Add(line, "has " + std::to_string(f.size()) + " fields, the header has " + std::to_string(width));
      continue;
    }
    FieldFn get = [&](const char* name) -> std::string {
      auto it = col.find(name);
      return it == col.end() ? std::string() : Trim(f[it->second]);
    };
    BookingRow row;
    Status st = FillBookingRow(get, &row);
    if (st.ok()) {
      const std::string charges = get("charges");
      size_t start = 0;
      while (st.ok() && start <= charges.size() && !charges.empty()) {
        size_t semi = charges.find(';', start);
        std::string one = Trim(charges.substr(start, semi == std::string::npos ? std::string::npos : semi - start));
        if (!one.empty()) {
          auto c = ParseChargeText(one);
          if (c.ok()) {
            row.booking.charges.push_back(*c);
          } else {
            st = c.status();
          }
        }
        if (semi == std::string::npos) break;
        start = semi + 1;
      }
    }
    if (st.ok() && !seen.insert(row.booking.booking_id).second) {
      st = Status::InvalidArgument("booking_id " + row.booking.booking_id + " appears twice in the file");
    }
    if (!st.ok()) {
      problems.Add(line, st.message());
      continue;
    }
    rows.push_back(std::move(row));
  }
  if (!problems.empty()) return problems.ToStatus();
  if (rows.empty()) return Status::InvalidArgument(path + ": no bookings after the header; nothing imported");
  Status st = StoreBookingRows(store, rows);
  if (!st.ok()) return Status(st.code(), path + ": " + st.message() + "; nothing imported");
  ImportSummary s;
  s.rows = s.imported = static_cast<int64_t>(rows.size());
  return s;
}

// The 1-based line of a byte offset.
int64_t LineOf(const std::string& text, size_t offset) {
  int64_t line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') ++line;
  }
  return line;
}

std::string JsonScalar(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

Result<ImportSummary> ImportBookingsJson(Store& store, const std::string& path, const std::string& text) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(LineOf(text, e.byte == 0 ? 0 : e.byte - 1)) +
                                   ": malformed JSON: " + std::string(WithoutJsonExceptionTag(e.what())) +
                                   "; nothing imported");
  } catch (const nlohmann::json::exception& e) {  // a number out of range, say
    return Status::InvalidArgument(path + ": malformed JSON: " + std::string(WithoutJsonExceptionTag(e.what())) +
                                   "; nothing imported");
  }
  const nlohmann::json* list = &doc;
  if (doc.is_object() && doc.contains("bookings")) list = &doc["bookings"];
  if (!list->is_array()) {
    return Status::InvalidArgument(path + ": expected an array of bookings or {\"bookings\": [...]}");
  }
  Problems problems(path);
  std::vector<BookingRow> rows;
  std::set<std::string> seen;
  size_t index = 0;
  for (const auto& item : *list) {
    ++index;
    std::string where = "booking #" + std::to_string(index);
    if (!item.is_object()) {
      problems.AddItem(where, "is not an object");
      continue;
    }
    if (item.contains("booking_id") && item["booking_id"].is_string()) {
      where += " (" + item["booking_id"].get<std::string>() + ")";
    }
    FieldFn get = [&](const char* name) -> std::string {
      auto it = item.find(name);
      return it == item.end() ? std::string() : JsonScalar(*it);
    };
    BookingRow row;
    Status st = FillBookingRow(get, &row);
    if (st.ok() && item.contains("charges")) {
      const auto& charges = item["charges"];
      if (!charges.is_array()) {
        st = Status::InvalidArgument("charges is not an array");
      } else {
        for (const auto& c : charges) {
          if (c.is_string()) {
            auto parsed = ParseChargeText(c.get<std::string>());
            if (!parsed.ok()) {
              st = parsed.status();
              break;
            }
            row.booking.charges.push_back(*parsed);
            continue;
          }
          if (!c.is_object()) {
            st = Status::InvalidArgument("a charge is neither an object nor CODE:LEVEL:STATUTE:DESCRIPTION");
            break;
          }
          // Scalars only: a nested object or array where a string belongs is an error.
          auto text_of = [&](const char* key, std::string* out) -> bool {
            auto it = c.find(key);
            if (it == c.end() || it->is_null()) return true;
            if (it->is_object() || it->is_array()) return false;
            *out = JsonScalar(*it);
            return true;
          };
          Charge ch;
          std::string level;
          if (!text_of("code", &ch.code) || !text_of("statute", &ch.statute) ||
              !text_of("description", &ch.description) || !text_of("level", &level)) {
            st = Status::InvalidArgument("a charge field is an object or array, expected text");
            break;
          }
          if (level.size() != 1 || (level[0] != 'F' && level[0] != 'M' && level[0] != 'I')) {
            st = Status::InvalidArgument("charge " + ch.code + ": level '" + level + "' is not F, M or I");
            break;
          }
          ch.level = level[0];
          if (c.contains("degree")) {
            if (!c["degree"].is_number_integer() || c["degree"].get<int64_t>() < 0 || c["degree"].get<int64_t>() > 9) {
              st = Status::InvalidArgument("charge " + ch.code + ": degree is not a number");
              break;
            }
            ch.degree = c["degree"].get<int>();
          }
          row.booking.charges.push_back(ch);
        }
      }
    }
    if (st.ok() && !seen.insert(row.booking.booking_id).second) {
      st = Status::InvalidArgument("booking_id appears twice in the file");
    }
    if (!st.ok()) {
      problems.AddItem(where, st.message());
      continue;
    }
    rows.push_back(std::move(row));
  }
  if (!problems.empty()) return problems.ToStatus();
  if (rows.empty()) return Status::InvalidArgument(path + ": no bookings; nothing imported");
  Status st = StoreBookingRows(store, rows);
  if (!st.ok()) return Status(st.code(), path + ": " + st.message() + "; nothing imported");
  ImportSummary s;
  s.rows = s.imported = static_cast<int64_t>(rows.size());
  return s;
}
}  // namespace

Result<ImportSummary> ImportBookings(Store& store, const std::string& path) {
  auto text = ReadMaybeGzip(path);
  if (!text.ok()) return text.status();
  StripBom(&text.value());
  size_t i = text->find_first_not_of(" \t\r\n");
  if (i == std::string::npos) return Status::InvalidArgument(path + ": empty file; nothing imported");
  if ((*text)[i] == '[' || (*text)[i] == '{') return ImportBookingsJson(store, path, *text);
  return ImportBookingsCsv(store, path, *text);
}

// ---------------------------------------------------------------------------------------
// The California DOJ offense code table.

Result<std::vector<OffenseCode>> LoadOffenseCodes(const std::string& path) {
  auto text = ReadMaybeGzip(path);
  if (!text.ok()) return text.status();
  StripBom(&text.value());
  CsvReader reader(*text, ',');
  std::vector<std::string> f;
  std::string error;
  if (!reader.Next(&f, &error) || f.size() < 13 || Trim(f[1]) != "Offense Code") {
    return Status::InvalidArgument(path + ":1: not the CA DOJ offense code table (header 'Offense Validation CD, Offense Code, ...')");
  }
  std::vector<OffenseCode> out;
  while (reader.Next(&f, &error)) {
    if (!error.empty()) return Status::InvalidArgument(path + ":" + std::to_string(reader.line()) + ": " + error);
    if (BlankRecord(f)) continue;
    if (f.size() < 13) {
      return Status::InvalidArgument(path + ":" + std::to_string(reader.line()) + ": has " + std::to_string(f.size()) +
                                     " fields, expected 14");
    }
    OffenseCode o;
    o.code = Trim(f[1]);
    const std::string section = Trim(f[3]);
    const std::string type = Trim(f[4]);
    o.statute = type.empty() ? section : type + " " + section;
    o.description = Trim(f[5]);
    const std::string level = Trim(f[7]);
    o.level = level.size() == 1 ? level[0] : 'X';
    const std::string degree = Trim(f[9]);
    o.degree = degree == "1" ? 1 : degree == "2" ? 2 : 0;
    o.active = Trim(f[0]) == "1" && Trim(f[12]).empty();
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace tg::records
