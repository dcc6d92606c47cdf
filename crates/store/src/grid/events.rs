//! Events (事件): reported once (a resend under the same key finds the first), moved through
//! the lifecycle one checked step at a time (a step taken from a state the event has left is
//! refused, so two workers never overwrite each other), read by place, handler and subject.

use crate::db::{with_pool, with_write_turn};
use crate::{Db, Result};
use quanke_domain::OrgPath;
use quanke_domain::calendar::Day;
use quanke_domain::event::EventState;
use quanke_domain::grid::{Subject, SubjectKind};
use sqlx::FromRow;

/// An event as reported, checked by the application.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Idempotency key, scoped to the sender.
    pub key: String,
    pub community_path: OrgPath,
    pub org_path: OrgPath,
    pub category: String,
    pub summary: String,
    pub place: String,
    pub place_key: String,
    /// How it came in: `grid`, `desk`, `portal`, `open311`.
    pub channel: String,
    pub reporter_id: Option<i64>,
    pub reporter_name: String,
    pub links: Vec<Subject>,
    /// Filed and dispatched at once (a 整改 event: the failed inspection is its filing).
    pub dispatched: Option<Dispatched>,
    /// Where a report from outside (Open311) located the event, and its picture.
    pub located: Option<Located>,
    pub day: Day,
    pub at: i64,
}

/// A position (WGS84) and a picture's address, as a partner sent them (checked).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Located {
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub media_url: String,
}

/// An event filed and dispatched as it is reported: to whom, due when, and why.
#[derive(Debug, Clone)]
pub struct Dispatched {
    pub handler_id: i64,
    pub due: Day,
    /// Who filed it (a name: the system on the inspection's behalf).
    pub by: String,
    pub note: String,
}

/// What reporting did: the event's id, and whether it is new or was sent before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reported {
    pub id: i64,
    pub fresh: bool,
}

const INSERT_EVENT: &str = "INSERT INTO grid_events (idem_key, community_path, org_path, \
     category, state, summary, place, place_key, channel, reporter_id, reporter_name, \
     reported_at, updated_at, handler_id, due_day, lat, lon, media_url) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16, $17) \
     ON CONFLICT (idem_key) DO NOTHING RETURNING id";
const INSERT_LINK: &str =
    "INSERT INTO grid_event_links (event_id, subject_kind, subject_id) VALUES ($1, $2, $3)";
const INSERT_STEP: &str = "INSERT INTO grid_event_steps (event_id, action, from_state, \
     to_state, actor_id, actor_name, note, day, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// Stores `event` with its links and its first steps, or returns the event stored under its
/// key before.
pub async fn report(db: &Db, event: &NewEvent) -> Result<Reported> {
    let state = match event.dispatched {
        Some(_) => EventState::Dispatched,
        None => EventState::Reported,
    };
    let steps = first_steps(event);
    let located = event.located.clone().unwrap_or_default();
    let reported = with_write_turn!(db, |tx| {
        let id: Option<i64> = sqlx::query_scalar(INSERT_EVENT)
            .bind(&event.key)
            .bind(event.community_path.as_str())
            .bind(event.org_path.as_str())
            .bind(&event.category)
            .bind(state.code())
            .bind(&event.summary)
            .bind(&event.place)
            .bind(&event.place_key)
            .bind(&event.channel)
            .bind(event.reporter_id)
            .bind(&event.reporter_name)
            .bind(event.at)
            .bind(event.dispatched.as_ref().map(|d| d.handler_id))
            .bind(event.dispatched.as_ref().map(|d| d.due.to_string()))
            .bind(located.lat)
            .bind(located.lon)
            .bind(&located.media_url)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(id) = id else {
            let id = sqlx::query_scalar("SELECT id FROM grid_events WHERE idem_key = $1")
                .bind(&event.key)
                .fetch_one(&mut *tx)
                .await?;
            return Ok(Reported { id, fresh: false });
        };
        for link in &event.links {
            sqlx::query(INSERT_LINK)
                .bind(id)
                .bind(link.kind.code())
                .bind(link.id)
                .execute(&mut *tx)
                .await?;
        }
        for (action, from, to, actor_id, actor, note) in &steps {
            sqlx::query(INSERT_STEP)
                .bind(id)
                .bind(*action)
                .bind(*from)
                .bind(*to)
                .bind(*actor_id)
                .bind(actor)
                .bind(note)
                .bind(event.day.to_string())
                .bind(event.at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Reported { id, fresh: true }
    });
    Ok(reported)
}

/// (action, from, to, actor id, actor, note) of each step an event is stored with: its report,
/// and when it is dispatched at once, its filing and dispatch.
type FirstStep = (
    &'static str,
    &'static str,
    &'static str,
    Option<i64>,
    String,
    String,
);

fn first_steps(event: &NewEvent) -> Vec<FirstStep> {
    let reported = EventState::Reported.code();
    let mut steps = vec![(
        "report",
        "",
        reported,
        event.reporter_id,
        event.reporter_name.clone(),
        String::new(),
    )];
    if let Some(d) = &event.dispatched {
        let filed = EventState::Filed.code();
        steps.push(("file", reported, filed, None, d.by.clone(), d.note.clone()));
        let dispatched = EventState::Dispatched.code();
        steps.push((
            "dispatch",
            filed,
            dispatched,
            None,
            d.by.clone(),
            String::new(),
        ));
    }
    steps
}

/// The event stored under `key`, if any (a resend is answered before anything is checked
/// against what it wrote).
pub async fn by_key(db: &Db, key: &str) -> Result<Option<i64>> {
    let sql = "SELECT id FROM grid_events WHERE idem_key = $1";
    Ok(with_pool!(db, |p| sqlx::query_scalar(sql)
        .bind(key)
        .fetch_optional(p)
        .await?))
}

/// One event as pages and the API show it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct EventRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub community_path: OrgPath,
    #[sqlx(try_from = "String")]
    pub org_path: OrgPath,
    pub category: String,
    #[sqlx(try_from = "String")]
    pub state: EventState,
    pub summary: String,
    pub place: String,
    pub place_key: String,
    pub channel: String,
    pub reporter_id: Option<i64>,
    pub reporter_name: String,
    pub handler_id: Option<i64>,
    pub handler_name: Option<String>,
    pub handler_department: String,
    pub due_day: Option<String>,
    pub reported_at: i64,
    pub updated_at: i64,
    pub closed_at: Option<i64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub media_url: String,
}

impl EventRow {
    /// The day the handler's report is due, once filed.
    pub fn due(&self) -> Option<Day> {
        self.due_day.as_deref().and_then(|d| d.parse().ok())
    }

    /// Who handles it, as people read it: the worker's name or the department.
    pub fn handler_label(&self) -> Option<String> {
        match (&self.handler_name, self.handler_department.as_str()) {
            (Some(name), _) => Some(name.clone()),
            (None, "") => None,
            (None, dept) => Some(dept.to_string()),
        }
    }
}

const COLUMNS: &str = "e.id, e.community_path, e.org_path, e.category, e.state, e.summary, \
     e.place, e.place_key, e.channel, e.reporter_id, e.reporter_name, e.handler_id, \
     u.display_name AS handler_name, e.handler_department, e.due_day, e.reported_at, \
     e.updated_at, e.closed_at, e.lat, e.lon, e.media_url \
     FROM grid_events e LEFT JOIN users u ON u.id = e.handler_id";

/// One event by id, when its place lies within `within`.
pub async fn within(db: &Db, id: i64, within: &OrgPath) -> Result<Option<EventRow>> {
    let sql = format!("SELECT {COLUMNS} WHERE e.id = $1 AND e.org_path >= $2 AND e.org_path < $3");
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(id)
    .bind(within.as_str())
    .bind(within.subtree_end())
    .fetch_optional(p)
    .await?))
}

/// One event by id, wherever it is: for the public Open311 reads, which show no person.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<EventRow>> {
    let sql = format!("SELECT {COLUMNS} WHERE e.id = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(id)
    .fetch_optional(p)
    .await?))
}

/// Events reported between `from` and `to` (Unix seconds, both included), of `category` when
/// given, closed or open when asked: Open311's public list, the newest first.
pub async fn reported_between(
    db: &Db,
    from: i64,
    to: i64,
    category: Option<&str>,
    closed: Option<bool>,
    limit: i64,
) -> Result<Vec<EventRow>> {
    let closed_filter = match closed {
        None => "",
        Some(true) => "AND e.closed_at IS NOT NULL",
        Some(false) => "AND e.closed_at IS NULL",
    };
    let sql = format!(
        "SELECT {COLUMNS} WHERE e.reported_at >= $1 AND e.reported_at <= $2 \
         AND ($3 = '' OR e.category = $3) {closed_filter} \
         ORDER BY e.reported_at DESC, e.id DESC LIMIT $4"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(from)
    .bind(to)
    .bind(category.unwrap_or(""))
    .bind(limit)
    .fetch_all(p)
    .await?))
}

/// Which events a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// Not yet closed or dismissed.
    Open,
    /// Every event, the newest first.
    All,
}

/// The events within `within`: the open ones by due day (the unfiled first), or all of them
/// the newest first.
pub async fn listed(
    db: &Db,
    within: &OrgPath,
    listing: Listing,
    limit: i64,
) -> Result<Vec<EventRow>> {
    let (filter, order) = match listing {
        Listing::Open => (
            "AND e.closed_at IS NULL",
            "e.due_day IS NOT NULL, e.due_day, e.id",
        ),
        Listing::All => ("", "e.id DESC"),
    };
    let sql = format!(
        "SELECT {COLUMNS} WHERE e.org_path >= $1 AND e.org_path < $2 {filter} \
         ORDER BY {order} LIMIT $3"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(within.as_str())
    .bind(within.subtree_end())
    .bind(limit)
    .fetch_all(p)
    .await?))
}

/// The open events `handler` holds within `within` (one left behind in a place they no longer
/// serve is the head's to dispatch again), the earliest due first.
pub async fn held_by(db: &Db, handler: i64, within: &OrgPath, limit: i64) -> Result<Vec<EventRow>> {
    let sql = format!(
        "SELECT {COLUMNS} WHERE e.handler_id = $1 AND e.closed_at IS NULL \
         AND e.org_path >= $2 AND e.org_path < $3 ORDER BY e.due_day, e.id LIMIT $4"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(handler)
    .bind(within.as_str())
    .bind(within.subtree_end())
    .bind(limit)
    .fetch_all(p)
    .await?))
}

/// The events linked to `subject`, the newest first.
pub async fn of_subject(db: &Db, subject: Subject, limit: i64) -> Result<Vec<EventRow>> {
    let sql = format!(
        "SELECT {COLUMNS} JOIN grid_event_links l ON l.event_id = e.id \
         WHERE l.subject_kind = $1 AND l.subject_id = $2 ORDER BY e.id DESC LIMIT $3"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(subject.kind.code())
    .bind(subject.id)
    .bind(limit)
    .fetch_all(p)
    .await?))
}

/// Events of `category` at `place_key` in `community` reported since `since` and not
/// dismissed: what a new report may duplicate. The newest first.
pub async fn alike(
    db: &Db,
    community: &OrgPath,
    category: &str,
    place_key: &str,
    since: i64,
) -> Result<Vec<EventRow>> {
    let sql = format!(
        "SELECT {COLUMNS} WHERE e.community_path = $1 AND e.category = $2 \
         AND e.place_key = $3 AND e.reported_at >= $4 AND e.state <> 'dismissed' \
         ORDER BY e.id DESC LIMIT 5"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(community.as_str())
    .bind(category)
    .bind(place_key)
    .bind(since)
    .fetch_all(p)
    .await?))
}

/// The subjects an event concerns, in the order linked.
pub async fn links(db: &Db, event: i64) -> Result<Vec<Subject>> {
    let sql = "SELECT subject_kind, subject_id FROM grid_event_links WHERE event_id = $1 \
               ORDER BY subject_kind, subject_id";
    let rows: Vec<(String, i64)> =
        with_pool!(db, |p| sqlx::query_as(sql).bind(event).fetch_all(p).await?);
    Ok(rows
        .into_iter()
        .filter_map(|(kind, id)| {
            let kind: SubjectKind = kind.parse().ok()?;
            Some(Subject { kind, id })
        })
        .collect())
}

/// One step of an event's timeline.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct StepRow {
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub actor_name: String,
    pub note: String,
    pub day: String,
    pub at: i64,
}

/// Every step of `event`, the first first.
pub async fn steps(db: &Db, event: i64) -> Result<Vec<StepRow>> {
    let sql = "SELECT action, from_state, to_state, actor_name, note, day, at \
               FROM grid_event_steps WHERE event_id = $1 ORDER BY id";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(event)
        .fetch_all(p)
        .await?))
}

/// Who holds an event after a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handler {
    Worker(i64),
    Department(String),
}

/// A checked step: the state it leaves and the one it reaches, and what changes with it.
#[derive(Debug, Clone)]
pub struct Step {
    pub event: i64,
    pub action: String,
    pub from: EventState,
    pub to: EventState,
    /// The handler after the step; `None` keeps the one the event has.
    pub handler: Option<Handler>,
    /// The due day after the step; `None` keeps the one the event has.
    pub due: Option<Day>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub note: String,
    pub day: Day,
    pub at: i64,
}

/// Takes `step` if the event is still in `step.from`; false when someone moved it meanwhile
/// (nothing is written then).
pub async fn advance(db: &Db, step: &Step) -> Result<bool> {
    let (handler_id, department, keep_handler) = match &step.handler {
        None => (None, String::new(), true),
        Some(Handler::Worker(id)) => (Some(*id), String::new(), false),
        Some(Handler::Department(name)) => (None, name.clone(), false),
    };
    let closed_at = step.to.is_final().then_some(step.at);
    let sql = "UPDATE grid_events SET state = $1, updated_at = $2, closed_at = $3, \
               handler_id = CASE WHEN $4 THEN handler_id ELSE $5 END, \
               handler_department = CASE WHEN $4 THEN handler_department ELSE $6 END, \
               due_day = COALESCE($7, due_day) WHERE id = $8 AND state = $9";
    let moved = with_write_turn!(db, |tx| {
        let moved = sqlx::query(sql)
            .bind(step.to.code())
            .bind(step.at)
            .bind(closed_at)
            .bind(keep_handler)
            .bind(handler_id)
            .bind(&department)
            .bind(step.due.map(|d| d.to_string()))
            .bind(step.event)
            .bind(step.from.code())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if moved == 1 {
            sqlx::query(INSERT_STEP)
                .bind(step.event)
                .bind(&step.action)
                .bind(step.from.code())
                .bind(step.to.code())
                .bind(step.actor_id)
                .bind(&step.actor_name)
                .bind(&step.note)
                .bind(step.day.to_string())
                .bind(step.at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        moved
    });
    Ok(moved == 1)
}

/// Events whose clock runs (filed, dispatched, in hand) and whose due day is before `today`,
/// not yet escalated: the sweep's work, the earliest due first.
pub async fn overdue_unescalated(db: &Db, today: Day, limit: i64) -> Result<Vec<EventRow>> {
    let sql = format!(
        "SELECT {COLUMNS} WHERE e.escalated_at IS NULL AND e.closed_at IS NULL \
         AND e.due_day < $1 AND e.state IN ('filed', 'dispatched', 'handling') \
         ORDER BY e.due_day, e.id LIMIT $2"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.as_str()
    ))
    .bind(today.to_string())
    .bind(limit)
    .fetch_all(p)
    .await?))
}

/// Marks each of `notes` (event, its state, the note) escalated with a step on its timeline,
/// in one transaction; an event escalated meanwhile is skipped. Returns how many were marked.
pub async fn mark_escalated(
    db: &Db,
    notes: &[(i64, EventState, String)],
    day: Day,
    at: i64,
) -> Result<usize> {
    let mark = "UPDATE grid_events SET escalated_at = $1 WHERE id = $2 AND escalated_at IS NULL";
    let marked = with_write_turn!(db, |tx| {
        let mut marked = 0;
        for (id, state, note) in notes {
            let n = sqlx::query(mark)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                continue;
            }
            sqlx::query(INSERT_STEP)
                .bind(id)
                .bind("escalate")
                .bind(state.code())
                .bind(state.code())
                .bind(None::<i64>)
                .bind("系统")
                .bind(note)
                .bind(day.to_string())
                .bind(at)
                .execute(&mut *tx)
                .await?;
            marked += 1;
        }
        tx.commit().await?;
        marked
    });
    Ok(marked)
}

/// The figures a home page shows for a place's events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromRow)]
pub struct Counts {
    /// Reported, waiting to be filed (立案).
    pub to_file: i64,
    /// Past their due day while the clock runs.
    pub overdue: i64,
    /// Not closed or dismissed.
    pub open: i64,
}

/// How many events within `within` wait to be filed, are overdue, are open.
pub async fn counts(db: &Db, within: &OrgPath, today: Day) -> Result<Counts> {
    let sql = "SELECT \
         COALESCE(SUM(CASE WHEN state = 'reported' THEN 1 ELSE 0 END), 0) AS to_file, \
         COALESCE(SUM(CASE WHEN state IN ('filed', 'dispatched', 'handling') \
             AND due_day < $3 THEN 1 ELSE 0 END), 0) AS overdue, \
         COUNT(*) AS open \
         FROM grid_events WHERE org_path >= $1 AND org_path < $2 AND closed_at IS NULL";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(within.as_str())
        .bind(within.subtree_end())
        .bind(today.to_string())
        .fetch_one(p)
        .await?))
}
