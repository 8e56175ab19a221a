#pragma once
// The server's request: the head the guard accepted (http/request_head.hpp says where its parts
// lie), its body, and the path parameters the router found. What handlers read through
// http::Request. Pure: no I/O, no Pistache; move-only (it owns its bytes, and its parts are
// offsets into them).
#include <optional>
#include <string>
#include <string_view>

#include "http/method.hpp"
#include "http/request.hpp"
#include "http/request_head.hpp"

namespace boutique::http {

class IncomingRequest final : public RequestSource {
 public:
  // `head`: the bytes `layout` was scanned from (its offsets are into them), up to the head's end.
  IncomingRequest(std::string head, AcceptedHead layout);
  IncomingRequest(IncomingRequest&&) noexcept = default;
  IncomingRequest& operator=(IncomingRequest&&) noexcept = default;

  Method method() const { return layout_.method; }
  bool http10() const { return layout_.http10; }
  // The target as sent (path and query, percent-encoded).
  std::string_view target() const { return layout_.target.of(head_); }
  // The value of the first field named `name` (compared without case), if any.
  std::optional<std::string_view> field(std::string_view name) const;
  void append_body(std::string_view bytes) { body_.append(bytes); }
  void set_path_params(Params params) { params_ = std::move(params); }

  // RequestSource
  const std::string& path() const override { return path_; }
  const std::string& body() const override { return body_; }
  std::optional<std::string> header(const std::string& name) const override;
  Params raw_query() const override;
  std::string path_param(const std::string& name) const override;

 private:
  std::string head_;
  AcceptedHead layout_;
  std::string path_;  // the target up to its '?'
  std::string body_;
  Params params_;
};

}  // namespace boutique::http
