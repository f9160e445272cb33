// Registration of the rotary schemes.
#include "pe/registry.hpp"

namespace pe {

void register_rotary(std::vector<SchemeEntry>& out) { (void)out; }

}  // namespace pe
