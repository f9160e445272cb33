// Registration of the absolute schemes, added to the token embedding, and of randomized,
// which draws the positions of one of them (or of rope).
#include "pe/registry.hpp"
#include "pe/schemes/binary.hpp"
#include "pe/schemes/fourier.hpp"
#include "pe/schemes/integer.hpp"
#include "pe/schemes/learned.hpp"
#include "pe/schemes/none.hpp"
#include "pe/schemes/randomized.hpp"
#include "pe/schemes/sinusoidal.hpp"

namespace pe {

void register_absolute(std::vector<SchemeEntry>& out) {
  out.push_back(entry_of<NoneScheme>());
  out.push_back(entry_of<SinusoidalScheme>());
  out.push_back(entry_of<LearnedScheme>());
  out.push_back(entry_of<IntegerScheme>());
  out.push_back(entry_of<BinaryScheme>());
  out.push_back(entry_of<FourierScheme>());
}

void register_wrappers(std::vector<SchemeEntry>& out) {
  out.push_back(entry_of<RandomizedScheme>());  // draws the positions of sinusoidal, learned or rope
}

}  // namespace pe
