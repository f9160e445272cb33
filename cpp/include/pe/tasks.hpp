// Seeded training tasks, generated on the fly (nothing downloaded). Each task has a
// fixed vocabulary and draws sequences of exactly `len` tokens from an Rng:
//
//   stories  TinyStories-like short stories from a seeded grammar (a few hundred words:
//            characters, verbs, places), with order questions whose answer depends on
//            who did what: "the dog chased the cat . who chased ? the dog ." The loss
//            covers the whole text; the answer tokens are marked for accuracy.
//   copy     "a b c | a b c", reverse "a b c | c b a", sort "c a b | a b c",
//   recall   associative recall "k1 v1 k2 v2 ... ? k2 -> v2 ? k1 -> v1 ...": distinct keys,
//            then queries until the sequence is full.
//            Symbolic tasks: the loss and accuracy cover the answers only; content
//            lengths are drawn up to what fits in `len`, so a longer eval length also
//            means longer instances (recall: answers further from their keys).
//   text     the user's own UTF-8 text at word level (tokenizer.hpp) or byte level;
//            the vocabulary comes from the text; a window of len + 1 tokens is drawn
//            (a text shorter than that is read round and round).
//
// Stories are packed whole into `len` tokens; copy, reverse and sort hold one instance;
// the rest is the pad token (id 0), whose targets are -1. The text level is checked
// for every task.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pe/rng.hpp"

namespace pe {

// One training sequence for next-token prediction: the model reads tokens[i] and is
// scored on predicting targets[i] (the next token, or -1 where nothing is scored).
struct TaskSequence {
  std::vector<int> tokens;    // (len) ids in [0, vocab size)
  std::vector<int> targets;   // (len) ids or -1
  std::vector<char> answer;   // (len) 1 where targets[i] is part of an answer (accuracy)
};

struct TaskOptions {
  std::string text;            // text: the user's UTF-8 text (required for `text`)
  std::string level = "word";  // text: "word" or "byte"
};

class Task {
 public:
  virtual ~Task() = default;
  virtual const std::string& name() const = 0;
  // Token strings by id; id 0 is the pad token "<pad>".
  virtual const std::vector<std::string>& vocab() const = 0;
  // Smallest len the task can fill with one instance (copy: a 1-token instance and its
  // answer, ...). sample() throws pe::Error below it.
  virtual int min_len() const = 0;
  // A sequence of exactly len tokens, from rng (the same rng state gives the same sequence).
  virtual TaskSequence sample(Rng& rng, int len) const = 0;
};

// The task names, in the order above.
const std::vector<std::string>& task_names();
// Throws pe::Error for an unknown name ("unknown task 'x' (known: stories, copy, ...)"),
// missing or invalid UTF-8 text, or an unknown level.
std::unique_ptr<Task> make_task(const std::string& name, const TaskOptions& options = {});

}  // namespace pe
