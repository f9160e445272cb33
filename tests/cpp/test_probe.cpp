// pe::run_probe (probe.hpp): the properties the issue names, per registered scheme,
// occurrence matching, both softmax modes, and the refusals.
#include <catch2/catch.hpp>
#include <cmath>
#include <set>
#include <string>

#include "pe/error.hpp"
#include "pe/limits.hpp"
#include "pe/probe.hpp"

namespace {

bool registered(const std::string& name) {
  for (const auto& e : pe::scheme_registry())
    if (e.info->name == name) return true;
  return false;
}

pe::ProbeOptions options(const std::string& sentence, const std::string& compare = "") {
  pe::ProbeOptions o;
  o.sentence = sentence;
  o.compare = compare;
  return o;
}

const pe::SchemeProbe& find(const pe::ProbeResult& r, const std::string& name) {
  for (const auto& s : r.schemes)
    if (s.scheme == name) return s;
  FAIL("scheme " << name << " missing from the probe");
  throw 0;
}

}  // namespace

TEST_CASE("probe: none without a mask cannot see word order; with the mask it can") {
  for (const char* compare : {"the cat chased the dog", ""}) {  // "" = reversed tokens
    auto o = options("the dog chased the cat", compare);
    o.schemes = {"none"};
    const auto r = pe::run_probe(o);
    const auto& p = find(r, "none");
    INFO("compare '" << compare << "'");
    CHECK(std::fabs(p.sentence_distance) < 1e-6);
    REQUIRE(p.token_distance.size() == 5);
    for (double t : p.token_distance) CHECK(std::fabs(t) < 1e-6);
    CHECK(p.shift_logit_change == 0.0);

    o.causal = true;
    const auto rc = pe::run_probe(o);  // kept alive: find() returns a reference into it
    const auto& pc = find(rc, "none");
    CHECK(pc.sentence_distance > 1e-3);
    CHECK(pc.shift_logit_change == 0.0);
  }
}

TEST_CASE("probe: shift_logit_change is ~0 for relative schemes and not for absolute ones") {
  const std::set<std::string> invariant = {"none", "rope", "alibi", "t5", "shaw"};
  const std::set<std::string> variant = {"sinusoidal", "learned", "integer", "binary"};
  for (bool causal : {false, true}) {
    auto o = options("the quick brown fox jumps over the lazy dog again and again");
    o.causal = causal;
    const auto r = pe::run_probe(o);  // every registered scheme
    REQUIRE(r.schemes.size() == pe::scheme_registry().size());
    for (const auto& p : r.schemes) {
      INFO(p.scheme << " causal=" << causal << " shift_logit_change " << p.shift_logit_change);
      CHECK(std::isfinite(p.shift_logit_change));
      CHECK(std::isfinite(p.sentence_distance));
      if (invariant.count(p.scheme)) CHECK(p.shift_logit_change < 1e-4);
      if (variant.count(p.scheme)) CHECK(p.shift_logit_change > 1e-2);
    }
  }
}

TEST_CASE("probe: token_distance matches the k-th occurrence and is NaN where none") {
  auto o = options("a b a c a", "a a x b");
  o.schemes = {"none"};
  const auto r = pe::run_probe(o);
  REQUIRE(r.tokens_compare == std::vector<std::string>{"a", "a", "x", "b"});
  const auto& td = find(r, "none").token_distance;
  REQUIRE(td.size() == 5);
  CHECK_FALSE(std::isnan(td[0]));  // first a -> first a
  CHECK_FALSE(std::isnan(td[1]));  // b -> b
  CHECK_FALSE(std::isnan(td[2]));  // second a -> second a
  CHECK(std::isnan(td[3]));        // c: not in compare
  CHECK(std::isnan(td[4]));        // third a: compare has two
}

TEST_CASE("probe: attention tensors have the right shapes; streaming gives the same distances") {
  auto o = options("The dog, who was tired, slept.", "the cat slept");
  o.heads = 2;
  o.dim = 16;
  const auto full = pe::run_probe(o);
  REQUIRE(full.tokens.size() == 9);  // the dog , who was tired , slept .
  for (const auto& p : full.schemes) {
    INFO(p.scheme);
    REQUIRE(p.attention.shape()[0] == 2);
    REQUIRE(p.attention.shape()[1] == 9);
    REQUIRE(p.attention.shape()[2] == 9);
    REQUIRE(p.attention_compare.shape()[1] == 3);
    for (std::size_t h = 0; h < 2; ++h)
      for (std::size_t i = 0; i < 9; ++i) {
        double sum = 0;
        for (std::size_t j = 0; j < 9; ++j) sum += p.attention(h, i, j);
        CHECK(sum == Approx(1.0).epsilon(1e-5));
      }
  }
  o.weights = false;
  const auto streamed = pe::run_probe(o);
  REQUIRE(streamed.schemes.size() == full.schemes.size());
  for (std::size_t s = 0; s < full.schemes.size(); ++s) {
    const auto& a = full.schemes[s];
    const auto& b = streamed.schemes[s];
    INFO(a.scheme);
    CHECK(b.attention.size() == 0);
    CHECK(b.sentence_distance == Approx(a.sentence_distance).margin(1e-5));
    CHECK(b.shift_logit_change == Approx(a.shift_logit_change).margin(1e-5));
    for (std::size_t i = 0; i < a.token_distance.size(); ++i)
      if (!std::isnan(a.token_distance[i])) CHECK(b.token_distance[i] == Approx(a.token_distance[i]).margin(1e-5));
  }
}

TEST_CASE("probe: deterministic, and settings reach the scheme") {
  auto o = options("one two three four five six");
  o.schemes = {"sinusoidal"};
  const auto a = pe::run_probe(o), b = pe::run_probe(o);
  CHECK(a.schemes[0].sentence_distance == b.schemes[0].sentence_distance);
  CHECK(a.schemes[0].token_distance == b.schemes[0].token_distance);
  o.settings["sinusoidal"] = {{"layout", "concat"}};
  const auto c = pe::run_probe(o);
  CHECK(c.schemes[0].sentence_distance != a.schemes[0].sentence_distance);
  o.seed = 2;
  o.settings.clear();
  CHECK(pe::run_probe(o).schemes[0].sentence_distance != a.schemes[0].sentence_distance);
}

TEST_CASE("probe: one token works") {
  auto o = options("hello");
  const auto r = pe::run_probe(o);
  for (const auto& p : r.schemes) {
    INFO(p.scheme);
    CHECK(p.sentence_distance == Approx(0.0).margin(1e-6));  // the reverse of one token is itself
    CHECK(p.attention(0, 0, 0) == 1.0f);
  }
}

TEST_CASE("probe: ten thousand tokens refuse with weights and stream without") {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += (i % 3 ? "w " : "x ");
  auto o = options(text);
  o.schemes = {"none"};
  o.dim = 8;
  o.heads = 2;
  CHECK_THROWS_WITH(pe::run_probe(o), Catch::Contains("sentence has 10000 tokens: at most " +
                                                     std::to_string(pe::limits::max_tokens)));
  o.weights = false;
  const auto r = pe::run_probe(o);
  REQUIRE(r.tokens.size() == 10000);
  CHECK(r.schemes[0].attention.size() == 0);
  CHECK(std::fabs(r.schemes[0].sentence_distance) < 1e-5);
}

TEST_CASE("probe: bad input gives one clear line") {
  using Catch::Contains;
  auto o = options("");
  CHECK_THROWS_WITH(pe::run_probe(o), "sentence is empty (no words or punctuation)");
  o = options("fine", "   ");
  CHECK_THROWS_WITH(pe::run_probe(o), "compare sentence is empty (no words or punctuation)");
  o = options("the dog");
  o.dim = 64;
  o.heads = 5;
  CHECK_THROWS_WITH(pe::run_probe(o), "dim 64 is not divisible by heads 5 (each head needs a whole width)");
  o = options("the dog");
  o.schemes = {"nope"};
  CHECK_THROWS_WITH(pe::run_probe(o), Contains("unknown scheme 'nope'"));
  o = options("bad \xFF byte");
  CHECK_THROWS_WITH(pe::run_probe(o), "sentence is not valid UTF-8 at byte 4");
  for (const char* rotary : {"rope", "xpos", "fope"}) {
    if (!registered(rotary)) continue;
    o = options("the dog chased the cat");
    o.schemes = {rotary};
    o.dim = 12;
    o.heads = 4;  // head width 3
    INFO(rotary);
    try {
      pe::run_probe(o);
      FAIL("no error for an odd head width");
    } catch (const pe::Error& e) {
      const std::string m = e.what();
      CHECK(m.find('\n') == std::string::npos);
      CHECK(m.find('3') != std::string::npos);  // names the width
    }
  }
}
