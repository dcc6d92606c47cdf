//! Word segmentation: jieba in search mode (whole words and their dictionary sub-words), taught
//! the domain vocabulary. Indexing and querying go through the same segmenter, so they agree.

use crate::lexicon;
use crate::normalize::{is_meaningful, normalize};
use jieba_rs::{Jieba, TokenizeMode};

/// The longest entry taught to jieba as a word, in characters.
const MAX_WORD: usize = 6;

// The general vocabulary (see `data/jieba-dict.md`), compressed in the binary and unpacked only
// while a segmenter is made, so that no copy of its text stays in memory.
include_flate::flate!(static DICTIONARY: IFlate from "data/jieba-dict.txt" with zstd);

/// The general vocabulary plus `data/words.txt`. Made afresh for each index rather than kept
/// for the next rebuild: a kept copy is some 10 MB of a community server's memory for all its
/// life, to save a fraction of a second once per catalogue publication.
fn base() -> Jieba {
    let text = DICTIONARY.decoded();
    let mut jieba =
        Jieba::with_dict(&mut text.as_slice()).expect("data/jieba-dict.txt is well formed");
    for word in lexicon::domain_words() {
        jieba.add_word(word, None, None);
    }
    jieba
}

/// Whether jieba already cuts `word` into words of two characters or more (“残疾证丢了”:
/// 残疾证, 丢了): taught whole it would only hide its words from a question that holds it.
fn of_known_words(jieba: &Jieba, word: &str) -> bool {
    let pieces = jieba.cut(word, false);
    pieces.len() > 1 && pieces.iter().all(|p| p.word.chars().count() >= 2)
}

pub(crate) struct Segmenter {
    jieba: Jieba,
}

impl Segmenter {
    /// A segmenter that also keeps `words` (the dictionary's and the catalogue's own words)
    /// whole. Longer entries are phrases (“孩子想在这里上学”), not words: forced into jieba they
    /// would swallow the characters around them, so they are left to be cut as usual; so are
    /// entries made of words jieba knows by then (the general vocabulary and the entries taught
    /// before them), like the saying “残疾证丢了”.
    pub(crate) fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Segmenter {
        let mut jieba = base();
        for word in words {
            let word = normalize(word);
            let length = word.chars().count();
            if (2..=MAX_WORD).contains(&length)
                && !jieba.has_word(&word)
                && !of_known_words(&jieba, &word)
            {
                jieba.add_word(&word, None, None);
            }
        }
        Segmenter { jieba }
    }

    /// Normalised search-mode tokens of `text`, punctuation and spaces dropped.
    pub(crate) fn tokens(&self, text: &str) -> Vec<String> {
        let text = normalize(text);
        self.jieba
            .tokenize(&text, TokenizeMode::Search, true)
            .into_iter()
            .map(|t| t.word)
            .filter(|w| is_meaningful(w))
            .map(str::to_owned)
            .collect()
    }

    /// Normalised words of `text` as jieba cuts them (one reading, no sub-words).
    pub(crate) fn words(&self, text: &str) -> Vec<String> {
        let text = normalize(text);
        self.jieba
            .cut(&text, true)
            .into_iter()
            .map(|t| t.word)
            .filter(|w| is_meaningful(w))
            .map(str::to_owned)
            .collect()
    }

    /// For each character offset of normalised `text` (and its end), whether a word begins or
    /// ends there. Cut by the dictionary alone: unknown characters (typos) stand alone rather
    /// than being glued to their neighbours by the HMM.
    pub(crate) fn cuts(&self, text: &str) -> Vec<bool> {
        let mut cuts = vec![false; text.chars().count() + 1];
        for token in self.jieba.cut(text, false) {
            cuts[token.start] = true;
            cuts[token.end] = true;
        }
        cuts
    }

    /// Whether `word` is a word in its own right (so it is not a typo of another word).
    pub(crate) fn knows(&self, word: &str) -> bool {
        self.jieba.has_word(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_words_stay_whole_and_yield_sub_words() {
        let segmenter = Segmenter::new(["尊老金"]);
        let tokens = segmenter.tokens("高龄津贴和尊老金");
        for expected in ["高龄", "津贴", "高龄津贴", "尊老金"] {
            assert!(
                tokens.iter().any(|t| t == expected),
                "{expected} missing from {tokens:?}"
            );
        }
        assert!(!tokens.iter().any(|t| t == "和尊"));
    }

    #[test]
    fn phrases_of_known_words_are_not_taught_whole() {
        let segmenter = Segmenter::new(["残疾证", "丢了", "残疾证丢了", "生娃"]);
        assert_eq!(segmenter.words("残疾证丢了"), vec!["残疾证", "丢了"]);
        assert_eq!(segmenter.words("生娃了"), vec!["生娃", "了"]);
    }

    #[test]
    fn words_are_whole() {
        let words = Segmenter::new([]).words("高龄津贴，怎么申请");
        assert_eq!(words, vec!["高龄津贴", "怎么", "申请"]);
    }

    #[test]
    fn cuts_mark_word_edges() {
        let cuts = Segmenter::new([]).cuts("广场舞太吵");
        assert_eq!(cuts, vec![true, false, false, true, true, true]);
    }

    #[test]
    fn punctuation_is_dropped_and_latin_lower_cased() {
        assert_eq!(
            Segmenter::new([]).tokens("ＳＨＥＢＡＯＫＡ？"),
            vec!["shebaoka"]
        );
    }
}
