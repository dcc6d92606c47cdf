//! Exporting a list of people (居民名册) to a workbook: a community or grid of the user's
//! subtree, optionally only those with one tag. Pages of people stream from the store into the
//! workbook file, so a large export stays in bounded memory. Identifiers are masked and
//! sensitive tags left out unless the role may reveal them; every export is audited.

use super::download;
use super::labels;
use super::places::Places;
use crate::audit::{self, Event};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::State;
use axum::response::{Html, Response};
use minijinja::{Value, context};
use quanke_app::clock;
use quanke_domain::mask::Show;
use quanke_domain::registry::{CareTag, Field};
use quanke_domain::{OrgPath, Permission};
use quanke_ledger::registry::write_ledger;
use quanke_store::orgs::{self, Org};
use quanke_store::registry::export::{self, ExportRow};
use serde::Deserialize;
use tokio::sync::mpsc;

/// People per page read from the store.
const PAGE: i64 = 5_000;

/// The workbook's columns, titled as imports recognise them, so an export can be re-imported.
const COLUMNS: [Field; 15] = [
    Field::Name,
    Field::IdNumber,
    Field::Sex,
    Field::BirthDate,
    Field::Phone,
    Field::RegisteredAddress,
    Field::ActualAddress,
    Field::Ethnicity,
    Field::PoliticalStatus,
    Field::MaritalStatus,
    Field::Employment,
    Field::Tags,
    Field::HouseholdNumber,
    Field::Relation,
    Field::Grid,
];

/// What the role sees: in full when it may reveal, masked otherwise.
fn show_for(ctx: &Ctx) -> Show {
    Show::for_scope(&ctx.me.scope)
}

pub async fn form(State(st): State<Shared>, ctx: Ctx) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ExportRegistry)?;
    let places = Places::within(&st.db, &ctx.me.scope.org).await?;
    let base = ctx.me.scope.org.ids().len();
    let orgs: Vec<Value> = places
        .in_tree_order()
        .into_iter()
        .map(|o| {
            let depth = o.path.ids().len() - base;
            context! { id => o.id, name => &o.name, kind => o.kind.label(), indent => "　".repeat(depth) }
        })
        .collect();
    let show = show_for(&ctx);
    // Choosing people by a sensitive tag discloses the tag: only for roles that may see it.
    let tags: Vec<Value> = CareTag::ALL
        .into_iter()
        .filter(|t| show.tag(*t))
        .map(|t| context! { code => t.code(), label => t.label() })
        .collect();
    let masked = show == Show::Masked;
    ctx.render("registry_export.html", context! { orgs, tags, masked })
}

#[derive(Deserialize)]
pub struct ExportForm {
    org: i64,
    #[serde(default)]
    tag: String,
}

pub async fn download(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(f): Form<ExportForm>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ExportRegistry)?;
    let org = orgs::get(&st.db, f.org).await?;
    if !ctx.me.scope.covers(&org.path) {
        return Err(AppError::Forbidden);
    }
    let show = show_for(&ctx);
    let tag = match f.tag.as_str() {
        "" => None,
        code => Some(
            CareTag::from_code(code)
                .ok_or_else(|| AppError::BadRequest(format!("未知的人员类别“{code}”")))?,
        ),
    };
    if tag.is_some_and(|t| !show.tag(t)) {
        return Err(AppError::Forbidden);
    }
    let places = Places::within(&st.db, &org.path).await?;
    let dir = tempfile::tempdir().map_err(|e| AppError::Internal(e.into()))?;
    let path = dir.path().join("export.xlsx");
    let title = title(&org, tag, show);
    let rows = write(&st, &org.path, tag, show, places, &path, &title).await?;
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let detail = format!(
        "范围 {}；人员类别 {}；共 {rows} 人；{}",
        org.name,
        tag.map_or("全部", |t| t.label()),
        match show {
            Show::Masked => "身份证号、电话已脱敏",
            Show::Full => "含完整身份证号、电话",
        }
    );
    let ev = Event {
        action: "registry_exported",
        target: &org.code,
        detail: &detail,
        ip: &ip,
        org_path: &org.path,
    };
    audit::by_user(&st, &ctx.me, ev).await?;
    let day = clock::today().replace('-', "");
    let tag_part = tag.map(|t| format!("-{}", t.label())).unwrap_or_default();
    let name = format!("居民名册-{}{tag_part}-{day}.xlsx", org.name);
    Ok(download::xlsx(
        bytes,
        &name,
        &format!("registry-{day}.xlsx"),
    ))
}

fn title(org: &Org, tag: Option<CareTag>, show: Show) -> String {
    let tag = tag
        .map(|t| format!("（{}）", t.label()))
        .unwrap_or_default();
    let note = match show {
        Show::Masked => "（已脱敏）",
        Show::Full => "",
    };
    format!("{}居民名册{tag}{note}", org.name)
}

/// Streams the people into the workbook at `path`: an async loop reads pages and hands them
/// to the blocking writer through a small channel. Returns the rows written.
async fn write(
    st: &Shared,
    within: &OrgPath,
    tag: Option<CareTag>,
    show: Show,
    places: Places,
    path: &std::path::Path,
    title: &str,
) -> AppResult<u64> {
    let (tx, mut rx) = mpsc::channel::<Vec<Vec<String>>>(2);
    let writer = {
        let (path, title) = (path.to_path_buf(), title.to_string());
        tokio::task::spawn_blocking(move || {
            let headers: Vec<&str> = COLUMNS.iter().map(|f| f.label()).collect();
            let rows = std::iter::from_fn(move || rx.blocking_recv()).flatten();
            write_ledger(&path, Some(&title), &headers, rows)
        })
    };
    let reader = async move {
        let mut after = 0;
        loop {
            let page = export::page(&st.db, within, tag.map(|t| t.code()), after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            let full = page.len() as i64 == PAGE;
            let cells = page.iter().map(|r| cells(r, show, &places)).collect();
            // The writer stopped (it failed): its error is the one to report.
            if tx.send(cells).await.is_err() || !full {
                break;
            }
        }
        Ok::<(), quanke_store::StoreError>(())
    };
    let (read, written) = tokio::join!(reader, writer);
    read?;
    written
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))
}

/// One person's cells, in the order of `COLUMNS`.
fn cells(r: &ExportRow, show: Show, places: &Places) -> Vec<String> {
    vec![
        r.name.clone(),
        show.id_number(&r.id_number),
        labels::sex(&r.sex).to_string(),
        r.birth_date.clone(),
        show.phone(&r.phone),
        r.registered_address.clone(),
        r.actual_address.clone(),
        r.ethnicity.clone(),
        r.political_status.clone(),
        r.marital_status.clone(),
        r.employment.clone(),
        export_tags(&r.tags, show),
        r.household_number.clone().unwrap_or_default(),
        r.relation.clone(),
        places.name(r.org_path.as_str()),
    ]
}

/// Tags as a ledger writes them, "高龄、低保(2023-05-01)", so that the file can be re-imported;
/// sensitive tags are left out, not marked, when masked.
fn export_tags(stored: &str, show: Show) -> String {
    stored
        .split(',')
        .filter_map(|item| {
            let (code, since) = item.split_once('(').unwrap_or((item, ""));
            let tag = CareTag::from_code(code).filter(|t| show.tag(*t))?;
            Some(match since.trim_end_matches(')') {
                "" => tag.label().to_string(),
                since => format!("{}({since})", tag.label()),
            })
        })
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_tags_are_left_out_when_masked() {
        let stored = "disabled,low_income(2023-05-01)";
        assert_eq!(export_tags(stored, Show::Masked), "低保(2023-05-01)");
        assert_eq!(export_tags(stored, Show::Full), "残疾、低保(2023-05-01)");
        assert_eq!(export_tags("", Show::Full), "");
    }
}
