// policy::Decider::Decide as the gateway calls it for GET /v1/bookings/{id}: Los Angeles
// packs, a records clerk, every data category, one booking whose person has convictions.
// Nearly every gateway decision is a decision-cache hit, so these measure the work around
// the cache: entities, offense qualification, context, fingerprint, copying the row.
//   OneBooking    the same booking over and over (bench/http.sh's single-booking mode)
//   ManyBookings  500 bookings of distinct persons in turn, one per call
//   ListOf50      50 of those bookings in one call (a list response)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include "policy/decide.h"

namespace {

using namespace tg;
using namespace tg::policy;

std::unique_ptr<Decider> LoadLa() {
  // bench/CMakeLists.txt defines no source dir: the packs are found next to this file.
  auto root = std::filesystem::path(__FILE__).parent_path().parent_path() / "policies";
  auto d = Decider::Load(root.string(), {"los-angeles-county", "los-angeles-city"}, "",
                         std::string(TG_SHARED_DIR) + "/data/ca-offense-codes.csv");
  if (!d.ok()) {
    std::fprintf(stderr, "%s\n", d.status().ToString().c_str());
    std::abort();
  }
  return std::move(d.value());
}

RequestFacts Clerk() {
  RequestFacts f;
  f.agency = {"lasd", "Los Angeles County Sheriff's Department", "sheriff", "CA", ""};
  f.user = {"lasd-clerk-1", "Records Clerk", "lasd", {"records_clerk"}};
  f.purpose = "booking_operations";
  f.time = "2026-03-01T10:00:00.000Z";
  return f;
}

std::vector<std::string> AllReads() {
  std::vector<std::string> a;
  for (const auto& c : DataCategories()) a.push_back("read_" + c);
  return a;
}

// Bookings of distinct persons with 0-4 convictions drawn from the offense table's statutes.
std::vector<Subject> Bookings(int n) {
  static const char* kStatutes[] = {"PC 211", "PC 187", "PC 484", "VC 23152", "PC 459", "PC 245(a)(1)", "HS 11350"};
  std::mt19937_64 rng(11);
  std::vector<Subject> out;
  for (int i = 0; i < n; ++i) {
    Subject s;
    s.type = "Booking";
    s.id = "LASD-2026-" + std::to_string(1000000 + i);
    s.agency = "lasd";
    s.person_id = "P" + std::to_string(i);
    s.custody_status = i % 3 ? "in_custody" : "released";
    for (int c = int(rng() % 5); c > 0; --c) {
      records::Conviction v;
      v.id = int64_t(i) * 10 + c;
      v.person_id = s.person_id;
      v.statute = kStatutes[rng() % 7];
      v.level = rng() % 2 ? 'F' : 'M';
      v.convicted_at = records::TimeMs(1'300'000'000'000 + int64_t(rng() % 450'000'000'000));
      v.sentence = rng() % 2 ? "state prison 3 years" : "county jail 180 days";
      s.convictions.push_back(v);
    }
    out.push_back(std::move(s));
  }
  return out;
}

constexpr records::TimeMs kNow = 1'772'000'000'000;

void Run(benchmark::State& state, const std::vector<Subject>& pool, size_t per_call) {
  auto d = LoadLa();
  RequestFacts f = Clerk();
  auto actions = AllReads();
  std::vector<std::vector<Subject>> calls;
  for (size_t i = 0; i < pool.size(); i += per_call)
    calls.emplace_back(pool.begin() + i, pool.begin() + std::min(pool.size(), i + per_call));
  size_t next = 0;
  for (auto _ : state) {
    ++next;
    auto r = d->Decide(f, calls[next % calls.size()], actions, kNow + int64_t(next));
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
  auto st = d->cache_stats();
  state.counters["hit_rate"] = double(st.hits) / double(st.hits + st.misses);
}

void BM_DecideOneBooking(benchmark::State& state) { Run(state, Bookings(1), 1); }
void BM_DecideManyBookings(benchmark::State& state) { Run(state, Bookings(500), 1); }
void BM_DecideListOf50(benchmark::State& state) { Run(state, Bookings(500), 50); }

BENCHMARK(BM_DecideOneBooking);
BENCHMARK(BM_DecideManyBookings);
BENCHMARK(BM_DecideListOf50);

}  // namespace

BENCHMARK_MAIN();
