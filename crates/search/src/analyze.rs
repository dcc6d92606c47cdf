//! From what a resident typed to the weighted terms searched: segmented words, the dictionary's
//! meanings of their sayings, and the words behind homophone typos and pinyin.

use crate::lexicon::{Dictionary, Expansion};
use crate::normalize::{is_hanzi, normalize};
use crate::phonetic::{Phonetic, Reading, Sound};
use crate::segment::Segmenter;
use std::collections::HashSet;

/// Why a term is searched.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Origin {
    /// The resident typed it.
    Typed,
    /// The dictionary says `said` means it.
    Synonym { said: String },
    /// `typed` sounds like it or spells it.
    Sound { typed: String, sound: Sound },
}

#[derive(Debug, Clone)]
pub(crate) struct Term {
    /// The word as a person reads it (“出生登记”).
    pub phrase: String,
    /// Its index tokens (“出生”, “登记”, “出生登记”).
    pub tokens: Vec<String>,
    pub weight: f32,
    pub origin: Origin,
}

impl Term {
    /// What the resident actually wrote that this term stands for: the word itself, the saying,
    /// or the typed sound. Terms with the same evidence are alternatives, not extra evidence.
    pub(crate) fn evidence(&self) -> &str {
        match &self.origin {
            Origin::Typed => &self.phrase,
            Origin::Synonym { said } => said,
            Origin::Sound { typed, .. } => typed,
        }
    }
}

/// Relative weights: a typed word counts fully; a meaning or a correction nearly as much, as the
/// resident meant it; a lone character is weak evidence (“钱”, “办”).
const TYPED: f32 = 1.0;
const SINGLE_CHARACTER: f32 = 0.3;
const SYNONYM: f32 = 0.9;
const HOMOPHONE: f32 = 0.8;
const PINYIN: f32 = 1.0;
const INITIALS: f32 = 0.7;
/// A dictionary meaning of a corrected word is two steps from what was typed.
const SYNONYM_OF_CORRECTION: f32 = 0.7;
/// A saying found with other words put inside it (“我妈…走了”) may be two words that only met
/// there (“孩子…没人带” of 孩子两岁没人带, which asks for a nursery): its meaning counts less.
/// Set on the official catalogue's three tuning sets and the demo set (0.3 to 0.5 alike).
const APART: f32 = 0.4;

pub(crate) struct Analyzer {
    segmenter: Segmenter,
    dictionary: Dictionary,
    phonetic: Phonetic,
    stopwords: HashSet<&'static str>,
    /// Every token the catalogue holds.
    held: HashSet<String>,
}

impl Analyzer {
    pub(crate) fn new(
        segmenter: Segmenter,
        dictionary: Dictionary,
        phonetic: Phonetic,
        stopwords: HashSet<&'static str>,
        held: HashSet<String>,
    ) -> Analyzer {
        Analyzer {
            segmenter,
            dictionary,
            phonetic,
            stopwords,
            held,
        }
    }

    /// The terms to search for `query`, each phrase once with its strongest weight.
    pub(crate) fn analyze(&self, query: &str) -> Vec<Term> {
        let query = normalize(query);
        let mut terms = Terms::default();
        let words = self.segmenter.words(&query);
        let background = background(&words);
        for (n, word) in words.iter().enumerate() {
            if !self.stopwords.contains(word.as_str()) {
                let weight = if word.chars().count() == 1 {
                    SINGLE_CHARACTER
                } else {
                    TYPED
                };
                let weight = weight * if background[n] { BACKGROUND } else { 1.0 };
                terms.add(word.clone(), self.tokens(word), weight, Origin::Typed);
            }
        }
        for expansion in self.dictionary.expand(&query) {
            let told = words
                .iter()
                .zip(&background)
                .any(|(w, &b)| b && w.contains(&expansion.said));
            let weight = SYNONYM
                * if told { BACKGROUND } else { 1.0 }
                * if expansion.apart { APART } else { 1.0 };
            self.add_synonym(&mut terms, expansion, weight);
        }
        for reading in self.readings(&query) {
            let weight = match reading.sound {
                Sound::Homophone => HOMOPHONE,
                Sound::Pinyin => PINYIN,
                Sound::Initials => INITIALS,
            };
            for expansion in self.dictionary.expand(&reading.word) {
                self.add_synonym(&mut terms, expansion, SYNONYM_OF_CORRECTION);
            }
            let origin = Origin::Sound {
                typed: reading.typed,
                sound: reading.sound,
            };
            terms.add(
                reading.word.clone(),
                self.tokens(&reading.word),
                weight,
                origin,
            );
        }
        terms.0
    }

    /// The words of `query` that carry its meaning: as segmented, stop words left out.
    pub(crate) fn content_words(&self, query: &str) -> Vec<String> {
        let mut words = self.segmenter.words(&normalize(query));
        words.retain(|w| !self.stopwords.contains(w.as_str()));
        words
    }

    fn add_synonym(&self, terms: &mut Terms, expansion: Expansion, weight: f32) {
        let tokens = self.tokens(&expansion.means);
        terms.add(
            expansion.means,
            tokens,
            weight,
            Origin::Synonym {
                said: expansion.said,
            },
        );
    }

    /// Index tokens of a phrase, without stop words.
    fn tokens(&self, phrase: &str) -> Vec<String> {
        let mut tokens = self.segmenter.tokens(phrase);
        tokens.retain(|t| !self.stopwords.contains(t.as_str()));
        tokens
    }

    /// Whether a homophone reading replaces a particle or pronoun (医保吗 is not 医保码): those are
    /// typed on purpose, not picked by mistake from the input method's list.
    fn slips_on_a_particle(&self, reading: &Reading) -> bool {
        reading
            .typed
            .chars()
            .zip(reading.word.chars())
            .any(|(typed, meant)| {
                typed != meant
                    && self
                        .stopwords
                        .contains(typed.encode_utf8(&mut [0; 4]) as &str)
            })
    }

    /// Homophone readings of the Chinese and pinyin readings of each Latin run.
    fn readings(&self, query: &str) -> Vec<Reading> {
        let mut out = Vec::new();
        if query.chars().any(is_hanzi) {
            let cuts = self.segmenter.cuts(query);
            // A word the catalogue never uses is as likely a slip for one it does (学力, 学历).
            let is_word = |w: &str| self.segmenter.knows(w) && self.held.contains(w);
            let homophones = self.phonetic.homophones(query, &cuts, is_word);
            out.extend(
                homophones
                    .into_iter()
                    .filter(|r| !self.slips_on_a_particle(r)),
            );
        }
        for run in latin_runs(query) {
            out.extend(self.phonetic.pinyin(&run));
        }
        out
    }
}

/// What a question tells as done (离婚了, 结婚后, 改过名字) is why it asks, not what: the words
/// before a marker of a finished event count less than the request that follows.
const BACKGROUND: f32 = 0.6;
/// The markers of a finished event.
const DONE: [&str; 5] = ["了", "过", "后", "以后", "之后"];
/// Before the event, these make 了 tell what is coming (孩子要上小学了), which is the question.
const COMING: [&str; 8] = ["要", "快", "快要", "就要", "将", "将要", "准备", "打算"];

/// For each word, whether it tells a finished event with more of the question after it:
/// followed by a marker, or a saying that ends with one (离婚了).
fn background(words: &[String]) -> Vec<bool> {
    (0..words.len())
        .map(|n| {
            let marked = words.get(n + 1).is_some_and(|w| DONE.contains(&w.as_str()));
            let told =
                (marked && n + 2 < words.len()) || (ends_done(&words[n]) && n + 1 < words.len());
            let coming = n > 0 && COMING.contains(&words[n - 1].as_str());
            told && !coming
        })
        .collect()
}

fn ends_done(word: &str) -> bool {
    word.chars().count() > 1 && DONE.iter().any(|d| word.ends_with(d))
}

/// Runs of Latin letters, spaces and apostrophes (“she bao ka”, “xi'an”), spaces removed.
fn latin_runs(query: &str) -> Vec<String> {
    query
        .split(|c: char| !(c.is_ascii_lowercase() || c == ' ' || c == '\''))
        .map(|run| {
            run.chars()
                .filter(char::is_ascii_lowercase)
                .collect::<String>()
        })
        .filter(|run| !run.is_empty())
        .collect()
}

#[derive(Default)]
struct Terms(Vec<Term>);

impl Terms {
    fn add(&mut self, phrase: String, tokens: Vec<String>, weight: f32, origin: Origin) {
        if tokens.is_empty() {
            return;
        }
        match self.0.iter_mut().find(|t| t.phrase == phrase) {
            Some(term) if term.weight < weight => {
                term.weight = weight;
                term.origin = origin;
            }
            Some(_) => {}
            None => self.0.push(Term {
                phrase,
                tokens,
                weight,
                origin,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon;

    fn analyzer() -> Analyzer {
        held_by_catalogue(&[])
    }

    fn held_by_catalogue(held: &[&str]) -> Analyzer {
        let dictionary = Dictionary::shipped().unwrap();
        let words: Vec<String> = dictionary.words().map(str::to_owned).collect();
        let segmenter = Segmenter::new(words.iter().map(String::as_str));
        let phonetic = Phonetic::new(words.iter().map(String::as_str).chain(["社保卡", "居住证"]));
        Analyzer::new(
            segmenter,
            dictionary,
            phonetic,
            lexicon::stopwords(),
            held.iter().map(|w| w.to_string()).collect(),
        )
    }

    fn find<'a>(terms: &'a [Term], phrase: &str) -> &'a Term {
        terms
            .iter()
            .find(|t| t.phrase == phrase)
            .unwrap_or_else(|| panic!("{phrase} not in {terms:?}"))
    }

    #[test]
    fn stop_words_are_dropped_and_lone_characters_weigh_less() {
        let terms = analyzer().analyze("我社保卡里的钱怎么取");
        assert!(
            terms
                .iter()
                .all(|t| t.phrase != "怎么" && t.phrase != "我" && t.phrase != "的")
        );
        assert_eq!(find(&terms, "社保卡").weight, TYPED);
        assert_eq!(find(&terms, "钱").weight, SINGLE_CHARACTER);
    }

    #[test]
    fn sayings_bring_their_meanings() {
        let terms = analyzer().analyze("我家生娃了");
        let term = find(&terms, "出生登记");
        assert_eq!(
            term.origin,
            Origin::Synonym {
                said: "生娃".into()
            }
        );
        assert!(term.tokens.contains(&"登记".to_owned()));
    }

    #[test]
    fn pinyin_brings_the_word_and_its_meanings() {
        // The spaced syllables read as one saying the dictionary knows.
        let terms = analyzer().analyze("shebaoka diule");
        assert_eq!(
            find(&terms, "社保卡丢了").origin,
            Origin::Sound {
                typed: "shebaokadiule".into(),
                sound: Sound::Pinyin
            }
        );
        assert_eq!(find(&terms, "补领").weight, SYNONYM_OF_CORRECTION);
    }

    #[test]
    fn a_finished_event_before_the_request_counts_less() {
        let w = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            background(&w(&["离婚", "了", "户口", "迁回"])),
            [true, false, false, false]
        );
        // What is coming is the question; so is an event with nothing asked after it.
        assert_eq!(background(&w(&["要", "上小学", "了", "准备"])), [false; 4]);
        assert_eq!(background(&w(&["老人", "去世", "了"])), [false; 3]);
        assert_eq!(background(&w(&["结婚了", "分户"])), [true, false]);
        let terms = analyzer().analyze("儿子结婚后想分户");
        // However the segmenter cuts it (结婚, 结婚后), the told event weighs less.
        let event = terms
            .iter()
            .find(|t| t.origin == Origin::Typed && t.phrase.starts_with("结婚"))
            .expect("the event is a term");
        assert_eq!(event.weight, TYPED * BACKGROUND);
        assert_eq!(find(&terms, "分户").weight, TYPED);
    }

    #[test]
    fn a_real_word_the_catalogue_never_uses_may_be_a_slip() {
        let slip = |held: &[&str]| {
            let terms = held_by_catalogue(held).analyze("事业了怎么办");
            terms.iter().any(|t| t.phrase == "失业")
        };
        assert!(slip(&["失业"]));
        assert!(!slip(&["失业", "事业"]), "事业单位 is in the catalogue");
    }

    #[test]
    fn a_particle_is_not_a_slip() {
        let terms = analyzer().analyze("能交居民医保吗");
        assert!(terms.iter().all(|t| t.phrase != "医保码"), "{terms:?}");
        let terms = analyzer().analyze("医保马怎么用");
        assert!(terms.iter().any(|t| t.phrase == "医保码"), "{terms:?}");
    }

    #[test]
    fn latin_runs_join_spaced_syllables() {
        assert_eq!(
            latin_runs("she bao ka 丢了 xi'an"),
            vec!["shebaoka", "xian"]
        );
    }
}
