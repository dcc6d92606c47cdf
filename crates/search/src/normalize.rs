//! Text normalisation shared by indexing and querying, so both sides agree on every character.

/// The folding every comparison of typed text shares (`quanke_domain::text::fold`).
pub(crate) use quanke_domain::text::fold as normalize;

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
    fn punctuation_is_not_meaningful() {
        assert!(!is_meaningful("，。？"));
        assert!(is_meaningful("社保"));
        assert!(is_meaningful("b超"));
    }
}
