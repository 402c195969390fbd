// Rendering of statistics tables (JSON, CSV) and the dispatcher by report name.
#include <cstdlib>

#include "oversight/stats.h"

namespace tg::oversight {

nlohmann::json StatsJson(const StatsTable& t) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : t.rows) {
    nlohmann::json row = nlohmann::json::object();
    for (size_t i = 0; i < t.columns.size() && i < r.size(); ++i) {
      if (t.columns[i] == "count") row[t.columns[i]] = std::atoll(r[i].c_str());
      else row[t.columns[i]] = r[i];
    }
    rows.push_back(std::move(row));
  }
  return {{"report", t.report},
          {"title", t.title},
          {"citation", t.citation},
          {"period", {{"from", records::FormatIso8601(t.from)}, {"to", records::FormatIso8601(t.to)}}},
          {"columns", t.columns},
          {"rows", std::move(rows)},
          {"notes", t.notes}};
}

namespace {
std::string CsvField(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::string StatsCsv(const StatsTable& t) {
  std::string out;
  auto line = [&](const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + CsvField(fields[i]);
    out += "\r\n";
  };
  line(t.columns);
  for (const auto& r : t.rows) line(r);
  return out;
}

const std::vector<std::string>& StatsReportNames() {
  static const std::vector<std::string> kNames = {"truth_act", "transfers", "illinois", "oregon", "chicago"};
  return kNames;
}

Result<StatsTable> MakeStatsReport(const std::string& name, AuditSource& source, records::Store& store,
                                   records::TimeMs from, records::TimeMs to, const StatsOptions& options) {
  if (name == "truth_act") return TruthActReport(source, store, from, to, options);
  if (name == "transfers") return TransfersByOffense(store, from, to, options);
  if (name == "illinois") return IllinoisReport(store, from, to, options);
  if (name == "oregon") return OregonMonthlyReport(source, store, from, to, options);
  if (name == "chicago") return ChicagoQuarterlyReport(store, from, to, options);
  std::string known;
  for (const auto& n : StatsReportNames()) known += (known.empty() ? "" : ", ") + n;
  return Status::InvalidArgument("unknown report '" + name + "' (known: " + known + ")");
}

}  // namespace tg::oversight
