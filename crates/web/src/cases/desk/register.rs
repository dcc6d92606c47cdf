//! Registering a person the registry does not know yet, from the ID number the desk typed:
//! birth date and sex come from the number (GB 11643), the name and phone from the form.

use crate::error::{AppError, AppResult};
use crate::registry::dates;
use crate::server::Shared;
use quanke_app::cases::Worker;
use quanke_app::cases::deadline::format_day;
use quanke_app::clock;
use quanke_domain::ident::resident_id::{self, ResidentId, Sex};
use quanke_domain::registry::name_initials;
use quanke_store::registry::{self, ImportContext, ImportMsg, NewResident};
use tokio::sync::mpsc;

/// "1950年3月7日".
pub fn birth_label(id: &ResidentId) -> String {
    let d = id.birth_date();
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

/// Registers the person with this (checked) ID number at the worker's place (their grid, or
/// the community) in `community_path`, and returns their registry id. A number the registry
/// already holds registers nobody (None): a person the worker may see is linked by the intake
/// service; one registered in another community (a 通办 applicant) is taken in unlinked, with
/// nothing shown of them and no message that they exist.
pub async fn register(
    st: &Shared,
    by: &Worker,
    id_number: &str,
    name: &str,
    phone_text: &str,
    community_path: &str,
) -> AppResult<Option<i64>> {
    let parsed = resident_id::parse(id_number, dates::today())
        .map_err(|e| AppError::BadRequest(format!("身份证号无效：{e}")))?;
    let number = parsed.id.as_str().to_string();
    if registry::id_by_number(&st.db, &number).await?.is_some() {
        return Ok(None);
    }
    let d = parsed.id.birth_date();
    let person = NewResident {
        id_number: number.clone(),
        name: name.trim().to_string(),
        name_initials: name_initials(name.trim()),
        sex: match parsed.id.sex() {
            Sex::Male => "M",
            Sex::Female => "F",
        },
        birth_date: format_day(d),
        phone: Some(phone_text.trim().to_string()),
        org_path: by.org.as_str().to_string(),
        community_path: community_path.to_string(),
        ..NewResident::default()
    };
    write(st, person, &by.name).await?;
    let id = registry::id_by_number(&st.db, &number)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("registered resident not found")))?;
    Ok(Some(id))
}

async fn write(st: &Shared, person: NewResident, actor: &str) -> AppResult<()> {
    let person_community = person.community_path.clone();
    let (tx, rx) = mpsc::channel(2);
    // Both messages fit the channel, so sending before the writer runs cannot block.
    let sent = tx.send(ImportMsg::Rows(vec![person])).await.is_ok()
        && tx.send(ImportMsg::Commit).await.is_ok();
    drop(tx);
    let ctx = ImportContext {
        actor: actor.to_string(),
        source: "窗口登记".into(),
        now: clock::now(),
        today: clock::today(),
        // A new person, placed in the desk's community; no one registered elsewhere is touched.
        area: quanke_domain::OrgPath::from_stored(person_community),
        atomic: true,
        run: None,
    };
    let counts = registry::import_residents(&st.db, rx, &ctx).await?;
    if !sent || !counts.committed {
        return Err(AppError::Internal(anyhow::anyhow!(
            "desk registration not committed"
        )));
    }
    Ok(())
}
