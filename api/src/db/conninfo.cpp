#include "db/conninfo.hpp"

#include <libpq-fe.h>

#include <memory>
#include <string_view>

namespace boutique::db {
namespace {

// A key=value string's value: quoted, with ' and \ escaped (libpq's rules).
void append_value(std::string& out, std::string_view value) {
  out.push_back('\'');
  for (const char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
}

}  // namespace

std::string with_client_timeouts(const std::string& conninfo) {
  char* error = nullptr;
  const std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(conninfo.c_str(), &error), PQconninfoFree);
  if (!options) {
    PQfreemem(error);
    return conninfo;
  }
  std::string out;
  const auto add = [&out](std::string_view key, std::string_view value) {
    if (!out.empty()) out.push_back(' ');
    out.append(key);
    out.push_back('=');
    append_value(out, value);
  };
  for (const PQconninfoOption* o = options.get(); o->keyword; ++o)
    if (o->val) add(o->keyword, o->val);
  for (const auto& [key, value] : kClientTimeouts) {
    bool given = false;
    for (const PQconninfoOption* o = options.get(); o->keyword; ++o)
      if (o->val && std::string_view(o->keyword) == key) given = true;
    if (!given) add(key, value);
  }
  return out;
}

}  // namespace boutique::db
