// Time and small model helpers (model.h).
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "records/model.h"

namespace tg::records {

namespace {
// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, any year).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int* year, int* month, int* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp + (mp < 10 ? 3 : -9);
  *year = static_cast<int>(y + (m <= 2));
  *month = static_cast<int>(m);
  *day = static_cast<int>(d);
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool Digits(const std::string& s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}
}  // namespace

TimeMs TimeFromCivil(int year, int month, int day) {
  return DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * kMsPerDay;
}

void CivilFromTime(TimeMs t, int* year, int* month, int* day) {
  CivilFromDays(FloorDiv(t, kMsPerDay), year, month, day);
}

int WeekdayOf(TimeMs t) {
  return static_cast<int>(((FloorDiv(t, kMsPerDay) % 7) + 11) % 7);  // 1970-01-01 was a Thursday
}

std::string FormatDate(TimeMs t) {
  int y, m, d;
  CivilFromTime(t, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string FormatUtc(TimeMs t, int fraction_digits) {
  fraction_digits = std::clamp(fraction_digits, 0, 3);
  const int64_t days = FloorDiv(t, kMsPerDay);
  const int64_t ms_of_day = t - days * kMsPerDay;
  int y, m, d;
  CivilFromDays(days, &y, &m, &d);
  const int hh = static_cast<int>(ms_of_day / kMsPerHour);
  const int mm = static_cast<int>(ms_of_day / kMsPerMinute % 60);
  const int ss = static_cast<int>(ms_of_day / kMsPerSecond % 60);
  int fraction = static_cast<int>(ms_of_day % 1000);
  for (int k = 3; k > fraction_digits; --k) fraction /= 10;
  if (y < 0 || y > 9999) {  // rare: printf's layout for such years
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, hh, mm, ss);
    std::string out = buf;
    if (fraction_digits > 0) {
      std::snprintf(buf, sizeof buf, ".%0*d", fraction_digits, fraction);
      out += buf;
    }
    return out + "Z";
  }
  // By hand: these are written for every record of every response and audit record.
  char buf[32];
  char* p = buf;
  auto put = [&p](int v, int width) {
    for (int k = width - 1; k >= 0; --k, v /= 10) p[k] = static_cast<char>('0' + v % 10);
    p += width;
  };
  put(y, 4), *p++ = '-', put(m, 2), *p++ = '-', put(d, 2), *p++ = 'T';
  put(hh, 2), *p++ = ':', put(mm, 2), *p++ = ':', put(ss, 2);
  if (fraction_digits > 0) *p++ = '.', put(fraction, fraction_digits);
  *p++ = 'Z';
  return std::string(buf, size_t(p - buf));
}

std::string FormatIso8601(TimeMs t) {
  return FormatUtc(t, FloorDiv(t, kMsPerSecond) * kMsPerSecond == t ? 0 : 3);
}

Result<TimeMs> ParseIso8601(const std::string& s) {
  auto bad = [&](const char* why) {
    return Status::InvalidArgument("bad ISO-8601 time '" + s + "': " + why);
  };
  int y, mo, d;
  if (!Digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &mo) || s[7] != '-' ||
      !Digits(s, 8, 2, &d)) {
    return bad("expected YYYY-MM-DD");
  }
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo)) return bad("no such date");
  TimeMs t = TimeFromCivil(y, mo, d);
  if (s.size() == 10) return t;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return bad("expected 'T' after the date");
  int hh, mi, ss = 0;
  if (!Digits(s, 11, 2, &hh) || s.size() < 16 || s[13] != ':' || !Digits(s, 14, 2, &mi)) {
    return bad("expected HH:MM after the date");
  }
  size_t pos = 16;
  int64_t frac_ms = 0;
  if (pos < s.size() && s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, &ss)) return bad("expected seconds");
    pos += 3;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      size_t start = pos;
      int64_t scale = 100;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        frac_ms += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return bad("expected digits after the decimal point");
    }
  }
  if (hh > 23 || mi > 59 || ss > 60) return bad("time of day out of range");
  t += hh * kMsPerHour + mi * kMsPerMinute + ss * kMsPerSecond + frac_ms;
  if (pos >= s.size()) return bad("a time needs a zone ('Z' or +HH:MM)");
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !Digits(s, pos + 4, 2, &om)) {
      return bad("expected +HH:MM zone offset");
    }
    if (oh > 23 || om > 59) return bad("zone offset out of range");
    const TimeMs off = oh * kMsPerHour + om * kMsPerMinute;
    t += (s[pos] == '+') ? -off : off;
    pos += 6;
  } else {
    return bad("expected 'Z' or +HH:MM zone");
  }
  if (pos != s.size()) return bad("unexpected text after the time");
  return t;
}

TimeMs NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Person::name() const {
  std::string out = first_name;
  if (!middle_name.empty()) {
    if (!out.empty()) out += ' ';
    out += middle_name;
  }
  if (!last_name.empty()) {
    if (!out.empty()) out += ' ';
    out += last_name;
  }
  return out;
}

}  // namespace tg::records
