#pragma once
// `boutique logs`: the last lines of one or more log files, optionally followed (like tail -F:
// survives truncation and files that appear later).
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace boutique::core {

struct LogSource {
  std::string label;  // printed as "label | " when several sources are shown
  std::filesystem::path path;
};

// Last `n` lines of `text`.
std::string last_lines(const std::string& text, std::size_t n);
void print_tail(const std::vector<LogSource>& sources, std::size_t n, std::FILE* out);
// Prints what is appended to the files until `stop()` returns true (polls every 200 ms).
void follow(const std::vector<LogSource>& sources, std::FILE* out, bool (*stop)());

}  // namespace boutique::core
