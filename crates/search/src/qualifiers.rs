//! Name words that narrow an item to a special case of its matter (`data/qualifiers.txt`):
//! 残疾人证补领, 换领, 迁移 and 注销 beside 残疾人证核发. A question that names the matter
//! and none of the cases ("残疾证怎么办", "canjizheng shenqing") asks for the matter itself, so
//! an item whose name narrows it to a case the question did not ask for goes a little lower.

use crate::analyze::Term;

const QUALIFIERS: &str = include_str!("../data/qualifiers.txt");

/// How much of its score an item keeps for each narrowing the question did not ask for.
const KEPT_WHEN_UNASKED: f32 = 0.9;

/// One line of the file: the name words of one kind of case, and what asks for it.
struct Case {
    words: Vec<&'static str>,
    cues: Vec<&'static str>,
}

pub(crate) struct Qualifiers(Vec<Case>);

impl Qualifiers {
    /// The list shipped with the crate. Its format is checked by a test.
    pub(crate) fn shipped() -> Qualifiers {
        Qualifiers(parse(QUALIFIERS))
    }

    /// The share of its score an item named `name` keeps for the question's `terms`: all of
    /// it, unless its name narrows it and the question asks for none of its cases (a name may
    /// list several: 残疾人证换领、补办及等级变更 answers a question about any one of them).
    pub(crate) fn kept(&self, name: &str, terms: &[Term]) -> f32 {
        let mut cases = self
            .0
            .iter()
            .filter(|case| case.words.iter().any(|w| name.contains(w)))
            .peekable();
        if cases.peek().is_none() || cases.any(|case| case.asked(terms)) {
            1.0
        } else {
            KEPT_WHEN_UNASKED
        }
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

fn parse(text: &'static str) -> Vec<Case> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let (words, cues) = line.split_once(':')?;
            Some(Case {
                words: words.split_whitespace().collect(),
                cues: cues.split_whitespace().collect(),
            })
        })
        .collect()
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
    fn every_line_has_words_and_a_colon() {
        let lines = QUALIFIERS
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
        for line in lines {
            let (words, _) = line.split_once(':').expect(line);
            assert!(!words.trim().is_empty(), "{line}");
        }
        assert!(Qualifiers::shipped().0.len() >= 8);
    }

    #[test]
    fn an_unasked_case_costs_and_an_asked_one_does_not() {
        let q = Qualifiers::shipped();
        let card = [typed("残疾证")];
        assert_eq!(q.kept("残疾人证核发", &card), 1.0);
        assert!(q.kept("残疾人证补领", &card) < 1.0);
        assert_eq!(q.kept("残疾人证补领", &[typed("残疾证"), typed("补")]), 1.0);
        // 补 is part of 补贴, which asks for no re-issue.
        assert!(q.kept("残疾人证补领", &[typed("残疾证"), typed("补贴")]) < 1.0);
        // A name that lists several cases answers a question about any of them.
        assert_eq!(
            q.kept("残疾人证换领、补办及等级变更", &[typed("补领")]),
            1.0
        );
        assert!(q.kept("残疾人证换领、补办及等级变更", &card) < 1.0);
    }
}
