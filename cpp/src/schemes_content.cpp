// Registration of the content schemes, whose positions depend on the tokens.
#include "pe/registry.hpp"
#include "pe/schemes/cope.hpp"
#include "pe/schemes/cpe.hpp"

namespace pe {

void register_content(std::vector<SchemeEntry>& out) {
  out.push_back(entry_of<CpeScheme>());
  out.push_back(entry_of<CopeScheme>());
}

}  // namespace pe
