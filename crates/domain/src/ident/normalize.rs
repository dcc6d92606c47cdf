//! Clean-up of typed identifiers before they are checked.
//!
//! Chinese input methods in full-width mode produce "３３０１０５…" and "＋８６"; residents and
//! workers should not be refused for that, so full-width ASCII is folded to half-width first.

/// Folds full-width ASCII (U+FF01–U+FF5E) and the ideographic space to their half-width forms,
/// then trims.
pub(crate) fn half_width(value: &str) -> String {
    value
        .chars()
        .map(fold)
        .collect::<String>()
        .trim()
        .to_string()
}

fn fold(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_digits_letters_and_spaces() {
        assert_eq!(half_width("３３０１０５ｘ"), "330105x");
        assert_eq!(half_width("＋８６\u{3000}１３８－１２３４"), "+86 138-1234");
        assert_eq!(half_width("\u{3000} 0571 \u{3000}"), "0571");
    }

    #[test]
    fn leaves_other_text_alone() {
        assert_eq!(half_width("0571-88888888转123"), "0571-88888888转123");
    }
}
