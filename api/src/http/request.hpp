#pragma once
// A thin, read-only view of an incoming request for the handlers.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pistache/router.h>
#include <nlohmann/json.hpp>

namespace boutique::http {

inline constexpr std::size_t kMaxBodyBytes = 1024 * 1024;

class Request {
 public:
  Request(const Pistache::Rest::Request& req, std::string id) : req_(req), id_(std::move(id)) {}

  const std::string& id() const { return id_; }
  const std::string& path() const { return req_.resource(); }
  std::optional<std::string> header(const std::string& name) const;
  // Decoded query parameters, in no particular order.
  std::vector<std::pair<std::string, std::string>> query() const;
  const std::string& body() const { return req_.body(); }
  // The body as JSON: 415 when it is not declared application/json, 400 when it does not parse
  // (or nests deeper than 64 levels).
  nlohmann::json json_body() const;
  // A positive integer path parameter; 400 otherwise.
  std::int64_t id_param(const char* name) const;
  // The token of "Authorization: Bearer <token>", if any.
  std::optional<std::string> bearer_token() const;

 private:
  const Pistache::Rest::Request& req_;
  std::string id_;
};

}  // namespace boutique::http
