// Cedar engine benchmarks: policy parsing, entity loading and authorization on a batch
// shaped like TrustGate's domain (agencies and requesters as principals, person records as
// resources, one read_<category> action per data category; ~30 policies, ~100 entities,
// 4000 requests). `cedar_bench --write-batch=FILE` writes that batch in the cedar-oracle
// format, so the CLI and the oracle can be timed on the same input:
//   trustgate policy authorize-batch FILE --repeat 20
//   node ../shared/tools/cedar-oracle/oracle.mjs batch FILE --repeat 1
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <random>

#include "cedar/batch.h"
#include "cedar/parser.h"

namespace {

using nlohmann::json;
using namespace tg::cedar;

const char* const kCategories[] = {"identity", "dob", "address", "birthplace", "immigration_status", "release",
                                   "custody", "charges", "criminal_history", "photo", "court", "checkin"};
const char* const kKinds[] = {"local_police", "sheriff", "jail", "federal_immigration", "court", "probation",
                              "public", "researcher"};

json Uid(const std::string& t, const std::string& id) { return {{"type", t}, {"id", id}}; }

std::string DomainPolicies() {
  std::string p;
  // Basic identity/custody data to any law-enforcement agency for an investigation.
  p += "@id(\"le-basic\") @citation(\"County Code 2.14.030\")\n"
       "permit (principal in Agency::\"kind-local_police\", action in Action::\"basic\", resource is Person)\n"
       "when { context.purpose == \"investigation\" && principal.certified };\n";
  p += "permit (principal in Agency::\"kind-sheriff\", action in Action::\"basic\", resource is Person)\n"
       "when { context.purpose like \"*investigation*\" };\n";
  p += "permit (principal in Agency::\"kind-jail\", action in [Action::\"read_custody\", Action::\"read_release\", "
       "Action::\"read_charges\"], resource) when { resource.in_custody };\n";
  p += "permit (principal in Agency::\"kind-court\", action, resource is Person) when { context.purpose == "
       "\"adjudication\" && context has case_number };\n";
  p += "permit (principal in Agency::\"kind-probation\", action in [Action::\"read_checkin\", Action::\"read_address\"], "
       "resource) when { resource.supervised && principal.clearance >= 2 };\n";
  p += "permit (principal, action == Action::\"read_court\", resource is Person) when { resource.court_public };\n";
  p += "permit (principal is Requester, action == Action::\"read_photo\", resource) when { "
       "context.legal_authority == \"warrant\" && context.issued.offset(duration(\"72h\")) > context.now };\n";
  for (const char* cat : kCategories) {
    p += std::string("permit (principal is Requester, action == Action::\"read_") + cat +
         "\", resource is Person) when { principal.role == \"supervisor\" && context.purpose == \"audit\" && "
         "principal.clearance > 3 };\n";
  }
  // Sanctuary ordinance: no immigration status, birthplace or release dates to federal
  // immigration enforcement without a judicial warrant.
  p += "@id(\"sanctuary\") @citation(\"Ordinance 2017-12\")\n"
       "forbid (principal in Agency::\"kind-federal_immigration\", action in [Action::\"read_immigration_status\", "
       "Action::\"read_birthplace\", Action::\"read_release\", Action::\"read_address\"], resource) "
       "unless { context.legal_authority == \"judicial_warrant\" };\n";
  p += "forbid (principal, action in Action::\"sensitive\", resource) when { resource.age < 18 };\n";
  p += "forbid (principal in Agency::\"kind-public\", action, resource) unless { action == Action::\"read_court\" };\n";
  p += "forbid (principal, action, resource) when { context has source_ip && "
       "!context.source_ip.isInRange(ip(\"10.0.0.0/8\")) && principal.clearance < 3 };\n";
  p += "forbid (principal is Requester, action, resource) when { principal.suspended };\n";
  p += "forbid (principal in Agency::\"kind-researcher\", action, resource) unless { "
       "action in [Action::\"read_charges\", Action::\"read_court\"] && context.purpose == \"research\" };\n";
  p += "permit (principal in Agency::\"kind-researcher\", action == Action::\"read_charges\", resource) when { "
       "resource.sealed == false };\n";
  p += "forbid (principal, action, resource is Person) when { resource.sealed && !(principal has court_order) };\n";
  p += "permit (principal, action == Action::\"read_identity\", resource) when { "
       "resource.county == principal.county && context.purpose != \"marketing\" };\n";
  return p;
}

json DomainBatch(int requests, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  json entities = json::array();
  for (const char* k : kKinds)
    entities.push_back({{"uid", Uid("Agency", std::string("kind-") + k)}, {"attrs", {{"kind", k}}}, {"parents", json::array()}});
  std::vector<std::string> agencies;
  for (int a = 0; a < 16; ++a) {
    std::string id = "agency" + std::to_string(a);
    agencies.push_back(id);
    entities.push_back({{"uid", Uid("Agency", id)},
                        {"attrs", {{"kind", kKinds[a % 8]}, {"county", a % 3 ? "king" : "pierce"}}},
                        {"parents", json::array({Uid("Agency", std::string("kind-") + kKinds[a % 8])})}});
  }
  for (const char* g : {"basic", "sensitive"})
    entities.push_back({{"uid", Uid("Action", g)}, {"attrs", json::object()}, {"parents", json::array()}});
  for (int c = 0; c < 12; ++c) {
    json parents = json::array({Uid("Action", c < 4 || c == 6 || c == 9 ? "basic" : "sensitive")});
    entities.push_back({{"uid", Uid("Action", std::string("read_") + kCategories[c])}, {"attrs", json::object()}, {"parents", parents}});
  }
  for (int r = 0; r < 40; ++r) {
    json attrs = {{"role", r % 7 == 0 ? "supervisor" : "officer"}, {"certified", r % 5 != 0},
                  {"clearance", r % 6}, {"suspended", r == 13}, {"county", r % 3 ? "king" : "pierce"}};
    if (r % 9 == 0) attrs["court_order"] = "CO-" + std::to_string(r);
    entities.push_back({{"uid", Uid("Requester", "r" + std::to_string(r))}, {"attrs", attrs},
                        {"parents", json::array({Uid("Agency", agencies[r % 16])})}});
  }
  for (int p = 0; p < 40; ++p) {
    json attrs = {{"age", 14 + (p * 7) % 60}, {"in_custody", p % 3 == 0}, {"supervised", p % 4 == 0},
                  {"court_public", p % 2 == 0}, {"sealed", p % 11 == 0}, {"county", p % 3 ? "king" : "pierce"}};
    entities.push_back({{"uid", Uid("Person", "p" + std::to_string(p))}, {"attrs", attrs}, {"parents", json::array()}});
  }
  const char* purposes[] = {"investigation", "adjudication", "audit", "research", "marketing", "criminal investigation"};
  const char* authorities[] = {"warrant", "judicial_warrant", "subpoena", "none"};
  json reqs = json::array();
  for (int i = 0; i < requests; ++i) {
    json ctx = {{"purpose", purposes[pick(6)]}, {"legal_authority", authorities[pick(4)]},
                {"now", {{"__extn", {{"fn", "datetime"}, {"arg", "2026-11-23T12:00:00Z"}}}}},
                {"issued", {{"__extn", {{"fn", "datetime"}, {"arg", pick(2) ? "2026-11-22T08:00:00Z" : "2026-11-01"}}}}}};
    if (pick(2)) ctx["source_ip"] = {{"__extn", {{"fn", "ip"}, {"arg", pick(3) ? "10.1.2.3" : "203.0.113.9"}}}};
    if (pick(3) == 0) ctx["case_number"] = "C-" + std::to_string(pick(1000));
    reqs.push_back({{"principal", Uid("Requester", "r" + std::to_string(pick(40)))},
                    {"action", Uid("Action", std::string("read_") + kCategories[pick(12)])},
                    {"resource", Uid("Person", "p" + std::to_string(pick(40)))},
                    {"context", ctx}});
  }
  return {{"policies", DomainPolicies()}, {"entities", entities}, {"requests", reqs}};
}

void BM_ParsePolicies(benchmark::State& state) {
  std::string text = DomainPolicies();
  for (auto _ : state) {
    auto ps = ParsePolicies(text);
    benchmark::DoNotOptimize(ps);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParsePolicies);

void BM_LoadEntities(benchmark::State& state) {
  json b = DomainBatch(1, 7);
  std::string text = b["entities"].dump();
  for (auto _ : state) {
    auto es = ParseEntitiesJsonText(text);
    benchmark::DoNotOptimize(es);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * b["entities"].size()));
}
BENCHMARK(BM_LoadEntities);

void BM_AuthorizeDomainBatch(benchmark::State& state) {
  auto b = LoadBatch(DomainBatch(4000, 7));
  if (!b.ok()) {
    state.SkipWithError(b.status().message().c_str());
    return;
  }
  for (auto _ : state) {
    auto r = RunBatch(*b, 1);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * b->requests.size()));
  state.counters["us/request"] = benchmark::Counter(
      static_cast<double>(state.iterations() * b->requests.size()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert, benchmark::Counter::kIs1000);
}
BENCHMARK(BM_AuthorizeDomainBatch)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--write-batch=", 14) == 0) {
      std::ofstream(argv[i] + 14) << DomainBatch(4000, 7).dump();
      std::cout << "wrote " << (argv[i] + 14) << "\n";
      return 0;
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
