#include "policy/scenario_gateway.h"

namespace tg::policy {
namespace {

using nlohmann::json;

records::Agency AgencyOf(const json& agencies, const std::string& id) {
  records::Agency a;
  a.id = id;
  const json& j = agencies.at(id);
  a.name = j.value("name", id);
  a.kind = j.value("kind", "");
  a.state = j.value("state", "");
  return a;
}

// Conviction keys a records::Conviction can carry.
bool RecordsCanCarry(const json& conviction) {
  for (const auto& [key, value] : conviction.items()) {
    if (key == "statute" || key == "code" || key == "level" || key == "degree" ||
        key == "date" || key == "sentence" || key == "sex_registrable" ||
        key == "arson_registrable" || key == "id") {
      continue;
    }
    if (key == "state_prison" && !value.get<bool>()) continue;
    return false;
  }
  return true;
}

}  // namespace

std::optional<Result<PackDecision>> DecideWithGateway(const Decider& decider, const json& doc,
                                                      const json& c, const std::string& action) {
  const json agencies = doc.value("agencies", json::object());
  const json users = doc.value("users", json::object());
  const json stations = doc.value("workstations", json::object());
  const json req = c.value("request", json::object());
  const json res = c.value("resource", json::object());
  const std::string type = res.value("type", "Booking");
  if (type != "Booking" && type != "Person" && type != "PlateRead") return std::nullopt;
  if (req.value("written_declaration", false)) return std::nullopt;
  const json person = res.value("person", json::object());
  if (person.contains("pending_charges") || person.value("federal_felony_warrant", false)) {
    return std::nullopt;
  }
  for (const auto& conviction : person.value("convictions", json::array())) {
    if (!RecordsCanCarry(conviction)) return std::nullopt;
  }

  const std::string user_id = c.value("user", "");
  if (!users.contains(user_id)) return Result<PackDecision>(Status::InvalidArgument("unknown user"));
  RequestFacts f;
  f.user.id = user_id;
  f.user.name = user_id;
  f.user.agency_id = users[user_id].value("agency", "");
  for (const auto& role : users[user_id].value("roles", json::array())) {
    f.user.roles.push_back(role.get<std::string>());
  }
  try {
    f.agency = AgencyOf(agencies, f.user.agency_id);
    if (req.contains("recipient") && req["recipient"] != f.user.agency_id) {
      f.recipient = AgencyOf(agencies, req["recipient"].get<std::string>());
    }
    if (req.contains("workstation")) {
      const std::string ws = req["workstation"].get<std::string>();
      records::Workstation w;
      w.id = ws;
      w.agency_id = stations.at(ws).value("agency", "");
      w.location = stations.at(ws).value("location", "");
      f.workstation = w;
    }
  } catch (const json::exception& e) {
    return Result<PackDecision>(Status::InvalidArgument(std::string("scenario names an unknown "
                                                                    "agency or workstation: ") +
                                                        e.what()));
  }
  f.purpose = req.value("purpose", "");
  f.case_number = req.value("case", "");
  json authority = req.value("authority", json("none"));
  if (authority.is_string()) {
    f.authority_kind = authority.get<std::string>();
  } else {
    f.authority_kind = authority.value("kind", "none");
    f.authority_ref = authority.value("ref", "");
  }
  f.reason = req.value("reason", "");
  f.channel = req.value("channel", "api");
  f.record_count = req.value("record_count", 1);

  records::TimeMs now = records::NowMs();
  for (const json* src : {&doc, &c}) {
    if (src->contains("now")) {
      auto t = records::ParseIso8601((*src)["now"].get<std::string>());
      if (!t.ok()) return Result<PackDecision>(t.status());
      now = *t;
    }
  }

  Subject s;
  s.type = type;
  s.id = res.value("id", "R1");
  s.agency = res.value("agency", f.user.agency_id);
  s.custody_status = res.value("custody_status", "in_custody");
  s.person_id = person.value("id", s.id + "-person");
  s.sex_registrant = person.value("sex_registrant", false);
  s.arson_registrant = person.value("arson_registrant", false);
  s.state = res.value("state", "CA");
  int64_t n = 0;
  for (const auto& j : person.value("convictions", json::array())) {
    records::Conviction conv;
    conv.id = ++n;
    conv.person_id = s.person_id;
    conv.statute = j.value("statute", "");
    conv.code = j.value("code", "");
    std::string level = j.value("level", "F");
    conv.level = level.empty() ? 'F' : level[0];
    conv.degree = j.value("degree", 0);
    if (j.contains("date")) {
      auto t = records::ParseIso8601(j["date"].get<std::string>());
      if (!t.ok()) return Result<PackDecision>(t.status());
      conv.convicted_at = *t;
    }
    conv.sentence = j.value("sentence", j.value("state_prison", false) ? "state prison" : "");
    conv.sex_registrable = j.value("sex_registrable", false);
    conv.arson_registrable = j.value("arson_registrable", false);
    s.convictions.push_back(conv);
  }

  auto decided = decider.Decide(f, {s}, {action}, now);
  if (!decided.ok()) return Result<PackDecision>(decided.status());
  const ActionDecision& d = (*decided)[0][0];
  PackDecision out;
  out.outcome = d.outcome;
  out.policies = d.policies;
  out.errors = d.errors;
  return Result<PackDecision>(out);
}

}  // namespace tg::policy
