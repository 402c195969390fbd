// The conformance harness: one integration-test file at a time, judged like the reference.
#include "cedar/conformance.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cedar/authorizer.h"
#include "cedar/entities.h"
#include "cedar/parser.h"
#include "cedar/request.h"
#include "cedar/schema.h"
#include "cedar/schema_data.h"
#include "cedar/validator.h"

namespace tg::cedar {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Result<std::string> ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + p.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// True if any value below `j` is an extension escape with several arguments
// ({"__extn":{"fn":..,"args":[..]}}), which the reference harness does not run.
bool HasMultiArgExtension(const json& j) {
  if (j.is_object()) {
    auto e = j.find("__extn");
    if (e != j.end() && e->is_object() && e->contains("args")) return true;
    for (const auto& [k, v] : j.items()) {
      if (HasMultiArgExtension(v)) return true;
    }
  } else if (j.is_array()) {
    for (const auto& v : j) {
      if (HasMultiArgExtension(v)) return true;
    }
  }
  return false;
}

std::set<std::string> StringSet(const json& j) {
  std::set<std::string> out;
  if (j.is_array()) {
    for (const auto& s : j) {
      if (s.is_string()) out.insert(s.get<std::string>());
    }
  }
  return out;
}

std::string Join(const std::set<std::string>& s) {
  std::string out = "[";
  for (const auto& x : s) out += (out.size() > 1 ? "," : "") + x;
  return out + "]";
}

class TestRunner {
 public:
  TestRunner(const ConformanceOptions& o, ConformanceReport& r) : opt_(o), report_(r) {}

  void Run(const fs::path& file, const std::string& name) {
    auto text = ReadFile(file);
    json t = text.ok() ? json::parse(*text, nullptr, false) : json();
    if (!t.is_object() || !t.contains("requests") || !t["requests"].is_array()) {
      Fail(name, "not a test file", 1);
      return;
    }
    const json& requests = t["requests"];
    size_t n = requests.size();
    auto loaded = Load(t);
    if (!loaded.ok()) {
      if (loaded.status().code() == Code::kUnavailable) {
        ++report_.skipped;  // multi-argument extension data
        return;
      }
      ++report_.tests;
      Fail(name, loaded.status().message(), n);
      return;
    }
    ++report_.tests;
    Loaded& L = *loaded;
    bool should_validate = t.value("shouldValidate", true);
    ValidationResult v = ValidatePolicies(L.schema, L.policies);
    if (v.ok() == should_validate) {
      ++report_.validation_agreed;
    } else {
      Note(name + ": validation " + (v.ok() ? "passed" : "failed: " + v.errors[0].ToString()) +
           ", expected it to " + (should_validate ? "pass" : "fail"));
    }
    Authorizer authorizer(L.policies);
    for (const auto& r : requests) {
      std::string why = RunRequest(L, authorizer, r);
      if (why.empty()) {
        ++report_.requests_passed;
      } else {
        ++report_.requests_failed;
        Note(name + " (" + r.value("description", std::string("request")) + "): " + why);
      }
    }
  }

 private:
  struct Loaded {
    Schema schema;
    PolicySet policies;
    Entities entities;
  };

  Result<Loaded> Load(const json& t) {
    fs::path root(opt_.root);
    auto str = [&](const char* k) { return t.contains(k) && t[k].is_string() ? t[k].get<std::string>() : ""; };
    auto ent_text = ReadFile(root / str("entities"));
    if (!ent_text.ok()) return ent_text.status();
    auto ent_json = ParseJsonText(*ent_text);
    if (!ent_json.ok()) return Status::InvalidArgument("entities: " + ent_json.status().message());
    bool multi = HasMultiArgExtension(*ent_json);
    for (const auto& r : t["requests"]) multi = multi || HasMultiArgExtension(r.value("context", json::object()));
    if (multi) return Status::Unavailable("multi-argument extension data");

    auto schema_path = root / str("schema");
    auto schema_text = ReadFile(schema_path);
    if (!schema_text.ok()) return schema_text.status();
    bool json_schema = str("schemaFormat") == "json";
    auto schema = json_schema ? ParseSchemaJson(*schema_text, str("schema")) : ParseSchema(*schema_text, str("schema"));
    if (!schema.ok()) return Status::InvalidArgument("schema: " + schema.status().message());

    auto pol_text = ReadFile(root / str("policies"));
    if (!pol_text.ok()) return pol_text.status();
    auto policies = ParsePolicies(*pol_text, str("policies"));
    if (!policies.ok()) return Status::InvalidArgument("policies: " + policies.status().message());

    auto entities = ParseEntitiesWithSchema(*schema, *ent_json);
    if (!entities.ok()) return Status::InvalidArgument("entities: " + entities.status().message());
    return Loaded{std::move(*schema), std::move(*policies), std::move(*entities)};
  }

  std::string RunRequest(const Loaded& L, const Authorizer& authorizer, const json& r) {
    auto uid = [&](const char* k) { return ParseEntityUidJson(r.value(k, json())); };
    auto p = uid("principal"), a = uid("action"), res = uid("resource");
    if (!p.ok() || !a.ok() || !res.ok()) return "bad request uid";
    auto ctx = ParseContextWithSchema(L.schema, *a, r.value("context", json::object()));
    if (!ctx.ok()) return "context: " + ctx.status().message();
    Request req{*p, *a, *res, std::move(*ctx)};
    if (r.value("validateRequest", true)) {
      Status s = ValidateRequest(L.schema, req);
      if (!s.ok()) return "request validation: " + s.message();
    }
    Response resp = authorizer.IsAuthorized(req, L.entities);
    std::string decision = resp.decision == Decision::kAllow ? "allow" : "deny";
    std::set<std::string> reasons(resp.reasons.begin(), resp.reasons.end());
    std::set<std::string> errors;
    for (const auto& e : resp.errors) errors.insert(e.policy_id);
    std::set<std::string> want_reasons = StringSet(r.value("reason", json::array()));
    std::set<std::string> want_errors = StringSet(r.value("errors", json::array()));
    std::string want = r.value("decision", std::string());
    if (decision == want && reasons == want_reasons && errors == want_errors) return "";
    return "got " + decision + " reason " + Join(reasons) + " errors " + Join(errors) + ", expected " + want +
           " reason " + Join(want_reasons) + " errors " + Join(want_errors);
  }

  void Fail(const std::string& name, const std::string& why, size_t n) {
    report_.requests_failed += n;
    Note(name + ": " + why);
  }

  void Note(std::string s) {
    if (report_.failures.size() < opt_.max_failures_listed) report_.failures.push_back(std::move(s));
  }

  const ConformanceOptions& opt_;
  ConformanceReport& report_;
};

}  // namespace

Result<std::set<std::string>> ReadSkipList(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  std::set<std::string> out;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    line.erase(line.find_last_not_of(" \t\r") + 1);
    line.erase(0, line.find_first_not_of(" \t"));
    if (!line.empty() && line[0] != '#') out.insert(line);
  }
  return out;
}

Result<ConformanceReport> RunConformance(const ConformanceOptions& options) {
  fs::path dir = fs::path(options.root) / options.dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound("no test folder " + dir.string());
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return Status::IOError("cannot list " + dir.string() + ": " + ec.message());
    const fs::path& p = it->path();
    std::string fname = p.filename().string();
    if (it->is_regular_file() && p.extension() == ".json" && fname.find(".entities.json") == std::string::npos) {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  ConformanceReport report;
  TestRunner runner(options, report);
  for (const auto& f : files) {
    std::string name = f.stem().string();
    if (options.skip.count(name)) {
      ++report.skipped;
      continue;
    }
    runner.Run(f, fs::relative(f, options.root, ec).string());
  }
  return report;
}

}  // namespace tg::cedar
