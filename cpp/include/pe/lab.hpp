// The length-extrapolation experiment (`pe-cli lab`, the page's lab): train the same
// task once per scheme and seed — same data stream and same initial shared weights for
// every scheme of one seed (train.hpp) — then evaluate every model at each eval length.
// Per scheme and length: mean, min and max of the eval loss over seeds, and the mean
// answer accuracy. A length past a learned table is reported as not applicable.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pe/train.hpp"

namespace pe {

struct LabConfig {
  TrainConfig base;                  // scheme and seed are replaced per run
  std::vector<std::string> schemes;  // default: none sinusoidal learned rope alibi t5
  std::vector<std::uint64_t> seeds;  // default: {base.seed}
  std::map<std::string, Settings> settings;  // per scheme
};
const std::vector<std::string>& default_lab_schemes();

struct LabRun {
  std::string scheme;
  std::uint64_t seed = 0;
  std::vector<double> losses;        // per step
  std::vector<EvalResult> eval;      // per eval length
  double tokens_per_second = 0;
};

struct LabCell {                     // one scheme at one length, over seeds
  int len = 0;
  bool applicable = true;
  double loss_mean = 0, loss_min = 0, loss_max = 0;
  double accuracy_mean = 0;          // NaN when the task has no answers
};

struct LabResult {
  std::vector<int> lens;
  std::vector<LabRun> runs;                                   // scheme-major, seeds inner
  std::vector<std::pair<std::string, std::vector<LabCell>>> table;  // per scheme, per length
};

// progress(run index, runs in total, steps done in this run): called after every step.
LabResult run_lab(const LabConfig& config, const std::function<void(int, int, int)>& progress = {});

}  // namespace pe
