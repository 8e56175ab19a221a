#include "domain/produit_query.hpp"

#include <algorithm>
#include <charconv>

#include "domain/json_text.hpp"

namespace boutique::domain {
namespace {

std::optional<int> parse_int(std::string_view s) {
  int value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

std::optional<std::string> text_param(std::string_view value, std::size_t max_len,
                                      const std::string& key, FieldErrors& errors) {
  if (!valid_utf8(value)) {
    errors[key] = "doit être du texte UTF-8 valide";
  } else if (value.empty()) {
    errors[key] = "ne doit pas être vide";
  } else if (utf8_length(value) > max_len) {
    errors[key] = "ne doit pas dépasser " + std::to_string(max_len) + " caractères";
  } else if (value.find('\0') != std::string_view::npos) {
    errors[key] = "contient un caractère interdit";
  } else {
    return std::string(value);
  }
  return std::nullopt;
}

}  // namespace

std::string_view tri_name(Tri tri) {
  switch (tri) {
    case Tri::kPrix:
      return "prix";
    case Tri::kPrixDesc:
      return "-prix";
    case Tri::kNom:
      return "nom";
    case Tri::kRecent:
      return "recent";
    case Tri::kId:
      break;
  }
  return "id";
}

ProduitQuery parse_produit_query(const std::vector<std::pair<std::string, std::string>>& params,
                                 FieldErrors& errors) {
  ProduitQuery query;
  std::vector<std::string_view> seen;
  for (const auto& [key, value] : params) {
    static constexpr std::string_view known[] = {"categorie", "q",    "min_prix", "max_prix",
                                                 "tri",       "page", "par_page"};
    if (std::find(std::begin(known), std::end(known), key) == std::end(known)) continue;
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      errors[key] = "ne doit apparaître qu'une fois";
      continue;
    }
    seen.push_back(key);
    if (key == "categorie") {
      query.categorie = text_param(value, 100, key, errors);
    } else if (key == "q") {
      query.q = text_param(value, 100, key, errors);
    } else if (key == "min_prix" || key == "max_prix") {
      const auto cents = parse_money(value);
      if (!cents) errors[key] = "doit être un montant ≥ 0 avec au plus 2 décimales";
      (key == "min_prix" ? query.min_prix : query.max_prix) = cents;
    } else if (key == "tri") {
      if (value == "prix")
        query.tri = Tri::kPrix;
      else if (value == "-prix")
        query.tri = Tri::kPrixDesc;
      else if (value == "nom")
        query.tri = Tri::kNom;
      else if (value == "recent")
        query.tri = Tri::kRecent;
      else
        errors[key] = "doit valoir prix, -prix, nom ou recent";
    } else {
      Page page{query.page, query.par_page};
      parse_page_param(key, value, page, errors);
      query.page = page.page;
      query.par_page = page.par_page;
    }
  }
  if (query.min_prix && query.max_prix && *query.min_prix > *query.max_prix) {
    errors["min_prix"] = "doit être inférieur ou égal à max_prix";
  }
  return query;
}

std::string ProduitQuery::canonical_filters() const {
  std::string out;
  const auto add = [&out](std::string_view key, std::string_view value) {
    if (!out.empty()) out.push_back('&');
    out.append(key).push_back('=');
    out += percent_encode(value);
  };
  if (categorie) add("categorie", *categorie);
  if (q) add("q", *q);
  if (min_prix) add("min_prix", format_money(*min_prix));
  if (max_prix) add("max_prix", format_money(*max_prix));
  if (tri != Tri::kId) add("tri", tri_name(tri));
  return out;
}

std::string ProduitQuery::cache_key() const {
  return canonical_filters() + "|" + std::to_string(page) + "|" + std::to_string(par_page);
}

bool parse_page_param(std::string_view key, std::string_view value, Page& page,
                      FieldErrors& errors) {
  if (key == "page") {
    const auto n = parse_int(value);
    if (!n || *n < 1 || *n > kMaxPage)
      errors[std::string(key)] = "doit être un entier entre 1 et " + std::to_string(kMaxPage);
    else
      page.page = *n;
    return true;
  }
  if (key == "par_page") {
    const auto n = parse_int(value);
    if (!n || *n < 1 || *n > kMaxParPage)
      errors[std::string(key)] = "doit être un entier entre 1 et " + std::to_string(kMaxParPage);
    else
      page.par_page = *n;
    return true;
  }
  return false;
}

Page parse_page_query(const std::vector<std::pair<std::string, std::string>>& params,
                      FieldErrors& errors) {
  Page page;
  for (const auto& [key, value] : params) parse_page_param(key, value, page, errors);
  return page;
}

std::string paging_links(std::string_view path, const ProduitQuery& query, long long total) {
  return paging_links(path, query.canonical_filters(), Page{query.page, query.par_page}, total);
}

std::string paging_links(std::string_view path, std::string_view filters, const Page& query,
                         long long total) {
  const long long last = std::clamp((total + query.par_page - 1) / query.par_page, 1LL,
                                    static_cast<long long>(kMaxPage));
  std::string out;
  const auto link = [&](long long page, std::string_view rel) {
    if (!out.empty()) out += ", ";
    out.push_back('<');
    out.append(path).push_back('?');
    if (!filters.empty()) out.append(filters).push_back('&');
    out += "page=" + std::to_string(page) + "&par_page=" + std::to_string(query.par_page);
    out += ">; rel=\"";
    out.append(rel).push_back('"');
  };
  link(1, "first");
  if (query.page > 1) link(std::min<long long>(query.page - 1, last), "prev");
  if (query.page < last) link(query.page + 1, "next");
  link(last, "last");
  return out;
}

std::string percent_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xF]);
    }
  }
  return out;
}

std::optional<std::string> percent_decode(std::string_view s) {
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = nibble(s[i + 1]);
      const int lo = nibble(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string like_pattern(std::string_view term) {
  std::string out = "%";
  for (const char c : term) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

}  // namespace boutique::domain
