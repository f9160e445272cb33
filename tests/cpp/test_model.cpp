// The training core (model.hpp, train.hpp, checkpoint.hpp): gradients against finite
// differences for every registered scheme, against PyTorch's autograd (golden files made
// by tests/golden/train/make_train_golden.py), determinism, checkpoints, and a short run
// whose loss falls.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

#include "pe/checkpoint.hpp"
#include "pe/error.hpp"
#include "pe/json.hpp"
#include "pe/model.hpp"
#include "pe/registry.hpp"
#include "pe/rng.hpp"
#include "train_testing.hpp"
#include "pe/train.hpp"

namespace {

std::string read_golden(const std::string& name) {
  std::ifstream in(std::string(PE_GOLDEN_DIR) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing golden file " + name + ": run tests/golden/train/make_train_golden.py");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A small batch: two sequences of 6 tokens, a few targets not scored.
struct Batch {
  std::vector<std::vector<int>> tokens{{1, 4, 2, 7, 3, 9}, {5, 5, 0, 8, 6, 2}};
  std::vector<std::vector<int>> targets{{4, 2, 7, -1, 9, 10}, {5, 0, 8, 6, -1, 3}};
};

// Settings that let every scheme fit the tiny model (d 8, heads 2, dh 4).
pe::Settings tiny_settings(const std::string& scheme) {
  if (scheme == "cope") return {{"npos", "5"}};   // the cap is reached within 6 tokens
  if (scheme == "shaw") return {{"max_relative", "3"}};
  if (scheme == "t5") return {{"num_buckets", "8"}, {"max_distance", "5"}, {"bidirectional", "false"}};
  if (scheme == "randomized") return {{"inner", "learned"}, {"noise_max_length", "16"}};  // its table (16, d)
  return {};
}

// Parameters moved away from GPT-2's tiny init so every path carries gradient.
void spread(pe::Model& m, std::uint64_t seed) {
  pe::Rng rng(seed);
  for (auto& v : m.params().value) v += static_cast<float>(rng.normal(0.0, 0.3));
}

}  // namespace

TEST_CASE("gradients match finite differences for every registered scheme", "[model]") {
  const Batch batch;
  int checked = 0;
  for (const auto& entry : pe::scheme_registry()) {
    const std::string name = entry.info->name;
    INFO("scheme " << name);
    pe::ModelConfig c;
    c.scheme = name;
    c.settings = tiny_settings(name);
    c.layers = 2;
    c.dim = 8;
    c.heads = 2;
    c.vocab = 11;
    c.max_len = 8;
    c.seed = 5;
    pe::Model m(c);
    spread(m, 17);
    pe::batch_loss(m, batch.tokens, batch.targets, true);
    const std::vector<float> grad = m.params().grad;
    pe::Rng rng(99);
    for (const auto& t : m.params().tensors) {
      INFO("tensor " << t.name);
      double gnorm = 0;
      for (std::size_t i = 0; i < t.size; ++i) gnorm += double(grad[t.offset + i]) * grad[t.offset + i];
      gnorm = std::sqrt(gnorm);
      // Two unit directions inside the tensor: along its gradient, and at random.
      for (int dir = 0; dir < 2; ++dir) {
        std::vector<double> u(t.size);
        double norm = 0;
        for (std::size_t i = 0; i < t.size; ++i) {
          u[i] = dir == 0 && gnorm > 0 ? grad[t.offset + i] : rng.normal();
          norm += u[i] * u[i];
        }
        norm = std::sqrt(norm);
        double analytic = 0;
        for (std::size_t i = 0; i < t.size; ++i) {
          u[i] /= norm;
          analytic += u[i] * grad[t.offset + i];
        }
        const double eps = 2e-2;
        std::vector<float> saved(m.params().value.begin() + t.offset, m.params().value.begin() + t.offset + t.size);
        auto loss_at = [&](double s) {
          for (std::size_t i = 0; i < t.size; ++i) m.params().value[t.offset + i] = float(saved[i] + s * u[i]);
          return pe::batch_loss(m, batch.tokens, batch.targets, false);
        };
        const double numeric = (loss_at(eps) - loss_at(-eps)) / (2 * eps);
        std::copy(saved.begin(), saved.end(), m.params().value.begin() + t.offset);
        INFO("direction " << dir << ": analytic " << analytic << ", finite difference " << numeric);
        CHECK(std::abs(analytic - numeric) <= 2e-3 + 3e-2 * std::max(std::abs(analytic), std::abs(numeric)));
      }
    }
    ++checked;
  }
  CHECK(checked == static_cast<int>(pe::scheme_registry().size()));
}

TEST_CASE("loss and every gradient match PyTorch (golden)", "[model][golden]") {
  const pe::JsonValue cases = pe::json_parse(read_golden("train/cases.json"), "cases.json");
  REQUIRE(cases.is(pe::JsonValue::Type::object));
  for (const char* required : {"none", "sinusoidal", "learned", "rope", "alibi", "t5"}) {
    INFO("golden case " << required);
    CHECK(cases.get(required) != nullptr);  // the minimum set cannot go missing
  }
  for (const auto& kv : cases.members) {
    const std::string name = kv.first;
    INFO("golden case " << name);
    pe::Checkpoint ck = pe::checkpoint_decode(pe::safetensors_decode(read_golden("train/" + name + ".safetensors")));
    std::vector<std::vector<int>> tokens, targets;
    const pe::JsonValue b = pe::json_parse(read_golden("train/" + name + ".batch.json"), "batch");
    for (const auto& row : b.get("tokens")->items) {
      tokens.emplace_back();
      for (const auto& v : row.items) tokens.back().push_back(static_cast<int>(v.number));
    }
    for (const auto& row : b.get("targets")->items) {
      targets.emplace_back();
      for (const auto& v : row.items) targets.back().push_back(static_cast<int>(v.number));
    }
    const double loss = pe::batch_loss(*ck.model, tokens, targets, true);
    const pe::StFile want = pe::safetensors_decode(read_golden("train/" + name + ".grads.safetensors"));
    const pe::StTensor* want_loss = want.find("loss");
    REQUIRE(want_loss != nullptr);
    CHECK(loss == Approx(want_loss->data.at(0)).epsilon(1e-5));
    int tensors = 0;
    for (const auto& t : ck.model->params().tensors) {
      INFO("gradient of " << t.name);
      const pe::StTensor* g = want.find(t.name);
      REQUIRE(g != nullptr);
      REQUIRE(g->data.size() == t.size);
      double scale = 0;
      for (float x : g->data) scale = std::max(scale, double(std::abs(x)));
      CHECK(scale > 0);  // every golden gradient carries signal
      double worst = 0;
      for (std::size_t i = 0; i < t.size; ++i)
        worst = std::max(worst, std::abs(double(ck.model->params().grad[t.offset + i]) - g->data[i]));
      CHECK(worst <= 1e-4 * scale + 1e-6);
      ++tensors;
    }
    CHECK(tensors == static_cast<int>(want.tensors.size()) - 1);  // all but "loss"
  }
}

TEST_CASE("training is deterministic and the loss falls within tens of steps", "[train]") {
  pe::TrainConfig c = pe_test::small_stories_run("rope");
  pe_test::check_learns(c);
  pe::Trainer a(c);
  a.step();
  c.seed = 4;
  pe::Trainer other(c);
  other.step();
  CHECK(other.losses()[0] != a.losses()[0]);  // the seed matters
}

TEST_CASE("the schedule warms up linearly and decays to min_lr_ratio", "[train]") {
  pe::TrainConfig c;
  c.steps = 100;
  c.warmup = 10;
  c.lr = 1e-3;
  c.min_lr_ratio = 0.1;
  pe::Trainer t(c);
  CHECK(t.lr_at(0) == Approx(1e-4));
  CHECK(t.lr_at(9) == Approx(1e-3));
  CHECK(t.lr_at(10) == Approx(1e-3));
  CHECK(t.lr_at(55) == Approx(0.55e-3));  // halfway through the cosine
  CHECK(t.lr_at(99) == Approx(1e-4).epsilon(0.01));
}

TEST_CASE("evaluation: a learned table past its rows is not applicable, others are", "[train]") {
  pe::TrainConfig c;
  c.task = "copy";
  c.len = 8;
  c.batch = 2;
  c.steps = 1;
  c.dim = 16;
  c.heads = 2;
  c.eval_sequences = 2;
  c.scheme = "learned";
  pe::Trainer learned(c);
  CHECK(learned.evaluate(8).applicable);
  const pe::EvalResult past = learned.evaluate(16);
  CHECK_FALSE(past.applicable);
  CHECK(std::isnan(past.loss));
  CHECK_THAT(past.reason, Catch::Contains("learned"));
  c.scheme = "alibi";
  pe::Trainer alibi(c);
  const pe::EvalResult e = alibi.evaluate(32);
  CHECK(e.applicable);
  CHECK(std::isfinite(e.loss));
  CHECK(e.accuracy >= 0.0);
  CHECK(e.accuracy <= 1.0);
}

TEST_CASE("a checkpoint round-trips exactly and bad files get a clear error", "[checkpoint]") {
  pe::TrainConfig c;
  c.scheme = "t5";
  c.task = "reverse";
  c.len = 12;
  c.batch = 2;
  c.steps = 2;
  c.dim = 16;
  c.heads = 2;
  pe::Trainer t(c);
  t.step();
  t.step();
  const std::string bytes = pe::safetensors_encode(pe::checkpoint_encode(t.model(), t.task().vocab(), "reverse"));
  pe::Checkpoint back = pe::checkpoint_decode(pe::safetensors_decode(bytes));
  CHECK(back.vocab == t.task().vocab());
  CHECK(back.task == "reverse");
  CHECK(back.model->params().value == t.model().params().value);
  CHECK(back.model->config().scheme == "t5");
  const Batch batch;  // ids < 11 fit the reverse vocabulary
  CHECK(pe::batch_loss(*back.model, batch.tokens, batch.targets, false) ==
        pe::batch_loss(t.model(), batch.tokens, batch.targets, false));

  pe::StFile f = pe::safetensors_decode(bytes);
  SECTION("a missing tensor") {
    f.tensors.erase(f.tensors.begin());
    CHECK_THROWS_WITH(pe::checkpoint_decode(f), Catch::Contains("is missing"));
  }
  SECTION("a shape that disagrees with the config") {
    for (auto& s : f.tensors)
      if (s.name == "layers.0.attn.wq") { s.shape = {8, 32}; }
    CHECK_THROWS_WITH(pe::checkpoint_decode(f), Catch::Contains("layers.0.attn.wq") && Catch::Contains("shape"));
  }
  SECTION("a tensor the config does not have") {
    f.tensors.push_back({"layers.9.extra", {1}, {0.0f}});
    CHECK_THROWS_WITH(pe::checkpoint_decode(f), Catch::Contains("layers.9.extra"));
  }
  SECTION("no config") {
    f.metadata.erase("config");
    CHECK_THROWS_WITH(pe::checkpoint_decode(f), Catch::Contains("config"));
  }
  SECTION("a config that is not JSON") {
    f.metadata["config"] = "{\"scheme\": ";
    CHECK_THROWS_WITH(pe::checkpoint_decode(f), Catch::Contains("invalid JSON"));
  }
  SECTION("an unknown scheme") {
    f.metadata["config"] = "{\"format\": \"pe-playground/1\", \"scheme\": \"nope\", \"settings\": {}, \"layers\": 2, "
                           "\"dim\": 16, \"heads\": 2, \"vocab\": 18, \"max_len\": 12, \"seed\": 1, \"task\": \"x\"}";
    CHECK_THROWS_WITH(pe::checkpoint_decode(f), Catch::Contains("unknown scheme"));
  }
  SECTION("a non-finite weight") {
    f.tensors[0].data[0] = std::nanf("");
    CHECK_THROWS_WITH(pe::checkpoint_decode(f), Catch::Contains("non-finite"));
  }
}

TEST_CASE("bad training input is refused with the field named", "[train]") {
  pe::TrainConfig c;
  c.steps = 0;
  CHECK_THROWS_WITH(pe::Trainer(c), Catch::Contains("steps"));
  c.steps = 10;
  c.task = "poems";
  CHECK_THROWS_WITH(pe::Trainer(c), Catch::Contains("unknown task"));
  c.task = "copy";
  c.scheme = "nope";
  CHECK_THROWS_WITH(pe::Trainer(c), Catch::Contains("unknown scheme"));
  c.scheme = "rope";
  c.len = 100000;
  CHECK_THROWS_WITH(pe::Trainer(c), Catch::Contains("len"));
  c.len = 16;
  c.dim = 30;
  c.heads = 4;
  CHECK_THROWS_WITH(pe::Trainer(c), Catch::Contains("divisible"));
  c.dim = 32;
  c.task = "text";
  c.task_options.text = std::string("caf\xC3", 4);
  CHECK_THROWS_WITH(pe::Trainer(c), Catch::Contains("UTF-8"));
}

TEST_CASE("json_parse reads what the writer writes and refuses malformed text", "[json]") {
  const pe::JsonValue v = pe::json_parse("{\"a\": [1, -2.5e3, true, null], \"b\": \"x\\u00e9\\ud83d\\ude00\"}");
  REQUIRE(v.is(pe::JsonValue::Type::object));
  CHECK(v.get("a")->items.size() == 4);
  CHECK(v.get("a")->items[1].number == -2500.0);
  CHECK(v.get("a")->items[2].boolean);
  CHECK(v.get("a")->items[3].is(pe::JsonValue::Type::null));
  CHECK(v.get("b")->string == "x\xC3\xA9\xF0\x9F\x98\x80");
  for (const char* bad : {"", "{", "[1,]", "{\"a\":1,}", "{\"a\":1 \"b\":2}", "01", "1.", "NaN", "\"\\ud800\"",
                          "{\"a\":1,\"a\":2}", "[1] 2", "\"a\nb\""}) {
    INFO("input " << bad);
    CHECK_THROWS_AS(pe::json_parse(bad), pe::Error);
  }
  std::string deep(100, '[');
  CHECK_THROWS_WITH(pe::json_parse(deep), Catch::Contains("deeper"));
}
