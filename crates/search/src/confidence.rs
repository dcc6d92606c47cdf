//! How sure the search is that an item answers the question: the share of what the resident
//! wrote that the item accounts for. Each meaningful word of the question (stop words left out)
//! counts by its length; it is accounted for when a term it gave (itself, a meaning the
//! dictionary reads into it, the word it sounds like) matched the item, or else by the share of
//! its character pairs the item holds. A question about something no item handles (养狗办证)
//! leaves most of its words unexplained by every item, whatever ranks first.

use crate::analyze::Term;
use crate::fields::Part;
use crate::grams::Held;
use crate::writer::TokenParts;

/// Below this the search says it found nothing that answers the question, and offers the
/// closest items as such. Set on the official catalogue's two tuning sets (`bench/official`):
/// the lowest line at which 90 % of their out-of-scope questions are still answered "not
/// found" (42 of 45; 0.33 let three more through).
pub const ANSWERS_FROM: f32 = 0.35;

/// A lone character says little about the matter (“办”, “钱”); it counts half.
const LONE_CHARACTER: f32 = 0.5;
/// Character pairs are weaker evidence than a word.
const PAIRS: f32 = 0.6;
/// The share of its confidence an item keeps when a thing the question is about (户口本, 护照,
/// 营业执照) is not what the item names: 残疾人证补领 mentions the 户口本 among its materials, but
/// "户口本丢了怎么补" is not about a disability card.
const THING_NOT_NAMED: f32 = 0.4;
/// How far a thing must be found in the naming parts to be the item's.
const NAMED: f32 = 0.5;

/// How far a match in `part` accounts for a word: fully in what names the matter, less in
/// the guide's prose, little in materials (every item wants an ID card).
fn part_weight(part: Part) -> f32 {
    match part {
        Part::Name | Part::Synonyms | Part::Keywords => 1.0,
        Part::Applicants | Part::Conditions | Part::FaqQuestion | Part::FaqAnswer => 0.6,
        Part::Line => 0.5,
        Part::Materials => 0.25,
        Part::PolicyTitle | Part::PolicyText => 0.0,
    }
}

/// What one term covers of its phrase, worked out once per question (the items returned are
/// then only looked up).
struct Cover<'a> {
    evidence: &'a str,
    /// Each token, with the characters of the phrase it covers where it occurs (bit i for
    /// character i; a phrase longer than `MAX_CHARS` counts its first `MAX_CHARS`).
    tokens: Vec<(&'a str, u128)>,
    /// The phrase's meaningful characters.
    meaningful: u128,
}

const MAX_CHARS: usize = 128;

impl<'a> Cover<'a> {
    fn of(term: &'a Term) -> Cover<'a> {
        let chars: Vec<char> = term.phrase.chars().take(MAX_CHARS).collect();
        let bits = |range: std::ops::Range<usize>| range.fold(0u128, |m, i| m | 1 << i);
        let tokens = term
            .tokens
            .iter()
            .map(|token| {
                let t: Vec<char> = token.chars().collect();
                let mut mask = 0;
                if !t.is_empty() && t.len() <= chars.len() {
                    for start in 0..=chars.len() - t.len() {
                        if chars[start..start + t.len()] == t[..] {
                            mask |= bits(start..start + t.len());
                        }
                    }
                }
                (token.as_str(), mask)
            })
            .collect();
        let meaningful = (0..chars.len())
            .filter(|&i| chars[i].is_alphanumeric())
            .fold(0u128, |m, i| m | 1 << i);
        Cover {
            evidence: term.evidence(),
            tokens,
            meaningful,
        }
    }

    /// The share of the phrase's meaningful characters that the tokens `held` covers.
    fn share(&self, held: impl Fn(&str) -> bool) -> f32 {
        let covered = self
            .tokens
            .iter()
            .filter(|(token, _)| held(token))
            .fold(0u128, |m, (_, mask)| m | mask);
        let total = self.meaningful.count_ones();
        if total == 0 {
            0.0
        } else {
            (covered & self.meaningful).count_ones() as f32 / total as f32
        }
    }

    /// How far the term is found in `doc`: the best part holding one of its tokens, times the
    /// square of the share of the phrase's characters its tokens found there cover. A meaning
    /// found whole counts fully; one found only by its generic half (“登记” of “养犬登记”) counts
    /// a quarter, so a question about a dog licence is not answered by every 登记 item.
    fn found(&self, doc: &TokenParts) -> f32 {
        let part = self
            .tokens
            .iter()
            .filter_map(|(token, _)| doc.get(*token))
            .flat_map(|&mask| Part::ITEM.into_iter().filter(move |p| mask & p.bit() != 0))
            .map(part_weight)
            .fold(0.0, f32::max);
        if part == 0.0 {
            return 0.0;
        }
        let share = self.share(|token| doc.contains_key(token));
        part * share * share
    }

    /// As `found`, in the parts that name the matter only.
    fn named(&self, doc: &TokenParts) -> f32 {
        let naming = |token: &str| {
            doc.get(token).is_some_and(|&mask| {
                Part::ITEM
                    .into_iter()
                    .any(|p| p.names_matter() && mask & p.bit() != 0)
            })
        };
        let share = self.share(naming);
        share * share
    }
}

/// A question read for judging items: its meaningful words and what each term covers.
pub(crate) struct Question<'a> {
    words: &'a [String],
    covers: Vec<Cover<'a>>,
}

impl<'a> Question<'a> {
    pub(crate) fn new(words: &'a [String], terms: &'a [Term]) -> Question<'a> {
        Question {
            words,
            covers: terms.iter().map(Cover::of).collect(),
        }
    }

    /// The share (0 to 1) of the question's words that the item with tokens `doc` accounts
    /// for; `pairs_held` is the share of a word's character pairs the item holds. An item that
    /// does not name the thing the question is about keeps `THING_NOT_NAMED` of it.
    pub(crate) fn confidence(&self, doc: &TokenParts, pairs_held: impl Fn(&str) -> Held) -> f32 {
        let matched: Vec<(&str, f32)> = self
            .covers
            .iter()
            .map(|c| (c.evidence, c.found(doc)))
            .filter(|(_, how_far)| *how_far > 0.0)
            .collect();
        let (mut explained, mut total) = (0.0, 0.0);
        for word in self.words {
            let weight = match word.chars().count() {
                1 => LONE_CHARACTER,
                n => n as f32,
            };
            let by_term = matched
                .iter()
                .filter(|(evidence, _)| evidence.contains(word.as_str()) || word.contains(evidence))
                .map(|(_, how_far)| *how_far)
                .fold(0.0, f32::max);
            explained += weight * by_term.max(PAIRS * pairs_held(word).anywhere);
            total += weight;
        }
        let kept = if self.names_its_things(doc, &pairs_held) {
            1.0
        } else {
            THING_NOT_NAMED
        };
        if total == 0.0 {
            0.0
        } else {
            kept * explained / total
        }
    }

    /// Whether the item names every thing the question is about (户口本, 护照, 营业执照): by a term
    /// for the word itself (a saying around it, 身份证丢了 → 补领, names the trouble, not the
    /// thing) found in its name, other names or keywords, or by the word's character pairs
    /// there. True for a question about no thing.
    pub(crate) fn names_its_things(
        &self,
        doc: &TokenParts,
        pairs_held: &impl Fn(&str) -> Held,
    ) -> bool {
        self.words.iter().filter(|w| is_thing(w)).all(|word| {
            let by_term = self
                .covers
                .iter()
                .filter(|c| word.contains(c.evidence))
                .map(|c| c.named(doc))
                .fold(0.0, f32::max);
            by_term.max(pairs_held(word).naming) >= NAMED
        })
    }
}

/// A word for a document or a card (户口本, 护照, 营业执照, 残疾证): what a question about it is
/// about.
fn is_thing(word: &str) -> bool {
    let n = word.chars().count();
    let ends = |ends: &[char]| word.chars().last().is_some_and(|c| ends.contains(&c));
    (n >= 2 && ends(&['证', '卡', '照', '簿'])) || (n >= 3 && ends(&['本']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::Origin;

    fn term(phrase: &str, origin: Origin) -> Term {
        Term {
            phrase: phrase.into(),
            tokens: vec![phrase.into()],
            weight: 1.0,
            origin,
        }
    }

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    fn confidence(
        words: &[String],
        terms: &[Term],
        doc: &TokenParts,
        pairs_held: impl Fn(&str) -> f32,
    ) -> f32 {
        // The tests' pairs are held in the name.
        let held = |w: &str| Held {
            anywhere: pairs_held(w),
            naming: pairs_held(w),
        };
        Question::new(words, terms).confidence(doc, held)
    }

    #[test]
    fn a_meaning_accounts_for_the_saying() {
        let doc: TokenParts = [("投靠".to_string(), Part::Name.bit())].into();
        let terms = [
            term(
                "投靠",
                Origin::Synonym {
                    said: "迁过来".into(),
                },
            ),
            term("老婆", Origin::Typed),
        ];
        let none = |_: &str| 0.0;
        // 迁过来 (3) explained, 老婆 (2) not: 3 / 5.
        let c = confidence(&words(&["迁过来", "老婆"]), &terms, &doc, none);
        assert!((c - 0.6).abs() < 1e-6, "{c}");
    }

    #[test]
    fn a_word_found_only_among_materials_counts_little() {
        let doc: TokenParts = [("照片".to_string(), Part::Materials.bit())].into();
        let terms = [term("照片", Origin::Typed)];
        let c = confidence(&words(&["照片"]), &terms, &doc, |_| 0.0);
        assert_eq!(c, part_weight(Part::Materials));
    }

    #[test]
    fn a_thing_the_item_does_not_name_lowers_it() {
        // 残疾人证补领 for “户口本丢了”: the trouble is named, the thing only among materials.
        let doc: TokenParts = [
            ("补领".to_string(), Part::Name.bit()),
            ("户口本".to_string(), Part::Materials.bit()),
        ]
        .into();
        let lost = |said: &str| term("补领", Origin::Synonym { said: said.into() });
        let question = words(&["户口本", "丢了"]);
        let typed = term("户口本", Origin::Typed);
        let c = confidence(&question, &[typed.clone(), lost("丢了")], &doc, |_| 0.0);
        let in_full = (3.0 * part_weight(Part::Materials) + 2.0) / 5.0;
        assert!((c - THING_NOT_NAMED * in_full).abs() < 1e-6, "{c}");
        // A saying around the thing accounts for its words but names the trouble, not the thing.
        let c = confidence(&question, &[typed, lost("户口本丢了")], &doc, |_| 0.0);
        assert_eq!(c, THING_NOT_NAMED);
        // Named, it is the item's thing.
        let named: TokenParts = [("户口本".to_string(), Part::Name.bit())].into();
        let typed = term("户口本", Origin::Typed);
        assert_eq!(confidence(&question[..1], &[typed], &named, |_| 0.0), 1.0);
        assert!(
            is_thing("营业执照") && is_thing("社保卡") && !is_thing("补贴") && !is_thing("日本")
        );
    }

    #[test]
    fn a_meaning_found_by_its_generic_half_counts_a_quarter() {
        let doc: TokenParts = [("登记".to_string(), Part::Name.bit())].into();
        let mut meaning = term(
            "养犬登记",
            Origin::Synonym {
                said: "养狗".into(),
            },
        );
        meaning.tokens = vec!["养犬".into(), "登记".into(), "养犬登记".into()];
        let c = confidence(&words(&["养狗"]), &[meaning], &doc, |_| 0.0);
        assert!((c - 0.25).abs() < 1e-6, "{c}");
        let mut emigration = term("出国（境）定居", Origin::Typed);
        emigration.tokens = vec!["出国".into(), "境".into(), "定居".into()];
        assert_eq!(Cover::of(&emigration).share(|_| true), 1.0);
    }

    #[test]
    fn pairs_count_for_what_no_term_matched() {
        let doc = TokenParts::new();
        let half = |w: &str| if w == "居往证" { 0.5 } else { 0.0 };
        let c = confidence(&words(&["居往证", "办"]), &[], &doc, half);
        assert!((c - 3.0 * PAIRS * 0.5 / 3.5).abs() < 1e-6, "{c}");
        assert_eq!(confidence(&[], &[], &doc, half), 0.0);
    }
}
