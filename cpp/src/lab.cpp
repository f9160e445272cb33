// The length-extrapolation experiment (lab.hpp).
#include "pe/lab.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "pe/error.hpp"
#include "pe/registry.hpp"

namespace pe {

const std::vector<std::string>& default_lab_schemes() {
  static const std::vector<std::string> names{"none", "sinusoidal", "learned", "rope", "alibi", "t5"};
  return names;
}

LabResult run_lab(const LabConfig& c, const std::function<void(int, int, int)>& progress) {
  const std::vector<std::string> schemes = c.schemes.empty() ? default_lab_schemes() : c.schemes;
  const std::vector<std::uint64_t> seeds = c.seeds.empty() ? std::vector<std::uint64_t>{c.base.seed} : c.seeds;
  for (const auto& s : schemes) find_scheme(s);  // unknown names fail before any training
  require(schemes.size() * seeds.size() <= 256, "the lab runs at most 256 trainings (schemes x seeds)");
  LabResult r;
  r.lens = eval_lengths(c.base);
  const int total = static_cast<int>(schemes.size() * seeds.size());
  for (const auto& scheme : schemes) {
    std::vector<LabCell> cells(r.lens.size());
    for (const auto seed : seeds) {
      TrainConfig t = c.base;
      t.scheme = scheme;
      t.seed = seed;
      auto it = c.settings.find(scheme);
      t.settings = it != c.settings.end() ? it->second : Settings{};
      Trainer trainer(t);
      const int index = static_cast<int>(r.runs.size());
      for (int s = 0; s < t.steps; ++s) {
        trainer.step();
        if (progress) progress(index, total, s + 1);
      }
      LabRun run;
      run.scheme = scheme;
      run.seed = seed;
      run.losses = trainer.losses();
      run.tokens_per_second = trainer.tokens_per_second();
      for (int len : r.lens) run.eval.push_back(trainer.evaluate(len));
      r.runs.push_back(std::move(run));
    }
    for (std::size_t k = 0; k < r.lens.size(); ++k) {
      LabCell& cell = cells[k];
      cell.len = r.lens[k];
      double sum = 0, acc = 0;
      int n = 0, n_acc = 0;
      cell.loss_min = std::numeric_limits<double>::infinity();
      cell.loss_max = -std::numeric_limits<double>::infinity();
      for (const auto& run : r.runs) {
        if (run.scheme != scheme) continue;
        const EvalResult& e = run.eval[k];
        if (!e.applicable) { cell.applicable = false; continue; }
        sum += e.loss;
        cell.loss_min = std::min(cell.loss_min, e.loss);
        cell.loss_max = std::max(cell.loss_max, e.loss);
        ++n;
        if (!std::isnan(e.accuracy)) { acc += e.accuracy; ++n_acc; }
      }
      const double nan = std::numeric_limits<double>::quiet_NaN();
      if (!cell.applicable || n == 0) {
        cell.applicable = false;
        cell.loss_mean = cell.loss_min = cell.loss_max = cell.accuracy_mean = nan;
      } else {
        cell.loss_mean = sum / n;
        cell.accuracy_mean = n_acc > 0 ? acc / n_acc : nan;
      }
    }
    r.table.emplace_back(scheme, std::move(cells));
  }
  return r;
}

}  // namespace pe
