#pragma once
// The client side of every connection's timeouts. PostgreSQL's statement_timeout bounds a query the
// server is running; it does nothing when the server, or the path to it, is gone: after a power
// loss, a partition or a failover that moves the address, a query in flight or the first use of an
// idle connection would wait for TCP to give up (about 15 minutes). TCP keepalives (probes after
// 2 s of silence, every second, 2 unanswered = dead) and tcp_user_timeout (3 s of unacknowledged
// data) turn that into an error within about 4 s, whether the connection is busy or idle. A live
// server answers both at once, however long its query runs (statement_timeout is 5 s).
#include <string>

namespace boutique::db {

inline constexpr const char* kClientTimeouts[][2] = {
    {"keepalives", "1"},       {"keepalives_idle", "2"},     {"keepalives_interval", "1"},
    {"keepalives_count", "2"}, {"tcp_user_timeout", "3000"},
};

// `conninfo` (a libpq URI or key=value string) with the settings above added, as a key=value
// string; a setting the string already has is kept as given. A string libpq cannot parse is
// returned unchanged (connecting reports the error).
std::string with_client_timeouts(const std::string& conninfo);

}  // namespace boutique::db
