#include "domain/money.hpp"

#include <cmath>

namespace boutique::domain {

std::optional<Cents> parse_money(std::string_view text) {
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac =
      dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 10) return std::nullopt;
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 2)) return std::nullopt;
  Cents cents = 0;
  for (const char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    cents = cents * 10 + (c - '0');
  }
  cents *= 100;
  Cents scale = 10;
  for (const char c : frac) {
    if (c < '0' || c > '9') return std::nullopt;
    cents += (c - '0') * scale;
    scale /= 10;
  }
  return cents;
}

std::optional<Cents> money_from_double(double value) {
  if (!std::isfinite(value) || value < 0 || value > 1e10) return std::nullopt;
  const double scaled = value * 100.0;
  const double rounded = std::round(scaled);
  // A JSON literal with more than two decimals (12.345) lands visibly off the integer grid;
  // a two-decimal one (0.29 → 28.999999999999996) lands within rounding noise.
  if (std::fabs(scaled - rounded) > 1e-6 * std::max(1.0, rounded)) return std::nullopt;
  return static_cast<Cents>(rounded);
}

void append_money(std::string& out, Cents cents) {
  if (cents < 0) {
    out.push_back('-');
    cents = -cents;
  }
  out += std::to_string(cents / 100);
  out.push_back('.');
  const auto frac = cents % 100;
  out.push_back(static_cast<char>('0' + frac / 10));
  out.push_back(static_cast<char>('0' + frac % 10));
}

std::string format_money(Cents cents) {
  std::string out;
  append_money(out, cents);
  return out;
}

}  // namespace boutique::domain
