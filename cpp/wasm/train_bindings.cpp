// Embind entry points of training (pe/train.hpp, pe/checkpoint.hpp, pe/model_probe.hpp):
// convert types and call, nothing more. Options cross as JSON text (parsed and checked
// by the core, so a wrong type is a message naming the key, never a JS exception inside
// C++ frames); results are plain objects or {error}. Trainers and loaded models live in
// a table of handles, so the page's worker can step a trainer, pause, evaluate and
// save between calls.
//   trainerCreate(json)            -> {handle, vocab, parameters, config (JSON text)}
//   trainerStep(handle, count)     -> {losses: Float64Array, step, grad_norm, lr, tokens_per_second}
//   trainerEvaluate(handle, len)   -> {len, loss, accuracy, applicable, reason}
//   modelSave(handle)              -> {bytes: Uint8Array} (safetensors)
//   modelLoad(bytes: Uint8Array)   -> {handle, vocab, config (JSON text), task}
//   modelProbe(handle, json)       -> {tokens, tokens_compare, schemes: {name: {...}}} as probe()
//   modelLoss(handle, json, grads) -> {loss}
//   modelSample(handle, json)      -> {tokens: [strings]}; json {prompt, count, temperature, seed}
//   modelFree(handle)
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "pe/checkpoint.hpp"
#include "pe/error.hpp"
#include "pe/json.hpp"
#include "pe/model_probe.hpp"
#include "pe/train.hpp"
#include "pe/train_json.hpp"
#include "wasm_common.hpp"

using emscripten::val;

namespace {

struct Session {
  std::unique_ptr<pe::Trainer> trainer;  // a trainer, or
  pe::Checkpoint loaded;                 // a loaded model
  pe::Model& model() { return trainer ? trainer->model() : *loaded.model; }
  const std::vector<std::string>& vocab() const { return trainer ? trainer->task().vocab() : loaded.vocab; }
  std::string task() const { return trainer ? trainer->config().task : loaded.task; }
};

std::map<int, std::unique_ptr<Session>>& sessions() {
  static std::map<int, std::unique_ptr<Session>> all;
  return all;
}

Session& session(int handle) {
  auto it = sessions().find(handle);
  if (it == sessions().end()) throw pe::Error("no trainer or model with handle " + std::to_string(handle));
  return *it->second;
}

int add_session(std::unique_ptr<Session> s) {
  static int next = 1;
  sessions()[next] = std::move(s);
  return next++;
}

val string_list(const std::vector<std::string>& v) {
  val a = val::array();
  for (const auto& s : v) a.call<void>("push", s);
  return a;
}

std::string config_json(const pe::ModelConfig& c) {
  std::ostringstream o;
  pe::JsonWriter w(o);
  w.begin_object().key("scheme").value(c.scheme).key("settings").begin_object();
  for (const auto& kv : c.settings) w.key(kv.first).value(kv.second);
  w.end_object().key("layers").value(c.layers).key("dim").value(c.dim).key("heads").value(c.heads);
  w.key("vocab").value(c.vocab).key("max_len").value(c.max_len).key("seed").value(static_cast<double>(c.seed));
  w.end_object();
  return o.str();
}

val trainer_create(std::string json) {
  return pe::wasm::guarded([&] {
    auto s = std::make_unique<Session>();
    s->trainer = std::make_unique<pe::Trainer>(pe::train_config_from_json(json));
    val out = val::object();
    out.set("vocab", string_list(s->trainer->task().vocab()));
    out.set("parameters", static_cast<double>(s->trainer->model().params().value.size()));
    std::ostringstream cfg;
    pe::JsonWriter w(cfg);
    pe::write_train_config_json(w, s->trainer->config());
    out.set("config", cfg.str());
    out.set("handle", add_session(std::move(s)));
    return out;
  });
}

val trainer_step(int handle, int count) {
  return pe::wasm::guarded([&] {
    Session& s = session(handle);
    if (!s.trainer) throw pe::Error("handle " + std::to_string(handle) + " is a loaded model, not a trainer");
    if (count < 1 || count > 100000) throw pe::Error("step count " + std::to_string(count) + " is out of range [1, 100000]");
    std::vector<double> losses;
    double lr = 0;
    for (int i = 0; i < count; ++i) {
      lr = s.trainer->lr_at(s.trainer->steps_done());
      losses.push_back(s.trainer->step());
    }
    val out = val::object();
    out.set("losses", pe::wasm::typed_copy(losses.data(), losses.size()));
    out.set("step", s.trainer->steps_done());
    out.set("grad_norm", s.trainer->last_grad_norm());
    out.set("lr", lr);
    out.set("tokens_per_second", s.trainer->tokens_per_second());
    return out;
  });
}

val trainer_evaluate(int handle, int len) {
  return pe::wasm::guarded([&] {
    Session& s = session(handle);
    if (!s.trainer) throw pe::Error("handle " + std::to_string(handle) + " is a loaded model, not a trainer");
    const pe::EvalResult e = s.trainer->evaluate(len);
    val out = val::object();
    out.set("len", e.len);
    out.set("loss", e.loss);
    out.set("accuracy", e.accuracy);
    out.set("applicable", e.applicable);
    out.set("reason", e.reason);
    return out;
  });
}

val model_save(int handle) {
  return pe::wasm::guarded([&] {
    Session& s = session(handle);
    const std::string bytes = pe::safetensors_encode(pe::checkpoint_encode(s.model(), s.vocab(), s.task()));
    val out = val::object();
    out.set("bytes", pe::wasm::typed_copy(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    return out;
  });
}

val model_load(val bytes) {
  return pe::wasm::guarded([&] {
    if (!bytes.instanceof(val::global("Uint8Array"))) throw pe::Error("modelLoad needs the file's bytes as a Uint8Array");
    const std::string data = pe::wasm::bytes_of(bytes);
    auto s = std::make_unique<Session>();
    s->loaded = pe::checkpoint_decode(pe::safetensors_decode(data));
    val out = val::object();
    out.set("vocab", string_list(s->loaded.vocab));
    out.set("config", config_json(s->loaded.model->config()));
    out.set("task", s->loaded.task);
    out.set("handle", add_session(std::move(s)));
    return out;
  });
}

// json: {sentence, compare, layer, shift}
val model_probe(int handle, std::string json) {
  return pe::wasm::guarded([&] {
    Session& s = session(handle);
    const pe::JsonValue doc = pe::json_parse(json, "probe options");
    if (!doc.is(pe::JsonValue::Type::object)) throw pe::Error("probe options must be a JSON object");
    pe::ModelProbeOptions o;
    for (const auto& m : doc.members) {
      if (m.first == "sentence" && m.second.is(pe::JsonValue::Type::string)) o.sentence = m.second.string;
      else if (m.first == "compare" && m.second.is(pe::JsonValue::Type::string)) o.compare = m.second.string;
      else if (m.first == "layer" && m.second.is(pe::JsonValue::Type::number)) o.layer = static_cast<int>(m.second.number);
      else if (m.first == "shift" && m.second.is(pe::JsonValue::Type::number)) o.shift = static_cast<int>(m.second.number);
      else throw pe::Error("probe option '" + m.first + "' is unknown or of the wrong type");
    }
    return pe::wasm::probe_result(pe::run_model_probe(s.model(), s.vocab(), o), true);
  });
}

// json: {"tokens": [[ids]], "targets": [[ids or -1]]}
val model_loss(int handle, std::string json, bool grads) {
  return pe::wasm::guarded([&] {
    Session& s = session(handle);
    std::vector<std::vector<int>> tokens, targets;
    pe::batch_from_json(json, tokens, targets);
    val out = val::object();
    out.set("loss", pe::batch_loss(s.model(), tokens, targets, grads));
    return out;
  });
}

val model_sample(int handle, std::string json) {
  return pe::wasm::guarded([&] {
    Session& s = session(handle);
    const pe::JsonValue doc = pe::json_parse(json, "sample options");
    if (!doc.is(pe::JsonValue::Type::object)) throw pe::Error("sample options must be a JSON object");
    pe::SampleOptions o;
    for (const auto& m : doc.members) {
      const bool num = m.second.is(pe::JsonValue::Type::number);
      if (m.first == "prompt" && m.second.is(pe::JsonValue::Type::string)) o.prompt = m.second.string;
      else if (m.first == "count" && num && m.second.number == static_cast<int>(m.second.number)) o.count = static_cast<int>(m.second.number);
      else if (m.first == "temperature" && num) o.temperature = m.second.number;
      else if (m.first == "seed" && num && m.second.number >= 0 && m.second.number < 4294967296.0) o.seed = static_cast<std::uint64_t>(m.second.number);
      else throw pe::Error("sample option '" + m.first + "' is unknown or of the wrong type");
    }
    val out = val::object();
    out.set("tokens", string_list(pe::sample_continuation(s.model(), s.vocab(), o)));
    return out;
  });
}

void model_free(int handle) { sessions().erase(handle); }

}  // namespace

EMSCRIPTEN_BINDINGS(pe_training) {
  emscripten::function("trainerCreate", &trainer_create);
  emscripten::function("trainerStep", &trainer_step);
  emscripten::function("trainerEvaluate", &trainer_evaluate);
  emscripten::function("modelSave", &model_save);
  emscripten::function("modelLoad", &model_load);
  emscripten::function("modelProbe", &model_probe);
  emscripten::function("modelLoss", &model_loss);
  emscripten::function("modelSample", &model_sample);
  emscripten::function("modelFree", &model_free);
}
