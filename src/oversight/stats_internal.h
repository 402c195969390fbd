// Shared by the statistics reports (not a public header).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "oversight/stats.h"

namespace tg::oversight::stats_detail {

// Agency ids whose kind is one of options.immigration_kinds.
Result<std::set<std::string>> ImmigrationAgencies(records::Store& store, const StatsOptions& options);
// Requests received in [from, to) from those agencies, oldest first.
Result<std::vector<records::AgencyRequest>> ImmigrationRequests(records::Store& store, records::TimeMs from,
                                                                records::TimeMs to,
                                                                const StatsOptions& options);
// The booking's most serious charge (first felony, else the first charge); null when none.
const records::Charge* TopCharge(const records::Booking& b);
// "2026-10" and "2026-Q4" of a time.
std::string MonthOf(records::TimeMs t);
std::string QuarterOf(records::TimeMs t);
// Whether the person left custody to the requesting agency: an accepted transfer, or a
// booking released by transfer.
bool Transferred(const records::AgencyRequest& r, const records::Booking* b);

}  // namespace tg::oversight::stats_detail
