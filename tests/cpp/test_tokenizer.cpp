// The tokeniser's documented rules (tokenizer.hpp): words and punctuation, case,
// apostrophes, Unicode, byte offsets, and every refusal with its message.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "pe/error.hpp"
#include "pe/limits.hpp"
#include "pe/tokenizer.hpp"

namespace {
using Texts = std::vector<std::string>;
Texts texts(const std::string& s) { return pe::token_texts(pe::tokenize(s)); }
}  // namespace

TEST_CASE("tokenizer splits words and punctuation and folds ASCII case") {
  CHECK(texts("The dog chased the cat.") == Texts{"the", "dog", "chased", "the", "cat", "."});
  CHECK(texts("Hello,world!") == Texts{"hello", ",", "world", "!"});
  CHECK(texts("THE The the") == Texts{"the", "the", "the"});
  CHECK(texts("well-known") == Texts{"well", "-", "known"});
  CHECK(texts("3.14 is pi...") == Texts{"3", ".", "14", "is", "pi", ".", ".", "."});
  CHECK(texts("snake_case x2") == Texts{"snake_case", "x2"});
  CHECK(texts("  spaced\tout\r\nline  ") == Texts{"spaced", "out", "line"});
  CHECK(texts("a") == Texts{"a"});
}

TEST_CASE("tokenizer keeps apostrophes inside words only") {
  CHECK(texts("don't stop") == Texts{"don't", "stop"});
  CHECK(texts("the dog's bone") == Texts{"the", "dog's", "bone"});
  CHECK(texts("don\xE2\x80\x99t") == Texts{"don't"});  // U+2019 inside a word becomes '
  CHECK(texts("'quoted'") == Texts{"'", "quoted", "'"});
  CHECK(texts("dogs' bones") == Texts{"dogs", "'", "bones"});
  CHECK(texts("\xE2\x80\x99tis") == Texts{"\xE2\x80\x99", "tis"});  // leading: punctuation, as typed
}

TEST_CASE("tokenizer treats non-ASCII letters as word characters") {
  CHECK(texts("Caf\xC3\xA9 na\xC3\xAFve") == Texts{"caf\xC3\xA9", "na\xC3\xAFve"});
  CHECK(texts("CAF\xC3\x89") == Texts{"caf\xC3\x89"});  // only ASCII is folded: É stays
  CHECK(texts("\xD0\x9C\xD0\xB8\xD1\x80 \xCE\xB1\xCE\xB2") == Texts{"\xD0\x9C\xD0\xB8\xD1\x80", "\xCE\xB1\xCE\xB2"});
  // 日本語です。: one word (no segmentation) and the ideographic full stop.
  CHECK(texts("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xA7\xE3\x81\x99\xE3\x80\x82") ==
        Texts{"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xA7\xE3\x81\x99", "\xE3\x80\x82"});
  // em dash and guillemets are punctuation, no-break space separates, emoji are word characters.
  CHECK(texts("a\xE2\x80\x94" "b") == Texts{"a", "\xE2\x80\x94", "b"});
  CHECK(texts("\xC2\xABoui\xC2\xBB") == Texts{"\xC2\xAB", "oui", "\xC2\xBB"});
  CHECK(texts("a\xC2\xA0" "b") == Texts{"a", "b"});
  CHECK(texts("I \xF0\x9F\x98\x80 tea") == Texts{"i", "\xF0\x9F\x98\x80", "tea"});
}

TEST_CASE("tokenizer reports byte offsets into the original text") {
  const std::string s = "Caf\xC3\xA9, don\xE2\x80\x99t!";
  const auto toks = pe::tokenize(s);
  REQUIRE(toks.size() == 4);
  CHECK(s.substr(toks[0].begin, toks[0].end - toks[0].begin) == "Caf\xC3\xA9");
  CHECK(s.substr(toks[1].begin, toks[1].end - toks[1].begin) == ",");
  CHECK(s.substr(toks[2].begin, toks[2].end - toks[2].begin) == "don\xE2\x80\x99t");
  CHECK(toks[3].end == s.size());
  CHECK(toks[0].word);
  CHECK_FALSE(toks[1].word);
}

TEST_CASE("tokenizer refuses invalid UTF-8 and names the byte") {
  using Catch::Contains;
  CHECK_THROWS_WITH(pe::tokenize("ab\xFF"), Contains("sentence is not valid UTF-8 at byte 2"));
  CHECK_THROWS_WITH(pe::tokenize("ab \xC3"), Contains("not valid UTF-8 at byte 3"));        // truncated
  CHECK_THROWS_WITH(pe::tokenize("\xC0\xAF"), Contains("not valid UTF-8 at byte 0"));       // overlong '/'
  CHECK_THROWS_WITH(pe::tokenize("\xED\xA0\x80"), Contains("not valid UTF-8 at byte 0"));   // surrogate
  CHECK_THROWS_WITH(pe::tokenize("\xF4\x90\x80\x80"), Contains("not valid UTF-8"));         // > U+10FFFF
  CHECK_THROWS_WITH(pe::tokenize("a\xE2\x28\xA1"), Contains("not valid UTF-8 at byte 1"));  // bad continuation
  CHECK_THROWS_AS(pe::tokenize("\x80"), pe::Error);
}

TEST_CASE("tokenizer refuses empty, too long and too large input with one clear line") {
  using Catch::Contains;
  CHECK_THROWS_WITH(pe::tokenize(""), "sentence is empty (no words or punctuation)");
  CHECK_THROWS_WITH(pe::tokenize(" \t\n\xC2\xA0"), "sentence is empty (no words or punctuation)");
  CHECK_THROWS_WITH(pe::tokenize("", 10, "compare sentence"), "compare sentence is empty (no words or punctuation)");
  std::string eleven;
  for (int i = 0; i < 11; ++i) eleven += "w ";
  CHECK(pe::tokenize(eleven, 11).size() == 11);
  CHECK_THROWS_WITH(pe::tokenize(eleven, 10), "sentence has more than 10 tokens (limit 10)");
  const std::string huge(pe::limits::max_sentence_bytes + 1, 'a');
  CHECK_THROWS_WITH(pe::tokenize(huge), Contains("bytes (limit " + std::to_string(pe::limits::max_sentence_bytes)));
  std::string many;
  for (int i = 0; i <= pe::limits::max_tokens; ++i) many += ". ";
  CHECK_THROWS_WITH(pe::tokenize(many), Contains("more than " + std::to_string(pe::limits::max_tokens) + " tokens"));
}
