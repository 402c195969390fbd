// Policy packs: a jurisdiction's Cedar policies with a manifest (policies/<pack>/pack.json),
// loaded together with every pack it builds on into one policy set. A county or city pack
// builds on its state's pack and may only narrow it (forbid policies only), so whatever a
// local configuration allows, its state allows too.
//
// Layout: ROOT/<pack>/pack.json, ROOT/<pack>/*.cedar, ROOT/<pack>/scenarios/*.json, and the
// domain schema at ROOT/schema.cedarschema (or the manifest's "schema", relative to the pack).
//
// pack.json: {"name", "jurisdiction", "level": "federal"|"state"|"local", "builds_on": [names],
//             "effective": "YYYY-MM-DD", "sources": [strings], "summary": "..."}
//
// Every policy carries @id (unique in the composed set; it becomes the Cedar policy id, so
// decisions name it), @citation, @explain (one plain sentence), @verified("true"|"false"),
// and optionally @outcome("referred") (a forbid that routes the request to counsel instead of
// declining it, e.g. an administrative subpoena).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "cedar/ast.h"
#include "cedar/schema.h"

namespace tg::policy {

struct PackManifest {
  std::string name;          // "los-angeles-county" (the directory name)
  std::string jurisdiction;  // "Los Angeles County, California"
  std::string level;         // "federal", "state", "local"
  std::vector<std::string> builds_on;
  std::string effective;     // "2020-09-01"
  std::vector<std::string> sources;
  std::string summary;
  std::string schema;        // optional schema path relative to the pack directory
  std::string dir;           // the pack's directory (filled by the loader)
};

// One policy of a pack with its annotations read out.
struct PackRule {
  std::string pack;      // the pack it came from
  std::string id;        // @id
  std::string citation;  // @citation
  std::string explain;   // @explain
  bool verified = false; // @verified("true")
  std::string outcome;   // @outcome, "" or "referred"
  const cedar::Policy* policy = nullptr;  // in the composed PolicySet
};

// A configuration: packs in dependency order (each after what it builds on), their policies
// composed into one set, and the schema they are written against.
struct ComposedPacks {
  std::vector<PackManifest> packs;
  cedar::PolicySet policies;   // policy ids are the @id annotations
  std::vector<PackRule> rules; // policy order
  std::shared_ptr<const cedar::Schema> schema;
  std::string schema_path;

  // The rule with this @id, or nullptr.
  const PackRule* FindRule(const std::string& id) const;
  // "los-angeles-county+los-angeles-city" style name of the requested packs.
  std::string name;
};

// Reads ROOT/<name>/pack.json; errors name the file and the field.
Result<PackManifest> LoadPackManifest(const std::string& root, const std::string& name);

// Names of every pack directory under ROOT (those with a pack.json), sorted.
Result<std::vector<std::string>> ListPacks(const std::string& root);

// Loads the named packs and everything they build on (each once), checks each policy's
// annotations, that @id is unique, that local packs hold only forbid policies, and parses the
// schema (`schema_path` when not empty, else the packs' own). Policy text errors name
// file:line:col. Does not validate against the schema (ValidatePacks does).
Result<ComposedPacks> LoadPacks(const std::string& root, const std::vector<std::string>& names,
                                const std::string& schema_path = "");

// Strict validation of every policy of the composition against its schema. One line per
// problem ("FILE:LINE:COL: policy ID: message"); empty when all validate.
std::vector<std::string> ValidatePacks(const ComposedPacks& packs);

// The root that holds `pack_dir` (its parent directory) and the pack's name (its last path
// component), for commands given a pack directory.
void SplitPackDir(const std::string& pack_dir, std::string* root, std::string* name);

}  // namespace tg::policy
