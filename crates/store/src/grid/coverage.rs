//! What the coverage rules count: each rule's subjects per place, those visited recently enough
//! per place, and the subjects of one place with their last counting visit (the due list).
//!
//! Counts read the last-visit rows (`grid_last_visits`), one per subject and key (a purpose, a
//! purpose set, or any purpose), never the visits themselves. Where a rule counts every subject
//! of a kind, or the people holding a tag, they read how many were last visited on each day at
//! each place (`grid_visit_days`, `grid_tag_visit_days`): a few thousand rows for a street's
//! quarter, however many subjects there are.

use crate::db::with_pool;
use crate::{Db, Result};
use quanke_domain::OrgPath;
use quanke_domain::calendar::Day;
use quanke_domain::grid::{CoverageRule, Subject, SubjectKind, Target};
use sqlx::{AssertSqlSafe, FromRow};

/// A count at one place of the org tree (a grid, or a community for subjects placed there).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct PlaceCount {
    #[sqlx(try_from = "String")]
    pub org_path: OrgPath,
    pub n: i64,
}

/// The values a statement binds, all text, numbered as they are added.
#[derive(Default)]
struct Params(Vec<String>);

impl Params {
    /// Adds a value and returns its placeholder.
    fn add(&mut self, value: impl Into<String>) -> String {
        self.0.push(value.into());
        format!("${}", self.0.len())
    }

    /// `col >= $a AND col < $b` for the subtree `within`.
    fn within(&mut self, col: &str, within: &OrgPath) -> String {
        let lo = self.add(within.as_str());
        let hi = self.add(within.subtree_end());
        format!("{col} >= {lo} AND {col} < {hi}")
    }
}

/// Runs `sql` binding `params` in order, decoding every row as `T`.
macro_rules! fetch_all {
    ($db:expr, $sql:expr, $params:expr) => {
        with_pool!($db, |p| {
            let mut q = sqlx::query_as(AssertSqlSafe($sql.as_str()));
            for value in &$params.0 {
                q = q.bind(value);
            }
            q.fetch_all(p).await?
        })
    };
}

/// The condition on `col` (a business id) that keeps a rule's businesses of a category: its type
/// or fire-safety category holds the word. Other targets need none here (tagged people come
/// from the tag tables).
fn of_category(target: &Target, col: &str, params: &mut Params) -> String {
    let Target::Businesses(Some(word)) = target else {
        return String::new();
    };
    let word = params.add(word.as_str());
    format!(
        " AND EXISTS (SELECT 1 FROM registry_businesses b WHERE b.id = {col} \
         AND (b.kind LIKE '%' || {word} || '%' OR b.fire_category LIKE '%' || {word} || '%'))"
    )
}

/// ` AND l.purpose = …`: the one last-visit key the rule reads (a purpose, a purpose set, or
/// any purpose), so no subject is counted twice.
fn counting(rule: &CoverageRule, params: &mut Params) -> String {
    let key = params.add(rule.visit_key());
    format!(" AND l.purpose = {key}")
}

/// The registry table holding a kind's subjects.
fn table(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::Household => "registry_households x",
        SubjectKind::Dwelling => "registry_dwellings x",
        SubjectKind::Business => "registry_businesses x",
        SubjectKind::Resident => "registry_residents x",
    }
}

/// The join a kind's label needs (a household is known by its dwelling's address), and the
/// label. Counting needs neither: a join there read every household's row (the index by place
/// alone answers a count).
fn labelled(kind: SubjectKind) -> (&'static str, &'static str) {
    match kind {
        SubjectKind::Household => (
            " LEFT JOIN registry_dwellings d ON d.id = x.dwelling_id",
            "COALESCE(d.address, '户号 ' || x.number)",
        ),
        SubjectKind::Dwelling => ("", "x.address"),
        SubjectKind::Business => ("", "x.name"),
        SubjectKind::Resident => ("", "x.name"),
    }
}

/// How many of the rule's subjects each place within `within` holds.
pub async fn population(db: &Db, rule: &CoverageRule, within: &OrgPath) -> Result<Vec<PlaceCount>> {
    let mut params = Params::default();
    let sql = match &rule.target {
        // The per-grid tag counts kept by migration 0014's triggers already hold this.
        Target::Tagged(tag) => {
            let tag = params.add(tag.code());
            let place = params.within("org_path", within);
            format!(
                "SELECT org_path, CAST(SUM(n) AS BIGINT) AS n FROM registry_tag_counts \
                 WHERE tag = {tag} AND {place} GROUP BY org_path HAVING SUM(n) > 0 \
                 ORDER BY org_path"
            )
        }
        target => {
            let table = table(target.kind());
            let place = params.within("x.org_path", within);
            let category = of_category(target, "x.id", &mut params);
            format!(
                "SELECT x.org_path, COUNT(*) AS n FROM {table} WHERE {place}{category} \
                 GROUP BY x.org_path ORDER BY x.org_path"
            )
        }
    };
    Ok(fetch_all!(db, sql, params))
}

/// How many of the rule's subjects each place within `within` holds that had a counting visit
/// on or after `from`.
pub async fn covered(
    db: &Db,
    rule: &CoverageRule,
    within: &OrgPath,
    from: Day,
) -> Result<Vec<PlaceCount>> {
    let mut params = Params::default();
    let from = params.add(from.to_string());
    let counting = counting(rule, &mut params);
    let sql = match &rule.target {
        // How many tagged people were last visited on each day at each place (migration 0031;
        // its rows at zero stay).
        Target::Tagged(tag) => {
            let tag = params.add(tag.code());
            let place = params.within("l.org_path", within);
            format!(
                "SELECT l.org_path, CAST(SUM(l.n) AS BIGINT) AS n FROM grid_tag_visit_days l \
                 WHERE l.tag = {tag} AND {place} AND l.day >= {from}{counting} \
                 GROUP BY l.org_path HAVING SUM(l.n) > 0 ORDER BY l.org_path"
            )
        }
        // A category's businesses, a few thousand: each one's last visit, found by key.
        Target::Businesses(Some(_)) => {
            let kind = params.add(rule.target.kind().code());
            let place = params.within("x.org_path", within);
            let category = of_category(&rule.target, "x.id", &mut params);
            format!(
                "SELECT x.org_path, COUNT(*) AS n FROM registry_businesses x \
                 WHERE {place}{category} AND EXISTS (SELECT 1 FROM grid_last_visits l \
                 WHERE l.kind = {kind} AND l.subject_id = x.id AND l.day >= {from}{counting}) \
                 GROUP BY x.org_path ORDER BY x.org_path"
            )
        }
        // Every subject of a kind: the last visits' days, summed.
        Target::Households | Target::Dwellings | Target::Businesses(None) => {
            let kind = params.add(rule.target.kind().code());
            let place = params.within("l.org_path", within);
            format!(
                "SELECT l.org_path, CAST(SUM(l.n) AS BIGINT) AS n FROM grid_visit_days l \
                 WHERE l.kind = {kind} AND {place} AND l.day >= {from}{counting} \
                 GROUP BY l.org_path ORDER BY l.org_path"
            )
        }
    };
    Ok(fetch_all!(db, sql, params))
}

/// One subject of a rule in a place, with what the due list shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub subject: Subject,
    /// The subject's place.
    pub org_path: OrgPath,
    /// The name or address the worker knows it by.
    pub label: String,
    /// Its last counting visit, if any.
    pub last: Option<Day>,
    /// The day its tag applies from, when the ledger said (tagged residents only).
    pub since: Option<Day>,
}

#[derive(FromRow)]
struct CandidateRow {
    id: i64,
    org_path: String,
    label: String,
    last: Option<String>,
    since: Option<String>,
}

/// Every subject of the rule within `within` with its last counting visit: the due list's
/// input (a grid holds hundreds to a few thousand).
pub async fn candidates(db: &Db, rule: &CoverageRule, within: &OrgPath) -> Result<Vec<Candidate>> {
    let target_kind = rule.target.kind();
    let mut params = Params::default();
    let kind = params.add(target_kind.code());
    let counting = counting(rule, &mut params);
    let (from, since) = match &rule.target {
        // From the tag's place index: a grid's holders, not all its people.
        Target::Tagged(tag) => {
            let tag = params.add(tag.code());
            let place = params.within("t.org_path", within);
            let from = format!(
                "registry_tags t JOIN registry_residents x ON x.id = t.resident_id \
                 WHERE t.tag = {tag} AND {place} AND x.status = 'active'"
            );
            (from, "NULLIF(t.since, '')")
        }
        target => {
            let table = table(target_kind);
            let (join, _) = labelled(target_kind);
            let place = params.within("x.org_path", within);
            let category = of_category(target, "x.id", &mut params);
            (format!("{table}{join} WHERE {place}{category}"), "NULL")
        }
    };
    let (_, label) = labelled(target_kind);
    let sql = format!(
        "SELECT x.id, x.org_path, {label} AS label, {since} AS since, \
         (SELECT l.day FROM grid_last_visits l WHERE l.kind = {kind} \
         AND l.subject_id = x.id{counting}) AS last \
         FROM {from} ORDER BY x.org_path, label, x.id"
    );
    let rows: Vec<CandidateRow> = fetch_all!(db, sql, params);
    Ok(rows
        .into_iter()
        .map(|r| r.into_candidate(target_kind))
        .collect())
}

impl CandidateRow {
    fn into_candidate(self, kind: SubjectKind) -> Candidate {
        Candidate {
            subject: Subject { kind, id: self.id },
            org_path: OrgPath::from_stored(self.org_path),
            label: self.label,
            last: self.last.and_then(|d| d.parse().ok()),
            since: self.since.and_then(|d| d.parse().ok()),
        }
    }
}
