#include "policy/pack.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cedar/parser.h"
#include "cedar/validator.h"

namespace tg::policy {
namespace {

namespace fs = std::filesystem;

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::string> StringField(const nlohmann::json& j, const char* key, const std::string& file,
                                bool required) {
  if (!j.contains(key)) {
    if (required) return Status::InvalidArgument(file + ": missing field \"" + key + "\"");
    return std::string();
  }
  if (!j[key].is_string()) {
    return Status::InvalidArgument(file + ": field \"" + key + "\" must be a string");
  }
  return j[key].get<std::string>();
}

Result<std::vector<std::string>> StringList(const nlohmann::json& j, const char* key,
                                            const std::string& file) {
  std::vector<std::string> out;
  if (!j.contains(key)) return out;
  if (!j[key].is_array()) {
    return Status::InvalidArgument(file + ": field \"" + key + "\" must be an array of strings");
  }
  for (const auto& e : j[key]) {
    if (!e.is_string()) {
      return Status::InvalidArgument(file + ": field \"" + key + "\" must hold only strings");
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::string Where(const cedar::Policy& p) {
  return p.filename + ":" + std::to_string(p.loc.line) + ":" + std::to_string(p.loc.col);
}

// Adds `name` and what it builds on to `order`, dependencies first.
Status Visit(const std::string& root, const std::string& name, std::vector<PackManifest>* order,
             std::set<std::string>* done, std::vector<std::string>* stack) {
  if (done->count(name)) return Status::OK();
  if (std::find(stack->begin(), stack->end(), name) != stack->end()) {
    return Status::InvalidArgument("pack " + name + " builds on itself (cycle through " +
                                   stack->front() + ")");
  }
  auto m = LoadPackManifest(root, name);
  if (!m.ok()) return m.status();
  stack->push_back(name);
  for (const auto& base : m->builds_on) {
    Status s = Visit(root, base, order, done, stack);
    if (!s.ok()) return s;
  }
  stack->pop_back();
  done->insert(name);
  order->push_back(std::move(m).value());
  return Status::OK();
}

}  // namespace

const PackRule* ComposedPacks::FindRule(const std::string& id) const {
  for (const auto& r : rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

Result<PackManifest> LoadPackManifest(const std::string& root, const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name[0] == '.') {
    return Status::InvalidArgument("bad pack name '" + name + "'");
  }
  const std::string dir = (fs::path(root) / name).string();
  const std::string file = dir + "/pack.json";
  auto text = ReadFile(file);
  if (!text.ok()) return Status::NotFound("no pack '" + name + "' under " + root + " (" +
                                          text.status().message() + ")");
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument(file + ": not a JSON object");
  }
  PackManifest m;
  m.dir = dir;
  auto get = [&](const char* key, bool required, std::string* out) -> Status {
    auto v = StringField(j, key, file, required);
    if (!v.ok()) return v.status();
    *out = *v;
    return Status::OK();
  };
  for (auto [key, required, out] :
       {std::tuple<const char*, bool, std::string*>{"name", true, &m.name},
        {"jurisdiction", true, &m.jurisdiction},
        {"level", true, &m.level},
        {"effective", true, &m.effective},
        {"summary", false, &m.summary},
        {"schema", false, &m.schema}}) {
    Status s = get(key, required, out);
    if (!s.ok()) return s;
  }
  if (m.name != name) {
    return Status::InvalidArgument(file + ": \"name\" is '" + m.name + "' but the directory is '" +
                                   name + "'");
  }
  if (m.level != "federal" && m.level != "state" && m.level != "local") {
    return Status::InvalidArgument(file + ": \"level\" must be federal, state or local");
  }
  auto b = StringList(j, "builds_on", file);
  if (!b.ok()) return b.status();
  m.builds_on = *b;
  auto src = StringList(j, "sources", file);
  if (!src.ok()) return src.status();
  m.sources = *src;
  if (m.level == "local" && m.builds_on.empty()) {
    return Status::InvalidArgument(file + ": a local pack must build on its state's pack");
  }
  return m;
}

Result<std::vector<std::string>> ListPacks(const std::string& root) {
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    if (e.is_directory() && fs::exists(e.path() / "pack.json")) {
      names.push_back(e.path().filename().string());
    }
  }
  if (ec) return Status::IOError("cannot list " + root + ": " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

Result<ComposedPacks> LoadPacks(const std::string& root, const std::vector<std::string>& names,
                                const std::string& schema_path) {
  if (names.empty()) return Status::InvalidArgument("no pack named");
  ComposedPacks out;
  std::set<std::string> done;
  for (const auto& n : names) {
    std::vector<std::string> stack;
    Status s = Visit(root, n, &out.packs, &done, &stack);
    if (!s.ok()) return s;
    out.name += (out.name.empty() ? "" : "+") + n;
  }

  struct Pending {
    std::string pack;
    cedar::Policy policy;
  };
  std::vector<Pending> all;
  std::set<std::string> ids;
  for (const auto& m : out.packs) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(m.dir, ec)) {
      if (e.is_regular_file() && e.path().extension() == ".cedar") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      auto text = ReadFile(f.string());
      if (!text.ok()) return text.status();
      auto list = cedar::ParsePolicyList(*text, f.string());
      if (!list.ok()) return list.status();
      for (auto& p : *list) {
        const std::string* id = p.FindAnnotation("id");
        if (id == nullptr || id->empty()) {
          return Status::InvalidArgument(Where(p) + ": policy has no @id");
        }
        for (const char* key : {"citation", "explain", "verified"}) {
          const std::string* v = p.FindAnnotation(key);
          if (v == nullptr || v->empty()) {
            return Status::InvalidArgument(Where(p) + ": policy " + *id + " has no @" + key);
          }
        }
        const std::string verified = *p.FindAnnotation("verified");
        if (verified != "true" && verified != "false") {
          return Status::InvalidArgument(Where(p) + ": policy " + *id +
                                         ": @verified must be \"true\" or \"false\"");
        }
        const std::string* outcome = p.FindAnnotation("outcome");
        if (outcome != nullptr && *outcome != "referred") {
          return Status::InvalidArgument(Where(p) + ": policy " + *id +
                                         ": @outcome may only be \"referred\"");
        }
        if (outcome != nullptr && p.effect != cedar::Effect::kForbid) {
          return Status::InvalidArgument(Where(p) + ": policy " + *id +
                                         ": only a forbid can refer a request to counsel");
        }
        if (m.level == "local" && p.effect != cedar::Effect::kForbid) {
          return Status::InvalidArgument(Where(p) + ": policy " + *id + ": pack " + m.name +
                                         " is local and may only narrow its state (forbid)");
        }
        if (p.IsTemplate()) {
          return Status::InvalidArgument(Where(p) + ": policy " + *id +
                                         ": packs hold static policies, not templates");
        }
        if (!ids.insert(*id).second) {
          return Status::InvalidArgument(Where(p) + ": duplicate policy id " + *id);
        }
        p.id = *id;
        all.push_back({m.name, std::move(p)});
      }
    }
  }
  for (auto& pending : all) {
    Status s = out.policies.Add(std::move(pending.policy));
    if (!s.ok()) return s;
  }
  for (size_t i = 0; i < all.size(); ++i) {
    const cedar::Policy& p = out.policies.policies()[i];
    PackRule r;
    r.pack = all[i].pack;
    r.id = p.id;
    r.citation = *p.FindAnnotation("citation");
    r.explain = *p.FindAnnotation("explain");
    r.verified = *p.FindAnnotation("verified") == "true";
    if (const std::string* o = p.FindAnnotation("outcome")) r.outcome = *o;
    r.policy = &p;
    out.rules.push_back(std::move(r));
  }

  // The schema: the last pack that names one, else ROOT/schema.cedarschema.
  out.schema_path = (fs::path(root) / "schema.cedarschema").string();
  for (const auto& m : out.packs) {
    if (!m.schema.empty()) out.schema_path = (fs::path(m.dir) / m.schema).lexically_normal().string();
  }
  if (!schema_path.empty()) out.schema_path = schema_path;
  auto schema = cedar::LoadSchemaFile(out.schema_path);
  if (!schema.ok()) return schema.status();
  out.schema = std::make_shared<const cedar::Schema>(std::move(schema).value());
  return out;
}

std::vector<std::string> ValidatePacks(const ComposedPacks& packs) {
  std::vector<std::string> lines;
  cedar::ValidationResult r = cedar::ValidatePolicies(*packs.schema, packs.policies);
  for (const auto& e : r.errors) lines.push_back(e.ToString());
  return lines;
}

void SplitPackDir(const std::string& pack_dir, std::string* root, std::string* name) {
  fs::path p = fs::path(pack_dir).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // trailing slash
  *name = p.filename().string();
  *root = p.has_parent_path() ? p.parent_path().string() : ".";
}

}  // namespace tg::policy
