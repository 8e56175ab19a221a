#include "targets/database.hpp"

#include <string_view>

namespace boutique::targets {

std::string first_error(const core::Result& r) {
  std::string_view err = r.err;
  std::string_view line;
  while (!err.empty()) {
    const auto nl = err.find('\n');
    const std::string_view l = err.substr(0, nl);
    err = nl == std::string_view::npos ? std::string_view{} : err.substr(nl + 1);
    if (l.find("error:") != std::string_view::npos || l.find("ERROR:") != std::string_view::npos ||
        l.find("FATAL:") != std::string_view::npos) {
      line = l;
      break;
    }
    if (line.empty()) line = l;
  }
  for (std::string_view prefix : {"error: ", "ERROR:  ", "FATAL:  "})
    if (const auto at = line.find(prefix); at != std::string_view::npos)
      line = line.substr(at + prefix.size());
  return line.empty() ? r.describe() : std::string(line);
}

std::string restore_transaction(const std::string& reset, const std::string& archive_sql) {
  return "SET client_min_messages = warning;\n"
         "SET lock_timeout = '10s';\n" +
         reset + archive_sql + "\nNOTIFY produits_changed;\n";
}

}  // namespace boutique::targets
