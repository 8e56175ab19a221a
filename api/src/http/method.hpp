#pragma once
// Request methods: those the route table uses and those the server answers itself (HEAD, OPTIONS).
#include <array>
#include <optional>
#include <string_view>

namespace boutique::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions };

// Every Method, in the enum's order: a Method's value is its index here.
inline constexpr std::array<Method, 7> kMethods = {Method::kGet,    Method::kHead,  Method::kPost,
                                                   Method::kPut,    Method::kPatch, Method::kDelete,
                                                   Method::kOptions};

constexpr std::string_view method_name(Method method) {
  switch (method) {
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kGet:
      break;
  }
  return "GET";
}

// The method a request line names (case-sensitive, RFC 9110 §9.1); nullopt for any other token.
constexpr std::optional<Method> parse_method(std::string_view token) {
  for (const Method m : kMethods) {
    if (method_name(m) == token) return m;
  }
  return std::nullopt;
}

}  // namespace boutique::http
