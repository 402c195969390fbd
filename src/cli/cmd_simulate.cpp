// trustgate simulate: drives a simulated stretch of work — benign traffic of many agencies plus
// injected violations of every oversight detector's kind — through a real gateway over HTTP,
// and writes the ground truth (DIR/simulation/truth.json) the detectors are scored against.
// The plan of who does what is src/oversight/simulation.h; this file puts the simulated staff
// into the store, starts the gateway on a loopback port, sends the calls and writes the truth.
#include <algorithm>
#include <atomic>
#include <utility>  // std::exchange, before Asio's headers
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "cli/commands.h"
#include "gateway/audit_store.h"
#include "gateway/config.h"
#include "gateway/gateway.h"
#include "gateway/server.h"
#include "oversight/audit_event.h"
#include "oversight/detectors.h"
#include "oversight/simulation.h"
#include "records/county.h"

namespace tg::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;
using oversight::SimulatedCall;

// A blocking HTTP/1.1 client on one kept-alive loopback connection (Boost.Beast).
class LoopbackClient {
 public:
  explicit LoopbackClient(unsigned short port) : port_(port), stream_(ioc_) {}

  // Sends one call; returns the status and body. Throws boost::system::system_error on a
  // network failure.
  std::pair<int, std::string> Send(const SimulatedCall& call, const std::string& token) {
    namespace http = boost::beast::http;
    if (!connected_) {
      stream_.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
      connected_ = true;
    }
    http::request<http::string_body> req{http::string_to_verb(call.method), call.target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    auto header = [&](const char* name, const std::string& value) {
      if (!value.empty()) req.set(name, value);
    };
    header("TrustGate-Purpose", call.purpose);
    header("TrustGate-Case", call.case_number);
    header("TrustGate-Authority", call.authority);
    header("TrustGate-Reason", call.reason);
    header("TrustGate-Channel", call.channel);
    header("TrustGate-Recipient", call.recipient);
    if (!call.body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = call.body;
    req.prepare_payload();
    http::write(stream_, req);
    boost::beast::flat_buffer buf;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u * 1024 * 1024);
    http::read(stream_, buf, parser);
    auto& res = parser.get();
    if (!res.keep_alive()) {
      boost::system::error_code ec;
      stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
      stream_.close();
      connected_ = false;
    }
    return {static_cast<int>(res.result_int()), res.body()};
  }

 private:
  unsigned short port_;
  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
  bool connected_ = false;
};

struct SimulateFlags {
  std::string data, listen = "127.0.0.1:0", policies;
  std::vector<std::string> packs;
  int days = 30;
  double events_per_day = 500;
  uint64_t seed = 7;
  int connections = 16;
  bool score = false;
};

// The county's records the plan draws on: bookings with release dates, their persons, the
// plates of vehicles in field contacts, last names for the locator.
oversight::SimulationInputs DrawInputs(records::Store& store, const SimulateFlags& f, records::TimeMs now) {
  oversight::SimulationInputs in;
  in.seed = f.seed;
  in.days = f.days;
  in.events_per_day = f.events_per_day;
  // The simulated days are the days up to the county's present.
  in.start = now / records::kMsPerDay * records::kMsPerDay - f.days * records::kMsPerDay;
  auto bookings = store.BookingsReleasedBetween(0, std::numeric_limits<records::TimeMs>::max(), 20000);
  if (!bookings.ok()) Fail("reading bookings: " + bookings.status().message());
  std::set<std::string> persons, names;
  for (const auto& b : *bookings) {
    in.booking_ids.push_back(b.booking_id);
    persons.insert(b.person_id);
  }
  in.person_ids.assign(persons.begin(), persons.end());
  std::set<std::string> plates;
  for (size_t i = 0; i < in.person_ids.size(); ++i) {
    auto contacts = store.FieldContactsByPerson(in.person_ids[i]);
    if (contacts.ok()) {
      for (const auto& c : *contacts) {
        if (!c.vehicle_plate.empty()) plates.insert(c.vehicle_plate);
      }
    }
    if (names.size() < 40) {
      auto p = store.GetPerson(in.person_ids[i]);
      if (p.ok() && p->last_name.size() >= 2) {
        std::string n = p->last_name;
        for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (n.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos) names.insert(n);
      }
    }
  }
  in.plates.assign(plates.begin(), plates.end());
  in.locator_names.assign(names.begin(), names.end());
  return in;
}

// Puts the plan's staff, workstations and gang entries into the store and makes a token for
// every simulated user (bound to the user's workstation where the plan says so).
std::map<std::string, std::string> Provision(records::Store& store, const oversight::SimulationPlan& plan) {
  for (const auto& a : plan.agencies) {
    if (store.GetAgency(a.id).ok()) continue;  // keep the county's own record of it
    Status s = store.PutAgency(a);
    if (!s.ok()) Fail("agency " + a.id + ": " + s.message());
  }
  for (const auto& w : plan.workstations) {
    Status s = store.PutWorkstation(w);
    if (!s.ok()) Fail("workstation " + w.id + ": " + s.message());
  }
  std::map<std::string, std::string> tokens;
  for (const auto& u : plan.users) {
    Status s = store.PutUser(u);
    if (!s.ok()) Fail("user " + u.id + ": " + s.message());
    std::optional<std::string> ws;
    if (auto it = plan.workstation_of.find(u.id); it != plan.workstation_of.end()) ws = it->second;
    auto t = store.CreateToken(u.id, ws, records::NowMs());
    if (!t.ok()) Fail("token for " + u.id + ": " + t.status().message());
    tokens[u.id] = t->plaintext;
  }
  for (const auto& g : plan.gang_entries) {
    auto id = store.AddGangEntry(g);
    if (!id.ok()) Fail("gang entry: " + id.status().message());
  }
  return tokens;
}

struct DriveResult {
  std::map<int, int64_t> statuses;
  std::string first_unexpected;  // the first 400/5xx answer, to show
  double seconds = 0;
};

// Sends the calls in simulated-time order over `connections` kept-alive connections (each
// worker takes the next call, so the log's order follows simulated time up to the number of
// calls in flight). Prints progress per simulated week on stderr.
DriveResult Drive(unsigned short port, const std::vector<SimulatedCall>& calls,
                  const std::map<std::string, std::string>& tokens, int connections, int days) {
  DriveResult r;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::string network_error;
  auto start = std::chrono::steady_clock::now();
  std::atomic<int> reported_day{0};
  auto worker = [&] {
    LoopbackClient client(port);
    std::map<int, int64_t> local;
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= calls.size() || failed) break;
      const SimulatedCall& c = calls[i];
      std::string token;
      if (!c.principal.empty()) token = tokens.at(c.principal);
      try {
        auto [status, body] = client.Send(c, token);
        local[status]++;
        if (status == 400 || status >= 500) {
          std::lock_guard lock(mu);
          if (r.first_unexpected.empty()) r.first_unexpected = c.method + " " + c.target + " -> " + std::to_string(status) + " " + body;
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(mu);
        network_error = e.what();
        failed = true;
        break;
      }
      int week = c.day / 7;
      int seen = reported_day.load();
      if (week > seen && reported_day.compare_exchange_strong(seen, week)) {
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::fprintf(stderr, "  %6.1fs  day %d of %d, %zu calls sent\n", secs, std::min(c.day + 1, days), days, i);
      }
    }
    std::lock_guard lock(mu);
    for (auto [s, n] : local) r.statuses[s] += n;
  };
  std::vector<std::thread> threads;
  for (int k = 0; k < connections; ++k) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (failed) Fail("the gateway stopped answering: " + network_error);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

// Every audit record of DIR/audit, as the detectors read them.
std::vector<oversight::AuditEvent> ReadAudit(const std::string& path) {
  auto audit = gateway::AuditStore::OpenForReading(path);
  if (!audit.ok()) Fail("cannot open " + path + ": " + audit.status().message());
  std::vector<oversight::AuditEvent> events;
  for (uint64_t i = 0;; ++i) {
    auto row = (*audit)->Read(i);
    if (!row.ok()) {
      if (row.status().code() == Code::kNotFound) break;
      Fail("audit record " + std::to_string(i) + ": " + row.status().message());
    }
    auto e = oversight::ParseAuditEvent(row->record, i);
    if (!e.ok()) Fail("audit record " + std::to_string(i) + ": " + e.status().message());
    events.push_back(std::move(*e));
  }
  return events;
}

// Runs the detectors over the simulation's audit records and prints recall and precision per
// detector against the truth. Returns false when below the bars (recall 0.95, precision 0.9).
bool ScoreRun(const std::string& dir, double events_per_day, const std::set<oversight::TruthKey>& truth) {
  auto store = records::OpenCounty(dir);
  if (!store.ok()) Fail(store.status().message());
  auto events = ReadAudit((fs::path(dir) / "audit").string());
  oversight::DetectorOptions options;
  options.events_per_day = events_per_day;
  auto findings = oversight::RunDetectors(std::move(events), **store, options);
  if (!findings.ok()) Fail("detectors: " + findings.status().message());
  std::set<oversight::TruthKey> reported;
  for (const auto& f : *findings) reported.insert(oversight::TruthKeyOf(f.detector, f.principal, f.agency));
  auto score = oversight::ScoreFindings(truth, reported);
  std::printf("\n%-22s %8s %6s %9s %7s %9s\n", "DETECTOR", "EXPECTED", "FOUND", "REPORTED", "RECALL", "PRECISION");
  for (const auto& [d, s] : score.by_detector) {
    std::printf("%-22s %8d %6d %9d %7.2f %9.2f\n", d.c_str(), s.expected, s.found, s.reported, s.recall(), s.precision());
  }
  const auto& o = score.overall;
  std::printf("%-22s %8d %6d %9d %7.2f %9.2f\n", "overall", o.expected, o.found, o.reported, o.recall(), o.precision());
  for (const auto& k : score.missed) std::printf("  missed: %s %s\n", k.first.c_str(), k.second.c_str());
  for (const auto& k : score.false_positives) std::printf("  not in the truth: %s %s\n", k.first.c_str(), k.second.c_str());
  return o.recall() >= 0.95 && o.precision() >= 0.9;
}

void Run(const SimulateFlags& f) {
  const std::string& dir = f.data;
  if (!records::CountyExists(dir)) {
    Fail("no county in " + dir + ": make one first (trustgate generate --data " + dir + " --persons 3000)");
  }
  for (const char* part : {"audit", "audit.db", "log", "simulation"}) {
    if (fs::exists(fs::path(dir) / part)) {
      Fail(dir + "/" + part + " exists: simulate needs a county no gateway has served yet, so that the audit "
           "log holds only the simulation (generate a fresh one: trustgate generate --data NEWDIR)");
    }
  }
  if (f.connections < 1 || f.connections > 64) Fail("--connections: 1 to 64");

  // 1. The plan, drawn from the county's records; the staff into the store.
  auto store = records::OpenCounty(dir);
  if (!store.ok()) Fail(store.status().message());
  records::TimeMs now = records::NowMs();
  if (auto meta = (*store)->GetMeta("county.now"); meta.ok() && meta->has_value()) {
    auto t = records::ParseIso8601(**meta);
    if (t.ok()) now = *t;
  }
  auto inputs = DrawInputs(**store, f, now);
  auto plan = oversight::PlanSimulation(inputs);
  if (!plan.ok()) Fail(plan.status().message());
  auto tokens = Provision(**store, *plan);
  auto gang = (*store)->GangEntriesDueForReview(std::numeric_limits<records::TimeMs>::max(),
                                                std::numeric_limits<int>::max());
  if (!gang.ok()) Fail("gang entries: " + gang.status().message());
  auto truth = plan->truth;
  std::set<oversight::TruthKey> injected_keys;
  for (const auto& t : truth) injected_keys.insert(t.key);
  for (auto& t : oversight::GangTruth(*gang, now)) {
    if (!injected_keys.count(t.key)) truth.push_back(std::move(t));
  }
  store->reset();

  // 2. A real gateway on a loopback port, as `trustgate demo` runs it (no per-token limit:
  //    the simulation compresses days of work into minutes).
  gateway::GatewayConfig c = CountyGatewayConfig(dir, f.policies, f.packs, "trustgate.simulation/log");
  c.server.listen = f.listen;
  c.server.rate_limits.per_token_per_second = 0;
  c.server.rate_limits.per_address_per_second = 0;
  auto gw = gateway::Gateway::Open(c);
  if (!gw.ok()) Fail(gw.status().message());
  auto server = gateway::Server::Start(c.server, (*gw)->handler(), (*gw)->rejection_sink());
  if (!server.ok()) Fail(server.status().message());
  std::fprintf(stderr, "trustgate: simulating %d days, %zu calls by %zu simulated staff, through the gateway on port %u\n",
               f.days, plan->calls.size(), plan->users.size(), (*server)->port());

  // 3. The traffic.
  DriveResult driven = Drive((*server)->port(), plan->calls, tokens, f.connections, f.days);
  (*server)->Shutdown();
  // The gateway before the server: draining the log may still answer a request that outlived
  // the grace period, and that answer must land in the stopped server, not a destroyed one.
  gw->reset();  // drains the log and the audit store
  server->reset();

  // 4. The truth.
  const double events = static_cast<double>(plan->calls.size());
  const double pace = events / f.days;
  std::map<std::string, int64_t> injected;
  for (const auto& call : plan->calls) {
    if (!call.injected.empty()) injected[call.injected]++;
  }
  ordered_json j;
  j["seed"] = f.seed;
  j["days"] = f.days;
  j["events"] = plan->calls.size();
  j["events_per_day"] = pace;
  j["target_events_per_day"] = f.events_per_day;
  j["first_day"] = records::FormatIso8601(inputs.start);
  j["county_now"] = records::FormatIso8601(now);
  j["packs"] = c.policy_packs;
  j["users"] = plan->users.size();
  j["connections"] = f.connections;
  j["wall_seconds"] = driven.seconds;
  j["requests_per_second"] = driven.seconds > 0 ? events / driven.seconds : 0;
  ordered_json statuses = ordered_json::object();
  for (auto [s, n] : driven.statuses) statuses[std::to_string(s)] = n;
  j["statuses"] = statuses;
  j["injected_calls"] = injected;
  j["score_with"] = "trustgate audit report --data " + dir + " --format json --events-per-day " + std::to_string(pace);
  ordered_json list = ordered_json::array();
  for (const auto& t : truth) {
    list.push_back({{"detector", t.key.first}, {"key", t.key.second}, {"how", t.how}, {"source", t.source}});
  }
  j["truth"] = list;
  fs::path out_dir = fs::path(dir) / "simulation";
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) Fail("cannot create " + out_dir.string() + ": " + ec.message());
  std::ofstream out(out_dir / "truth.json", std::ios::trunc);
  out << j.dump(2) << "\n";
  out.close();
  if (!out) Fail("writing " + (out_dir / "truth.json").string() + " failed");

  std::printf("Simulated %d days at %.0f events a day: %zu calls by %zu staff of %zu agencies in %.1f s (%.0f requests/s, %d connections)\n",
              f.days, pace, plan->calls.size(), plan->users.size(), plan->agencies.size(), driven.seconds,
              j["requests_per_second"].get<double>(), f.connections);
  std::printf("  answers:");
  for (auto [s, n] : driven.statuses) std::printf(" %d x%lld", s, static_cast<long long>(n));
  std::printf("\n  injected: %zu violations of %zu detector kinds (%zu truth keys)\n",
              static_cast<size_t>(std::count_if(plan->calls.begin(), plan->calls.end(),
                                                [](const SimulatedCall& x) { return !x.injected.empty(); })),
              [&] {
                std::set<std::string> kinds;
                for (const auto& t : truth) kinds.insert(t.key.first);
                return kinds.size();
              }(),
              truth.size());
  std::printf("  truth: %s\n  score: %s\n", (out_dir / "truth.json").string().c_str(),
              j["score_with"].get<std::string>().c_str());
  if (!driven.first_unexpected.empty()) {
    std::fprintf(stderr, "trustgate: warning: unexpected answer: %s\n", driven.first_unexpected.c_str());
  }
  if (f.score) {
    std::set<oversight::TruthKey> keys;
    for (const auto& t : truth) keys.insert(t.key);
    if (!ScoreRun(dir, pace, keys)) Fail("the detectors scored below recall 0.95 or precision 0.9", 2);
  }
}

}  // namespace

void AddSimulateCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "simulate", "Drive simulated work with injected violations through a real gateway and write the ground truth");
  cmd->footer(
      "Takes a county made by `trustgate generate` that no gateway has served yet. Adds simulated staff\n"
      "(ids sim-...) of a dozen agencies — sheriff's clerks and deputies, city detectives and patrol, a city\n"
      "jail, probation, the court, a task force, the fusion centre, the FBI, victim services, an out-of-state\n"
      "department, immigration officers and the inspector general — with tokens, starts the gateway on a\n"
      "loopback port and sends their work over HTTP with purposes, reasons, case numbers, channels and\n"
      "workstation-bound tokens. A few of them do what the oversight detectors look for: an immigration\n"
      "officer at the jail's outside-agency desk, a clerk pulling the release list all day, a clerk whose\n"
      "lookups an immigration request follows, printouts and phone calls to ICE, \"ICE WARRANT\" reasons,\n"
      "vague reasons, lookups without case numbers, volume outliers, one plate tracked for weeks, and\n"
      "gang entries without review or criteria.\n\n"
      "Writes DIR/audit/ and DIR/log (as `trustgate demo` would) and DIR/simulation/truth.json: the\n"
      "expected findings as (detector, principal or agency), how each was injected, the seed, the counts\n"
      "and the pace. Days of work take seconds, so detectors must measure time on an activity clock: pass\n"
      "the pace to them (truth.json's score_with line).\n\n"
      "Examples:\n"
      "  trustgate generate --data var/sim --persons 3000 --alpr-reads 20000\n"
      "  trustgate simulate --data var/sim --days 30 --score\n"
      "  trustgate audit report --data var/sim --format html --events-per-day 493 --out report.html\n\n"
      "Without --events-per-day the detectors would see a month squeezed into seconds: every side-door\n"
      "window would hold the whole run and every plate lookup would fall on one day.");
  auto f = std::make_shared<SimulateFlags>();
  cmd->add_option("--data", f->data, "Data directory with a freshly generated county")->required();
  cmd->add_option("--days", f->days, "Simulated working days (at least 7)")->capture_default_str();
  cmd->add_option("--events-per-day", f->events_per_day,
                  "Target pace, at least 500: the simulated staff (85 at 500) grow in proportion")
      ->capture_default_str();
  cmd->add_option("--seed", f->seed, "Random seed: the same seed and county give the same calls")->capture_default_str();
  cmd->add_option("--connections", f->connections, "Concurrent HTTP connections")->capture_default_str();
  cmd->add_option("--listen", f->listen, "Where the gateway listens (port 0: any free port)")->capture_default_str();
  cmd->add_option("--packs", f->packs, "Policy packs in force (default: as trustgate demo)");
  cmd->add_option("--policies", f->policies, "Policy pack root (default: the checkout's policies/)");
  cmd->add_flag("--score", f->score,
                "Then run the detectors and print recall and precision per detector (exit 2 below recall "
                "0.95 or precision 0.9)");
  cmd->callback([f] { Run(*f); });
}

}  // namespace tg::cli
