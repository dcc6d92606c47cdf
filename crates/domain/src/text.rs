//! How text typed by people is made comparable, wherever it is compared (the search index and
//! its questions, the words the search learns).

/// Folds full-width ASCII (typed by Chinese input methods) to half-width, the ideographic space to
/// a plain space, and letters to lower case.
pub fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_and_case() {
        assert_eq!(fold("ＳｈｅＢａｏ　卡"), "shebao 卡");
    }
}
