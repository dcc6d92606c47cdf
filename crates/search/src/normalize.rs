//! Text normalisation shared by indexing and querying, so both sides agree on every character.

/// Folds full-width ASCII (typed by Chinese input methods) to half-width, the ideographic space to
/// a plain space, and Latin letters to lower case.
pub(crate) fn normalize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// A CJK unified ideograph (the blocks residents' text uses).
pub(crate) fn is_hanzi(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// Whether a token carries meaning: at least one letter, digit or ideograph.
pub(crate) fn is_meaningful(token: &str) -> bool {
    token.chars().any(|c| c.is_alphanumeric() || is_hanzi(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_and_case() {
        assert_eq!(normalize("ＳｈｅＢａｏ　卡"), "shebao 卡");
    }

    #[test]
    fn punctuation_is_not_meaningful() {
        assert!(!is_meaningful("，。？"));
        assert!(is_meaningful("社保"));
        assert!(is_meaningful("b超"));
    }
}
