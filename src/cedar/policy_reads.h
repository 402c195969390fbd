// What a set of policies can read of a request, found once by walking their scopes and
// conditions, and a fingerprint of exactly those inputs for one request. Two requests for the
// same action whose fingerprints are equal get the same decision and the same determining
// policies from these policies (errors aside: their messages may name entities that are not
// fingerprinted). That lets a caller share one evaluation between requests that differ only
// in what no policy looks at: another record with the same attributes, another time of day,
// another case number when no policy reads the case.
//
// Reads are value paths: a variable followed by attribute names (`resource.person.agency`,
// `context.authority.kind`). A path read as a value contributes its value to the fingerprint;
// when that value is an entity, its uid and ancestors (for `in`). A path that is only
// dereferenced (`resource` in `resource.agency`) contributes nothing itself, so records with
// equal attributes share a fingerprint unless some policy compares the record's identity.
// The types of principal and resource are always part of the fingerprint (`is`).
//
// Some reads are not paths: attributes of an entity literal (`User::"x".name`), of a computed
// entity (`(if c then principal else resource).name`), tags, `Lit in path` (the literal's
// ancestors), or an attribute of `action`. A set with any of those is not fingerprintable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cedar/ast.h"
#include "cedar/entities.h"
#include "cedar/request.h"

namespace tg::cedar {

class PolicyReads {
 public:
  // A value read: `root` followed by `attrs` (empty attrs: the variable itself).
  struct Path {
    Var root = Var::kContext;
    std::vector<std::string> attrs;
    std::vector<uint32_t> symbols;  // InternAttrName of each attr
    // "principal.agency.kind"
    std::string ToString() const;
    friend bool operator==(const Path& a, const Path& b) { return a.root == b.root && a.attrs == b.attrs; }
  };

  // Analyses the static and linked policies of `policies` (templates are not evaluated).
  static PolicyReads Of(const std::vector<Policy>& policies);

  // Whether Fingerprint covers everything these policies can read (see the file comment).
  bool fingerprintable() const { return why_not_.empty(); }
  // When not fingerprintable: the first policy and construct that prevents it.
  const std::string& why_not() const { return why_not_; }
  // The distinct value paths read, in first-seen order (roots principal, resource, context).
  const std::vector<Path>& paths() const { return paths_; }

  // Appends to `key` a fingerprint of `request`'s principal, resource and context as these
  // policies can read them in `entities` (finalized). The action is not included: callers key
  // by action too. Entity uids are fingerprinted by their process-local index, so a
  // fingerprint is only comparable within one process. Requires fingerprintable().
  void Fingerprint(const Request& request, const Entities& entities, std::string* key) const;

 private:
  std::vector<Path> paths_;
  std::string why_not_;
};

}  // namespace tg::cedar
