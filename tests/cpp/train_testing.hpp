// What the training tests share: the small stories run that must learn within tens of
// steps (test_model.cpp for rope, test_randomized.cpp for its draws), and its check.
#pragma once
#include <string>

#include <catch2/catch.hpp>

#include "pe/train.hpp"

namespace pe_test {

// Stories at length 32, batch 8, 2 heads, seed 3; 40 steps at lr 1e-2 and width 32 learn.
inline pe::TrainConfig small_stories_run(const std::string& scheme, int dim = 32, int steps = 40) {
  pe::TrainConfig c;
  c.scheme = scheme;
  c.task = "stories";
  c.len = 32;
  c.batch = 8;
  c.steps = steps;
  c.dim = dim;
  c.heads = 2;
  c.lr = 1e-2;
  c.seed = 3;
  return c;
}

// Runs c twice, bit for bit the same, and checks that the mean loss of the last 5 steps is
// below 0.8 of the first 5.
inline void check_learns(const pe::TrainConfig& c) {
  pe::Trainer a(c), b(c);
  for (int s = 0; s < c.steps; ++s) REQUIRE(a.step() == b.step());  // bit for bit
  double first = 0, last = 0;
  for (int s = 0; s < 5; ++s) first += a.losses()[s] / 5;
  for (int s = c.steps - 5; s < c.steps; ++s) last += a.losses()[s] / 5;
  INFO("mean loss of the first 5 steps " << first << ", of the last 5 " << last);
  CHECK(last < 0.8 * first);
}

}  // namespace pe_test
