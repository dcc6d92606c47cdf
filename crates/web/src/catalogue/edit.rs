//! Editing the catalogue: heads and street admins keep one draft per item; a street admin
//! publishes it as the next version. Drafts are invisible to residents.

use super::form::{FormProblem, ItemForm};
use super::pages::parse;
use crate::audit::{self, Event};
use crate::auth::ClientIp;
use crate::clock;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use quanke_domain::Permission;
use quanke_domain::catalogue::{diff, validate};
use quanke_store::catalogue::{self as store, Draft, NewVersion};

/// The change note a new item starts with.
const FIRST_NOTE: &str = "首次发布";

fn editor_page(
    ctx: &Ctx,
    form: &ItemForm,
    new: bool,
    problems: &[FormProblem],
) -> AppResult<Html<String>> {
    let problems: Vec<Value> = problems
        .iter()
        .map(|p| context! { field => p.field, label => super::fields::label(p.field), message => &p.message })
        .collect();
    ctx.render("catalogue_edit.html", context! { form, new, problems })
}

pub async fn new_form(ctx: Ctx) -> AppResult<Html<String>> {
    ctx.me.require(Permission::EditCatalogue)?;
    let form = ItemForm {
        item_type: "public_service".into(),
        level: "community".into(),
        mode: "promised".into(),
        fee: "不收费".into(),
        visits: "1".into(),
        effective_from: clock::today(),
        change_note: FIRST_NOTE.into(),
        ..ItemForm::default()
    };
    editor_page(&ctx, &form, true, &[])
}

pub async fn edit_form(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::EditCatalogue)?;
    let form = match store::draft(&st.db, &code).await? {
        Some(d) => ItemForm::from_item(&parse(&d.body)?, &d.effective_from, &d.change_note),
        None => {
            let newest = store::history(&st.db, &code)
                .await?
                .into_iter()
                .next()
                .ok_or(AppError::NotFound)?;
            ItemForm::from_item(&parse(&newest.body)?, &clock::today(), "")
        }
    };
    editor_page(&ctx, &form, false, &[])
}

/// Saves the form as the item's draft when it is a valid item; otherwise shows every problem.
pub async fn save(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(form): Form<ItemForm>,
) -> AppResult<Response> {
    ctx.me.require(Permission::EditCatalogue)?;
    let mut problems = Vec::new();
    if !is_date(&form.effective_from) {
        problems.push(FormProblem {
            field: "effective_from",
            message: "日期应为 YYYY-MM-DD".into(),
        });
    }
    if form.change_note.trim().is_empty() {
        problems.push(FormProblem {
            field: "change_note",
            message: "请说明改了什么、为什么改".into(),
        });
    }
    let item = match form.to_item() {
        Ok(item) => Some(item),
        Err(p) => {
            problems.extend(p);
            None
        }
    };
    if let Some(item) = &item {
        problems.extend(validate(item).into_iter().map(|p| FormProblem {
            field: top_field(&p.field),
            message: p.message,
        }));
    }
    let (Some(item), true) = (item, problems.is_empty()) else {
        let new = store::history(&st.db, form.code.trim()).await?.is_empty();
        return Ok(editor_page(&ctx, &form, new, &problems)?.into_response());
    };
    let draft = Draft {
        item_code: item.code.clone(),
        name: item.name.clone(),
        line: item.line.clone(),
        effective_from: form.effective_from.trim().into(),
        change_note: form.change_note.trim().into(),
        body: super::transfer::body(&item)?,
        updated_by: ctx.me.user.username.clone(),
        updated_at: clock::now(),
    };
    store::save_draft(&st.db, &draft).await?;
    let ev = Event {
        action: "catalogue_draft",
        target: &item.code,
        detail: &item.name,
        ip: &ip,
        org_path: ctx.me.user.org_path.as_str(),
    };
    audit::by_user(&st, &ctx.me, ev).await?;
    Ok(Redirect::to(&format!("/catalogue/{}/draft", item.code)).into_response())
}

/// The form field a validation path belongs to ("materials[2].name" → "materials").
fn top_field(path: &str) -> &'static str {
    const FIELDS: [&str; 27] = [
        "code",
        "name",
        "line",
        "department",
        "item_type",
        "level",
        "applicants",
        "kinds",
        "materials",
        "steps",
        "legal_basis",
        "statutory_days",
        "promised_days",
        "mode",
        "visits",
        "fee",
        "location",
        "hours",
        "window",
        "consult_phone",
        "complaint_phone",
        "faqs",
        "tips",
        "keywords",
        "synonyms",
        "questions",
        "policies",
    ];
    let head = path.split(['.', '[']).next().unwrap_or(path);
    FIELDS.into_iter().find(|f| *f == head).unwrap_or("name")
}

fn is_date(s: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), format).is_ok()
}

/// The draft as residents would see it, what it changes, and the publish button.
pub async fn draft(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::EditCatalogue)?;
    let d = store::draft(&st.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let item = parse(&d.body)?;
    let newest = store::history(&st.db, &code).await?.into_iter().next();
    let changes: Vec<Value> = match &newest {
        Some(v) => diff(&parse(&v.body)?, &item)
            .into_iter()
            .map(|c| context! { label => super::fields::label(&c.field), before => c.before, after => c.after })
            .collect(),
        None => Vec::new(),
    };
    let data = context! {
        item, changes, is_new => newest.is_none(),
        draft => context! { effective_from => d.effective_from, change_note => d.change_note, by => d.updated_by, at => d.updated_at },
        publisher => ctx.me.scope.can(Permission::PublishCatalogue),
    };
    ctx.render("catalogue_draft.html", data)
}

pub async fn publish(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(code): Path<String>,
) -> AppResult<Response> {
    ctx.me.require(Permission::PublishCatalogue)?;
    let d = store::draft(&st.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let v = NewVersion {
        item_code: &d.item_code,
        name: &d.name,
        line: &d.line,
        effective_from: &d.effective_from,
        change_note: &d.change_note,
        body: &d.body,
        published_by: &ctx.me.user.username,
    };
    let now = clock::now();
    let published = store::publish(&st.db, &v, now).await?;
    store::resolve_reviews(&st.db, &code, now).await?;
    st.catalogue.invalidate();
    let detail = format!(
        "第 {} 版，{} 起施行",
        published.version, published.effective_from
    );
    let ev = Event {
        action: "catalogue_published",
        target: &code,
        detail: &detail,
        ip: &ip,
        org_path: ctx.me.user.org_path.as_str(),
    };
    audit::by_user(&st, &ctx.me, ev).await?;
    Ok(Redirect::to(&format!("/catalogue/{code}")).into_response())
}

pub async fn discard(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> AppResult<Response> {
    ctx.me.require(Permission::EditCatalogue)?;
    store::discard_draft(&st.db, &code).await?;
    let back = if store::history(&st.db, &code).await?.is_empty() {
        "/catalogue".to_string()
    } else {
        format!("/catalogue/{code}")
    };
    Ok(Redirect::to(&back).into_response())
}

/// Marks an item reviewed after a policy change, when no new version was needed.
pub async fn reviewed(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> AppResult<Response> {
    ctx.me.require(Permission::EditCatalogue)?;
    store::resolve_reviews(&st.db, &code, clock::now()).await?;
    Ok(Redirect::to("/catalogue").into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn validation_paths_map_to_form_fields() {
        assert_eq!(super::top_field("materials[2].name"), "materials");
        assert_eq!(super::top_field("promised_days"), "promised_days");
    }
}
