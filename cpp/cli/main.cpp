// pe-cli: the command-line face of the core. Parses arguments, calls the library,
// prints JSON (--json) or readable tables. No maths here.
//
//   pe-cli schemes [--json]
//   pe-cli table SCHEME --len N --dim D [--heads H] [--set KEY=VALUE]... [--json]
//   pe-cli probe --sentence TEXT|--sentence-file PATH|- [--compare TEXT|--compare-file PATH]
//                [--scheme NAME|all] [--dim D]
//                [--heads H] [--seed S] [--causal] [--shift K] [--no-weights]
//                [--set KEY=VALUE]... [--json]
//                [--norms] [--pair-terms] [--pair-head H] [--pair-query I] [--pair-key J]
//   pe-cli probe --model FILE --sentence TEXT [--compare TEXT] [--layer L] [--shift K] [--json]
//   pe-cli train --scheme S [--set KEY=VALUE]... --task T [training options] [--save FILE] [--json]
//   pe-cli lab --task T --schemes a,b,... --seeds 1,2,3 [training options] [--json]
//   pe-cli loss --model FILE --batch FILE.json [--grads OUT.safetensors] [--json]
//   pe-cli sample --model FILE --prompt TEXT [--count N] [--temperature T] [--seed S] [--json]
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
    "                    (or --sentence-file PATH, --compare-file PATH; - reads standard input)\n"
    "                    [--seed S] [--causal] [--shift K] [--no-weights] [--set KEY=VALUE]... [--json]\n"
    "                    [--norms] [--pair-terms] [--pair-head H] [--pair-query I] [--pair-key J]\n"
    "       pe-cli probe --model FILE --sentence TEXT [--compare TEXT] [--layer L] [--shift K] [--json]\n"
    "       pe-cli train --scheme S [--set KEY=VALUE]... --task T [options] [--save FILE] [--json]\n"
    "       pe-cli lab --task T [--schemes a,b,...] [--seeds 1,2,3] [--set KEY=VALUE]... [options] [--json]\n"
    "       pe-cli loss --model FILE --batch FILE.json [--grads OUT.safetensors] [--json]\n"
    "       pe-cli sample --model FILE --prompt TEXT [--count N] [--temperature T] [--seed S] [--json]\n"
    "  tasks: stories copy reverse sort recall text (--text FILE [--text-level word|byte])\n"
    "  options: --steps N --len L --batch B --layers N --dim D --heads H --lr X --warmup N\n"
    "           --weight-decay X --clip X --seed S --eval-lens 64,128,... --eval-sequences N\n";

struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // --key value (value "" for flags)
  std::vector<std::string> settings;                         // --set KEY=VALUE
  bool help = false;
  bool has(const std::string& k) const {
    for (const auto& o : options) if (o.first == k) return true;
    return false;
  }
  std::string get(const std::string& k, const std::string& def) const {
    for (const auto& o : options) if (o.first == k) return o.second;
    return def;
  }
};

bool is_option(const std::string& s, const std::vector<std::string>& flags, const std::vector<std::string>& valued) {
  if (s.rfind("--", 0) != 0) return false;
  const std::string key = s.substr(2, s.find('=') == std::string::npos ? std::string::npos : s.find('=') - 2);
  for (const auto& f : flags) if (f == key) return true;
  for (const auto& v : valued) if (v == key) return true;
  return key == "help";
}

// Options may be given once each (--set once per KEY); a flag takes no value, or
// =true/=false/=1/=0; a valued option's value may not be another option (write
// --sentence=--x for a sentence that starts with --); --help anywhere asks for usage.
Args parse_args(int argc, char** argv, const std::vector<std::string>& flags,
                const std::vector<std::string>& valued) {
  Args a;
  std::vector<std::string> set_keys;
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--help" || s == "-h") { a.help = true; continue; }
    if (s.rfind("--", 0) != 0) { a.positional.push_back(s); continue; }
    std::string key = s.substr(2), val;
    auto eq = key.find('=');
    bool inline_value = eq != std::string::npos;
    if (inline_value) { val = key.substr(eq + 1); key = key.substr(0, eq); }
    bool is_flag = false, is_valued = false;
    for (const auto& f : flags) is_flag = is_flag || f == key;
    for (const auto& v : valued) is_valued = is_valued || v == key;
    pe::require(is_flag || is_valued, "unknown option --" + key);
    if (is_flag) {
      pe::require(!inline_value || val == "true" || val == "1" || val == "false" || val == "0",
                  "--" + key + " is a switch: give it alone, or as --" + key + "=true|false");
      pe::require(!a.has(key), "--" + key + " is given twice");
      if (!inline_value || val == "true" || val == "1") a.options.push_back({key, ""});
      else a.options.push_back({"no " + key, ""});  // given as false: remembered for the duplicate check only
      continue;
    }
    if (!inline_value) {
      pe::require(i + 1 < argc, "option --" + key + " needs a value");
      val = argv[++i];
      pe::require(!is_option(val, flags, valued),
                  "option --" + key + " needs a value, not the option " + val + " (write --" + key + "=VALUE if it starts with --)");
    }
    if (key == "set") {
      const std::string k = pe::split_setting(val).first;
      for (const auto& seen : set_keys) pe::require(seen != k, "--set " + k + " is given twice");
      set_keys.push_back(k);
      a.settings.push_back(val);
      continue;
    }
    pe::require(!a.has(key), "--" + key + " is given twice");
    a.options.push_back({key, val});
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
  const int n = static_cast<int>(parse_int("len", a.get("len", ""), 1, pe::limits::max_table_len));
  const int d = static_cast<int>(parse_int("dim", a.get("dim", ""), 1, pe::limits::max_dim));
  const int h = static_cast<int>(parse_int("heads", a.get("heads", "1"), 1, pe::limits::max_heads));
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
  c.steps = static_cast<int>(parse_int("steps", a.get("steps", "300"), 1, pe::limits::max_steps));
  c.len = static_cast<int>(parse_int("len", a.get("len", "64"), 2, pe::limits::max_train_len));
  c.batch = static_cast<int>(parse_int("batch", a.get("batch", "16"), 1, pe::limits::max_batch));
  c.layers = static_cast<int>(parse_int("layers", a.get("layers", "2"), 1, pe::limits::max_layers));
  c.dim = static_cast<int>(parse_int("dim", a.get("dim", "64"), 2, pe::limits::max_train_dim));
  c.heads = static_cast<int>(parse_int("heads", a.get("heads", "4"), 1, pe::limits::max_heads));
  c.lr = parse_real("lr", a.get("lr", "0.003"));
  if (a.has("warmup")) c.warmup = static_cast<int>(parse_int("warmup", a.get("warmup", ""), 0, pe::limits::max_steps));
  c.weight_decay = parse_real("weight-decay", a.get("weight-decay", "0.1"));
  c.clip = parse_real("clip", a.get("clip", "1"));
  c.seed = static_cast<std::uint64_t>(parse_int("seed", a.get("seed", "1"), 0, 4294967295LL));
  c.eval_sequences = static_cast<int>(parse_int("eval-sequences", a.get("eval-sequences", "16"), 1, pe::limits::max_batch));
  if (a.has("eval-lens"))
    for (long long l : parse_int_list("eval-lens", a.get("eval-lens", ""), 2, pe::limits::max_eval_len))
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

// The text of --NAME, or of --NAME-file (a path, or - for standard input); not both.
std::string text_option(const Args& a, const std::string& name) {
  const bool inline_text = a.has(name), file = a.has(name + "-file");
  pe::require(!(inline_text && file), "give --" + name + " or --" + name + "-file, not both");
  if (!file) return a.get(name, "");
  const std::string path = a.get(name + "-file", "");
  if (path != "-") return read_file(path, "--" + name + "-file");
  std::ostringstream s;
  s << std::cin.rdbuf();
  return s.str();
}

// --compare (or --compare-file); absent: "" (the probe compares with the reversed
// sentence); given but empty: an error, not a silent reversal.
std::string compare_text(const Args& a) {
  if (!a.has("compare") && !a.has("compare-file")) return "";
  const std::string t = text_option(a, "compare");
  pe::require(!t.empty(), "--compare is empty (leave it out to compare with the sentence reversed)");
  return t;
}

int cmd_sample(const Args& a) {
  pe::require(a.positional.empty(), "sample takes no positional argument");
  pe::require(a.has("model"), "sample needs --model FILE (a checkpoint of pe-cli train --save)");
  pe::require(a.has("prompt"), "sample needs --prompt TEXT (words of the model's task)");
  pe::Checkpoint ck = pe::checkpoint_decode(pe::safetensors_load(a.get("model", "")));
  pe::SampleOptions o;
  o.prompt = a.get("prompt", "");
  o.count = static_cast<int>(parse_int("count", a.get("count", "20"), 1, 512));
  o.temperature = parse_real("temperature", a.get("temperature", "0.8"));
  o.seed = static_cast<std::uint64_t>(parse_int("seed", a.get("seed", "1"), 0, 4294967295LL));
  const std::vector<std::string> tokens = pe::sample_continuation(*ck.model, ck.vocab, o);
  std::ostringstream buf;
  if (a.has("json")) {
    pe::JsonWriter w(buf);
    w.begin_object().key("tokens").begin_array();
    for (const auto& t : tokens) w.value(t);
    w.end_array().end_object();
  } else {
    for (std::size_t i = 0; i < tokens.size(); ++i) buf << (i ? " " : "") << tokens[i];
  }
  std::cout << buf.str() << "\n";
  return 0;
}

int cmd_probe_model(const Args& a) {
  pe::require(a.has("sentence") || a.has("sentence-file"), "probe needs --sentence TEXT (or --sentence-file PATH)");
  for (const char* k : {"scheme", "dim", "heads", "seed", "causal", "no-weights"})
    pe::require(!a.has(k), std::string("--") + k + " does not apply with --model (the checkpoint fixes it)");
  pe::require(a.settings.empty(), "--set does not apply with --model (the checkpoint fixes the settings)");
  pe::Checkpoint ck = pe::checkpoint_decode(pe::safetensors_load(a.get("model", "")));
  pe::ModelProbeOptions o;
  o.sentence = text_option(a, "sentence");
  o.compare = compare_text(a);
  o.layer = static_cast<int>(parse_int("layer", a.get("layer", "0"), 0, 15));
  o.shift = static_cast<int>(parse_int("shift", a.get("shift", "16"), 0, pe::limits::max_shift));
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
  if (a.has("model")) {
    for (const char* flag : {"norms", "pair-terms", "pair-head", "pair-query", "pair-key"})
      pe::require(!a.has(flag), std::string("--") + flag + " is not available with --model");
    return cmd_probe_model(a);
  }
  pe::require(!a.has("layer"), "--layer needs --model");
  pe::ProbeOptions o;
  pe::require(a.has("sentence") || a.has("sentence-file"), "probe needs --sentence TEXT (or --sentence-file PATH)");
  pe::require(a.positional.empty(), "probe takes no positional argument '" +
                                        (a.positional.empty() ? std::string() : a.positional[0]) + "'");
  o.sentence = text_option(a, "sentence");
  o.compare = compare_text(a);
  o.dim = static_cast<int>(parse_int("dim", a.get("dim", "64"), 1, pe::limits::max_dim));
  o.heads = static_cast<int>(parse_int("heads", a.get("heads", "4"), 1, pe::limits::max_heads));
  o.seed = static_cast<std::uint64_t>(parse_int("seed", a.get("seed", "1"), 0, (1LL << 53)));
  o.shift = static_cast<int>(parse_int("shift", a.get("shift", "16"), 0, pe::limits::max_shift));
  o.causal = a.has("causal");
  o.weights = !a.has("no-weights");
  // Details (probe.hpp): --pair-head, --pair-query or --pair-key imply --pair-terms.
  o.norms = a.has("norms");
  o.pair_terms = a.has("pair-terms") || a.has("pair-head") || a.has("pair-query") || a.has("pair-key");
  const int last = pe::limits::max_stream_tokens - 1;
  o.pair_head = static_cast<int>(parse_int("pair-head", a.get("pair-head", "0"), 0, pe::limits::max_heads - 1));
  if (a.has("pair-query")) o.pair_query = static_cast<int>(parse_int("pair-query", a.get("pair-query", ""), 0, last));
  o.pair_key = static_cast<int>(parse_int("pair-key", a.get("pair-key", "0"), 0, last));
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

// One line for the terminal: control characters (newlines, escape sequences) shown as
// \n, \xNN; at most 300 bytes, cut at a character boundary.
std::string one_line(const std::string& m) {
  std::string out;
  for (unsigned char c : m) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else out += static_cast<char>(c);
  }
  const std::size_t limit = 300;
  if (out.size() <= limit) return out;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return out.substr(0, cut) + "... (" + std::to_string(m.size()) + " bytes in all)";
}

struct Command {
  const char* name;
  std::vector<std::string> flags, valued;
  int (*run)(const Args&);
};

std::vector<Command> commands() {
  auto train_valued = kTrainValued;
  train_valued.insert(train_valued.end(), {"scheme", "save"});
  auto lab_valued = kTrainValued;
  lab_valued.insert(lab_valued.end(), {"schemes", "seeds"});
  return {
      {"schemes", {"json"}, {}, cmd_schemes},
      {"table", {"json"}, {"len", "dim", "heads", "set"}, cmd_table},
      {"probe", {"json", "causal", "no-weights", "norms", "pair-terms"},
       {"sentence", "compare", "sentence-file", "compare-file", "scheme", "dim", "heads", "seed", "shift", "set",
        "model", "layer", "pair-head", "pair-query", "pair-key"},
       cmd_probe},
      {"train", {"json"}, train_valued, cmd_train},
      {"lab", {"json"}, lab_valued, cmd_lab},
      {"loss", {"json"}, {"model", "batch", "grads"}, cmd_loss},
      {"sample", {"json"}, {"model", "prompt", "count", "temperature", "seed"}, cmd_sample},
  };
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 2) {
      std::cerr << kUsage;
      return 2;
    }
    const std::string cmd = argv[1];
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      std::cout << kUsage;
      return 0;
    }
    for (const auto& c : commands()) {
      if (cmd != c.name) continue;
      const Args a = parse_args(argc, argv, c.flags, c.valued);
      if (a.help) {
        std::cout << kUsage;
        return 0;
      }
      return c.run(a);
    }
    throw pe::Error("unknown command '" + cmd + "' (schemes, table, probe, train, lab, loss, sample)");
  } catch (const pe::Error& e) {
    std::cerr << "pe-cli: " << one_line(e.what()) << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "pe-cli: out of memory\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "pe-cli: internal error: " << one_line(e.what()) << "\n";
    return 3;
  }
}
