#pragma once
// Everything secret goes through libsodium: argon2id password hashes, random tokens, token digests.
#include <string>
#include <string_view>

namespace boutique::security {

// Initialises libsodium; call once before any thread starts. Throws on failure.
void init();

// argon2id (crypto_pwhash_str, interactive limits).
std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);
// True when `hash` was made with other parameters than hash_password's (older, weaker limits): the
// login that just verified it stores a new hash.
bool needs_rehash(const std::string& hash);
// Spends the time of one verification, for unknown accounts (no timing oracle on emails).
void verify_dummy(std::string_view password);

// 32 random bytes, base64url without padding (43 characters).
std::string random_token();
// BLAKE2b-256 of a token, hex: the only form a token is stored in.
std::string token_digest(std::string_view token);
// A readable random password (20 characters from an unambiguous alphabet).
std::string random_password();
// 16 hex characters, for request ids: unique and unpredictable enough for correlating logs, not a
// secret (a per-thread generator seeded once from the system's CSPRNG: no syscall per request).
std::string random_id();

}  // namespace boutique::security
