#pragma once
// Money as an exact integer number of cents: prices are never binary floating point.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace boutique::domain {

using Cents = std::int64_t;

// The largest accepted price: 1 000 000.00 €.
inline constexpr Cents kMaxPrixCents = 100'000'000;

// Parses "12", "12.3" or "12.34" (no sign, no exponent, at most two decimals, at most 12 digits)
// as cents. Returns nothing for anything else.
std::optional<Cents> parse_money(std::string_view text);

// A JSON number as decoded by the parser: accepted when it is ≥ 0 and has at most two decimals.
std::optional<Cents> money_from_double(double value);

// Appends "12.34" (always two decimals).
void append_money(std::string& out, Cents cents);
std::string format_money(Cents cents);

}  // namespace boutique::domain
