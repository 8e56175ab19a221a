#pragma once
// RFC 9457 problem details. Handlers throw Problem; the server turns it into a response.
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "domain/field_errors.hpp"
#include "http/response.hpp"

namespace boutique::http {

class Problem : public std::exception {
 public:
  // slug becomes the type URI "/problems/<slug>".
  Problem(int status, std::string slug, std::string title, std::string detail = {})
      : status_(status),
        slug_(std::move(slug)),
        title_(std::move(title)),
        detail_(std::move(detail)) {}

  Problem& errors(domain::FieldErrors errors) {
    errors_ = std::move(errors);
    return *this;
  }
  // An extra member, its value already JSON text (e.g. "12" or "\"clavier\"").
  Problem& member(std::string name, std::string json_value) {
    members_.emplace_back(std::move(name), std::move(json_value));
    return *this;
  }
  Problem& header(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
  }

  const char* what() const noexcept override { return title_.c_str(); }
  int status() const { return status_; }
  const std::string& detail() const { return detail_; }
  Response response() const;

 private:
  int status_;
  std::string slug_;
  std::string title_;
  std::string detail_;
  domain::FieldErrors errors_;
  std::vector<std::pair<std::string, std::string>> members_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

// Common problems.
Problem bad_request(std::string detail);
Problem invalid_query(domain::FieldErrors errors);
Problem validation_failed(domain::FieldErrors errors);
Problem not_found(std::string detail);
Problem unauthorized(std::string detail);
Problem forbidden(std::string detail);
Problem unavailable(std::string detail);

}  // namespace boutique::http
