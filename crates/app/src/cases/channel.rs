//! How a case came in (渠道), whether the resident made a trip for it, and the 代办 mandate:
//! decided by the server from who calls and through which door, never taken from what the
//! caller says about itself. A grid worker's API call is 代办 like their desk page; only the
//! Open311 endpoint opens Open311 cases; only the portal opens portal cases.

use super::deadline;
use super::refusal::{CaseError, CaseResult};
use super::worker::Worker;
use quanke_domain::{Role, limits};
use quanke_store::cases::Mandate;

/// The door an intake came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The desk's pages: in person, or a call taken at the desk (`phone`).
    Desk { phone: bool },
    /// The JSON API (a session or an API token): the account's role decides.
    Api,
    /// A resident's own online application.
    Portal,
    /// A partner's Open311 request, by the partner's key.
    Open311 { key_id: i64 },
}

/// The 代办 mandate as typed: who authorised, for what, until when (YYYY-MM-DD).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MandateIn {
    pub grantor: String,
    pub scope: String,
    pub until: String,
}

/// What the server decided.
#[derive(Debug, Clone)]
pub struct Channel {
    pub code: &'static str,
    /// The resident came in for this (counts toward 最多跑一次).
    pub visit: bool,
    pub open311_key_id: Option<i64>,
    pub mandate: Option<Mandate>,
}

impl Channel {
    /// Staff channels meet the applicant (or their agent) and must identify them.
    pub fn is_staff(&self) -> bool {
        matches!(self.code, "desk" | "phone" | "grid")
    }
}

/// The channel of an intake through `via` by `by`. A grid worker's intake is 代办: received
/// for the desk to check, with the resident's mandate recorded; anyone else's mandate is
/// refused rather than stored against a case it does not apply to.
pub fn decide(
    via: Via,
    by: &Worker,
    mandate: Option<&MandateIn>,
    receive_only: bool,
) -> CaseResult<Channel> {
    let plain = |code, visit, open311_key_id| Channel {
        code,
        visit,
        open311_key_id,
        mandate: None,
    };
    let channel = match (via, by.role) {
        (Via::Desk { .. } | Via::Api, Some(Role::GridWorker)) => {
            if !receive_only {
                return Err(CaseError::refuse(
                    "not_allowed",
                    "网格代办的申请由窗口核验后受理",
                ));
            }
            let m = mandate.ok_or_else(|| {
                CaseError::refuse("missing_mandate", "网格代办须登记授权人和授权范围")
            })?;
            return Ok(Channel {
                mandate: Some(checked_mandate(m, by)?),
                ..plain("grid", false, None)
            });
        }
        (Via::Desk { phone: true }, Some(_)) => plain("phone", false, None),
        (Via::Desk { phone: false } | Via::Api, Some(_)) => plain("desk", true, None),
        (Via::Portal, None) => plain("portal", false, None),
        (Via::Open311 { key_id }, None) => plain("open311", false, Some(key_id)),
        _ => {
            return Err(CaseError::refuse("not_allowed", "该渠道不能由此办理人受理"));
        }
    };
    if mandate.is_some() {
        return Err(CaseError::refuse(
            "mandate_not_applicable",
            "只有网格员代办须登记授权；窗口受理不登记授权",
        ));
    }
    Ok(channel)
}

/// A grid worker applies on a resident's behalf only with a mandate: who authorised it, for
/// what, and until when (today or later).
fn checked_mandate(m: &MandateIn, by: &Worker) -> CaseResult<Mandate> {
    let (grantor, scope) = (m.grantor.trim(), m.scope.trim());
    if grantor.is_empty() || scope.is_empty() {
        return Err(CaseError::refuse(
            "missing_mandate",
            "网格代办须登记授权人和授权范围",
        ));
    }
    limits::PERSON_NAME.named("授权人").check(grantor)?;
    limits::MANDATE_SCOPE.check(scope)?;
    let until = deadline::parse_day(m.until.trim())
        .ok_or_else(|| CaseError::refuse("bad_mandate", "请填写授权有效期（年-月-日）"))?;
    if until < by.today.date() {
        return Err(CaseError::refuse(
            "expired_mandate",
            "授权已过期，请重新取得居民授权",
        ));
    }
    Ok(Mandate {
        grantor: grantor.to_string(),
        agent_id: by.id,
        scope: scope.to_string(),
        valid_until: deadline::format_day(until),
        recorded_at: by.now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quanke_domain::OrgPath;

    fn worker(role: Option<Role>) -> Worker {
        let mut w = Worker::system("测试", OrgPath::root(1));
        w.role = role;
        w.id = role.map(|_| 7);
        w
    }

    fn mandate() -> MandateIn {
        MandateIn {
            grantor: "本人".into(),
            scope: "高龄津贴申领".into(),
            until: "2099-12-31".into(),
        }
    }

    #[test]
    fn the_caller_decides_the_channel() {
        let desk = worker(Some(Role::FrontDesk));
        let c = decide(Via::Api, &desk, None, false).unwrap();
        assert_eq!((c.code, c.visit), ("desk", true));
        let c = decide(Via::Desk { phone: true }, &desk, None, false).unwrap();
        assert_eq!((c.code, c.visit), ("phone", false));
        // Only the Open311 endpoint (no account) opens Open311 cases.
        assert!(decide(Via::Open311 { key_id: 1 }, &desk, None, true).is_err());
        assert!(decide(Via::Portal, &desk, None, true).is_err());
        let system = worker(None);
        assert_eq!(
            decide(Via::Open311 { key_id: 3 }, &system, None, true)
                .unwrap()
                .open311_key_id,
            Some(3)
        );
        assert!(decide(Via::Api, &system, None, true).is_err());
        // A mandate belongs to 代办 only.
        assert!(decide(Via::Api, &desk, Some(&mandate()), false).is_err());
    }

    #[test]
    fn a_grid_worker_needs_a_mandate_and_only_receives() {
        let grid = worker(Some(Role::GridWorker));
        for via in [Via::Api, Via::Desk { phone: true }] {
            let err = decide(via, &grid, None, true).unwrap_err();
            assert!(matches!(err, CaseError::Refused(r) if r.code == "missing_mandate"));
            let c = decide(via, &grid, Some(&mandate()), true).unwrap();
            assert_eq!((c.code, c.visit), ("grid", false));
            assert_eq!(c.mandate.unwrap().agent_id, Some(7));
            assert!(decide(via, &grid, Some(&mandate()), false).is_err());
        }
        let old = MandateIn {
            until: "2000-01-01".into(),
            ..mandate()
        };
        let err = decide(Via::Api, &grid, Some(&old), true).unwrap_err();
        assert!(matches!(err, CaseError::Refused(r) if r.code == "expired_mandate"));
    }
}
