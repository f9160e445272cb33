#include "pe/describe.hpp"

#include "pe/limits.hpp"
#include "pe/registry.hpp"

namespace pe {

void write_limits_json(JsonWriter& w) {
  w.begin_object();
  w.key("max_tokens").value(limits::max_tokens);
  w.key("max_stream_tokens").value(limits::max_stream_tokens);
  w.key("max_sentence_bytes").value(static_cast<long long>(limits::max_sentence_bytes));
  w.key("max_shift").value(limits::max_shift);
  w.key("max_dim").value(limits::max_dim);
  w.key("max_heads").value(limits::max_heads);
  w.key("max_table_len").value(limits::max_table_len);
  w.key("max_table_cells").value(static_cast<long long>(limits::max_table_cells));
  w.key("max_probe_work").value(limits::max_probe_work);
  w.end_object();
}

void write_schemes_json(JsonWriter& w) {
  w.begin_array();
  for (const auto& e : scheme_registry()) {
    const auto& i = *e.info;
    w.begin_object();
    w.key("name").value(i.name).key("title").value(i.title).key("where").value(site_name(i.where));
    w.key("acts_on").value(i.acts_on).key("summary").value(i.summary);
    w.key("paper").value(i.paper).key("source").value(i.source);
    w.key("params").begin_array();
    for (const auto& p : i.params) {
      w.begin_object().key("key").value(p.key).key("kind").value(kind_name(p.kind));
      w.key("default").value(p.def);
      if (p.kind == ParamKind::choice) {
        w.key("choices").begin_array();
        for (const auto& c : p.choices) w.value(c);
        w.end_array();
      } else if (p.kind != ParamKind::boolean) {
        w.key("min").value(p.min).key("max").value(p.max).key("min_exclusive").value(p.min_exclusive);
      }
      w.key("help").value(p.help).end_object();
    }
    w.end_array().end_object();
  }
  w.end_array();
}

namespace {
std::vector<std::size_t> shape_of(const xt::xtensor<float, 3>& t) {
  return std::vector<std::size_t>(t.shape().begin(), t.shape().end());
}

// The details of one scheme (probe.hpp), only those asked for: nothing when none was.
void write_probe_details(JsonWriter& w, const SchemeProbe& s) {
  const auto list = [&](const char* key, const std::vector<double>& v, std::size_t rows) {
    if (v.empty()) return;
    w.key(key).array(v.data(), rows == 1 ? std::vector<std::size_t>{v.size()}
                                         : std::vector<std::size_t>{rows, v.size() / rows});
  };
  if (s.has_norms) {
    const NormProbe& n = s.norms;
    const std::size_t heads = static_cast<std::size_t>(n.heads);
    w.key("norms").begin_object().key("acts_on").value(n.acts_on);
    list("input_ratio", n.input_ratio, 1);
    list("input_cos", n.input_cos, 1);
    list("query_ratio", n.query_ratio, heads);
    list("query_cos", n.query_cos, heads);
    list("key_ratio", n.key_ratio, heads);
    list("key_cos", n.key_cos, heads);
    w.end_object();
  }
  if (s.has_pair_terms) {
    const PairTermsProbe& p = s.pair_terms;
    w.key("pair_terms").begin_object();
    w.key("head").value(p.head).key("query").value(p.query).key("key").value(p.key).key("masked").value(p.masked);
    list("terms", p.terms, 1);
    list("inv_freq", p.inv_freq, 1);
    w.key("dim_a").begin_array();
    for (int d : p.dim_a) w.value(d);
    w.end_array().key("dim_b").begin_array();
    for (int d : p.dim_b) w.value(d);
    w.end_array();
    w.key("rest").value(p.rest).key("logit").value(p.logit).key("note").value(p.note);
    w.end_object();
  } else if (!s.pair_terms_reason.empty()) {
    w.key("pair_terms_reason").value(s.pair_terms_reason);
  }
}

}  // namespace

void write_probe_json(JsonWriter& w, const ProbeOptions& o, const ProbeResult& r) {
  w.begin_object();
  w.key("tokens").begin_array();
  for (const auto& t : r.tokens) w.value(t);
  w.end_array().key("tokens_compare").begin_array();
  for (const auto& t : r.tokens_compare) w.value(t);
  w.end_array().key("token_match").begin_array();
  for (const int j : r.token_match) w.value(j);
  w.end_array();
  w.key("dim").value(o.dim).key("heads").value(o.heads).key("seed").value(static_cast<long long>(o.seed));
  w.key("causal").value(o.causal).key("shift").value(o.shift);
  w.key("schemes").begin_object();
  for (const auto& s : r.schemes) {
    w.key(s.scheme).begin_object();
    w.key("sentence_distance").value(s.sentence_distance);
    w.key("sentence_distance_raw").value(s.sentence_distance_raw);
    w.key("token_distance").begin_array();
    for (double t : s.token_distance) w.value(t);  // NaN -> null
    w.end_array();
    w.key("shift_logit_change").value(s.shift_logit_change);
    w.key("shift_logit_change_raw").value(s.shift_logit_change_raw);
    if (o.weights) {
      w.key("attention").array(s.attention.data(), shape_of(s.attention));
      w.key("attention_compare").array(s.attention_compare.data(), shape_of(s.attention_compare));
    }
    write_probe_details(w, s);
    w.end_object();
  }
  w.end_object().end_object();
}

}  // namespace pe
