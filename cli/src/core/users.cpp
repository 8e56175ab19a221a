#include "core/users.hpp"

#include <pwd.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/errors.hpp"

namespace fs = std::filesystem;

namespace boutique::core {

bool is_root() {
  return ::geteuid() == 0;
}

std::optional<UserInfo> lookup_user(const std::string& name) {
  passwd* pw = ::getpwnam(name.c_str());
  if (!pw) return std::nullopt;
  return UserInfo{pw->pw_uid, pw->pw_gid, pw->pw_name};
}

void chown_recursive(const fs::path& p, uid_t uid, gid_t gid) {
  if (::lchown(p.c_str(), uid, gid) != 0)
    throw Error(ExitCode::internal, fmt::format("chown {}: {}", p.string(), std::strerror(errno)));
  if (!fs::is_directory(fs::symlink_status(p))) return;
  for (const auto& e : fs::recursive_directory_iterator(p))
    if (::lchown(e.path().c_str(), uid, gid) != 0)
      throw Error(ExitCode::internal,
                  fmt::format("chown {}: {}", e.path().string(), std::strerror(errno)));
}

}  // namespace boutique::core
