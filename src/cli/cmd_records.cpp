// generate, import, users, token: the records side of the trustgate command.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "records/county.h"
#include "records/importers.h"
#include "records/store.h"

namespace tg::cli {

namespace {

using records::Store;

// Thousands separators for counts on a terminal.
std::string Grouped(int64_t n) {
  std::string s = std::to_string(n < 0 ? -n : n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return n < 0 ? "-" + s : s;
}

// Opens the store in DIR for commands that read or change an existing county.
std::unique_ptr<Store> OpenExisting(const std::string& dir) {
  auto store = records::OpenCounty(dir);
  if (!store.ok()) Fail(store.status().message());
  return std::move(store.value());
}

// Opens DIR's store, creating an empty one (and DIR) when there is none: imports go into
// a real deployment's store as well as into a synthetic county.
std::unique_ptr<Store> OpenOrCreate(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) Fail("cannot create " + dir + ": " + ec.message());
  auto store = records::OpenSqliteStore(records::CountyDbPath(dir));
  if (!store.ok()) Fail(store.status().message());
  return std::move(store.value());
}

// Progress on stderr: one updating line on a terminal, stage lines otherwise.
class ProgressPrinter {
 public:
  ProgressPrinter() : tty_(isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()) {}
  void operator()(const records::CountyProgress& p) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (tty_) {
      std::string line = "  " + p.stage;
      if (p.total > 0) line += "  " + Grouped(p.done) + " / " + Grouped(p.total);
      std::fprintf(stderr, "\r%-70s %6.1fs", line.c_str(), secs);
      if (p.stage == "done") std::fprintf(stderr, "\n");
      std::fflush(stderr);
    } else if (p.stage != last_) {
      std::fprintf(stderr, "  %6.1fs  %s\n", secs, p.stage.c_str());
    }
    last_ = p.stage;
  }

 private:
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::string last_;
};

void AddGenerate(CLI::App& app) {
  auto* cmd = app.add_subcommand("generate", "Create a synthetic county in DIR (county.db, demo-tokens.json)");
  cmd->footer(
      "Creates agencies of every recipient kind (LASD, LAPD, ICE ERO, FBI, the\n"
      "fusion centre, probation, courts, victim services, an out-of-state police department, a data vendor),\n"
      "their users and workstations (including the jail's outside-agency desk), persons, bookings with real\n"
      "California offense codes, conviction histories, requests from outside agencies, ALPR devices and plate\n"
      "reads in the hourly rhythm of a real Seattle week, hotlists, field contacts and gang entries.\n"
      "Writes DIR/county.db and DIR/demo-tokens.json (a bearer token for each of the eight demo principals).\n"
      "The same --seed and --now give the same records.\n\n"
      "Examples:\n"
      "  trustgate generate --data var/demo\n"
      "  trustgate generate --data var/big --persons 100000 --alpr-reads 10000000 --seed 7");
  auto opts = std::make_shared<records::CountyOptions>();
  auto now_text = std::make_shared<std::string>();
  cmd->add_option("--data", opts->dir, "Data directory (created if missing)")->required();
  cmd->add_option("--persons", opts->persons, "Persons in the county's records")->capture_default_str();
  cmd->add_option("--seed", opts->seed, "Random seed")->capture_default_str();
  cmd->add_option("--alpr-reads", opts->alpr_reads, "Plate reads over the 28 days before now")->capture_default_str();
  cmd->add_option("--now", *now_text,
                  "The county's present, ISO-8601 (e.g. 2024-05-01T12:00:00Z); default: the current hour. "
                  "Releases are scheduled in the weeks after it");
  cmd->add_option("--shared", opts->shared_dir,
                  "The shared/ folder with data/ca-offense-codes.csv and the Seattle ALPR file "
                  "(default: beside the checkout, or $TRUSTGATE_SHARED)");
  cmd->add_flag("--force", opts->overwrite, "Replace a county that already exists in DIR");
  cmd->callback([opts, now_text] {
    if (!now_text->empty()) {
      auto t = records::ParseIso8601(*now_text);
      if (!t.ok()) Fail("--now: " + t.status().message());
      opts->now_ms = *t;
    }
    const auto start = std::chrono::steady_clock::now();
    std::fprintf(stderr, "trustgate: generating a county in %s (%s persons, %s plate reads, seed %llu)\n",
                 opts->dir.c_str(), Grouped(opts->persons).c_str(), Grouped(opts->alpr_reads).c_str(),
                 static_cast<unsigned long long>(opts->seed));
    ProgressPrinter progress;
    Status st = records::GenerateCounty(*opts, [&](const records::CountyProgress& p) { progress(p); });
    if (!st.ok()) Fail(st.message(), st.code() == Code::kAlreadyExists ? 3 : 1);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto store = OpenExisting(opts->dir);
    std::cout << records::CountySummary(*store);
    std::cout << "\nWritten in " << std::fixed;
    std::cout.precision(1);
    std::cout << secs << " s: " << records::CountyDbPath(opts->dir) << ", " << records::DemoTokensPath(opts->dir)
              << "\n";
  });
}

void AddImport(CLI::App& app) {
  auto* imp = app.add_subcommand("import", "Import ALPR reads (Seattle format) or bookings (CSV/JSON)");
  imp->footer(
      "Imports records into DIR's store (created if missing). Every import is all or nothing: bad rows are\n"
      "listed with their line numbers and nothing is stored. Formats: docs/import-formats.md.");
  imp->require_subcommand(1);

  auto* alpr = imp->add_subcommand("alpr-csv", "ALPR plate reads in the Seattle public-records format");
  alpr->footer(
      "Pipe-delimited, gzip or plain, header\n"
      "zipcode|dt|location|address|device|plate_hash|lon|lat|... with dt as MM/DD/YYYY - HH:MM:SS local time.\n\n"
      "Example:\n"
      "  trustgate import alpr-csv --data var/demo ../shared/data/seattle-alpr-2021-10.csv.gz");
  auto data = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  auto aopts = std::make_shared<records::AlprImportOptions>();
  alpr->add_option("--data", *data, "Data directory")->required();
  alpr->add_option("FILE", *file, "The reads file (.csv or .csv.gz)")->required();
  alpr->add_option("--agency", aopts->agency, "Agency id the reads belong to (created when missing)")
      ->capture_default_str();
  alpr->add_option("--agency-name", aopts->agency_name, "Name for that agency if it has to be created")
      ->capture_default_str();
  alpr->add_option("--agency-state", aopts->agency_state, "Its state")->capture_default_str();
  alpr->add_option("--time-zone", aopts->time_zone, "Zone of the file's local times: America/Los_Angeles or UTC")
      ->capture_default_str();
  alpr->callback([data, file, aopts] {
    auto store = OpenOrCreate(*data);
    const auto start = std::chrono::steady_clock::now();
    auto r = records::ImportAlprCsv(*store, *file, *aopts);
    if (!r.ok()) Fail(r.status().message());
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("imported %s plate reads from %s (%s new devices, agency %s) in %.2f s\n",
                Grouped(r->imported).c_str(), file->c_str(), Grouped(r->new_devices).c_str(), aopts->agency.c_str(),
                secs);
  });

  auto* bookings = imp->add_subcommand("bookings", "Bookings and the persons they name, from CSV or JSON");
  bookings->footer(
      "The first non-blank byte decides\n"
      "('[' or '{' is JSON). CSV header names the columns, any order: booking_id, person_id, first_name,\n"
      "middle_name, last_name, dob, sex, birthplace, address, phone, email, immigration_status, booked_at,\n"
      "arresting_agency, charges (CODE:LEVEL:STATUTE:DESCRIPTION;...), bail, facility, housing, custody_status,\n"
      "scheduled_release_at, released_at, release_type, court_date, court, photo_url.\n\n"
      "Example:\n"
      "  trustgate import bookings --data var/demo bookings.csv");
  auto bdata = std::make_shared<std::string>();
  auto bfile = std::make_shared<std::string>();
  bookings->add_option("--data", *bdata, "Data directory")->required();
  bookings->add_option("FILE", *bfile, "The bookings file (.csv or .json)")->required();
  bookings->callback([bdata, bfile] {
    auto store = OpenOrCreate(*bdata);
    auto r = records::ImportBookings(*store, *bfile);
    if (!r.ok()) Fail(r.status().message());
    std::printf("imported %s bookings from %s\n", Grouped(r->imported).c_str(), bfile->c_str());
  });
}

void AddUsers(CLI::App& app) {
  auto* users = app.add_subcommand("users", "Users of the county's agencies.");
  users->require_subcommand(1);
  auto* list = users->add_subcommand("list", "List users (id, name, agency, agency kind, roles)");
  list->footer(
      "JSON [{id, name, agency, agency_kind, roles}] or a table.\n\n"
      "Example:\n"
      "  trustgate users list --data var/demo --format json --agency ice-ero-la");
  auto data = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("table");
  auto agency = std::make_shared<std::string>();
  list->add_option("--data", *data, "Data directory")->required();
  list->add_option("--format", *format, "json or table")->check(CLI::IsMember({"json", "table"}))->capture_default_str();
  list->add_option("--agency", *agency, "Only this agency's users");
  list->callback([data, format, agency] {
    auto store = OpenExisting(*data);
    auto agencies = store->ListAgencies();
    if (!agencies.ok()) Fail(agencies.status().message());
    std::map<std::string, std::string> kind;
    for (const auto& a : *agencies) kind[a.id] = a.kind;
    if (!agency->empty() && !kind.count(*agency)) Fail("no agency " + *agency);
    auto users = store->ListUsers(*agency);
    if (!users.ok()) Fail(users.status().message());
    if (*format == "json") {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const auto& u : *users) {
        out.push_back({{"id", u.id}, {"name", u.name}, {"agency", u.agency_id}, {"agency_kind", kind[u.agency_id]},
                       {"roles", u.roles}});
      }
      std::cout << out.dump(2) << "\n";
      return;
    }
    std::printf("%-36s %-24s %-22s %-24s %s\n", "ID", "NAME", "AGENCY", "AGENCY KIND", "ROLES");
    for (const auto& u : *users) {
      std::string roles;
      for (const auto& r : u.roles) roles += (roles.empty() ? "" : ",") + r;
      std::printf("%-36s %-24s %-22s %-24s %s\n", u.id.c_str(), u.name.c_str(), u.agency_id.c_str(),
                  kind[u.agency_id].c_str(), roles.c_str());
    }
  });
}

void AddToken(CLI::App& app) {
  auto* token = app.add_subcommand("token", "Create, revoke and list API bearer tokens");
  token->footer("Only a token's SHA-256 hash is stored: the token is printed once, when created.");
  token->require_subcommand(1);

  auto* create = token->add_subcommand("create", "Create a token for a user and print it on stdout");
  create->footer(
      "The token may be bound to a workstation (--workstation).\n\n"
      "Example:\n"
      "  trustgate token create --data var/demo --user lapd-detective\n"
      "  curl -H \"Authorization: Bearer $(trustgate token create --data var/demo --user lapd-detective)\" ...");
  auto data = std::make_shared<std::string>();
  auto user = std::make_shared<std::string>();
  auto ws = std::make_shared<std::string>();
  create->add_option("--data", *data, "Data directory")->required();
  create->add_option("--user", *user, "User id (see trustgate users list)")->required();
  create->add_option("--workstation", *ws, "Bind the token to this workstation id");
  create->callback([data, user, ws] {
    auto store = OpenExisting(*data);
    std::optional<std::string> w;
    if (!ws->empty()) w = *ws;
    auto t = store->CreateToken(*user, w, records::NowMs());
    if (!t.ok()) Fail(t.status().message());
    std::cout << t->plaintext << "\n";
    std::cerr << "trustgate: created token " << t->token.id << " for " << *user
              << (w ? " at workstation " + *w : std::string()) << " (shown once; revoke with: trustgate token revoke "
              << "--data " << *data << " " << t->token.id << ")\n";
  });

  auto* revoke = token->add_subcommand("revoke", "Revoke a token, given its id (tok_...) or the token itself");
  revoke->footer(
      "A revoked token never authenticates again.\n\n"
      "Example:\n"
      "  trustgate token revoke --data var/demo tok_1a2b3c4d5e6f7a8b");
  auto rdata = std::make_shared<std::string>();
  auto which = std::make_shared<std::string>();
  revoke->add_option("--data", *rdata, "Data directory")->required();
  revoke->add_option("TOKEN", *which, "Token id (tok_...) or the token")->required();
  revoke->callback([rdata, which] {
    auto store = OpenExisting(*rdata);
    Status st = store->RevokeToken(*which, records::NowMs());
    if (!st.ok()) Fail(st.message());
    std::cout << "revoked\n";
  });

  auto* list = token->add_subcommand("list", "List tokens (ids, users, workstations, revocation; never the tokens).");
  auto ldata = std::make_shared<std::string>();
  auto luser = std::make_shared<std::string>();
  list->add_option("--data", *ldata, "Data directory")->required();
  list->add_option("--user", *luser, "Only this user's tokens");
  list->callback([ldata, luser] {
    auto store = OpenExisting(*ldata);
    auto tokens = store->ListTokens(*luser);
    if (!tokens.ok()) Fail(tokens.status().message());
    std::printf("%-21s %-28s %-26s %-21s %s\n", "ID", "USER", "WORKSTATION", "CREATED", "REVOKED");
    for (const auto& t : *tokens) {
      std::printf("%-21s %-28s %-26s %-21s %s\n", t.id.c_str(), t.user_id.c_str(),
                  t.workstation_id.value_or("-").c_str(), records::FormatIso8601(t.created_at / 1000 * 1000).c_str(),
                  t.revoked_at ? records::FormatIso8601(*t.revoked_at / 1000 * 1000).c_str() : "-");
    }
  });
}

}  // namespace

void AddRecordsCommands(CLI::App& app) {
  AddGenerate(app);
  AddImport(app);
  AddUsers(app);
  AddToken(app);
}

}  // namespace tg::cli
