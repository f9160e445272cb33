// The one typed wrapper around the WASM module. It loads the module once (the SIMD
// build when the engine validates a SIMD instruction, else the scalar build) and
// turns the module's {error} results into thrown Errors with the same message.
//
//   const engine = await loadEngine();            // or loadEngine({ simd: false })
//   engine.schemes()   -> [{name, title, where, acts_on, summary, paper, source, params}]
//   engine.limits()    -> the core's input limits {max_tokens, max_shift, ...} (limits.hpp)
//   engine.table(name, {len, dim, heads, settings}) -> {name: {shape, integer, data}}
//   engine.probe({sentence, compare, schemes, dim, heads, seed, causal, shift, weights,
//                 settings: {scheme: {key: value}}})
//     -> {tokens, tokens_compare, schemes: {name: {sentence_distance(_raw), token_distance,
//         shift_logit_change(_raw), attention, attention_shape, attention_compare, ...}}}
//     (the plain values are 0 below float32 resolution; *_raw as computed: probe.hpp)
//   engine.trainer({scheme, settings, task, text, text_level, layers, dim, heads, len, batch,
//                   steps, lr, warmup, weight_decay, clip, seed, eval_lens, eval_sequences})
//     -> TrainedModel with .step(count) -> {losses, step, grad_norm, lr, tokens_per_second},
//        .evaluate(len) -> {len, loss, accuracy, applicable, reason}, and the calls below
//   engine.loadModel(bytes: Uint8Array) -> TrainedModel (a safetensors checkpoint)
//   model.save() -> Uint8Array; model.probe({sentence, compare, layer, shift}) -> as probe();
//   model.loss({tokens, targets}, grads) -> number; model.sample({prompt, count, temperature, seed})
//   -> [token strings]; model.free()
//   (C++: train.hpp, checkpoint.hpp, model_probe.hpp; options cross as JSON text)

// (module (func (result v128) i32.const 0 i8x16.splat))
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7b, 3, 2, 1, 0, 10, 8, 1, 6, 0, 0x41, 0, 0xfd, 0x0f, 0x0b,
]);

export function simdSupported() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

function unwrap(result) {
  if (result && typeof result.error === 'string') throw new Error(result.error);
  return result;
}

export class Engine {
  constructor(module, simd) {
    this.module = module;
    this.simd = simd;
    this._schemes = null;
  }

  schemes() {
    if (!this._schemes) this._schemes = JSON.parse(this.module.schemesJson());
    return this._schemes;
  }

  // The core's input limits (limits.hpp): {max_tokens, max_stream_tokens, max_sentence_bytes,
  // max_shift, max_dim, max_heads, max_table_len, max_table_cells, max_probe_work}.
  limits() {
    if (!this._limits) this._limits = JSON.parse(this.module.limitsJson());
    return this._limits;
  }

  // Options cross as JSON text: the core checks every field's type and range and names
  // the field in its error, and no JS value is read inside C++ (a throwing getter throws
  // here, in JS). NaN and Infinity stringify to null, which the core refuses.
  table(name, { len, dim, heads = 1, settings = {} } = {}) {
    const json = toJson({ scheme: name, len, dim, heads, settings }, 'table');
    const r = unwrap(this.module.table(json));
    const out = {};
    for (const e of r.entries) out[e.name] = { shape: e.shape, integer: e.integer, data: e.data };
    return out;
  }

  trainer(options) {
    return new TrainedModel(this.module, unwrap(this.module.trainerCreate(JSON.stringify(options ?? {}))));
  }

  loadModel(bytes) {
    if (!(bytes instanceof Uint8Array)) throw new Error('loadModel needs the file\'s bytes as a Uint8Array');
    return new TrainedModel(this.module, unwrap(this.module.modelLoad(bytes)));
  }

  probe(options) {
    return unwrap(this.module.probe(toJson(options ?? {}, 'probe')));
  }
}

// A trainer or a loaded model inside the module, by handle.
export class TrainedModel {
  constructor(module, created) {
    this.module = module;
    this.handle = created.handle;
    this.vocab = created.vocab;
    this.config = JSON.parse(created.config);
    this.task = created.task ?? this.config.task;
  }

  step(count = 1) {
    return unwrap(this.module.trainerStep(this.handle, count | 0));
  }

  evaluate(len) {
    return unwrap(this.module.trainerEvaluate(this.handle, len | 0));
  }

  save() {
    return unwrap(this.module.modelSave(this.handle)).bytes;
  }

  probe(options) {
    return unwrap(this.module.modelProbe(this.handle, JSON.stringify(options ?? {})));
  }

  loss(batch, grads = false) {
    return unwrap(this.module.modelLoss(this.handle, JSON.stringify(batch ?? {}), Boolean(grads))).loss;
  }

  sample(options) {
    return unwrap(this.module.modelSample(this.handle, JSON.stringify(options ?? {}))).tokens;
  }

  free() {
    this.module.modelFree(this.handle);
  }
}

// JSON text of a call's options. Refused here, naming the field: a string with a lone
// surrogate (JSON.stringify would escape it and the core refuse it by byte offset only),
// and a value JSON cannot carry (undefined keys are dropped, as absent).
function toJson(options, what) {
  const check = (v, path, depth = 0) => {
    if (depth > 32) throw new Error(`${what} option '${path}' is nested too deeply`);
    if (typeof v === 'string') {
      if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v))
        throw new Error(`${what} option '${path}' has a lone surrogate (not valid Unicode text)`);
    } else if (typeof v === 'bigint' || typeof v === 'function' || typeof v === 'symbol') {
      throw new Error(`${what} option '${path}' must not be a ${typeof v}`);
    } else if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) check(v[k], path ? `${path}.${k}` : k, depth + 1);
    }
  };
  check(options, '');
  return JSON.stringify(options);
}

let loading = null;

// Loads the module once per page (or per Node process). `simd` forces a build.
export function loadEngine({ simd } = {}) {
  const useSimd = simd === undefined ? simdSupported() : Boolean(simd);
  if (simd === undefined && loading) return loading;
  const p = (useSimd ? import('./generated/pe_module_simd.mjs') : import('./generated/pe_module_scalar.mjs'))
    .then((m) => m.default())
    .then((module) => new Engine(module, useSimd));
  if (simd === undefined) loading = p;
  return p;
}
