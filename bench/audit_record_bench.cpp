// Audit record encoding: the direct canonical writer (per request, in Finish) against the
// nlohmann::json definition it must match byte for byte, on a typical booking read (eleven
// category decisions) and on text that needs escaping.
#include <benchmark/benchmark.h>

#include "gateway/audit_record.h"

namespace {

using tg::gateway::AuditRecord;

// As GET /v1/bookings/{id} by a records clerk produces it: every category allowed.
AuditRecord BookingRead() {
  AuditRecord r;
  r.time = "2026-12-02T05:26:48.85Z";
  r.principal = "lasd-records-clerk";
  r.agency = "lasd";
  r.agency_kind = "sheriff";
  r.token_id = "tok_342fe9b222afc577";
  r.client_address = "127.0.0.1";
  r.method = "GET";
  r.path = "/v1/bookings/LASD-2026-0000043";
  r.purpose = "booking_operations";
  r.authority_kind = "none";
  r.channel = "api";
  r.recipient_kind = "sheriff";
  std::vector<std::string> categories = {"identity", "dob",     "address", "birthplace",       "immigration_status",
                                         "release",  "custody", "charges", "criminal_history", "court",
                                         "photo"};
  for (const auto& c : categories) {
    r.decisions.push_back({"LASD-2026-0000043", "read_" + c, "allow", {"fed-own-agency-records"}, {}});
  }
  r.records = {"LASD-2026-0000043"};
  r.released = {categories};
  r.status = 200;
  r.outcome = "released";
  return r;
}

// The same with free text that needs escaping and non-ASCII names.
AuditRecord Escaped() {
  AuditRecord r = BookingRead();
  r.reason = "Follow-up on \"case\" 12\\34\nline two\tTab \x01 Jos\xC3\xA9 Mu\xC3\xB1oz \xE6\x97\xA5\xE6\x9C\xAC";
  r.case_number = "CASE-2026-\xC3\x91-001";
  return r;
}

void BM_Canonical(benchmark::State& state, AuditRecord r) {
  for (auto _ : state) benchmark::DoNotOptimize(r.Canonical());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(r.Canonical().size()));
}
void BM_CanonicalReference(benchmark::State& state, AuditRecord r) {
  for (auto _ : state) benchmark::DoNotOptimize(r.CanonicalReference());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(r.Canonical().size()));
}
BENCHMARK_CAPTURE(BM_Canonical, booking_read, BookingRead());
BENCHMARK_CAPTURE(BM_CanonicalReference, booking_read, BookingRead());
BENCHMARK_CAPTURE(BM_Canonical, escaped, Escaped());
BENCHMARK_CAPTURE(BM_CanonicalReference, escaped, Escaped());

}  // namespace

BENCHMARK_MAIN();
