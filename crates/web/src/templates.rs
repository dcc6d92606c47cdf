//! Embedded minijinja templates (HTML auto-escaped) and the filters they use.

use minijinja::{Environment, UndefinedBehavior, Value};
use std::sync::LazyLock;

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),*]
    };
}

const TEMPLATES: &[(&str, &str)] = embedded![
    "base.html",
    "error.html",
    "grid_visit_form.html",
    "_offline.html",
    "_grid_tasks.html",
    "grid_subject.html",
    "grid_due.html",
    "grid_coverage.html",
    "grid_rules.html",
    "grid_event_form.html",
    "grid_events.html",
    "_grid_events.html",
    "grid_event.html",
    "grid_inspection_form.html",
    "grid_inspection.html",
    "grid_handover.html",
    "login.html",
    "password.html",
    "home_desk.html",
    "desk.html",
    "desk_intake.html",
    "case.html",
    "cases_queue.html",
    "cases_search.html",
    "case_print.html",
    "_result_fields.html",
    "_remedies.html",
    "home_queue.html",
    "home_grid.html",
    "home_head.html",
    "home_admin.html",
    "notifications.html",
    "home_street.html",
    "_home_cases.html",
    "_overview.html",
    "_staff.html",
    "admin_orgs.html",
    "admin_users.html",
    "admin_user.html",
    "admin_user_created.html",
    "admin_audit.html",
    "admin_calendar.html",
    "admin_open311.html",
    "_guide.html",
    "_catalogue_rows.html",
    "catalogue_list.html",
    "catalogue_item.html",
    "catalogue_history.html",
    "catalogue_diff.html",
    "catalogue_edit.html",
    "catalogue_draft.html",
    "catalogue_import.html",
    "catalogue_notices.html",
    "catalogue_ack_status.html",
    "catalogue_spoken.html",
    "policies.html",
    "policy.html",
    "portal_base.html",
    "_portal_search.html",
    "_portal_ask.html",
    "portal_home.html",
    "portal_results.html",
    "portal_item.html",
    "portal_checklist.html",
    "portal_apply.html",
    "portal_applied.html",
    "portal_track.html",
    "portal_report.html",
    "portal_event.html",
    "portal_case.html",
    "case_reports.html",
    "registry_search.html",
    "registry_person.html",
    "registry_import.html",
    "registry_job.html",
    "registry_mappings.html",
    "registry_export.html",
    "registry_retention.html",
    "registry_businesses.html",
    "_help_part.html",
    "help_index.html",
    "help_part.html",
    "portal_help.html",
];

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // Optional context (a re-shown form, an error) may be absent; `form.code` then renders empty.
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    for (name, src) in TEMPLATES {
        // Templates are compiled into the binary; a syntax error is a build defect the
        // template test catches, so failing loudly at first use is right.
        env.add_template(name, src)
            .unwrap_or_else(|e| panic!("template {name}: {e}"));
    }
    env.add_global("asset_v", crate::assets::fingerprint());
    env.add_filter("datetime", |ts: i64| quanke_app::clock::format(ts));
    env.add_filter("zh", |code: String| crate::catalogue::labels::zh(&code));
    env.add_filter("cn_date", |day: Option<String>| {
        day.map(|d| quanke_app::clock::chinese_date(&d))
            .unwrap_or_default()
    });
    env
});

pub fn render(name: &str, ctx: Value) -> Result<String, minijinja::Error> {
    ENV.get_template(name)?.render(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles() {
        for (name, _) in TEMPLATES {
            assert!(ENV.get_template(name).is_ok(), "{name}");
        }
    }

    /// The Content-Security-Policy allows no inline code: scripts and styles come from
    /// `/assets`, print buttons are `data-print`.
    #[test]
    fn no_template_holds_inline_code() {
        let inline = ["<script>", "<style", "style=", "javascript:"];
        for (name, text) in TEMPLATES {
            let lower = text.to_lowercase();
            for p in inline {
                assert!(!lower.contains(p), "{name} holds {p}");
            }
            // Event handler attributes: onclick=, onchange=, onsubmit=, ...
            let handler = lower.split(" on").skip(1).find(|rest| {
                let word: String = rest.chars().take_while(char::is_ascii_lowercase).collect();
                !word.is_empty() && rest[word.len()..].starts_with('=')
            });
            assert!(
                handler.is_none(),
                "{name} holds an event handler: on{handler:?}"
            );
        }
    }

    #[test]
    fn output_is_escaped() {
        let html = render(
            "error.html",
            minijinja::context! { status => 400, title => "t", message => "<script>" },
        )
        .unwrap();
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
    }
}
