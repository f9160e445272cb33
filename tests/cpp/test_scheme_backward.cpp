// The *_backward twins of every registered scheme against central finite differences.
//
// For each scheme (its defaults, plus settings that reach other branches), causal and
// not (where the scheme allows it), consecutive and spread-out positions, and each of
// the four hooks: random inputs, a random linear functional L = sum(R * hook output),
// the backward's gradient of L with respect to every input the hook reads (x; q and k;
// q and k through the HeadView; p) and every declared tensor, compared with
// (L(v + eps u) - L(v - eps u)) / (2 eps) along random unit directions u and entry by
// entry. Hooks a scheme does not override are identities or no-ops, so the defaults
// pass too: the loop needs no list of who overrides what, and a scheme registered later
// is checked without an edit here. Logit and value hooks are also run block by block:
// the backward over a partition of the (n, n) logits must add up to the full block's.
//
// The hooks compute in float32, so differences use eps 1e-2 (directions) and 3e-3
// (entries) and the tolerance scales with the gradient's size: |fd - g| <=
// 3e-2 (|g| + rms) + 1e-4 per entry, rms the root mean square of that gradient.
// CoPE is piecewise smooth (the interpolation between table rows and the cap at
// npos - 1 have kinks), and a step of eps may cross one: a check passes when the central
// difference or either one-sided difference agrees (a kink spoils one side only).
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "pe/error.hpp"
#include "pe/registry.hpp"
#include "pe/rng.hpp"

namespace {

constexpr int kN = 7, kD = 16, kHeads = 2, kDh = kD / kHeads;
constexpr double kEpsDirection = 1e-2, kEpsEntry = 3e-3;
constexpr double kRelTol = 3e-2, kAbsTol = 1e-4;
constexpr std::size_t kMaxEntries = 160;  // entries checked one by one per input (random ones past that)

// Settings that reach branches the defaults do not (every scheme also runs its defaults).
const std::map<std::string, std::vector<pe::Settings>>& variants() {
  static const std::map<std::string, std::vector<pe::Settings>> v = {
      {"sinusoidal", {{{"layout", "concat"}}}},
      {"learned", {{{"max_len", "40"}, {"std", "0.5"}}}},
      {"integer", {{{"normalise", "true"}}}},
      {"rope",
       {{{"layout", "interleaved"}},
        {{"partial", "0.5"}},
        {{"scaling", "yarn"}, {"factor", "4"}, {"original_max", "16"}},
        {{"scaling", "dynamic"}, {"factor", "2"}, {"max_pos", "4"}}}},
      {"xpos", {{{"scale_base", "2"}}, {{"layout", "half"}, {"scale_base", "3"}}}},
      {"fope", {{{"init", "eye_norm"}, {"ignore_zero", "false"}, {"sigma", "0.5"}}, {{"sigma", "3"}}}},
      {"alibi", {{{"causal", "true"}}}},
      {"shaw", {{{"max_relative", "2"}}}},
      {"t5", {{{"num_buckets", "8"}, {"max_distance", "6"}},
              {{"bidirectional", "false"}, {"num_buckets", "6"}, {"max_distance", "5"}}}},
      {"cpe", {{{"seed", "3"}}}},
      {"cope", {{{"npos", "3"}}, {{"npos", "4"}, {"divide", "false"}}}},
      {"randomized", {{{"inner", "learned"}, {"noise_max_length", "40"}}, {{"inner", "rope"}}}},
  };
  return v;
}

const std::vector<std::vector<int>>& position_sets() {
  static const std::vector<std::vector<int>> p = {{0, 1, 2, 3, 4, 5, 6}, {2, 3, 5, 8, 13, 21, 34}};
  return p;
}

std::string describe(const std::string& scheme, const pe::Settings& settings, bool causal,
                     const std::vector<int>& pos) {
  std::ostringstream o;
  o << scheme;
  for (const auto& kv : settings) o << " " << kv.first << "=" << kv.second;
  o << (causal ? " causal" : " bidirectional") << " pos";
  for (int p : pos) o << " " << p;
  return o.str();
}

std::vector<float> randn(std::size_t count, pe::Rng& rng, double sd = 1.0) {
  std::vector<float> v(count);
  for (auto& x : v) x = static_cast<float>(rng.normal(0.0, sd));
  return v;
}

// Storage bound to a scheme: seeded values (slightly moved, so no entry sits at a special
// point of the init) and zeroed gradients, one per declared tensor.
struct Bound {
  std::vector<pe::ParamTensorSpec> specs;
  std::vector<std::vector<float>> value, grad;

  Bound(pe::Scheme& s, const pe::LayerShape& shape, pe::Rng& rng) : specs(s.param_specs(shape)) {
    std::vector<float*> ptrs;
    for (const auto& spec : specs) {
      std::size_t count = 1;
      for (int e : spec.shape) count *= static_cast<std::size_t>(e);
      value.emplace_back(count, 0.0f);
      grad.emplace_back(count, 0.0f);
      ptrs.push_back(value.back().data());
    }
    s.init_params(shape, 11, ptrs);
    for (auto& v : value)
      for (auto& x : v) x += static_cast<float>(rng.normal(0.0, 0.05));
    bind(s, true);
  }
  void bind(pe::Scheme& s, bool with_grads) {
    pe::ParamViews views;
    for (std::size_t t = 0; t < value.size(); ++t) {
      views.value.push_back(value[t].data());
      views.grad.push_back(with_grads ? grad[t].data() : nullptr);
    }
    s.bind_params(views);
  }
  void zero_grad() {
    for (auto& g : grad) std::fill(g.begin(), g.end(), 0.0f);
  }
};

// One input of a hook (or a tensor), perturbed in place, with the backward's gradient.
struct Var {
  std::string name;
  float* x;
  std::size_t size;
  std::vector<float> grad;  // (size)
};

// The tensors of `bound` as Vars, with the gradients the last backward accumulated.
void add_tensor_vars(Bound& bound, std::vector<Var>& vars) {
  for (std::size_t t = 0; t < bound.value.size(); ++t)
    vars.push_back({"tensor " + bound.specs[t].name, bound.value[t].data(), bound.value[t].size(), bound.grad[t]});
}

// Compares each var's gradient with central differences of loss(); returns the worst
// error as a fraction of its tolerance (<= 1 passes) and names it in `worst_at`.
double difference_check(const std::function<double()>& loss, std::vector<Var>& vars, pe::Rng& rng,
                        std::string& worst_at) {
  double worst = 0;
  auto note = [&](double err, double tol, const std::string& where) {
    if (err / tol > worst) {
      worst = err / tol;
      worst_at = where;
    }
  };
  const double l0 = loss();
  // The best agreement of the central and the two one-sided differences.
  auto error = [&](double lp, double lm, double step_p, double step_m, double an, double* fd) {
    *fd = (lp - lm) / (step_p + step_m);
    return std::min({std::fabs(*fd - an), std::fabs((lp - l0) / step_p - an), std::fabs((l0 - lm) / step_m - an)});
  };
  for (auto& v : vars) {
    if (v.size == 0) continue;
    double g2 = 0;
    for (float g : v.grad) g2 += static_cast<double>(g) * g;
    const double rms = std::sqrt(g2 / v.size);
    const std::vector<float> x0(v.x, v.x + v.size);
    // Along random unit directions.
    for (int r = 0; r < 3; ++r) {
      std::vector<double> u(v.size);
      double norm = 0;
      for (auto& e : u) {
        e = rng.normal();
        norm += e * e;
      }
      double an = 0;
      for (std::size_t e = 0; e < v.size; ++e) {
        u[e] /= std::sqrt(norm);
        an += v.grad[e] * u[e];
      }
      for (std::size_t e = 0; e < v.size; ++e) v.x[e] = static_cast<float>(x0[e] + kEpsDirection * u[e]);
      const double lp = loss();
      for (std::size_t e = 0; e < v.size; ++e) v.x[e] = static_cast<float>(x0[e] - kEpsDirection * u[e]);
      const double lm = loss();
      std::copy(x0.begin(), x0.end(), v.x);
      double fd;
      const double err = error(lp, lm, kEpsDirection, kEpsDirection, an, &fd);
      // |an| is about rms for a random unit direction.
      note(err, kRelTol * (std::fabs(an) + rms) + kAbsTol,
           v.name + " along a random direction: difference " + std::to_string(fd) + ", backward " +
               std::to_string(an));
    }
    // Entry by entry (a random subset of large tensors).
    std::vector<std::size_t> entries;
    if (v.size <= kMaxEntries) {
      for (std::size_t e = 0; e < v.size; ++e) entries.push_back(e);
    } else {
      for (std::size_t c = 0; c < kMaxEntries; ++c) entries.push_back(rng.next_u64() % v.size);
    }
    for (std::size_t e : entries) {
      const float plus = static_cast<float>(x0[e] + kEpsEntry), minus = static_cast<float>(x0[e] - kEpsEntry);
      v.x[e] = plus;
      const double lp = loss();
      v.x[e] = minus;
      const double lm = loss();
      v.x[e] = x0[e];
      double fd;
      const double err = error(lp, lm, static_cast<double>(plus) - x0[e], static_cast<double>(x0[e]) - minus,
                               v.grad[e], &fd);
      note(err, kRelTol * (std::fabs(v.grad[e]) + rms) + kAbsTol,
           v.name + "[" + std::to_string(e) + "]: difference " + std::to_string(fd) + ", backward " +
               std::to_string(v.grad[e]));
    }
  }
  return worst;
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

// One configured scheme over one position set: the checks of the four hooks.
struct Harness {
  pe::Scheme& s;
  Bound& bound;
  const std::vector<int>& pos;
  bool causal;
  pe::Rng& rng;

  double encode_input(std::string& at) {
    auto x = randn(static_cast<std::size_t>(kN) * kD, rng);
    const auto r = randn(x.size(), rng);
    auto loss = [&] {
      std::vector<float> y = x;
      s.encode_input(y.data(), kN, kD, pos.data());
      return dot(r, y);
    };
    bound.zero_grad();
    std::vector<float> dx = r;
    s.encode_input_backward(x.data(), dx.data(), kN, kD, pos.data());
    std::vector<Var> vars = {{"x", x.data(), x.size(), dx}};
    add_tensor_vars(bound, vars);
    return difference_check(loss, vars, rng, at);
  }

  double encode_query_key(std::string& at) {
    const std::size_t size = static_cast<std::size_t>(kHeads) * kN * kDh;
    auto q = randn(size, rng), k = randn(size, rng);
    const auto rq = randn(size, rng), rk = randn(size, rng);
    auto loss = [&] {
      std::vector<float> q2 = q, k2 = k;
      s.encode_query_key(q2.data(), k2.data(), kHeads, kN, kDh, pos.data());
      return dot(rq, q2) + dot(rk, k2);
    };
    bound.zero_grad();
    std::vector<float> dq = rq, dk = rk;
    s.encode_query_key_backward(dq.data(), dk.data(), kHeads, kN, kDh, pos.data());
    std::vector<Var> vars = {{"q", q.data(), size, dq}, {"k", k.data(), size, dk}};
    add_tensor_vars(bound, vars);
    return difference_check(loss, vars, rng, at);
  }

  // Head h, block b of the logits: out and dlogits (b.i1 - b.i0, ld).
  double add_logit_bias(int h, pe::Block b, std::string& at) {
    const int rows = b.i1 - b.i0, cols = b.j1 - b.j0, ld = cols + 3;
    auto q = randn(static_cast<std::size_t>(kN) * kDh, rng), k = randn(q.size(), rng);
    const auto base = randn(static_cast<std::size_t>(rows) * ld, rng);
    auto r = randn(base.size(), rng);
    for (int i = b.i0; i < b.i1; ++i)
      for (int c = 0; c < ld; ++c)
        if (c >= cols || (causal && b.j0 + c > i)) r[static_cast<std::size_t>(i - b.i0) * ld + c] = 0.0f;
    const pe::HeadView hv{q.data(), k.data(), kN, kDh};
    auto loss = [&] {
      std::vector<float> out = base;
      s.add_logit_bias(h, hv, pos.data(), causal, b, out.data(), ld);
      return dot(r, out);  // r is 0 where the mask or the padding is
    };
    bound.zero_grad();
    std::vector<float> dq(q.size(), 0.0f), dk(k.size(), 0.0f);
    s.add_logit_bias_backward(h, hv, pos.data(), causal, b, r.data(), ld, pe::HeadGrad{dq.data(), dk.data()});
    std::vector<Var> vars = {{"q (head view)", q.data(), q.size(), dq}, {"k (head view)", k.data(), k.size(), dk}};
    add_tensor_vars(bound, vars);
    return difference_check(loss, vars, rng, at);
  }

  // Head h, block b: p (b.i1 - b.i0, cols) and acc (b.i1 - b.i0, dh).
  double add_value_terms(int h, pe::Block b, std::string& at) {
    const int rows = b.i1 - b.i0, cols = b.j1 - b.j0;
    std::vector<float> p(static_cast<std::size_t>(rows) * cols);
    for (auto& x : p) x = static_cast<float>(rng.uniform());
    const auto acc0 = randn(static_cast<std::size_t>(rows) * kDh, rng), r = randn(acc0.size(), rng);
    auto loss = [&] {
      std::vector<float> acc = acc0;
      s.add_value_terms(h, pos.data(), b, p.data(), cols, acc.data(), kDh);
      return dot(r, acc);
    };
    bound.zero_grad();
    std::vector<float> dp(p.size(), 0.0f);
    s.add_value_terms_backward(h, pos.data(), b, p.data(), cols, r.data(), kDh, dp.data(), cols);
    std::vector<Var> vars = {{"p", p.data(), p.size(), dp}};
    add_tensor_vars(bound, vars);
    return difference_check(loss, vars, rng, at);
  }
};

// Calls f(scheme name, settings) for every registered scheme with its defaults and then
// with each variant of variants().
void for_each_configuration(const std::function<void(const std::string&, const pe::Settings&)>& f) {
  for (const auto& e : pe::scheme_registry()) {
    const std::string name = e.info->name;
    f(name, pe::Settings{});
    const auto it = variants().find(name);
    if (it != variants().end())
      for (const auto& settings : it->second) f(name, settings);
  }
}

// A partition of the (n, n) logits into blocks of rows x cols (the last ones smaller).
std::vector<pe::Block> partition(int rows, int cols) {
  std::vector<pe::Block> out;
  for (int i0 = 0; i0 < kN; i0 += rows)
    for (int j0 = 0; j0 < kN; j0 += cols) out.push_back({i0, std::min(kN, i0 + rows), j0, std::min(kN, j0 + cols)});
  return out;
}

// max |a - b| / (max |b| + tiny)
double rel_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double num = 0, den = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    num = std::max(num, std::fabs(static_cast<double>(a[i]) - b[i]));
    den = std::max(den, std::fabs(static_cast<double>(b[i])));
  }
  return num / (den + 1e-30);
}

}  // namespace

TEST_CASE("every scheme's backward hooks match finite differences of its forward hooks") {
  std::uint64_t case_seed = 1;
  for_each_configuration([&](const std::string& name, const pe::Settings& settings) {
    int ran = 0;
    for (bool causal : {false, true})
      for (const auto& pos : position_sets()) {
        auto s = pe::make_scheme(name, settings);
        const pe::LayerShape shape{kN, kD, kHeads, causal};
        try {
          s->prepare(shape);
        } catch (const pe::Error& e) {  // e.g. alibi causal=true without a causal mask
          INFO(describe(name, settings, causal, pos) << " refused: " << e.what());
          CHECK(std::string(e.what()).find("causal") != std::string::npos);
          continue;
        }
        ++ran;
        pe::Rng rng(case_seed++);
        Bound bound(*s, shape, rng);
        Harness hs{*s, bound, pos, causal, rng};
        std::string at;
        const std::string what = describe(name, settings, causal, pos);
        {
          INFO(what << ": encode_input");
          const double worst = hs.encode_input(at);
          INFO("worst " << worst << " of the tolerance at " << at);
          CHECK(worst <= 1.0);
        }
        {
          INFO(what << ": encode_query_key");
          const double worst = hs.encode_query_key(at);
          INFO("worst " << worst << " of the tolerance at " << at);
          CHECK(worst <= 1.0);
        }
        for (int h = 0; h < kHeads; ++h)
          for (pe::Block b : {pe::Block{0, kN, 0, kN}, pe::Block{2, 6, 1, 5}, pe::Block{5, 7, 0, 3}}) {
            {
              INFO(what << ": add_logit_bias head " << h << " block rows " << b.i0 << ".." << b.i1 << " cols " << b.j0
                        << ".." << b.j1);
              const double worst = hs.add_logit_bias(h, b, at);
              INFO("worst " << worst << " of the tolerance at " << at);
              CHECK(worst <= 1.0);
            }
            {
              INFO(what << ": add_value_terms head " << h << " block rows " << b.i0 << ".." << b.i1 << " cols "
                        << b.j0 << ".." << b.j1);
              const double worst = hs.add_value_terms(h, b, at);
              INFO("worst " << worst << " of the tolerance at " << at);
              CHECK(worst <= 1.0);
            }
          }
      }
    INFO(describe(name, settings, false, {}) << ": no layer shape was accepted");
    CHECK(ran > 0);
  });
}

TEST_CASE("logit and value backward hooks add up over any partition of the block") {
  std::uint64_t case_seed = 1000;
  for_each_configuration([&](const std::string& name, const pe::Settings& settings) {
    for (bool causal : {false, true}) {
      const auto& pos = position_sets()[1];
      auto s = pe::make_scheme(name, settings);
      const pe::LayerShape shape{kN, kD, kHeads, causal};
      try {
        s->prepare(shape);
      } catch (const pe::Error&) {
        continue;  // refused shape (alibi causal=true without a mask): the test above checks it
      }
      pe::Rng rng(case_seed++);
      Bound bound(*s, shape, rng);
      const std::size_t nn = static_cast<std::size_t>(kN) * kN, per_head = static_cast<std::size_t>(kN) * kDh;
      auto q = randn(per_head, rng), k = randn(per_head, rng);
      auto dlogits = randn(nn, rng), dacc = randn(per_head, rng);
      std::vector<float> p(nn);
      for (auto& x : p) x = static_cast<float>(rng.uniform());
      for (int i = 0; i < kN; ++i)
        for (int j = i + 1; j < kN; ++j)
          if (causal) dlogits[static_cast<std::size_t>(i) * kN + j] = 0.0f;  // 0 where masked
      const pe::HeadView hv{q.data(), k.data(), kN, kDh};
      // Everything one backward pass accumulates, over the given blocks.
      auto run = [&](const std::vector<pe::Block>& blocks) {
        bound.zero_grad();
        std::vector<float> dq(per_head, 0.0f), dk(per_head, 0.0f), dp(nn, 0.0f);
        for (int h = 0; h < kHeads; ++h)
          for (pe::Block b : blocks) {
            const std::size_t corner = static_cast<std::size_t>(b.i0) * kN + b.j0;
            const float* dacc_rows = dacc.data() + static_cast<std::size_t>(b.i0) * kDh;
            s->add_value_terms_backward(h, pos.data(), b, p.data() + corner, kN, dacc_rows, kDh, dp.data() + corner,
                                        kN);
            s->add_logit_bias_backward(h, hv, pos.data(), causal, b, dlogits.data() + corner, kN,
                                       pe::HeadGrad{dq.data(), dk.data()});
          }
        std::vector<float> all = dq;
        all.insert(all.end(), dk.begin(), dk.end());
        all.insert(all.end(), dp.begin(), dp.end());
        for (const auto& g : bound.grad) all.insert(all.end(), g.begin(), g.end());
        return all;
      };
      const auto whole = run({pe::Block{0, kN, 0, kN}});
      for (auto rc : {std::pair<int, int>{1, 1}, {3, 2}, {2, 5}, {7, 3}}) {
        INFO(describe(name, settings, causal, pos) << " blocks " << rc.first << " x " << rc.second);
        CHECK(rel_diff(run(partition(rc.first, rc.second)), whole) < 1e-5);
      }
    }
  });
}

TEST_CASE("backward hooks give the same input gradients with no tensor gradients bound") {
  std::uint64_t case_seed = 2000;
  for_each_configuration([&](const std::string& name, const pe::Settings& settings) {
    auto s = pe::make_scheme(name, settings);
    const pe::LayerShape shape{kN, kD, kHeads, true};
    s->prepare(shape);
    pe::Rng rng(case_seed++);
    Bound bound(*s, shape, rng);
    const auto& pos = position_sets()[0];
    const std::size_t nd = static_cast<std::size_t>(kN) * kD, qk = static_cast<std::size_t>(kHeads) * kN * kDh;
    const std::size_t nn = static_cast<std::size_t>(kN) * kN, per_head = static_cast<std::size_t>(kN) * kDh;
    const auto x = randn(nd, rng), gx = randn(nd, rng), gq = randn(qk, rng), gk = randn(qk, rng);
    const auto q = randn(per_head, rng), k = randn(per_head, rng), dacc = randn(per_head, rng);
    auto dlogits = randn(nn, rng);
    for (int i = 0; i < kN; ++i)
      for (int j = i + 1; j < kN; ++j) dlogits[static_cast<std::size_t>(i) * kN + j] = 0.0f;
    std::vector<float> p(nn);
    for (auto& v : p) v = static_cast<float>(rng.uniform());
    const pe::HeadView hv{q.data(), k.data(), kN, kDh};
    const pe::Block all{0, kN, 0, kN};
    auto run = [&] {
      std::vector<float> dx = gx, dq = gq, dk = gk, dqh(per_head, 0.0f), dkh(per_head, 0.0f), dp(nn, 0.0f);
      s->encode_input_backward(x.data(), dx.data(), kN, kD, pos.data());
      s->encode_query_key_backward(dq.data(), dk.data(), kHeads, kN, kDh, pos.data());
      for (int h = 0; h < kHeads; ++h) {
        s->add_logit_bias_backward(h, hv, pos.data(), true, all, dlogits.data(), kN, pe::HeadGrad{dqh.data(), dkh.data()});
        s->add_value_terms_backward(h, pos.data(), all, p.data(), kN, dacc.data(), kDh, dp.data(), kN);
      }
      for (auto* v : {&dq, &dk, &dqh, &dkh, &dp}) dx.insert(dx.end(), v->begin(), v->end());
      return dx;
    };
    INFO(describe(name, settings, true, pos));
    bound.zero_grad();
    const auto with = run();
    bound.bind(*s, false);
    bound.zero_grad();
    const auto without = run();
    CHECK(with == without);
    for (const auto& g : bound.grad) CHECK(std::all_of(g.begin(), g.end(), [](float v) { return v == 0.0f; }));
  });
}

TEST_CASE("hooks read only the tensors of their own scope") {
  // The model binds the input scheme with null pointers for layer tensors and the layer
  // schemes with null pointers for input tensors (scheme.hpp ParamViews).
  std::uint64_t case_seed = 3000;
  for_each_configuration([&](const std::string& name, const pe::Settings& settings) {
    auto s = pe::make_scheme(name, settings);
    const pe::LayerShape shape{kN, kD, kHeads, true};
    s->prepare(shape);
    pe::Rng rng(case_seed++);
    Bound bound(*s, shape, rng);
    const auto& pos = position_sets()[1];
    const std::size_t nd = static_cast<std::size_t>(kN) * kD, qk = static_cast<std::size_t>(kHeads) * kN * kDh;
    const std::size_t nn = static_cast<std::size_t>(kN) * kN, per_head = static_cast<std::size_t>(kN) * kDh;
    const auto x = randn(nd, rng), q = randn(qk, rng), k = randn(qk, rng), acc = randn(per_head, rng);
    std::vector<float> p(nn);
    for (auto& v : p) v = static_cast<float>(rng.uniform());
    auto run_input = [&] {
      std::vector<float> y = x, dx = x;
      s->encode_input(y.data(), kN, kD, pos.data());
      s->encode_input_backward(x.data(), dx.data(), kN, kD, pos.data());
      y.insert(y.end(), dx.begin(), dx.end());
      return y;
    };
    auto run_layer = [&] {
      std::vector<float> q2 = q, k2 = k, logits(nn, 0.0f), a = acc, dqh(per_head, 0.0f), dkh(per_head, 0.0f),
                         dp(nn, 0.0f);
      s->encode_query_key(q2.data(), k2.data(), kHeads, kN, kDh, pos.data());
      s->encode_query_key_backward(q2.data(), k2.data(), kHeads, kN, kDh, pos.data());
      const pe::HeadView hv{q.data(), k.data(), kN, kDh};
      const pe::Block all{0, kN, 0, kN};
      for (int h = 0; h < kHeads; ++h) {
        s->add_logit_bias(h, hv, pos.data(), true, all, logits.data(), kN);
        s->add_logit_bias_backward(h, hv, pos.data(), true, all, logits.data(), kN, pe::HeadGrad{dqh.data(), dkh.data()});
        s->add_value_terms(h, pos.data(), all, p.data(), kN, a.data(), kDh);
        s->add_value_terms_backward(h, pos.data(), all, p.data(), kN, a.data(), kDh, dp.data(), kN);
      }
      for (auto* v : {&k2, &logits, &a, &dqh, &dkh, &dp}) q2.insert(q2.end(), v->begin(), v->end());
      return q2;
    };
    const auto input_all = run_input(), layer_all = run_layer();
    auto bind_scope = [&](pe::ParamScope scope) {
      pe::ParamViews views;
      for (std::size_t t = 0; t < bound.specs.size(); ++t) {
        const bool mine = bound.specs[t].scope == scope;
        views.value.push_back(mine ? bound.value[t].data() : nullptr);
        views.grad.push_back(mine ? bound.grad[t].data() : nullptr);
      }
      s->bind_params(views);
    };
    INFO(describe(name, settings, true, pos));
    bind_scope(pe::ParamScope::input);
    CHECK(run_input() == input_all);
    bind_scope(pe::ParamScope::layer);
    CHECK(run_layer() == layer_all);
  });
}

TEST_CASE("declared tensors: the names, shapes and scopes checkpoints rely on") {
  struct Want {
    std::string name;
    std::vector<int> shape;
    pe::ParamScope scope;
  };
  const pe::LayerShape shape{kN, kD, kHeads, false};
  const std::map<std::string, std::vector<Want>> known = {
      {"learned", {{"wpe", {1024, kD}, pe::ParamScope::input}}},
      {"cpe", {{"kernel", {kD, 3}, pe::ParamScope::input}, {"bias", {kD}, pe::ParamScope::input}}},
      {"t5", {{"rel_bias", {32, kHeads}, pe::ParamScope::layer}}},
      {"shaw", {{"key_table", {33, kDh}, pe::ParamScope::layer}, {"value_table", {33, kDh}, pe::ParamScope::layer}}},
      {"cope", {{"pos_emb", {64, kDh}, pe::ParamScope::layer}}},
  };
  for (const auto& e : pe::scheme_registry()) {
    const std::string name = e.info->name;
    INFO(name);
    auto s = pe::make_scheme(name);
    const auto specs = s->param_specs(shape);
    const auto it = known.find(name);
    if (it != known.end()) {
      REQUIRE(specs.size() == it->second.size());
      for (std::size_t t = 0; t < specs.size(); ++t) {
        CHECK(specs[t].name == it->second[t].name);
        CHECK(specs[t].shape == it->second[t].shape);
        CHECK(specs[t].scope == it->second[t].scope);
        CHECK_FALSE(specs[t].decay);
      }
    }
    // Any scheme: unique names, positive sizes, init fills every entry with a finite value.
    for (std::size_t t = 0; t < specs.size(); ++t) {
      CHECK(!specs[t].name.empty());
      for (std::size_t u = t + 1; u < specs.size(); ++u) CHECK(specs[t].name != specs[u].name);
      std::size_t count = 1;
      for (int x : specs[t].shape) {
        CHECK(x > 0);
        count *= static_cast<std::size_t>(std::max(x, 0));
      }
      std::vector<float> v(count, std::nanf(""));
      std::vector<float*> values(specs.size(), nullptr);  // null: left alone
      values[t] = v.data();
      s->init_params(shape, 4, values);
      CHECK(std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); }));
    }
  }
  // The schemes without tensors declare none.
  for (const char* name : {"none", "sinusoidal", "integer", "binary", "rope", "xpos", "fope", "alibi"})
    CHECK(pe::make_scheme(name)->param_specs(shape).empty());
}

TEST_CASE("ensure_params fills the tensors from the scheme's seed; bind_params replaces them") {
  const pe::LayerShape shape{5, 8, 2, false};
  for (const auto& e : pe::scheme_registry()) {
    const std::string name = e.info->name;
    INFO(name);
    auto s = pe::make_scheme(name);
    s->prepare(shape);
    s->ensure_params(shape);
    const auto specs = s->param_specs(shape);
    const auto& views = s->param_views();
    REQUIRE(views.value.size() == specs.size());
    std::vector<std::vector<float>> want;
    std::vector<float*> ptrs;
    for (const auto& spec : specs) {
      std::size_t count = 1;
      for (int x : spec.shape) count *= static_cast<std::size_t>(x);
      want.emplace_back(count, 0.0f);
      ptrs.push_back(want.back().data());
    }
    std::uint64_t seed = 0;  // the scheme's own `seed` setting, 0 when it has none
    for (const auto& spec : e.info->params)
      if (spec.key == "seed") seed = static_cast<std::uint64_t>(s->params().number("seed"));
    s->init_params(shape, seed, ptrs);
    for (std::size_t t = 0; t < specs.size(); ++t) CHECK(std::vector<float>(views.value[t], views.value[t] + want[t].size()) == want[t]);
  }
}
