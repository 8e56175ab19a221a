#include "http/request.hpp"

#include <algorithm>
#include <charconv>

#include "domain/json_text.hpp"
#include "domain/produit_query.hpp"
#include "http/problem.hpp"

namespace boutique::http {

Params decode_query(const Params& raw) {
  Params out;
  out.reserve(raw.size());
  for (const auto& [raw_key, raw_value] : raw) {
    auto key = domain::percent_decode(raw_key);
    auto value = domain::percent_decode(raw_value);
    if (!key || !value) throw bad_request("paramètre de requête mal encodé (séquence % invalide)");
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

nlohmann::json decode_json_body(std::optional<std::string_view> type, const std::string& body) {
  const auto media = type ? type->substr(0, type->find(';')) : std::string_view{};
  if (media != "application/json" && media != "application/problem+json") {
    throw Problem(ProblemKind::type_non_supporte,
                  "le corps doit être envoyé avec Content-Type: application/json");
  }
  if (domain::json_nesting_depth(body, 64) > 64) {
    throw bad_request("JSON trop imbriqué (64 niveaux au plus)");
  }
  auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) throw bad_request("le corps n'est pas un JSON valide");
  return parsed;
}

std::int64_t decode_id(std::string_view raw, const char* name) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), id);
  if (ec != std::errc{} || end != raw.data() + raw.size() || id < 1) {
    throw Problem(ProblemKind::identifiant_invalide,
                  std::string("l'identifiant doit être un entier positif"))
        .errors({{name, "doit être un entier positif"}});
  }
  return id;
}

Params Request::query() const {
  return decode_query(source_.raw_query());
}

nlohmann::json Request::json_body() const {
  const auto type = header("Content-Type");
  return decode_json_body(type ? std::optional<std::string_view>(*type) : std::nullopt, body());
}

std::int64_t Request::id_param(const char* name) const {
  return decode_id(source_.path_param(name), name);
}

std::optional<std::string> decode_bearer(const std::optional<std::string>& authorization) {
  constexpr std::string_view prefix = "Bearer ";
  if (!authorization || authorization->size() <= prefix.size() ||
      !authorization->starts_with(prefix)) {
    return std::nullopt;
  }
  auto token = authorization->substr(prefix.size());
  while (!token.empty() && token.back() == ' ') token.pop_back();
  return token;
}

std::optional<std::string> decode_idempotency_key(const std::optional<std::string>& header) {
  if (!header) return std::nullopt;
  const bool printable =
      std::all_of(header->begin(), header->end(), [](char c) { return c >= 0x21 && c <= 0x7E; });
  if (header->empty() || header->size() > 200 || !printable) {
    throw bad_request("Idempotency-Key : 1 à 200 caractères ASCII visibles");
  }
  return header;
}

std::optional<std::string> Request::bearer_token() const {
  return decode_bearer(header("Authorization"));
}

}  // namespace boutique::http
