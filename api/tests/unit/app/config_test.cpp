#include "app/config.hpp"

#include <map>
#include <string>

#include <gtest/gtest.h>

namespace boutique::app {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST(UsableCpus, AQuotaCapsTheAffinityRoundedUp) {
  EXPECT_EQ(usable_cpus(8, "max 100000\n"), 8u);
  EXPECT_EQ(usable_cpus(8, "150000 100000\n"), 2u);
  EXPECT_EQ(usable_cpus(8, "100000 100000\n"), 1u);
  EXPECT_EQ(usable_cpus(8, "50000 100000\n"), 1u) << "half a CPU is still one thread";
  EXPECT_EQ(usable_cpus(2, "400000 100000\n"), 2u) << "a quota above the affinity changes nothing";
}

TEST(UsableCpus, NoOrUnreadableQuotaLeavesTheAffinity) {
  EXPECT_EQ(usable_cpus(4, ""), 4u) << "cgroup v1, or no cgroup file";
  EXPECT_EQ(usable_cpus(4, "garbage"), 4u);
  EXPECT_EQ(usable_cpus(4, "100000 0\n"), 4u);
  EXPECT_EQ(usable_cpus(4, "-1 100000\n"), 4u);
  EXPECT_EQ(usable_cpus(0, "max 100000\n"), 1u);
}

TEST(UsableCpus, ThisProcessHasAtLeastOne) {
  EXPECT_GE(usable_cpus(), 1u);
}

TEST(ConfigDefaults, HalfTheCpusAreNetworkThreadsTheWorkersFollowTheCpus) {
  const auto two = load_config(env_of({}), 2);
  EXPECT_EQ(two.threads, 1u);
  EXPECT_EQ(two.workers, 4u);
  EXPECT_EQ(two.hash_workers, 1u);
  EXPECT_EQ(two.db_pool, 5u);

  const auto one = load_config(env_of({}), 1);
  EXPECT_EQ(one.threads, 1u);
  EXPECT_EQ(one.workers, 3u);
  EXPECT_EQ(one.hash_workers, 1u);

  const auto eight = load_config(env_of({}), 8);
  EXPECT_EQ(eight.threads, 4u);
  EXPECT_EQ(eight.workers, 10u);
  EXPECT_EQ(eight.hash_workers, 4u);
  EXPECT_EQ(eight.db_pool, 14u);
}

TEST(ConfigDefaults, SettingsOverrideTheDefaults) {
  const auto c = load_config(
      env_of(
          {{"BOUTIQUE_THREADS", "3"}, {"BOUTIQUE_WORKERS", "7"}, {"BOUTIQUE_HASH_WORKERS", "2"}}),
      2);
  EXPECT_EQ(c.threads, 3u);
  EXPECT_EQ(c.workers, 7u);
  EXPECT_EQ(c.hash_workers, 2u);
  EXPECT_EQ(c.db_pool, 9u);
  EXPECT_THROW(load_config(env_of({{"BOUTIQUE_THREADS", "0"}}), 2), ConfigError);
}

TEST(ConfigDefaults, WorkersRunTenNiceStepsBelowUnlessTold) {
  EXPECT_EQ(load_config(env_of({}), 2).worker_nice, 10);
  EXPECT_EQ(load_config(env_of({{"BOUTIQUE_WORKER_NICE", "0"}}), 2).worker_nice, 0);
  EXPECT_EQ(load_config(env_of({{"BOUTIQUE_WORKER_NICE", "19"}}), 2).worker_nice, 19);
  EXPECT_THROW(load_config(env_of({{"BOUTIQUE_WORKER_NICE", "20"}}), 2), ConfigError);
  EXPECT_THROW(load_config(env_of({{"BOUTIQUE_WORKER_NICE", "-5"}}), 2), ConfigError);
}

}  // namespace
}  // namespace boutique::app
