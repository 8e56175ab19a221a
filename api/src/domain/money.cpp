#include "domain/money.hpp"

#include <array>
#include <charconv>
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
  // The shortest text that reads back as this double is the JSON literal the client sent (for any
  // literal of up to 15 significant digits): "12345.678" is refused like the string would be, and
  // 0.29 (28.999999999999996 cents in binary) is 29 cents. A relative tolerance let 12345.678 in.
  std::array<char, 64> text{};
  const auto [end, ec] =
      std::to_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
  if (ec != std::errc{}) return std::nullopt;
  return parse_money(std::string_view(text.data(), static_cast<std::size_t>(end - text.data())));
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
