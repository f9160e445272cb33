// The training tasks (tasks.hpp): determinism, shapes, next-token targets, the
// loss-masking rule of each task, answers decoded and checked against the input,
// story questions re-parsed, and every refusal with its message.
#include <catch2/catch.hpp>
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "pe/error.hpp"
#include "pe/rng.hpp"
#include "pe/tasks.hpp"

namespace {
using Words = std::vector<std::string>;

const char* const sample_text =
    "Once upon a time, a little fox lived by the river. Every morning the fox ran to the water, "
    "drank, and looked at the fish. One day the fish spoke: \"Why do you watch me, fox?\" The fox "
    "said nothing and ran home. Caf\xC3\xA9 na\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC.";

std::unique_ptr<pe::Task> task_make(const std::string& name, const std::string& level = "word") {
  pe::TaskOptions options;
  options.text = sample_text;
  options.level = level;
  return pe::make_task(name, options);
}

Words decode(const pe::Task& task, const std::vector<int>& ids, std::size_t begin = 0,
             std::size_t end = std::string::npos) {
  Words out;
  for (std::size_t i = begin; i < std::min(end, ids.size()); ++i) out.push_back(task.vocab().at(ids[i]));
  return out;
}

// The message of the pe::Error thrown by f ("" when none).
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const pe::Error& e) {
    return e.what();
  }
  return "";
}

// Position of the first token with text t in [begin, end), or end.
std::size_t find_text(const pe::Task& task, const std::vector<int>& ids, const std::string& t, std::size_t begin,
                      std::size_t end) {
  for (std::size_t i = begin; i < end; ++i)
    if (task.vocab()[ids[i]] == t) return i;
  return end;
}

const std::vector<int> lens = {48, 64, 100, 512};
}  // namespace

TEST_CASE("task_names lists the six tasks and each builds with <pad> as id 0") {
  CHECK(pe::task_names() == Words{"stories", "copy", "reverse", "sort", "recall", "text"});
  for (const auto& name : pe::task_names()) {
    const auto task = task_make(name);
    CHECK(task->name() == name);
    REQUIRE_FALSE(task->vocab().empty());
    CHECK(task->vocab()[0] == "<pad>");
    const std::set<std::string> distinct(task->vocab().begin(), task->vocab().end());
    CHECK(distinct.size() == task->vocab().size());
    CHECK(task->min_len() >= 1);
    if (name != "stories" && name != "text") CHECK(task->vocab().size() < 40);
  }
  const auto stories = task_make("stories");
  CHECK(stories->vocab().size() >= 100);  // a small grammar, but not a toy alphabet
  CHECK(stories->vocab().size() <= 400);
}

TEST_CASE("every task is deterministic: the same rng state gives the same sequence") {
  for (const auto& name : pe::task_names()) {
    const auto task = task_make(name);
    pe::Rng a(7), b(7), c(8);
    bool differs = false;
    for (int round = 0; round < 4; ++round) {
      const pe::TaskSequence sa = task->sample(a, 64), sb = task->sample(b, 64), sc = task->sample(c, 64);
      CHECK(sa.tokens == sb.tokens);
      CHECK(sa.targets == sb.targets);
      CHECK(sa.answer == sb.answer);
      differs = differs || sa.tokens != sc.tokens;
    }
    INFO(name);
    CHECK(differs);
    // Two tasks built alike draw alike (nothing depends on the instance or on time).
    pe::Rng d(7), e(7);
    CHECK(task->sample(d, 64).tokens == task_make(name)->sample(e, 64).tokens);
  }
}

TEST_CASE("sequences have exactly len tokens, ids within the vocabulary, targets the next token") {
  for (const auto& name : pe::task_names()) {
    const auto task = task_make(name);
    const int vocab = static_cast<int>(task->vocab().size());
    pe::Rng rng(11);
    std::vector<int> ls = lens;
    ls.push_back(task->min_len());
    ls.push_back(task->min_len() + 1);
    for (int len : ls)
      for (int round = 0; round < 20; ++round) {
        const pe::TaskSequence s = task->sample(rng, len);
        INFO(name << " len " << len);
        REQUIRE(static_cast<int>(s.tokens.size()) == len);
        REQUIRE(static_cast<int>(s.targets.size()) == len);
        REQUIRE(static_cast<int>(s.answer.size()) == len);
        for (int i = 0; i < len; ++i) {
          REQUIRE(s.tokens[i] >= 0);
          REQUIRE(s.tokens[i] < vocab);
          REQUIRE(s.targets[i] >= -1);
          REQUIRE(s.targets[i] < vocab);
          if (s.targets[i] != -1 && i + 1 < len) REQUIRE(s.targets[i] == s.tokens[i + 1]);
          if (s.targets[i] != -1) REQUIRE(s.targets[i] != 0);  // padding is never a target
          if (s.tokens[i] == 0) REQUIRE(s.targets[i] == -1);   // nor read to predict anything
          if (s.answer[i]) REQUIRE(s.targets[i] != -1);        // answers are scored
        }
        if (name != "text") CHECK(s.targets[len - 1] == -1);  // nothing after the sequence
      }
  }
}

TEST_CASE("copy, reverse and sort answers are the input copied, reversed, sorted") {
  for (const std::string name : {"copy", "reverse", "sort"}) {
    const auto task = task_make(name);
    pe::Rng rng(3);
    for (int len : {3, 4, 5, 48, 64, 513})
      for (int round = 0; round < 30; ++round) {
        const pe::TaskSequence s = task->sample(rng, len);
        const std::size_t bar = find_text(*task, s.tokens, "|", 0, s.tokens.size());
        INFO(name << " len " << len);
        REQUIRE(bar < s.tokens.size());
        const std::size_t k = bar;
        REQUIRE(k >= 1);
        REQUIRE(2 * k + 1 <= static_cast<std::size_t>(len));
        const Words x = decode(*task, s.tokens, 0, k);
        const Words y = decode(*task, s.tokens, k + 1, 2 * k + 1);
        Words want = x;
        if (name == "reverse") std::reverse(want.begin(), want.end());
        if (name == "sort") std::sort(want.begin(), want.end());
        CHECK(y == want);
        for (const auto& w : x) CHECK((w.size() == 1 && w[0] >= 'a' && w[0] <= 'z'));
        for (std::size_t i = 2 * k + 1; i < s.tokens.size(); ++i) REQUIRE(s.tokens[i] == 0);
      }
  }
  // Sort really reorders: some drawn input is not already sorted.
  const auto sort = task_make("sort");
  pe::Rng rng(5);
  bool reordered = false;
  for (int round = 0; round < 20 && !reordered; ++round) {
    const pe::TaskSequence s = sort->sample(rng, 48);
    reordered = !std::is_sorted(s.tokens.begin(), s.tokens.begin() + find_text(*sort, s.tokens, "|", 0, 48));
  }
  CHECK(reordered);
}

TEST_CASE("symbolic tasks score the answer only: '|' predicts y1, ..., y(k-1) predicts yk") {
  for (const std::string name : {"copy", "reverse", "sort"}) {
    const auto task = task_make(name);
    pe::Rng rng(9);
    for (int round = 0; round < 50; ++round) {
      const pe::TaskSequence s = task->sample(rng, 64);
      const int k = static_cast<int>(find_text(*task, s.tokens, "|", 0, 64));
      for (int i = 0; i < 64; ++i) {
        const bool scored = i >= k && i < 2 * k;
        INFO(name << " k " << k << " i " << i);
        CHECK((s.targets[i] != -1) == scored);
        CHECK((s.answer[i] != 0) == scored);
      }
    }
  }
  const auto recall = task_make("recall");
  pe::Rng rng(9);
  for (int round = 0; round < 50; ++round) {
    const pe::TaskSequence s = recall->sample(rng, 64);
    for (int i = 0; i < 64; ++i) {
      const bool scored = recall->vocab()[s.tokens[i]] == "->";
      CHECK((s.targets[i] != -1) == scored);
      CHECK((s.answer[i] != 0) == scored);
    }
  }
}

TEST_CASE("recall answers the value bound to the queried key; keys are distinct") {
  const auto task = task_make("recall");
  pe::Rng rng(21);
  int queries = 0;
  for (int len : {6, 7, 10, 48, 64, 512})
    for (int round = 0; round < 30; ++round) {
      const pe::TaskSequence s = task->sample(rng, len);
      const Words w = decode(*task, s.tokens);
      INFO("len " << len);
      // Bindings "k v" until the first "?".
      std::size_t i = 0;
      std::vector<std::pair<std::string, std::string>> bound;
      while (i < w.size() && w[i] != "?") {
        REQUIRE(i + 1 < w.size());
        CHECK((w[i] >= "a" && w[i] <= "z"));
        CHECK((w[i + 1] >= "0" && w[i + 1] <= "9"));
        for (const auto& b : bound) CHECK(b.first != w[i]);
        bound.emplace_back(w[i], w[i + 1]);
        i += 2;
      }
      REQUIRE_FALSE(bound.empty());
      int here = 0;
      for (; i + 3 < w.size() && w[i] == "?"; i += 4) {
        REQUIRE(w[i + 2] == "->");
        const auto it = std::find_if(bound.begin(), bound.end(), [&](const auto& b) { return b.first == w[i + 1]; });
        REQUIRE(it != bound.end());
        CHECK(w[i + 3] == it->second);
        ++here;
      }
      CHECK(here >= 1);
      CHECK(len - static_cast<int>(i) < 4);  // queries fill the sequence
      for (; i < w.size(); ++i) CHECK(w[i] == "<pad>");
      queries += here;
    }
  CHECK(queries > 0);
}

TEST_CASE("stories: each question is answered by the subject or object of its verb in the same story") {
  const auto task = task_make("stories");
  const Words boundaries = {".", ",", "then", "and", "because", "<eos>"};
  pe::Rng rng(1);
  int asked = 0, by_subject = 0, by_object = 0;
  for (int len : {task->min_len(), 48, 64, 512})
    for (int round = 0; round < 40; ++round) {
      const pe::TaskSequence s = task->sample(rng, len);
      const Words w = decode(*task, s.tokens);
      std::size_t story_begin = 0;
      std::vector<char> marked(w.size(), 0);  // answer positions this test accounts for
      for (std::size_t q = 0; q < w.size(); ++q) {
        if (w[q] == "<eos>") story_begin = q + 1;
        if (w[q] != "who") continue;
        INFO("len " << len << " question at " << q);
        ++asked;
        const bool passive = w.at(q + 1) == "was";
        const std::size_t mark = passive ? q + 3 : q + 2;  // the "?"
        REQUIRE(w.at(mark) == "?");
        // The answer: the marked targets from the "?" on.
        Words answer;
        std::size_t i = mark;
        for (; i < w.size() && s.answer[i]; ++i) {
          answer.push_back(task->vocab()[s.targets[i]]);
          marked[i] = 1;
        }
        REQUIRE_FALSE(answer.empty());
        REQUIRE(i < w.size());
        CHECK(w[i] == answer.back());
        CHECK(w.at(i + 1) == ".");
        CHECK(w.at(i + 2) == "<eos>");
        // The sentence with the verb: its past form appears exactly once in this story.
        // The question gives the past ("who saw ?") or the participle ("who was seen ?");
        // the grammar's irregular participles are listed here.
        std::string past = w[passive ? q + 2 : q + 1];
        const std::vector<std::pair<std::string, std::string>> irregular = {
            {"saw", "seen"}, {"bit", "bitten"}, {"woke", "woken"}};
        for (const auto& p : irregular)
          if (passive && p.second == past) past = p.first;
        std::vector<std::size_t> at;
        for (std::size_t j = story_begin; j < q; ++j)
          if (w[j] == past) at.push_back(j);
        REQUIRE(at.size() == 1);
        const std::size_t v = at[0];
        const std::size_t n = answer.size();
        if (!passive) {
          REQUIRE(v >= story_begin + n);
          CHECK(Words(w.begin() + v - n, w.begin() + v) == answer);
          const bool bounded = v - n == story_begin ||
                               std::find(boundaries.begin(), boundaries.end(), w[v - n - 1]) != boundaries.end();
          CHECK(bounded);
          ++by_subject;
        } else {
          REQUIRE(v + n < q);
          CHECK(Words(w.begin() + v + 1, w.begin() + v + 1 + n) == answer);
          // and the subject differs (the answer is not just "someone in the verb's sentence")
          if (v >= story_begin + n) CHECK(Words(w.begin() + v - n, w.begin() + v) != answer);
          ++by_object;
        }
      }
      for (std::size_t i = 0; i < w.size(); ++i) CHECK(static_cast<int>(s.answer[i]) == marked[i]);
    }
  CHECK(asked > 50);
  CHECK(by_subject > 10);
  CHECK(by_object > 10);
}

TEST_CASE("stories score every token of the text and none of the padding; stories are whole") {
  const auto task = task_make("stories");
  pe::Rng rng(4);
  int with_question = 0, without_question = 0;
  for (int len : {task->min_len(), 40, 64, 512})
    for (int round = 0; round < 30; ++round) {
      const pe::TaskSequence s = task->sample(rng, len);
      const Words w = decode(*task, s.tokens);
      const int used = static_cast<int>(std::find(s.tokens.begin(), s.tokens.end(), 0) - s.tokens.begin());
      INFO("len " << len);
      REQUIRE(used >= 4);
      CHECK(w[used - 1] == "<eos>");  // whole stories only
      for (int i = used; i < len; ++i) CHECK(s.tokens[i] == 0);
      for (int i = 0; i < len; ++i) CHECK((s.targets[i] != -1) == (i + 1 < used));
      CHECK(len - used < task->min_len());  // packed: no room left for another story
      std::size_t story_begin = 0;
      for (int i = 0; i < used; ++i) {
        if (w[i] != "<eos>") continue;
        const bool asked = std::find(w.begin() + story_begin, w.begin() + i, "who") != w.begin() + i;
        (asked ? with_question : without_question) += 1;
        story_begin = i + 1;
      }
      for (const auto& t : w) CHECK(t.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos);
    }
  CHECK(with_question > without_question);  // most stories ask
  CHECK(without_question > 0);
}

TEST_CASE("len below min_len or above 65536 is refused") {
  for (const auto& name : pe::task_names()) {
    const auto task = task_make(name);
    pe::Rng rng(1);
    if (task->min_len() > 1) {
      const std::string message = error_of([&] { task->sample(rng, task->min_len() - 1); });
      INFO(name);
      CHECK(message.find("task '" + name + "' needs a sequence length of at least " +
                         std::to_string(task->min_len())) != std::string::npos);
    }
    CHECK_THROWS_AS(task->sample(rng, 0), pe::Error);
    CHECK_THROWS_AS(task->sample(rng, -5), pe::Error);
    CHECK(error_of([&] { task->sample(rng, 65537); }) == "sequence length 65537 is above the limit 65536");
    CHECK_NOTHROW(task->sample(rng, task->min_len()));
  }
  const auto copy = task_make("copy");
  pe::Rng rng(1);
  CHECK(copy->min_len() == 3);
  CHECK(copy->sample(rng, 65536).tokens.size() == 65536);
  CHECK(task_make("recall")->min_len() == 6);
}

TEST_CASE("unknown task and unknown level are refused, naming what is known") {
  const std::string message = error_of([] { pe::make_task("poems"); });
  CHECK(message == "unknown task 'poems' (known: stories, copy, reverse, sort, recall, text)");
  for (const auto& name : pe::task_names()) CHECK(message.find(name) != std::string::npos);
  pe::TaskOptions options;
  options.text = "hello world";
  options.level = "char";
  CHECK(error_of([&] { pe::make_task("text", options); }) == "unknown level 'char' (known: word, byte)");
}

TEST_CASE("text task refuses missing and invalid UTF-8 text") {
  pe::TaskOptions options;
  CHECK(error_of([&] { pe::make_task("text", options); }) == "task 'text' needs a text (the text is empty)");
  options.text = "ok \xC3\x28 bad";
  CHECK(error_of([&] { pe::make_task("text", options); }) == "text is not valid UTF-8 at byte 3");
  options.level = "byte";
  CHECK(error_of([&] { pe::make_task("text", options); }) == "text is not valid UTF-8 at byte 3");
  options.text = "\xED\xA0\x80";  // a surrogate
  CHECK_THROWS_AS(pe::make_task("text", options), pe::Error);
  options.text = "   ";
  CHECK_THROWS_AS(pe::make_task("text", options), pe::Error);
  // Other tasks ignore the text.
  CHECK_NOTHROW(pe::make_task("copy", options));
}

TEST_CASE("text at byte level: the vocabulary is the bytes present, windows decode to the text") {
  pe::TaskOptions options;
  options.text = "ab\nba \xC3\xA9!";
  options.level = "byte";
  const auto task = pe::make_task("text", options);
  CHECK(task->vocab() == Words{"<pad>", "\\x0A", " ", "!", "a", "b", "\\xA9", "\\xC3"});
  CHECK(task->min_len() == 1);
  const std::string text = options.text;
  pe::Rng rng(2);
  std::set<std::size_t> starts;
  for (int len : {1, 3, 9, 40})
    for (int round = 0; round < 30; ++round) {
      const pe::TaskSequence s = task->sample(rng, len);
      std::string got;
      for (int id : s.tokens) {
        const std::string& name = task->vocab()[id];
        got += name.size() == 1 ? name : std::string(1, static_cast<char>(std::stoi(name.substr(2), nullptr, 16)));
      }
      // A window of the text, read cyclically when the text is shorter than len + 1.
      std::string cyclic;
      while (cyclic.size() < got.size() + 2 * text.size()) cyclic += text;
      const std::size_t at = len + 1 <= static_cast<int>(text.size()) ? text.find(got) : cyclic.find(got);
      INFO("len " << len << " window " << got);
      CHECK(at != std::string::npos);
      if (len + 1 <= static_cast<int>(text.size())) starts.insert(at);
      for (int i = 0; i < len; ++i) {
        CHECK(s.targets[i] != -1);
        CHECK(s.answer[i] == 0);
      }
    }
  CHECK(starts.size() > 2);  // windows start at several offsets
}

TEST_CASE("text at word level: tokenizer words in order of first occurrence, windows are slices") {
  pe::TaskOptions options;
  options.text = "The dog saw the cat. The cat ran!";
  const auto task = pe::make_task("text", options);
  CHECK(task->vocab() == Words{"<pad>", "the", "dog", "saw", "cat", ".", "ran", "!"});
  const Words stream = {"the", "dog", "saw", "the", "cat", ".", "the", "cat", "ran", "!"};
  pe::Rng rng(6);
  std::set<std::string> firsts;
  for (int len : {1, 4, 9, 10, 25})
    for (int round = 0; round < 30; ++round) {
      const pe::TaskSequence s = task->sample(rng, len);
      Words window = decode(*task, s.tokens);
      window.push_back(task->vocab()[s.targets[len - 1]]);
      // Some offset o with window[j] == stream[(o + j) % n]; within the text when it fits.
      bool found = false;
      const std::size_t n = stream.size();
      const std::size_t offsets = static_cast<std::size_t>(len) + 1 <= n ? n - len : n;
      for (std::size_t o = 0; o < offsets && !found; ++o) {
        bool all = true;
        for (std::size_t j = 0; j < window.size() && all; ++j) all = window[j] == stream[(o + j) % n];
        found = all;
      }
      INFO("len " << len);
      CHECK(found);
      firsts.insert(window[0]);
    }
  CHECK(firsts.size() > 3);
}

TEST_CASE("a longer len draws longer copy instances on average") {
  const auto task = task_make("copy");
  pe::Rng rng(13);
  double mean[3] = {0, 0, 0};
  const int ls[3] = {16, 64, 512};
  for (int l = 0; l < 3; ++l) {
    int longest = 0;
    for (int round = 0; round < 200; ++round) {
      const pe::TaskSequence s = task->sample(rng, ls[l]);
      const int k = static_cast<int>(find_text(*task, s.tokens, "|", 0, s.tokens.size()));
      mean[l] += k / 200.0;
      longest = std::max(longest, k);
    }
    CHECK(longest <= (ls[l] - 1) / 2);
    CHECK(longest > (ls[l] - 1) / 2 * 3 / 4);  // the range is really used
  }
  CHECK(mean[1] > 2 * mean[0]);
  CHECK(mean[2] > 4 * mean[1]);
  CHECK(mean[1] == Approx(16).margin(3));  // uniform on [1, 31]
}
