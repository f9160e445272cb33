// Registration of the absolute schemes, added to the token embedding.
#include "pe/registry.hpp"
#include "pe/schemes/none.hpp"
#include "pe/schemes/sinusoidal.hpp"

namespace pe {

void register_absolute(std::vector<SchemeEntry>& out) {
  out.push_back(entry_of<NoneScheme>());
  out.push_back(entry_of<SinusoidalScheme>());
}

}  // namespace pe
