// Registration of the content schemes.
#include "pe/registry.hpp"

namespace pe {

void register_content(std::vector<SchemeEntry>& out) { (void)out; }

}  // namespace pe
