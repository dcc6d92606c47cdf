//! Login throttling: after repeated failures an account (or an address) must wait.

/// Failures allowed inside the window before sign-in is refused.
pub const MAX_FAILURES: i64 = 5;
/// Window in seconds over which failures are counted; also how long the lock lasts.
pub const WINDOW_SECS: i64 = 15 * 60;

/// Given the recent failures (newest timestamp last) and now, the seconds still to wait, if any.
pub fn wait_secs(recent_failures: i64, newest_failure_at: Option<i64>, now: i64) -> Option<i64> {
    let newest = newest_failure_at?;
    if recent_failures < MAX_FAILURES {
        return None;
    }
    let until = newest + WINDOW_SECS;
    (until > now).then_some(until - now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_failures_until_window_passes() {
        assert_eq!(wait_secs(4, Some(100), 101), None);
        assert_eq!(wait_secs(5, Some(100), 101), Some(WINDOW_SECS - 1));
        assert_eq!(wait_secs(5, Some(100), 100 + WINDOW_SECS), None);
        assert_eq!(wait_secs(0, None, 0), None);
    }
}
