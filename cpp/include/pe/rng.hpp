// Deterministic random numbers, identical on every machine and in WASM:
// splitmix64 for bits, Box-Muller for normals. Never seeded from time.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>

namespace pe {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next_u64() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in (0, 1): never exactly 0, so log() is safe.
  double uniform() { return (static_cast<double>(next_u64() >> 11) + 0.5) * (1.0 / 9007199254740992.0); }
  // N(mean, stddev).
  double normal(double mean = 0.0, double stddev = 1.0) {
    if (has_spare_) { has_spare_ = false; return mean + stddev * spare_; }
    const double two_pi = 6.283185307179586;
    double u1 = uniform(), u2 = uniform();
    double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(two_pi * u2);
    has_spare_ = true;
    return mean + stddev * r * std::cos(two_pi * u2);
  }

 private:
  std::uint64_t state_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// FNV-1a 64-bit hash of bytes: seeds per-token generators from the token text.
inline std::uint64_t fnv1a64(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) { h ^= c; h *= 0x100000001b3ull; }
  return h;
}

// Mixes a base seed with a stream id so that different tables never share a stream.
inline std::uint64_t seed_mix(std::uint64_t seed, std::uint64_t stream) {
  Rng r(seed ^ (stream * 0xD1B54A32D192ED03ull));
  return r.next_u64();
}

}  // namespace pe
