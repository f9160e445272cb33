// Loads golden numbers made by tests/golden/make_golden.py (the recipe lives beside
// the data): one number per line, '#' lines are comments.
#pragma once
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace golden {

inline std::vector<double> load(const std::string& name) {
  std::ifstream in(std::string(PE_GOLDEN_DIR) + "/" + name);
  if (!in) throw std::runtime_error("missing golden file " + name + ": run tests/golden/make_golden.py");
  std::vector<double> out;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') out.push_back(std::stod(line));
  return out;
}

}  // namespace golden
