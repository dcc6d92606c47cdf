//! `/cases/reports`: 最多跑一次 (visits per case) and 好差评 (ratings) for community heads and
//! street admins, over the cases of their part of the tree created in a period (this month
//! unless chosen). Plain HTML tables, so the page prints and copies into a spreadsheet.

use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::{Query, State};
use axum::response::Html;
use minijinja::{Value, context};
use quanke_app::cases::deadline::{format_day, parse_day};
use quanke_app::clock;
use quanke_domain::Permission;
use quanke_store::case_reports::{self, Range, RatingRow, VisitRow};
use quanke_store::orgs;
use serde::Deserialize;
use std::collections::HashMap;
use time::{Date, Duration, UtcOffset};

/// The longest period one page covers.
const MAX_DAYS: i64 = 366 * 3;

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

pub async fn page(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<ReportQuery>,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ViewDashboard)?;
    let today = parse_day(&clock::today()).unwrap_or(Date::MIN);
    let (from, to, error) = period(&q, today);
    let within = ctx.me.scope.org.as_str();
    let range = Range {
        within,
        from: beijing_midnight(from),
        until: beijing_midnight(to.next_day().unwrap_or(to)),
    };
    let snap = st.catalogue.get(&st.db).await?;
    let item_name = |code: &str| {
        snap.get(code)
            .map_or_else(|| code.to_string(), |c| c.item.name.clone())
    };
    let places: HashMap<String, String> = orgs::subtree(&st.db, &ctx.me.scope.org)
        .await?
        .into_iter()
        .map(|o| (o.path.as_str().to_string(), o.name))
        .collect();
    let place_name = |path: &str| places.get(path).cloned().unwrap_or_else(|| path.into());

    let visit_items = case_reports::visits_by_item(&st.db, &range).await?;
    let visit_places = case_reports::visits_by_community(&st.db, &range).await?;
    let rating_items = case_reports::ratings_by_item(&st.db, &range).await?;
    let rating_workers = case_reports::ratings_by_worker(&st.db, &range).await?;
    let rating_places = case_reports::ratings_by_community(&st.db, &range).await?;

    let data = context! {
        from => format_day(from),
        to => format_day(to),
        error,
        visits_by_item => visit_rows(&visit_items, item_name),
        visits_by_community => visit_rows(&visit_places, place_name),
        visits_total => visit_row("合计", &total_visits(&visit_places)),
        ratings_by_item => rating_rows(&rating_items, item_name),
        ratings_by_worker => rating_rows(&rating_workers, |_| String::new()),
        ratings_by_community => rating_rows(&rating_places, place_name),
        ratings_total => rating_row("合计".into(), &total_ratings(&rating_places)),
    };
    ctx.render("case_reports.html", data)
}

/// The period asked for, or this month so far; a message when the asked one was unusable.
fn period(q: &ReportQuery, today: Date) -> (Date, Date, Option<String>) {
    let month_start = today.replace_day(1).unwrap_or(today);
    fn given(s: &Option<String>) -> Option<&str> {
        s.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    let (from_text, to_text) = (given(&q.from), given(&q.to));
    let from = from_text.map(parse_day);
    let to = to_text.map(parse_day);
    match (from, to) {
        (Some(None), _) | (_, Some(None)) => (
            month_start,
            today,
            Some("日期格式应为 年-月-日，如 2026-11-01；已改为显示本月".into()),
        ),
        (from, to) => {
            let from = from.flatten().unwrap_or(month_start);
            let to = to.flatten().unwrap_or(today);
            if from > to {
                (
                    month_start,
                    today,
                    Some("开始日期晚于结束日期；已改为显示本月".into()),
                )
            } else if (to - from).whole_days() > MAX_DAYS {
                (
                    to - Duration::days(MAX_DAYS),
                    to,
                    Some("统计区间最长三年；已从结束日期往前截取".into()),
                )
            } else {
                (from, to, None)
            }
        }
    }
}

/// Unix seconds of 00:00 Beijing time on `day`.
fn beijing_midnight(day: Date) -> i64 {
    let beijing = UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC);
    day.midnight().assume_offset(beijing).unix_timestamp()
}

fn percent(part: f64) -> String {
    format!("{:.1}%", part * 100.0)
}

fn visit_row(name: &str, r: &VisitRow) -> Value {
    context! {
        name,
        cases => r.cases,
        visits => r.visits,
        average => format!("{:.2}", r.average()),
        at_most_one => r.at_most_one,
        share => percent(r.share_at_most_one()),
        zero => r.zero,
    }
}

fn visit_rows(rows: &[VisitRow], name: impl Fn(&str) -> String) -> Vec<Value> {
    rows.iter().map(|r| visit_row(&name(&r.key), r)).collect()
}

fn total_visits(rows: &[VisitRow]) -> VisitRow {
    rows.iter().fold(
        VisitRow {
            key: String::new(),
            cases: 0,
            visits: 0,
            at_most_one: 0,
            zero: 0,
        },
        |t, r| VisitRow {
            key: String::new(),
            cases: t.cases + r.cases,
            visits: t.visits + r.visits,
            at_most_one: t.at_most_one + r.at_most_one,
            zero: t.zero + r.zero,
        },
    )
}

fn rating_row(name: String, r: &RatingRow) -> Value {
    let good = r.count - r.bad;
    context! {
        name,
        count => r.count,
        average => format!("{:.2}", r.average()),
        bad => r.bad,
        bad_share => percent(if r.count == 0 { 0.0 } else { r.bad as f64 / r.count as f64 }),
        good,
    }
}

/// Rows named by `name(key)`, or by the worker's name the store joined in.
fn rating_rows(rows: &[RatingRow], name: impl Fn(&str) -> String) -> Vec<Value> {
    rows.iter()
        .map(|r| {
            let label = if !r.name.is_empty() {
                r.name.clone()
            } else if r.key.is_empty() {
                "（未分派）".into()
            } else {
                name(&r.key)
            };
            rating_row(label, r)
        })
        .collect()
}

fn total_ratings(rows: &[RatingRow]) -> RatingRow {
    rows.iter().fold(
        RatingRow {
            key: String::new(),
            name: String::new(),
            count: 0,
            total: 0,
            bad: 0,
        },
        |t, r| RatingRow {
            count: t.count + r.count,
            total: t.total + r.total,
            bad: t.bad + r.bad,
            ..t
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn q(from: &str, to: &str) -> ReportQuery {
        ReportQuery {
            from: Some(from.into()),
            to: Some(to.into()),
        }
    }

    #[test]
    fn the_period_defaults_to_this_month() {
        let today = date!(2026 - 11 - 28);
        let (from, to, error) = period(&ReportQuery::default(), today);
        assert_eq!((from, to, error), (date!(2026 - 11 - 01), today, None));
        let (from, to, error) = period(&q("2026-10-01", "2026-10-31"), today);
        assert_eq!((from, to), (date!(2026 - 10 - 01), date!(2026 - 10 - 31)));
        assert!(error.is_none());
        let (from, _, error) = period(&q("2026-13-01", ""), today);
        assert_eq!(from, date!(2026 - 11 - 01));
        assert!(error.is_some());
        let (_, _, error) = period(&q("2026-11-20", "2026-11-01"), today);
        assert!(error.is_some());
    }

    #[test]
    fn days_start_at_beijing_midnight() {
        // 2026-11-28 00:00 +08:00 is 2026-11-27 16:00 UTC.
        assert_eq!(beijing_midnight(date!(2026 - 11 - 28)), 1_795_795_200);
        assert_eq!(percent(0.755), "75.5%");
    }
}
