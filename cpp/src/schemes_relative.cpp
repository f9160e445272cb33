// Registration of the relative schemes, biases on the attention logits.
#include "pe/registry.hpp"
#include "pe/schemes/alibi.hpp"
#include "pe/schemes/shaw.hpp"
#include "pe/schemes/t5.hpp"

namespace pe {

void register_relative(std::vector<SchemeEntry>& out) {
  out.push_back(entry_of<AlibiScheme>());
  out.push_back(entry_of<ShawScheme>());
  out.push_back(entry_of<T5Scheme>());
}

}  // namespace pe
