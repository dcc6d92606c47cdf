//! The 帮助 link in every page's header: which section of the guide explains the page the person
//! is on. The one table of pages and sections is `PAGES`; a page missing from it opens the top of
//! the person's part, and a test walks every role's pages to keep the table complete.

use super::parts::Part;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use quanke_domain::Role;

/// Route pattern (as the router declares it), the part that explains it, the section there.
/// A page that several roles use is listed once per part that explains it; a person whose own
/// part does not cover a page goes to the first part that does.
const PAGES: &[(&str, Part, &str)] = &[
    // 前台
    ("/", Part::Desk, "start"),
    ("/password", Part::Desk, "start"),
    ("/desk", Part::Desk, "find"),
    ("/desk/intake", Part::Desk, "intake"),
    ("/desk/cases", Part::Desk, "intake"),
    ("/cases/{id}/print/{kind}", Part::Desk, "print"),
    ("/cases/{id}/documents/{doc}", Part::Desk, "print"),
    ("/cases/{id}", Part::Desk, "case"),
    ("/cases", Part::Desk, "cases"),
    ("/cases/search", Part::Desk, "cases"),
    ("/registry", Part::Desk, "registry"),
    ("/registry/people/{id}", Part::Desk, "registry"),
    ("/catalogue", Part::Desk, "catalogue"),
    ("/catalogue/{code}", Part::Desk, "catalogue"),
    ("/catalogue/{code}/history", Part::Desk, "catalogue"),
    ("/catalogue/{code}/diff", Part::Desk, "catalogue"),
    ("/policies", Part::Desk, "catalogue"),
    ("/policies/{number}", Part::Desk, "catalogue"),
    ("/notices", Part::Desk, "notices"),
    ("/notifications", Part::Desk, "notices"),
    // 后台
    ("/", Part::BackOffice, "start"),
    ("/password", Part::BackOffice, "start"),
    ("/cases", Part::BackOffice, "queues"),
    ("/cases/search", Part::BackOffice, "queues"),
    ("/cases/{id}", Part::BackOffice, "handle"),
    ("/cases/{id}/print/{kind}", Part::BackOffice, "documents"),
    ("/cases/{id}/documents/{doc}", Part::BackOffice, "documents"),
    ("/registry", Part::BackOffice, "registry"),
    ("/registry/people/{id}", Part::BackOffice, "registry"),
    ("/catalogue", Part::BackOffice, "catalogue"),
    ("/catalogue/{code}", Part::BackOffice, "catalogue"),
    ("/notices", Part::BackOffice, "catalogue"),
    ("/notifications", Part::BackOffice, "start"),
    // 网格员
    ("/", Part::Grid, "start"),
    ("/password", Part::Grid, "start"),
    ("/registry", Part::Grid, "residents"),
    ("/registry/people/{id}", Part::Grid, "residents"),
    ("/registry/businesses", Part::Grid, "businesses"),
    ("/catalogue", Part::Grid, "consult"),
    ("/catalogue/{code}", Part::Grid, "consult"),
    ("/notices", Part::Grid, "consult"),
    ("/cases/search", Part::Grid, "cases"),
    ("/notifications", Part::Grid, "start"),
    // 社区负责人
    ("/", Part::Head, "start"),
    ("/password", Part::Head, "start"),
    ("/cases", Part::Head, "assign"),
    ("/cases/search", Part::Head, "assign"),
    ("/cases/{id}", Part::Head, "approve"),
    ("/cases/reports", Part::Head, "reports"),
    ("/notices", Part::Head, "notices"),
    ("/notices/status", Part::Head, "notices"),
    ("/notifications", Part::Head, "start"),
    ("/catalogue", Part::Head, "catalogue"),
    ("/catalogue/{code}", Part::Head, "catalogue"),
    ("/catalogue/new", Part::Head, "catalogue"),
    ("/catalogue/drafts", Part::Head, "catalogue"),
    ("/catalogue/{code}/edit", Part::Head, "catalogue"),
    ("/catalogue/{code}/draft", Part::Head, "catalogue"),
    ("/registry", Part::Head, "registry"),
    ("/registry/people/{id}", Part::Head, "registry"),
    ("/registry/import", Part::Head, "registry"),
    ("/registry/import/{job}", Part::Head, "registry"),
    ("/registry/mappings", Part::Head, "registry"),
    ("/registry/export", Part::Head, "registry"),
    ("/registry/businesses", Part::Head, "registry"),
    ("/admin/users", Part::Head, "staff"),
    ("/admin/users/{id}", Part::Head, "staff"),
    ("/admin/orgs", Part::Head, "staff"),
    ("/admin/audit", Part::Head, "audit"),
    // 街道管理员 (and the system administrator)
    ("/", Part::Street, "start"),
    ("/password", Part::Street, "start"),
    ("/admin/orgs", Part::Street, "orgs"),
    ("/admin/users", Part::Street, "users"),
    ("/admin/users/{id}", Part::Street, "users"),
    ("/admin/audit", Part::Street, "audit"),
    ("/admin/calendar", Part::Street, "calendar"),
    ("/admin/open311", Part::Street, "partners"),
    ("/catalogue", Part::Street, "publish"),
    ("/catalogue/{code}", Part::Street, "publish"),
    ("/catalogue/new", Part::Street, "publish"),
    ("/catalogue/drafts", Part::Street, "publish"),
    ("/catalogue/{code}/edit", Part::Street, "publish"),
    ("/catalogue/{code}/draft", Part::Street, "publish"),
    ("/catalogue/{code}/history", Part::Street, "publish"),
    ("/catalogue/import", Part::Street, "publish"),
    ("/policies", Part::Street, "publish"),
    ("/cases/reports", Part::Street, "reports"),
    ("/cases/search", Part::Street, "reports"),
    ("/registry", Part::Street, "registry"),
    ("/registry/import", Part::Street, "registry"),
    ("/registry/import/{job}", Part::Street, "registry"),
    ("/registry/mappings", Part::Street, "registry"),
    ("/registry/export", Part::Street, "registry"),
    ("/registry/retention", Part::Street, "registry"),
    // 居民
    ("/portal", Part::Resident, "find"),
    ("/portal/search", Part::Resident, "find"),
    ("/portal/items/{code}", Part::Resident, "guide"),
    (
        "/portal/items/{code}/checklist",
        Part::Resident,
        "checklist",
    ),
    ("/portal/items/{code}/apply", Part::Resident, "apply"),
    ("/portal/track", Part::Resident, "track"),
    ("/portal/track/rating", Part::Resident, "track"),
];

tokio::task_local! {
    /// The route pattern of the request being answered, for the pages it renders.
    static ROUTE: Option<String>;
}

/// Remembers the route pattern while the request is answered, so that every page rendered for
/// it can link to its section without each handler passing the route along.
pub async fn remember_route(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    ROUTE.scope(route, next.run(req)).await
}

fn current_route() -> Option<String> {
    ROUTE.try_with(Clone::clone).ok().flatten()
}

/// The section explaining `route` for a reader of `part`: theirs if it has one, else the first.
fn section(part: Part, route: &str) -> Option<(Part, &'static str)> {
    let rows = || PAGES.iter().filter(|(r, _, _)| *r == route);
    rows()
        .find(|(_, p, _)| *p == part)
        .or_else(|| rows().next())
        .map(|(_, p, id)| (*p, *id))
}

fn href(part: Part, route: Option<&str>) -> String {
    match route.and_then(|r| section(part, r)) {
        Some((p, id)) => format!("{}#{id}", p.href()),
        None => part.href(),
    }
}

/// The 帮助 link of a staff page, for a person of `role`.
pub fn for_staff(role: Role) -> String {
    href(Part::of(role), current_route().as_deref())
}

/// The 帮助 link of a portal page.
pub fn for_portal() -> String {
    href(Part::Resident, current_route().as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_section_exists() {
        for (route, part, id) in PAGES {
            assert!(
                part.rendered().has_section(id),
                "{route} → {}#{id}: no such section",
                part.slug()
            );
        }
    }

    #[test]
    fn a_reader_goes_to_their_own_part_first() {
        assert_eq!(
            href(Part::BackOffice, Some("/cases/{id}")),
            "/help/back-office#handle"
        );
        assert_eq!(href(Part::Head, Some("/cases/{id}")), "/help/head#approve");
        // The head at the desk: the desk's part explains it.
        assert_eq!(href(Part::Head, Some("/desk/intake")), "/help/desk#intake");
        assert_eq!(href(Part::Grid, Some("/no/such/page")), "/help/grid");
        assert_eq!(
            href(Part::Resident, Some("/portal/track")),
            "/portal/help#track"
        );
    }
}
