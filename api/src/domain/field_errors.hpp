#pragma once
#include <map>
#include <string>

namespace boutique::domain {

// Field name → message in French, as sent in a problem's "errors" member.
using FieldErrors = std::map<std::string, std::string>;

}  // namespace boutique::domain
