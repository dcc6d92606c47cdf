//! Masking of sensitive personal data (ID numbers, phones) for display.
//!
//! Personal identifiers are shown masked by default; the types that hold them display masked and
//! give the full value only through an explicit accessor, so that an unmasking is a visible act.

mod show;

pub use show::Show;

/// Replaces every character except the first `head` and the last `tail` with `*`.
///
/// A value too short to keep both ends is masked entirely: showing all of a short value would
/// reveal it.
pub fn mask_middle(value: &str, head: usize, tail: usize) -> String {
    let count = value.chars().count();
    if count <= head + tail {
        return "*".repeat(count);
    }
    value
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i < head || i >= count - tail {
                c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_head_and_tail() {
        assert_eq!(
            mask_middle("330105198808150256", 6, 4),
            "330105********0256"
        );
        assert_eq!(mask_middle("13812345678", 3, 4), "138****5678");
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(mask_middle("浙江省杭州市", 1, 1), "浙****市");
    }

    #[test]
    fn short_values_are_masked_entirely() {
        assert_eq!(mask_middle("1234", 3, 4), "****");
        assert_eq!(mask_middle("1234567", 3, 4), "*******");
        assert_eq!(mask_middle("", 3, 4), "");
    }
}
