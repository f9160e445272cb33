// Model checkpoints (checkpoint.hpp).
#include "pe/checkpoint.hpp"

#include <cmath>
#include <sstream>

#include "pe/error.hpp"
#include "pe/json.hpp"

namespace pe {

namespace {

constexpr const char* kFormat = "pe-playground/1";

StFile block_encode(const Model& model, const std::vector<float>& values) {
  StFile f;
  for (const auto& t : model.params().tensors) {
    StTensor s;
    s.name = t.name;
    for (int e : t.shape) s.shape.push_back(e);
    s.data.assign(values.begin() + static_cast<std::ptrdiff_t>(t.offset),
                  values.begin() + static_cast<std::ptrdiff_t>(t.offset + t.size));
    f.tensors.push_back(std::move(s));
  }
  return f;
}

const JsonValue& member(const JsonValue& o, const char* key, JsonValue::Type type, const char* type_name) {
  const JsonValue* v = o.get(key);
  require(v != nullptr, std::string("checkpoint config: missing \"") + key + "\"");
  require(v->is(type), std::string("checkpoint config: \"") + key + "\" must be " + type_name);
  return *v;
}

int integer(const JsonValue& o, const char* key) {
  const double v = member(o, key, JsonValue::Type::number, "a number").number;
  require(v == std::floor(v) && std::abs(v) < 2147483648.0,
          std::string("checkpoint config: \"") + key + "\" must be a whole number");
  return static_cast<int>(v);
}

}  // namespace

StFile checkpoint_encode(const Model& model, const std::vector<std::string>& vocab, const std::string& task) {
  const ModelConfig& c = model.config();
  require(static_cast<int>(vocab.size()) == c.vocab, "the vocabulary has " + std::to_string(vocab.size()) +
                                                         " tokens, the model " + std::to_string(c.vocab));
  StFile f = block_encode(model, model.params().value);
  std::ostringstream config;
  JsonWriter w(config);
  w.begin_object().key("format").value(kFormat).key("scheme").value(c.scheme).key("settings").begin_object();
  for (const auto& kv : c.settings) w.key(kv.first).value(kv.second);
  w.end_object()
      .key("layers").value(c.layers).key("dim").value(c.dim).key("heads").value(c.heads)
      .key("vocab").value(c.vocab).key("max_len").value(c.max_len)
      .key("seed").value(static_cast<double>(c.seed)).key("task").value(task)
      .end_object();
  std::ostringstream words;
  JsonWriter v(words);
  v.begin_array();
  for (const auto& t : vocab) v.value(t);
  v.end_array();
  f.metadata["config"] = config.str();
  f.metadata["vocab"] = words.str();
  return f;
}

StFile gradients_encode(const Model& model) { return block_encode(model, model.params().grad); }

Checkpoint checkpoint_decode(const StFile& file) {
  const auto cfg = file.metadata.find("config");
  require(cfg != file.metadata.end(), "not a pe-playground checkpoint: no \"config\" in __metadata__");
  const JsonValue config = json_parse(cfg->second, "checkpoint config");
  require(config.is(JsonValue::Type::object), "checkpoint config: not a JSON object");
  const JsonValue* format = config.get("format");
  require(format && format->is(JsonValue::Type::string) && format->string == kFormat,
          std::string("checkpoint config: format must be \"") + kFormat + "\"");
  ModelConfig c;
  c.scheme = member(config, "scheme", JsonValue::Type::string, "a string").string;
  for (const auto& kv : member(config, "settings", JsonValue::Type::object, "an object").members) {
    require(kv.second.is(JsonValue::Type::string), "checkpoint config: setting \"" + kv.first + "\" must be a string");
    c.settings[kv.first] = kv.second.string;
  }
  c.layers = integer(config, "layers");
  c.dim = integer(config, "dim");
  c.heads = integer(config, "heads");
  c.vocab = integer(config, "vocab");
  c.max_len = integer(config, "max_len");
  const JsonValue* seed = config.get("seed");
  c.seed = seed && seed->is(JsonValue::Type::number) && seed->number >= 0 ? static_cast<std::uint64_t>(seed->number) : 0;
  Checkpoint out;
  const JsonValue* task = config.get("task");
  if (task && task->is(JsonValue::Type::string)) out.task = task->string;

  const auto voc = file.metadata.find("vocab");
  require(voc != file.metadata.end(), "checkpoint: no \"vocab\" in __metadata__");
  const JsonValue vocab = json_parse(voc->second, "checkpoint vocab");
  require(vocab.is(JsonValue::Type::array), "checkpoint vocab: not a JSON list");
  for (const auto& t : vocab.items) {
    require(t.is(JsonValue::Type::string), "checkpoint vocab: every token must be a string");
    out.vocab.push_back(t.string);
  }
  require(static_cast<int>(out.vocab.size()) == c.vocab, "checkpoint: the vocabulary lists " +
                                                             std::to_string(out.vocab.size()) +
                                                             " tokens but the config says " + std::to_string(c.vocab));

  out.model = std::make_unique<Model>(c);  // checks the config
  ParamBlock& P = out.model->params();
  for (const auto& t : P.tensors) {
    const StTensor* s = file.find(t.name);
    require(s != nullptr, "checkpoint: tensor '" + t.name + "' is missing");
    std::vector<std::int64_t> want(t.shape.begin(), t.shape.end());
    auto str = [](const std::vector<std::int64_t>& v) {
      std::string r = "(";
      for (std::size_t i = 0; i < v.size(); ++i) r += (i ? ", " : "") + std::to_string(v[i]);
      return r + ")";
    };
    require(s->shape == want, "checkpoint: tensor '" + t.name + "' has shape " + str(s->shape) + ", the config needs " +
                                  str(want));
    for (float x : s->data) require(std::isfinite(x), "checkpoint: tensor '" + t.name + "' holds a non-finite value");
    std::copy(s->data.begin(), s->data.end(), P.value.begin() + static_cast<std::ptrdiff_t>(t.offset));
  }
  for (const auto& s : file.tensors)
    require(P.find(s.name) != nullptr, "checkpoint: tensor '" + s.name + "' is not part of this model's config");
  return out;
}

}  // namespace pe
