// IncomingRequest: a request built from the head scan's layout, as handlers read it.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "http/incoming_request.hpp"
#include "http/request_head.hpp"

namespace boutique::http {
namespace {

IncomingRequest request(const std::string& bytes) {
  auto scan = scan_request_head(bytes, 1024 * 1024);
  auto* head = std::get_if<AcceptedHead>(&scan);
  if (head == nullptr) {
    ADD_FAILURE() << "not accepted: " << bytes;
    return IncomingRequest(bytes, AcceptedHead{});
  }
  const auto length = head->length;
  IncomingRequest req(bytes.substr(0, length), std::move(*head));
  req.append_body(std::string_view(bytes).substr(length));
  return req;
}

TEST(IncomingRequest, ReadsTheRequestLine) {
  const auto get = request("GET /api/produits?q=a%20b&page=2 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(get.method(), Method::kGet);
  EXPECT_FALSE(get.http10());
  EXPECT_EQ(get.path(), "/api/produits");
  EXPECT_EQ(get.target(), "/api/produits?q=a%20b&page=2");
  const auto head = request("\r\n\r\nHEAD /healthz HTTP/1.0\r\n\r\n");
  EXPECT_EQ(head.method(), Method::kHead) << "after leading empty lines";
  EXPECT_TRUE(head.http10());
  EXPECT_EQ(head.path(), "/healthz");
  for (const auto& [line, method] :
       std::vector<std::pair<std::string, Method>>{{"POST", Method::kPost},
                                                   {"PUT", Method::kPut},
                                                   {"PATCH", Method::kPatch},
                                                   {"DELETE", Method::kDelete},
                                                   {"OPTIONS", Method::kOptions}}) {
    EXPECT_EQ(request(line + " /x HTTP/1.1\r\n\r\n").method(), method) << line;
  }
}

TEST(IncomingRequest, QueryParametersAsSent) {
  const auto req = request("GET /x?a=1&b&c=&=v&&d=%26 HTTP/1.1\r\n\r\n");
  auto params = req.raw_query();
  std::sort(params.begin(), params.end());
  const Params expected = {{"", "v"}, {"a", "1"}, {"b", ""}, {"c", ""}, {"d", "%26"}};
  EXPECT_EQ(params, expected);
  EXPECT_TRUE(request("GET /x HTTP/1.1\r\n\r\n").raw_query().empty());
  EXPECT_TRUE(request("GET /x? HTTP/1.1\r\n\r\n").raw_query().empty());
}

TEST(IncomingRequest, HeaderFieldsByNameWithoutCase) {
  const auto req = request(
      "GET / HTTP/1.1\r\nHost: shop\r\nX-Request-Id:   abc  \r\nAUTHORIZATION: Bearer t\r\n"
      "X-Empty:\r\nX-Twice: first\r\nx-twice: second\r\n\r\n");
  EXPECT_EQ(req.field("host"), "shop");
  EXPECT_EQ(req.header("x-request-id"), "abc") << "whitespace around the value dropped";
  EXPECT_EQ(req.header("Authorization"), "Bearer t");
  EXPECT_EQ(req.header("X-Empty"), "");
  EXPECT_EQ(req.header("X-Twice"), "first") << "the first of a repeated field";
  EXPECT_FALSE(req.header("Cookie").has_value());
  EXPECT_FALSE(req.header("Hos").has_value());
}

TEST(IncomingRequest, BodyAndPathParameters) {
  auto req = request("POST /api/commandes HTTP/1.1\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
  EXPECT_EQ(req.body(), "{\"a\":1}");
  req.set_path_params({{"id", "12"}});
  EXPECT_EQ(req.path_param("id"), "12");
  EXPECT_EQ(req.path_param("other"), "");
}

TEST(IncomingRequest, MovesKeepItsParts) {
  // The parts are offsets into the request's own bytes, not views of the bytes it was built from.
  auto first = request("GET /a?k=v HTTP/1.1\r\nH: 1\r\n\r\n");
  IncomingRequest moved = std::move(first);
  EXPECT_EQ(moved.path(), "/a");
  EXPECT_EQ(moved.field("H"), "1");
  EXPECT_EQ(moved.raw_query(), (Params{{"k", "v"}}));
}

}  // namespace
}  // namespace boutique::http
