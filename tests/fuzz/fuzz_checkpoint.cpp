// libFuzzer target: the checkpoint reader, safetensors_decode then checkpoint_decode, on
// arbitrary bytes (a file a user opens on the page). Anything malformed must be a
// pe::Error, never a crash, an overflow or an allocation past the file's size.
#include <cstddef>
#include <cstdint>
#include <string>

#include "pe/checkpoint.hpp"
#include "pe/error.hpp"
#include "pe/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const pe::StFile file = pe::safetensors_decode(bytes);
    const pe::Checkpoint c = pe::checkpoint_decode(file);
    (void)c;
  } catch (const pe::Error&) {
  }
  return 0;
}
