// Fuzz target: a raw HTTP request, taken as the server takes it (http::scan_request_head, then
// http::IncomingRequest built from the accepted head's layout and its body, routed by
// http::Router), then decoded the way the handlers do: the path id of /api/produits/:id
// (http::decode_id), the query string of GET /api/produits (http::decode_query, then
// domain::parse_produit_query) and the JSON body (http::decode_json_body, then every write route's
// parser, api_checks.hpp), and the headers the handlers read (Authorization: http::decode_bearer;
// Idempotency-Key: http::decode_idempotency_key). Invariants: a refused head is a 4xx problem; an
// accepted head's layout is the same however its bytes are split, and its parts lie within it (the
// target in the request line, each field's name and value in its line); a rejection is a 400
// problem (415 for a body without JSON Content-Type); an accepted query is within bounds, and its
// canonical form (the cache key) and every URL of its Link header, read back the same way, are
// accepted and give the same filters (links: a page that exists); a bearer token is exactly what
// follows "Bearer " less trailing spaces, and nothing else is one; an Idempotency-Key is accepted
// iff 1-200 visible ASCII characters, unchanged, else a 400 problem.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "api_checks.hpp"
#include "domain/produit_query.hpp"
#include "http/incoming_request.hpp"
#include "http/request.hpp"
#include "http/request_head.hpp"
#include "http/router.hpp"

namespace {

using namespace boutique;
using fuzz::storable;

bool same_span(const http::Span& a, const http::Span& b) {
  return a.begin == b.begin && a.size == b.size;
}

bool same_layout(const http::AcceptedHead& a, const http::AcceptedHead& b) {
  if (a.length != b.length || a.content_length != b.content_length ||
      a.expect_continue != b.expect_continue || a.leading != b.leading || a.method != b.method ||
      !same_span(a.target, b.target) || a.http10 != b.http10 || a.fields.size() != b.fields.size())
    return false;
  for (std::size_t i = 0; i < a.fields.size(); ++i) {
    if (!same_span(a.fields[i].name, b.fields[i].name) ||
        !same_span(a.fields[i].value, b.fields[i].value))
      return false;
  }
  return true;
}

// The parts of an accepted head lie within it: the target in the request line, each field's name
// at the start of a line, its value after the colon, none of them across a line end.
void check_layout(std::string_view raw, const http::AcceptedHead& head) {
  const auto within = [&](const http::Span& s) {
    return s.begin >= head.leading && s.begin + s.size <= head.length &&
           raw.substr(s.begin, s.size).find_first_of("\r\n") == std::string_view::npos;
  };
  FUZZ_CHECK(within(head.target) && head.target.size > 0, "target outside the head");
  FUZZ_CHECK(raw[head.target.begin - 1] == ' ', "target not after the method");
  for (const auto& f : head.fields) {
    FUZZ_CHECK(within(f.name) && within(f.value) && f.name.size > 0, "field outside the head");
    FUZZ_CHECK(raw.substr(f.name.begin - 2, 2) == "\r\n" && raw[f.name.begin + f.name.size] == ':',
               "field name not a line's start");
    FUZZ_CHECK(f.value.begin > f.name.begin + f.name.size, "field value before its name");
  }
}

// What the server does with raw bytes (http::GuardedHandler): scan_request_head first (sizes,
// syntax, Content-Length framing; a refusal is a 4xx problem), then the request is built from the
// accepted head and its body. Nothing when no handler would run: a refusal or an incomplete
// request.
std::optional<http::IncomingRequest> parse_http(std::string_view raw) {
  auto scan = http::scan_request_head(raw, http::kMaxBodyBytes);
  // The guard scans a head as it arrives, in pieces: the verdict must not depend on them.
  {
    http::HeadScanner scanner(http::kMaxBodyBytes);
    const std::size_t piece = raw.empty() ? 1 : static_cast<unsigned char>(raw.back()) % 13 + 1;
    http::HeadScan pieces = http::NeedMore{};
    for (std::size_t end = std::min(piece, raw.size());; end = std::min(end + piece, raw.size())) {
      pieces = scanner.scan(raw.substr(0, end));
      if (!std::holds_alternative<http::NeedMore>(pieces) || end == raw.size()) break;
    }
    FUZZ_CHECK(pieces.index() == scan.index(), "scanning in pieces changes the verdict");
    if (const auto* a = std::get_if<http::AcceptedHead>(&scan)) {
      FUZZ_CHECK(same_layout(*a, std::get<http::AcceptedHead>(pieces)),
                 "scanning in pieces changes the accepted head");
    }
    if (const auto* a = std::get_if<http::Problem>(&scan))
      FUZZ_CHECK(a->status() == std::get<http::Problem>(pieces).status(),
                 "scanning in pieces changes the refusal");
  }
  if (const auto* problem = std::get_if<http::Problem>(&scan)) {
    FUZZ_CHECK(problem->status() >= 400 && problem->status() < 500,
               "head refused with " + std::to_string(problem->status()));
    fuzz::check_problem(*problem, problem->status());
    return std::nullopt;
  }
  if (std::holds_alternative<http::NeedMore>(scan)) return std::nullopt;
  auto& head = std::get<http::AcceptedHead>(scan);
  if (raw.size() - head.length < head.content_length) return std::nullopt;  // body still to come
  check_layout(raw, head);
  const auto length = head.length;
  const auto body = raw.substr(length, static_cast<std::size_t>(head.content_length));
  http::IncomingRequest req(std::string(raw.substr(0, length)), std::move(head));
  req.append_body(body);
  return req;
}

// The :id segment: digits only, 1 ≤ id ≤ INT64_MAX, else a 400 problem naming "id".
void check_id(std::string_view segment) {
  std::optional<std::int64_t> expected;
  if (!segment.empty()) {
    std::int64_t v = 0;
    bool ok = true;
    for (const char c : segment) {
      if (c < '0' || c > '9' || v > (std::numeric_limits<std::int64_t>::max() - (c - '0')) / 10) {
        ok = false;
        break;
      }
      v = v * 10 + (c - '0');
    }
    if (ok && v >= 1) expected = v;
  }
  try {
    const auto id = http::decode_id(segment, "id");
    FUZZ_CHECK(expected && *expected == id, "accepted id " + std::string(segment));
  } catch (const http::Problem& p) {
    const auto body = fuzz::check_problem(p, 400);
    FUZZ_CHECK(!expected, "rejected id " + std::string(segment));
    FUZZ_CHECK(body.contains("errors") && body["errors"].contains("id"), body.dump());
  }
}

domain::ProduitQuery parse_query_or_die(const std::string& target, const std::string& why) {
  const auto req = parse_http("GET " + target + " HTTP/1.1\r\nHost: fuzz\r\n\r\n");
  FUZZ_CHECK(req.has_value(), why + ": the server refuses " + target);
  std::vector<std::pair<std::string, std::string>> params;
  try {
    params = http::decode_query(req->raw_query());
  } catch (const http::Problem&) {
    FUZZ_CHECK(false, why + ": malformed escape in " + target);
  }
  domain::FieldErrors errors;
  auto q = domain::parse_produit_query(params, errors);
  FUZZ_CHECK(errors.empty(), why + ": " + target + " rejected (" +
                                 (errors.empty() ? "" : errors.begin()->first) + ")");
  return q;
}

void check_query(const http::Params& raw) {
  std::vector<std::pair<std::string, std::string>> params;
  try {
    params = http::decode_query(raw);
  } catch (const http::Problem& p) {
    fuzz::check_problem(p, 400);
    return;
  }
  domain::FieldErrors errors;
  const auto q = domain::parse_produit_query(params, errors);
  if (!errors.empty()) return fuzz::check_rejected(errors, 400);

  FUZZ_CHECK(q.page >= 1 && q.page <= 1'000'000, "page");
  FUZZ_CHECK(q.par_page >= 1 && q.par_page <= domain::kMaxParPage, "par_page");
  FUZZ_CHECK(q.offset() == static_cast<long long>(q.page - 1) * q.par_page, "offset");
  FUZZ_CHECK(!q.min_prix || !q.max_prix || *q.min_prix <= *q.max_prix, "min_prix > max_prix");
  for (const auto* text : {&q.q, &q.categorie}) {
    if (!*text) continue;
    FUZZ_CHECK(storable(**text) && !(*text)->empty() && domain::utf8_length(**text) <= 100,
               "search text");
    // LIKE pattern: the term's % _ and \ are escaped, nothing else changes.
    const auto pattern = domain::like_pattern(**text);
    FUZZ_CHECK(pattern.size() >= 2 && pattern.front() == '%' && pattern.back() == '%', pattern);
  }

  // The canonical form (cache key prefix, base of the Link URLs), sent back, is the same query.
  const std::string filters = q.canonical_filters();
  const std::string canonical = "/api/produits?" + filters + (filters.empty() ? "" : "&") +
                                "page=" + std::to_string(q.page) +
                                "&par_page=" + std::to_string(q.par_page);
  FUZZ_CHECK(parse_query_or_die(canonical, "canonical form").cache_key() == q.cache_key(),
             "canonical form reads differently: " + canonical);

  // Every Link URL reads back as the same filters, a page within [1, last].
  for (const long long total :
       {0LL, 1LL, q.offset() + 1, q.offset() + q.par_page + 1, 1'000'000'000'000LL}) {
    const auto links = domain::paging_links("/api/produits", q, total);
    std::size_t pos = 0;
    int count = 0;
    while ((pos = links.find('<', pos)) != std::string::npos) {
      const auto end = links.find('>', pos);
      FUZZ_CHECK(end != std::string::npos, "unterminated link: " + links);
      const auto url = links.substr(pos + 1, end - pos - 1);
      const auto back = parse_query_or_die(url, "Link URL");
      FUZZ_CHECK(back.canonical_filters() == filters && back.par_page == q.par_page,
                 "Link URL changes the query: " + url);
      FUZZ_CHECK(back.page >= 1 &&
                     static_cast<long long>(back.page - 1) * q.par_page <= std::max(0LL, total - 1),
                 "Link URL past the last item: " + url);
      pos = end + 1;
      ++count;
    }
    FUZZ_CHECK(count >= 2 && count <= 4, "first and last links at least: " + links);
  }
}

void check_headers(const http::IncomingRequest& req) {
  const auto auth = req.header("Authorization");
  const auto token = http::decode_bearer(auth);
  if (token) {
    FUZZ_CHECK(auth && auth->starts_with("Bearer ") && auth->size() > 7, "token without Bearer");
    auto rest = auth->substr(7);
    FUZZ_CHECK(rest.starts_with(*token) &&
                   rest.substr(token->size()).find_first_not_of(' ') == std::string::npos,
               "token is not the rest of the header less trailing spaces");
    FUZZ_CHECK(token->empty() || token->back() != ' ', "token ends with a space");
  } else {
    FUZZ_CHECK(!auth || !auth->starts_with("Bearer ") || auth->size() == 7,
               "Bearer header without a token");
  }

  const auto key_header = req.header("Idempotency-Key");
  bool valid = key_header && !key_header->empty() && key_header->size() <= 200;
  if (key_header)
    for (const char c : *key_header) valid = valid && c >= 0x21 && c <= 0x7E;
  try {
    const auto key = http::decode_idempotency_key(key_header);
    FUZZ_CHECK(key ? valid && *key == *key_header : !key_header, "Idempotency-Key accepted");
  } catch (const http::Problem& p) {
    fuzz::check_problem(p, 400);
    FUZZ_CHECK(key_header && !valid, "Idempotency-Key refused");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto req = parse_http(fuzz::text(data, size));
  if (!req) return 0;

  // The item route's pattern, as the route table has it: its one segment is the id.
  static const std::vector<http::RouteDef> kItem = {
      {http::Method::kGet, "/api/produits/:id", nullptr}};
  static const http::Router router(kItem);
  const auto match = router.match(http::Method::kGet, req->path());
  if (match.route == 0) {
    FUZZ_CHECK(match.params.size() == 1 && match.params[0].first == "id", "the :id parameter");
    FUZZ_CHECK(req->path().find(match.params[0].second) != std::string::npos,
               "a parameter that is not a segment of the path");
    check_id(match.params[0].second);
  }

  check_query(req->raw_query());
  check_headers(*req);

  const auto type = req->field("Content-Type");
  fuzz::check_json_body(type, req->body());
  return 0;
}
