#pragma once

namespace boutique::build {

// The project version (CMake project() VERSION), e.g. "0.1.0".
const char* version() noexcept;
// The git commit the binary was built from ("abc123def456", "...-dirty", or "unknown").
const char* commit() noexcept;

}  // namespace boutique::build
