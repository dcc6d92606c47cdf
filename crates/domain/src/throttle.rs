//! Limits on repeated attempts: each kind of attempt is counted alone, under its own rule, so
//! that residents' applications or tracking lookups from a community's shared address never lock
//! staff out of signing in there, and staff failures never stop residents.

/// At most `max` events inside `window_secs`; once there, the next must wait until `window_secs`
/// after the newest. Refused attempts are not counted, so a lock ends on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub max: i64,
    pub window_secs: i64,
}

impl Rule {
    /// The earliest event time that still counts at `now`.
    pub fn since(&self, now: i64) -> i64 {
        now - self.window_secs
    }

    /// Given the events counted since `since(now)` and the newest of them, the seconds still
    /// to wait, if any.
    pub fn wait_secs(&self, recent: i64, newest: Option<i64>, now: i64) -> Option<i64> {
        let newest = newest?;
        if recent < self.max {
            return None;
        }
        let until = newest + self.window_secs;
        (until > now).then_some(until - now)
    }
}

/// Failed sign-ins of one account (whatever the address): a password guessed slowly.
pub const SIGN_IN_PER_ACCOUNT: Rule = Rule {
    max: 5,
    window_secs: 15 * 60,
};

/// Failed sign-ins from one address (whatever the account): a password sprayed across
/// accounts. More room than one account, since an office's staff share one NAT address.
pub const SIGN_IN_PER_ADDRESS: Rule = Rule {
    max: 20,
    window_secs: 15 * 60,
};

/// What residents do on the portal from one address, each counted alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalAttempt {
    /// A new online application (网上申请): a household or an office applies a few an hour;
    /// more is a script filling the desk's queue.
    Application,
    /// A case-tracking lookup (办件查询) whose number and phone matched nothing: guessing.
    TrackingMiss,
    /// An event reported by a resident (随手拍): a few a day from a household; more is a
    /// script filling the community's list.
    EventReport,
}

impl PortalAttempt {
    pub fn rule(self) -> Rule {
        match self {
            PortalAttempt::Application => Rule {
                max: 30,
                window_secs: 3600,
            },
            // Residents mistype more than staff: twice the sign-in allowance of one account.
            PortalAttempt::TrackingMiss => Rule {
                max: 10,
                window_secs: 15 * 60,
            },
            PortalAttempt::EventReport => Rule {
                max: 10,
                window_secs: 3600,
            },
        }
    }

    /// The stored name of the counter.
    pub fn code(self) -> &'static str {
        match self {
            PortalAttempt::Application => "application",
            PortalAttempt::TrackingMiss => "tracking_miss",
            PortalAttempt::EventReport => "event_report",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_until_the_window_passes() {
        let r = SIGN_IN_PER_ACCOUNT;
        assert_eq!(r.wait_secs(4, Some(100), 101), None);
        assert_eq!(r.wait_secs(5, Some(100), 101), Some(r.window_secs - 1));
        assert_eq!(r.wait_secs(5, Some(100), 100 + r.window_secs), None);
        assert_eq!(r.wait_secs(0, None, 0), None);
        assert_eq!(r.since(1000), 1000 - r.window_secs);
    }

    #[test]
    fn each_kind_has_its_own_rule() {
        assert_eq!(SIGN_IN_PER_ADDRESS.max, 20);
        assert_eq!(PortalAttempt::Application.rule().max, 30);
        assert_eq!(PortalAttempt::Application.rule().window_secs, 3600);
        assert_eq!(PortalAttempt::TrackingMiss.rule().max, 10);
        assert_ne!(
            PortalAttempt::Application.code(),
            PortalAttempt::TrackingMiss.code()
        );
    }
}
