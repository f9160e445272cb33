"""pe::Rng and pe::seed_mix (cpp/include/pe/rng.hpp), rewritten here from their definition
for the recipes that draw the project's random tables:
splitmix64 bits, uniform = ((x >> 11) + 0.5) / 2^53, Box-Muller normals (r cos returned
first, r sin kept as the spare), seed_mix(seed, stream) = first output of
splitmix64(seed ^ stream * 0xd1b54a32d192ed03).
"""
import math

M64 = (1 << 64) - 1


class Rng:
    def __init__(self, seed):
        self.state = seed & M64
        self.spare = None

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def uniform(self):
        return ((self.next_u64() >> 11) + 0.5) * (1.0 / 9007199254740992.0)

    def normal(self, mean=0.0, std=1.0):
        """N(mean, std^2), evaluated in the same order as the C++ (mean + std * r * cos)."""
        if self.spare is not None:
            s, self.spare = self.spare, None
            return mean + std * s
        u1, u2 = self.uniform(), self.uniform()
        r = math.sqrt(-2.0 * math.log(u1))
        self.spare = r * math.sin(6.283185307179586 * u2)
        return mean + std * r * math.cos(6.283185307179586 * u2)


def seed_mix(seed, stream):
    return Rng(seed ^ ((stream * 0xD1B54A32D192ED03) & M64)).next_u64()
