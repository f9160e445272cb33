// The tokeniser: a sentence (UTF-8 text) -> words and punctuation marks.
//
// Rules, in order of precedence:
//   - The text must be valid UTF-8 (no overlong forms, no surrogates, nothing past
//     U+10FFFF, no truncated sequence); otherwise pe::Error names the byte offset.
//     Nothing is silently replaced.
//   - Separators (never tokens): ASCII whitespace and control characters, U+0085,
//     U+00A0, U+1680, U+2000..U+200B, U+2028, U+2029, U+202F, U+205F, U+2060, U+3000,
//     U+FEFF.
//   - Punctuation: every ASCII character that is not a letter, digit, '_' or a
//     separator; the Latin-1 punctuation and symbols U+00A1..U+00BF (except the
//     letter-like ª µ º and the superscript digits and fractions) and × ÷; General
//     Punctuation U+2010..U+205E; CJK punctuation U+3001..U+3003, U+3008..U+3011,
//     U+3014..U+301F; fullwidth ASCII punctuation. Each mark is a token of its own
//     ("..." is three tokens, "well-known" is "well" "-" "known", "3.14" is "3" "." "14").
//   - Word characters: ASCII letters and digits, '_', and every other code point
//     (letters of any script, combining marks, CJK ideographs, emoji). A run of word
//     characters is one word; there is no segmentation of scripts written without spaces.
//   - Apostrophes: ' (U+0027) and ’ (U+2019) between two word characters belong to the
//     word ("don't", "dog's", "o’clock"); elsewhere they are punctuation. Inside a word
//     ’ is written as ', so "don’t" and "don't" are the same token.
//   - Case: ASCII letters are folded to lower case ("The" and "the" are one token).
//     Other scripts are left as typed (no Unicode case tables): "É" and "é" differ.
// A token's text is its identity: it seeds the token's embedding and decides which
// tokens match between two sentences.
//
// Limits (limits.hpp): at most limits::max_sentence_bytes bytes; at most max_tokens
// tokens (the caller passes the limit of its mode); at least one token.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "pe/limits.hpp"

namespace pe {

struct Token {
  std::string text;        // folded text: lower-case ASCII, ’ -> ' inside words
  std::size_t begin = 0;   // byte offset of the first byte in the sentence
  std::size_t end = 0;     // byte offset one past the last byte
  bool word = true;        // false for a punctuation mark
};

// Splits text into tokens. `what` names the text in error messages ("sentence",
// "compare sentence"). Throws pe::Error: "sentence is empty (no words or punctuation)",
// "sentence has more than 4096 tokens (limit 4096)", "sentence is 2000000 bytes
// (limit 1048576)", "sentence is not valid UTF-8 at byte 12".
std::vector<Token> tokenize(const std::string& text, int max_tokens = limits::max_tokens,
                            const std::string& what = "sentence");

// The texts of tokens, in order.
std::vector<std::string> token_texts(const std::vector<Token>& tokens);

}  // namespace pe
