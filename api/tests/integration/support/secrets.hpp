// Every secret an integration test run handles — account passwords that the API accepted, every
// token it issued, the password in DATABASE_URL — is written down, one file per test process, in
// <work dir>/secrets/. After the run, secret_scan.sh greps every log of the run for them: no secret
// may appear in a log line (docs/security.md).
#pragma once

#include <string>
#include <string_view>

namespace boutique::it {

struct Request;
struct Response;

// Appends `value` (kind: "password", "token", "database-password", …) to this process's file.
// Values shorter than 8 characters are refused (they could match ordinary log text).
void record_secret(std::string_view kind, std::string_view value);

// Called by HttpClient after every exchange: records the token of a login or registration
// response and the password of a login or registration that the API accepted.
void observe_exchange(const Request& request, const Response& response);

}  // namespace boutique::it
