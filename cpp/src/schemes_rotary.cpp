// Registration of the rotary schemes, applied to queries and keys.
#include "pe/registry.hpp"
#include "pe/schemes/rope.hpp"

namespace pe {

void register_rotary(std::vector<SchemeEntry>& out) {
  out.push_back(entry_of<RopeScheme>());
}

}  // namespace pe
