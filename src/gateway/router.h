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
  // under other methods. Fills request.params.
  void Dispatch(Request request, Respond respond) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  static bool Match(const Route& route, const std::vector<std::string_view>& parts,
                    std::map<std::string, std::string>& params);
  std::vector<Route> routes_;
};

}  // namespace tg::gateway
