//! The word lists shipped in `data/`: the residents' dictionary (colloquial sayings and synonyms),
//! jieba's extra domain words and the query stop words. Their formats are documented at the top of
//! each file.

use crate::error::SearchError;
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

/// One line of the dictionary: saying any of `said` means every one of `means`.
#[derive(Debug, PartialEq)]
struct Group {
    said: Vec<String>,
    means: Vec<String>,
}

/// "The resident said `said`, which the catalogue calls `means`."
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expansion {
    pub said: String,
    pub means: String,
}

/// The residents' dictionary, compiled into one automaton over every saying.
pub(crate) struct Dictionary {
    groups: Vec<Group>,
    matcher: AhoCorasick,
    /// For each automaton pattern, the groups in which it is a saying.
    pattern_groups: Vec<Vec<usize>>,
    patterns: Vec<String>,
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
        let mut pattern_groups: Vec<Vec<usize>> = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            for said in &group.said {
                let p = *index.entry(said.as_str()).or_insert_with(|| {
                    patterns.push(said.clone());
                    pattern_groups.push(Vec::new());
                    patterns.len() - 1
                });
                pattern_groups[p].push(g);
            }
        }
        let matcher = AhoCorasick::new(&patterns).map_err(|e| SearchError::Dictionary {
            line: 0,
            reason: e.to_string(),
        })?;
        Ok(Dictionary {
            groups,
            matcher,
            pattern_groups,
            patterns,
        })
    }

    /// Every word the dictionary knows, sayings and meanings alike.
    pub(crate) fn words(&self) -> impl Iterator<Item = &str> {
        self.groups
            .iter()
            .flat_map(|g| g.said.iter().chain(&g.means))
            .map(String::as_str)
    }

    /// Every expansion of every saying contained in `text` (overlapping sayings all count, so
    /// “孩子出生” and “出生” may both expand).
    pub(crate) fn expand(&self, text: &str) -> Vec<Expansion> {
        let mut out: Vec<Expansion> = Vec::new();
        for m in self.matcher.find_overlapping_iter(text) {
            let said = &self.patterns[m.pattern().as_usize()];
            for &g in &self.pattern_groups[m.pattern().as_usize()] {
                for means in self.groups[g].means.iter().filter(|w| *w != said) {
                    let expansion = Expansion {
                        said: said.clone(),
                        means: means.clone(),
                    };
                    if !out.contains(&expansion) {
                        out.push(expansion);
                    }
                }
            }
        }
        out
    }
}

/// `said … => means …` (one way) or `word word …` (all equivalent).
fn parse_group(line: &str) -> Result<Group, String> {
    let sides: Vec<&str> = line.split("=>").collect();
    let words = |side: &str| -> Result<Vec<String>, String> {
        let words: Vec<String> = side.split_whitespace().map(str::to_owned).collect();
        match words.iter().find(|w| w.chars().count() < 2) {
            Some(short) => Err(format!("“{short}”太短，每个词至少两个字")),
            None => Ok(words),
        }
    };
    match sides.as_slice() {
        [said, means] => {
            let (said, means) = (words(said)?, words(means)?);
            if said.is_empty() || means.is_empty() {
                return Err("“=>”两边都要有词".to_owned());
            }
            Ok(Group { said, means })
        }
        [all] => {
            let all = words(all)?;
            if all.len() < 2 {
                return Err("等义组至少要有两个词".to_owned());
            }
            Ok(Group {
                said: all.clone(),
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
    fn equivalence_groups_expand_to_the_others() {
        let d = Dictionary::parse("残疾证 残疾人证\n").unwrap();
        let found = d.expand("残疾证怎么办");
        assert_eq!(
            found,
            vec![Expansion {
                said: "残疾证".into(),
                means: "残疾人证".into()
            }]
        );
    }

    #[test]
    fn malformed_lines_are_reported_with_their_number() {
        let err = Dictionary::parse("# 注释\n低保 => 最低生活保障\n丢 => 补领\n")
            .err()
            .unwrap();
        assert!(matches!(err, SearchError::Dictionary { line: 3, .. }));
        assert!(Dictionary::parse("a => b => c\n").is_err());
        assert!(Dictionary::parse("低保\n").is_err());
    }
}
