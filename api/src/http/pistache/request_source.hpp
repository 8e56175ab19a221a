#pragma once
// http::RequestSource over Pistache 0.0.5's request: what the handlers read, without them including
// Pistache.
#include <string>

#include <pistache/router.h>

#include "http/request.hpp"

namespace boutique::http {

// The query's parameters as Pistache parsed them (still percent-encoded).
Params raw_query(const Pistache::Http::Uri::Query& query);

class PistacheRequest final : public RequestSource {
 public:
  explicit PistacheRequest(const Pistache::Rest::Request& req) : req_(req) {}

  const std::string& path() const override { return req_.resource(); }
  const std::string& body() const override { return req_.body(); }
  std::optional<std::string> header(const std::string& name) const override;
  Params raw_query() const override { return http::raw_query(req_.query()); }
  std::string path_param(const std::string& name) const override;

 private:
  const Pistache::Rest::Request& req_;
};

}  // namespace boutique::http
