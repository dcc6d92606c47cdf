//! Who applies: the registry person a case names, resolved in one place for every channel.
//!
//! A worker may name only a person registered inside their own subtree (a grid worker: their
//! grid); the portal's and Open311's system worker stands in the case's community. Anyone else
//! is "not found", answered exactly as an id or ID number nobody has, so neither the sequential
//! registry ids nor ID numbers can be probed across communities. A person of another
//! community who comes to this desk (通办) is taken in without a registry link and the case is
//! transferred to their community.
//!
//! What "identified" means per channel:
//! - desk, phone, grid (代办): a registry person the worker may see, or a valid ID number
//!   (GB 11643, check digit and date) read from the applicant's card;
//! - portal: name and mobile phone (the tracking key); an ID number, when given, must be
//!   valid, and links the person only when it names someone of the chosen community with the
//!   same name (the portal is anonymous: a number alone proves nothing about who typed it);
//! - Open311: the partner's key; the name and phone are the partner's, never linked.

use super::Cases;
use super::channel::Channel;
use super::refusal::{CaseError, CaseResult};
use super::worker::Worker;
use quanke_domain::calendar::Day;
use quanke_domain::ident::phone;
use quanke_domain::ident::resident_id;
use quanke_domain::limits;
use quanke_store::Db;
use quanke_store::cases::{self, OpenCase};
use quanke_store::registry::{self, NumberWithin, Resident};

/// The registry person with this id, when `by` may see them; "not found" otherwise.
pub async fn visible(db: &Db, by: &Worker, id: i64) -> CaseResult<Resident> {
    registry::resident_within(db, id, &by.org)
        .await?
        .ok_or_else(unknown_resident)
}

/// The refusal for a registry id the caller may not name, the same whether it exists or not.
fn unknown_resident() -> CaseError {
    CaseError::refuse("unknown_resident", "居民信息中没有这个人")
}

/// The person with this (valid) ID number, when `by` may see them; read together with the
/// other intakes' applicants.
pub async fn visible_by_number(
    st: &Cases<'_>,
    by: &Worker,
    number: &str,
) -> CaseResult<Option<Resident>> {
    let ask = NumberWithin {
        id_number: number.to_string(),
        within: by.org.clone(),
    };
    Ok(st.applicants.get(ask).await?)
}

/// An ID number as typed, checked (GB 11643); the 18-digit form.
pub fn parse_id_number(typed: &str, today: Day) -> CaseResult<String> {
    resident_id::parse(typed.trim(), today.date())
        .map(|p| p.id.as_str().to_string())
        .map_err(|e| CaseError::refuse("bad_id_number", format!("身份证号无效：{e}")))
}

/// What the intake gave about the applicant.
pub struct Given<'a> {
    pub resident_id: Option<i64>,
    pub id_number: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
}

/// The applicant as the case records them.
pub struct Identified {
    pub resident: Option<Resident>,
    pub name: String,
    pub phone: String,
}

/// Settles who applies through `channel`, or refuses.
pub async fn identify(
    st: &Cases<'_>,
    by: &Worker,
    channel: &Channel,
    given: &Given<'_>,
) -> CaseResult<Identified> {
    let portal = channel.code == "portal";
    let number = match given.id_number.trim() {
        "" => None,
        typed => Some(parse_id_number(typed, by.today)?),
    };
    let resident = match (given.resident_id, &number) {
        (Some(id), _) => Some(visible(st.db, by, id).await?),
        (None, Some(n)) => visible_by_number(st, by, n)
            .await?
            // Anonymous: the number links only together with the registered name.
            .filter(|r| !portal || r.name == given.name.trim()),
        (None, None) => None,
    };
    if channel.is_staff() && resident.is_none() && number.is_none() {
        return Err(CaseError::refuse(
            "unidentified_applicant",
            "请确定申请人：在查找结果中点选一人，或输入申请人完整的身份证号（新居民一并登记）",
        ));
    }
    let phone_text = given.phone.trim();
    if portal && phone_text.is_empty() {
        return Err(CaseError::refuse(
            "missing_phone",
            "请填写手机号码，办件进度凭办件编号和手机号码查询",
        ));
    }
    if !phone_text.is_empty()
        && let Err(e) = phone::parse(phone_text)
    {
        return Err(CaseError::refuse("bad_phone", format!("联系电话有误：{e}")));
    }
    Ok(match resident {
        // A registry person applies under their registered name; their registered phone
        // unless another was given.
        Some(r) => Identified {
            name: r.name.clone(),
            phone: if phone_text.is_empty() {
                r.phone.clone()
            } else {
                phone_text.to_string()
            },
            resident: Some(r),
        },
        None => Identified {
            name: checked_name(given.name)?,
            phone: phone_text.to_string(),
            resident: None,
        },
    })
}

fn checked_name(typed: &str) -> CaseResult<String> {
    let name = typed.trim();
    if name.is_empty() {
        return Err(CaseError::refuse("missing_applicant", "请填写申请人姓名"));
    }
    limits::PERSON_NAME.named("申请人姓名").check(name)?;
    Ok(name.to_string())
}

/// How many of a resident's open cases of an item the duplicate warning names: one is the
/// usual mistake; more than a few means the desk should look at the person's record.
const DUPLICATES_SHOWN: i64 = 5;

/// The resident's other open cases of this item that `by` may see: a warning at intake, which
/// must not name another community's case numbers.
pub async fn open_cases(
    db: &Db,
    by: &Worker,
    resident_id: i64,
    item_code: &str,
) -> CaseResult<Vec<OpenCase>> {
    Ok(cases::open_for_resident(
        db,
        resident_id,
        item_code,
        &by.case_scope(),
        DUPLICATES_SHOWN,
    )
    .await?)
}
