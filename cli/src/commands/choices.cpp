#include "commands/choices.hpp"

#include <fmt/format.h>

namespace boutique::commands::choices {

namespace {

// The validator's name marks it; its description carries the values, in the form CLI11's help
// shows for IsMember: {a,b,c}.
constexpr const char* kValidatorName = "boutique-values";

CLI::Validator described(CLI::Validator v, const std::vector<std::string>& values) {
  v.description(fmt::format("{{{}}}", fmt::join(values, ",")));
  v.name(kValidatorName);
  return v;
}

}  // namespace

CLI::Validator one_of(const std::vector<std::string>& values) {
  return described(CLI::IsMember(values), values);
}

CLI::Validator suggests(const std::vector<std::string>& values) {
  return described(CLI::Validator([](std::string&) { return std::string(); }, ""), values);
}

std::vector<std::string> values_of(CLI::Option& opt) {
  const CLI::Validator* v = nullptr;
  try {
    v = opt.get_validator(kValidatorName);
  } catch (const CLI::OptionNotFound&) {
    return {};
  }
  std::string text = v->get_description();
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') return {};
  text = text.substr(1, text.size() - 2);
  std::vector<std::string> out;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t comma = text.find(',', start);
    const std::size_t end = comma == std::string::npos ? text.size() : comma;
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string type_of(const CLI::Option& opt) {
  const std::string full = opt.get_type_name();
  return full.substr(0, full.find(':'));
}

}  // namespace boutique::commands::choices
