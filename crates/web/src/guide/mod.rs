//! The user guide (操作手册): one part per role, for the people who work with the product and
//! for residents. Staff parts are at `/help/{part}` (signed in); the residents' part is at
//! `/portal/help`, open to anyone. Every page's header links to the section explaining it
//! (`links`).

mod images;
pub mod links;
mod parts;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::page::{Ctx, render_anon};
use crate::server::Shared;
use axum::Router;
use axum::extract::Path;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use minijinja::{Value, context};
use parts::Part;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/help", get(index))
        .route("/help/img/{file}", get(staff_image))
        .route("/help/{part}", get(staff_part))
        .route("/portal/help", get(resident_part))
        .route("/portal/help/img/{file}", get(resident_image))
}

/// The contents of the whole guide, the reader's own part first.
async fn index(ctx: Ctx) -> AppResult<Html<String>> {
    let own = Part::of(ctx.me.user.role);
    let list: Vec<Value> = std::iter::once(own)
        .chain(Part::ALL.into_iter().filter(|p| *p != own))
        .map(|p| {
            context! {
                title => p.title(),
                href => p.href(),
                own => p == own,
                sections => &p.rendered().sections,
            }
        })
        .collect();
    ctx.render("help_index.html", context! { parts => list })
}

fn part_context(part: Part) -> Value {
    let r = part.rendered();
    context! {
        title => format!("{}操作手册", part.title()),
        part => part.title(),
        sections => &r.sections,
        body => Value::from_safe_string(r.html.clone()),
    }
}

async fn staff_part(ctx: Ctx, Path(slug): Path<String>) -> AppResult<Response> {
    match Part::from_slug(&slug) {
        Some(Part::Resident) => Ok(Redirect::to(&Part::Resident.href()).into_response()),
        Some(part) => Ok(ctx
            .render("help_part.html", part_context(part))?
            .into_response()),
        None => Err(AppError::NotFound),
    }
}

async fn resident_part() -> AppResult<Html<String>> {
    render_anon("portal_help.html", part_context(Part::Resident))
}

/// Staff screenshots are for signed-in staff, like the parts that show them.
async fn staff_image(_me: CurrentUser, Path(file): Path<String>) -> Response {
    images::serve(&file, false)
}

/// Only the screenshots of the residents' part are public.
async fn resident_image(Path(file): Path<String>) -> Response {
    if !Part::Resident.rendered().images.contains(&file) {
        return AppError::NotFound.into_response();
    }
    images::serve(&file, true)
}
