//! Rendering a page with what every page shows: who is signed in, the navigation their role
//! allows, today's date and the CSRF token for forms.

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::error::{AppError, AppResult};
use crate::server::Shared;
use crate::templates;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Html;
use minijinja::{Value, context};
use quanke_app::clock;
use quanke_domain::Permission;
use quanke_store::notifications;
use serde::Serialize;

#[derive(Serialize)]
struct NavItem {
    href: &'static str,
    label: &'static str,
}

/// Navigation entries and the permission each needs (None: everyone signed in).
const NAV: &[(&str, &str, Option<Permission>)] = &[
    ("/", "首页", None),
    ("/desk", "受理台", Some(Permission::UseDesk)),
    ("/cases", "办件", Some(Permission::UseDesk)),
    ("/cases/search", "办件查询", Some(Permission::SearchCases)),
    ("/registry", "居民信息", Some(Permission::ReadRegistry)),
    ("/grid/due", "待走访", Some(Permission::WorkGrid)),
    ("/grid/events", "事件", Some(Permission::ReportEvents)),
    (
        "/grid/coverage",
        "走访覆盖",
        Some(Permission::ViewDashboard),
    ),
    (
        "/cases/reports",
        "办件统计",
        Some(Permission::ViewDashboard),
    ),
    ("/catalogue", "办事指南", Some(Permission::ReadCatalogue)),
    ("/notices", "政策变化", Some(Permission::HandleMatters)),
    ("/admin/orgs", "组织架构", Some(Permission::ManageOrgs)),
    ("/admin/users", "人员账号", Some(Permission::ManageUsers)),
    ("/admin/audit", "安全审计", Some(Permission::ReadAudit)),
    (
        "/admin/calendar",
        "工作日历",
        Some(Permission::EditCalendar),
    ),
];

/// The CSRF token of this request, for forms on pages shown to anyone.
pub struct Csrf(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Csrf {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| Csrf(t.0.clone()))
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("csrf layer missing")))
    }
}

/// A signed-in page: the user, the form token and their unread notifications (the header's
/// badge: one count from the recipient's index per request).
pub struct Ctx {
    pub me: CurrentUser,
    pub csrf: String,
    pub unread: i64,
}

impl FromRequestParts<Shared> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, st: &Shared) -> Result<Self, Self::Rejection> {
        let me = CurrentUser::from_request_parts(parts, st).await?;
        let Csrf(csrf) = Csrf::from_request_parts(parts, st).await?;
        let unread = notifications::unread_count(&st.db, me.user.id).await?;
        Ok(Ctx { me, csrf, unread })
    }
}

impl Ctx {
    pub fn render(&self, template: &str, extra: Value) -> AppResult<Html<String>> {
        let u = &self.me.user;
        let nav: Vec<NavItem> = NAV
            .iter()
            .filter(|(_, _, p)| p.is_none_or(|p| self.me.scope.can(p)))
            .map(|(href, label, _)| NavItem { href, label })
            .collect();
        let ctx = context! {
            me => context! {
                username => &u.username,
                name => &u.display_name,
                role => u.role.label(),
                org => &u.org_name,
            },
            nav,
            csrf => &self.csrf,
            unread => self.unread,
            today => clock::today_label(clock::now()),
            help => crate::guide::links::for_staff(u.role),
            ..extra
        };
        render(template, ctx)
    }
}

/// Renders a page that needs no signed-in user (sign-in form, the portal).
pub fn render_anon(template: &str, ctx: Value) -> AppResult<Html<String>> {
    render(
        template,
        context! { help => crate::guide::links::for_portal(), ..ctx },
    )
}

fn render(template: &str, ctx: Value) -> AppResult<Html<String>> {
    templates::render(template, ctx)
        .map(Html)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("render {template}: {e:#}")))
}
