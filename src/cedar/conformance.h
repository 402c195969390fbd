// Runs Cedar integration-test files the way the reference harness judges them
// (../shared/conformance/cedar/README.md): schema, entities and context read with the schema,
// request validation, strict validation compared with `shouldValidate`, and each request's
// decision, reason set and error set compared with the expectation.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "base/status.h"

namespace tg::cedar {

struct ConformanceOptions {
  std::string root;                 // the unpacked corpus root; test paths are relative to it
  std::string dir = "corpus-tests"; // folder under root searched (recursively) for *.json tests
  // Test names (file stem, e.g. the sha) reported as skipped instead of run.
  std::set<std::string> skip;
  size_t max_failures_listed = 20;  // how many failure descriptions to keep
};

struct ConformanceReport {
  size_t tests = 0;               // tests run (not skipped)
  size_t skipped = 0;             // tests skipped (skip list or multi-argument extension data)
  size_t requests_passed = 0;
  size_t requests_failed = 0;
  size_t validation_agreed = 0;   // tests whose validation outcome matched shouldValidate
  std::vector<std::string> failures;  // first few: "test: what differed"
  bool ok() const { return requests_failed == 0 && validation_agreed == tests; }
};

// Runs every test under root/dir. Errors only when the folder cannot be read; a test that
// cannot be loaded counts its requests as failed.
Result<ConformanceReport> RunConformance(const ConformanceOptions& options);

// Reads a skip list: one test name per line (blank lines and '#' comments ignored).
Result<std::set<std::string>> ReadSkipList(const std::string& path);

}  // namespace tg::cedar
