// Registration of the relative schemes.
#include "pe/registry.hpp"

namespace pe {

void register_relative(std::vector<SchemeEntry>& out) { (void)out; }

}  // namespace pe
