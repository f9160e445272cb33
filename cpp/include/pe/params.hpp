// Scheme parameters: their descriptions (key, kind, default, range) and a validated set
// of values parsed from KEY=VALUE strings. Descriptions feed `pe-cli schemes` and the
// page's controls; every value a scheme reads has passed through Params::parse.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace pe {

enum class ParamKind { number, integer, boolean, choice, list };

struct ParamSpec {
  std::string key;
  ParamKind kind = ParamKind::number;
  std::string def;                   // default, as text ("10000", "half", "false", "1,1.5")
  double min = 0, max = 0;           // inclusive range for number/integer/list items
  std::vector<std::string> choices;  // for choice
  std::string help;                  // one line for humans
  bool min_exclusive = false;        // e.g. theta > 0
};

const char* kind_name(ParamKind k);

class Params {
 public:
  // Validates raw (key -> text) against specs; unknown keys, unparsable values and
  // values out of range throw pe::Error naming scheme, key and allowed range.
  static Params parse(const std::string& scheme, const std::vector<ParamSpec>& specs,
                      const std::map<std::string, std::string>& raw);

  double number(const std::string& key) const;
  int integer(const std::string& key) const;
  bool flag(const std::string& key) const;
  const std::string& choice(const std::string& key) const;
  const std::vector<double>& list(const std::string& key) const;
  bool given(const std::string& key) const;  // set explicitly, not defaulted

 private:
  std::map<std::string, double> numbers_;
  std::map<std::string, std::string> choices_;
  std::map<std::string, std::vector<double>> lists_;
  std::map<std::string, bool> given_;
};

// Splits "KEY=VALUE" into its parts; throws pe::Error when there is no '='.
std::pair<std::string, std::string> split_setting(const std::string& kv);

}  // namespace pe
