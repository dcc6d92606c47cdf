//! The coverage rules in force for a street, their editing, and what they make of the visits:
//! each place's coverage now, and a place's due list.

use super::{GridError, GridResult};
use crate::cases::Worker;
use quanke_domain::calendar::Day;
use quanke_domain::grid::{
    CoverageRule, CoverageRules, Purposes, Standing, Subject, Window, may_fall_due,
};
use quanke_domain::{OrgPath, Permission};
use quanke_store::Db;
use quanke_store::grid::coverage::{self, PlaceCount};
use quanke_store::grid::purpose_sets;
use quanke_store::grid::rules::{self, RulesVersion};
use quanke_store::grid::workload::{self, WorkerLoad};
use time::{Date, Duration};

/// The street `org` lies in (the root of its path).
pub fn street_of(org: &OrgPath) -> OrgPath {
    org.ids()
        .first()
        .map_or_else(OrgPath::whole, |id| OrgPath::root(*id))
}

/// The coverage rules in force for a street.
#[derive(Debug, Clone)]
pub struct InForce {
    /// 0 for the shipped rules, never saved by the street.
    pub version: i64,
    /// The day the version was saved (none for the shipped rules).
    pub since: Option<Day>,
    pub rules: CoverageRules,
}

/// The rules in force for the street of `org`, with the last-visit rows of their purpose sets
/// kept (added and back-filled the first time a set is in force: after a save, or when the
/// shipped rules change with a new release).
pub async fn in_force(db: &Db, purposes: &Purposes, org: &OrgPath) -> GridResult<InForce> {
    let saved = rules::current(db, &street_of(org)).await?;
    let text = saved
        .as_ref()
        .map_or(CoverageRules::shipped_text(), |v| v.body.as_str());
    // Saved text was checked when saved; a purpose removed from the shipped list since then
    // makes it fail, and the message says where.
    let rules =
        CoverageRules::parse(text, purposes).map_err(|e| GridError::Refused(e.to_string()))?;
    purpose_sets::ensure(db, &rules.purpose_sets()).await?;
    Ok(InForce {
        version: saved.as_ref().map_or(0, |v| v.version),
        since: saved.map(|v| crate::clock::day(v.saved_at)),
        rules,
    })
}

/// The text of the rules in force (shipped until the street saves its own) and the history.
pub async fn text_and_history(db: &Db, org: &OrgPath) -> GridResult<(String, Vec<RulesVersion>)> {
    let history = rules::history(db, &street_of(org)).await?;
    let text = history.first().map_or_else(
        || CoverageRules::shipped_text().to_string(),
        |v| v.body.clone(),
    );
    Ok((text, history))
}

/// Saves the street's rules as a new version after checking every line; a text with a problem
/// is refused whole, with the line named.
pub async fn save(
    db: &Db,
    worker: &Worker,
    purposes: &Purposes,
    text: &str,
    note: &str,
) -> GridResult<i64> {
    if !worker.can(Permission::EditCoverageRules) {
        return Err(GridError::Forbidden("只有街道管理员可以修改走访覆盖规则"));
    }
    quanke_domain::limits::GUIDE_TEXT
        .named("走访覆盖规则")
        .check(text)
        .map_err(|e| GridError::Refused(e.to_string()))?;
    quanke_domain::limits::REASON
        .named("修改说明")
        .check(note)
        .map_err(|e| GridError::Refused(e.to_string()))?;
    let parsed =
        CoverageRules::parse(text, purposes).map_err(|e| GridError::Refused(e.to_string()))?;
    if parsed.all().is_empty() {
        return Err(GridError::Refused("至少要有一条规则".into()));
    }
    let street = street_of(&worker.org);
    let version = rules::save(db, &street, text, note.trim(), &worker.name, worker.now).await?;
    // Back-filled now rather than on the first page that reads the new rules.
    purpose_sets::ensure(db, &parsed.purpose_sets()).await?;
    Ok(version)
}

/// One place's figures for one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceCoverage {
    pub org_path: OrgPath,
    pub subjects: i64,
    pub covered: i64,
}

/// One rule's coverage within a subtree on a day.
#[derive(Debug, Clone)]
pub struct RuleCoverage {
    pub rule: CoverageRule,
    pub window: Window,
    pub places: Vec<PlaceCoverage>,
    pub subjects: i64,
    pub covered: i64,
}

/// Each rule's coverage on `today` within `within`, per place. `within` must lie in the
/// reader's subtree.
pub async fn coverage(
    db: &Db,
    reader: &Worker,
    rules: &CoverageRules,
    within: &OrgPath,
    today: Day,
) -> GridResult<Vec<RuleCoverage>> {
    readable(reader, within)?;
    let mut out = Vec::new();
    for rule in rules.all() {
        let window = Window::on(rule.period, today.date());
        let population = coverage::population(db, rule, within).await?;
        let covered = coverage::covered(db, rule, within, window.from.into()).await?;
        let places = merge(population, covered);
        out.push(RuleCoverage {
            subjects: places.iter().map(|p| p.subjects).sum(),
            covered: places.iter().map(|p| p.covered).sum(),
            rule: rule.clone(),
            window,
            places,
        });
    }
    Ok(out)
}

/// Both counts by place, in path order. A subject covered at a place the population no longer
/// counts (moved since) cannot make a place more than fully covered.
fn merge(population: Vec<PlaceCount>, covered: Vec<PlaceCount>) -> Vec<PlaceCoverage> {
    population
        .into_iter()
        .map(|p| {
            let done = covered
                .iter()
                .find(|c| c.org_path == p.org_path)
                .map_or(0, |c| c.n);
            PlaceCoverage {
                covered: done.min(p.n),
                subjects: p.n,
                org_path: p.org_path,
            }
        })
        .collect()
}

/// One line of the due list.
#[derive(Debug, Clone)]
pub struct Due {
    pub rule: String,
    pub subject: Subject,
    pub label: String,
    pub org_path: OrgPath,
    pub last: Option<Day>,
    pub standing: Standing,
}

/// Who needs a visit within `within` in the `horizon` days from today on, the most urgent first: the
/// overdue, then by due date. `rules_since` is the day the rules in force were saved (none for
/// the shipped rules): a subject never visited is counted from then, or from its tag's date if
/// later, or is due today.
pub async fn due_list(
    db: &Db,
    reader: &Worker,
    rules: &CoverageRules,
    rules_since: Option<Day>,
    within: &OrgPath,
    today: Day,
    horizon: i64,
) -> GridResult<Vec<Due>> {
    readable(reader, within)?;
    // "Within 7 days" is today and the six days after it.
    let until = today.date() + Duration::days(horizon - 1);
    let mut out = Vec::new();
    for rule in rules.all() {
        if !may_fall_due(rule.period, today.date(), until) {
            continue;
        }
        for c in coverage::candidates(db, rule, within).await? {
            let since = c.since.max(rules_since).map(Day::date);
            let last = c.last.map(Day::date);
            let standing = Standing::of(rule.period, last, since, today.date());
            if standing.listed_by(rule.period, until) {
                out.push(Due {
                    rule: rule.name.clone(),
                    subject: c.subject,
                    label: c.label,
                    org_path: c.org_path,
                    last: c.last,
                    standing,
                });
            }
        }
    }
    out.sort_by_key(|d| {
        (
            !matches!(d.standing, Standing::Overdue { .. }),
            d.standing.due(),
        )
    });
    Ok(out)
}

/// The calendar month beginning on `first` (its first day, as the page's month choice gives it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    pub first: Date,
}

impl Month {
    /// The month holding `day`.
    pub fn of(day: Date) -> Month {
        Month {
            first: day.replace_day(1).expect("every month has a first day"),
        }
    }

    /// "YYYY-MM", as the page's choice sends it.
    pub fn parse(text: &str) -> Option<Month> {
        let (year, month) = text.trim().split_once('-')?;
        let month = time::Month::try_from(month.parse::<u8>().ok()?).ok()?;
        let first = Date::from_calendar_date(year.parse().ok()?, month, 1).ok()?;
        Some(Month { first })
    }

    pub fn code(self) -> String {
        format!(
            "{:04}-{:02}",
            self.first.year(),
            u8::from(self.first.month())
        )
    }

    /// The month before this one.
    pub fn previous(self) -> Month {
        Month::of(self.first - Duration::days(1))
    }

    pub fn last(self) -> Date {
        let next = (self.first + Duration::days(31)).replace_day(1);
        next.expect("every month has a first day") - Duration::days(1)
    }
}

/// Each worker's field work within `within` in `month` (grid workers always listed). `within`
/// must lie in the reader's subtree.
pub async fn workload(
    db: &Db,
    reader: &Worker,
    within: &OrgPath,
    month: Month,
) -> GridResult<Vec<WorkerLoad>> {
    readable(reader, within)?;
    let (from, to) = (month.first.into(), month.last().into());
    Ok(workload::by_worker(db, within, from, to).await?)
}

/// Coverage and due lists are read by those who work or head the place.
fn readable(reader: &Worker, within: &OrgPath) -> GridResult<()> {
    let may = reader.can(Permission::WorkGrid) || reader.can(Permission::ViewDashboard);
    if !may {
        return Err(GridError::Forbidden("不能查看走访覆盖情况"));
    }
    if !reader.org.contains(within) {
        return Err(GridError::NotFound("该网格或社区"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Month;
    use time::macros::date;

    #[test]
    fn months_read_step_back_and_end_on_their_last_day() {
        let feb = Month::parse("2028-02").unwrap();
        assert_eq!(
            (feb.first, feb.last()),
            (date!(2028 - 02 - 01), date!(2028 - 02 - 29))
        );
        assert_eq!(
            Month::parse("2026-12").unwrap().last(),
            date!(2026 - 12 - 31)
        );
        let january = Month::of(date!(2027 - 01 - 15));
        assert_eq!(january.previous().code(), "2026-12");
        for bad in ["2026-13", "2026", "二〇二六-01", "2026-00", ""] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }
}
