#include "core/logtail.hpp"

#include <fstream>
#include <map>
#include <thread>

namespace fs = std::filesystem;

namespace boutique::core {
namespace {

constexpr std::uintmax_t kTailWindow = 4u << 20;  // read at most the last 4 MiB for --tail

void emit(std::FILE* out, const std::string& prefix, const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    std::size_t end = nl == std::string::npos ? text.size() : nl + 1;
    std::fputs(prefix.c_str(), out);
    std::fwrite(text.data() + start, 1, end - start, out);
    if (nl == std::string::npos) std::fputc('\n', out);
    start = end;
  }
}

std::string prefix_for(const std::vector<LogSource>& sources, const LogSource& s) {
  if (sources.size() < 2) return {};
  std::size_t w = 0;
  for (const auto& o : sources) w = std::max(w, o.label.size());
  return s.label + std::string(w - s.label.size(), ' ') + " | ";
}

}  // namespace

std::string last_lines(const std::string& text, std::size_t n) {
  if (n == 0) return {};
  std::size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  std::size_t count = 0;
  while (pos > 0) {
    if (text[pos - 1] == '\n' && ++count == n) break;
    --pos;
  }
  return text.substr(pos);
}

void print_tail(const std::vector<LogSource>& sources, std::size_t n, std::FILE* out) {
  for (const auto& s : sources) {
    std::error_code ec;
    auto size = fs::file_size(s.path, ec);
    if (ec) {
      emit(out, prefix_for(sources, s), "(no log yet: " + s.path.string() + ")\n");
      continue;
    }
    std::ifstream in(s.path, std::ios::binary);
    if (size > kTailWindow) in.seekg(static_cast<std::streamoff>(size - kTailWindow));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    emit(out, prefix_for(sources, s), last_lines(text, n));
  }
  std::fflush(out);
}

void follow(const std::vector<LogSource>& sources, std::FILE* out, bool (*stop)()) {
  std::map<std::string, std::uintmax_t> offset;
  for (const auto& s : sources) {
    std::error_code ec;
    offset[s.path] = fs::file_size(s.path, ec);
    if (ec) offset[s.path] = 0;
  }
  while (!stop()) {
    for (const auto& s : sources) {
      std::error_code ec;
      auto size = fs::file_size(s.path, ec);
      if (ec) continue;
      auto& off = offset[s.path];
      if (size < off) off = 0;  // truncated or replaced: start again from the top
      if (size == off) continue;
      std::ifstream in(s.path, std::ios::binary);
      in.seekg(static_cast<std::streamoff>(off));
      std::string chunk(size - off, '\0');
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      chunk.resize(static_cast<std::size_t>(in.gcount()));
      // Print whole lines only; keep a partial last line for the next round.
      auto last_nl = chunk.rfind('\n');
      if (last_nl == std::string::npos) continue;
      chunk.resize(last_nl + 1);
      off += chunk.size();
      emit(out, prefix_for(sources, s), chunk);
    }
    std::fflush(out);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace boutique::core
