#include "oversight/finding.h"

namespace tg::oversight {

int SeverityRank(const std::string& severity) {
  if (severity == "high") return 0;
  if (severity == "medium") return 1;
  if (severity == "low") return 2;
  return 3;
}

nlohmann::json FindingsJson(const std::vector<Finding>& findings) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : findings) {
    nlohmann::json j;
    j["detector"] = f.detector;
    j["severity"] = f.severity;
    j["principal"] = f.principal;
    j["agency"] = f.agency;
    j["summary"] = f.summary;
    j["rule"] = f.rule;
    j["evidence"] = f.evidence;
    j["workstation"] = f.workstation;
    j["window"] = {{"start", records::FormatIso8601(f.window_start)},
                   {"end", records::FormatIso8601(f.window_end)}};
    j["subjects"] = f.subjects;
    list.push_back(std::move(j));
  }
  return nlohmann::json{{"findings", std::move(list)}};
}

std::string FindingsJsonText(const std::vector<Finding>& findings) {
  return FindingsJson(findings).dump(2) + "\n";
}

}  // namespace tg::oversight
