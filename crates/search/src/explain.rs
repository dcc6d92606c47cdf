//! Why a document matched, in words a front-desk worker can read out: which term matched which
//! part, and how a term came from what was typed.

use crate::analyze::{Origin, Term};
use crate::fields::Part;
use crate::phonetic::Sound;
use std::collections::HashMap;

/// Enough to justify a hit without burying it.
const MAX_REASONS: usize = 6;
/// Terms weaker than this (lone characters) explain a hit only when nothing stronger does.
const WEAK: f32 = 0.5;

/// The reasons, strongest first: for each term found in the document, the most important part
/// that holds it and, when the document holds the whole term, how the term arose.
pub(crate) fn reasons(terms: &[Term], doc: &HashMap<String, u16>, parts: &[Part]) -> Vec<String> {
    let mut found: Vec<(f32, &Term, Part, &str)> = terms
        .iter()
        .filter_map(|term| {
            let (token, mask) = best_token(term, doc)?;
            let part = parts
                .iter()
                .copied()
                .filter(|p| mask & p.bit() != 0)
                .max_by(|a, b| a.boost().total_cmp(&b.boost()))?;
            Some((term.weight * part.boost(), term, part, token))
        })
        .collect();
    if found.iter().any(|(_, term, ..)| term.weight >= WEAK) {
        found.retain(|(_, term, ..)| term.weight >= WEAK);
    }
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<String> = Vec::new();
    for (_, term, part, token) in found {
        // Where only part of a derived phrase matched (“出生” of “出生医学证明”), saying where the
        // phrase came from would claim more than the document holds.
        let whole = token == term.phrase;
        let origin = origin(term).filter(|_| whole);
        for reason in origin.into_iter().chain([part.explain(token)]) {
            if out.len() < MAX_REASONS && !out.contains(&reason) {
                out.push(reason);
            }
        }
    }
    out
}

/// The longest of the term's tokens that the document holds (the whole phrase when it can).
fn best_token<'t>(term: &'t Term, doc: &HashMap<String, u16>) -> Option<(&'t str, u16)> {
    term.tokens
        .iter()
        .filter_map(|t| doc.get(t).map(|&mask| (t.as_str(), mask)))
        .max_by_key(|(t, _)| t.chars().count())
}

fn origin(term: &Term) -> Option<String> {
    let phrase = &term.phrase;
    match &term.origin {
        Origin::Typed => None,
        Origin::Synonym { said } => Some(format!("“{said}”即“{phrase}”（同义词）")),
        Origin::Sound {
            typed,
            sound: Sound::Homophone,
        } => Some(format!("“{typed}”按读音是“{phrase}”（同音字）")),
        Origin::Sound {
            typed,
            sound: Sound::Pinyin,
        } => Some(format!("拼音“{typed}”→“{phrase}”")),
        Origin::Sound {
            typed,
            sound: Sound::Initials,
        } => Some(format!("拼音首字母“{typed}”→“{phrase}”")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(phrase: &str, tokens: &[&str], weight: f32, origin: Origin) -> Term {
        Term {
            phrase: phrase.into(),
            tokens: tokens.iter().map(|t| t.to_string()).collect(),
            weight,
            origin,
        }
    }

    #[test]
    fn strongest_reason_first_with_its_origin() {
        let doc: HashMap<String, u16> = [
            ("出生".to_owned(), Part::Name.bit()),
            ("登记".to_owned(), Part::Name.bit() | Part::FaqAnswer.bit()),
            ("出生登记".to_owned(), Part::Name.bit()),
            ("材料".to_owned(), Part::FaqAnswer.bit()),
        ]
        .into();
        let terms = [
            term("材料", &["材料"], 1.0, Origin::Typed),
            term(
                "出生登记",
                &["出生", "登记", "出生登记"],
                0.9,
                Origin::Synonym {
                    said: "生娃".into(),
                },
            ),
            term("钱", &["钱"], 0.3, Origin::Typed),
        ];
        let why = reasons(&terms, &doc, &Part::ITEM);
        assert_eq!(
            why,
            vec![
                "“生娃”即“出生登记”（同义词）",
                "名称含“出生登记”",
                "常见问题提到“材料”"
            ]
        );
    }

    #[test]
    fn pinyin_and_homophones_say_what_was_typed() {
        let doc: HashMap<String, u16> = [("社保卡".to_owned(), Part::Keywords.bit())].into();
        let typed = Origin::Sound {
            typed: "shebaoka".into(),
            sound: Sound::Pinyin,
        };
        let why = reasons(
            &[term("社保卡", &["社保卡"], 1.0, typed)],
            &doc,
            &Part::ITEM,
        );
        assert_eq!(why, vec!["拼音“shebaoka”→“社保卡”", "关键词含“社保卡”"]);
    }
}
