#include "gateway/audit_record.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace tg::gateway {

std::string AuditTime(records::TimeMs t) {
  int y, m, d;
  records::CivilFromTime(t, &y, &m, &d);
  int64_t ms_of_day = ((t % records::kMsPerDay) + records::kMsPerDay) % records::kMsPerDay;
  int hh = static_cast<int>(ms_of_day / records::kMsPerHour);
  int mm = static_cast<int>(ms_of_day / records::kMsPerMinute % 60);
  int ss = static_cast<int>(ms_of_day / 1000 % 60);
  int cs = static_cast<int>(ms_of_day % 1000 / 10);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%02dZ", y, m, d, hh, mm, ss, cs);
  return buf;
}

std::string AuditRecord::Canonical() const {
  // nlohmann::json objects are std::map-ordered: keys come out sorted.
  nlohmann::json decisions_json = nlohmann::json::array();
  for (const auto& d : decisions) {
    std::string category = d.action.rfind("read_", 0) == 0 ? d.action.substr(5) : d.action;
    decisions_json.push_back({{"record_id", d.record_id}, {"action", d.action}, {"category", category},
                              {"decision", d.outcome}, {"determining_policies", d.policies},
                              {"erroring_policies", d.errors}});
  }
  nlohmann::json released_json = nlohmann::json::array();
  for (size_t i = 0; i < records.size(); ++i) {
    released_json.push_back({{"record_id", records[i]},
                             {"categories", i < released.size() ? released[i] : std::vector<std::string>{}}});
  }
  nlohmann::json j = {
      {"v", 1},
      {"time", time},
      {"principal", principal},
      {"agency", agency},
      {"agency_kind", agency_kind},
      {"workstation", workstation},
      {"token", token_id},
      {"client_address", client_address},
      {"method", method},
      {"path", path},
      {"query", query},
      {"purpose", purpose},
      {"case", case_number},
      {"authority", {{"kind", authority_kind}, {"ref", authority_ref}}},
      {"reason", reason},
      {"channel", channel},
      {"recipient", recipient},
      {"recipient_kind", recipient_kind},
      {"record_ids", records},
      {"released", released_json},
      {"decisions", decisions_json},
      {"status", status},
      {"outcome", outcome},
  };
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tg::gateway
