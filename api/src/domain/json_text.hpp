#pragma once
// Writing JSON text straight into a std::string (the hot paths avoid building a DOM), and checks on
// untrusted text before it reaches a parser or the database.
#include <cstddef>
#include <string>
#include <string_view>

namespace boutique::domain {

// Appends s as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view s);

// Appends items as a JSON array: `[`, each item written by write(out, item), `,` between, `]`.
template <class Items, class Write>
void append_json_array(std::string& out, const Items& items, Write write) {
  out.push_back('[');
  bool first = true;
  for (const auto& item : items) {
    if (!first) out.push_back(',');
    first = false;
    write(out, item);
  }
  out.push_back(']');
}

// True when s is well-formed UTF-8 (PostgreSQL rejects anything else).
bool valid_utf8(std::string_view s);

// Number of code points in a valid UTF-8 string.
std::size_t utf8_length(std::string_view s);

// Deepest nesting of arrays/objects in a JSON text (strings skipped); stops counting past limit.
// Guards the recursive parser against "[[[[…" stack exhaustion.
std::size_t json_nesting_depth(std::string_view text, std::size_t limit);

}  // namespace boutique::domain
