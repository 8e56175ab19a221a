#pragma once
// Accounts: am I root, who is that user, chown a tree.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace boutique::core {

bool is_root();
struct UserInfo {
  uid_t uid;
  gid_t gid;
  std::string name;
};
std::optional<UserInfo> lookup_user(const std::string& name);
void chown_recursive(const std::filesystem::path& p, uid_t uid, gid_t gid);

}  // namespace boutique::core
