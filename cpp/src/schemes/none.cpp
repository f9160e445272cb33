#include "pe/schemes/none.hpp"

#include <xtensor/xbuilder.hpp>

#include "pe/table_checks.hpp"

namespace pe {

Table NoneScheme::table(int n, int d, int heads) const {
  check_table_shape("none", n, d, heads);
  Table t;
  t.add("pe", xt::zeros<double>({static_cast<std::size_t>(n), static_cast<std::size_t>(d)}));
  t.add("profile", xt::zeros<double>({std::size_t{1}, static_cast<std::size_t>(n)}));  // nothing at any distance
  return t;
}

}  // namespace pe
