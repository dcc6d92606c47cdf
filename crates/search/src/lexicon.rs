//! The word lists shipped in `data/`: the residents' dictionary (colloquial sayings and synonyms),
//! jieba's extra domain words and the query stop words. Their formats are documented at the top of
//! each file.

use crate::error::SearchError;
use crate::normalize::normalize;
use aho_corasick::AhoCorasick;
use std::collections::{HashMap, HashSet};

const SYNONYMS: &str = include_str!("../data/synonyms.txt");
const WORDS: &str = include_str!("../data/words.txt");
const STOPWORDS: &str = include_str!("../data/stopwords.txt");

/// Non-comment, non-blank lines with their 1-based numbers.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(n, line)| (n + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
}

/// Domain words jieba should keep whole.
pub(crate) fn domain_words() -> impl Iterator<Item = &'static str> {
    lines(WORDS).map(|(_, word)| word)
}

/// Words that never help find a matter (particles, pronouns, filler).
pub(crate) fn stopwords() -> HashSet<&'static str> {
    lines(STOPWORDS).map(|(_, word)| word).collect()
}

/// One line of the dictionary: saying any of `said` means every one of `means`; when `with` is
/// not empty, only together with one of `with`, anywhere in the question.
#[derive(Debug, PartialEq)]
struct Group {
    said: Vec<String>,
    with: Vec<String>,
    means: Vec<String>,
}

/// One automaton over `patterns`; it fails only on limits no word list here comes near.
fn automaton(patterns: &[String]) -> Result<AhoCorasick, SearchError> {
    AhoCorasick::new(patterns).map_err(|e| SearchError::Dictionary {
        line: 0,
        reason: e.to_string(),
    })
}

/// A saying found in the question: what was said, and the byte range it takes there.
type Found = (String, usize, usize);

/// Where a saying stands in its group.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Said,
    With,
}

/// "The resident said `said`, which the catalogue calls `means`."
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expansion {
    pub said: String,
    pub means: String,
    /// Said with other words put inside the saying (“我妈…走了”): likelier, not certain.
    pub apart: bool,
}

/// The residents' dictionary, compiled into one automaton over every saying.
pub(crate) struct Dictionary {
    groups: Vec<Group>,
    matcher: AhoCorasick,
    /// For each automaton pattern, the groups in which it is a saying, and in which slot.
    pattern_groups: Vec<Vec<(usize, Slot)>>,
    patterns: Vec<String>,
    /// Each saying's automaton pattern.
    pattern_of: HashMap<String, usize>,
    /// The sayings of four characters or more cut in two, to find them with words put between.
    halves: Halves,
}

/// A colloquial saying is often said with a few words put inside it (我妈走了: 我妈上个月走了;
/// 献过血: 献过好几次血). Every saying of four characters or more is cut at each point leaving
/// two characters or more on both sides; the halves found in order, with at most
/// `MAX_GAP` characters and no punctuation between them, count as the saying.
struct Halves {
    matcher: AhoCorasick,
    /// (first half, second half) → the automaton patterns (whole sayings) they make.
    pairs: HashMap<(usize, usize), Vec<usize>>,
    texts: Vec<String>,
}

const MAX_GAP: usize = 4;

impl Halves {
    fn of(patterns: &[String]) -> Result<Halves, SearchError> {
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut texts: Vec<String> = Vec::new();
        let mut pairs: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        let mut id = |half: String| {
            *ids.entry(half.clone()).or_insert_with(|| {
                texts.push(half);
                texts.len() - 1
            })
        };
        for (p, saying) in patterns.iter().enumerate() {
            let chars: Vec<char> = saying.chars().collect();
            // Two characters or more on each side: sayings of three characters are never cut.
            for cut in 2..=chars.len().saturating_sub(2) {
                let first = id(chars[..cut].iter().collect());
                let second = id(chars[cut..].iter().collect());
                pairs.entry((first, second)).or_default().push(p);
            }
        }
        let matcher = automaton(&texts)?;
        Ok(Halves {
            matcher,
            pairs,
            texts,
        })
    }

    /// Each saying found apart in `text`, as (automaton pattern, how it was said: “我妈…走了”).
    fn apart(&self, text: &str) -> Vec<(usize, String)> {
        let found: Vec<(usize, usize, usize)> = self
            .matcher
            .find_overlapping_iter(text)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        let mut out = Vec::new();
        // A character takes at most four bytes: halves further apart than that cannot pair.
        let near = |end: usize, start: usize| start > end && start - end <= 4 * MAX_GAP;
        for &(first, _, end) in &found {
            for &(second, start, _) in found.iter().filter(|f| near(end, f.1)) {
                let Some(patterns) = self.pairs.get(&(first, second)) else {
                    continue;
                };
                let between = text.get(end..start).unwrap_or("");
                let gap = between.chars().count();
                let plain = between.chars().all(char::is_alphanumeric);
                if gap <= MAX_GAP && plain {
                    let said = format!("{}…{}", self.texts[first], self.texts[second]);
                    out.extend(patterns.iter().map(|&p| (p, said.clone())));
                }
            }
        }
        out
    }
}

impl Dictionary {
    /// The dictionary shipped with the crate.
    pub(crate) fn shipped() -> Result<Dictionary, SearchError> {
        Dictionary::parse(SYNONYMS)
    }

    fn parse(text: &str) -> Result<Dictionary, SearchError> {
        let groups = lines(text)
            .map(|(n, line)| {
                parse_group(line).map_err(|reason| SearchError::Dictionary { line: n, reason })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut patterns = Vec::new();
        let mut pattern_groups: Vec<Vec<(usize, Slot)>> = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            let slots = [(Slot::Said, &group.said), (Slot::With, &group.with)];
            for (slot, words) in slots {
                for word in words {
                    let p = *index.entry(word.as_str()).or_insert_with(|| {
                        patterns.push(word.clone());
                        pattern_groups.push(Vec::new());
                        patterns.len() - 1
                    });
                    pattern_groups[p].push((g, slot));
                }
            }
        }
        let matcher = automaton(&patterns)?;
        let halves = Halves::of(&patterns)?;
        let pattern_of = index.into_iter().map(|(w, p)| (w.to_owned(), p)).collect();
        Ok(Dictionary {
            groups,
            matcher,
            pattern_groups,
            patterns,
            pattern_of,
            halves,
        })
    }

    /// Every word the dictionary knows, sayings and meanings alike.
    pub(crate) fn words(&self) -> impl Iterator<Item = &str> {
        self.groups
            .iter()
            .flat_map(|g| g.said.iter().chain(&g.with).chain(&g.means))
            .map(String::as_str)
    }

    /// Every expansion of every saying contained in `text` (overlapping sayings all count, so
    /// “孩子出生” and “出生” may both expand).
    pub(crate) fn expand(&self, text: &str) -> Vec<Expansion> {
        let mut out: Vec<Expansion> = Vec::new();
        // The sayings found of each group that needs a second one, by slot, with where they are.
        let mut pending: HashMap<usize, [Vec<Found>; 2]> = HashMap::new();
        for m in self.matcher.find_overlapping_iter(text) {
            let said = &self.patterns[m.pattern().as_usize()];
            for &(g, slot) in &self.pattern_groups[m.pattern().as_usize()] {
                if self.groups[g].with.is_empty() {
                    self.push_meanings(&mut out, g, said, false);
                } else {
                    let found = (said.clone(), m.start(), m.end());
                    pending.entry(g).or_default()[slot as usize].push(found);
                }
            }
        }
        for (p, said) in self.halves.apart(text) {
            for &(g, slot) in &self.pattern_groups[p] {
                if slot == Slot::Said && self.groups[g].with.is_empty() {
                    self.push_meanings(&mut out, g, &said, true);
                }
            }
        }
        // A pair may also be made of what a saying means (我妈走了 means 死亡): it stands where
        // the saying begins and takes up no room there.
        for expansion in &out {
            let Some(&p) = self.pattern_of.get(expansion.means.as_str()) else {
                continue;
            };
            let first = expansion.said.split('…').next().unwrap_or_default();
            let at = text.find(first).unwrap_or(text.len());
            for &(g, slot) in &self.pattern_groups[p] {
                if !self.groups[g].with.is_empty() {
                    let found = (expansion.said.clone(), at, at);
                    pending.entry(g).or_default()[slot as usize].push(found);
                }
            }
        }
        let mut together: Vec<(usize, String)> = pending
            .into_iter()
            .filter_map(|(g, [said, with])| Some((g, first_apart(&said, &with)?)))
            .collect();
        together.sort_unstable();
        for (g, said) in together {
            self.push_meanings(&mut out, g, &said, false);
        }
        out
    }

    fn push_meanings(&self, out: &mut Vec<Expansion>, group: usize, said: &str, apart: bool) {
        for means in self.groups[group].means.iter().filter(|w| *w != said) {
            let expansion = Expansion {
                said: said.to_owned(),
                means: means.clone(),
                apart,
            };
            if !out.contains(&expansion) {
                out.push(expansion);
            }
        }
    }
}

/// The first saying of one slot and one of the other that do not overlap, told as
/// “去世…户口” in question order.
fn first_apart(said: &[Found], with: &[Found]) -> Option<String> {
    said.iter().find_map(|(a, a_start, a_end)| {
        with.iter()
            .find(|(_, b_start, b_end)| a_end <= b_start || b_end <= a_start)
            .map(|(b, b_start, _)| {
                if a_start < b_start {
                    format!("{a}…{b}")
                } else {
                    format!("{b}…{a}")
                }
            })
    })
}

/// `said … => means …` (one way) or `word word …` (all equivalent).
fn parse_group(line: &str) -> Result<Group, String> {
    let sides: Vec<&str> = line.split("=>").collect();
    let words = |side: &str| -> Result<Vec<String>, String> {
        // Folded as questions are (full width, case), so “DNA鉴定” meets “dna鉴定”.
        let words: Vec<String> = side.split_whitespace().map(normalize).collect();
        match words.iter().find(|w| w.chars().count() < 2) {
            Some(short) => Err(format!("“{short}”太短，每个词至少两个字")),
            None => Ok(words),
        }
    };
    match sides.as_slice() {
        [said, means] => {
            let (said, with) = match said.split('+').collect::<Vec<_>>()[..] {
                [said] => (words(said)?, Vec::new()),
                [said, with] if !with.trim().is_empty() => (words(said)?, words(with)?),
                _ => return Err("“+”两边都要有词，一行最多一个“+”".to_owned()),
            };
            let means = words(means)?;
            if said.is_empty() || means.is_empty() {
                return Err("“=>”两边都要有词".to_owned());
            }
            Ok(Group { said, with, means })
        }
        [all] => {
            let all = words(all)?;
            if all.len() < 2 {
                return Err("等义组至少要有两个词".to_owned());
            }
            Ok(Group {
                said: all.clone(),
                with: Vec::new(),
                means: all,
            })
        }
        _ => Err("一行只能有一个“=>”".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_files_parse() {
        let dictionary = Dictionary::shipped().expect("the shipped dictionary parses");
        assert!(dictionary.groups.len() > 100);
        assert!(dictionary.words().count() > 500);
        assert!(domain_words().any(|w| w == "高龄津贴"));
        assert!(stopwords().contains("怎么办"));
    }

    #[test]
    fn one_way_groups_expand_sayings_only() {
        let d = Dictionary::parse("生娃 孩子出生 => 出生登记 出生医学证明\n").unwrap();
        let found = d.expand("孩子出生了怎么办");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].said, "孩子出生");
        assert_eq!(found[0].means, "出生登记");
        assert!(d.expand("出生登记").is_empty());
    }

    #[test]
    fn sayings_are_folded_as_questions_are() {
        // Questions reach the dictionary lower-cased and in half width; so must its sayings.
        let d = Dictionary::parse("DNA鉴定 ＰＲ卡 => 亲子鉴定报告\n").unwrap();
        assert_eq!(d.expand("做dna鉴定要多久").len(), 1);
        assert_eq!(d.expand("pr卡").len(), 1);
    }

    #[test]
    fn equivalence_groups_expand_to_the_others() {
        let d = Dictionary::parse("残疾证 残疾人证\n").unwrap();
        let found = d.expand("残疾证怎么办");
        assert_eq!(
            found,
            vec![Expansion {
                said: "残疾证".into(),
                means: "残疾人证".into(),
                apart: false,
            }]
        );
    }

    #[test]
    fn a_pair_of_sayings_means_only_together() {
        let d = Dictionary::parse("去世 走了 + 户口 户籍 => 死亡注销\n").unwrap();
        assert!(d.expand("我妈上个月走了").is_empty());
        assert!(d.expand("户口要怎么弄").is_empty());
        let found = d.expand("我妈上个月走了，户口要怎么弄");
        assert_eq!(
            found,
            vec![Expansion {
                said: "走了…户口".into(),
                means: "死亡注销".into(),
                apart: false,
            }]
        );
        // What a saying means may make one of the pair.
        let d = Dictionary::parse("我妈走了 => 死亡\n死亡 + 户口 => 死亡注销\n").unwrap();
        let found = d.expand("我妈上个月走了，户口要怎么弄");
        assert!(
            found
                .iter()
                .any(|e| e.means == "死亡注销" && e.said == "我妈…走了…户口")
        );
        let d = Dictionary::parse("去世 走了 + 户口 户籍 => 死亡注销\n").unwrap();
        // In either order, but not the same characters twice.
        assert_eq!(d.expand("户口的人走了")[0].said, "户口…走了");
        let d = Dictionary::parse("户口本 + 户口 => 户口簿\n").unwrap();
        assert!(d.expand("户口本").is_empty());
    }

    #[test]
    fn a_saying_is_found_with_a_few_words_put_inside() {
        let d = Dictionary::parse("我妈走了 老人走了 => 死亡\n").unwrap();
        let found = d.expand("我妈上个月走了");
        assert_eq!(found[0].said, "我妈…走了");
        assert!(found[0].apart);
        assert!(d.expand("我妈走了")[0].said == "我妈走了");
        // Not across a clause, nor far apart.
        assert!(d.expand("我妈说，走了").is_empty());
        assert!(d.expand("我妈上个月底在医院走了").is_empty());
    }

    #[test]
    fn malformed_lines_are_reported_with_their_number() {
        let err = Dictionary::parse("# 注释\n低保 => 最低生活保障\n丢 => 补领\n")
            .err()
            .unwrap();
        assert!(matches!(err, SearchError::Dictionary { line: 3, .. }));
        assert!(Dictionary::parse("a => b => c\n").is_err());
        assert!(Dictionary::parse("低保\n").is_err());
        assert!(Dictionary::parse("低保 + => 最低生活保障\n").is_err());
        assert!(Dictionary::parse("低保 + 申请 + 钱 => 最低生活保障\n").is_err());
    }
}
