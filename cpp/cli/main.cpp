// pe-cli: the command-line face of the core. Parses arguments, calls the library,
// prints JSON (--json) or readable tables. No maths here.
//
//   pe-cli schemes [--json]
//   pe-cli table SCHEME --len N --dim D [--heads H] [--set KEY=VALUE]... [--json]
//   pe-cli probe --sentence TEXT [--compare TEXT] [--scheme NAME|all] [--dim D]
//                [--heads H] [--seed S] [--causal] [--shift K] [--no-weights]
//                [--set KEY=VALUE]... [--json]
//   pe-cli probe --model FILE --sentence TEXT [--compare TEXT] [--layer L] [--shift K] [--json]
//   pe-cli train --scheme S [--set KEY=VALUE]... --task T [training options] [--save FILE] [--json]
//   pe-cli lab --task T --schemes a,b,... --seeds 1,2,3 [training options] [--json]
//   pe-cli loss --model FILE --batch FILE.json [--grads OUT.safetensors] [--json]
// Training options: --steps N --len L --batch B --layers N --dim D --heads H --lr X
//   --warmup N --weight-decay X --clip X --seed S --eval-lens 64,128 --eval-sequences N
//   --text FILE --text-level word|byte (task text)
// Bad input: exit status 2 and one line on stderr naming the problem.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "pe/checkpoint.hpp"
#include "pe/describe.hpp"
#include "pe/lab.hpp"
#include "pe/model_probe.hpp"
#include "pe/train_json.hpp"
#include "pe/error.hpp"
#include "pe/json.hpp"
#include "pe/limits.hpp"
#include "pe/probe.hpp"
#include "pe/registry.hpp"

namespace {

const char* kUsage =
    "usage: pe-cli schemes [--json]\n"
    "       pe-cli table SCHEME --len N --dim D [--heads H] [--set KEY=VALUE]... [--json]\n"
    "       pe-cli probe --sentence TEXT [--compare TEXT] [--scheme NAME|all] [--dim D] [--heads H]\n"
    "                    [--seed S] [--causal] [--shift K] [--no-weights] [--set KEY=VALUE]... [--json]\n"
    "       pe-cli probe --model FILE --sentence TEXT [--compare TEXT] [--layer L] [--shift K] [--json]\n"
    "       pe-cli train --scheme S [--set KEY=VALUE]... --task T [options] [--save FILE] [--json]\n"
    "       pe-cli lab --task T [--schemes a,b,...] [--seeds 1,2,3] [--set KEY=VALUE]... [options] [--json]\n"
    "       pe-cli loss --model FILE --batch FILE.json [--grads OUT.safetensors] [--json]\n"
    "  tasks: stories copy reverse sort recall text (--text FILE [--text-level word|byte])\n"
    "  options: --steps N --len L --batch B --layers N --dim D --heads H --lr X --warmup N\n"
    "           --weight-decay X --clip X --seed S --eval-lens 64,128,... --eval-sequences N\n";

struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // --key value (value "" for flags)
  std::vector<std::string> settings;                         // --set KEY=VALUE
  bool has(const std::string& k) const {
    for (const auto& o : options) if (o.first == k) return true;
    return false;
  }
  std::string get(const std::string& k, const std::string& def) const {
    std::string v = def;
    for (const auto& o : options) if (o.first == k) v = o.second;
    return v;
  }
};

Args parse_args(int argc, char** argv, const std::vector<std::string>& flags,
                const std::vector<std::string>& valued) {
  Args a;
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) != 0) { a.positional.push_back(s); continue; }
    std::string key = s.substr(2), val;
    auto eq = key.find('=');
    bool inline_value = eq != std::string::npos;
    if (inline_value) { val = key.substr(eq + 1); key = key.substr(0, eq); }
    bool is_flag = false, is_valued = false;
    for (const auto& f : flags) is_flag = is_flag || f == key;
    for (const auto& v : valued) is_valued = is_valued || v == key;
    if (is_flag && !inline_value) { a.options.push_back({key, ""}); continue; }
    pe::require(is_valued, "unknown option --" + key);
    if (!inline_value) {
      pe::require(i + 1 < argc, "option --" + key + " needs a value");
      val = argv[++i];
    }
    if (key == "set") a.settings.push_back(val);
    else a.options.push_back({key, val});
  }
  return a;
}

long long parse_int(const std::string& name, const std::string& text, long long lo, long long hi) {
  const char* b = text.c_str();
  char* e = nullptr;
  errno = 0;
  long long v = std::strtoll(b, &e, 10);
  pe::require(e != b && *e == '\0' && errno == 0, "--" + name + " '" + text + "' is not a whole number");
  pe::require(v >= lo && v <= hi, "--" + name + " " + text + " is out of range [" + std::to_string(lo) + ", " +
                                      std::to_string(hi) + "]");
  return v;
}

pe::Settings settings_of(const std::vector<std::string>& kvs) {
  pe::Settings s;
  for (const auto& kv : kvs) {
    auto p = pe::split_setting(kv);
    s[p.first] = p.second;
  }
  return s;
}

std::string spec_range(const pe::ParamSpec& p) {
  std::ostringstream o;
  if (p.kind == pe::ParamKind::choice) {
    for (std::size_t i = 0; i < p.choices.size(); ++i) o << (i ? "|" : "") << p.choices[i];
  } else if (p.kind == pe::ParamKind::boolean) {
    o << "true|false";
  } else {
    o << (p.min_exclusive ? "(" : "[") << p.min << ", " << p.max << "]";
  }
  return o.str();
}

int cmd_schemes(const Args& a) {
  const auto& all = pe::scheme_registry();
  if (a.has("json")) {
    pe::JsonWriter w(std::cout);
    pe::write_schemes_json(w);
    std::cout << "\n";
    return 0;
  }
  for (const auto& e : all) {
    const auto& i = *e.info;
    std::cout << std::left << std::setw(12) << i.name << std::setw(10) << pe::site_name(i.where) << i.title << "\n";
    for (const auto& p : i.params)
      std::cout << "    " << std::setw(18) << p.key << std::setw(14) << ("=" + p.def) << spec_range(p) << "  "
                << p.help << "\n";
  }
  return 0;
}

int cmd_table(const Args& a) {
  pe::require(a.positional.size() == 1, "table needs exactly one SCHEME (see pe-cli schemes)");
  pe::require(a.has("len"), "table needs --len N");
  pe::require(a.has("dim"), "table needs --dim D");
  const int n = static_cast<int>(parse_int("len", a.get("len", ""), 1, 1 << 30));
  const int d = static_cast<int>(parse_int("dim", a.get("dim", ""), 1, 1 << 30));
  const int h = static_cast<int>(parse_int("heads", a.get("heads", "1"), 1, 1 << 30));
  auto scheme = pe::make_scheme(a.positional[0], settings_of(a.settings));
  const pe::Table t = scheme->table(n, d, h);
  // Built completely before anything is printed: no partial tables.
  std::ostringstream buf;
  if (a.has("json")) {
    pe::JsonWriter w(buf);
    w.begin_object().key("scheme").value(a.positional[0]).key("len").value(n).key("dim").value(d);
    w.key("heads").value(h).key("table");
    pe::write_table_json(w, t);
    w.end_object();
    buf << "\n";
  } else {
    buf << std::setprecision(6);
    for (const auto& e : t.entries) {
      const auto& v = e.value;
      buf << e.name << " (";
      for (std::size_t k = 0; k < v.dimension(); ++k) buf << (k ? " x " : "") << v.shape()[k];
      buf << (v.dimension() == 0 ? "scalar" : "") << ")\n";
      const std::size_t cols = v.dimension() == 0 ? 1 : v.shape()[v.dimension() - 1];
      for (std::size_t i = 0; i < v.size(); ++i) {
        buf << std::setw(13) << v.data()[i];
        if ((i + 1) % cols == 0) buf << "\n";
      }
    }
  }
  std::cout << buf.str();
  return 0;
}

std::string read_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  pe::require(static_cast<bool>(in), what + " '" + path + "' cannot be read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

double parse_real(const std::string& name, const std::string& text) {
  const char* b = text.c_str();
  char* e = nullptr;
  errno = 0;
  const double v = std::strtod(b, &e);
  pe::require(e != b && *e == '\0' && errno == 0 && std::isfinite(v), "--" + name + " '" + text + "' is not a number");
  return v;
}

std::vector<long long> parse_int_list(const std::string& name, const std::string& text, long long lo, long long hi) {
  std::vector<long long> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ',')) out.push_back(parse_int(name, item, lo, hi));
  pe::require(!out.empty(), "--" + name + " needs at least one value");
  return out;
}

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ',')) {
    pe::require(!item.empty(), "an empty name in '" + text + "'");
    out.push_back(item);
  }
  return out;
}

const std::vector<std::string> kTrainValued = {"task", "steps", "len", "batch", "layers", "dim", "heads", "lr",
                                               "warmup", "weight-decay", "clip", "seed", "eval-lens",
                                               "eval-sequences", "text", "text-level", "set"};

pe::TrainConfig train_config_of(const Args& a) {
  pe::TrainConfig c;
  pe::require(a.has("task"), "training needs --task (stories, copy, reverse, sort, recall, text)");
  c.task = a.get("task", "");
  if (a.has("text")) c.task_options.text = read_file(a.get("text", ""), "--text");
  c.task_options.level = a.get("text-level", "word");
  c.steps = static_cast<int>(parse_int("steps", a.get("steps", "300"), 1, 1000000));
  c.len = static_cast<int>(parse_int("len", a.get("len", "64"), 2, 2048));
  c.batch = static_cast<int>(parse_int("batch", a.get("batch", "16"), 1, 4096));
  c.layers = static_cast<int>(parse_int("layers", a.get("layers", "2"), 1, 16));
  c.dim = static_cast<int>(parse_int("dim", a.get("dim", "64"), 2, 1024));
  c.heads = static_cast<int>(parse_int("heads", a.get("heads", "4"), 1, pe::limits::max_heads));
  c.lr = parse_real("lr", a.get("lr", "0.003"));
  if (a.has("warmup")) c.warmup = static_cast<int>(parse_int("warmup", a.get("warmup", ""), 0, 1000000));
  c.weight_decay = parse_real("weight-decay", a.get("weight-decay", "0.1"));
  c.clip = parse_real("clip", a.get("clip", "1"));
  c.seed = static_cast<std::uint64_t>(parse_int("seed", a.get("seed", "1"), 0, 4294967295LL));
  c.eval_sequences = static_cast<int>(parse_int("eval-sequences", a.get("eval-sequences", "16"), 1, 4096));
  if (a.has("eval-lens"))
    for (long long l : parse_int_list("eval-lens", a.get("eval-lens", ""), 2, pe::limits::max_tokens))
      c.eval_lens.push_back(static_cast<int>(l));
  return c;
}

void report_step(const pe::Trainer& t, int done, int total) {
  if (done != total && done % std::max(1, total / 10) != 0) return;
  std::cerr << "step " << done << "/" << total << "  loss " << std::fixed << std::setprecision(4) << t.losses().back()
            << "  " << std::setprecision(0) << t.tokens_per_second() << " tokens/s\n";
  std::cerr.unsetf(std::ios::fixed);
}

int cmd_train(const Args& a) {
  pe::require(a.positional.empty(), "train takes no positional argument");
  pe::TrainConfig c = train_config_of(a);
  pe::require(a.has("scheme"), "train needs --scheme NAME (see pe-cli schemes)");
  c.scheme = a.get("scheme", "");
  c.settings = settings_of(a.settings);
  pe::Trainer t(c);
  for (int s = 0; s < c.steps; ++s) {
    t.step();
    report_step(t, s + 1, c.steps);
  }
  std::vector<pe::EvalResult> eval;
  for (int len : pe::eval_lengths(c)) eval.push_back(t.evaluate(len));
  if (a.has("save"))
    pe::safetensors_save(a.get("save", ""), pe::checkpoint_encode(t.model(), t.task().vocab(), c.task));
  std::ostringstream buf;
  if (a.has("json")) {
    pe::JsonWriter w(buf);
    pe::write_train_json(w, t, eval);
    buf << "\n";
  } else {
    buf << c.scheme << " on " << c.task << ": final loss " << t.losses().back() << ", "
        << static_cast<long long>(t.tokens_per_second()) << " tokens/s\n";
    for (const auto& e : eval) {
      buf << "  eval len " << std::setw(5) << e.len << "  ";
      if (!e.applicable) buf << "not applicable (" << e.reason << ")\n";
      else buf << "loss " << std::setprecision(4) << e.loss << "  accuracy " << e.accuracy << "\n";
    }
  }
  std::cout << buf.str();
  return 0;
}

int cmd_lab(const Args& a) {
  pe::require(a.positional.empty(), "lab takes no positional argument");
  pe::LabConfig c;
  c.base = train_config_of(a);
  if (a.has("schemes")) {
    c.schemes = split_names(a.get("schemes", ""));
    for (const auto& s : c.schemes) pe::find_scheme(s);
  } else {
    c.schemes = pe::default_lab_schemes();
  }
  if (a.has("seeds"))
    for (long long s : parse_int_list("seeds", a.get("seeds", ""), 0, 4294967295LL))
      c.seeds.push_back(static_cast<std::uint64_t>(s));
  for (const auto& kv : a.settings) {  // to every chosen scheme that declares the key
    auto p = pe::split_setting(kv);
    bool used = false;
    for (const auto& name : c.schemes)
      for (const auto& spec : pe::find_scheme(name).info->params)
        if (spec.key == p.first) { c.settings[name][p.first] = p.second; used = true; }
    pe::require(used, "--set " + p.first + ": no chosen scheme has a parameter '" + p.first + "'");
  }
  const pe::LabResult r = pe::run_lab(c, [&](int run, int total, int step) {
    if (step == c.base.steps)
      std::cerr << "lab: run " << run + 1 << "/" << total << " done\n";
  });
  std::ostringstream buf;
  if (a.has("json")) {
    pe::JsonWriter w(buf);
    pe::write_lab_json(w, c, r);
    buf << "\n";
  } else {
    buf << "eval loss per scored token (mean [min, max] over seeds), task " << c.base.task << ", trained at length "
        << c.base.len << "\n" << std::left << std::setw(12) << "scheme";
    for (int len : r.lens) buf << std::setw(26) << ("len " + std::to_string(len));
    buf << "\n";
    for (const auto& row : r.table) {
      buf << std::setw(12) << row.first;
      for (const auto& cell : row.second) {
        std::ostringstream v;
        if (!cell.applicable) v << "n/a";
        else v << std::fixed << std::setprecision(3) << cell.loss_mean << " [" << cell.loss_min << ", " << cell.loss_max << "]";
        buf << std::setw(26) << v.str();
      }
      buf << "\n";
    }
  }
  std::cout << buf.str();
  return 0;
}

int cmd_loss(const Args& a) {
  pe::require(a.positional.empty(), "loss takes no positional argument");
  pe::require(a.has("model"), "loss needs --model FILE (a checkpoint of pe-cli train --save)");
  pe::require(a.has("batch"), "loss needs --batch FILE.json ({\"tokens\": [[ids]], \"targets\": [[ids or -1]]})");
  pe::Checkpoint ck = pe::checkpoint_decode(pe::safetensors_load(a.get("model", "")));
  std::vector<std::vector<int>> tokens, targets;
  pe::batch_from_json(read_file(a.get("batch", ""), "--batch"), tokens, targets);
  const bool grads = a.has("grads");
  const double loss = pe::batch_loss(*ck.model, tokens, targets, grads);
  if (grads) pe::safetensors_save(a.get("grads", ""), pe::gradients_encode(*ck.model));
  long long scored = 0;
  for (const auto& row : targets)
    for (int t : row) scored += t >= 0;
  if (a.has("json")) {
    std::ostringstream buf;
    pe::JsonWriter w(buf);
    w.begin_object().key("loss").value(loss).key("scored").value(scored).end_object();
    std::cout << buf.str() << "\n";
  } else {
    std::cout << std::setprecision(9) << "loss " << loss << " over " << scored << " scored targets\n";
  }
  return 0;
}

int cmd_probe_model(const Args& a) {
  pe::require(a.has("sentence"), "probe needs --sentence TEXT");
  for (const char* k : {"scheme", "dim", "heads", "seed", "causal", "no-weights"})
    pe::require(!a.has(k), std::string("--") + k + " does not apply with --model (the checkpoint fixes it)");
  pe::require(a.settings.empty(), "--set does not apply with --model (the checkpoint fixes the settings)");
  pe::Checkpoint ck = pe::checkpoint_decode(pe::safetensors_load(a.get("model", "")));
  pe::ModelProbeOptions o;
  o.sentence = a.get("sentence", "");
  o.compare = a.get("compare", "");
  o.layer = static_cast<int>(parse_int("layer", a.get("layer", "0"), 0, 15));
  o.shift = static_cast<int>(parse_int("shift", a.get("shift", "16"), 0, 1 << 20));
  const pe::ProbeResult r = pe::run_model_probe(*ck.model, ck.vocab, o);
  pe::ProbeOptions po;
  po.dim = ck.model->config().dim;
  po.heads = ck.model->config().heads;
  po.seed = ck.model->config().seed;
  po.causal = true;
  po.shift = o.shift;
  std::ostringstream buf;
  if (a.has("json")) {
    pe::JsonWriter w(buf);
    pe::write_probe_json(w, po, r);
    buf << "\n";
  } else {
    const auto& s = r.schemes[0];
    buf << "trained " << s.scheme << " model, layer " << o.layer << ": sentence_distance " << s.sentence_distance
        << ", shift_logit_change " << s.shift_logit_change << "\n";
  }
  std::cout << buf.str();
  return 0;
}

int cmd_probe(const Args& a) {
  if (a.has("model")) return cmd_probe_model(a);
  pe::require(!a.has("layer"), "--layer needs --model");
  pe::ProbeOptions o;
  pe::require(a.has("sentence"), "probe needs --sentence TEXT");
  pe::require(a.positional.empty(), "probe takes no positional argument '" +
                                        (a.positional.empty() ? std::string() : a.positional[0]) + "'");
  o.sentence = a.get("sentence", "");
  o.compare = a.get("compare", "");
  o.dim = static_cast<int>(parse_int("dim", a.get("dim", "64"), 1, pe::limits::max_dim));
  o.heads = static_cast<int>(parse_int("heads", a.get("heads", "4"), 1, pe::limits::max_heads));
  o.seed = static_cast<std::uint64_t>(parse_int("seed", a.get("seed", "1"), 0, (1LL << 53)));
  o.shift = static_cast<int>(parse_int("shift", a.get("shift", "16"), 0, 1 << 20));
  o.causal = a.has("causal");
  o.weights = !a.has("no-weights");
  const std::string which = a.get("scheme", "all");
  if (which != "all") {
    pe::find_scheme(which);
    o.schemes = {which};
  } else {
    for (const auto& e : pe::scheme_registry()) o.schemes.push_back(e.info->name);
  }
  // --set KEY=VALUE goes to every chosen scheme that declares KEY; a key none declares is an error.
  for (const auto& kv : a.settings) {
    auto p = pe::split_setting(kv);
    bool used = false;
    for (const auto& name : o.schemes) {
      for (const auto& spec : pe::find_scheme(name).info->params)
        if (spec.key == p.first) { o.settings[name][p.first] = p.second; used = true; }
    }
    pe::require(used, "--set " + p.first + ": no chosen scheme has a parameter '" + p.first + "'");
  }
  const pe::ProbeResult r = pe::run_probe(o);
  std::ostringstream buf;
  if (a.has("json")) {
    pe::JsonWriter w(buf);
    pe::write_probe_json(w, o, r);
    buf << "\n";
  } else {
    buf << "sentence: ";
    for (const auto& t : r.tokens) buf << "[" << t << "] ";
    buf << "\ncompare:  ";
    for (const auto& t : r.tokens_compare) buf << "[" << t << "] ";
    buf << "\n\n" << std::left << std::setw(12) << "scheme" << std::setw(20) << "sentence_distance"
        << "shift_logit_change\n";
    for (const auto& s : r.schemes)
      buf << std::setw(12) << s.scheme << std::setw(20) << std::setprecision(6) << s.sentence_distance
          << s.shift_logit_change << "\n";
  }
  std::cout << buf.str();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "help") {
      std::cout << kUsage;
      return argc < 2 ? 2 : 0;
    }
    const std::string cmd = argv[1];
    if (cmd == "schemes") return cmd_schemes(parse_args(argc, argv, {"json"}, {}));
    if (cmd == "table") return cmd_table(parse_args(argc, argv, {"json"}, {"len", "dim", "heads", "set"}));
    if (cmd == "probe")
      return cmd_probe(parse_args(argc, argv, {"json", "causal", "no-weights"},
                                  {"sentence", "compare", "scheme", "dim", "heads", "seed", "shift", "set", "model",
                                   "layer"}));
    if (cmd == "train") {
      auto valued = kTrainValued;
      valued.insert(valued.end(), {"scheme", "save"});
      return cmd_train(parse_args(argc, argv, {"json"}, valued));
    }
    if (cmd == "lab") {
      auto valued = kTrainValued;
      valued.insert(valued.end(), {"schemes", "seeds"});
      return cmd_lab(parse_args(argc, argv, {"json"}, valued));
    }
    if (cmd == "loss") return cmd_loss(parse_args(argc, argv, {"json"}, {"model", "batch", "grads"}));
    throw pe::Error("unknown command '" + cmd + "' (schemes, table, probe, train, lab, loss)");
  } catch (const pe::Error& e) {
    std::cerr << "pe-cli: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "pe-cli: out of memory\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "pe-cli: internal error: " << e.what() << "\n";
    return 3;
  }
}
