// Types for the package's API (dist/api/index.js, the page's web/src/engine.js) and for
// the <pe-playground> element (dist/pe-playground.js). Hand-written from engine.js and
// the C++ options it passes through (cpp/include/pe/probe.hpp, train.hpp); keep in step.

/** One parameter of a scheme, as the core describes it (ranges and choices). */
export interface ParamSpec {
  key: string;
  kind: 'number' | 'integer' | 'boolean' | 'choice' | 'list';
  /** The default, as text (settings cross as text: "10000", "true", "half"). */
  default: string;
  min?: number;
  max?: number;
  min_exclusive?: boolean;
  choices?: string[];
  help: string;
}

/** A positional-encoding scheme of the core. */
export interface SchemeInfo {
  name: string;
  title: string;
  /** Where it acts: input, query_key, logits, ... */
  where: string;
  acts_on: string;
  summary: string;
  paper: string;
  source: string;
  params: ParamSpec[];
}

/** Per-scheme settings: {scheme: {key: value}}; values as text or numbers/booleans. */
export type Settings = Record<string, Record<string, string | number | boolean>>;

export interface TableOptions {
  len: number;
  dim: number;
  heads?: number;
  settings?: Record<string, string | number | boolean>;
}

/** One table of a scheme (row-major data of the given shape). */
export interface TableEntry {
  shape: number[];
  integer: boolean;
  data: Float64Array;
}

export interface ProbeOptions {
  sentence: string;
  compare: string;
  /** Scheme names (engine.schemes()[i].name). */
  schemes: string[];
  dim?: number;
  heads?: number;
  seed?: number;
  causal?: boolean;
  /** Positions moved for the shift probe. */
  shift?: number;
  /** Return the attention weights (attention, attention_compare). */
  weights?: boolean;
  settings?: Settings;
  /** Tighter caps than the core's: tokens per sentence, multiply-adds per call. */
  max_tokens?: number;
  max_work?: number;
  /** Norm and direction of what each scheme changes (SchemeProbe.norms). */
  norms?: boolean;
  /** One logit split into its rotated pairs (SchemeProbe.pair_terms); defaults: head 0, the last query, key 0. */
  pair_terms?: boolean | { head?: number; query?: number; key?: number };
}

export interface SchemeProbe {
  /** 1 - cos(mean output A, mean output B); 0 below float32 resolution. */
  sentence_distance: number;
  sentence_distance_raw: number;
  /** Per token of the sentence. */
  token_distance: Float64Array;
  /** Max change of any logit when every position moves by `shift`. */
  shift_logit_change: number;
  shift_logit_change_raw: number;
  /** (heads, n, n), with weights: true (or from model.probe). */
  attention?: Float32Array;
  attention_shape?: number[];
  /** (heads, m, m) */
  attention_compare?: Float32Array;
  attention_compare_shape?: number[];
  /** With norms: true. "input": input_ratio, input_cos (n); "query_key": query_/key_ ratio and cos (heads, n). */
  norms?: { acts_on: 'input' | 'query_key' | 'none'; shape?: number[]; input_ratio?: Float64Array; input_cos?: Float64Array; query_ratio?: Float64Array; query_cos?: Float64Array; key_ratio?: Float64Array; key_cos?: Float64Array };
  /** With pair_terms, for rotary schemes: sum(terms) + rest = logit (before biases and the mask). */
  pair_terms?: { head: number; query: number; key: number; masked: boolean; terms: Float64Array; inv_freq: Float64Array; dim_a: Int32Array; dim_b: Int32Array; rest: number; logit: number; note: string };
  /** With pair_terms, for schemes that rotate no pairs: why. */
  pair_terms_reason?: string;
}

export interface ProbeResult {
  tokens: string[];
  tokens_compare: string[];
  /** For each token of the sentence, the index of its same occurrence in compare (-1: none). */
  token_match: Int32Array;
  schemes: Record<string, SchemeProbe>;
}

export interface TrainerOptions {
  scheme: string;
  settings?: Record<string, string | number | boolean>;
  /** stories, copy, reverse, sort, recall, text */
  task?: string;
  text?: string;
  text_level?: string;
  layers?: number;
  dim?: number;
  heads?: number;
  len?: number;
  batch?: number;
  steps?: number;
  lr?: number;
  warmup?: number;
  weight_decay?: number;
  clip?: number;
  seed?: number;
  eval_lens?: number[];
  eval_sequences?: number;
}

export interface StepResult {
  losses: Float64Array;
  step: number;
  grad_norm: number;
  lr: number;
  tokens_per_second: number;
}

export interface EvaluateResult {
  len: number;
  loss: number;
  accuracy: number;
  applicable: boolean;
  reason: string;
}

/** A trainer or a loaded model inside the module, by handle. */
export class TrainedModel {
  readonly handle: number;
  readonly vocab: string[];
  /** The training configuration (scheme, settings, task, layers, dim, heads, len, ...). */
  readonly config: TrainerOptions & Record<string, unknown>;
  readonly task: string;
  step(count?: number): StepResult;
  evaluate(len: number): EvaluateResult;
  /** A safetensors checkpoint. */
  save(): Uint8Array;
  probe(options: { sentence: string; compare: string; layer?: number; shift?: number }): ProbeResult;
  loss(batch: { tokens: number[]; targets: number[] }, grads?: boolean): number;
  sample(options: { prompt: string; count?: number; temperature?: number; seed?: number }): string[];
  free(): void;
}

/** The one typed wrapper around the WASM module; errors are thrown as Error. */
export class Engine {
  readonly simd: boolean;
  schemes(): SchemeInfo[];
  /** The core's input limits (cpp/include/pe/limits.hpp). */
  limits(): { max_tokens: number; max_stream_tokens: number; max_sentence_bytes: number; max_shift: number; max_dim: number; max_heads: number; max_table_len: number; max_table_cells: number; max_probe_work: number };
  table(name: string, options: TableOptions): Record<string, TableEntry>;
  probe(options: ProbeOptions): ProbeResult;
  trainer(options: TrainerOptions): TrainedModel;
  /** A safetensors checkpoint's bytes. */
  loadModel(bytes: Uint8Array): TrainedModel;
}

/** Loads the engine once per page (or Node process); `simd` forces a build. */
export function loadEngine(options?: { simd?: boolean }): Promise<Engine>;

/** Whether this WebAssembly engine validates a SIMD instruction. */
export function simdSupported(): boolean;
