#include "http/pistache/request_source.hpp"

namespace boutique::http {

Params raw_query(const Pistache::Http::Uri::Query& query) {
  Params out;
  for (auto it = query.parameters_begin(); it != query.parameters_end(); ++it)
    out.emplace_back(it->first, it->second);
  return out;
}

std::optional<std::string> PistacheRequest::header(const std::string& name) const {
  if (const auto raw = req_.headers().tryGetRaw(name)) return raw->value();
  return std::nullopt;
}

std::string PistacheRequest::path_param(const std::string& name) const {
  return req_.param(":" + name).as<std::string>();
}

}  // namespace boutique::http
