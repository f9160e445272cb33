#include <catch2/catch.hpp>

#include <cmath>

#include "golden.hpp"
#include "pe/registry.hpp"
#include "pe/schemes/txl.hpp"

namespace {

// The scheme with its tensors bound to the given u, v, r_net.
struct Bound {
  std::unique_ptr<pe::Scheme> s = pe::make_scheme("txl");
  std::vector<float> u, v, w;
  Bound(const pe::LayerShape& shape, std::vector<float> u_, std::vector<float> v_, std::vector<float> w_)
      : u(std::move(u_)), v(std::move(v_)), w(std::move(w_)) {
    s->prepare(shape);
    pe::ParamViews views;
    views.value = {u.data(), v.data(), w.data()};
    views.grad = {nullptr, nullptr, nullptr};
    s->bind_params(views);
  }
};

}  // namespace

TEST_CASE("txl adds what Transformer-XL's rel_shift computes, for every causal key") {
  const auto in = golden::load("txl_inputs_h2_n7_d16.txt");
  const auto want = golden::load("txl_bias_h2_n7_d16.txt");
  const int H = 2, n = 7, d = 16, dh = 8;
  REQUIRE(in.size() == std::size_t(2 * H * n * dh + 2 * H * dh + d * d));
  std::size_t at = 0;
  auto take = [&](std::size_t count) {
    std::vector<float> out(in.begin() + at, in.begin() + at + count);
    at += count;
    return out;
  };
  const auto q = take(H * n * dh), k = take(H * n * dh), u = take(H * dh), v = take(H * dh), w = take(d * d);
  pe::LayerShape shape;
  shape.n = n;
  shape.d = d;
  shape.heads = H;
  shape.causal = true;
  Bound b(shape, u, v, w);
  const std::vector<int> pos{0, 1, 2, 3, 4, 5, 6};
  std::size_t g = 0;
  for (int h = 0; h < H; ++h) {
    pe::HeadView hv;
    hv.q = q.data() + h * n * dh;
    hv.k = k.data() + h * n * dh;
    hv.n = n;
    hv.dh = dh;
    std::vector<float> out(n * n, 0.0f);
    b.s->add_logit_bias(h, hv, pos.data(), true, pe::Block{0, n, 0, n}, out.data(), n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j <= i; ++j, ++g) {
        INFO("head " << h << " query " << i << " key " << j);
        CHECK(out[i * n + j] == Approx(want.at(g)).epsilon(2e-5).margin(2e-5));
      }
  }
  CHECK(g == want.size());
}

TEST_CASE("txl is translation-invariant and clamp_len clamps the distance") {
  const auto in = golden::load("txl_inputs_h2_n7_d16.txt");
  const int H = 2, n = 7, d = 16, dh = 8;
  std::vector<float> q(in.begin(), in.begin() + H * n * dh), k(in.begin() + H * n * dh, in.begin() + 2 * H * n * dh);
  std::vector<float> u(H * dh, 0.3f), v(H * dh, -0.2f), w(in.end() - d * d, in.end());
  pe::LayerShape shape;
  shape.n = n;
  shape.d = d;
  shape.heads = H;
  Bound b(shape, u, v, w);
  pe::HeadView hv{q.data(), k.data(), n, dh};
  std::vector<int> pos(n), shifted(n);
  for (int i = 0; i < n; ++i) pos[i] = i, shifted[i] = i + 1000;
  std::vector<float> a(n * n, 0.0f), c(n * n, 0.0f);
  b.s->add_logit_bias(1, hv, pos.data(), false, pe::Block{0, n, 0, n}, a.data(), n);
  b.s->add_logit_bias(1, hv, shifted.data(), false, pe::Block{0, n, 0, n}, c.data(), n);
  for (int x = 0; x < n * n; ++x) CHECK(a[x] == c[x]);
  // clamp_len 2: the bias at distance 5 equals the bias at distance 2 when q_i = q_i'
  double R5[16], R2[16];
  auto clamped = pe::make_scheme("txl", {{"clamp_len", "2"}});
  pe::txl_relative_embedding(5, d, R5);
  pe::txl_relative_embedding(2, d, R2);
  CHECK(R5[0] != Approx(R2[0]));  // the embeddings differ...
  clamped->prepare(shape);
  pe::ParamViews views;
  views.value = {u.data(), v.data(), w.data()};
  views.grad = {nullptr, nullptr, nullptr};
  clamped->bind_params(views);
  std::vector<float> same_q(n * dh);
  for (int i = 0; i < n; ++i)
    for (int c2 = 0; c2 < dh; ++c2) same_q[i * dh + c2] = q[c2];  // every query the same
  pe::HeadView sv{same_q.data(), k.data(), n, dh};
  std::vector<float> o(n * n, 0.0f);
  clamped->add_logit_bias(0, sv, pos.data(), true, pe::Block{0, n, 0, n}, o.data(), n);
  CHECK(o[5 * n + 0] - o[5 * n + 0] == 0.0f);
  // ...but with clamp_len 2 key 0 seen from query 5 (distance 5) and from query 2 (distance 2)
  // differ only through u.k_0, which is the same: the biases agree
  CHECK(o[5 * n + 0] == Approx(o[2 * n + 0]).epsilon(1e-6));
}
