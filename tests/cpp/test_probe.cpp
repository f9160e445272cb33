// pe::run_probe (probe.hpp): the properties the issue names, per registered scheme,
// occurrence matching, both softmax modes, and the refusals.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "pe/attention.hpp"
#include "pe/error.hpp"
#include "pe/limits.hpp"
#include "pe/probe.hpp"
#include "pe/tokenizer.hpp"

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

TEST_CASE("probe: every registered scheme's shift probe agrees with its declared ShiftInvariance") {
  for (const auto& e : pe::scheme_registry()) {
    INFO(e.info->name << ": declare ShiftInvariance::invariant or ::variant as the last field of its SchemeInfo");
    CHECK(e.info->shift != pe::ShiftInvariance::undeclared);
  }
  for (bool causal : {false, true}) {
    auto o = options("the quick brown fox jumps over the lazy dog again and again");
    o.causal = causal;
    const auto r = pe::run_probe(o);  // every registered scheme
    REQUIRE(r.schemes.size() == pe::scheme_registry().size());
    for (const auto& p : r.schemes) {
      const auto declared = pe::find_scheme(p.scheme).info->shift;
      INFO(p.scheme << " causal=" << causal << " shift_logit_change " << p.shift_logit_change);
      CHECK(std::isfinite(p.shift_logit_change));
      CHECK(std::isfinite(p.sentence_distance));
      if (declared == pe::ShiftInvariance::invariant) CHECK(p.shift_logit_change == 0.0);
      else if (declared == pe::ShiftInvariance::variant) CHECK(p.shift_logit_change > 1e-2);
      else FAIL("undeclared");
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
    REQUIRE(registered(rotary));
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

TEST_CASE("probe options from JSON: every wrong type or value is an error naming the field") {
  using Catch::Contains;
  const auto bad = [](const std::string& json, const std::string& says) {
    INFO(json);
    CHECK_THROWS_WITH(pe::probe_options_from_json(json), Contains(says));
  };
  bad(R"({"sentence": 5})", "probe option 'sentence' must be a string, not 5");
  bad(R"({"compare": null})", "probe option 'compare' must be a string");
  bad(R"({"schemes": [1]})", "probe option 'schemes[0]' must be a string, not 1");
  bad(R"({"schemes": "rope"})", "probe option 'schemes' must be an array");
  for (const char* seed : {"null", "-1", "1e308", "\"abc\"", "0.5", "9007199254740994"})
    bad(std::string(R"({"seed": )") + seed + "}", "probe option 'seed' must be a whole number in [0, 9007199254740992]");
  bad(R"({"causal": "false"})", "probe option 'causal' must be true or false, not a string");
  bad(R"({"weights": "false"})", "probe option 'weights' must be true or false");
  bad(R"({"weights": 0})", "probe option 'weights' must be true or false, not 0");
  bad(R"({"dim": 16.9})", "probe option 'dim' must be a whole number in [1, 4096], not 16.899999999999999");
  bad(R"({"dim": null})", "probe option 'dim' must be a whole number in [1, 4096], not null (NaN and Infinity");
  bad(R"({"heads": 4294967300})", "probe option 'heads' must be a whole number in [1, 64]");
  bad(R"({"shift": 4294967304})", "probe option 'shift' must be a whole number in [0, 1048576]");
  bad(R"({"settings": {"rope": {"theta": [1]}}})", "probe option 'settings.rope.theta' must be a string, number or boolean");
  bad(R"({"settings": {"rope": 5}})", "probe option 'settings.rope' must be an object");
  bad(R"({"sentence": "\ud800 x"})", "lone surrogate");
  bad(R"({"sentense": "x"})", "unknown probe option 'sentense'");
  bad(R"([1])", "probe options must be an object, not an array");
  bad("{", "probe options: invalid JSON");

  const auto o = pe::probe_options_from_json(
      R"({"sentence": "a b", "compare": "b a", "schemes": ["rope", "alibi"], "dim": 16, "heads": 2, "seed": 9007199254740992,
          "causal": true, "shift": 3, "weights": false, "settings": {"rope": {"theta": 500.5, "layout": "interleaved"},
          "alibi": {"causal": true}}})");
  CHECK(o.sentence == "a b");
  CHECK(o.compare == "b a");
  CHECK(o.schemes == std::vector<std::string>{"rope", "alibi"});
  CHECK(o.dim == 16);
  CHECK(o.heads == 2);
  CHECK(o.seed == (std::uint64_t{1} << 53));
  CHECK(o.causal);
  CHECK(o.shift == 3);
  CHECK_FALSE(o.weights);
  CHECK(o.settings.at("rope").at("theta") == "500.5");
  CHECK(o.settings.at("alibi").at("causal") == "true");
  // dim and heads out of range (but whole) reach the core, which names them as the CLI does
  auto r = pe::probe_options_from_json(R"({"sentence": "a", "dim": 0})");
  CHECK_THROWS_WITH(pe::run_probe(r), "dim 0 is out of range [1, 4096]");
}

TEST_CASE("probe: settings for an unknown or unchosen scheme, or a scheme chosen twice, are refused") {
  auto o = options("the dog chased the cat");
  o.schemes = {"rope"};
  o.settings["alibi"] = {{"causal", "true"}};
  CHECK_THROWS_WITH(pe::run_probe(o), "settings for 'alibi', which is not a chosen scheme");
  o.settings.clear();
  o.settings["nope"] = {};
  CHECK_THROWS_WITH(pe::run_probe(o), Catch::Contains("unknown scheme 'nope'"));
  o.settings.clear();
  o.schemes = {"rope", "alibi", "rope"};
  CHECK_THROWS_WITH(pe::run_probe(o), "scheme 'rope' is chosen twice");
}

TEST_CASE("table options from JSON name the field") {
  using Catch::Contains;
  CHECK_THROWS_WITH(pe::table_request_from_json(R"({"scheme": "t5", "len": 4294967304, "dim": 4})"),
                    Contains("table option 'len' must be a whole number in [1, 8192]"));
  CHECK_THROWS_WITH(pe::table_request_from_json(R"({"scheme": "t5", "len": 4, "dim": 2.5})"),
                    Contains("table option 'dim' must be a whole number"));
  CHECK_THROWS_WITH(pe::table_request_from_json(R"({"scheme": 1, "len": 4, "dim": 2})"),
                    Contains("table option 'scheme' must be a string"));
  CHECK_THROWS_WITH(pe::table_request_from_json(R"({"scheme": "t5", "dim": 2})"), "table option 'len' is missing");
  CHECK_THROWS_WITH(pe::table_request_from_json(R"({"scheme": "t5", "len": 4, "dim": 2, "settings": {"seed": {}}})"),
                    Contains("table option 'settings.seed' must be a string, number or boolean"));
  const auto t = pe::table_request_from_json(R"({"scheme": "t5", "len": 4, "dim": 2, "heads": 3, "settings": {"seed": 7}})");
  CHECK(t.scheme == "t5");
  CHECK(t.len == 4);
  CHECK(t.dim == 2);
  CHECK(t.heads == 3);
  CHECK(t.settings.at("seed") == "7");
}

TEST_CASE("every scheme's table obeys the cell limit") {
  // shaw's (n, n) index at n = 4100 is past limits::max_table_cells (it printed 872 MB at n = 8192)
  for (const auto& e : pe::scheme_registry()) {
    INFO(e.info->name);
    auto s = pe::make_scheme(e.info->name);
    for (int n : {4100, 64}) {
      try {
        const pe::Table t = s->table(n, 2, 1);
        std::size_t cells = 0;
        for (const auto& entry : t.entries) cells += entry.value.size();
        CHECK(cells <= pe::limits::max_table_cells);
      } catch (const pe::Error& err) {
        CHECK(n > 64);  // small tables always build
        CHECK(std::string(err.what()).find('\n') == std::string::npos);
      }
    }
  }
  CHECK_THROWS_WITH(pe::make_scheme("shaw")->table(4100, 2, 1), Catch::Contains("past the limit of 16777216"));
}

TEST_CASE("probe: a setting that overflows float32 is an error naming it, never a NaN or a 0") {
  using Catch::Contains;
  auto o = options("the dog chased the cat");
  o.schemes = {"xpos"};
  o.settings["xpos"] = {{"scale_base", "0.01"}};
  CHECK_THROWS_WITH(pe::run_probe(o), Contains("xpos: ") && Contains("not finite") && Contains("scale_base=0.01"));
  o.weights = false;
  CHECK_THROWS_WITH(pe::run_probe(o), Contains("scale_base=0.01"));
  o = options("the dog chased the cat");
  o.schemes = {"rope"};
  o.settings["rope"] = {{"scaling", "yarn"}, {"theta", "1"}};
  CHECK_THROWS_WITH(pe::run_probe(o), Contains("rope: ") && Contains("not finite") && Contains("theta=1"));
}

TEST_CASE("probe: work past limits::max_probe_work is refused before any work") {
  using Catch::Contains;
  auto o = options("the dog chased the cat");
  o.schemes = {"none"};
  o.dim = 4096;  // 4 d^2 seeded draws alone
  CHECK_THROWS_WITH(pe::run_probe(o), Contains("past the budget of 2.5e+11") && Contains("dim 4096"));
  o.dim = 2048;
  o.schemes = {"shaw"};
  o.settings["shaw"] = {{"max_relative", "4096"}};
  CHECK_NOTHROW(pe::probe_work({}, 5, 5, 2048, 4));
  o.dim = 4096;
  CHECK_THROWS_WITH(pe::run_probe(o), Contains("past the budget"));
  o.schemes = {"cope"};
  o.settings = {{"cope", {{"npos", "8192"}}}};
  CHECK_THROWS_WITH(pe::run_probe(o), Contains("past the budget"));
  // 65,536 tokens streamed at the default width: 32 s per scheme before the budget
  std::string text;
  for (int i = 0; i < pe::limits::max_stream_tokens; ++i) text += "w ";
  o = options(text, "w");
  o.schemes = {"none"};
  o.weights = false;
  CHECK_THROWS_WITH(pe::run_probe(o), Contains("65536 tokens, dim 64, 1 schemes"));
  // the page's sizes are far inside it
  std::vector<std::unique_ptr<pe::Scheme>> every;
  for (const auto& e : pe::scheme_registry()) every.push_back(pe::make_scheme(e.info->name));
  CHECK(pe::probe_work(every, 64, 64, 64, 4) < pe::limits::max_probe_work / 100);
}

TEST_CASE("probe: a shift that overflows float32 is an error naming the shift") {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "w" + std::to_string(i % 50) + " ";
  auto o = options(text);
  o.schemes = {"xpos"};
  o.shift = pe::limits::max_shift;  // zeta^(shift/512) overflows float32; it read as "no change"
  CHECK_THROWS_WITH(pe::run_probe(o), Catch::Contains("xpos: attention logits are not finite") &&
                                          Catch::Contains("shifted by 1048576 (lower shift)"));
}

TEST_CASE("a caller's caps: max_tokens counts real tokens, max_work refuses before any work") {
  pe::ProbeOptions o;
  std::string dots;
  for (int i = 0; i < 100; ++i) dots += "w........ ";  // 100 chunks, 900 tokens
  o.sentence = dots;
  o.schemes = {"none"};
  o.max_tokens = 512;
  CHECK_THROWS_WITH(pe::run_probe(o), Catch::Contains("more than 512 tokens"));
  o.max_tokens = 0;  // the core's own limits
  o.weights = false;
  CHECK(pe::run_probe(o).tokens.size() == 900);
  o.sentence = "the dog chased the cat";
  o.max_work = 1000;  // far below one small probe
  CHECK_THROWS_WITH(pe::run_probe(o), Catch::Contains("past the budget of 1e+03"));
  o.max_work = 1e12;  // above the core's budget: the core's budget still holds, and this probe fits
  CHECK_NOTHROW(pe::run_probe(o));
  const pe::ProbeOptions j = pe::probe_options_from_json(
      "{\"sentence\": \"a b\", \"max_tokens\": 16, \"max_work\": 2e9}");
  CHECK(j.max_tokens == 16);
  CHECK(j.max_work == 2e9);
  CHECK_THROWS_WITH(pe::probe_options_from_json("{\"sentence\": \"a\", \"max_tokens\": 1.5}"),
                    Catch::Contains("max_tokens"));
}

// ---- details: norms and pair_terms (probe.hpp, "Details") ------------------------------

namespace {

// The layer the probe runs over the sentence, rebuilt here: its (heads, n, n) logits.
pe::AttentionCache probe_layer(const std::string& scheme, const pe::Settings& settings, const pe::ProbeOptions& o) {
  auto s = pe::make_scheme(scheme, settings);
  const auto tokens = pe::token_texts(pe::tokenize(o.sentence));
  const int n = static_cast<int>(tokens.size());
  std::vector<int> pos(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) pos[i] = i;
  const auto emb = pe::token_embeddings(tokens, o.dim);
  pe::AttentionCache c;
  pe::attention_forward(*s, pe::make_layer_weights(o.dim, o.seed), pe::LayerShape{n, o.dim, o.heads, o.causal},
                        emb.data(), pos.data(), pe::AttentionOptions{}, c);
  return c;
}

}  // namespace

TEST_CASE("probe details: the per-pair terms sum to the logit the layer uses") {
  struct Case {
    std::string scheme;
    pe::Settings settings;
    int pairs;     // expected pairs at dh = 16
    bool has_rest;
  };
  const std::vector<Case> cases = {
      {"rope", {}, 8, false},
      {"rope", {{"layout", "interleaved"}}, 8, false},
      {"rope", {{"partial", "0.5"}}, 4, true},
      {"rope", {{"partial", "0.5"}, {"layout", "interleaved"}}, 4, true},
      {"rope", {{"scaling", "yarn"}, {"factor", "4"}}, 8, false},
      {"xpos", {}, 8, false},
      {"fope", {}, 8, false},
  };
  for (const auto& c : cases) {
    for (int h : {0, 3})
      for (auto ij : {std::pair<int, int>{6, 0}, {2, 5}, {4, 4}}) {
        auto o = options("the dog chased the cat up the tree");
        o.dim = 64;
        o.heads = 4;
        o.schemes = {c.scheme};
        o.settings[c.scheme] = c.settings;
        o.pair_terms = true;
        o.pair_head = h;
        o.pair_query = ij.first;
        o.pair_key = ij.second;
        INFO(c.scheme << " " << c.settings.size() << " settings, head " << h << ", query " << ij.first << ", key "
                      << ij.second);
        const auto r = pe::run_probe(o);
        const auto& p = find(r, c.scheme);
        REQUIRE(p.has_pair_terms);
        const auto& t = p.pair_terms;
        CHECK(t.head == h);
        CHECK(t.query == ij.first);
        CHECK(t.key == ij.second);
        REQUIRE(t.terms.size() == static_cast<std::size_t>(c.pairs));
        CHECK(t.inv_freq.size() == t.terms.size());
        CHECK((t.rest != 0) == c.has_rest);
        double sum = t.rest, size = std::fabs(t.rest);
        for (double v : t.terms) sum += v, size += std::fabs(v);
        CHECK(std::fabs(sum - t.logit) <= 64 * std::ldexp(1.0, -24) * size);
        // ... and the logit is the layer's own, entry (h, i, j) of its logits (no bias here).
        const auto layer = probe_layer(c.scheme, c.settings, o);
        const int n = layer.shape.n;
        CHECK(t.logit == layer.logits[(static_cast<std::size_t>(h) * n + ij.first) * n + ij.second]);
      }
  }
}

TEST_CASE("probe details: pairs follow the layout, frequencies the scheme's table") {
  auto o = options("the dog chased the cat");
  o.dim = 32;
  o.heads = 2;  // dh = 16
  o.schemes = {"rope"};
  o.pair_terms = true;
  o.settings["rope"] = {{"layout", "interleaved"}, {"partial", "0.5"}, {"theta", "500"}};
  auto t = find(pe::run_probe(o), "rope").pair_terms;
  CHECK(t.dim_a == std::vector<int>{0, 2, 4, 6});
  CHECK(t.dim_b == std::vector<int>{1, 3, 5, 7});
  CHECK(t.query == 4);  // default: the last token
  CHECK(t.key == 0);
  const auto table = pe::make_scheme("rope", o.settings["rope"])->table(4, 16, 1);
  for (const auto& e : table.entries)
    if (e.name == "inv_freq")
      for (std::size_t k = 0; k < t.inv_freq.size(); ++k) CHECK(t.inv_freq[k] == e.value(k));
  o.settings["rope"] = {{"layout", "half"}};
  t = find(pe::run_probe(o), "rope").pair_terms;
  CHECK(t.dim_a == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(t.dim_b == std::vector<int>{8, 9, 10, 11, 12, 13, 14, 15});
  CHECK(t.note.empty());
  o.causal = true;
  o.pair_query = 1;
  o.pair_key = 3;
  CHECK(find(pe::run_probe(o), "rope").pair_terms.masked);
}

TEST_CASE("probe details: RoPE keeps norms, xPos scales them, sinusoidal matches x + PE") {
  auto o = options("the dog chased the cat up the tree and back");
  o.schemes = {"rope", "xpos", "sinusoidal", "alibi", "cpe", "none"};
  o.norms = true;
  o.pair_terms = true;
  const auto r = pe::run_probe(o);
  const int n = static_cast<int>(r.tokens.size());

  const auto& rope = find(r, "rope").norms;
  CHECK(rope.acts_on == "query_key");
  REQUIRE(rope.query_ratio.size() == static_cast<std::size_t>(o.heads * n));
  CHECK(rope.input_ratio.empty());
  double rope_min_cos = 1;
  for (std::size_t t = 0; t < rope.query_ratio.size(); ++t) {
    CHECK(std::fabs(rope.query_ratio[t] - 1) < 1e-6);
    CHECK(std::fabs(rope.key_ratio[t] - 1) < 1e-6);
    rope_min_cos = std::min(rope_min_cos, rope.query_cos[t]);
  }
  CHECK(rope.query_ratio[0] == 1.0);  // position 0 is not rotated at all
  CHECK(rope.query_cos[0] == 1.0);
  CHECK(rope_min_cos < 0.9);          // but later positions turn

  const auto& xpos = find(r, "xpos").norms;
  CHECK(xpos.acts_on == "query_key");
  double xpos_spread = 0;
  for (double v : xpos.query_ratio) xpos_spread = std::max(xpos_spread, std::fabs(v - 1));
  CHECK(xpos_spread > 1e-4);

  // sinusoidal: |x + PE(p)| / |x| and cos(x, x + PE(p)) from the table's PE, in double
  const auto& sin = find(r, "sinusoidal").norms;
  CHECK(sin.acts_on == "input");
  REQUIRE(sin.input_ratio.size() == static_cast<std::size_t>(n));
  const auto table = pe::make_scheme("sinusoidal", {})->table(n, o.dim, 1);
  const xt::xarray<double>* pe_table = nullptr;
  for (const auto& e : table.entries)
    if (e.name == "pe") pe_table = &e.value;
  REQUIRE(pe_table);
  std::vector<float> x(static_cast<std::size_t>(o.dim));
  for (int p = 0; p < n; ++p) {
    pe::token_embedding(r.tokens[p], o.dim, x.data());
    double xx = 0, yy = 0, xy = 0;
    for (int c = 0; c < o.dim; ++c) {
      const double y = x[c] + (*pe_table)(p, c);
      xx += static_cast<double>(x[c]) * x[c], yy += y * y, xy += x[c] * y;
    }
    CHECK(sin.input_ratio[p] == Approx(std::sqrt(yy / xx)).epsilon(1e-6));
    CHECK(sin.input_cos[p] == Approx(xy / std::sqrt(xx * yy)).epsilon(1e-6));
  }

  // Schemes that change no vector: measured, exactly 1; CPE changes the input.
  for (const char* name : {"alibi", "none"}) {
    const auto& s = find(r, name);
    CHECK(s.norms.acts_on == "none");
    for (int p = 0; p < n; ++p) CHECK((s.norms.input_ratio[p] == 1.0 && s.norms.input_cos[p] == 1.0));
    CHECK_FALSE(s.has_pair_terms);
    CHECK_THAT(s.pair_terms_reason, Catch::Contains("not by rotating pairs"));
  }
  CHECK(find(r, "cpe").norms.acts_on == "input");
  CHECK(find(r, "sinusoidal").pair_terms_reason.size() > 0);
}

TEST_CASE("probe details: asked for or not, the other outputs are the same; not asked, absent") {
  auto o = options("the dog chased the cat", "the cat chased the dog");
  o.dim = 32;
  o.schemes = {"rope", "alibi", "sinusoidal"};
  const auto plain = pe::run_probe(o);
  o.norms = o.pair_terms = true;
  const auto detailed = pe::run_probe(o);
  for (std::size_t s = 0; s < plain.schemes.size(); ++s) {
    const auto &a = plain.schemes[s], &b = detailed.schemes[s];
    CHECK_FALSE(a.has_norms);
    CHECK_FALSE(a.has_pair_terms);
    CHECK(a.pair_terms_reason.empty());
    CHECK(b.has_norms);
    CHECK(a.sentence_distance_raw == b.sentence_distance_raw);
    CHECK(a.shift_logit_change_raw == b.shift_logit_change_raw);
    CHECK(a.attention == b.attention);
    CHECK(a.attention_compare == b.attention_compare);
  }
}

TEST_CASE("probe details: options are checked, naming the field") {
  using Catch::Contains;
  const auto bad = [](const std::string& json, const std::string& says) {
    INFO(json);
    CHECK_THROWS_WITH(pe::probe_options_from_json(json), Contains(says));
  };
  bad(R"({"norms": "yes"})", "probe option 'norms' must be true or false, not a string");
  bad(R"({"norms": 1})", "probe option 'norms' must be true or false, not 1");
  bad(R"({"pair_terms": 2})", "probe option 'pair_terms' must be true, false or an object {head, query, key}, not 2");
  bad(R"({"pair_terms": [0, 1]})", "probe option 'pair_terms' must be true, false or an object");
  bad(R"({"pair_terms": {"query": -1}})", "probe option 'pair_terms.query' must be a whole number in [0, 65535], not -1");
  bad(R"({"pair_terms": {"key": 1.5}})", "probe option 'pair_terms.key' must be a whole number in [0, 65535], not 1.5");
  bad(R"({"pair_terms": {"head": null}})", "probe option 'pair_terms.head' must be a whole number in [0, 63], not null");
  bad(R"({"pair_terms": {"head": "1"}})", "probe option 'pair_terms.head' must be a whole number in [0, 63], not a string");
  bad(R"({"pair_terms": {"row": 1}})", "unknown probe option 'pair_terms.row' (known: head, query, key)");

  auto o = pe::probe_options_from_json(R"({"sentence": "a b c", "norms": true, "pair_terms": {"head": 1, "key": 2}})");
  CHECK(o.norms);
  CHECK(o.pair_terms);
  CHECK(o.pair_head == 1);
  CHECK(o.pair_query == -1);  // the last token
  CHECK(o.pair_key == 2);
  o = pe::probe_options_from_json(R"({"sentence": "a b c", "pair_terms": false, "norms": false})");
  CHECK_FALSE(o.pair_terms);
  CHECK_FALSE(o.norms);
  CHECK(pe::probe_options_from_json(R"({"pair_terms": true})").pair_terms);
  CHECK(pe::probe_options_from_json(R"({"pair_terms": {}})").pair_terms);

  // Against the sentence and the layer, by the core, before any work.
  const auto refused = [](const std::string& json, const std::string& says) {
    INFO(json);
    CHECK_THROWS_WITH(pe::run_probe(pe::probe_options_from_json(json)), says);
  };
  refused(R"({"sentence": "the dog chased the cat", "pair_terms": {"query": 5}})",
          "probe option 'pair_terms.query' 5 is out of range [0, 4]: the sentence has 5 tokens");
  refused(R"({"sentence": "dog", "pair_terms": {"key": 1}})",
          "probe option 'pair_terms.key' 1 is out of range [0, 0]: the sentence has 1 token");
  refused(R"({"sentence": "the dog", "heads": 4, "pair_terms": {"head": 4}})",
          "probe option 'pair_terms.head' 4 is out of range [0, 3]: the layer has 4 heads");
  // Indices past the sentence are fine while pair_terms is off (nothing reads them).
  auto off = options("the dog");
  off.schemes = {"rope"};
  off.pair_key = 9;
  CHECK_NOTHROW(pe::run_probe(off));
}
