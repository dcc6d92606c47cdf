//! Editing the catalogue: heads and street admins keep one draft per item; a street admin
//! publishes it as the next version. Drafts are invisible to residents.

use super::form::{FormProblem, ItemForm};
use super::pages::parse;
use super::rows::{
    FaqRow, HOLDS, MaterialRow, OptionRow, QuestionRow, Rows, answer_value, code_of, row_message,
    row_of,
};
use crate::audit::{self, Event};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use quanke_app::clock;
use quanke_domain::Permission;
use quanke_domain::catalogue::{BusinessKind, Datatype, MaterialForm, diff, may_edit, validate};
use quanke_store::catalogue::{self as store, Draft, NewVersion};
use quanke_store::changes::Topic;

/// The change note a new item starts with.
const FIRST_NOTE: &str = "首次发布";

fn editor_page(
    ctx: &Ctx,
    form: &ItemForm,
    new: bool,
    problems: &[FormProblem],
) -> AppResult<Html<String>> {
    let problems: Vec<Value> = problems.iter().map(problem).collect();
    let mut shown = form.clone();
    shown.rows = with_blank_rows(&form.rows);
    let data = context! {
        form => shown, new, problems,
        choices => choices(&form.rows.questions),
        material_forms => MaterialForm::ALL.map(|f| context! { code => code_of(f), label => f.label() }),
        kinds => BusinessKind::ALL.map(|k| context! { code => code_of(k), label => k.label() }),
        datatypes => Datatype::ALL.map(|d| context! { code => code_of(d), label => d.label() }),
        holds => HOLDS.map(|(code, label)| context! { code, label }),
        hold_codes => HOLDS.map(|(code, _)| code),
    };
    ctx.render("catalogue_edit.html", data)
}

/// A problem as the page lists it: where it points, what it is called there, what is wrong.
fn problem(p: &FormProblem) -> Value {
    match row_of(&p.path) {
        Some((anchor, label)) => {
            context! { anchor, label, message => row_message(&p.path, &p.message) }
        }
        None => {
            let field = top_field(&p.path);
            context! { anchor => format!("f-{field}"), label => super::fields::label(field), message => &p.message }
        }
    }
}

/// The rows as shown: each list, and each question's options, end with a blank row to fill.
fn with_blank_rows(rows: &Rows) -> Rows {
    let mut shown = rows.clone();
    shown.materials.push(MaterialRow::blank());
    shown.questions.push(QuestionRow::blank());
    for q in &mut shown.questions {
        q.options.push(OptionRow::default());
    }
    shown.faqs.push(FaqRow::default());
    shown
}

/// The answers a material's applicability is chosen from: the options of the item's choice
/// questions that already have ids (a question added just now is listed once saved).
fn choices(questions: &[QuestionRow]) -> Vec<Value> {
    questions
        .iter()
        .filter(|q| !q.id.is_empty())
        .filter(|q| {
            serde_json::from_value::<Datatype>(q.datatype.as_str().into())
                .is_ok_and(Datatype::has_options)
        })
        .map(|q| {
            let answers: Vec<Value> = q
                .options
                .iter()
                .filter(|o| !o.key.is_empty())
                .map(|o| context! { value => answer_value(&q.id, &o.key), label => &o.label })
                .collect();
            context! { text => &q.text, answers }
        })
        .collect()
}

/// Refuses, as "not found", an item this editor may not change (another street's or another
/// community's); the caller has already checked the permission to edit at all.
pub(super) async fn editable(st: &Shared, ctx: &Ctx, code: &str) -> AppResult<()> {
    let owner = store::owner(&st.db, code).await?;
    if may_edit(&ctx.me.scope, owner.as_ref()) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
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
    editable(&st, &ctx, &code).await?;
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
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    ctx.me.require(Permission::EditCatalogue)?;
    let form = ItemForm::posted(&pairs);
    editable(&st, &ctx, form.code.trim()).await?;
    let mut problems = Vec::new();
    if !is_date(&form.effective_from) {
        problems.push(FormProblem::new("effective_from", "日期应为 YYYY-MM-DD"));
    }
    if form.change_note.trim().is_empty() {
        problems.push(FormProblem::new("change_note", "请说明改了什么、为什么改"));
    }
    let item = match form.to_item() {
        Ok(item) => Some(item),
        Err(p) => {
            problems.extend(p);
            None
        }
    };
    if let Some(item) = &item {
        problems.extend(
            validate(item)
                .into_iter()
                .map(|p| FormProblem::new(p.field, p.message)),
        );
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
        body: quanke_app::catalogue::transfer::body(&item)?,
        updated_by: ctx.me.user.username.clone(),
        updated_at: clock::now(),
    };
    store::save_draft(&st.db, &draft, &ctx.me.user.org_path).await?;
    let ev = Event {
        action: "catalogue_draft",
        target: &item.code,
        detail: &item.name,
        ip: &ip,
        org_path: &ctx.me.user.org_path,
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
    editable(&st, &ctx, &code).await?;
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
    editable(&st, &ctx, &code).await?;
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
    crate::changes::made(&st, Topic::Catalogue).await;
    let detail = format!(
        "第 {} 版，{} 起施行",
        published.version, published.effective_from
    );
    let ev = Event {
        action: "catalogue_published",
        target: &code,
        detail: &detail,
        ip: &ip,
        org_path: &ctx.me.user.org_path,
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
    editable(&st, &ctx, &code).await?;
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
    editable(&st, &ctx, &code).await?;
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
