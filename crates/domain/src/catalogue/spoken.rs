//! The words people search the catalogue with, as the search keeps and learns them: a worker's
//! words followed by a pick become an alias of the item once enough different workers agree; a
//! resident's question on the portal is kept (digits masked) to show what the catalogue does
//! not answer.

use super::ServiceItem;

/// The item a question no item answers is asked through (代咨询): where a street publishes an
/// item with this code, a resident whose search found nothing asks the community from the
/// portal (an application to it, the question as its note, a case like any other), and the
/// search API names it to partners.
pub const ASK_ITEM: &str = "QK-DZX";

/// Different workers who must pick the same item after the same words before the words are
/// proposed as its alias: one worker's habit is not yet the way people talk.
pub const CONFIRMED_BY: i64 = 3;

/// The longest question kept, in characters (longer ones are cut).
const LONGEST: usize = 60;

/// The longest words proposed as an alias, in characters: an alias is a way to say the matter,
/// not a resident's whole story.
const LONGEST_ALIAS: usize = 20;

/// What a run of four or more digits becomes: ID numbers and phones are never kept.
const MASK: &str = "＊＊＊＊";

/// The question as kept: full-width letters and digits made plain, letters lowercased, spaces
/// collapsed, the punctuation at its ends dropped, runs of four or more digits masked, cut to
/// a length. None when nothing is left.
pub fn normalise(q: &str) -> Option<String> {
    let plain = crate::text::fold(q);
    let words = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = words.trim_matches(|c: char| c.is_ascii_punctuation() || is_cjk_punctuation(c));
    let masked = mask_digits(trimmed);
    let kept: String = masked.chars().take(LONGEST).collect();
    let kept = kept.trim().to_string();
    (!kept.is_empty()).then_some(kept)
}

/// Whether kept words may be proposed as an alias: two to twenty characters, with no masked
/// digits and not only digits or letters (an item code, a pinyin fragment).
pub fn may_become_alias(kept: &str) -> bool {
    let n = kept.chars().count();
    (2..=LONGEST_ALIAS).contains(&n)
        && !kept.contains(MASK)
        && !kept.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
}

/// Whether the item already answers to these words by its name, a keyword or a synonym.
pub fn already_known(item: &ServiceItem, kept: &str) -> bool {
    std::iter::once(&item.name)
        .chain(&item.keywords)
        .chain(&item.synonyms)
        .any(|w| normalise(w).as_deref() == Some(kept))
}

/// The item with the words added to its synonyms; false when it already answers to them.
pub fn add_alias(item: &mut ServiceItem, kept: &str) -> bool {
    if already_known(item, kept) {
        return false;
    }
    item.synonyms.push(kept.to_string());
    true
}

fn is_cjk_punctuation(c: char) -> bool {
    matches!(
        c,
        '。' | '，'
            | '、'
            | '？'
            | '！'
            | '：'
            | '；'
            | '…'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '（'
            | '）'
    )
}

fn mask_digits(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    for c in s.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_digit() {
            run.push(c);
            continue;
        }
        out.push_str(if run.chars().count() >= 4 { MASK } else { &run });
        run.clear();
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_kept_plain_and_without_numbers() {
        assert_eq!(
            normalise("  老婆户口  迁过来？ ").as_deref(),
            Some("老婆户口 迁过来")
        );
        assert_eq!(normalise("ＡＢＣ１２").as_deref(), Some("abc12"));
        assert_eq!(
            normalise("身份证370102199001011234丢了").as_deref(),
            Some("身份证＊＊＊＊丢了")
        );
        assert_eq!(
            normalise("电话 13800001111").as_deref(),
            Some("电话 ＊＊＊＊")
        );
        assert_eq!(normalise("第3胎").as_deref(), Some("第3胎"));
        assert_eq!(normalise(" ？！ "), None);
        assert_eq!(
            normalise(&"办".repeat(80)).map(|s| s.chars().count()),
            Some(60)
        );
    }

    #[test]
    fn only_short_spoken_words_become_aliases() {
        assert!(may_become_alias("老婆户口迁过来"));
        assert!(!may_become_alias("办"));
        assert!(!may_become_alias("身份证＊＊＊＊丢了"));
        assert!(!may_become_alias("hj0101"));
        assert!(!may_become_alias(&"办".repeat(21)));
    }

    #[test]
    fn an_alias_is_added_once() {
        let mut item: ServiceItem =
            serde_json::from_str(include_str!("sample.json")).expect("sample item");
        let name = normalise(&item.name).expect("a name");
        assert!(!add_alias(&mut item, &name));
        let before = item.synonyms.len();
        assert!(add_alias(&mut item, "老婆户口迁过来"));
        assert!(!add_alias(&mut item, "老婆户口迁过来"));
        assert_eq!(item.synonyms.len(), before + 1);
        assert!(already_known(&item, "老婆户口迁过来"));
    }
}
