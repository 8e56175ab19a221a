// security/crypto: argon2id password hashes with a salt of their own, opaque random tokens, and the
// digest that is the only form a token is stored in (docs/security.md).
#include "security/crypto.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <regex>
#include <set>

using namespace boutique::security;

namespace {

class Crypto : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { init(); }
};

TEST_F(Crypto, PasswordHashIsArgon2idWithInteractiveLimits) {
  const auto hash = hash_password("correct horse battery");
  // $argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>: libsodium's interactive limits (64 MiB, 2
  // passes).
  EXPECT_TRUE(std::regex_match(
      hash,
      std::regex(R"(^\$argon2id\$v=19\$m=65536,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$)")))
      << hash;
  EXPECT_EQ(hash.find("correct horse battery"), std::string::npos);
  EXPECT_EQ(crypto_pwhash_str_needs_rehash(hash.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                           crypto_pwhash_MEMLIMIT_INTERACTIVE),
            0);
}

TEST_F(Crypto, PasswordVerification) {
  const auto hash = hash_password("correct horse battery");
  EXPECT_TRUE(verify_password(hash, "correct horse battery"));
  EXPECT_FALSE(verify_password(hash, "correct horse batterY"));
  EXPECT_FALSE(verify_password(hash, ""));
  EXPECT_FALSE(verify_password("not a hash", "correct horse battery"));
  EXPECT_FALSE(verify_password("", ""));
}

TEST_F(Crypto, SamePasswordGetsADifferentSaltEachTime) {
  const auto a = hash_password("same password");
  const auto b = hash_password("same password");
  EXPECT_NE(a, b);
  EXPECT_TRUE(verify_password(a, "same password"));
  EXPECT_TRUE(verify_password(b, "same password"));
}

TEST_F(Crypto, TokensAre32RandomBytesBase64Url) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto t = random_token();
    ASSERT_TRUE(std::regex_match(t, std::regex("^[A-Za-z0-9_-]{43}$"))) << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 1000U);
}

TEST_F(Crypto, TokenDigestIsBlake2b256Hex) {
  const std::string token = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
  const auto d = token_digest(token);
  EXPECT_TRUE(std::regex_match(d, std::regex("^[0-9a-f]{64}$"))) << d;
  EXPECT_EQ(d, token_digest(token)) << "deterministic: the lookup key of a session";
  EXPECT_NE(d, token_digest(token + "x"));
  EXPECT_EQ(d.find(token), std::string::npos);
  // Known answer: BLAKE2b-256 of the empty string (RFC 7693 parameters, 32-byte output).
  EXPECT_EQ(token_digest(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

TEST_F(Crypto, GeneratedPasswordsUseTheUnambiguousAlphabet) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const auto p = random_password();
    ASSERT_TRUE(std::regex_match(p, std::regex("^[a-hjkmnp-zA-HJ-NP-Z2-9]{20}$"))) << p;
    EXPECT_EQ(p.find_first_of("ilIoO01"), std::string::npos) << p;
    seen.insert(p);
  }
  EXPECT_EQ(seen.size(), 200U);
}

}  // namespace
