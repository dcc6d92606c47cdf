//! Businesses and organisations in the grids (门店、企业、社会组织): a list within the viewer's
//! part of the org tree, and registration by credit code, so that grid workers record the shops
//! they visit and heads keep the community's list.

use super::paging::{PageAt, Paging};
use super::places::Places;
use crate::audit::{self, Event};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Html;
use minijinja::context;
use quanke_app::clock;
use quanke_domain::ident::{credit_code, phone};
use quanke_domain::mask::Show;
use quanke_domain::{OrgKind, Permission};
use quanke_store::orgs;
use quanke_store::registry::{NewBusiness, businesses, register_business};
use serde::{Deserialize, Serialize};

/// Businesses per page.
const LISTED: i64 = 50;
/// The answer for a credit code that cannot be registered in the registrar's area.
const NOT_REGISTRABLE: &str = "这个统一社会信用代码不能在本辖区登记。请核对代码；\
                               如单位已从其他辖区迁入，请联系街道办理转移。";
const FIRE_CATEGORIES: [&str; 3] = ["一般单位", "重点单位", "九小场所"];

#[derive(Serialize)]
struct Row {
    id: i64,
    name: String,
    credit_code: String,
    kind: String,
    address: String,
    contact_name: String,
    contact_phone: String,
    fire_category: String,
    grid: String,
}

#[derive(Default, Deserialize)]
pub struct BusinessForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    credit_code: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    fire_category: String,
    #[serde(default)]
    grid: String,
}

/// Who may register: heads and importers for their subtree, grid workers for their grid.
fn may_register(ctx: &Ctx) -> bool {
    ctx.me.scope.can(Permission::ImportRegistry) || ctx.me.scope.can(Permission::WorkGrid)
}

pub async fn page(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(at): Query<Paging>,
) -> AppResult<Html<String>> {
    render(&st, &ctx, None, &at).await
}

pub async fn register(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(f): Form<BusinessForm>,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ReadRegistry)?;
    if !may_register(&ctx) {
        return Err(AppError::Forbidden);
    }
    let grid = grid_in_scope(&st, &ctx, &f.grid).await?;
    let code =
        credit_code::parse(&f.credit_code).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let name = f.name.trim();
    if name.is_empty() {
        return Err(AppError::BadRequest("请填写单位名称".into()));
    }
    let contact_phone = match f.contact_phone.trim() {
        "" => String::new(),
        typed => phone::parse(typed)
            .map_err(|e| AppError::BadRequest(format!("联系电话：{e}")))?
            .as_str()
            .to_string(),
    };
    let category = f.fire_category.trim();
    if !FIRE_CATEGORIES.contains(&category) {
        return Err(AppError::BadRequest("请选择消防类别".into()));
    }
    let b = NewBusiness {
        credit_code: code.as_str(),
        name,
        kind: f.kind.trim(),
        address: f.address.trim(),
        contact_name: f.contact_name.trim(),
        contact_phone: &contact_phone,
        fire_category: category,
        org_path: grid.path.as_str(),
    };
    // A code held outside the registrar's area gets the same answer whatever the reason, so the
    // form cannot be used to learn which businesses the rest of the street has registered.
    if register_business(&st.db, &b, &ctx.me.scope.org, clock::now())
        .await?
        .is_none()
    {
        return Err(AppError::BadRequest(NOT_REGISTRABLE.into()));
    }
    let ev = Event {
        action: "registry_business_saved",
        target: &format!("business:{}", code.as_str()),
        detail: name,
        ip: &ip,
        org_path: &grid.path,
    };
    audit::by_user(&st, &ctx.me, ev).await?;
    render(
        &st,
        &ctx,
        Some(format!("已登记：{name}")),
        &Paging::default(),
    )
    .await
}

/// The grid a business is registered in, by code; only grids the registrar covers.
async fn grid_in_scope(st: &Shared, ctx: &Ctx, code: &str) -> AppResult<orgs::Org> {
    let grid = orgs::by_code(&st.db, code.trim())
        .await
        .map_err(|_| AppError::BadRequest("请选择所在网格".into()))?;
    if grid.kind != OrgKind::Grid || !ctx.me.scope.covers(&grid.path) {
        return Err(AppError::BadRequest(
            "只能登记到本人负责范围内的网格".into(),
        ));
    }
    Ok(grid)
}

async fn render(
    st: &Shared,
    ctx: &Ctx,
    saved: Option<String>,
    at: &Paging,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ReadRegistry)?;
    let PageAt { after, number } = at.read()?;
    let scope = &ctx.me.scope.org;
    let places = Places::within(&st.db, scope).await?;
    let mut listed = businesses(&st.db, scope, after, LISTED + 1).await?;
    let more = listed.len() > usize::try_from(LISTED).unwrap_or(0);
    listed.truncate(usize::try_from(LISTED).unwrap_or(0));
    let next = more.then(|| listed.last().map(|b| b.id)).flatten();
    let rows: Vec<Row> = listed
        .into_iter()
        .map(|b| Row {
            id: b.id,
            grid: places.name(b.org_path.as_str()),
            contact_phone: Show::Masked.phone(&b.contact_phone),
            name: b.name,
            credit_code: b.credit_code,
            kind: b.kind,
            address: b.address,
            contact_name: b.contact_name,
            fire_category: b.fire_category,
        })
        .collect();
    let grids: Vec<(String, String)> = orgs::subtree(&st.db, scope)
        .await?
        .into_iter()
        .filter(|o| o.kind == OrgKind::Grid)
        .map(|o| (o.code, o.name))
        .collect();
    ctx.render(
        "registry_businesses.html",
        context! {
            rows,
            grids,
            categories => FIRE_CATEGORIES,
            may_register => may_register(ctx),
            saved,
            next,
            page => number,
        },
    )
}
