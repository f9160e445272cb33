// Seeded training tasks (contract in tasks.hpp). Choices the header leaves open:
//
//   Scoring. targets[i] = tokens[i+1] where position i+1 holds a real token and that
//   token is scored; -1 elsewhere (padding, the last position, unscored tokens).
//   answer[i] = 1 where targets[i] is an answer token. stories and text score every
//   token; copy, reverse, sort and recall score the answer tokens only (answer ==
//   scored). text also scores the last position (its target is the token after the
//   window); the others leave it at -1.
//
//   copy / reverse / sort: ONE instance per sequence, "x1 .. xk | y1 .. yk", then
//   padding. No end marker. k is uniform in [1, (len - 1) / 2], so a longer len draws
//   longer instances. Symbols "a".."p" drawn with replacement; sort orders them a < b.
//
//   recall: n distinct keys "a".."p" bound to values "0".."9", then queries
//   "? k -> v" over the bound keys until the sequence is full: "a 3 c 7 ? c -> 7 ? a -> 3".
//   n is uniform in [1, min(16, (len - 4) / 2)]; only the values after "->" are
//   scored. A longer len cannot hold more distinct keys, so it brings more queries,
//   further from their bindings.
//
//   stories: whole stories packed until the next one does not fit, then padding; each
//   ends with "<eos>". A story has a cast of 2-3 characters and 1-5 sentences; the
//   first is an action "S verb O", the rest are drawn from actions, "S verb O and S2
//   verb2 O2", moods, things found, journeys and play. Action verbs are distinct within
//   a story. Three stories in four end with "who verb ? S ." or "who was verb ? O ."
//   about one of its actions, so the answer depends on who did what to whom. Sentences
//   that do not fit the space left are dropped (the first falls back to a bare
//   "S verb O ."; a story whose bare first sentence and question do not fit drops the
//   question).
//
//   text: the token stream of the text (pe::tokenize at level "word", the raw bytes at
//   level "byte"); a window of len + 1 tokens starts at a uniform offset that keeps it
//   inside the text; a text shorter than len + 1 tokens is read cyclically (the last
//   token is followed by the first, no separator). Word vocabulary in order of first
//   occurrence; byte vocabulary in byte order, printable ASCII (0x20..0x7E) named by the
//   character, every other byte "\xNN" (upper-case hex).
#include "pe/tasks.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <unordered_map>

#include "pe/error.hpp"
#include "pe/limits.hpp"
#include "pe/tokenizer.hpp"

namespace pe {

namespace {

// Uniform integer in [0, n), n >= 1 (modulo bias below 2^-40 for the n used here).
int draw_below(Rng& rng, int n) { return static_cast<int>(rng.next_u64() % static_cast<std::uint64_t>(n)); }
int draw_between(Rng& rng, int lo, int hi) { return lo + draw_below(rng, hi - lo + 1); }
bool draw_chance(Rng& rng, int num, int den) { return draw_below(rng, den) < num; }

// Token strings <-> ids, ids in order of first mention; id 0 is "<pad>".
class Vocab {
 public:
  Vocab() { id("<pad>"); }
  int id(const std::string& text) {
    auto it = ids_.find(text);
    if (it != ids_.end()) return it->second;
    const int next = static_cast<int>(words_.size());
    ids_.emplace(text, next);
    words_.push_back(text);
    return next;
  }
  // The ids of space-separated words: "the dog" -> {id("the"), id("dog")}.
  std::vector<int> phrase(const std::string& words) {
    std::vector<int> out;
    std::size_t start = 0;
    while (start < words.size()) {
      std::size_t end = words.find(' ', start);
      if (end == std::string::npos) end = words.size();
      if (end > start) out.push_back(id(words.substr(start, end - start)));
      start = end + 1;
    }
    return out;
  }
  const std::vector<std::string>& words() const { return words_; }

 private:
  std::vector<std::string> words_;
  std::unordered_map<std::string, int> ids_;
};

// A sequence under construction: its real tokens and which of them are answer tokens.
struct Draft {
  std::vector<int> tokens;
  std::vector<char> is_answer;  // (tokens.size()) 1 where tokens[j] is an answer token
  int size() const { return static_cast<int>(tokens.size()); }
  void put(int id, bool answer = false) {
    tokens.push_back(id);
    is_answer.push_back(answer ? 1 : 0);
  }
  void put(const std::vector<int>& ids, bool answer = false) {
    for (int id : ids) put(id, answer);
  }
};

// Pads the draft to len with id 0 and derives targets (next token where it is real and
// scored: every token when score_all, else answer tokens only) and answer marks.
TaskSequence sequence_finish(const Draft& draft, int len, bool score_all) {
  TaskSequence s;
  s.tokens.assign(static_cast<std::size_t>(len), 0);
  s.targets.assign(static_cast<std::size_t>(len), -1);
  s.answer.assign(static_cast<std::size_t>(len), 0);
  const int used = draft.size();
  for (int i = 0; i < used; ++i) s.tokens[i] = draft.tokens[i];
  for (int i = 0; i + 1 < used; ++i) {
    const bool answer = draft.is_answer[i + 1] != 0;
    if (score_all || answer) s.targets[i] = draft.tokens[i + 1];
    s.answer[i] = answer ? 1 : 0;
  }
  return s;
}

void len_check(const Task& task, int len) {
  require(len <= limits::max_stream_tokens, "sequence length " + std::to_string(len) + " is above the limit " +
                                                std::to_string(limits::max_stream_tokens));
  require(len >= task.min_len(), "task '" + task.name() + "' needs a sequence length of at least " +
                                     std::to_string(task.min_len()) + " (got " + std::to_string(len) + ")");
}

constexpr int symbol_count = 16;  // "a".."p"

// ---------------------------------------------------------------- copy, reverse, sort

enum class Transform { copy, reverse, sort };

class TransformTask final : public Task {
 public:
  TransformTask(std::string name, Transform transform) : name_(std::move(name)), transform_(transform) {
    for (int c = 0; c < symbol_count; ++c) vocab_.id(std::string(1, static_cast<char>('a' + c)));
    bar_ = vocab_.id("|");
  }
  const std::string& name() const override { return name_; }
  const std::vector<std::string>& vocab() const override { return vocab_.words(); }
  int min_len() const override { return 3; }  // "a | a"

  TaskSequence sample(Rng& rng, int len) const override {
    len_check(*this, len);
    const int k = draw_between(rng, 1, (len - 1) / 2);
    std::vector<int> x(static_cast<std::size_t>(k));
    for (int& v : x) v = 1 + draw_below(rng, symbol_count);  // ids 1..16 in letter order
    std::vector<int> y = x;
    if (transform_ == Transform::reverse) std::reverse(y.begin(), y.end());
    if (transform_ == Transform::sort) std::sort(y.begin(), y.end());
    Draft d;
    d.put(x);
    d.put(bar_);
    d.put(y, true);
    return sequence_finish(d, len, false);
  }

 private:
  std::string name_;
  Transform transform_;
  Vocab vocab_;
  int bar_ = 0;
};

// ---------------------------------------------------------------- recall

class RecallTask final : public Task {
 public:
  RecallTask() {
    for (int c = 0; c < symbol_count; ++c) keys_.push_back(vocab_.id(std::string(1, static_cast<char>('a' + c))));
    for (int v = 0; v < 10; ++v) values_.push_back(vocab_.id(std::string(1, static_cast<char>('0' + v))));
    ask_ = vocab_.id("?");
    arrow_ = vocab_.id("->");
  }
  const std::string& name() const override { return name_; }
  const std::vector<std::string>& vocab() const override { return vocab_.words(); }
  int min_len() const override { return 6; }  // "a 3 ? a -> 3"

  TaskSequence sample(Rng& rng, int len) const override {
    len_check(*this, len);
    const int n = draw_between(rng, 1, std::min(symbol_count, (len - 4) / 2));
    std::vector<int> keys = keys_;
    for (int i = 0; i < n; ++i) std::swap(keys[i], keys[i + draw_below(rng, symbol_count - i)]);
    std::vector<int> values(static_cast<std::size_t>(n));
    Draft d;
    for (int i = 0; i < n; ++i) {
      values[i] = values_[draw_below(rng, 10)];
      d.put(keys[i]);
      d.put(values[i]);
    }
    for (int q = (len - 2 * n) / 4; q > 0; --q) {
      const int i = draw_below(rng, n);
      d.put(ask_);
      d.put(keys[i]);
      d.put(arrow_);
      d.put(values[i], true);
    }
    return sequence_finish(d, len, false);
  }

 private:
  std::string name_ = "recall";
  Vocab vocab_;
  std::vector<int> keys_, values_;
  int ask_ = 0, arrow_ = 0;
};

// ---------------------------------------------------------------- stories

const char* const story_characters[] = {"the dog", "the cat",  "lily",     "tom",      "a little bird", "the girl",
                                        "the boy", "mom",      "dad",      "ben",      "sue",           "the frog",
                                        "the bear", "the duck", "the old man", "a big fish"};
// Action verbs: past tense, past participle ("who was seen ?").
const char* const story_verbs[][2] = {
    {"chased", "chased"},   {"saw", "seen"},         {"helped", "helped"},   {"hugged", "hugged"},
    {"pushed", "pushed"},   {"called", "called"},    {"followed", "followed"}, {"kissed", "kissed"},
    {"liked", "liked"},     {"watched", "watched"},  {"visited", "visited"}, {"thanked", "thanked"},
    {"met", "met"},         {"heard", "heard"},      {"fed", "fed"},         {"bit", "bitten"},
    {"woke", "woken"},      {"taught", "taught"},    {"caught", "caught"},   {"tickled", "tickled"}};
const char* const story_places[] = {"in the park",   "near the river", "at home",     "in the garden",
                                    "by the lake",   "in the forest",  "at school",   "on the hill",
                                    "under the big tree", "at the beach", "in the house", "near the farm"};
const char* const story_goals[] = {"to the park", "to the river", "to the shop",   "to the lake", "to school",
                                   "home",        "to the farm",  "to the beach",  "to the forest", "to bed"};
const char* const story_moods[] = {"happy", "sad",     "tired", "hungry", "scared", "angry", "sleepy",
                                   "excited", "kind",  "brave", "cold",   "lucky",  "proud", "shy"};
const char* const story_thing_verbs[] = {"found", "lost", "had", "wanted", "made", "dropped", "painted"};
const char* const story_thing_adjectives[] = {"red", "blue", "big", "small", "shiny", "old",
                                              "new", "green", "soft", "yellow", "pretty"};
const char* const story_things[] = {"ball", "kite", "box",   "hat",  "cake",  "apple", "flower",
                                    "stick", "toy", "book",  "shell", "stone", "boat", "cup"};

template <typename T, std::size_t N>
constexpr int count_of(const T (&)[N]) { return static_cast<int>(N); }

class StoriesTask final : public Task {
 public:
  StoriesTask() {
    w_.stop = vocab_.id(".");
    w_.ask = vocab_.id("?");
    w_.eos = vocab_.id("<eos>");
    w_.who = vocab_.id("who");
    w_.was = vocab_.id("was");
    w_.then = vocab_.id("then");
    w_.and_ = vocab_.id("and");
    w_.because = vocab_.id("because");
    w_.a = vocab_.id("a");
    w_.an = vocab_.id("an");
    w_.went = vocab_.id("went");
    w_.with = vocab_.id("with");
    w_.played = vocab_.id("played");
    w_.together = vocab_.id("together");
    openers_ = {vocab_.phrase("one day ,"), vocab_.phrase("once upon a time ,")};
    for (const char* c : story_characters) characters_.push_back(vocab_.phrase(c));
    for (const auto& v : story_verbs) verbs_.push_back({vocab_.id(v[0]), vocab_.id(v[1])});
    for (const char* p : story_places) places_.push_back(vocab_.phrase(p));
    for (const char* g : story_goals) goals_.push_back(vocab_.phrase(g));
    for (const char* m : story_moods) moods_.push_back(vocab_.id(m));
    for (const char* v : story_thing_verbs) thing_verbs_.push_back(vocab_.id(v));
    for (const char* a : story_thing_adjectives) thing_adjectives_.push_back(vocab_.id(a));
    for (const char* t : story_things) things_.push_back(vocab_.id(t));
    int longest = 0;
    for (const auto& c : characters_) longest = std::max(longest, static_cast<int>(c.size()));
    question_max_ = 4 + longest + 1;                        // "who was seen ?" S "."
    min_len_ = (2 * longest + 2) + question_max_ + 1;       // bare "S verb O ." + question + "<eos>"
  }
  const std::string& name() const override { return name_; }
  const std::vector<std::string>& vocab() const override { return vocab_.words(); }
  int min_len() const override { return min_len_; }

  TaskSequence sample(Rng& rng, int len) const override {
    len_check(*this, len);
    Draft d;
    while (story_append(rng, len - d.size(), d)) {}
    return sequence_finish(d, len, true);
  }

 private:
  struct Verb { int past, participle; };
  struct Action { int subject, verb, object; };  // indices into characters_, verbs_, characters_
  struct Sentence {
    std::vector<int> tokens;
    std::vector<Action> actions;
    int size() const { return static_cast<int>(tokens.size()); }
  };

  void put(Sentence& s, const std::vector<int>& ids) const { s.tokens.insert(s.tokens.end(), ids.begin(), ids.end()); }

  // Two distinct members of the cast, in drawn order.
  std::pair<int, int> pair_draw(Rng& rng, const std::vector<int>& cast) const {
    const int n = static_cast<int>(cast.size());
    const int a = draw_below(rng, n);
    const int b = (a + 1 + draw_below(rng, n - 1)) % n;
    return {cast[a], cast[b]};
  }
  // An action between two cast members with a verb not in `taken`.
  Action action_draw(Rng& rng, const std::vector<int>& cast, const std::vector<int>& taken) const {
    std::vector<int> free;
    for (int v = 0; v < static_cast<int>(verbs_.size()); ++v)
      if (std::find(taken.begin(), taken.end(), v) == taken.end()) free.push_back(v);
    const auto who = pair_draw(rng, cast);
    return {who.first, free[draw_below(rng, static_cast<int>(free.size()))], who.second};
  }
  void action_put(Sentence& s, const Action& a) const {
    put(s, characters_[a.subject]);
    s.tokens.push_back(verbs_[a.verb].past);
    put(s, characters_[a.object]);
    s.actions.push_back(a);
  }

  // One sentence; `taken` holds the verbs already used in the story.
  Sentence sentence_draw(Rng& rng, const std::vector<int>& cast, std::vector<int> taken, bool first) const {
    Sentence s;
    if (first) {
      if (draw_chance(rng, 1, 2)) put(s, openers_[draw_below(rng, 2)]);
    } else if (draw_chance(rng, 1, 3)) {
      s.tokens.push_back(w_.then);
    }
    const int kind = first ? 0 : draw_below(rng, 20);
    if (kind < 8) {  // action [place] [because X was mood]
      const Action a = action_draw(rng, cast, taken);
      action_put(s, a);
      if (draw_chance(rng, 1, 3)) put(s, places_[draw_below(rng, count_of(story_places))]);
      if (draw_chance(rng, 1, 4)) {
        s.tokens.push_back(w_.because);
        put(s, characters_[draw_chance(rng, 1, 2) ? a.subject : a.object]);
        s.tokens.push_back(w_.was);
        s.tokens.push_back(moods_[draw_below(rng, count_of(story_moods))]);
      }
    } else if (kind < 10) {  // action and action
      const Action a = action_draw(rng, cast, taken);
      taken.push_back(a.verb);
      const Action b = action_draw(rng, cast, taken);
      action_put(s, a);
      s.tokens.push_back(w_.and_);
      action_put(s, b);
    } else if (kind < 13) {  // S was mood
      put(s, characters_[cast[draw_below(rng, static_cast<int>(cast.size()))]]);
      s.tokens.push_back(w_.was);
      s.tokens.push_back(moods_[draw_below(rng, count_of(story_moods))]);
    } else if (kind < 16) {  // S found a red ball [place]
      put(s, characters_[cast[draw_below(rng, static_cast<int>(cast.size()))]]);
      s.tokens.push_back(thing_verbs_[draw_below(rng, count_of(story_thing_verbs))]);
      const int adjective = draw_below(rng, count_of(story_thing_adjectives));
      const bool vowel = std::string("aeiou").find(story_thing_adjectives[adjective][0]) != std::string::npos;
      s.tokens.push_back(vowel ? w_.an : w_.a);
      s.tokens.push_back(thing_adjectives_[adjective]);
      s.tokens.push_back(things_[draw_below(rng, count_of(story_things))]);
      if (draw_chance(rng, 1, 3)) put(s, places_[draw_below(rng, count_of(story_places))]);
    } else if (kind < 18) {  // S went somewhere [with O]
      const auto who = pair_draw(rng, cast);
      put(s, characters_[who.first]);
      s.tokens.push_back(w_.went);
      put(s, goals_[draw_below(rng, count_of(story_goals))]);
      if (draw_chance(rng, 1, 2)) {
        s.tokens.push_back(w_.with);
        put(s, characters_[who.second]);
      }
    } else {  // S and O played together [place]
      const auto who = pair_draw(rng, cast);
      put(s, characters_[who.first]);
      s.tokens.push_back(w_.and_);
      put(s, characters_[who.second]);
      s.tokens.push_back(w_.played);
      s.tokens.push_back(w_.together);
      if (draw_chance(rng, 1, 2)) put(s, places_[draw_below(rng, count_of(story_places))]);
    }
    s.tokens.push_back(w_.stop);
    return s;
  }

  // Appends one whole story of at most `budget` tokens to out; false (out unchanged)
  // when none fits.
  bool story_append(Rng& rng, int budget, Draft& out) const {
    if (budget < min_len_) return false;
    bool ask = draw_chance(rng, 3, 4);
    const int sentences = draw_between(rng, 1, 5);
    std::vector<int> cast;
    const int cast_size = draw_between(rng, 2, 3);
    while (static_cast<int>(cast.size()) < cast_size) {
      const int c = draw_below(rng, count_of(story_characters));
      if (std::find(cast.begin(), cast.end(), c) == cast.end()) cast.push_back(c);
    }
    int reserve = 1 + (ask ? question_max_ : 0);  // "<eos>" and the question
    std::vector<Sentence> body;
    std::vector<int> taken;
    int used = 0;
    for (int k = 0; k < sentences; ++k) {
      Sentence s = sentence_draw(rng, cast, taken, k == 0);
      if (used + s.size() + reserve > budget) {
        if (k > 0) break;
        const Action a = s.actions.front();  // the first sentence falls back to bare "S verb O ."
        s = Sentence{};
        action_put(s, a);
        s.tokens.push_back(w_.stop);
        if (used + s.size() + reserve > budget) return false;  // unreachable: budget >= min_len_
      }
      used += s.size();
      for (const Action& a : s.actions) taken.push_back(a.verb);
      body.push_back(std::move(s));
    }
    for (const Sentence& s : body) out.put(s.tokens);
    if (ask) {
      std::vector<Action> actions;
      for (const Sentence& s : body) actions.insert(actions.end(), s.actions.begin(), s.actions.end());
      const Action a = actions[draw_below(rng, static_cast<int>(actions.size()))];
      out.put(w_.who);
      if (draw_chance(rng, 1, 2)) {  // who did it: the subject
        out.put(verbs_[a.verb].past);
        out.put(w_.ask);
        out.put(characters_[a.subject], true);
      } else {  // to whom: the object
        out.put(w_.was);
        out.put(verbs_[a.verb].participle);
        out.put(w_.ask);
        out.put(characters_[a.object], true);
      }
      out.put(w_.stop);
    }
    out.put(w_.eos);
    return true;
  }

  struct Words { int stop, ask, eos, who, was, then, and_, because, a, an, went, with, played, together; };

  std::string name_ = "stories";
  Vocab vocab_;
  Words w_{};
  std::vector<std::vector<int>> openers_;  // "one day ,", "once upon a time ,"
  std::vector<std::vector<int>> characters_, places_, goals_;
  std::vector<Verb> verbs_;
  std::vector<int> moods_, thing_verbs_, thing_adjectives_, things_;
  int question_max_ = 0, min_len_ = 0;
};

// ---------------------------------------------------------------- text

class TextTask final : public Task {
 public:
  TextTask(const std::string& text, const std::string& level) {
    require(!text.empty(), "task 'text' needs a text (the text is empty)");
    // Validates UTF-8 (and the size limit) with the tokenizer's rules and messages.
    const std::vector<Token> words = tokenize(text, std::numeric_limits<int>::max(), "text");
    if (level == "word") {
      for (const Token& t : words) stream_.push_back(vocab_.id(t.text));
    } else {
      bool present[256] = {};
      for (unsigned char b : text) present[b] = true;
      int byte_id[256] = {};
      for (int b = 0; b < 256; ++b) {
        if (!present[b]) continue;
        static const char hex[] = "0123456789ABCDEF";
        const std::string name = (b >= 0x20 && b <= 0x7E) ? std::string(1, static_cast<char>(b))
                                                           : std::string("\\x") + hex[b >> 4] + hex[b & 15];
        byte_id[b] = vocab_.id(name);
      }
      for (unsigned char b : text) stream_.push_back(byte_id[b]);
    }
  }
  const std::string& name() const override { return name_; }
  const std::vector<std::string>& vocab() const override { return vocab_.words(); }
  int min_len() const override { return 1; }

  TaskSequence sample(Rng& rng, int len) const override {
    len_check(*this, len);
    const int n = static_cast<int>(stream_.size());
    const int start = n >= len + 1 ? draw_below(rng, n - len) : draw_below(rng, n);
    TaskSequence s;
    s.tokens.resize(static_cast<std::size_t>(len));
    s.targets.resize(static_cast<std::size_t>(len));
    s.answer.assign(static_cast<std::size_t>(len), 0);
    for (int i = 0; i < len; ++i) {
      s.tokens[i] = stream_[(start + i) % n];
      s.targets[i] = stream_[(start + i + 1) % n];
    }
    return s;
  }

 private:
  std::string name_ = "text";
  Vocab vocab_;
  std::vector<int> stream_;  // the whole text as ids
};

}  // namespace

const std::vector<std::string>& task_names() {
  static const std::vector<std::string> names = {"stories", "copy", "reverse", "sort", "recall", "text"};
  return names;
}

std::unique_ptr<Task> make_task(const std::string& name, const TaskOptions& options) {
  require(options.level == "word" || options.level == "byte",
          "unknown level '" + options.level + "' (known: word, byte)");
  if (name == "stories") return std::make_unique<StoriesTask>();
  if (name == "copy") return std::make_unique<TransformTask>(name, Transform::copy);
  if (name == "reverse") return std::make_unique<TransformTask>(name, Transform::reverse);
  if (name == "sort") return std::make_unique<TransformTask>(name, Transform::sort);
  if (name == "recall") return std::make_unique<RecallTask>();
  if (name == "text") return std::make_unique<TextTask>(options.text, options.level);
  std::string known;
  for (const auto& n : task_names()) known += (known.empty() ? "" : ", ") + n;
  throw Error("unknown task '" + name + "' (known: " + known + ")");
}

}  // namespace pe
