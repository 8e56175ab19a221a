#pragma once
// Invariant checks for the fuzz targets: a broken invariant prints what and where, then aborts, so
// libFuzzer records the input as a crash (artifact) exactly like a sanitizer report.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace boutique::fuzz {

[[noreturn]] inline void fail(std::string_view what, const char* file, int line) {
  std::fprintf(stderr, "\n*** fuzz invariant broken at %s:%d: %.*s\n", file, line,
               static_cast<int>(what.size()), what.data());
  std::abort();
}

// The input as text (libFuzzer hands bytes).
inline std::string text(const unsigned char* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
inline bool utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80         ? 1
                            : (c >> 5) == 6  ? 2
                            : (c >> 4) == 14 ? 3
                            : (c >> 3) == 30 ? 4
                                             : 0;
    if (len == 0 || i + len > s.size()) return false;
    unsigned cp = len == 1 ? c : c & (0x7Fu >> len);
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 2) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    static constexpr unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

inline bool has_control_char(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

}  // namespace boutique::fuzz

// FUZZ_CHECK(condition, "what it means"): the message may be any std::string expression.
#define FUZZ_CHECK(cond, msg)                                                                   \
  do {                                                                                          \
    if (!(cond)) ::boutique::fuzz::fail(std::string(#cond) + ": " + (msg), __FILE__, __LINE__); \
  } while (0)
