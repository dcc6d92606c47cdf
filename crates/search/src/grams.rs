//! The character-pair signal: items ranked by the pairs of adjacent characters of the question
//! that their text holds, each pair weighted by how rare it is among the items and by the best
//! part that holds it. It knows no words, so it still finds an item for a word that neither the
//! segmenter nor the dictionary knows (a new official name, an abbreviation, part of a word);
//! the word ranking and this one are fused (`fuse`).

use crate::fields::Part;
use crate::normalize::{is_hanzi, normalize};
use quanke_domain::catalogue::ServiceItem;
use std::collections::HashMap;

type Pair = (char, char);

/// How much of a word's character pairs an item holds.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct Held {
    pub anywhere: f32,
    /// In the parts that name the matter (name, other names, keywords).
    pub naming: f32,
}

pub(crate) struct Grams {
    /// Each pair → the items holding it (in entry order), with the boost of the best part that
    /// does.
    postings: HashMap<Pair, Vec<(usize, f32)>>,
    items: usize,
}

impl Grams {
    pub(crate) fn build(items: &[ServiceItem]) -> Grams {
        let mut postings: HashMap<Pair, Vec<(usize, f32)>> = HashMap::new();
        for (entry, item) in items.iter().enumerate() {
            let mut best: HashMap<Pair, f32> = HashMap::new();
            for part in Part::ITEM {
                for text in part.item_texts(item) {
                    for pair in pairs(&normalize(text)) {
                        let boost = best.entry(pair).or_default();
                        *boost = boost.max(part.boost());
                    }
                }
            }
            for (pair, boost) in best {
                postings.entry(pair).or_default().push((entry, boost));
            }
        }
        Grams {
            postings,
            items: items.len(),
        }
    }

    /// The `limit` items sharing the most weight of the question's pairs, best first; `read`
    /// are phrases read into the question (the dictionary's meanings, corrections) with their
    /// weights, whose pairs count by that weight.
    pub(crate) fn rank(
        &self,
        query: &str,
        read: &[(&str, f32)],
        limit: usize,
    ) -> Vec<(f32, usize)> {
        let query = normalize(query);
        let mut asked: HashMap<Pair, f32> = pairs(&query).into_iter().map(|p| (p, 1.0)).collect();
        for (phrase, weight) in read {
            for pair in pairs(&normalize(phrase)) {
                let w = asked.entry(pair).or_default();
                *w = w.max(*weight);
            }
        }
        // One slot per item: a common pair is held by nearly every item, and adding into a
        // vector costs a fraction of a hash map's insertions.
        let mut scores = vec![0.0f32; self.items];
        for (pair, weight) in &asked {
            let Some(holders) = self.postings.get(pair) else {
                continue;
            };
            let idf = self.idf(holders.len());
            for &(entry, boost) in holders {
                scores[entry] += weight * idf * boost;
            }
        }
        let mut ranked: Vec<(f32, usize)> = scores
            .into_iter()
            .enumerate()
            .filter(|(_, s)| *s > 0.0)
            .map(|(e, s)| (s, e))
            .collect();
        let by_score = |a: &(f32, usize), b: &(f32, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if ranked.len() > limit && limit > 0 {
            ranked.select_nth_unstable_by(limit - 1, by_score);
        }
        ranked.truncate(limit);
        ranked.sort_by(by_score);
        ranked
    }

    /// Rare pairs say more than pairs every item has (“申请”, “本区”).
    fn idf(&self, holders: usize) -> f32 {
        (1.0 + self.items as f32 / holders.max(1) as f32).ln()
    }

    /// The share of `word`'s character pairs that `entry` holds anywhere, and in what names it
    /// (0 for a word without pairs).
    pub(crate) fn share_held(&self, word: &str, entry: usize) -> Held {
        let asked = pairs(&normalize(word));
        if asked.is_empty() {
            return Held::default();
        }
        let boosts: Vec<f32> = asked.iter().filter_map(|p| self.boost(p, entry)).collect();
        // Each pair keeps its best part's boost, and the naming parts are the most boosted.
        let naming = boosts.iter().filter(|&&b| b >= Part::NAMING_BOOST).count();
        Held {
            anywhere: boosts.len() as f32 / asked.len() as f32,
            naming: naming as f32 / asked.len() as f32,
        }
    }

    fn holds(&self, pair: &Pair, entry: usize) -> bool {
        self.boost(pair, entry).is_some()
    }

    /// The boost of the best part of `entry` holding `pair`, if it does.
    fn boost(&self, pair: &Pair, entry: usize) -> Option<f32> {
        let holders = self.postings.get(pair)?;
        let at = holders.binary_search_by_key(&entry, |(e, _)| *e).ok()?;
        Some(holders[at].1)
    }

    /// The question's longest run of characters whose every pair `entry` holds (“居住证”), to
    /// say why an item only the characters found was found.
    pub(crate) fn longest_run(&self, query: &str, entry: usize) -> Option<String> {
        let held = |pair: &Pair| self.holds(pair, entry);
        let chars: Vec<char> = normalize(query).chars().collect();
        let mut runs: Vec<String> = Vec::new();
        let mut run = String::new();
        for w in chars.windows(2) {
            let pair = (w[0], w[1]);
            if is_hanzi(w[0]) && is_hanzi(w[1]) && held(&pair) {
                if run.is_empty() {
                    run.push(w[0]);
                }
                run.push(w[1]);
            } else if !run.is_empty() {
                runs.push(std::mem::take(&mut run));
            }
        }
        if !run.is_empty() {
            runs.push(run);
        }
        runs.into_iter().max_by_key(|r| r.chars().count())
    }
}

/// Adjacent pairs of ideographs.
fn pairs(text: &str) -> Vec<Pair> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(2)
        .filter(|w| is_hanzi(w[0]) && is_hanzi(w[1]))
        .map(|w| (w[0], w[1]))
        .collect()
}

/// How much the character ranking counts beside the word ranking, each score taken as a share
/// of its ranking's best.
const GRAM_SHARE: f32 = 0.3;

/// The two rankings fused by their scores, each divided by its ranking's best: an item both rank
/// high comes first; an item only one of them finds still comes, by that one's share.
pub(crate) fn fuse(words: &[(f32, usize)], grams: &[(f32, usize)]) -> Vec<(usize, f32)> {
    let mut fused: HashMap<usize, f32> = HashMap::new();
    for (ranking, share) in [(words, 1.0), (grams, GRAM_SHARE)] {
        let best = ranking.iter().map(|(s, _)| *s).fold(0.0, f32::max);
        if best <= 0.0 {
            continue;
        }
        for &(score, entry) in ranking {
            *fused.entry(entry).or_default() += share * score / best;
        }
    }
    let mut out: Vec<(usize, f32)> = fused.into_iter().collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_adjacent_ideographs_only() {
        assert_eq!(
            pairs("居住证 ab办理"),
            vec![('居', '住'), ('住', '证'), ('办', '理')]
        );
    }

    #[test]
    fn both_rankings_agreeing_beats_either_alone() {
        let fused = fuse(
            &[(9.0, 1), (8.0, 2), (1.0, 3)],
            &[(5.0, 2), (4.0, 4), (3.0, 1)],
        );
        let mut order: Vec<usize> = fused.iter().map(|(e, _)| *e).collect();
        order[..2].sort();
        assert_eq!(&order[..2], &[1, 2]);
        assert!(order[2..].contains(&4) && order[2..].contains(&3));
    }
}
