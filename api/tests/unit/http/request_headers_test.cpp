// The request headers the handlers read: Authorization (decode_bearer) and Idempotency-Key
// (decode_idempotency_key).
#include <gtest/gtest.h>

#include <string>

#include "http/problem.hpp"
#include "http/request.hpp"

namespace boutique::http {
namespace {

TEST(Authorization, BearerTokenWithoutTrailingSpaces) {
  EXPECT_EQ(decode_bearer("Bearer abc"), "abc");
  EXPECT_EQ(decode_bearer("Bearer abc   "), "abc");
  EXPECT_EQ(decode_bearer("Bearer a b"), "a b");
  EXPECT_EQ(decode_bearer("Bearer  "), "");  // an empty token: no session has it (401)
}

TEST(Authorization, OtherSchemesAndAbsenceAreNoToken) {
  EXPECT_FALSE(decode_bearer(std::nullopt));
  for (const char* h :
       {"", "Bearer", "Bearer ", "bearer abc", "Basic YTpi", "Bearerabc", " Bearer x"})
    EXPECT_FALSE(decode_bearer(h)) << h;
  const std::string with_nul("Bearer a\0b", 10);
  EXPECT_EQ(decode_bearer(with_nul), std::string("a\0b", 3));  // hashed, never parsed
}

TEST(IdempotencyKey, VisibleAsciiUpTo200) {
  EXPECT_FALSE(decode_idempotency_key(std::nullopt));
  EXPECT_EQ(decode_idempotency_key("cmd-2026-11-26_01"), "cmd-2026-11-26_01");
  EXPECT_EQ(decode_idempotency_key(std::string(200, 'k')), std::string(200, 'k'));
  EXPECT_EQ(decode_idempotency_key("!~"), "!~");
}

TEST(IdempotencyKey, AnythingElseIs400) {
  const std::string nul("a\0b", 3);
  for (const std::string& h : {std::string(), std::string(201, 'k'), std::string("a b"),
                               std::string("clé"), std::string("a\tb"), nul, std::string("\x7f")}) {
    try {
      decode_idempotency_key(h);
      ADD_FAILURE() << "accepted: " << h;
    } catch (const Problem& p) {
      EXPECT_EQ(p.status(), 400);
      EXPECT_NE(p.detail().find("Idempotency-Key"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace boutique::http
