// Parameter storage of a scheme used without a model (scheme.hpp).
#include "pe/scheme.hpp"

#include "pe/error.hpp"

namespace pe {

void Scheme::ensure_params(const LayerShape& shape) {
  if (bound_ && !owns_params_) return;  // the model's block
  std::uint64_t seed = 0;
  for (const auto& spec : info().params)
    if (spec.key == "seed") seed = static_cast<std::uint64_t>(params_.number("seed"));
  const auto specs = param_specs(shape);
  std::vector<std::vector<int>> shapes;
  for (const auto& s : specs) shapes.push_back(s.shape);
  if (bound_ && shapes == owned_shapes_) return;
  owned_.assign(specs.size(), {});
  views_ = ParamViews{};
  for (std::size_t t = 0; t < specs.size(); ++t) {
    std::size_t count = 1;
    for (int e : specs[t].shape) count *= static_cast<std::size_t>(e);
    owned_[t].assign(count, 0.0f);
    views_.value.push_back(owned_[t].data());
    views_.grad.push_back(nullptr);
  }
  init_params(shape, seed, views_.value);
  owned_shapes_ = std::move(shapes);
  owns_params_ = true;
  bound_ = true;
}

float* Scheme::param_value(std::size_t t) const {
  require(bound_ && t < views_.value.size() && views_.value[t] != nullptr,
          info().name + ": parameter tensor " + std::to_string(t) + " is not bound (call ensure_params or bind_params)");
  return views_.value[t];
}

float* Scheme::param_grad(std::size_t t) const {
  return t < views_.grad.size() ? views_.grad[t] : nullptr;
}

}  // namespace pe
