// Registration of the rotary schemes, applied to queries and keys.
#include "pe/registry.hpp"
#include "pe/schemes/fope.hpp"
#include "pe/schemes/rope.hpp"
#include "pe/schemes/xpos.hpp"

namespace pe {

void register_rotary(std::vector<SchemeEntry>& out) {
  out.push_back(entry_of<RopeScheme>());
  out.push_back(entry_of<XposScheme>());
  out.push_back(entry_of<FopeScheme>());
}

}  // namespace pe
