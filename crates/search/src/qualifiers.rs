//! Name words that narrow an item to a special case of its matter (`data/qualifiers.txt`):
//! 残疾人证补领, 换领, 迁移 and 注销 beside 残疾人证核发. A question that names the matter
//! and none of the cases ("残疾证怎么办", "canjizheng shenqing") asks for the matter itself, so
//! an item whose name narrows it to a case the question did not ask for goes a little lower.

use crate::analyze::Term;

const QUALIFIERS: &str = include_str!("../data/qualifiers.txt");

/// How much of its score an item keeps for each kind of narrowing the question did not ask for.
const KEPT_WHEN_UNASKED: f32 = 0.9;

/// One line of the file: the name words of one kind of case, and what asks for it.
struct Case {
    words: Vec<&'static str>,
    cues: Vec<&'static str>,
}

/// The kinds of narrowing (`[情形]`, `[凭证]`), each a list of cases.
pub(crate) struct Qualifiers(Vec<Vec<Case>>);

impl Qualifiers {
    /// The list shipped with the crate. Its format is checked by a test.
    pub(crate) fn shipped() -> Qualifiers {
        Qualifiers(parse(QUALIFIERS))
    }

    /// Where `name` holds narrowing words; worked out once per item, when the index is built.
    pub(crate) fn in_name(&self, name: &str) -> Vec<Narrowing> {
        let mut found = Vec::new();
        for (kind, cases) in self.0.iter().enumerate() {
            for (case, c) in cases.iter().enumerate() {
                for word in &c.words {
                    for (at, _) in name.match_indices(word) {
                        found.push(Narrowing {
                            kind,
                            case,
                            word,
                            at,
                        });
                    }
                }
            }
        }
        found
    }

    /// What the question asks of the narrowings, worked out once per question.
    pub(crate) fn asking<'t>(&self, terms: &'t [Term]) -> Asking<'t> {
        let mut matter: Vec<&str> = terms
            .iter()
            .flat_map(|t| t.tokens.iter().chain([&t.phrase]))
            .map(String::as_str)
            .filter(|t| t.chars().count() > 1 && !self.narrows(t))
            .collect();
        matter.sort_unstable();
        matter.dedup();
        let asked = self
            .0
            .iter()
            .map(|kind| kind.iter().map(|case| case.asked(terms)).collect())
            .collect();
        Asking { matter, asked }
    }

    /// The share of its score an item named `name`, with the narrowing words `held` there,
    /// keeps: for each kind of narrowing its name holds beside what the question names
    /// (出生医学证明 is the thing asked, not a 证明 narrowing), the question must ask for one of
    /// the cases held (残疾人证换领、补办及等级变更 answers a question about any one of them), or
    /// the item keeps `KEPT_WHEN_UNASKED` of its score.
    pub(crate) fn kept(&self, name: &str, held: &[Narrowing], asking: &Asking) -> f32 {
        let mut unasked = 0;
        for (kind, asked) in asking.asked.iter().enumerate() {
            let mut beside = held
                .iter()
                .filter(|n| n.kind == kind && !asking.names_around(name, n))
                .peekable();
            if beside.peek().is_some() && !beside.any(|n| asked[n.case]) {
                unasked += 1;
            }
        }
        KEPT_WHEN_UNASKED.powi(unasked)
    }

    fn narrows(&self, word: &str) -> bool {
        self.0
            .iter()
            .flatten()
            .any(|case| case.words.contains(&word) || case.cues.contains(&word))
    }
}

/// A narrowing word in an item's name: its kind and case, and where it is (a byte offset).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Narrowing {
    kind: usize,
    case: usize,
    word: &'static str,
    at: usize,
}

/// A question's side of the narrowings.
pub(crate) struct Asking<'t> {
    /// The question's words for the matter: its terms of two characters or more that are not
    /// themselves narrowing words.
    matter: Vec<&'t str>,
    /// For each kind and case, whether the question asks for it.
    asked: Vec<Vec<bool>>,
}

impl Asking<'_> {
    /// Whether the narrowing word is part of one of the question's words for the matter where
    /// it stands in the name (the 证明 of 出生医学证明).
    fn names_around(&self, name: &str, n: &Narrowing) -> bool {
        let end = n.at + n.word.len();
        self.matter
            .iter()
            .filter(|m| m.len() > n.word.len() && m.contains(n.word))
            .any(|m| {
                name.match_indices(m)
                    .any(|(at, _)| at <= n.at && end <= at + m.len())
            })
    }
}

impl Case {
    /// Whether any of the question's terms (typed, meant or corrected) asks for this case: a
    /// lone-character cue must be the whole term (补 of 补个证, not of 补贴), a longer one may be
    /// part of it.
    fn asked(&self, terms: &[Term]) -> bool {
        terms.iter().any(|term| {
            self.words.iter().chain(&self.cues).any(|cue| {
                term.phrase == *cue || (cue.chars().count() > 1 && term.phrase.contains(cue))
            })
        })
    }
}

/// The kinds of the file, each opened by a `[…]` line, with their cases.
fn parse(text: &'static str) -> Vec<Vec<Case>> {
    let mut kinds: Vec<Vec<Case>> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            kinds.push(Vec::new());
        } else if let (Some(kind), Some((words, cues))) = (kinds.last_mut(), line.split_once(':')) {
            kind.push(Case {
                words: words.split_whitespace().collect(),
                cues: cues.split_whitespace().collect(),
            });
        }
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::Origin;

    fn typed(phrase: &str) -> Term {
        Term {
            phrase: phrase.to_owned(),
            tokens: vec![phrase.to_owned()],
            weight: 1.0,
            origin: Origin::Typed,
        }
    }

    #[test]
    fn every_line_is_a_kind_or_has_words_and_a_colon() {
        let lines = QUALIFIERS
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with('['));
        for line in lines {
            let (words, _) = line.split_once(':').expect(line);
            assert!(!words.trim().is_empty(), "{line}");
        }
        let kinds = Qualifiers::shipped().0;
        assert_eq!(kinds.len(), 2);
        assert!(kinds[0].len() >= 7 && kinds[1].len() >= 3);
    }

    fn kept(q: &Qualifiers, name: &str, asking: &Asking) -> f32 {
        q.kept(name, &q.in_name(name), asking)
    }

    #[test]
    fn an_unasked_case_costs_and_an_asked_one_does_not() {
        let q = Qualifiers::shipped();
        let card = [typed("残疾证")];
        assert_eq!(kept(&q, "残疾人证核发", &q.asking(&card)), 1.0);
        assert!(kept(&q, "残疾人证补领", &q.asking(&card)) < 1.0);
        assert_eq!(
            kept(
                &q,
                "残疾人证补领",
                &q.asking(&[typed("残疾证"), typed("补")])
            ),
            1.0
        );
        // 补 is part of 补贴, which asks for no re-issue.
        assert!(
            kept(
                &q,
                "残疾人证补领",
                &q.asking(&[typed("残疾证"), typed("补贴")])
            ) < 1.0
        );
        // A name that lists several cases answers a question about any of them.
        assert_eq!(
            kept(
                &q,
                "残疾人证换领、补办及等级变更",
                &q.asking(&[typed("补领")])
            ),
            1.0
        );
        assert!(kept(&q, "残疾人证换领、补办及等级变更", &q.asking(&card)) < 1.0);
        // The thing asked is not a narrowing, what is left of the name is.
        let proof = [typed("出生医学证明")];
        assert!(kept(&q, "《出生医学证明》换发、补发", &q.asking(&proof)) < 1.0);
        assert_eq!(kept(&q, "《出生医学证明》首次签发", &q.asking(&proof)), 1.0);
        // Each kind counts: a proof of a cancellation, for a question about cancelling.
        let cancel = [typed("户口"), typed("注销")];
        assert_eq!(kept(&q, "死亡注销", &q.asking(&cancel)), 1.0);
        assert!(kept(&q, "注销户口证明", &q.asking(&cancel)) < 1.0);
    }
}
