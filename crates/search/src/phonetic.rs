//! Tolerance for how Chinese is typed: pinyin instead of characters (“shebaoka”, “sbk”) and
//! homophone typos from the input method (“居住正” for “居住证”).
//!
//! The vocabulary (item names and their words, keywords, synonyms, dictionary words) is read once
//! into toneless pinyin and stored in two tries: one keyed by syllables (to find vocabulary words
//! that sound like a stretch of a Chinese query) and one keyed by letters (to split a pinyin string
//! into vocabulary words). A query then costs a walk along its own length, never a scan of the
//! vocabulary.

use crate::normalize::is_hanzi;
use pinyin::ToPinyinMulti;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// A syllable of toneless pinyin, numbered densely.
type Syllable = u16;

/// Readings beyond this many combinations per word fall back to each character's usual reading:
/// rare readings of common characters would otherwise multiply the vocabulary.
const MAX_READINGS_PER_WORD: usize = 16;

/// Initials alone name a word only from three letters on: two (“mz”, “gl”) match too many words,
/// and are as likely an abbreviation or a code. Beside a word of three (“sbkbl”) two letters may
/// name another.
const MIN_INITIALS: usize = 3;

/// Every toneless syllable the pinyin data knows, with its number.
struct Syllables {
    ids: HashMap<&'static str, Syllable>,
    longest: usize,
    /// For each syllable, the class of syllables an ear that blurs -ng into -n hears as it.
    heard: Vec<Syllable>,
}

fn syllables() -> &'static Syllables {
    static SYLLABLES: OnceLock<Syllables> = OnceLock::new();
    SYLLABLES.get_or_init(|| {
        let mut ids = HashMap::new();
        let all = ('\u{3400}'..='\u{9FFF}').filter_map(|c| c.to_pinyin_multi());
        for reading in all.flat_map(|multi| multi.into_iter()) {
            let next = ids.len() as Syllable;
            ids.entry(reading.plain()).or_insert(next);
        }
        let longest = ids.keys().map(|s| s.len()).max().unwrap_or(0);
        let mut heard = vec![0; ids.len()];
        let mut classes: HashMap<String, Syllable> = HashMap::new();
        for (plain, &id) in &ids {
            let next = classes.len() as Syllable;
            heard[id as usize] = *classes.entry(blur(plain)).or_insert(next);
        }
        Syllables {
            ids,
            longest,
            heard,
        }
    })
}

/// A syllable as the fuzzy pinyin of many input methods hears it: many speakers do not tell
/// -ng finals from -n ones (高林 typed for 高龄, 身请 for 申请), so -ing, -eng and -ang count
/// as -in, -en and -an (-ong has no -on to be taken for).
fn blur(plain: &str) -> String {
    match plain.strip_suffix("ng") {
        Some(stem) if !stem.ends_with('o') => format!("{stem}n"),
        _ => plain.to_owned(),
    }
}

fn heard(syllable: Syllable) -> Syllable {
    syllables().heard[syllable as usize]
}

/// Whether the character at `at` is inside a word of two characters or more as the query was
/// cut.
fn in_real_word(chars: &[char], cuts: &[bool], at: usize, is_word: impl Fn(&str) -> bool) -> bool {
    let from = (0..=at)
        .rev()
        .find(|&i| cuts.get(i) == Some(&true))
        .unwrap_or(0);
    let to = (at + 1..=chars.len())
        .find(|&i| cuts.get(i) == Some(&true))
        .unwrap_or(chars.len());
    let piece: String = chars[from..to].iter().collect();
    to - from > 1 && is_word(&piece)
}

/// Whether a character typed with the readings `typed`, standing where `meant` belongs, sounds
/// like `meant` read the usual way: an input method offers 的 for “de”, but nobody types “de”
/// meaning 登 (dé is a rare reading).
fn sounds_like_usual(typed: &[(Syllable, &str)], meant: char) -> bool {
    let Some(&(usual, _)) = readings(meant).first() else {
        return false;
    };
    typed.iter().any(|&(s, _)| heard(s) == heard(usual))
}

/// The distinct toneless readings of a character, usual reading first.
fn readings(c: char) -> Vec<(Syllable, &'static str)> {
    let mut out: Vec<(Syllable, &'static str)> = Vec::new();
    let Some(multi) = c.to_pinyin_multi() else {
        return out;
    };
    for reading in multi {
        let plain = reading.plain();
        if let Some(&id) = syllables().ids.get(plain)
            && !out.iter().any(|(s, _)| *s == id)
        {
            out.push((id, plain));
        }
    }
    out
}

/// A trie whose values are vocabulary word numbers.
struct Trie<K> {
    /// `children[node]` is sorted by key.
    children: Vec<Vec<(K, u32)>>,
    words: Vec<Vec<u32>>,
}

impl<K: Copy + Ord> Trie<K> {
    fn new() -> Self {
        Trie {
            children: vec![Vec::new()],
            words: vec![Vec::new()],
        }
    }

    fn child(&self, node: u32, key: K) -> Option<u32> {
        let children = &self.children[node as usize];
        children
            .binary_search_by_key(&key, |(k, _)| *k)
            .ok()
            .map(|i| children[i].1)
    }

    fn insert(&mut self, keys: impl IntoIterator<Item = K>, word: u32) {
        let mut node = 0u32;
        for key in keys {
            node = match self.child(node, key) {
                Some(next) => next,
                None => {
                    let next = self.children.len() as u32;
                    self.children.push(Vec::new());
                    self.words.push(Vec::new());
                    let siblings = &mut self.children[node as usize];
                    let at = siblings.partition_point(|(k, _)| *k < key);
                    siblings.insert(at, (key, next));
                    next
                }
            };
        }
        if !self.words[node as usize].contains(&word) {
            self.words[node as usize].push(word);
        }
    }

    fn words_at(&self, node: u32) -> &[u32] {
        &self.words[node as usize]
    }
}

/// How a typed stretch was read as a vocabulary word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sound {
    /// Characters that sound like the word (“底保” for “低保”).
    Homophone,
    /// Full pinyin (“shebaoka”).
    Pinyin,
    /// Initials of the word's pinyin (“sbk”).
    Initials,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reading {
    pub typed: String,
    pub word: String,
    pub sound: Sound,
}

pub(crate) struct Phonetic {
    words: Vec<String>,
    known: HashSet<String>,
    by_sound: Trie<Syllable>,
    by_spelling: Trie<u8>,
    by_initials: HashMap<String, Vec<u32>>,
}

impl Phonetic {
    /// Indexes every word of two or more Chinese characters in `vocabulary`.
    pub(crate) fn new<'a>(vocabulary: impl IntoIterator<Item = &'a str>) -> Phonetic {
        let mut phonetic = Phonetic {
            words: Vec::new(),
            known: HashSet::new(),
            by_sound: Trie::new(),
            by_spelling: Trie::new(),
            by_initials: HashMap::new(),
        };
        for word in vocabulary {
            phonetic.add(word);
        }
        phonetic
    }

    fn add(&mut self, word: &str) {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < 2 || !chars.iter().all(|&c| is_hanzi(c)) || self.known.contains(word) {
            return;
        }
        let id = self.words.len() as u32;
        self.words.push(word.to_owned());
        self.known.insert(word.to_owned());
        for pronunciation in pronunciations(&chars) {
            self.by_sound
                .insert(pronunciation.iter().map(|(s, _)| heard(*s)), id);
            let spelling = pronunciation.iter().flat_map(|(_, p)| p.bytes());
            self.by_spelling.insert(spelling, id);
            let initials: String = pronunciation
                .iter()
                .filter_map(|(_, p)| p.chars().next())
                .collect();
            let slot = self.by_initials.entry(initials).or_default();
            if !slot.contains(&id) {
                slot.push(id);
            }
        }
    }

    /// Vocabulary words that a stretch of `query` sounds like but is not spelt like. A stretch
    /// counts as a typo only if it replaces whole words as the segmenter cut them (`cuts[i]`: a
    /// word starts or ends before character `i`; “广场舞太吵” holds no “舞台”), is not a word itself
    /// and has no slip inside a word of two characters or more (`is_word`; neither “事业” nor
    /// “事业了” is a typo of “失业(了)”), and differs from the word in at most half of its
    /// characters, each slip sounding like the usual reading of what was meant, as an
    /// input-method slip does.
    pub(crate) fn homophones(
        &self,
        query: &str,
        cuts: &[bool],
        is_word: impl Fn(&str) -> bool,
    ) -> Vec<Reading> {
        let chars: Vec<char> = query.chars().collect();
        let sounds: Vec<Vec<(Syllable, &str)>> = chars
            .iter()
            .map(|&c| if is_hanzi(c) { readings(c) } else { Vec::new() })
            .collect();
        let mut found = Vec::new();
        for start in 0..chars.len() {
            self.walk_sounds(&sounds, start, start, 0, &mut found);
        }
        let mut out: Vec<Reading> = Vec::new();
        for (start, end, id) in found {
            let typed: String = chars[start..end].iter().collect();
            let word = &self.words[id as usize];
            let slips: Vec<(usize, char)> = (start..end)
                .zip(word.chars())
                .filter(|&(at, meant)| chars[at] != meant)
                .collect();
            let aligned = cuts.get(start) == Some(&true) && cuts.get(end) == Some(&true);
            let plausible = aligned
                && !slips.is_empty()
                && slips.len() * 2 <= end - start
                && slips.iter().all(|&(at, meant)| {
                    sounds_like_usual(&sounds[at], meant)
                        && !in_real_word(&chars, cuts, at, &is_word)
                });
            if plausible && !self.known.contains(&typed) && !is_word(&typed) {
                let reading = Reading {
                    typed,
                    word: word.clone(),
                    sound: Sound::Homophone,
                };
                if !out.contains(&reading) {
                    out.push(reading);
                }
            }
        }
        out
    }

    /// Depth-first along the query from `at`, over every reading of each character.
    fn walk_sounds(
        &self,
        sounds: &[Vec<(Syllable, &str)>],
        start: usize,
        at: usize,
        node: u32,
        found: &mut Vec<(usize, usize, u32)>,
    ) {
        let Some(options) = sounds.get(at) else {
            return;
        };
        for &(syllable, _) in options {
            if let Some(next) = self.by_sound.child(node, heard(syllable)) {
                found.extend(
                    self.by_sound
                        .words_at(next)
                        .iter()
                        .map(|&id| (start, at + 1, id)),
                );
                self.walk_sounds(sounds, start, at + 1, next, found);
            }
        }
    }

    /// Vocabulary words spelt out in a run of Latin letters: full pinyin split into words
    /// (“shebaokabuban” → 社保卡, 补办), or else the initials of one word (“sbk” → 社保卡).
    pub(crate) fn pinyin(&self, latin: &str) -> Vec<Reading> {
        let letters: String = latin.chars().filter(char::is_ascii_lowercase).collect();
        if letters.len() < 2 {
            return Vec::new();
        }
        let spelt = self.split_spelling(&letters);
        if !spelt.is_empty() {
            return spelt;
        }
        match self.by_initials.get(&letters) {
            Some(ids) if letters.len() >= MIN_INITIALS => self.initials_of(&letters, ids),
            _ => self.split_initials(&letters),
        }
    }

    fn initials_of(&self, letters: &str, ids: &[u32]) -> Vec<Reading> {
        ids.iter()
            .map(|&id| Reading {
                typed: letters.to_owned(),
                word: self.words[id as usize].clone(),
                sound: Sound::Initials,
            })
            .collect()
    }

    /// The initials of several words (“sbkbl” for 社保卡补领): the split into the fewest words,
    /// each of two letters or more and one of `MIN_INITIALS` or more; nothing when two splits
    /// tie. Two-letter pieces alone (“zzqq”) would read a word into any letters.
    fn split_initials(&self, letters: &str) -> Vec<Reading> {
        let n = letters.len();
        // fewest[i]: the fewest words that read letters[..i], in how many ways, and where the
        // last of them begins.
        let mut fewest: Vec<(usize, usize, usize)> = vec![(usize::MAX, 0, 0); n + 1];
        fewest[0] = (0, 1, 0);
        for end in 2..=n {
            for start in 0..=end - 2 {
                let (words, ways, _) = fewest[start];
                if words == usize::MAX || !self.by_initials.contains_key(&letters[start..end]) {
                    continue;
                }
                if words + 1 < fewest[end].0 {
                    fewest[end] = (words + 1, ways, start);
                } else if words + 1 == fewest[end].0 {
                    fewest[end].1 += ways;
                }
            }
        }
        let (words, ways, _) = fewest[n];
        if words < 2 || words == usize::MAX || ways != 1 {
            return Vec::new();
        }
        let mut pieces = Vec::new();
        let mut end = n;
        while end > 0 {
            let start = fewest[end].2;
            pieces.push(&letters[start..end]);
            end = start;
        }
        if pieces.iter().all(|p| p.len() < MIN_INITIALS) {
            return Vec::new();
        }
        pieces
            .into_iter()
            .rev()
            .flat_map(|piece| self.initials_of(piece, &self.by_initials[piece]))
            .collect()
    }

    /// The cheapest split of `letters` into vocabulary words (cost 1 each), other pinyin
    /// syllables (cost 3, skipped: “wode”) and stray letters (cost 5), by dynamic programming.
    fn split_spelling(&self, letters: &str) -> Vec<Reading> {
        const WORD: u32 = 1;
        const SYLLABLE: u32 = 3;
        const STRAY: u32 = 5;
        let bytes = letters.as_bytes();
        let n = bytes.len();
        // best[i]: cheapest cost to read bytes[..i], with the step that got there.
        let mut best: Vec<(u32, usize, Option<u32>)> = vec![(u32::MAX, 0, None); n + 1];
        best[0].0 = 0;
        for i in 0..n {
            let cost = best[i].0;
            if cost == u32::MAX {
                continue;
            }
            let mut relax = |end: usize, step: u32, node: Option<u32>| {
                if cost + step < best[end].0 {
                    best[end] = (cost + step, i, node);
                }
            };
            relax(i + 1, STRAY, None);
            for len in 1..=syllables().longest.min(n - i) {
                if syllables().ids.contains_key(&letters[i..i + len]) {
                    relax(i + len, SYLLABLE, None);
                }
            }
            let mut node = 0u32;
            for (j, &b) in bytes.iter().enumerate().skip(i) {
                let Some(next) = self.by_spelling.child(node, b) else {
                    break;
                };
                node = next;
                if !self.by_spelling.words_at(node).is_empty() {
                    relax(j + 1, WORD, Some(node));
                }
            }
        }
        let mut out = Vec::new();
        let mut end = n;
        while end > 0 {
            let (_, start, node) = best[end];
            if let Some(node) = node {
                for &id in self.by_spelling.words_at(node) {
                    let word = self.words[id as usize].clone();
                    out.push(Reading {
                        typed: letters[start..end].to_owned(),
                        word,
                        sound: Sound::Pinyin,
                    });
                }
            }
            end = start;
        }
        out.reverse();
        out
    }
}

/// The ways a word of Chinese characters can be read: every combination of each character's
/// readings, or only the usual readings when there would be too many.
fn pronunciations(chars: &[char]) -> Vec<Vec<(Syllable, &'static str)>> {
    let per_char: Vec<Vec<(Syllable, &'static str)>> = chars.iter().map(|&c| readings(c)).collect();
    if per_char.iter().any(Vec::is_empty) {
        return Vec::new();
    }
    let combinations = per_char
        .iter()
        .try_fold(1usize, |n, r| n.checked_mul(r.len()));
    if combinations.is_none_or(|n| n > MAX_READINGS_PER_WORD) {
        return vec![per_char.iter().map(|r| r[0]).collect()];
    }
    per_char.iter().fold(vec![Vec::new()], |acc, options| {
        acc.iter()
            .flat_map(|prefix| {
                options.iter().map(move |&o| {
                    let mut next = prefix.clone();
                    next.push(o);
                    next
                })
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Phonetic {
        Phonetic::new([
            "社保卡",
            "居住证",
            "低保",
            "医保",
            "高龄津贴",
            "补办",
            "失业",
            "银行",
        ])
    }

    fn words(readings: &[Reading]) -> Vec<&str> {
        readings.iter().map(|r| r.word.as_str()).collect()
    }

    #[test]
    fn full_pinyin_with_or_without_spaces() {
        let p = vocabulary();
        assert_eq!(words(&p.pinyin("shebaoka")), vec!["社保卡"]);
        assert_eq!(words(&p.pinyin("ju zhu zheng")), vec!["居住证"]);
        assert_eq!(words(&p.pinyin("gaolingjintie")), vec!["高龄津贴"]);
        assert_eq!(
            words(&p.pinyin("wodeshebaokabuban")),
            vec!["社保卡", "补办"]
        );
        assert_eq!(p.pinyin("shebaoka")[0].sound, Sound::Pinyin);
    }

    #[test]
    fn rare_readings_are_indexed_too() {
        assert_eq!(words(&vocabulary().pinyin("yinhang")), vec!["银行"]);
    }

    #[test]
    fn initials_when_not_full_pinyin() {
        let found = vocabulary().pinyin("sbk");
        assert_eq!(words(&found), vec!["社保卡"]);
        assert_eq!(found[0].sound, Sound::Initials);
        assert!(vocabulary().pinyin("xyzq").is_empty());
        assert!(
            vocabulary().pinyin("yb").is_empty(),
            "two letters are not initials"
        );
    }

    #[test]
    fn initials_of_several_words() {
        let found = vocabulary().pinyin("sbkbb");
        assert_eq!(words(&found), vec!["社保卡", "补办"]);
        assert!(found.iter().all(|r| r.sound == Sound::Initials));
        assert_eq!(found[1].typed, "bb");
        // A letter left over reads as nothing, nor do two-letter pieces alone.
        assert!(vocabulary().pinyin("sbkbbx").is_empty());
        assert!(Phonetic::new(["低保", "申请"]).pinyin("dbsq").is_empty());
        // Two ways to read the same letters with as few words: neither is guessed.
        let tied = Phonetic::new(["低保", "申请假", "低保申", "请假"]);
        assert!(tied.pinyin("dbsqj").is_empty());
    }

    #[test]
    fn homophone_typos_are_read_as_the_word() {
        let p = vocabulary();
        let none = |_: &str| false;
        let found = p.homophones("我想办居住正", &[true; 7], none);
        assert_eq!(words(&found), vec!["居住证"]);
        assert_eq!(found[0].typed, "居住正");
        assert_eq!(
            words(&p.homophones("底保怎么申请", &[true; 7], none)),
            vec!["低保"]
        );
        assert_eq!(
            words(&p.homophones("衣保报销", &[true; 5], none)),
            vec!["医保"]
        );
    }

    #[test]
    fn front_and_back_nasals_sound_alike() {
        let found = vocabulary().homophones("高林津贴", &[true; 5], |_| false);
        assert_eq!(words(&found), vec!["高龄津贴"]);
    }

    #[test]
    fn a_slip_sounds_like_the_usual_reading_of_what_was_meant() {
        // 登 can be read dé, but nobody types “de” meaning 登.
        let p = Phonetic::new(["登户口", "居住证"]);
        assert!(p.homophones("他的户口", &[true; 5], |_| false).is_empty());
        assert_eq!(
            words(&p.homophones("居住正", &[true; 4], |_| false)),
            vec!["居住证"]
        );
    }

    #[test]
    fn correct_text_and_real_words_are_left_alone() {
        let p = vocabulary();
        let all = [true; 6];
        assert!(p.homophones("低保和医保", &all, |_| false).is_empty());
        assert!(p.homophones("事业单位", &all, |w| w == "事业").is_empty());
        // Two wrong characters out of two is a different word, not a slip.
        assert!(p.homophones("是夜", &all, |_| false).is_empty());
        // “衣保” would sound like “医保”, but “毛衣/保暖” cuts through it.
        let cuts = [true, false, true, false, true];
        assert!(p.homophones("毛衣保暖", &cuts, |_| false).is_empty());
    }
}
