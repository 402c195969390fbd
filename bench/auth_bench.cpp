// Bearer-token authentication through the SQLite store (Store::AuthenticatePrincipal), as the
// gateway does it per request: a handful of tokens presented over and over.
//
//   BM_AuthenticatePrincipal/N          N distinct tokens, presented round robin, outside any
//                                       transaction (each call its own read)
//   BM_AuthenticatePrincipalInSnapshot/M  one token as the first read of a RunInSnapshot (the
//                                       gateway's path); M=1 adds the GetMeta("jail_agency")
//                                       the records routes make in the same snapshot
//   BM_GetMeta                          GetMeta("jail_agency") alone, for comparison
//   BM_UnknownToken/S                   a token the store does not have (never cached);
//                                       S=1 inside a RunInSnapshot
//   BM_BookingRequestInSnapshot         the whole read of GET /v1/bookings/{id} in one
//                                       RunInSnapshot: AuthenticatePrincipal, GetBooking,
//                                       GetPerson, ConvictionsByPerson, GetMeta("jail_agency");
//                                       64 bookings (3 charges, 2 convictions each) round robin
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "records/store.h"

namespace {

using tg::records::Store;

struct Fixture {
  std::string dir;
  std::unique_ptr<Store> store;
  std::vector<std::string> tokens;
  std::vector<std::string> bookings;
  ~Fixture() {
    store.reset();
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

void Check(const tg::Status& st) {
  if (!st.ok()) {
    std::fprintf(stderr, "auth_bench: %s\n", st.ToString().c_str());
    std::exit(1);
  }
}

// A store on a temp file with one agency, 64 users, a workstation and one token per user.
void Setup(Fixture& out) {
  {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tg-auth-bench-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) std::exit(1);
    out.dir = tmpl;
    auto s = tg::records::OpenSqliteStore(out.dir + "/county.db");
    Check(s.status());
    out.store = std::move(s.value());
    Store& st = *out.store;
    Check(st.PutAgency({"lasd", "Los Angeles County Sheriff's Department", "sheriff", "CA", "CA0190000"}));
    Check(st.PutWorkstation({"irc-desk", "Inmate Reception Center", "lasd"}));
    Check(st.SetMeta("jail_agency", "lasd"));
    for (int i = 0; i < 64; ++i) {
      const std::string id = "user" + std::to_string(i);
      Check(st.PutUser({id, "User " + std::to_string(i), "lasd", {"records_clerk", "jail_staff"}}));
      auto t = st.CreateToken(id, std::string("irc-desk"), 1714564800000 + i);
      Check(t.status());
      out.tokens.push_back(t->plaintext);
    }
    for (int i = 0; i < 64; ++i) {
      tg::records::Person p;
      p.person_id = "P" + std::to_string(1000 + i);
      p.first_name = "First" + std::to_string(i);
      p.last_name = "Last" + std::to_string(i);
      p.dob = "1980-01-01";
      p.sex = "M";
      p.birthplace = "CA";
      p.address = std::to_string(i) + " Main St, Los Angeles";
      Check(st.PutPerson(p));
      tg::records::Booking b;
      b.booking_id = "LASD-2024-" + std::to_string(10000 + i);
      b.person_id = p.person_id;
      b.name = p.first_name + " " + p.last_name;
      b.booked_at = 1714564800000 + i;
      b.arresting_agency = "lasd";
      b.facility = "Men's Central Jail";
      b.custody_status = "in_custody";
      b.release_type = "";
      for (int c = 0; c < 3; ++c) b.charges.push_back({"12004", "PC 211", "ROBBERY", 'F', 2});
      Check(st.PutBooking(b));
      for (int c = 0; c < 2; ++c) {
        tg::records::Conviction cv;
        cv.person_id = p.person_id;
        cv.code = "12004";
        cv.statute = "PC 211";
        cv.description = "ROBBERY";
        cv.level = 'F';
        cv.degree = 2;
        cv.convicted_at = 1514764800000 + c;
        cv.sentence = "2Y";
        cv.court = "LASC";
        Check(st.AddConviction(cv).status());
      }
      out.bookings.push_back(b.booking_id);
    }
  }
}

// Set up once, whichever benchmark thread comes first (static initialization is thread-safe).
Fixture& Get() {
  static Fixture f;
  static const bool ready = (Setup(f), true);
  (void)ready;
  return f;
}

void BM_AuthenticatePrincipal(benchmark::State& state) {
  Fixture& f = Get();
  const size_t n = static_cast<size_t>(state.range(0));
  size_t i = static_cast<size_t>(state.thread_index());
  for (auto _ : state) {
    auto p = f.store->AuthenticatePrincipal(f.tokens[i++ % n]);
    if (!p.ok()) state.SkipWithError(p.status().ToString().c_str());
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AuthenticatePrincipal)->Arg(1)->Arg(64)->Unit(benchmark::kMicrosecond)->Threads(1)->Threads(2);

void BM_AuthenticatePrincipalInSnapshot(benchmark::State& state) {
  Fixture& f = Get();
  for (auto _ : state) {
    tg::Status st = f.store->RunInSnapshot([&] {
      auto p = f.store->AuthenticatePrincipal(f.tokens[0]);
      if (!p.ok() || state.range(0) == 0) return p.status();
      auto jail = f.store->GetMeta("jail_agency");
      benchmark::DoNotOptimize(jail);
      return jail.status();
    });
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AuthenticatePrincipalInSnapshot)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_GetMeta(benchmark::State& state) {
  Fixture& f = Get();
  for (auto _ : state) {
    auto jail = f.store->GetMeta("jail_agency");
    benchmark::DoNotOptimize(jail);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GetMeta)->Unit(benchmark::kMicrosecond);

void BM_UnknownToken(benchmark::State& state) {
  Fixture& f = Get();
  const std::string bad = f.tokens[0] + "x";
  for (auto _ : state) {
    if (state.range(0) == 0) {
      auto p = f.store->AuthenticatePrincipal(bad);
      benchmark::DoNotOptimize(p);
    } else {
      tg::Status st = f.store->RunInSnapshot([&] { return f.store->AuthenticatePrincipal(bad).status(); });
      benchmark::DoNotOptimize(st);
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UnknownToken)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_BookingRequestInSnapshot(benchmark::State& state) {
  Fixture& f = Get();
  size_t i = static_cast<size_t>(state.thread_index());
  for (auto _ : state) {
    const std::string& id = f.bookings[i++ % f.bookings.size()];
    tg::Status st = f.store->RunInSnapshot([&]() -> tg::Status {
      auto p = f.store->AuthenticatePrincipal(f.tokens[0]);
      if (!p.ok()) return p.status();
      auto b = f.store->GetBooking(id);
      if (!b.ok()) return b.status();
      auto person = f.store->GetPerson(b->person_id);
      if (!person.ok()) return person.status();
      auto convictions = f.store->ConvictionsByPerson(b->person_id);
      if (!convictions.ok()) return convictions.status();
      auto jail = f.store->GetMeta("jail_agency");
      benchmark::DoNotOptimize(jail);
      return jail.status();
    });
    if (!st.ok()) state.SkipWithError(st.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BookingRequestInSnapshot)->Unit(benchmark::kMicrosecond)->Threads(1)->Threads(2);

}  // namespace

BENCHMARK_MAIN();
