#include "http/incoming_request.hpp"

namespace boutique::http {

IncomingRequest::IncomingRequest(std::string head, AcceptedHead layout)
    : head_(std::move(head)), layout_(std::move(layout)) {
  const auto t = target();
  path_.assign(t.substr(0, t.find('?')));
}

std::optional<std::string_view> IncomingRequest::field(std::string_view name) const {
  for (const auto& f : layout_.fields) {
    if (equals_ignoring_case(f.name.of(head_), name)) return f.value.of(head_);
  }
  return std::nullopt;
}

std::optional<std::string> IncomingRequest::header(const std::string& name) const {
  if (const auto value = field(name)) return std::string(*value);
  return std::nullopt;
}

Params IncomingRequest::raw_query() const {
  // Each key appears once: the head scan refuses a repeated one.
  Params out;
  for (const auto& [key, value] : split_query(target())) out.emplace_back(key, value);
  return out;
}

std::string IncomingRequest::path_param(const std::string& name) const {
  for (const auto& [key, value] : params_) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace boutique::http
