#include "core/output.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

namespace boutique::core {
namespace {

// Display width of UTF-8 text: one column per code point (enough for the French text we print).
std::size_t width(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

bool all_ok(const std::vector<Check>& checks) {
  return std::all_of(checks.begin(), checks.end(),
                     [](const Check& c) { return c.ok || !c.required; });
}

std::string render_table(const std::vector<std::string>& headers,
                         const std::vector<std::vector<Cell>>& rows, bool color) {
  std::vector<std::size_t> w(headers.size(), 0);
  for (std::size_t i = 0; i < headers.size(); ++i) w[i] = width(headers[i]);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size() && i < w.size(); ++i)
      w[i] = std::max(w[i], width(r[i].text));
  std::string out;
  auto line = [&](const std::vector<Cell>& cells, const char* all_color) {
    std::string l;
    for (std::size_t i = 0; i < cells.size() && i < w.size(); ++i) {
      const char* c = cells[i].color ? cells[i].color : all_color;
      bool last = i + 1 == cells.size();
      std::string pad = last ? "" : std::string(w[i] - width(cells[i].text) + 2, ' ');
      if (color && c)
        l += fmt::format("{}{}{}{}", c, cells[i].text, ansi::reset, pad);
      else
        l += cells[i].text + pad;
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  std::vector<Cell> head;
  for (const auto& h : headers) head.push_back({h});
  line(head, ansi::bold);
  for (const auto& r : rows) line(r, nullptr);
  return out;
}

std::string render_checks_table(const std::vector<Check>& checks, bool color) {
  std::vector<std::vector<Cell>> rows;
  for (const auto& c : checks) {
    Cell status = c.ok ? Cell{"ok", ansi::green}
                       : (c.required ? Cell{"FAIL", ansi::red} : Cell{"missing", ansi::yellow});
    rows.push_back({{c.component}, {c.check}, status, {c.detail}});
  }
  std::string out = render_table({"COMPONENT", "CHECK", "STATUS", "DETAIL"}, rows, color);
  // One hint per component: its first failing check's (the rest usually follow from it).
  std::vector<std::string> hinted;
  for (const auto& c : checks)
    if (!c.ok && !c.hint.empty() &&
        std::find(hinted.begin(), hinted.end(), c.component) == hinted.end() &&
        (hinted.push_back(c.component), true))
      out += fmt::format("{}{}/{}{}: {}\n", color ? ansi::yellow : "", c.component, c.check,
                         color ? ansi::reset : "", c.hint);
  return out;
}

nlohmann::json checks_to_json(const std::vector<Check>& checks) {
  auto arr = nlohmann::json::array();
  for (const auto& c : checks)
    arr.push_back({{"component", c.component},
                   {"check", c.check},
                   {"ok", c.ok},
                   {"required", c.required},
                   {"detail", c.detail},
                   {"hint", c.hint},
                   {"seconds", c.seconds}});
  return arr;
}

std::string render_checks_json(const std::vector<Check>& checks, const std::string& target) {
  nlohmann::json j{{"target", target}, {"ok", all_ok(checks)}, {"checks", checks_to_json(checks)}};
  return j.dump(2) + "\n";
}

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // Control characters other than tab/newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
          out += ' ';
        else
          out += ch;
    }
  }
  return out;
}

std::string render_junit(const std::vector<Check>& checks, const std::string& suite) {
  std::size_t failures = static_cast<std::size_t>(std::count_if(
      checks.begin(), checks.end(), [](const Check& c) { return !c.ok && c.required; }));
  double total = std::accumulate(checks.begin(), checks.end(), 0.0,
                                 [](double t, const Check& c) { return t + c.seconds; });
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n", checks.size(),
                     failures, total);
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n",
                     xml_escape(suite), checks.size(), failures, total);
  for (const auto& c : checks) {
    out += fmt::format("    <testcase classname=\"{}.{}\" name=\"{}\" time=\"{:.3f}\"",
                       xml_escape(suite), xml_escape(c.component), xml_escape(c.check), c.seconds);
    if (c.ok) {
      out += fmt::format(">\n      <system-out>{}</system-out>\n    </testcase>\n",
                         xml_escape(c.detail));
    } else if (!c.required) {
      out += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                         xml_escape(c.detail));
    } else {
      out += fmt::format(">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                         xml_escape(c.detail), xml_escape(c.hint));
    }
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace boutique::core
