#include "oversight/audit_event.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

namespace tg::oversight {

using nlohmann::json;

bool AuditEvent::Released(const std::string& category) const {
  for (const auto& d : decisions) {
    if (d.category == category && d.decision == "allow") return true;
  }
  for (const auto& [id, cats] : released) {
    if (std::find(cats.begin(), cats.end(), category) != cats.end()) return true;
  }
  return false;
}

bool AuditEvent::Touched(const std::string& category) const {
  for (const auto& d : decisions) {
    if (d.category == category) return true;
  }
  return Released(category);
}

namespace {

// The first of `names` present in j (records written by different gateway versions may
// spell a field differently; we accept the documented name and its obvious synonyms).
const json* Field(const json& j, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    auto it = j.find(n);
    if (it != j.end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

Status GetString(const json& j, std::initializer_list<const char*> names, std::string& out) {
  const json* v = Field(j, names);
  if (!v) return Status::OK();
  if (v->is_string()) {
    out = v->get<std::string>();
    return Status::OK();
  }
  if (v->is_number_integer()) {
    out = std::to_string(v->get<int64_t>());
    return Status::OK();
  }
  return Status::InvalidArgument(std::string("audit record: field '") + *names.begin() +
                                 "' must be a string");
}

Status GetStringList(const json& v, const char* name, std::vector<std::string>& out) {
  if (!v.is_array()) {
    return Status::InvalidArgument(std::string("audit record: field '") + name +
                                   "' must be an array of strings");
  }
  for (const auto& e : v) {
    if (!e.is_string()) {
      return Status::InvalidArgument(std::string("audit record: field '") + name +
                                     "' must be an array of strings");
    }
    out.push_back(e.get<std::string>());
  }
  return Status::OK();
}

Status ReadDecision(const std::string& category, const json& d, CategoryDecision& out) {
  out.category = category;
  if (d.is_string()) {
    out.decision = d.get<std::string>();
    return Status::OK();
  }
  if (!d.is_object()) return Status::InvalidArgument("audit record: a decision must be an object");
  if (out.category.empty()) TG_RETURN_IF_ERROR(GetString(d, {"category"}, out.category));
  TG_RETURN_IF_ERROR(GetString(d, {"decision", "effect"}, out.decision));
  if (const json* p = Field(d, {"determining_policies", "determining", "reasons"})) {
    TG_RETURN_IF_ERROR(GetStringList(*p, "determining_policies", out.determining_policies));
  }
  if (const json* p = Field(d, {"erroring_policies", "erroring", "errors"})) {
    TG_RETURN_IF_ERROR(GetStringList(*p, "erroring_policies", out.erroring_policies));
  }
  if (out.category.empty()) return Status::InvalidArgument("audit record: a decision has no category");
  // Anything but an explicit allow is a deny (default deny).
  if (out.decision != "allow") out.decision = "deny";
  return Status::OK();
}

// Version 2: {"outcomes": [{"actions", "decision", "determining_policies",
// "erroring_policies"}], "record_ids"}, one decision per record and action as in version 1.
Status ReadOutcomes(const json& group, AuditEvent& e) {
  std::vector<std::string> ids;
  if (const json* r = Field(group, {"record_ids"})) TG_RETURN_IF_ERROR(GetStringList(*r, "record_ids", ids));
  const json& outcomes = group["outcomes"];
  if (!outcomes.is_array()) return Status::InvalidArgument("audit record: 'outcomes' must be an array");
  for (const json& o : outcomes) {
    if (!o.is_object()) return Status::InvalidArgument("audit record: an outcome must be an object");
    std::vector<std::string> actions;
    const json* a = Field(o, {"actions"});
    if (!a) return Status::InvalidArgument("audit record: an outcome has no 'actions'");
    TG_RETURN_IF_ERROR(GetStringList(*a, "actions", actions));
    for (const std::string& action : actions) {
      CategoryDecision cd;
      TG_RETURN_IF_ERROR(ReadDecision(action.rfind("read_", 0) == 0 ? action.substr(5) : action, o, cd));
      for (size_t n = std::max<size_t>(ids.size(), 1); n-- > 0;) e.decisions.push_back(cd);
    }
  }
  return Status::OK();
}

Status ReadTime(const json& j, AuditEvent& e) {
  if (const json* t = Field(j, {"time", "timestamp", "at"})) {
    if (t->is_number_integer()) {
      e.time = t->get<int64_t>();
      return Status::OK();
    }
    if (!t->is_string()) return Status::InvalidArgument("audit record: 'time' must be a string");
    auto parsed = records::ParseIso8601(t->get<std::string>());
    if (!parsed.ok()) {
      return Status::InvalidArgument("audit record: 'time': " + parsed.status().message());
    }
    e.time = *parsed;
    return Status::OK();
  }
  if (const json* t = Field(j, {"time_ms"}); t && t->is_number_integer()) {
    e.time = t->get<int64_t>();
    return Status::OK();
  }
  return Status::InvalidArgument("audit record: missing 'time'");
}

Status ReadRecords(const json& j, AuditEvent& e) {
  if (const json* ids = Field(j, {"record_ids", "records_returned"})) {
    TG_RETURN_IF_ERROR(GetStringList(*ids, "record_ids", e.record_ids));
  }
  // "released": {"record id": ["category", ...]} or [{"id"|"record_id", "categories"}].
  if (const json* rel = Field(j, {"released", "categories_released"})) {
    if (rel->is_object()) {
      for (const auto& [id, cats] : rel->items()) {
        std::vector<std::string> list;
        TG_RETURN_IF_ERROR(GetStringList(cats, "released", list));
        e.released.emplace_back(id, std::move(list));
      }
    } else if (rel->is_array()) {
      for (const auto& r : *rel) {
        if (r.is_array()) {  // categories parallel to record_ids
          size_t i = e.released.size();
          std::vector<std::string> list;
          TG_RETURN_IF_ERROR(GetStringList(r, "released", list));
          e.released.emplace_back(i < e.record_ids.size() ? e.record_ids[i] : "", std::move(list));
          continue;
        }
        if (!r.is_object()) return Status::InvalidArgument("audit record: bad 'released' entry");
        if (const json* ids = Field(r, {"record_ids"})) {  // version 2: records sharing categories
          std::vector<std::string> id_list, list;
          TG_RETURN_IF_ERROR(GetStringList(*ids, "record_ids", id_list));
          if (const json* c = Field(r, {"categories"})) TG_RETURN_IF_ERROR(GetStringList(*c, "categories", list));
          for (auto& id : id_list) e.released.emplace_back(std::move(id), list);
          continue;
        }
        std::string id;
        TG_RETURN_IF_ERROR(GetString(r, {"id", "record_id"}, id));
        std::vector<std::string> list;
        if (const json* c = Field(r, {"categories", "released"})) {
          TG_RETURN_IF_ERROR(GetStringList(*c, "categories", list));
        }
        e.released.emplace_back(id, std::move(list));
      }
    } else {
      return Status::InvalidArgument("audit record: 'released' must be an object or array");
    }
  }
  if (e.record_ids.empty()) {
    for (const auto& [id, cats] : e.released) e.record_ids.push_back(id);
  }
  return Status::OK();
}

}  // namespace

Result<AuditEvent> ParseAuditEvent(const std::string& json_text, std::optional<uint64_t> index) {
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("audit record: not valid JSON");
  if (!j.is_object()) return Status::InvalidArgument("audit record: not a JSON object");
  AuditEvent e;
  const json* idx = Field(j, {"index", "log_index"});
  if (idx) {
    if (!idx->is_number_unsigned() && !(idx->is_number_integer() && idx->get<int64_t>() >= 0)) {
      return Status::InvalidArgument("audit record: 'index' must be a non-negative integer");
    }
    e.index = idx->get<uint64_t>();
  } else if (index) {
    e.index = *index;
  } else {
    return Status::InvalidArgument("audit record: missing 'index'");
  }
  TG_RETURN_IF_ERROR(ReadTime(j, e));
  TG_RETURN_IF_ERROR(GetString(j, {"principal", "user", "user_id"}, e.principal));
  TG_RETURN_IF_ERROR(GetString(j, {"agency", "agency_id"}, e.agency));
  TG_RETURN_IF_ERROR(GetString(j, {"agency_kind"}, e.agency_kind));
  TG_RETURN_IF_ERROR(GetString(j, {"workstation", "workstation_id"}, e.workstation));
  TG_RETURN_IF_ERROR(GetString(j, {"client_address", "client", "remote_address"}, e.client_address));
  TG_RETURN_IF_ERROR(GetString(j, {"client_cert"}, e.client_cert));
  TG_RETURN_IF_ERROR(GetString(j, {"method"}, e.method));
  TG_RETURN_IF_ERROR(GetString(j, {"path"}, e.path));
  TG_RETURN_IF_ERROR(GetString(j, {"query"}, e.query));
  TG_RETURN_IF_ERROR(GetString(j, {"purpose"}, e.purpose));
  TG_RETURN_IF_ERROR(GetString(j, {"case", "case_number"}, e.case_number));
  if (const json* a = Field(j, {"authority"}); a && a->is_object()) {
    TG_RETURN_IF_ERROR(GetString(*a, {"kind"}, e.authority_kind));
    TG_RETURN_IF_ERROR(GetString(*a, {"ref"}, e.authority_ref));
  } else if (a && a->is_string()) {
    e.authority_kind = a->get<std::string>();
  }
  TG_RETURN_IF_ERROR(GetString(j, {"authority_kind"}, e.authority_kind));
  TG_RETURN_IF_ERROR(GetString(j, {"authority_ref"}, e.authority_ref));
  TG_RETURN_IF_ERROR(GetString(j, {"reason"}, e.reason));
  TG_RETURN_IF_ERROR(GetString(j, {"channel"}, e.channel));
  if (e.channel.empty()) e.channel = "api";
  TG_RETURN_IF_ERROR(GetString(j, {"recipient", "secondary_recipient"}, e.recipient));
  TG_RETURN_IF_ERROR(GetString(j, {"recipient_kind"}, e.recipient_kind));
  TG_RETURN_IF_ERROR(ReadRecords(j, e));
  if (const json* d = Field(j, {"decisions"})) {
    if (d->is_array()) {
      for (const auto& x : *d) {
        if (x.is_object() && x.contains("outcomes")) {
          TG_RETURN_IF_ERROR(ReadOutcomes(x, e));
          continue;
        }
        CategoryDecision cd;
        TG_RETURN_IF_ERROR(ReadDecision("", x, cd));
        e.decisions.push_back(std::move(cd));
      }
    } else if (d->is_object()) {
      for (const auto& [cat, x] : d->items()) {
        CategoryDecision cd;
        TG_RETURN_IF_ERROR(ReadDecision(cat, x, cd));
        e.decisions.push_back(std::move(cd));
      }
    } else {
      return Status::InvalidArgument("audit record: 'decisions' must be an array or object");
    }
  }
  if (const json* s = Field(j, {"status", "http_status"})) {
    if (!s->is_number_integer()) return Status::InvalidArgument("audit record: 'status' must be an integer");
    e.status = s->get<int>();
  }
  TG_RETURN_IF_ERROR(GetString(j, {"outcome"}, e.outcome));
  return e;
}

MemoryAuditSource::MemoryAuditSource(std::vector<AuditEvent> events) : events_(std::move(events)) {
  std::stable_sort(events_.begin(), events_.end(),
                   [](const AuditEvent& a, const AuditEvent& b) { return a.index < b.index; });
}

Status MemoryAuditSource::ForEach(const AuditQuery& q,
                                  const std::function<bool(const AuditEvent&)>& visit) {
  auto it = std::lower_bound(events_.begin(), events_.end(), q.from_index,
                             [](const AuditEvent& e, uint64_t i) { return e.index < i; });
  for (; it != events_.end(); ++it) {
    if (q.from_time && it->time < *q.from_time) continue;
    if (q.to_time && it->time >= *q.to_time) continue;
    if (!visit(*it)) break;
  }
  return Status::OK();
}

Result<std::vector<AuditEvent>> ReadAuditJsonLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open audit records file " + path);
  std::vector<AuditEvent> out;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto e = ParseAuditEvent(line);
    if (!e.ok()) {
      return Status::InvalidArgument(path + ":" + std::to_string(line_no) + ": " +
                                     e.status().message());
    }
    out.push_back(std::move(*e));
  }
  if (in.bad()) return Status::IOError("reading " + path + " failed");
  return out;
}

Result<std::vector<AuditEvent>> CollectEvents(AuditSource& source, const AuditQuery& q) {
  std::vector<AuditEvent> out;
  Status s = source.ForEach(q, [&](const AuditEvent& e) {
    out.push_back(e);
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace tg::oversight
