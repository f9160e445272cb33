// Presets: the position settings of published models, each with the config it comes from,
// so a reader starts from "Llama 3.1" rather than from rope_theta. Choosing one sets the
// scheme and its settings in the store (so the hash carries them); every setting not
// named here is the scheme's default. Values are the models' published Hugging Face
// config.json fields, renamed to this engine's parameter keys.
// Phi-3 (rope longrope) is left out: its short_factor / long_factor lists are 48 numbers
// each that we cannot state exactly here without copying them from the config; choose
// rope with scaling longrope and paste them to try it.
export const PRESETS = [
  { id: 'gpt2', label: 'GPT-2', scheme: 'learned', settings: { max_len: '1024' },
    source: 'huggingface config.json of openai-community/gpt2: n_positions 1024 (learned absolute positions)' },
  { id: 'bert', label: 'BERT', scheme: 'learned', settings: { max_len: '512' },
    source: 'huggingface config.json of google-bert/bert-base-uncased: max_position_embeddings 512, position_embedding_type "absolute" (learned)' },
  { id: 't5', label: 'T5', scheme: 't5', settings: { num_buckets: '32', max_distance: '128' },
    source: 'huggingface config.json of google-t5/t5-base: relative_attention_num_buckets 32, relative_attention_max_distance 128 (the encoder\'s buckets are bidirectional)' },
  { id: 'llama2', label: 'Llama 2', scheme: 'rope', settings: { theta: '10000' },
    source: 'huggingface config.json of meta-llama/Llama-2-7b-hf: rope_theta 10000, rope_scaling null' },
  { id: 'llama31', label: 'Llama 3.1', scheme: 'rope', settings: { theta: '500000', scaling: 'llama3', factor: '8', low_freq_factor: '1', high_freq_factor: '4', original_max: '8192' },
    source: 'huggingface config.json of meta-llama/Llama-3.1-8B: rope_theta 500000, rope_scaling {rope_type "llama3", factor 8, low_freq_factor 1, high_freq_factor 4, original_max_position_embeddings 8192}' },
  { id: 'mistral', label: 'Mistral / Qwen2', scheme: 'rope', settings: { theta: '1000000' },
    source: 'huggingface config.json of mistralai/Mistral-7B-Instruct-v0.2 and of Qwen/Qwen2-7B: rope_theta 1000000 (Mistral-7B v0.1 used 10000)' },
  { id: 'neox', label: 'GPT-NeoX', scheme: 'rope', settings: { partial: '0.25' },
    source: 'huggingface config.json of EleutherAI/gpt-neox-20b: rotary_pct 0.25, rotary_emb_base 10000 (a quarter of each head\'s dimensions rotate)' },
  { id: 'bloom', label: 'BLOOM / MPT', scheme: 'alibi', settings: {},
    source: 'bigscience/bloom (ALiBi in its modelling code, no position embeddings in config.json) and the config.json of mosaicml/mpt-7b: attn_config.alibi true' },
];
export const PRESET_NOTE = 'Phi-3 (RoPE with longrope scaling) is not a preset: its published short and long factor lists are not reproduced here; pick rope, scaling longrope and paste them from its config.json.';
