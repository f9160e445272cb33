// The tokeniser's rules are documented in tokenizer.hpp.
#include "pe/tokenizer.hpp"

#include <cstdint>

#include "pe/error.hpp"

namespace pe {

namespace {

enum class Kind { separator, punct, word, apostrophe };

struct CodePoint {
  std::uint32_t cp;
  std::size_t begin, end;  // bytes [begin, end) in the text
};

// Decodes one code point at text[i]; throws on invalid UTF-8, naming the offset of
// the first byte of the bad sequence.
CodePoint decode_at(const std::string& text, std::size_t i, const std::string& what) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  auto bad = [&](std::size_t at) {
    return Error(what + " is not valid UTF-8 at byte " + std::to_string(at));
  };
  if (b0 < 0x80) return {b0, i, i + 1};
  int len;
  std::uint32_t cp, min;
  if ((b0 & 0xE0) == 0xC0) { len = 2; cp = b0 & 0x1F; min = 0x80; }
  else if ((b0 & 0xF0) == 0xE0) { len = 3; cp = b0 & 0x0F; min = 0x800; }
  else if ((b0 & 0xF8) == 0xF0) { len = 4; cp = b0 & 0x07; min = 0x10000; }
  else throw bad(i);
  for (int k = 1; k < len; ++k) {
    if (i + k >= text.size() || (byte(i + k) & 0xC0) != 0x80) throw bad(i);
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) throw bad(i);
  return {cp, i, i + static_cast<std::size_t>(len)};
}

bool in(std::uint32_t c, std::uint32_t lo, std::uint32_t hi) { return c >= lo && c <= hi; }

Kind kind_of(std::uint32_t c) {
  if (c < 0x80) {
    if (c <= 0x20 || c == 0x7F) return Kind::separator;
    if (c == '\'') return Kind::apostrophe;
    if (in(c, 'a', 'z') || in(c, 'A', 'Z') || in(c, '0', '9') || c == '_') return Kind::word;
    return Kind::punct;
  }
  if (c == 0x85 || c == 0xA0 || c == 0x1680 || in(c, 0x2000, 0x200B) || c == 0x2028 || c == 0x2029 ||
      c == 0x202F || c == 0x205F || c == 0x2060 || c == 0x3000 || c == 0xFEFF)
    return Kind::separator;
  if (in(c, 0x80, 0x9F)) return Kind::separator;  // C1 controls
  if (c == 0x2019) return Kind::apostrophe;
  if (in(c, 0xA1, 0xBF))  // Latin-1 punctuation and symbols, minus letter-like ones
    return (c == 0xAA || c == 0xB2 || c == 0xB3 || c == 0xB5 || c == 0xB9 || c == 0xBA || in(c, 0xBC, 0xBE))
               ? Kind::word
               : Kind::punct;
  if (c == 0xD7 || c == 0xF7) return Kind::punct;
  if (in(c, 0x2010, 0x205E)) return Kind::punct;  // General Punctuation
  if (in(c, 0x3001, 0x3003) || in(c, 0x3008, 0x3011) || in(c, 0x3014, 0x301F)) return Kind::punct;
  if (in(c, 0xFF01, 0xFF0F) || in(c, 0xFF1A, 0xFF20) || in(c, 0xFF3B, 0xFF40) || in(c, 0xFF5B, 0xFF65))
    return Kind::punct;  // fullwidth ASCII punctuation
  return Kind::word;
}

}  // namespace

std::vector<Token> tokenize(const std::string& text, int max_tokens, const std::string& what) {
  require(text.size() <= limits::max_sentence_bytes,
          what + " is " + std::to_string(text.size()) + " bytes (limit " +
              std::to_string(limits::max_sentence_bytes) + ")");
  // Decode everything first: invalid UTF-8 is reported even past the token limit.
  std::vector<CodePoint> cps;
  std::vector<Kind> kinds;
  for (std::size_t i = 0; i < text.size();) {
    CodePoint c = decode_at(text, i, what);
    cps.push_back(c);
    kinds.push_back(kind_of(c.cp));
    i = c.end;
  }
  const std::size_t count = cps.size();
  std::vector<Token> out;
  auto push = [&](Token t) {
    require(static_cast<int>(out.size()) < max_tokens,
            what + " has more than " + std::to_string(max_tokens) + " tokens (limit " +
                std::to_string(max_tokens) + ")");
    out.push_back(std::move(t));
  };
  for (std::size_t i = 0; i < count;) {
    const Kind k = kinds[i];
    if (k == Kind::separator) { ++i; continue; }
    if (k == Kind::punct || k == Kind::apostrophe) {  // an apostrophe not inside a word
      push({text.substr(cps[i].begin, cps[i].end - cps[i].begin), cps[i].begin, cps[i].end, false});
      ++i;
      continue;
    }
    Token t;
    t.begin = cps[i].begin;
    while (i < count) {
      if (kinds[i] == Kind::word) {
        if (cps[i].cp < 0x80) t.text += static_cast<char>(in(cps[i].cp, 'A', 'Z') ? cps[i].cp + 32 : cps[i].cp);
        else t.text.append(text, cps[i].begin, cps[i].end - cps[i].begin);
        ++i;
      } else if (kinds[i] == Kind::apostrophe && i + 1 < count && kinds[i + 1] == Kind::word) {
        t.text += '\'';  // the left side is a word character: we are inside the word
        ++i;
      } else {
        break;
      }
    }
    t.end = cps[i - 1].end;
    push(std::move(t));
  }
  require(!out.empty(), what + " is empty (no words or punctuation)");
  return out;
}

std::vector<std::string> token_texts(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  out.reserve(tokens.size());
  for (const auto& t : tokens) out.push_back(t.text);
  return out;
}

}  // namespace pe
