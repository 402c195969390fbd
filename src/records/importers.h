// Importers: ALPR reads in the Seattle public-records format, and bookings (CSV or JSON).
// Every import is all or nothing: rows are checked first and written in one transaction;
// any bad row fails the import with InvalidArgument naming FILE:LINE for each bad row (the
// first 20, then a count), and nothing is stored. docs/import-formats.md documents the
// layouts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "records/model.h"
#include "records/store.h"

namespace tg::records {

struct AlprImportOptions {
  // The agency the reads belong to; created (kind local_police) when absent and
  // agency_name is given.
  std::string agency = "seattle-pd";
  std::string agency_name = "Seattle Police Department";
  std::string agency_state = "WA";
  // The IANA zone of the file's local times. Supported: "America/Los_Angeles" (US Pacific,
  // with US daylight-saving rules since 2007) and "UTC".
  std::string time_zone = "America/Los_Angeles";
};

struct ImportSummary {
  int64_t rows = 0;          // data rows read
  int64_t imported = 0;      // records stored (== rows on success)
  int64_t new_devices = 0;   // ALPR devices created
};

// Reads a pipe-delimited Seattle-format file (gzip or plain; detected by content):
// header `zipcode|dt|location|address|device|plate_hash|lon|lat|...`. Creates the devices it
// names (kind "mobile", location from `location`/`address`) and stores one PlateRead per row.
Result<ImportSummary> ImportAlprCsv(Store& store, const std::string& path,
                                    const AlprImportOptions& options = {});

// Bookings, as CSV (one row per booking, charges joined with ';') or JSON (an array of
// booking objects, or {"bookings": [...]}) chosen by the file's first non-blank byte.
// Persons named by a row are created or updated.
Result<ImportSummary> ImportBookings(Store& store, const std::string& path);

// --- pieces shared with the generator and tests -------------------------------------------

// Reads a whole file, gunzipping when it starts with the gzip magic.
Result<std::string> ReadMaybeGzip(const std::string& path);

// Splits one CSV record (RFC 4180 quoting with `"`, doubled quotes inside) on `sep`.
// Returns InvalidArgument for an unterminated quote. `line` is one physical line.
Result<std::vector<std::string>> SplitCsvLine(const std::string& line, char sep = ',');

// Converts local wall-clock time in a supported zone to UTC.
Result<TimeMs> LocalToUtc(int year, int month, int day, int hour, int minute, int second,
                          const std::string& time_zone);

// One row of the California DOJ offense code table (../shared/data/ca-offense-codes.csv).
struct OffenseCode {
  std::string code;          // "12004"
  std::string statute;       // "PC 211"
  std::string description;   // "ROBBERY"
  char level = 'X';          // 'F', 'M', 'I', 'X'
  int degree = 0;
  bool active = false;       // validation code 1 and not repealed
};
Result<std::vector<OffenseCode>> LoadOffenseCodes(const std::string& path);

}  // namespace tg::records
