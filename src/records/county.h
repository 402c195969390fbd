// A synthetic county, modeled on Los Angeles County proportions: agencies of every
// recipient kind, their users and workstations, persons, bookings with real California
// offense codes, conviction histories, requests from outside agencies, ALPR devices and reads
// with the daily and hourly rhythm of a real week (Seattle, October 2021), hotlists, field
// contacts and gang database entries. Deterministic: the same options give the same records
// (only the demo tokens, which are random secrets, differ between runs).
//
// Data directory layout:
//   DIR/county.db          the SQLite store (store.h)
//   DIR/demo-tokens.json   {"lasd-records-clerk": "tg_...", ...}: one bearer token per demo
//                          principal (mode 0600)
// The store is built in DIR/county.db.tmp and renamed when complete, so a county that
// exists is whole.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "records/model.h"
#include "records/store.h"

namespace tg::records {

struct CountyOptions {
  std::string dir;               // the data directory (created if missing)
  int64_t persons = 20000;       // people in the county's records
  uint64_t seed = 1;
  int64_t alpr_reads = 200000;   // plate reads over the 28 days before now
  // The county's "now" (ms since epoch, UTC). 0 means the current time rounded down to the
  // hour. Scheduled releases fall in the weeks after now (a few hundred in any week at the
  // default size), bookings and ALPR reads before it. Pass a fixed value for reproducible
  // data (tests do).
  TimeMs now_ms = 0;
  // Where ../shared lives (data/ca-offense-codes.csv, data/seattle-alpr-2021-10.csv.gz).
  // Empty: the path compiled in (TG_SHARED_DIR, the shared/ folder beside the checkout), or
  // the TRUSTGATE_SHARED environment variable when set.
  std::string shared_dir;
  // Overwrite an existing county in dir (otherwise AlreadyExists).
  bool overwrite = false;
};

struct CountyProgress {
  std::string stage;   // "offense codes", "persons", "bookings", "plate reads", "indexes", ...
  int64_t done = 0;
  int64_t total = 0;   // 0 when unknown
};

// The eight demo principals of design.md, in a fixed order.
const std::vector<std::string>& DemoPrincipals();

std::string CountyDbPath(const std::string& dir);     // DIR/county.db
std::string DemoTokensPath(const std::string& dir);   // DIR/demo-tokens.json

// Builds the county. progress (optional) is called from the calling thread at stage
// boundaries and every few hundred thousand rows.
Status GenerateCounty(const CountyOptions& options,
                      const std::function<void(const CountyProgress&)>& progress = {});

// True when DIR/county.db exists (a county is only renamed into place once complete).
bool CountyExists(const std::string& dir);

// Opens DIR/county.db (NotFound when there is none).
Result<std::unique_ptr<Store>> OpenCounty(const std::string& dir);

// Human-readable: the county's "now" and seed, rows per table, and the demo principals
// (id, name, agency, agency kind, roles, workstation). What `trustgate demo` prints.
std::string CountySummary(Store& store);

// The resolved shared directory for an options value (see CountyOptions::shared_dir).
std::string ResolveSharedDir(const std::string& configured);

}  // namespace tg::records
