// Generic HTTP behaviour: 404/405/413/400/415 as problem+json, X-Request-Id, and CORS for the
// configured origins only.
#include <gtest/gtest.h>

#include <set>

#include "support/api_test.hpp"
#include "support/raw_http.hpp"

namespace boutique::it {
namespace {

std::set<std::string> header_list(const std::string& value) {
  std::set<std::string> items;
  size_t start = 0;
  while (start <= value.size()) {
    auto end = value.find(',', start);
    if (end == std::string::npos) end = value.size();
    std::string item = value.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    for (auto& c : item) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!item.empty()) items.insert(item);
    start = end + 1;
  }
  return items;
}

class ErreursHttp : public ApiTest<ErreursHttp> {};

TEST_F(ErreursHttp, UnknownPathIs404Problem) {
  for (const char* path : {"/api/nope", "/nope", "/api/produits/1/extra", "/api"}) {
    EXPECT_TRUE(IsProblem(http().get(path), 404)) << path;
  }
  EXPECT_TRUE(IsProblem(http().post("/api/nope", nlohmann::json::object()), 404));
}

TEST_F(ErreursHttp, WrongMethodIs405WithAllow) {
  struct Case {
    const char* method;
    const char* path;
    std::set<std::string> allow;
  };
  const std::vector<Case> cases = {
      {"DELETE", "/api/categories", {"get"}},
      {"PUT", "/api/produits", {"get", "post"}},
      {"POST", "/api/produits/1", {"get", "put", "patch", "delete"}},
      {"POST", "/healthz", {"get"}},
      {"DELETE", "/api/commandes", {"get", "post"}},
      {"GET", "/api/auth/login", {"post"}},
      {"PATCH", "/api/utilisateurs", {"get", "post"}},
  };
  for (const auto& c : cases) {
    const Response r = http().send({.method = c.method, .path = c.path});
    EXPECT_TRUE(IsProblem(r, 405)) << c.method << " " << c.path;
    const auto allow = header_list(r.header("Allow").value_or(""));
    for (const auto& m : c.allow) {
      EXPECT_TRUE(allow.count(m)) << c.method << " " << c.path << ": Allow lacks " << m << ": "
                                  << r.header("Allow").value_or("<no Allow header>");
    }
  }
}

TEST_F(ErreursHttp, BodyOverOneMebibyteIs413) {
  constexpr size_t kMiB = 1024 * 1024;
  auto body_of_size = [](size_t size) {
    const std::string head = R"({"nom":"Gros","categorie":"X","prix":-1,"stock":1,"description":")";
    const std::string tail = R"("})";
    return head + std::string(size - head.size() - tail.size(), 'a') + tail;
  };
  const Request at_limit{.method = "POST",
                         .path = "/api/produits",
                         .body = body_of_size(kMiB),
                         .bearer = env().admin_token()};
  const Response ok = http().send(at_limit);
  EXPECT_NE(ok.status, 413) << "exactly 1 MiB is not over the limit";
  EXPECT_TRUE(IsFieldProblem(ok, 422, {"prix"})) << "the body was read and validated";

  Request over = at_limit;
  over.body = body_of_size(kMiB + 1);
  EXPECT_TRUE(IsProblem(http().send(over), 413));
  const Request anonymous{
      .method = "POST", .path = "/api/auth/login", .body = body_of_size(2 * kMiB)};
  EXPECT_TRUE(IsProblem(http().send(anonymous), 413)) << "the limit applies before anything else";
  EXPECT_EQ(http().get("/healthz").status, 200) << "still serving";
}

TEST_F(ErreursHttp, HeadIs405WithoutABody) {
  // docs/api.md: HEAD is not derived from GET. A response to HEAD must not carry content
  // (RFC 9110 §9.3.2): a keep-alive client would read it as the start of the next response.
  RawConnection conn(env().process().port());
  conn.send_all("HEAD /api/produits HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
  const auto head = conn.read_response(std::chrono::seconds(5), /*to_head=*/true);
  ASSERT_TRUE(head.has_value()) << conn.error();
  EXPECT_EQ(head->status, 405) << head->head;
  EXPECT_NE(head->head.find("GET"), std::string::npos) << "Allow names GET: " << head->head;
  conn.send_all("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
  const auto next = conn.read_response(std::chrono::seconds(5));
  ASSERT_TRUE(next.has_value()) << "the next response on the connection is garbled: "
                                << conn.error();
  EXPECT_EQ(next->status, 200) << next->head;
}

TEST_F(ErreursHttp, HugeBodyIsRefusedAndTheServerLivesOn) {
  // Over 4 MiB the HTTP layer itself answers 413 (plain text, docs/api.md).
  const Request huge{.method = "POST",
                     .path = "/api/auth/login",
                     .body = R"({"email":")" + std::string(5 * 1024 * 1024, 'a') + R"("})"};
  try {
    const Response r = http().send(huge);
    EXPECT_EQ(r.status, 413) << r.describe();
  } catch (const TransportError& e) {
    ADD_FAILURE() << "no 413 answer to a 5 MiB body: " << e.what();
  }
  EXPECT_EQ(env().client().get("/healthz").status, 200);
  EXPECT_TRUE(env().process().running());
}

TEST_F(ErreursHttp, DeeplyNestedJsonIs400) {
  auto nested = [](int depth) {  // depth counts the outer object
    return R"({"email":)" + std::string(static_cast<size_t>(depth - 1), '[') +
           std::string(static_cast<size_t>(depth - 1), ']') + "}";
  };
  const Request shallow{.method = "POST", .path = "/api/auth/login", .body = nested(64)};
  EXPECT_TRUE(IsProblem(http().send(shallow), 422)) << "64 levels are allowed (then invalid)";
  const Request deep{.method = "POST", .path = "/api/auth/login", .body = nested(66)};
  EXPECT_TRUE(IsProblem(http().send(deep), 400)) << "deeper than 64 levels";
  const Request bomb{.method = "POST", .path = "/api/auth/login", .body = nested(100000)};
  EXPECT_TRUE(IsProblem(http().send(bomb), 400)) << "no stack overflow on deep nesting";
  EXPECT_TRUE(env().process().running());
}

TEST_F(ErreursHttp, MalformedPercentEscapeIs400) {
  for (const char* query : {"q=%zz", "q=abc%4", "categorie=%", "q=%00"}) {
    const Response r = http().get(std::string("/api/produits?") + query);
    if (std::string(query) == "q=%00") {
      EXPECT_TRUE(r.status == 200 || IsProblem(r, 400)) << query << ": " << r.describe();
    } else {
      EXPECT_TRUE(IsProblem(r, 400)) << query;
    }
  }
}

TEST_F(ErreursHttp, MalformedJsonIs400) {
  const auto user = env().user_token();
  const auto admin = env().admin_token();
  for (const auto& t : json_body_routes(user, admin)) {
    for (const char* bad : {R"({"email": "a@b.c", "password": )", "pas du json", "{'a': 1}", ""}) {
      const Request req{.method = t.method, .path = t.path, .body = bad, .bearer = t.bearer};
      EXPECT_TRUE(IsProblem(http().send(req), 400))
          << t.method << " " << t.path << " body: " << bad;
    }
  }
}

TEST_F(ErreursHttp, NonJsonContentTypeIs415) {
  const std::string body = R"({"email": "x@example.com", "password": "0123456789"})";
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "application/xml"}) {
    const Request req{
        .method = "POST", .path = "/api/auth/login", .body = body, .content_type = type};
    EXPECT_TRUE(IsProblem(http().send(req), 415)) << type;
  }
  const Request with_charset{.method = "POST",
                             .path = "/api/auth/login",
                             .body = body,
                             .content_type = "application/json; charset=utf-8"};
  EXPECT_TRUE(IsProblem(http().send(with_charset), 401)) << "a JSON type with parameters is JSON";
}

TEST_F(ErreursHttp, EveryResponseCarriesARequestId) {
  const Response sane =
      http().send({.path = "/api/categories", .headers = {{"X-Request-Id", "it-req-42"}}});
  EXPECT_EQ(sane.header("X-Request-Id"), "it-req-42");
  for (const char* path : {"/healthz", "/api/produits", "/api/nope", "/api/produits/abc"}) {
    const Response r = http().get(path);
    EXPECT_FALSE(r.header("X-Request-Id").value_or("").empty()) << path << ": " << r.describe();
  }
  const Response r1 = http().get("/healthz");
  const Response r2 = http().get("/healthz");
  EXPECT_NE(r1.header("X-Request-Id"), r2.header("X-Request-Id")) << "generated ids are unique";
  const std::string insane = "a b\"<script>" + std::string(300, 'x');
  const Response replaced =
      http().send({.path = "/healthz", .headers = {{"X-Request-Id", insane}}});
  EXPECT_NE(replaced.header("X-Request-Id").value_or(insane), insane);
  EXPECT_FALSE(replaced.header("X-Request-Id").value_or("").empty());
}

TEST_F(ErreursHttp, NoCorsHeadersWhenNoOriginConfigured) {
  const Response r =
      http().send({.path = "/api/produits", .headers = {{"Origin", "http://localhost:5173"}}});
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.has_header("Access-Control-Allow-Origin")) << r.describe();
}

class Cors : public ApiTest<Cors> {
 public:
  static SuiteOptions suite_options() {
    return {.cors_origins = "http://allowed.example,http://localhost:5173"};
  }

 protected:
  Response from(const std::string& origin, Request req) {
    req.headers.emplace_back("Origin", origin);
    return http().send(req);
  }
};

TEST_F(Cors, AllowedOriginsGetTheHeader) {
  for (const char* origin : {"http://allowed.example", "http://localhost:5173"}) {
    const Response r = from(origin, {.path = "/api/produits"});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Access-Control-Allow-Origin"), origin) << r.describe();
  }
}

TEST_F(Cors, OtherOriginsGetNothing) {
  for (const char* origin : {"http://evil.example", "http://allowed.example.evil.com", "null"}) {
    const Response r = from(origin, {.path = "/api/produits"});
    EXPECT_EQ(r.status, 200) << "CORS is enforced by browsers; the response is still served";
    EXPECT_FALSE(r.has_header("Access-Control-Allow-Origin")) << origin << ": " << r.describe();
  }
  EXPECT_FALSE(http().get("/api/produits").has_header("Access-Control-Allow-Origin"));
}

TEST_F(Cors, PreflightForAllowedOrigin) {
  const Response r = from("http://allowed.example",
                          {.method = "OPTIONS",
                           .path = "/api/commandes",
                           .headers = {{"Access-Control-Request-Method", "POST"},
                                       {"Access-Control-Request-Headers",
                                        "authorization, content-type, idempotency-key"}}});
  EXPECT_TRUE(r.status == 204 || r.status == 200) << r.describe();
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "http://allowed.example") << r.describe();
  EXPECT_TRUE(header_list(r.header("Access-Control-Allow-Methods").value_or("")).count("post"))
      << r.describe();
  const auto headers = header_list(r.header("Access-Control-Allow-Headers").value_or(""));
  for (const char* h : {"authorization", "content-type", "idempotency-key"}) {
    EXPECT_TRUE(headers.count(h) || headers.count("*")) << h << ": " << r.describe();
  }
  const Response evil =
      from("http://evil.example", {.method = "OPTIONS",
                                   .path = "/api/commandes",
                                   .headers = {{"Access-Control-Request-Method", "POST"}}});
  EXPECT_FALSE(evil.has_header("Access-Control-Allow-Origin")) << evil.describe();
}

TEST_F(Cors, ErrorResponsesAreReadableByAllowedOrigins) {
  const Response r =
      from("http://allowed.example", {.method = "POST", .path = "/api/commandes", .body = "{}"});
  EXPECT_TRUE(IsProblem(r, 401));
  EXPECT_EQ(r.header("Access-Control-Allow-Origin"), "http://allowed.example")
      << "the frontend must be able to read problems too";
}

}  // namespace
}  // namespace boutique::it
