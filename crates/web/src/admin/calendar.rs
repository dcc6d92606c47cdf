//! The working-day calendar editor: the text in force (the shipped one until an admin first
//! saves), a summary per year, a trial deadline counted on the calendar in force, and who saved
//! which version when. A text is saved only when it parses; otherwise every problem is shown
//! with its line number and the typed text is kept, and nothing is written.

use quanke_store::changes::Topic;
use std::collections::BTreeSet;

use crate::audit::{self, Event};
use crate::auth::ClientIp;
use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use quanke_app::cases::deadline::{format_day, parse_day};
use quanke_app::clock;
use quanke_domain::calendar::{CalendarFileError, DayKind, WorkCalendar, weekday_name};
use quanke_domain::{OrgPath, Permission};
use quanke_store::{StoreError, calendar, users};
use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// The shipped arrangement, in force until an admin saves an edited text.
const SHIPPED: &str = include_str!("../../../domain/data/holidays.txt");

/// The audit action of a save; the save history is read back from the audit log.
pub const ACTION: &str = "calendar_saved";

/// Problems listed at most; a text pasted in the wrong format would otherwise list every line.
const MAX_PROBLEMS: usize = 100;
const HISTORY: i64 = 50;
const MAX_TRIAL_DAYS: u32 = 365;
const DEFAULT_TRIAL_DAYS: u32 = 5;

#[derive(Deserialize)]
pub struct CalendarQuery {
    /// Set after a save: the version just saved.
    saved: Option<i64>,
    /// Trial deadline: the day of acceptance and the working days promised.
    from: Option<String>,
    days: Option<String>,
}

#[derive(Deserialize)]
pub struct CalendarForm {
    body: String,
}

#[derive(Serialize)]
struct Problem {
    line: usize,
    content: String,
    message: String,
}

#[derive(Serialize)]
struct YearRow {
    year: i32,
    /// A `year` line declares the official arrangement complete.
    complete: bool,
    source: String,
    off: usize,
    work: usize,
}

#[derive(Serialize)]
struct Saved {
    at: i64,
    actor: String,
    detail: String,
}

#[derive(Serialize)]
struct Trial {
    from: String,
    days: String,
    due: Option<String>,
    due_weekday: &'static str,
    /// The count ran through a year with no arrangement loaded.
    uncovered: Vec<i32>,
    error: Option<String>,
}

/// What the editor shows besides the text: its problems, or the notice of a save.
struct Editing {
    text: String,
    problems: Vec<Problem>,
    /// A problem of the whole text rather than of a line.
    general: Option<String>,
    saved: Option<i64>,
}

pub async fn show(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<CalendarQuery>,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::EditCalendar)?;
    let text = in_force(&st).await?.0;
    let editing = Editing {
        text,
        problems: Vec::new(),
        general: None,
        saved: q.saved,
    };
    page(&st, &ctx, editing, &q).await
}

pub async fn save(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(f): Form<CalendarForm>,
) -> AppResult<Response> {
    ctx.me.require(Permission::EditCalendar)?;
    // Browsers send a textarea with CRLF line ends; keep the text as it would be typed in a file.
    let text = f.body.replace("\r\n", "\n");
    let checked = check(&text);
    let calendar = match checked {
        Ok(calendar) => calendar,
        Err((problems, general)) => {
            let editing = Editing {
                text,
                problems,
                general,
                saved: None,
            };
            let q = CalendarQuery {
                saved: None,
                from: None,
                days: None,
            };
            return Ok(page(&st, &ctx, editing, &q).await?.into_response());
        }
    };
    let id = calendar::save(&st.db, &text, Some(ctx.me.user.id), clock::now()).await?;
    // Deadlines computed from now on use the new text.
    crate::changes::made(&st, Topic::Calendar).await;
    let years = summary(&calendar, &text);
    let detail = format!("第 {id} 版：{}", describe(&years));
    let ev = Event {
        action: ACTION,
        target: "工作日历",
        detail: &detail,
        ip: &ip,
        org_path: &ctx.me.scope.org,
    };
    audit::by_user(&st, &ctx.me, ev).await?;
    Ok(Redirect::to(&format!("/admin/calendar?saved={id}")).into_response())
}

/// The text in force and the saved version it comes from (None: the shipped text).
async fn in_force(st: &Shared) -> AppResult<(String, Option<calendar::CalendarVersion>)> {
    Ok(match calendar::current(&st.db).await? {
        Some(v) => (v.body.clone(), Some(v)),
        None => (SHIPPED.to_string(), None),
    })
}

async fn page(
    st: &Shared,
    ctx: &Ctx,
    editing: Editing,
    q: &CalendarQuery,
) -> AppResult<Html<String>> {
    let (force_text, version) = in_force(st).await?;
    // The calendar deadlines are counted on right now: the cached one the cases use.
    let (years, force_error, calendar) = match st.calendar.get(&st.db).await {
        Ok(c) => (summary(&c, &force_text), None, Some(c)),
        Err(e) => (Vec::new(), Some(format!("{e:#}")), None),
    };
    let version = match version {
        Some(v) => {
            let by = match v.saved_by {
                Some(id) => match users::by_id(&st.db, id).await {
                    Ok(u) => u.display_name,
                    Err(StoreError::NotFound) => "（账号已删除）".to_string(),
                    Err(e) => return Err(e.into()),
                },
                None => "系统".to_string(),
            };
            Some(context! { id => v.id, by, at => v.saved_at })
        }
        None => None,
    };
    let this_year: i32 = clock::today()
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(2026);
    let missing: Vec<i32> = match &calendar {
        Some(c) => [this_year, this_year + 1]
            .into_iter()
            .filter(|y| !c.covers(*y))
            .collect(),
        None => Vec::new(),
    };
    let trial = calendar.as_deref().map(|c| trial(c, q));
    let history = history(st).await?;
    let problem_count = editing.problems.len();
    ctx.render(
        "admin_calendar.html",
        context! {
            text => editing.text,
            problems => editing.problems,
            problem_count,
            more_problems => problem_count >= MAX_PROBLEMS,
            general => editing.general,
            saved => editing.saved,
            version,
            years,
            force_error,
            this_year,
            missing,
            trial,
            history,
        },
    )
}

/// The calendar, or every problem of the text: each with its line, in line order.
fn check(text: &str) -> Result<WorkCalendar, (Vec<Problem>, Option<String>)> {
    match WorkCalendar::parse(text) {
        Ok(_) if entries(text) == 0 => {
            let general = "内容为空：保存后所有年份都只按周末计算，节假日和调休都不再生效。\
                           如需修改，请在现有内容上编辑。"
                .to_string();
            Err((Vec::new(), Some(general)))
        }
        Ok(calendar) => Ok(calendar),
        Err(_) => {
            let lines: Vec<&str> = text.lines().collect();
            let problems = all_problems(text)
                .into_iter()
                .map(|e| Problem {
                    line: e.line,
                    content: lines
                        .get(e.line.wrapping_sub(1))
                        .map(|l| l.trim().to_string())
                        .unwrap_or_default(),
                    message: e.problem.to_string(),
                })
                .collect();
            Err((problems, None))
        }
    }
}

/// The parser stops at the first bad line. To report them all, each bad line is blanked (so
/// the numbering stays) and the text parsed again, until it parses. Blanking a later line never
/// makes an earlier one wrong, so the problems come out in line order.
fn all_problems(text: &str) -> Vec<CalendarFileError> {
    let mut lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    while found.len() < MAX_PROBLEMS {
        let Err(e) = WorkCalendar::parse(&lines.join("\n")) else {
            break;
        };
        match lines.get_mut(e.line.wrapping_sub(1)) {
            Some(line) if !line.trim().is_empty() => *line = "",
            // Cannot happen (an error names a line with content); never loop on it.
            _ => {
                found.push(e);
                break;
            }
        }
        found.push(e);
    }
    found
}

/// Lines that are neither blank nor comments.
fn entries(text: &str) -> usize {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count()
}

/// The years a (valid) text speaks of: declared by a `year` line or holding a listed day.
fn years_in(text: &str) -> BTreeSet<i32> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            match words.next()? {
                "year" => words.next()?.parse().ok(),
                date => date.get(..4)?.parse().ok(),
            }
        })
        .collect()
}

fn summary(calendar: &WorkCalendar, text: &str) -> Vec<YearRow> {
    years_in(text)
        .into_iter()
        .map(|year| {
            let (mut off, mut work) = (0, 0);
            let mut day = Date::from_calendar_date(year, Month::January, 1).ok();
            while let Some(d) = day.filter(|d| d.year() == year) {
                match calendar.special_day(d).map(|s| s.kind) {
                    Some(DayKind::Off) => off += 1,
                    Some(DayKind::Work) => work += 1,
                    None => {}
                }
                day = d.next_day();
            }
            YearRow {
                year,
                complete: calendar.covers(year),
                source: calendar.source(year).unwrap_or_default().to_string(),
                off,
                work,
            }
        })
        .collect()
}

/// "2025 年 放假 28 天、调休 5 天；2026 年 …", for the audit log.
fn describe(years: &[YearRow]) -> String {
    if years.is_empty() {
        return "无节假日安排".to_string();
    }
    years
        .iter()
        .map(|y| {
            let incomplete = if y.complete { "" } else { "（不完整）" };
            format!(
                "{} 年{incomplete} 放假 {} 天、调休 {} 天",
                y.year, y.off, y.work
            )
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// Who saved the calendar when, newest first, from the audit log (every save is audited).
async fn history(st: &Shared) -> AppResult<Vec<Saved>> {
    // One calendar serves every street: its history is read across the whole tree.
    let everything = OrgPath::from_stored("/".into());
    let f = quanke_store::audit::Filter {
        within: &everything,
        action: Some(ACTION),
        before_id: None,
        limit: HISTORY,
    };
    Ok(quanke_store::audit::list(&st.db, &f)
        .await?
        .into_iter()
        .map(|e| Saved {
            at: e.at,
            actor: e.actor_name,
            detail: e.detail,
        })
        .collect())
}

/// The due day of a matter accepted on `from` with `days` working days, on the calendar in
/// force: the admin sees at once what an edit does to deadlines.
fn trial(calendar: &WorkCalendar, q: &CalendarQuery) -> Trial {
    let from = q
        .from
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or_else(clock::today);
    let days = q
        .days
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| DEFAULT_TRIAL_DAYS.to_string());
    let mut t = Trial {
        from: from.clone(),
        days: days.clone(),
        due: None,
        due_weekday: "",
        uncovered: Vec::new(),
        error: None,
    };
    let Some(start) = parse_day(&from) else {
        t.error = Some("受理日期应为 YYYY-MM-DD".into());
        return t;
    };
    let n = match days.parse::<u32>() {
        Ok(n) if n <= MAX_TRIAL_DAYS => n,
        _ => {
            t.error = Some(format!("工作日数应为 0 到 {MAX_TRIAL_DAYS} 之间的整数"));
            return t;
        }
    };
    // Near the end of the representable range the count cannot be taken.
    if start.year() > 9000 {
        t.error = Some("受理日期超出范围".into());
        return t;
    }
    let due = calendar.add_working_days(start, n);
    t.uncovered = (start.year()..=due.year())
        .filter(|y| !calendar.covers(*y))
        .collect();
    t.due = Some(format_day(due));
    t.due_weekday = weekday_name(due.weekday());
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_line_is_reported_in_order() {
        let text = "year 2030 通知\n2030-02-30 off 春节\n\n2030-01-01 holiday 元旦\n\
                    2030-01-01 off 元旦\n2030-01-01 off 元旦\n2030-01-07 work 调休\n";
        let lines: Vec<(usize, String)> = all_problems(text)
            .into_iter()
            .map(|e| (e.line, e.problem.to_string()))
            .collect();
        assert_eq!(
            lines,
            [
                (2, "“2030-02-30”不是有效日期，应为 YYYY-MM-DD".to_string()),
                (
                    4,
                    "类型“holiday”无效，应为 off（放假）或 work（调休上班）".to_string()
                ),
                (6, "2030-01-01 已在第 5 行出现".to_string()),
                (7, "2030-01-07 是星期一，本来就上班，不是调休".to_string()),
            ]
        );
        assert!(all_problems(SHIPPED).is_empty());
    }

    #[test]
    fn problems_are_capped() {
        let text = "x\n".repeat(MAX_PROBLEMS * 2);
        assert_eq!(all_problems(&text).len(), MAX_PROBLEMS);
    }

    #[test]
    fn an_empty_text_is_refused_as_a_whole() {
        let (problems, general) = check("# 只有注释\n\n").err().unwrap();
        assert!(problems.is_empty());
        assert!(general.unwrap().contains("内容为空"));
    }

    #[test]
    fn the_shipped_years_are_summarised() {
        let cal = WorkCalendar::default_china();
        let years = summary(&cal, SHIPPED);
        let rows: Vec<(i32, bool, usize, usize)> = years
            .iter()
            .map(|y| (y.year, y.complete, y.off, y.work))
            .collect();
        assert_eq!(rows, [(2025, true, 28, 5), (2026, true, 33, 6)]);
        assert_eq!(years[1].source, "国办发明电〔2025〕7号");
    }

    #[test]
    fn days_without_a_year_line_make_an_incomplete_year() {
        let text = "2027-01-01 off 元旦\n";
        let cal = WorkCalendar::parse(text).unwrap();
        let years = summary(&cal, text);
        assert_eq!(years.len(), 1);
        assert!(!years[0].complete);
        assert_eq!((years[0].off, years[0].work), (1, 0));
        assert_eq!(describe(&years), "2027 年（不完整） 放假 1 天、调休 0 天");
    }

    #[test]
    fn trial_counts_on_the_calendar_and_checks_its_input() {
        let cal = WorkCalendar::default_china();
        let q = |from: &str, days: &str| CalendarQuery {
            saved: None,
            from: Some(from.into()),
            days: Some(days.into()),
        };
        let t = trial(&cal, &q("2025-09-26", "5"));
        assert_eq!(t.due.as_deref(), Some("2025-10-10"));
        assert_eq!(t.due_weekday, "星期五");
        assert!(t.uncovered.is_empty());
        let t = trial(&cal, &q("2027-03-01", "1"));
        assert_eq!(t.uncovered, [2027]);
        assert!(trial(&cal, &q("2025-13-01", "5")).error.is_some());
        assert!(trial(&cal, &q("2025-09-26", "-1")).error.is_some());
        assert!(trial(&cal, &q("2025-09-26", "366")).error.is_some());
    }
}
