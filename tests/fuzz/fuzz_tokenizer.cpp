// libFuzzer target: the tokenizer (pe/tokenizer.hpp) on arbitrary bytes. It must either
// refuse with a pe::Error (invalid UTF-8, too many tokens, too long) or return tokens
// that are non-empty, valid UTF-8 and no more than it was allowed.
#include <cstddef>
#include <cstdint>
#include <string>

#include "pe/error.hpp"
#include "pe/tokenizer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto tokens = pe::tokenize(text, 64, "sentence");
    if (tokens.size() > 64) __builtin_trap();
    for (const auto& t : pe::token_texts(tokens)) {
      if (t.empty()) __builtin_trap();
      pe::tokenize(t, 64, "token");  // a token's text is valid UTF-8 again
    }
  } catch (const pe::Error&) {
  }
  return 0;
}
