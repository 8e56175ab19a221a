#pragma once
// Outputs of the real programs (podman, docker, docker-compose), recorded on this machine by
// cli/tests/fixtures/containers/record.sh: NAME.out, NAME.err and NAME.rc. The compose and build
// tests replay them through the FakeRunner, so the parsers see exactly what the programs print.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/process.hpp"

namespace boutique::fake {

inline std::string fixture_text(const std::string& file) {
  std::filesystem::path p =
      std::filesystem::path(BOUTIQUE_SOURCE_DIR) / "cli/tests/fixtures/containers" / file;
  std::ifstream in(p);
  if (!in) ADD_FAILURE() << "missing fixture " << p;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline core::Result recorded(const std::string& name) {
  core::Result r;
  r.out = fixture_text(name + ".out");
  r.err = fixture_text(name + ".err");
  r.exit_code = std::atoi(fixture_text(name + ".rc").c_str());
  return r;
}

}  // namespace boutique::fake
