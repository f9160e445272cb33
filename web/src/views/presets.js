// Presets: the position settings of published models, each with the config it comes from,
// so a reader starts from "Llama 3.1" rather than from rope_theta. Choosing one sets the
// scheme and its settings in the store (so the hash carries them); every setting not
// named here is the scheme's default. Values are the models' published Hugging Face
// config.json fields, renamed to this engine's parameter keys.
// A preset may also set the layer's shape (state): Phi-3's factor lists have one entry per
// rotated pair of its 96-wide heads, so it runs at width 384 with 4 heads.
// Phi-3's two 48-number lists are those of the July 2024 revision of its config.json
// (rope_scaling type "longrope"; the April release called it "su", with other lists).
const PHI3_LONG = '1.0700000524520874,1.1200000047683716,1.149999976158142,1.4199999570846558,1.5699999332427979,1.7999999523162842,2.129999876022339,2.129999876022339,3.009999990463257,5.910000324249268,6.950000286102295,9.070000648498535,9.930000305175781,10.710000038146973,11.130000114440918,14.609999656677246,15.409998893737793,19.809999465942383,37.279998779296875,38.279998779296875,38.599998474121094,40.12000274658203,46.20000457763672,50.940006256103516,53.66000747680664,54.9373893737793,56.89738845825195,57.28738784790039,59.98738479614258,60.86738586425781,60.887386322021484,61.71739196777344,62.91739273071289,62.957393646240234,63.41739273071289,63.8173942565918,63.83739471435547,63.897396087646484,63.93739700317383,64.06739807128906,64.11434936523438,64.12435150146484,64.15435028076172,64.19435119628906,64.24435424804688,64.57435607910156,64.69000244140625,64.76000213623047';
const PHI3_SHORT = '1.1,1.1,1.1,1.3000000000000003,1.3500000000000003,1.3500000000000003,1.4000000000000004,1.5500000000000005,2.000000000000001,2.000000000000001,2.000000000000001,2.000000000000001,2.000000000000001,2.000000000000001,2.000000000000001,2.000000000000001,2.000000000000001,2.000000000000001,2.000000000000001,2.000000000000001,2.000000000000001,2.000000000000001,2.000000000000001,2.000000000000001,2.000000000000001,2.0500000000000007,2.0500000000000007,2.0500000000000007,2.0500000000000007,2.0500000000000007,2.0500000000000007,2.1000000000000005,2.1000000000000005,2.1500000000000004,2.25,2.25,2.25,2.25,2.25,2.3999999999999995,2.4499999999999993,2.499999999999999,2.6999999999999984,2.6999999999999984,2.7499999999999982,2.799999999999998,2.8999999999999977,3.049999999999997';
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
  { id: 'phi3', label: 'Phi-3 mini 128k', scheme: 'rope', state: { dim: 384, heads: 4 },
    settings: { theta: '10000', scaling: 'longrope', factor: '32', original_max: '4096', long_factor: PHI3_LONG, short_factor: PHI3_SHORT },
    source: 'huggingface config.json of microsoft/Phi-3-mini-128k-instruct (July 2024 revision): rope_theta 10000, rope_scaling {type "longrope", long_factor and short_factor: 48 numbers each, one per rotated pair of a 96-wide head}, original_max_position_embeddings 4096, max_position_embeddings 131072 (factor 32 = 131072 / 4096, as transformers derives it for Phi-3: attention factor √(1 + ln 32 / ln 4096) = 1.19; here at width 384 with 4 heads, so each head is 96 wide as in the model)' },
  { id: 'bloom', label: 'BLOOM / MPT', scheme: 'alibi', settings: {},
    source: 'bigscience/bloom (ALiBi in its modelling code, no position embeddings in config.json) and the config.json of mosaicml/mpt-7b: attn_config.alibi true' },
];
export const PRESET_NOTE = 'Phi-3 sets the width to 384 and 4 heads as well: its factor lists need heads 96 wide. A preset sets the scheme\'s settings and leaves every other setting at its default; the raw parameters stay under "Settings of the scheme".';
