#include "http/request_head.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "domain/json_text.hpp"
#include "domain/produit_query.hpp"

namespace boutique::http {
namespace {

bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_vchar(unsigned char c) {
  return c >= 0x21 && c <= 0x7E;
}

// field-value: visible ASCII, space, tab, and obs-text (bytes >= 0x80); no other control character.
bool is_field_char(unsigned char c) {
  return c == '\t' || c == ' ' || is_vchar(c) || c >= 0x80;
}

template <class Pred>
bool all_of(std::string_view s, Pred pred) {
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return pred(static_cast<unsigned char>(c)); });
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Problem bad(std::string detail) {
  return bad_request(std::move(detail));
}

Problem too_large_head() {
  return Problem(ProblemKind::en_tetes_trop_volumineux,
                 "la ligne de requête et les en-têtes ne doivent pas dépasser " +
                     std::to_string(kMaxHeadBytes / 1024) + " Kio ni " +
                     std::to_string(kMaxHeaderFields) + " champs");
}

Problem target_too_long() {
  return Problem(ProblemKind::cible_trop_longue,
                 "la cible (chemin et paramètres) ne doit pas dépasser " +
                     std::to_string(kMaxTargetBytes / 1024) + " Kio");
}

// The method token of a request line, complete or not; a problem when it cannot be a method.
std::optional<Problem> check_method(std::string_view method, bool complete) {
  // The same verdict however the bytes were split: a character that is not a token character is a
  // 400 wherever it comes; an unknown method is a 405 once the token is complete (a space follows),
  // not before: "garbage\r\n" (no space) is a malformed line (400), "FOO /x" a method (405).
  if (!all_of(method, is_tchar)) {
    return bad("ligne de requête mal formée (attendu : MÉTHODE /chemin HTTP/1.1)");
  }
  if (!complete) return std::nullopt;
  if (method.empty())
    return bad("ligne de requête mal formée (attendu : MÉTHODE /chemin HTTP/1.1)");
  if (!parse_method(method)) {
    return Problem(ProblemKind::methode_non_autorisee,
                   "méthode inconnue (acceptées : " + std::string(kAllowedMethods) + ")")
        .header("Allow", std::string(kAllowedMethods));
  }
  return std::nullopt;
}

// A complete request line, CRLF excluded.
// Each query parameter at most once (keys compared decoded): Pistache keeps the first of a
// repeated key and drops the others silently, so `?page=2&page=9` would be half read. Keys that do
// not decode are left to the query's own decoding (400 there).
std::optional<Problem> check_query_keys(std::string_view target) {
  struct Key {
    std::string decoded;
    std::string_view encoded;
  };
  std::vector<Key> keys;
  for (const auto& [encoded, value] : split_query(target)) {
    auto key = domain::percent_decode(encoded);
    if (key && !key->empty()) keys.push_back({std::move(*key), encoded});
  }
  const auto by_decoded = [](const Key& a, const Key& b) { return a.decoded < b.decoded; };
  std::sort(keys.begin(), keys.end(), by_decoded);
  const auto repeated = std::adjacent_find(
      keys.begin(), keys.end(), [](const Key& a, const Key& b) { return a.decoded == b.decoded; });
  if (repeated == keys.end()) return std::nullopt;
  // The problem is JSON: a key that decodes to bytes that are not UTF-8 is named as sent (the
  // target is visible ASCII, checked before).
  const auto& name =
      domain::valid_utf8(repeated->decoded) ? repeated->decoded : std::string(repeated->encoded);
  return invalid_query({{name, "donné plusieurs fois"}});
}

Span span(std::string_view part, std::string_view bytes) {
  return {static_cast<std::uint32_t>(part.data() - bytes.data()),
          static_cast<std::uint32_t>(part.size())};
}

// RFC 9112 §3.2: Host is uri-host [ ":" port ] (RFC 3986: an IP literal in brackets, or a name or
// IPv4 address of unreserved characters, sub-delims and %XX); empty is allowed. The port is at most
// 65535.
bool valid_host(std::string_view value) {
  std::string_view host = value;
  std::string_view port;
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    const auto literal = host.substr(1, close - 1);
    if (literal.empty() || !all_of(literal, [](unsigned char c) {
          return std::isxdigit(c) || c == ':' || c == '.' || c == 'v' || c == 'V';
        })) {
      return false;
    }
    const auto after = host.substr(close + 1);
    if (!after.empty() && after.front() != ':') return false;
    port = after.empty() ? after : after.substr(1);
    if (after.empty()) return true;
  } else {
    const auto colon = host.find(':');
    if (colon != std::string_view::npos) {
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
      if (port.empty()) return true;  // "host:" is allowed (port = *DIGIT)
    }
    const bool name_ok = all_of(host, [](unsigned char c) {
      return std::isalnum(c) || std::string_view("-._~%!$&'()*+,;=").find(static_cast<char>(c)) !=
                                    std::string_view::npos;
    });
    if (!name_ok) return false;
    if (colon == std::string_view::npos) return true;
  }
  if (port.empty() || port.size() > 5 ||
      !all_of(port, [](unsigned char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  unsigned n = 0;
  for (const char c : port) n = n * 10 + static_cast<unsigned>(c - '0');
  return n <= 65535;
}

// A complete request line, CRLF excluded; `bytes` holds it (the layout's offsets are into them).
std::optional<Problem> check_request_line(std::string_view line, std::string_view bytes,
                                          AcceptedHead& layout) {
  // The method first, as a partial line is checked: the same verdict for any split.
  const auto sp1 = line.find(' ');
  if (auto p = check_method(line.substr(0, sp1), sp1 != std::string_view::npos)) return p;
  if (sp1 == std::string_view::npos) {
    return bad("ligne de requête mal formée (attendu : MÉTHODE /chemin HTTP/1.1)");
  }
  const auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) {
    return bad("ligne de requête mal formée (attendu : MÉTHODE /chemin HTTP/1.1)");
  }
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (target.size() > kMaxTargetBytes) return target_too_long();
  if (target.empty() || !all_of(target, is_vchar)) {
    return bad(
        "cible de requête invalide : caractères ASCII visibles seulement (encodez les autres en "
        "%XX)");
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    return bad("version HTTP non prise en charge (HTTP/1.0 ou HTTP/1.1)");
  }
  if (auto p = check_query_keys(target)) return p;
  layout.method = *parse_method(line.substr(0, sp1));  // checked above
  layout.target = span(target, bytes);
  layout.http10 = version == "HTTP/1.0";
  return std::nullopt;
}

// One complete header field line, CRLF excluded, in `bytes`.
std::optional<Problem> check_field(std::string_view line, std::string_view bytes,
                                   HeadFields& fields, AcceptedHead& layout) {
  if (line.front() == ' ' || line.front() == '\t') {
    return bad("ligne d'en-tête repliée (obs-fold) : interdite");
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || !all_of(line.substr(0, colon), is_tchar)) {
    return bad("champ d'en-tête mal formé (attendu : Nom: valeur)");
  }
  const auto name = line.substr(0, colon);
  const auto value = trim_ows(line.substr(colon + 1));
  if (!all_of(value, is_field_char)) {
    return bad("valeur d'en-tête invalide (caractère de contrôle)");
  }
  if (equals_ignoring_case(name, "Content-Length")) {
    if (fields.content_length) return bad("Content-Length en double");
    if (value.empty() || value.size() > 18 ||
        !all_of(value, [](unsigned char c) { return c >= '0' && c <= '9'; })) {
      return bad("Content-Length invalide (un nombre d'octets attendu)");
    }
    std::uint64_t n = 0;
    for (const char c : value) n = n * 10 + static_cast<std::uint64_t>(c - '0');
    fields.content_length = n;
  } else if (equals_ignoring_case(name, "Transfer-Encoding")) {
    fields.transfer_encoding = true;
  } else if (equals_ignoring_case(name, "Expect")) {
    if (!equals_ignoring_case(value, "100-continue")) {
      return Problem(ProblemKind::attente_non_prise_en_charge,
                     "seul « Expect: 100-continue » est pris en charge");
    }
    fields.expect_continue = true;
  } else if (equals_ignoring_case(name, "Host")) {
    if (fields.host) return bad("Host en double");
    if (!valid_host(value)) return bad("Host invalide (attendu : hôte[:port])");
    fields.host = true;
  }
  if (layout.fields.empty()) layout.fields.reserve(8);
  layout.fields.push_back({span(name, bytes), span(value, bytes)});
  return std::nullopt;
}

}  // namespace

std::vector<std::pair<std::string_view, std::string_view>> split_query(std::string_view target) {
  std::vector<std::pair<std::string_view, std::string_view>> parts;
  const auto question = target.find('?');
  if (question == std::string_view::npos) return parts;
  auto query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    parts.emplace_back(part.substr(0, eq),
                       eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1));
  }
  return parts;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
         });
}

HeadScan scan_request_head(std::string_view received, std::uint64_t max_body) {
  return HeadScanner(max_body).scan(received);
}

std::optional<Problem> HeadScanner::check_request_line_prefix(std::string_view received) {
  // A request line so far (complete or not): refuse at once what cannot become one. Each byte is
  // checked once. A complete line goes through here first too, so that the verdict never depends
  // on where the bytes were split.
  const auto partial = received.substr(pos_);
  if (method_end_ == std::string_view::npos) {
    const auto from = searched_ - pos_;  // the method's bytes before this were checked
    const auto sp = partial.find(' ', from);
    const auto fresh = partial.substr(from, sp == std::string_view::npos ? sp : sp - from);
    examined_ += fresh.size();
    if (!all_of(fresh, is_tchar)) {
      return bad("ligne de requête mal formée (attendu : MÉTHODE /chemin HTTP/1.1)");
    }
    if (sp != std::string_view::npos) {
      if (auto p = check_method(partial.substr(0, sp), true)) return p;
      method_end_ = sp;
    }
  }
  if (method_end_ != std::string_view::npos) {
    const auto rest = partial.substr(method_end_ + 1);
    const auto target = rest.substr(0, rest.find(' ', target_checked_));
    if (target.size() > kMaxTargetBytes) return target_too_long();
    if (!all_of(target.substr(std::min(target_checked_, target.size())), is_vchar)) {
      return bad(
          "cible de requête invalide : caractères ASCII visibles seulement (encodez les autres "
          "en %XX)");
    }
    examined_ += target.size() - std::min(target_checked_, target.size());
    target_checked_ = target.size();
  }
  return std::nullopt;
}

HeadScan HeadScanner::scan(std::string_view received) {
  if (!started_) {
    // Empty lines before the request line are ignored (RFC 9112 §2.2).
    while (received.substr(pos_, 2) == "\r\n") pos_ += 2;
    leading_ = pos_;
    if (pos_ > kMaxHeadBytes) return too_large_head();
    if (pos_ == received.size() || received.substr(pos_) == "\r") return NeedMore{};
    started_ = true;
    searched_ = pos_;
  }
  for (;;) {
    // No line end between pos_ and searched_: the search goes on from there.
    const auto eol = received.find('\n', std::max(searched_, pos_));
    if (eol == std::string_view::npos) {
      if (!request_line_) {
        if (auto p = check_request_line_prefix(received)) return *p;
        searched_ = received.size();
        if (received.size() > kMaxHeadBytes) return too_large_head();
        return NeedMore{};
      }
      examined_ += received.size() - std::max(searched_, pos_);
      searched_ = received.size();
      if (received.size() > kMaxHeadBytes) return too_large_head();
      return NeedMore{};
    }
    if (!request_line_) {
      // What a partial line would have been refused for, first (the line without its '\n').
      if (auto p = check_request_line_prefix(received.substr(0, eol))) return *p;
    }
    examined_ += eol + 1 - std::max(searched_, pos_);
    if (eol == pos_ || received[eol - 1] != '\r') return bad("fin de ligne sans CR (CRLF attendu)");
    const auto line = received.substr(pos_, eol - 1 - pos_);
    examined_ += line.size();
    pos_ = eol + 1;
    searched_ = pos_;
    if (!request_line_) {
      if (auto p = check_request_line(line, received, layout_)) return *p;
      request_line_ = true;
      continue;
    }
    if (line.empty()) break;  // the empty line that ends the head
    if (++field_count_ > kMaxHeaderFields) return too_large_head();
    if (auto p = check_field(line, received, fields_, layout_)) return *p;
  }
  const std::size_t length = pos_;
  if (length > kMaxHeadBytes) return too_large_head();
  if (fields_.transfer_encoding) {
    return Problem(ProblemKind::longueur_requise,
                   "Transfer-Encoding n'est pas pris en charge : envoyez le corps avec "
                   "Content-Length");
  }
  const std::uint64_t body = fields_.content_length.value_or(0);
  if (body > max_body_) return body_too_large();
  AcceptedHead head = std::move(layout_);
  layout_ = AcceptedHead{};
  head.length = length;
  head.content_length = body;
  head.expect_continue = fields_.expect_continue && body > 0;
  head.leading = leading_;
  return head;
}

}  // namespace boutique::http
