// pe_bench_native: the native side of `npm run bench` (scripts/bench/run.mjs drives it).
// Times the workload of pe/bench_workload.hpp with the same policy as the JS side
// (scripts/bench/measure.mjs), and prints one JSON object on stdout. No maths here.
//
//   pe_bench_native time [--schemes rope,alibi] [--ns 64,512,2048] [--full] [--causal]
//                        [--heads 8] [--head-dim 64] [--min-time 0.5]
//     -> {"results": [{scheme, n, mode, first_ms, median_ms (CPU), wall_median_ms, reps,
//                      gflops (from CPU time), wall_gflops, checksum}]}
//   pe_bench_native peak        -> {"peak": {chains, gflops}} (the loop of peak_madd.hpp)
//   pe_bench_native memory N [--scheme rope]
//     -> {"memory": {n, max_rss_bytes, cache_bytes}}: the whole streaming layer
//        (setup, run, output) in this process; max RSS as peak_rss_bytes() reads it.
//   pe_bench_native train [--scheme rope] [--task stories] [--lens 64,256] [--batch 16]
//                         [--min-time 0.5]
//     -> {"train": [{scheme, task, len, batch, tokens, parameters, first_ms, median_ms
//                    (CPU), wall_median_ms, reps, tokens_per_s (from CPU time),
//                    wall_tokens_per_s, loss}]}: pe::Trainer::step, the call the WASM
//        module's trainerStep makes, timed one step at a time (TRAIN_POLICY of
//        measure.mjs: at most 20 timed steps); the default model (2 layers, dim 64,
//        4 heads), seed 1, a 1000-step schedule, as scripts/bench/run.mjs creates it.
//   pe_bench_native train-memory L [--scheme rope] [--task stories] [--batch 16] [--steps 2]
//     -> {"train_memory": {len, batch, steps, max_rss_bytes, parameter_bytes}}: a trainer
//        at length L after `steps` steps; max RSS as peak_rss_bytes() reads it.
// Times are CPU time of the thread (the machine may be shared), wall time beside it.
// Bad arguments or input: exit 2 with one line on stderr.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "peak_madd.hpp"
#include "pe/bench_workload.hpp"
#include "pe/error.hpp"
#include "pe/json.hpp"
#include "pe/train.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double now_ms() {
  return std::chrono::duration<double, std::milli>(Clock::now().time_since_epoch()).count();
}

// CPU time of this thread: the figure that counts on a shared machine (measure.mjs).
double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

// Peak resident set of this process: VmHWM of /proc/self/status, else getrusage. Not
// getrusage first: Linux carries ru_maxrss across fork and exec, so a bench started by
// Node would report Node's own peak (~200 MiB) when it is the larger.
long long peak_rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6) * 1024;  // "VmHWM:  1234 kB"
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<long long>(ru.ru_maxrss) * 1024;  // Linux: KiB
}

struct Times {
  std::vector<double> cpu, wall;  // ms per timed call
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

int to_int(const std::string& s) {
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  pe::require(end && *end == '\0' && !s.empty(), "not an integer: '" + s + "'");
  return static_cast<int>(v);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

// The repetition policy of scripts/bench/measure.mjs: warm up (at least 2 calls and
// 0.2 s), then time at least 5 calls and min_time seconds (at most max_reps); a call
// slower than 1.5 s: no more warm-up, 3 timed calls. Each call is timed alone (CPU and wall).
template <class F>
Times time_calls(F&& call, double first_ms, double min_time_s, std::size_t max_reps = 200) {
  const bool slow = first_ms > 1500.0;
  const int warm_calls = slow ? 0 : 2, min_reps = slow ? 3 : 5;
  double warm_spent = 0.0;
  for (int i = 0; !slow && (i < warm_calls || warm_spent < 200.0); ++i) {
    const double c0 = cpu_ms();
    call();
    warm_spent += cpu_ms() - c0;
  }
  Times times;
  double spent = 0.0;
  while (times.cpu.size() < max_reps &&
         (static_cast<int>(times.cpu.size()) < min_reps || (!slow && spent < 1000.0 * min_time_s))) {
    const double c0 = cpu_ms(), t0 = now_ms();
    call();
    times.wall.push_back(now_ms() - t0);
    times.cpu.push_back(cpu_ms() - c0);
    spent += times.cpu.back();
  }
  return times;
}

struct Options {
  std::vector<std::string> schemes{"rope", "alibi"};
  std::vector<int> ns{64, 512, 2048};
  pe::BenchSetup base;
  double min_time = 0.5;
  // training
  std::string task = "stories";
  std::vector<int> lens{64, 256};
  int batch = 16;
  int steps = 2;  // train-memory
};

// The trainer run.mjs creates through trainerCreate: {scheme, task, len, batch, steps:
// 1000, seed: 1} and the default model.
pe::TrainConfig train_config(const Options& o, int len) {
  pe::TrainConfig c;
  c.scheme = o.schemes.front();
  c.task = o.task;
  c.len = len;
  c.batch = o.batch;
  c.steps = 1000;
  c.seed = 1;
  return c;
}

int cmd_time(const Options& o) {
  pe::JsonWriter w(std::cout);
  w.begin_object().key("results").begin_array();
  for (const auto& scheme : o.schemes)
    for (int n : o.ns) {
      pe::BenchSetup s = o.base;
      s.scheme = scheme;
      s.n = n;
      pe::AttentionBench bench(s);
      const double c0 = cpu_ms(), t0 = now_ms();
      bench.run();
      const double first = now_ms() - t0, first_cpu = cpu_ms() - c0;
      const Times times = time_calls([&] { bench.run(); }, first_cpu, o.min_time);
      const double med = median(times.cpu), wall = median(times.wall);
      w.begin_object();
      w.key("scheme").value(scheme).key("n").value(n).key("mode").value(s.streaming ? "streaming" : "full");
      w.key("first_ms").value(first).key("median_ms").value(med).key("wall_median_ms").value(wall);
      w.key("reps").value(static_cast<int>(times.cpu.size()));
      w.key("gflops").value(bench.flops() / (med * 1e6)).key("wall_gflops").value(bench.flops() / (wall * 1e6));
      w.key("checksum").value(bench.checksum());
      w.end_object();
    }
  w.end_array().end_object();
  std::cout << "\n";
  return 0;
}

int cmd_peak() {
  const int iterations = 2000000;
  pe::JsonWriter w(std::cout);
  w.begin_object().key("peak").begin_object();
#if PE_HAS_SIMD
  double best = 0.0;
  int best_chains = 0;
  for (int chains : {8, 12}) {
    std::vector<double> times;
    volatile float sink = 0.0f;
    for (int r = 0; r < 15; ++r) {
      const double c0 = cpu_ms();
      sink = sink + (chains == 8 ? pe::bench::peak_madd<8>(iterations, 1.0f + r)
                                 : pe::bench::peak_madd<12>(iterations, 1.0f + r));
      times.push_back(cpu_ms() - c0);
    }
    const double g = pe::bench::peak_madd_flops(iterations, chains) / (median(times) * 1e6);
    if (g > best) {
      best = g;
      best_chains = chains;
    }
  }
  w.key("chains").value(best_chains).key("gflops").value(best);
#else
  w.key("chains").value(0).key("gflops").null();
#endif
  w.end_object().end_object();
  std::cout << "\n";
  return 0;
}

int cmd_memory(const Options& o, int n) {
  pe::BenchSetup s = o.base;
  s.scheme = o.schemes.front();
  s.n = n;
  s.streaming = true;
  pe::AttentionBench bench(s);
  bench.run();
  bench.output();
  const long long rss = peak_rss_bytes();
  pe::JsonWriter w(std::cout);
  w.begin_object().key("memory").begin_object();
  w.key("n").value(n).key("scheme").value(s.scheme);
  w.key("max_rss_bytes").value(rss);
  w.key("cache_bytes").value(static_cast<long long>(bench.cache_bytes()));
  w.key("checksum").value(bench.checksum());
  w.end_object().end_object();
  std::cout << "\n";
  return 0;
}

int cmd_train(const Options& o) {
  pe::JsonWriter w(std::cout);
  w.begin_object().key("train").begin_array();
  for (int len : o.lens) {
    pe::Trainer trainer(train_config(o, len));
    const double c0 = cpu_ms(), t0 = now_ms();
    double loss = trainer.step();
    const double first = now_ms() - t0, first_cpu = cpu_ms() - c0;
    const Times times = time_calls([&] { loss = trainer.step(); }, first_cpu, o.min_time, 20);
    const double med = median(times.cpu), wall = median(times.wall);
    const double tokens = static_cast<double>(o.batch) * len;
    w.begin_object();
    w.key("scheme").value(trainer.config().scheme).key("task").value(trainer.config().task);
    w.key("len").value(len).key("batch").value(o.batch).key("tokens").value(tokens);
    w.key("parameters").value(static_cast<double>(trainer.model().params().value.size()));
    w.key("first_ms").value(first).key("median_ms").value(med).key("wall_median_ms").value(wall);
    w.key("reps").value(static_cast<int>(times.cpu.size()));
    w.key("tokens_per_s").value(tokens / (med * 1e-3)).key("wall_tokens_per_s").value(tokens / (wall * 1e-3));
    w.key("loss").value(loss);
    w.end_object();
  }
  w.end_array().end_object();
  std::cout << "\n";
  return 0;
}

int cmd_train_memory(const Options& o, int len) {
  pe::Trainer trainer(train_config(o, len));
  for (int i = 0; i < o.steps; ++i) trainer.step();
  const long long rss = peak_rss_bytes();
  const pe::ParamBlock& P = trainer.model().params();
  pe::JsonWriter w(std::cout);
  w.begin_object().key("train_memory").begin_object();
  w.key("len").value(len).key("batch").value(o.batch).key("steps").value(o.steps);
  w.key("max_rss_bytes").value(rss);
  w.key("parameter_bytes").value(static_cast<long long>(4 * sizeof(float) * P.value.size()));  // values, grads, m, v
  w.end_object().end_object();
  std::cout << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    pe::require(!args.empty(),
                "usage: pe_bench_native time|peak|memory N|train|train-memory L [options] (see cpp/bench/bench_native.cpp)");
    const std::string cmd = args[0];
    Options o;
    int memory_n = 0;
    std::size_t i = 1;
    if (cmd == "memory" || cmd == "train-memory") {
      pe::require(args.size() > 1, cmd + " needs a token count");
      memory_n = to_int(args[1]);
      i = 2;
    }
    for (; i < args.size(); ++i) {
      const std::string& a = args[i];
      auto next = [&]() -> std::string {
        pe::require(i + 1 < args.size(), a + " needs a value");
        return args[++i];
      };
      if (a == "--schemes" || a == "--scheme") o.schemes = split(next());
      else if (a == "--ns") {
        o.ns.clear();
        for (const auto& s : split(next())) o.ns.push_back(to_int(s));
      } else if (a == "--full") o.base.streaming = false;
      else if (a == "--causal") o.base.causal = true;
      else if (a == "--heads") o.base.heads = to_int(next());
      else if (a == "--head-dim") o.base.head_dim = to_int(next());
      else if (a == "--min-time") o.min_time = std::atof(next().c_str());
      else if (a == "--task") o.task = next();
      else if (a == "--lens") {
        o.lens.clear();
        for (const auto& s : split(next())) o.lens.push_back(to_int(s));
      } else if (a == "--batch") o.batch = to_int(next());
      else if (a == "--steps") o.steps = to_int(next());
      else throw pe::Error("unknown option " + a);
    }
    pe::require(!o.schemes.empty(), "no scheme given");
    if (cmd == "time") return cmd_time(o);
    if (cmd == "peak") return cmd_peak();
    if (cmd == "memory") return cmd_memory(o, memory_n);
    if (cmd == "train") return cmd_train(o);
    if (cmd == "train-memory") return cmd_train_memory(o, memory_n);
    throw pe::Error("unknown command '" + cmd + "' (time, peak, memory, train, train-memory)");
  } catch (const pe::Error& e) {
    std::cerr << "pe_bench_native: " << e.what() << "\n";
    return 2;
  }
}
