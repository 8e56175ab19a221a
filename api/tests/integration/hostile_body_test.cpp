// Hostile input, bodies: sizes, truncated JSON, wrong types, huge numbers, invalid UTF-8.
// The fixture and the checks: hostile_fixture.hpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "hostile_fixture.hpp"

namespace boutique::it {
namespace {

// ---- Bodies: size, JSON, types, numbers ---------------------------------------------------------

TEST_F(Hostile, TenMebibyteBodiesAre413OnEveryWriteRoute) {
  const auto before = snapshot();
  const std::string admin = env().admin_token();
  const std::string user = env().user_token();
  const std::string huge = R"({"nom":")" + std::string(10 * kMiB, 'a') + R"("})";
  const std::string nested = std::string(10 * kMiB, '[');
  // Every JSON route, plus one that ignores its body and one that takes none.
  auto targets = json_body_routes(user, admin);
  targets.push_back({"POST", "/api/auth/logout", user, ""});
  targets.push_back({"GET", "/api/produits", "", ""});
  for (const auto& t : targets) {
    for (const auto* body : {&huge, &nested}) {
      const auto t0 = Clock::now();
      Response r;
      try {
        r = env().client().send(
            {.method = t.method, .path = t.path, .body = *body, .bearer = t.bearer});
      } catch (const TransportError& e) {
        ADD_FAILURE() << t.method << " " << t.path << ": no answer to 10 MiB: " << e.what();
        continue;
      }
      EXPECT_EQ(r.status, 413) << t.method << " " << t.path << ": " << r.describe();
      EXPECT_TRUE(IsClientProblem(r)) << t.method << " " << t.path;
      std::printf("[hostile] 10 MiB %s %s: %ld in %.1f ms\n", t.method, t.path, r.status,
                  std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
  }
  // Raw: the whole 10 MiB sent anyway is read and discarded, then end of file.
  RawConnection conn(port());
  conn.send_all(
      "POST /api/produits HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(huge.size()) + "\r\n\r\n");
  std::thread sender([&] {
    try {
      conn.send_all(huge);
    } catch (const std::exception&) {  // fine: the server may close first
    }
  });
  const auto r = conn.read_response(10s);
  sender.join();
  ASSERT_TRUE(r.has_value()) << conn.error();
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(IsClientProblem(*r));
  EXPECT_TRUE(conn.wait_closed(10s));
  expect_unharmed(before, "10 MiB bodies");
}

TEST_F(Hostile, TruncatedJsonOnEveryWriteRouteIs400) {
  const auto before = snapshot();
  const std::string admin = env().admin_token();
  const std::string user = env().user_token();
  size_t sent = 0;
  for (const auto& t : json_body_routes(user, admin)) {
    const std::string& body = t.valid_body;  // cut short at every byte
    for (size_t cut = 1; cut < body.size(); ++cut) {
      const Request req{
          .method = t.method, .path = t.path, .body = body.substr(0, cut), .bearer = t.bearer};
      const Response r = http().send(req);
      ++sent;
      EXPECT_TRUE(IsProblem(r, 400)) << t.method << " " << t.path << " " << body.substr(0, cut);
    }
  }
  std::printf("[hostile] truncated JSON bodies: %zu requests, all 400\n", sent);
  expect_unharmed(before, "truncated JSON");
}

TEST_F(Hostile, WrongTypesHugeNumbersAndBadQuantitiesAre4xx) {
  const auto before = snapshot();
  const std::string admin = env().admin_token();
  const std::string user = env().user_token();
  const nlohmann::json produit = {{"nom", "N"}, {"categorie", "C"}, {"prix", "1.00"}, {"stock", 1}};
  // Raw JSON texts: some of these numbers do not survive a round trip through a JSON library.
  const std::map<std::string, std::vector<std::string>> bad_produit = {
      {"nom",
       {"null", "true", "1", "[]", "{}", R"("")", R"("   ")", '"' + std::string(201, 'n') + '"'}},
      {"categorie", {"null", "0", "[\"a\"]", R"("")", '"' + std::string(101, 'c') + '"'}},
      {"prix",
       {"null", "true", "[]", "{}", "-1", "-0.01", "1.001", "\"1.001\"", "\"abc\"", "\"1e5\"",
        "1e308", "1000000.01", "99999999999999999999999", "-9223372036854775809", "\"NaN\"",
        "\"-0.01\""}},
      {"stock",
       {"null", "\"1\"", "1.5", "-1", "1000001", "2147483648", "18446744073709551615",
        "-9223372036854775808", "1e2", "true"}},
      {"image_url", {"\"javascript:alert(1)\"", "\"/a\\\"><script>\"", "42"}},
      {"pirate", {"1"}}};
  std::vector<Request> requests;
  const auto text_with = [&](const std::string& field, const std::string& raw) {
    auto copy = produit;
    copy.erase(field);
    auto text = copy.dump();
    text.pop_back();
    return text + ",\"" + field + "\":" + raw + "}";
  };
  for (const auto& [field, values] : bad_produit) {
    for (const auto& raw : values) {
      requests.push_back({.method = "POST",
                          .path = "/api/produits",
                          .body = text_with(field, raw),
                          .bearer = admin});
      requests.push_back({.method = "PUT",
                          .path = "/api/produits/1",
                          .body = text_with(field, raw),
                          .bearer = admin});
      requests.push_back({.method = "PATCH",
                          .path = "/api/produits/1",
                          .body = "{\"" + field + "\":" + raw + "}",
                          .bearer = admin});
    }
  }
  for (const char* body : {"1e400", "[]", "\"x\"", "null", "{}", "0", "true"}) {
    requests.push_back({.method = "POST", .path = "/api/produits", .body = body, .bearer = admin});
    requests.push_back(
        {.method = "PATCH", .path = "/api/produits/1", .body = body, .bearer = admin});
    requests.push_back({.method = "POST", .path = "/api/commandes", .body = body, .bearer = user});
    requests.push_back({.method = "POST", .path = "/api/utilisateurs", .body = body});
    requests.push_back({.method = "POST", .path = "/api/auth/login", .body = body});
  }
  const auto ligne = [](const std::string& id, const std::string& quantite) {
    return R"({"lignes":[{"produit_id":)" + id + R"(,"quantite":)" + quantite + "}]}";
  };
  for (const char* q : {"0", "-1", "-2147483649", "1001", "1.5", "\"1\"", "null", "1e400",
                        "2147483648", "18446744073709551616", "[1]", "true"}) {
    requests.push_back(
        {.method = "POST", .path = "/api/commandes", .body = ligne("1", q), .bearer = user});
  }
  for (const char* id : {"0", "-1", "\"1\"", "1.5", "null", "99999999999999999999",
                         "9223372036854775807", "-9223372036854775808", "{}"}) {
    requests.push_back(
        {.method = "POST", .path = "/api/commandes", .body = ligne(id, "1"), .bearer = user});
  }
  std::string many = R"({"lignes":[)";
  for (int i = 0; i < 101; ++i)
    many += std::string(i ? "," : "") + R"({"produit_id":1,"quantite":1})";
  for (const std::string& body :
       {many + "]}",
        std::string(
            R"({"lignes":[{"produit_id":1,"quantite":600},{"produit_id":1,"quantite":600}]})"),
        std::string(R"({"lignes":[]})"), std::string(R"({"lignes":{}})"),
        std::string(R"({"lignes":[{}]})"), std::string(R"({"lignes":[1]})")}) {
    requests.push_back({.method = "POST", .path = "/api/commandes", .body = body, .bearer = user});
  }
  for (const std::string& body :
       {std::string(R"({"nom":null,"email":"a@example.com","password":"0123456789"})"),
        std::string(R"({"nom":"A","email":"pas-une-adresse","password":"0123456789"})"),
        std::string(R"({"nom":"A","email":42,"password":"0123456789"})"),
        std::string(R"({"nom":"A","email":"a@example.com","password":"court"})"),
        std::string(R"({"nom":"A","email":"a@example.com","password":0123456789})"),
        std::string(R"({"nom":"A","email":"a@example.com","password":)") + '"' +
            std::string(1025, 'p') + "\"}",
        std::string(R"({"nom":")") + std::string(10000, 'n') +
            R"(","email":"a@example.com","password":"0123456789"})",
        std::string(R"({"nom":"A","email":")") + std::string(400, 'e') +
            R"(@example.com","password":"0123456789"})"}) {
    requests.push_back({.method = "POST", .path = "/api/utilisateurs", .body = body});
  }
  for (const std::string& body :
       {std::string(R"({"email":1,"password":2})"), std::string(R"({"email":["a"],"password":{}})"),
        std::string(R"({"email":"a@example.com"})")}) {
    requests.push_back({.method = "POST", .path = "/api/auth/login", .body = body});
  }
  expect_all_client_problems(requests, "wrong types");
  std::printf("[hostile] wrong types / huge numbers / bad quantities: %zu requests\n",
              requests.size());
  expect_unharmed(before, "wrong types");
}

TEST_F(Hostile, InvalidUtf8IsRefusedEverywhere) {
  const auto before = snapshot();
  const std::string admin = env().admin_token();
  std::vector<Request> requests;
  for (const std::string& bad :
       {std::string("\xff\xfe"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
        std::string("a\x80"), std::string("\\ud800"), std::string("\xf8\x88\x80\x80\x80")}) {
    requests.push_back({.method = "POST",
                        .path = "/api/produits",
                        .body = R"({"nom":")" + bad + R"(","categorie":"C","prix":1,"stock":1})",
                        .bearer = admin});
    requests.push_back(
        {.method = "POST",
         .path = "/api/utilisateurs",
         .body = R"({"nom":")" + bad + R"(","email":"u8@example.com","password":"0123456789"})"});
    requests.push_back({.method = "POST",
                        .path = "/api/auth/login",
                        .body = R"({"email":"a@example.com","password":")" + bad + "\"}"});
    requests.push_back({.method = "POST",
                        .path = "/api/produits",
                        .body = "{\"" + bad + "\":1}",
                        .bearer = admin});
  }
  for (const char* query :
       {"q=%FF%FE", "categorie=%C0%AF", "q=%ED%A0%80", "categorie=a%80", "q=%F8%88%80%80%80"}) {
    requests.push_back({.path = std::string("/api/produits?") + query});
  }
  requests.push_back({.path = "/api/produits/%FF"});
  expect_all_client_problems(requests, "invalid UTF-8");
  // In headers: an Authorization with invalid bytes is an invalid token; a request id is replaced.
  const Response auth =
      http().send({.path = "/api/auth/moi", .headers = {{"Authorization", "Bearer \xff\xfe\x80"}}});
  EXPECT_TRUE(IsProblem(auth, 401));
  const Response id = http().send({.path = "/healthz", .headers = {{"X-Request-Id", "\xff\xfe"}}});
  EXPECT_EQ(id.status, 200);
  EXPECT_NE(id.header("X-Request-Id").value_or("\xff\xfe"), "\xff\xfe");
  expect_unharmed(before, "invalid UTF-8");
}

}  // namespace
}  // namespace boutique::it
