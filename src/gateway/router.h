// A small router: method plus a path pattern whose `{name}` segments capture one path
// segment each, and a trailing `{name...}` that captures the rest (for /log/tile/...).
#pragma once

#include <string>
#include <vector>

#include "gateway/http.h"

namespace tg::gateway {

class Router {
 public:
  // Adds a route. Patterns start with '/'; earlier routes win when two match.
  void Add(std::string method, std::string pattern, Handler handler);
  // Dispatches: 404 when no pattern matches the path, 405 when the path matches only
  // under other methods (with an `Allow` header listing them, HEAD wherever GET is). Fills
  // request.params. Without a fallback those two are plain JSON errors.
  void Dispatch(Request request, Respond respond) const;

  // Answers what no route takes; `status` is 404 or 405. The router adds the 405's Allow
  // header to whatever the fallback responds with that status.
  using Fallback = std::function<void(Request request, Respond respond, int status)>;
  void SetFallback(Fallback fallback);

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  static bool Match(const Route& route, const std::vector<std::string_view>& parts,
                    std::map<std::string, std::string>& params);
  std::vector<Route> routes_;
  Fallback fallback_;
};

}  // namespace tg::gateway
