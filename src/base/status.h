// Errors as values. Every public function of a TrustGate module that can fail returns a
// Status or a Result<T>; exceptions do not cross module boundaries.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace tg {

// What went wrong, coarsely; the message says precisely.
enum class Code {
  kOk = 0,
  kInvalidArgument,   // the caller's input is malformed (bad JSON, bad policy text, bad flag)
  kNotFound,          // the thing asked for does not exist
  kAlreadyExists,     // creating something that is already there
  kPermissionDenied,  // authenticated, but not allowed
  kUnauthenticated,   // no or unknown credentials
  kCorruption,        // stored data fails its own checks (hash mismatch, torn write)
  kIOError,           // the operating system or the database failed
  kResourceExhausted, // limits: body too large, rate limit
  kUnavailable,       // try again later (shutting down, busy)
  kInternal,          // a bug: an invariant did not hold
};

const char* CodeName(Code code);

// A Status is OK or carries a code and a message. Cheap to copy when OK.
class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
  static Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {Code::kIOError, std::move(m)}; }
  static Status ResourceExhausted(std::string m) { return {Code::kResourceExhausted, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "InvalidArgument: message", or "OK".
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status saying why there is none. Holding a non-OK Status is required
// when constructing from one.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  // The status: OK when a value is held.
  Status status() const { return ok() ? Status::OK() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace tg

// Returns early from the enclosing function with the status when it is not OK.
#define TG_RETURN_IF_ERROR(expr)          \
  do {                                    \
    ::tg::Status tg_status_ = (expr);     \
    if (!tg_status_.ok()) return tg_status_; \
  } while (0)
