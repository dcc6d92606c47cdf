//! The `Idempotency-Key` a program sends with a new case (the JSON API, Open311): a retry with
//! the same key gets the case the first request made. What a key may be is decided here, for
//! every channel alike.

use crate::limits::Limit;

/// The longest key kept (it is stored with the case).
pub const KEY: Limit = Limit::new("Idempotency-Key", 128);

/// A key that is empty, too long or not visible ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Idempotency-Key 应为 1 到 128 个可见 ASCII 字符")]
pub struct BadKey;

/// The key as sent (surrounding blanks dropped), or why it is refused.
pub fn read(sent: &str) -> Result<&str, BadKey> {
    let key = sent.trim();
    let visible = key.chars().all(|c| c.is_ascii_graphic());
    if key.is_empty() || key.len() > KEY.max_chars || !visible {
        return Err(BadKey);
    }
    Ok(key)
}

/// The key as stored: scoped to the sender (`api:` and an account, `open311:` and a partner),
/// so that two senders choosing the same key never meet.
pub fn scoped(channel: &str, sender: i64, key: &str) -> String {
    format!("{channel}:{sender}:{key}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        assert_eq!(read(" a1-b2 "), Ok("a1-b2"));
        assert_eq!(read(""), Err(BadKey));
        assert_eq!(read("   "), Err(BadKey));
        assert_eq!(read("两个字"), Err(BadKey));
        assert_eq!(read("a b"), Err(BadKey), "inner blanks are not visible");
        assert_eq!(read(&"k".repeat(128)).map(str::len), Ok(128));
        assert_eq!(read(&"k".repeat(129)), Err(BadKey));
        assert_eq!(
            BadKey.to_string(),
            format!(
                "Idempotency-Key 应为 1 到 {} 个可见 ASCII 字符",
                KEY.max_chars
            )
        );
    }

    #[test]
    fn stored_keys_name_their_sender() {
        assert_eq!(scoped("api", 7, "x"), "api:7:x");
        assert_ne!(scoped("api", 7, "x"), scoped("open311", 7, "x"));
    }
}
