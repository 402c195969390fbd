#include "gateway/router.h"

#include <algorithm>

namespace tg::gateway {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler) {
  Route r{std::move(method), {}, std::move(handler)};
  for (auto s : SplitPath(pattern)) r.segments.emplace_back(s);
  routes_.push_back(std::move(r));
}

bool Router::Match(const Route& route, const std::vector<std::string_view>& parts,
                   std::map<std::string, std::string>& params) {
  params.clear();
  const auto& segs = route.segments;
  for (size_t i = 0; i < segs.size(); ++i) {
    const std::string& s = segs[i];
    bool capture = s.size() >= 2 && s.front() == '{' && s.back() == '}';
    if (capture && s.size() > 5 && s.compare(s.size() - 4, 4, "...}") == 0) {
      // Rest-of-path capture: at least one segment.
      if (i >= parts.size()) return false;
      std::string rest;
      for (size_t k = i; k < parts.size(); ++k) {
        if (!rest.empty()) rest.push_back('/');
        rest.append(parts[k]);
      }
      params[s.substr(1, s.size() - 5)] = rest;
      return true;
    }
    if (i >= parts.size()) return false;
    if (capture) {
      if (parts[i].empty()) return false;
      params[s.substr(1, s.size() - 2)] = std::string(parts[i]);
    } else if (parts[i] != s) {
      return false;
    }
  }
  return parts.size() == segs.size();
}

void Router::SetFallback(Fallback fallback) { fallback_ = std::move(fallback); }

void Router::Dispatch(Request request, Respond respond) const {
  auto parts = SplitPath(request.path);
  std::vector<std::string_view> allowed;  // methods of the routes whose pattern matches
  std::map<std::string, std::string> params;
  for (const auto& route : routes_) {
    if (!Match(route, parts, params)) continue;
    if (route.method != request.method &&
        !(request.method == "HEAD" && route.method == "GET")) {
      allowed.push_back(route.method);
      if (route.method == "GET") allowed.push_back("HEAD");
      continue;
    }
    request.params = std::move(params);
    route.handler(std::move(request), std::move(respond));
    return;
  }
  if (allowed.empty()) {
    if (fallback_) return fallback_(std::move(request), std::move(respond), 404);
    return respond(JsonError(404, "not_found", "no such resource: " + request.path));
  }
  std::string allow;
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (std::find(allowed.begin(), allowed.begin() + i, allowed[i]) != allowed.begin() + i) continue;
    if (!allow.empty()) allow += ", ";
    allow += allowed[i];
  }
  auto with_allow = [allow, respond = std::move(respond)](Response r) {
    if (r.status == 405) r.headers.emplace_back("Allow", allow);
    respond(std::move(r));
  };
  if (fallback_) return fallback_(std::move(request), std::move(with_allow), 405);
  with_allow(JsonError(405, "method_not_allowed", "method " + request.method + " is not allowed on " + request.path));
}

}  // namespace tg::gateway
