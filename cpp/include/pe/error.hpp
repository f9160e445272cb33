// pe::Error: the one exception type for bad input.
// Its message is one line that names the problem; the CLI prints it and exits 2,
// the WASM module rethrows it as a JS Error with the same message.
#pragma once
#include <stdexcept>
#include <string>

namespace pe {

struct Error : std::runtime_error {
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

// Throws pe::Error(message) when ok is false.
inline void require(bool ok, const std::string& message) {
  if (!ok) throw Error(message);
}

}  // namespace pe
