// Registration of the relative schemes, biases on the attention logits.
#include "pe/registry.hpp"
#include "pe/schemes/alibi.hpp"
#include "pe/schemes/fire.hpp"
#include "pe/schemes/kerple.hpp"
#include "pe/schemes/sandwich.hpp"
#include "pe/schemes/shaw.hpp"
#include "pe/schemes/t5.hpp"
#include "pe/schemes/txl.hpp"

namespace pe {

void register_relative(std::vector<SchemeEntry>& out) {
  out.push_back(entry_of<AlibiScheme>());
  out.push_back(entry_of<ShawScheme>());
  out.push_back(entry_of<T5Scheme>());
  out.push_back(entry_of<KerpleScheme>());
  out.push_back(entry_of<SandwichScheme>());
  out.push_back(entry_of<FireScheme>());
  out.push_back(entry_of<TxlScheme>());
}

}  // namespace pe
