// CoPE: position logits against a numpy rewrite of RAM's context_position.py (causal) and
// of the documented bidirectional variant, block-by-block evaluation, the cap at npos - 1,
// a hand-checked count with constant gates, refusals.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "golden.hpp"
#include "param_testing.hpp"
#include "pe/error.hpp"
#include "pe/registry.hpp"

namespace {

const int n = 9, dh = 4;

struct QK {
  std::vector<float> q, k;  // (n, dh) each, as recipe_cope.example_qk
  QK() : q(n * dh), k(n * dh) {
    for (int i = 0; i < n; ++i)
      for (int c = 0; c < dh; ++c) {
        q[i * dh + c] = static_cast<float>(std::sin(1.3 * i + 0.7 * c + 0.1));
        k[i * dh + c] = static_cast<float>(1.5 * std::cos(0.9 * i - 0.4 * c));
      }
  }
  pe::HeadView view() const { return pe::HeadView{q.data(), k.data(), n, dh}; }
};

std::unique_ptr<pe::Scheme> prepared(int npos, bool causal) {
  auto s = pe::make_scheme("cope", {{"npos", std::to_string(npos)}});
  s->prepare(pe::LayerShape{n, 2 * dh, 2, causal});
  s->ensure_params(pe::LayerShape{n, 2 * dh, 2, causal});
  return s;
}

std::vector<float> full(const pe::Scheme& s, const pe::HeadView& hv, bool causal) {
  std::vector<int> pos(n);
  for (int i = 0; i < n; ++i) pos[i] = i;
  std::vector<float> out(n * n, 0.0f);
  s.add_logit_bias(0, hv, pos.data(), causal, pe::Block{0, n, 0, n}, out.data(), n);
  return out;
}

}  // namespace

TEST_CASE("cope pos_emb matches the recipe's generator") {
  auto e = pe::make_scheme("cope", {{"npos", "4"}})->table(3, 8, 2).find("pos_emb")->value;
  auto g = golden::load("cope_pos_emb_npos4_dh4_seed0.txt");
  REQUIRE(e.size() == g.size());
  for (std::size_t c = 0; c < g.size(); ++c) CHECK(e.data()[c] == Approx(g[c]).epsilon(1e-12));
}

TEST_CASE("cope matches RAM's context_position under a causal mask, and the bidirectional variant") {
  QK qk;
  for (int npos : {4, 64}) {
    for (bool causal : {true, false}) {
      INFO("npos " << npos << (causal ? " causal" : " bidirectional"));
      auto g = golden::load(std::string("cope_") + (causal ? "causal" : "bidirectional") + "_n9_dh4_npos" +
                            std::to_string(npos) + ".txt");
      auto s = prepared(npos, causal);
      auto z = full(*s, qk.view(), causal);
      REQUIRE(g.size() == z.size());
      for (std::size_t c = 0; c < g.size(); ++c) CHECK(z[c] == Approx(g[c]).margin(1e-5));
    }
  }
}

TEST_CASE("cope gives the same logits block by block as all at once") {
  QK qk;
  std::vector<int> pos(n);
  for (int i = 0; i < n; ++i) pos[i] = i + 7;  // positions are not used
  for (bool causal : {true, false}) {
    auto s = prepared(4, causal);
    auto whole = full(*s, qk.view(), causal);
    for (int i0 = 0; i0 < n; i0 += 2)
      for (int j0 = 0; j0 < n; j0 += 3) {
        const int i1 = std::min(i0 + 2, n), j1 = std::min(j0 + 3, n);
        std::vector<float> block((i1 - i0) * 3, 0.0f);
        s->add_logit_bias(1, qk.view(), pos.data(), causal, pe::Block{i0, i1, j0, j1}, block.data(), 3);
        for (int i = i0; i < i1; ++i)
          for (int j = j0; j < j1; ++j) CHECK(block[(i - i0) * 3 + (j - j0)] == Approx(whole[i * n + j]).margin(1e-6));
      }
    if (causal)
      for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j) CHECK(whole[i * n + j] == 0.0f);  // masked: untouched
  }
}

TEST_CASE("cope counts gates: constant gates of 1/2 give p = (i - j + 1) / 2, capped at npos - 1") {
  QK qk;
  std::fill(qk.k.begin(), qk.k.end(), 0.0f);  // every gate is sigmoid(0) = 1/2
  auto t = pe::make_scheme("cope", {{"npos", "4"}})->table(n, 2 * dh, 2);
  const auto& e = t.find("pos_emb")->value;
  auto s = prepared(4, true);
  auto z = full(*s, qk.view(), true);
  auto qe = [&](int i, int row) {
    double v = 0;
    for (int c = 0; c < dh; ++c) v += qk.q[i * dh + c] * e(row, c);
    return v / std::sqrt(static_cast<double>(dh));  // RAM's default divides z with q.k
  };
  CHECK(z[3 * n + 3] == Approx(0.5 * qe(3, 1) + 0.5 * qe(3, 0)).margin(1e-6));  // p = 0.5
  CHECK(z[3 * n + 2] == Approx(qe(3, 1)).margin(1e-6));                         // p = 1
  CHECK(z[3 * n + 1] == Approx(0.5 * qe(3, 2) + 0.5 * qe(3, 1)).margin(1e-6));  // p = 1.5
  CHECK(z[8 * n + 0] == Approx(qe(8, 3)).margin(1e-6));                         // p = 4.5, capped at 3
  CHECK(z[8 * n + 2] == Approx(qe(8, 3)).margin(1e-6));                         // p = 3.5, capped
  const auto& profile = t.find("profile")->value;
  CHECK(profile(0, 0) == 0.5);
  CHECK(profile(0, 2) == 1.5);
  CHECK(profile(0, 8) == 3.0);
}

TEST_CASE("cope refuses bad input") {
  CHECK_THROWS_WITH(pe::make_scheme("cope", {{"npos", "0"}}), Catch::Contains("npos=0 is out of range"));
  auto s = pe::make_scheme("cope");
  CHECK_THROWS_WITH(s->table(4, 10, 4), Catch::Contains("not divisible by heads 4"));
  CHECK_THROWS_WITH(s->prepare(pe::LayerShape{4, 10, 4, true}), Catch::Contains("not divisible"));
}

TEST_CASE("cope divides the position logit by sqrt(dh) as RAM does by default; divide=false does not") {
  QK qk;
  for (bool causal : {true, false}) {
    auto divided = prepared(64, causal);
    auto plain = pe::make_scheme("cope", {{"npos", "64"}, {"divide", "false"}});
    plain->prepare(pe::LayerShape{n, 2 * dh, 2, causal});
    plain->ensure_params(pe::LayerShape{n, 2 * dh, 2, causal});
    auto zd = full(*divided, qk.view(), causal);
    auto zp = full(*plain, qk.view(), causal);
    bool any = false;
    for (std::size_t c = 0; c < zd.size(); ++c) {
      CHECK(zp[c] == Approx(zd[c] * std::sqrt(static_cast<double>(dh))).margin(1e-5));
      any = any || std::fabs(zd[c]) > 1e-3;
    }
    CHECK(any);
  }
}

TEST_CASE("cope pos_emb tensor: the table in float32") {
  auto s = pe::make_scheme("cope", {{"npos", "5"}, {"seed", "6"}});
  const pe::LayerShape shape{n, 2 * dh, 2, true};
  REQUIRE(s->param_specs(shape).size() == 1);
  CHECK(s->param_specs(shape)[0].name == "pos_emb");
  const auto t = param_testing::init(*s, shape, 6);
  const auto table = s->table(3, 2 * dh, 2);
  const auto& e = table.find("pos_emb")->value;
  REQUIRE(t[0].size() == 5u * dh);
  for (int r = 0; r < 5; ++r)
    for (int c = 0; c < dh; ++c) CHECK(t[0][r * dh + c] == static_cast<float>(e(r, c)));
}
