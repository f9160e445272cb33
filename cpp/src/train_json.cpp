// JSON of training and lab results (train_json.hpp).
#include "pe/train_json.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "pe/error.hpp"
#include "pe/limits.hpp"
#include "pe/probe.hpp"

namespace pe {

void write_train_config_json(JsonWriter& w, const TrainConfig& c) {
  w.begin_object().key("scheme").value(c.scheme).key("settings").begin_object();
  for (const auto& kv : c.settings) w.key(kv.first).value(kv.second);
  w.end_object()
      .key("task").value(c.task)
      .key("layers").value(c.layers).key("dim").value(c.dim).key("heads").value(c.heads)
      .key("len").value(c.len).key("batch").value(c.batch).key("steps").value(c.steps)
      .key("lr").value(c.lr).key("min_lr_ratio").value(c.min_lr_ratio).key("warmup").value(warmup_steps(c))
      .key("weight_decay").value(c.weight_decay).key("beta1").value(c.beta1).key("beta2").value(c.beta2)
      .key("eps").value(c.eps).key("clip").value(c.clip)
      .key("seed").value(static_cast<double>(c.seed)).key("eval_sequences").value(c.eval_sequences)
      .key("eval_lens").begin_array();
  for (int l : eval_lengths(c)) w.value(l);
  w.end_array().end_object();
}

namespace {

double number_of(const std::string& key, const JsonValue& v) {
  require(v.is(JsonValue::Type::number), "'" + key + "' must be a number");
  return v.number;
}
long long whole_of(const std::string& key, const JsonValue& v, long long lo, long long hi) {
  const double x = number_of(key, v);
  require(x == std::floor(x) && x >= static_cast<double>(lo) && x <= static_cast<double>(hi),
          "'" + key + "' must be a whole number in [" + std::to_string(lo) + ", " +
              std::to_string(hi) + "]");
  return static_cast<long long>(x);
}
std::string string_of(const std::string& key, const JsonValue& v) {
  require(v.is(JsonValue::Type::string), "'" + key + "' must be a string");
  return v.string;
}

}  // namespace

TrainConfig train_config_from_json(const std::string& text) {
  const JsonValue doc = json_parse(text, "trainer options");
  require(doc.is(JsonValue::Type::object), "trainer options must be a JSON object");
  TrainConfig c;
  for (const auto& m : doc.members) {
    const std::string& k = m.first;
    const JsonValue& v = m.second;
    if (k == "scheme") c.scheme = string_of(k, v);
    else if (k == "settings") c.settings = settings_of("trainer", "settings", v);
    else if (k == "task") c.task = string_of(k, v);
    else if (k == "text") c.task_options.text = string_of(k, v);
    else if (k == "text_level") c.task_options.level = string_of(k, v);
    else if (k == "layers") c.layers = static_cast<int>(whole_of(k, v, 1, limits::max_layers));
    else if (k == "dim") c.dim = static_cast<int>(whole_of(k, v, 2, limits::max_train_dim));
    else if (k == "heads") c.heads = static_cast<int>(whole_of(k, v, 1, limits::max_heads));
    else if (k == "len") c.len = static_cast<int>(whole_of(k, v, 2, limits::max_train_len));
    else if (k == "batch") c.batch = static_cast<int>(whole_of(k, v, 1, limits::max_batch));
    else if (k == "steps") c.steps = static_cast<int>(whole_of(k, v, 1, limits::max_steps));
    else if (k == "warmup") c.warmup = static_cast<int>(whole_of(k, v, 0, limits::max_steps));
    else if (k == "lr") c.lr = number_of(k, v);
    else if (k == "min_lr_ratio") c.min_lr_ratio = number_of(k, v);
    else if (k == "weight_decay") c.weight_decay = number_of(k, v);
    else if (k == "beta1") c.beta1 = number_of(k, v);
    else if (k == "beta2") c.beta2 = number_of(k, v);
    else if (k == "eps") c.eps = number_of(k, v);
    else if (k == "clip") c.clip = number_of(k, v);
    else if (k == "seed") c.seed = static_cast<std::uint64_t>(whole_of(k, v, 0, 4294967295LL));
    else if (k == "eval_sequences") c.eval_sequences = static_cast<int>(whole_of(k, v, 1, limits::max_batch));
    else if (k == "eval_lens") {
      require(v.is(JsonValue::Type::array), "trainer option 'eval_lens' must be a list of lengths");
      for (const auto& x : v.items) c.eval_lens.push_back(static_cast<int>(whole_of(k, x, 2, limits::max_eval_len)));
    } else {
      throw Error("unknown trainer option '" + k + "'");
    }
  }
  check_train_config(c);
  return c;
}

void batch_from_json(const std::string& text, std::vector<std::vector<int>>& tokens,
                     std::vector<std::vector<int>>& targets) {
  const JsonValue doc = json_parse(text, "batch");
  require(doc.is(JsonValue::Type::object), "batch: not a JSON object");
  auto rows = [&](const char* key, std::vector<std::vector<int>>& out) {
    const JsonValue* r = doc.get(key);
    require(r && r->is(JsonValue::Type::array), std::string("batch: \"") + key + "\" must be a list of rows");
    out.clear();
    for (const auto& row : r->items) {
      require(row.is(JsonValue::Type::array), std::string("batch: every row of \"") + key + "\" must be a list");
      out.emplace_back();
      for (const auto& v : row.items) out.back().push_back(static_cast<int>(whole_of(key, v, -1, 1 << 30)));
    }
  };
  rows("tokens", tokens);
  rows("targets", targets);
  for (const auto& m : doc.members)
    require(m.first == "tokens" || m.first == "targets", "batch: unknown key \"" + m.first + "\"");
}

void write_eval_json(JsonWriter& w, const std::vector<EvalResult>& eval) {
  w.begin_object();
  for (const auto& e : eval) {
    w.key(std::to_string(e.len)).begin_object().key("loss").value(e.loss).key("accuracy").value(e.accuracy);
    w.key("applicable").value(e.applicable);
    if (!e.applicable) w.key("reason").value(e.reason);
    w.end_object();
  }
  w.end_object();
}

void write_train_json(JsonWriter& w, const Trainer& t, const std::vector<EvalResult>& eval) {
  w.begin_object().key("config");
  write_train_config_json(w, t.config());
  w.key("losses").begin_array();
  for (double l : t.losses()) w.value(l);
  w.end_array().key("eval");
  write_eval_json(w, eval);
  w.key("tokens_per_second").value(t.tokens_per_second()).end_object();
}

void write_lab_json(JsonWriter& w, const LabConfig& c, const LabResult& r) {
  w.begin_object().key("config");
  write_train_config_json(w, c.base);
  w.key("lens").begin_array();
  for (int l : r.lens) w.value(l);
  w.end_array().key("schemes").begin_object();
  for (const auto& row : r.table) {
    w.key(row.first).begin_object();
    for (const auto& cell : row.second)
      w.key(std::to_string(cell.len)).begin_object()
          .key("loss_mean").value(cell.loss_mean).key("loss_min").value(cell.loss_min)
          .key("loss_max").value(cell.loss_max).key("accuracy_mean").value(cell.accuracy_mean)
          .key("applicable").value(cell.applicable).end_object();
    w.end_object();
  }
  w.end_object().key("runs").begin_array();
  for (const auto& run : r.runs) {
    w.begin_object().key("scheme").value(run.scheme).key("seed").value(static_cast<double>(run.seed));
    w.key("losses").begin_array();
    for (double l : run.losses) w.value(l);
    w.end_array().key("eval");
    write_eval_json(w, run.eval);
    w.key("tokens_per_second").value(run.tokens_per_second).end_object();
  }
  w.end_array().end_object();
}

}  // namespace pe
