// The Cedar authorizer: forbid overrides permit, default deny, erroring policies skipped and
// reported. Built once from a PolicySet (policies compiled and indexed by scope), then
// IsAuthorized is cheap and thread-safe (const).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cedar/ast.h"
#include "cedar/entities.h"
#include "cedar/request.h"

namespace tg::cedar {

enum class Decision : uint8_t { kAllow, kDeny };

struct PolicyError {
  std::string policy_id;
  std::string message;
};

struct Response {
  Decision decision = Decision::kDeny;
  // Determining policies: satisfied permits on Allow, satisfied forbids on Deny (policy order).
  std::vector<std::string> reasons;
  // Every policy whose evaluation raised an error, with the error (policy order).
  std::vector<PolicyError> errors;
};

class Authorizer {
 public:
  // Compiles the set's static and linked policies (templates themselves are not evaluated).
  explicit Authorizer(const PolicySet& policies);
  ~Authorizer();
  Authorizer(Authorizer&&) noexcept;
  Authorizer& operator=(Authorizer&&) noexcept;

  // The decision for one request against an entity store (which must be Finalize()d).
  Response IsAuthorized(const Request& request, const Entities& entities) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tg::cedar
