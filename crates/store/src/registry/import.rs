//! Writing checked ledger rows, fed in batches. An import writes only inside its area (the
//! importer's part of the org tree): a row whose person is registered outside it is left out
//! and reported, never written. A stepped import commits every `CHECKPOINT_ROWS` rows, so
//! that a long import never holds SQLite's single write lock for more than a moment (the desk
//! keeps working while a district's ledger goes in); an atomic one writes everything in one
//! transaction. A ledger import is recorded as a run (see `runs`) with an audit entry at its
//! start, at every committed step and at its end, each in the transaction it describes.
//! Importing the same rows again changes nothing, so an interrupted import is finished by
//! running it again.

use std::collections::{HashMap, HashSet};

use quanke_domain::OrgPath;
use sqlx::{FromRow, QueryBuilder};
use tokio::sync::mpsc::Receiver;

use super::runs::{RunLog, finish_run, start_run, step_run};

use crate::db::with_pool;
use crate::{Backend, Db, Result};

/// One resident to write. `None` in an optional field means the ledger has no such column, so the
/// stored value is kept; `Some("")` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewResident {
    /// The ledger row it was read from, for reporting a row left out; 0 when not from a file.
    pub row: u32,
    pub id_number: String,
    pub name: String,
    pub name_initials: String,
    /// "M" or "F".
    pub sex: &'static str,
    pub birth_date: String,
    pub phone: Option<String>,
    pub registered_address: Option<String>,
    pub actual_address: Option<String>,
    pub ethnicity: Option<String>,
    pub political_status: Option<String>,
    pub marital_status: Option<String>,
    pub employment: Option<String>,
    pub relation: Option<String>,
    /// The grid's path, or the community's when the ledger named no grid.
    pub org_path: String,
    pub community_path: String,
    pub household: Option<String>,
    pub dwelling: Option<NewDwelling>,
    /// (tag code, since) pairs; `None` when the ledger has no tags column.
    pub tags: Option<Vec<(String, String)>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDwelling {
    pub address: String,
    pub building: String,
    pub unit: String,
    pub room: String,
}

pub enum ImportMsg {
    Rows(Vec<NewResident>),
    /// Everything has been sent: make the rest permanent.
    Commit,
}

/// Who imports what, where, and when.
pub struct ImportContext {
    pub actor: String,
    /// Shown in a person's history, e.g. "导入 卖鱼桥台账.xlsx".
    pub source: String,
    pub now: i64,
    pub today: String,
    /// The part of the org tree this import may write; see `outside`.
    pub area: OrgPath,
    /// One transaction for everything (all or nothing) instead of steps.
    pub atomic: bool,
    /// The run to record, for ledger imports; `None` for one person registered at the desk.
    pub run: Option<RunLog>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// The ledger rows left out because their person is registered outside the import's area.
    pub outside: Vec<u32>,
    /// True when the producer sent `Commit` and it was committed; otherwise what was not yet
    /// committed (everything, for an atomic import) was rolled back.
    pub committed: bool,
    /// The recorded run, when the context asked for one.
    pub run: Option<i64>,
}

impl ImportCounts {
    /// Rows taken in so far: written, found unchanged, or left out as outside the area.
    pub fn rows(&self) -> u64 {
        self.created + self.updated + self.unchanged + self.outside.len() as u64
    }
}

/// The one rule for writing a known person: an import may touch people registered inside its
/// area only. The person elsewhere is not moved or changed; the row is reported as needing a
/// transfer, in words that are the same whoever holds the record.
pub(crate) fn outside(area: &OrgPath, org_path: &str) -> bool {
    !org_path.starts_with(area.as_str())
}

#[derive(FromRow)]
struct Existing {
    id: i64,
    id_number: String,
    name: String,
    phone: String,
    registered_address: String,
    actual_address: String,
    ethnicity: String,
    political_status: String,
    marital_status: String,
    employment: String,
    relation: String,
    org_path: String,
    household_id: Option<i64>,
    household_since: Option<String>,
    dwelling_id: Option<i64>,
    status: String,
}

struct Change {
    resident_id: i64,
    field: &'static str,
    old: String,
    new: String,
}

/// Dwelling and household ids already resolved in this import, so each is looked up once.
#[derive(Default)]
struct Ids {
    dwellings: HashMap<String, i64>,
    /// Community path → household number → id.
    households: HashMap<String, HashMap<String, i64>>,
}

impl Ids {
    fn household(&self, community: &str, number: &str) -> Option<i64> {
        self.households.get(community)?.get(number).copied()
    }
}

/// Rows per statement: large enough that statement overhead vanishes, small enough for
/// SQLite's and PostgreSQL's bind-parameter limits.
const CHUNK: usize = 400;

/// Rows per transaction: about two seconds of writing, the longest a desk write waits.
const CHECKPOINT_ROWS: usize = 25_000;

/// For the importing connection: 192 MB of page cache (allocated only as pages are used), and
/// a WAL checkpoint every 64 MB rather than every 4 MB, since each checkpoint syncs the file.
/// SQLite's defaults again afterwards, so the pooled connection keeps neither.
const SQLITE_IMPORT_SETTINGS: [&str; 2] = [
    "PRAGMA cache_size = -196608",
    "PRAGMA wal_autocheckpoint = 16384",
];
/// Fewer changed rows than this do not move the statistics (one person registered at the desk).
const ANALYZE_AFTER: u64 = 1_000;
const ANALYZED: [&str; 3] = [
    "VACUUM (ANALYZE) registry_residents",
    "ANALYZE registry_households",
    "ANALYZE registry_dwellings",
];
const SQLITE_DEFAULT_SETTINGS: [&str; 2] = [
    "PRAGMA cache_size = -2000",
    "PRAGMA wal_autocheckpoint = 1000",
];

/// Consumes `rx` until `Commit` (commits) or until the sender is dropped (rolls back what is not
/// yet committed).
pub async fn import_residents(
    db: &Db,
    mut rx: Receiver<ImportMsg>,
    ctx: &ImportContext,
) -> Result<ImportCounts> {
    let mut counts = ImportCounts::default();
    let mut ids = Ids::default();
    let sqlite = db.backend() == Backend::Sqlite;
    // On SQLite each step takes the write lock as it begins: a step that read first fails
    // outright ("database is locked") when it comes to write after another connection (the case
    // writer, a page) committed in between, where one that waits for the lock just waits.
    let begin = if sqlite { "BEGIN IMMEDIATE" } else { "BEGIN" };
    with_pool!(db, |pool| {
        let mut conn = pool.acquire().await?;
        if sqlite {
            // A big import inserts into half a dozen indexes at random places; with SQLite's
            // default 2 MB page cache most of the time went to re-reading pages from the OS.
            for pragma in SQLITE_IMPORT_SETTINGS {
                sqlx::query(pragma).execute(&mut *conn).await?;
            }
        }
        if let Some(run) = &ctx.run {
            // Committed before any row, so an import cut off at once still left its trace.
            let mut tx = sqlx::Connection::begin_with(&mut *conn, begin).await?;
            counts.run = Some(start_run!(tx, run, ctx));
            tx.commit().await?;
        }
        let mut tx = sqlx::Connection::begin_with(&mut *conn, begin).await?;
        let mut uncommitted = 0;
        loop {
            match rx.recv().await {
                Some(ImportMsg::Rows(rows)) => {
                    uncommitted += rows.len();
                    for chunk in dedupe(rows).chunks(CHUNK) {
                        write_chunk!(tx, chunk, ctx, ids, counts);
                    }
                    if !ctx.atomic && uncommitted >= CHECKPOINT_ROWS {
                        if let (Some(run), Some(id)) = (&ctx.run, counts.run) {
                            step_run!(tx, run, id, ctx, counts);
                        }
                        tx.commit().await?;
                        tx = sqlx::Connection::begin_with(&mut *conn, begin).await?;
                        uncommitted = 0;
                    }
                }
                // All or nothing: a person found outside the area while writing (registered
                // elsewhere after the check) makes it nothing.
                Some(ImportMsg::Commit) if ctx.atomic && !counts.outside.is_empty() => {
                    tx.rollback().await?;
                    break;
                }
                Some(ImportMsg::Commit) => {
                    if let (Some(run), Some(id)) = (&ctx.run, counts.run) {
                        finish_run!(tx, run, id, ctx, counts);
                    }
                    tx.commit().await?;
                    counts.committed = true;
                    break;
                }
                None => {
                    tx.rollback().await?;
                    break;
                }
            }
        }
        if !sqlite && counts.committed && counts.created + counts.updated >= ANALYZE_AFTER {
            // Fresh statistics, or PostgreSQL plans the next searches for an empty table; and the
            // trigram index's pending list merged, or every address search reads through it.
            for table in ANALYZED {
                sqlx::query(table).execute(&mut *conn).await?;
            }
        }
        if sqlite {
            for pragma in SQLITE_DEFAULT_SETTINGS {
                sqlx::query(pragma).execute(&mut *conn).await?;
            }
        }
    });
    Ok(counts)
}

/// The dry run's half of `outside`: consumes `rx` like `import_residents` but writes nothing,
/// and returns the rows an import into `area` would leave out.
pub async fn rows_outside(
    db: &Db,
    mut rx: Receiver<ImportMsg>,
    area: &OrgPath,
) -> Result<Vec<u32>> {
    let mut away = Vec::new();
    while let Some(ImportMsg::Rows(rows)) = rx.recv().await {
        for chunk in rows.chunks(CHUNK) {
            let found: Vec<(String, String)> = with_pool!(db, |p| {
                let mut q = QueryBuilder::new(
                    "SELECT id_number, org_path FROM registry_residents WHERE id_rev IN (",
                );
                let mut list = q.separated(", ");
                for r in chunk {
                    list.push_bind(reversed(&r.id_number));
                }
                q.push(")");
                q.build_query_as().fetch_all(p).await?
            });
            let held: HashSet<&str> = found
                .iter()
                .filter(|(_, org)| outside(area, org))
                .map(|(number, _)| number.as_str())
                .collect();
            away.extend(
                chunk
                    .iter()
                    .filter(|r| held.contains(r.id_number.as_str()))
                    .map(|r| r.row),
            );
        }
    }
    Ok(away)
}

/// The same person twice in one batch: the later row wins, as it would in a ledger read top down.
fn dedupe(rows: Vec<NewResident>) -> Vec<NewResident> {
    let mut last: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        last.insert(r.id_number.as_str(), i);
    }
    if last.len() == rows.len() {
        return rows;
    }
    let keep: Vec<bool> = (0..rows.len())
        .map(|i| last.get(rows[i].id_number.as_str()) == Some(&i))
        .collect();
    rows.into_iter()
        .zip(keep)
        .filter_map(|(r, k)| k.then_some(r))
        .collect()
}

/// One chunk: dwellings and households first (ids needed), then new people in one statement,
/// changed people one by one with their changes recorded.
macro_rules! write_chunk {
    ($tx:ident, $chunk:expr, $ctx:expr, $ids:ident, $counts:ident) => {{
        let all: &[NewResident] = $chunk;
        let existing = load_existing!($tx, all);
        let (away, chunk): (Vec<&NewResident>, Vec<&NewResident>) = all.iter().partition(|r| {
            existing
                .get(r.id_number.as_str())
                .is_some_and(|e| outside(&$ctx.area, &e.org_path))
        });
        $counts.outside.extend(away.iter().map(|r| r.row));
        resolve_dwellings!($tx, chunk.iter().copied(), $ids);
        resolve_households!($tx, chunk.iter().copied(), $ids, $ctx);
        let (fresh, known): (Vec<&NewResident>, Vec<&NewResident>) = chunk
            .into_iter()
            .partition(|r| !existing.contains_key(r.id_number.as_str()));
        if !fresh.is_empty() {
            insert_fresh!($tx, fresh, $ctx, $ids);
            $counts.created += fresh.len() as u64;
        }
        let stored_tags = load_tags!($tx, known, existing);
        let mut changes = Vec::new();
        for r in known {
            let old = &existing[r.id_number.as_str()];
            let before = changes.len();
            let tags = stored_tags.get(&old.id).map(Vec::as_slice).unwrap_or(&[]);
            update_known!($tx, r, old, tags, $ctx, $ids, changes);
            if changes.len() > before {
                $counts.updated += 1;
            } else {
                $counts.unchanged += 1;
            }
        }
        if !changes.is_empty() {
            let mut q = QueryBuilder::new(
                "INSERT INTO registry_changes (resident_id, at, actor, source, field, old_value, \
                 new_value) ",
            );
            q.push_values(&changes, |mut b, c: &Change| {
                b.push_bind(c.resident_id)
                    .push_bind($ctx.now)
                    .push_bind(&$ctx.actor)
                    .push_bind(&$ctx.source)
                    .push_bind(c.field)
                    .push_bind(&c.old)
                    .push_bind(&c.new);
            });
            q.build().execute(&mut *$tx).await?;
        }
    }};
}
use write_chunk;

macro_rules! resolve_dwellings {
    ($tx:ident, $chunk:expr, $ids:ident) => {{
        let mut todo: Vec<(&NewDwelling, &str)> = Vec::new();
        let mut queued: HashSet<&str> = HashSet::new();
        for r in $chunk {
            if let Some(d) = &r.dwelling {
                if !$ids.dwellings.contains_key(&d.address) && queued.insert(d.address.as_str()) {
                    todo.push((d, r.org_path.as_str()));
                }
            }
        }
        if !todo.is_empty() {
            let mut q = QueryBuilder::new(
                "INSERT INTO registry_dwellings (address, building, unit, room, org_path) ",
            );
            q.push_values(&todo, |mut b, (d, org)| {
                b.push_bind(&d.address)
                    .push_bind(&d.building)
                    .push_bind(&d.unit)
                    .push_bind(&d.room)
                    .push_bind(*org);
            });
            q.push(
                " ON CONFLICT (address) DO UPDATE SET address = excluded.address \
                 RETURNING id, address",
            );
            let rows: Vec<(i64, String)> = q.build_query_as().fetch_all(&mut *$tx).await?;
            for (id, address) in rows {
                $ids.dwellings.insert(address, id);
            }
        }
    }};
}
use resolve_dwellings;

macro_rules! resolve_households {
    ($tx:ident, $chunk:expr, $ids:ident, $ctx:expr) => {{
        let mut todo: Vec<(&NewResident, &str)> = Vec::new();
        let mut queued: HashSet<(&str, &str)> = HashSet::new();
        for r in $chunk {
            if let Some(h) = &r.household {
                let known = $ids.household(&r.community_path, h).is_some();
                if !known && queued.insert((r.community_path.as_str(), h.as_str())) {
                    todo.push((r, h.as_str()));
                }
            }
        }
        if !todo.is_empty() {
            let mut q = QueryBuilder::new(
                "INSERT INTO registry_households (community_path, number, org_path, dwelling_id, \
                 created_at) ",
            );
            q.push_values(&todo, |mut b, (r, number)| {
                let dwelling = r
                    .dwelling
                    .as_ref()
                    .and_then(|d| $ids.dwellings.get(&d.address).copied());
                b.push_bind(&r.community_path)
                    .push_bind(*number)
                    .push_bind(&r.org_path)
                    .push_bind(dwelling)
                    .push_bind($ctx.now);
            });
            q.push(
                " ON CONFLICT (community_path, number) DO UPDATE SET \
                 dwelling_id = COALESCE(excluded.dwelling_id, registry_households.dwelling_id) \
                 RETURNING id, community_path, number",
            );
            let rows: Vec<(i64, String, String)> = q.build_query_as().fetch_all(&mut *$tx).await?;
            for (id, community, number) in rows {
                $ids.households
                    .entry(community)
                    .or_default()
                    .insert(number, id);
            }
        }
    }};
}
use resolve_households;

macro_rules! load_existing {
    ($tx:ident, $chunk:expr) => {{
        let mut q = QueryBuilder::new(
            "SELECT id, id_number, name, phone, registered_address, actual_address, ethnicity, \
             political_status, marital_status, employment, relation, org_path, household_id, \
             household_since, dwelling_id, status FROM registry_residents WHERE id_rev IN (",
        );
        let mut list = q.separated(", ");
        for r in $chunk {
            list.push_bind(reversed(&r.id_number));
        }
        q.push(")");
        let rows: Vec<Existing> = q.build_query_as().fetch_all(&mut *$tx).await?;
        rows.into_iter()
            .map(|e| (e.id_number.clone(), e))
            .collect::<HashMap<String, Existing>>()
    }};
}
use load_existing;

fn household_id(ids: &Ids, r: &NewResident) -> Option<i64> {
    ids.household(&r.community_path, r.household.as_deref()?)
}

fn dwelling_id(ids: &Ids, r: &NewResident) -> Option<i64> {
    ids.dwellings.get(&r.dwelling.as_ref()?.address).copied()
}

/// The ID number as its unique index stores it (see the migration).
pub(crate) fn reversed(id_number: &str) -> String {
    id_number.chars().rev().collect()
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

macro_rules! insert_fresh {
    ($tx:ident, $fresh:ident, $ctx:expr, $ids:ident) => {{
        let mut q = QueryBuilder::new(
            "INSERT INTO registry_residents (id_number, id_rev, name, name_initials, sex, \
             birth_date, phone, registered_address, actual_address, ethnicity, political_status, \
             marital_status, employment, org_path, household_id, relation, household_since, \
             dwelling_id, created_at, updated_at) ",
        );
        q.push_values(&$fresh, |mut b, r| {
            b.push_bind(&r.id_number)
                .push_bind(reversed(&r.id_number))
                .push_bind(&r.name)
                .push_bind(&r.name_initials)
                .push_bind(r.sex)
                .push_bind(&r.birth_date)
                .push_bind(opt(&r.phone))
                .push_bind(opt(&r.registered_address))
                .push_bind(opt(&r.actual_address))
                .push_bind(opt(&r.ethnicity))
                .push_bind(opt(&r.political_status))
                .push_bind(opt(&r.marital_status))
                .push_bind(opt(&r.employment))
                .push_bind(&r.org_path)
                .push_bind(household_id(&$ids, r))
                .push_bind(opt(&r.relation))
                .push_bind(household_id(&$ids, r).map(|_| $ctx.today.as_str()))
                .push_bind(dwelling_id(&$ids, r))
                .push_bind($ctx.now)
                .push_bind($ctx.now);
        });
        q.push(" RETURNING id, id_number");
        let rows: Vec<(i64, String)> = q.build_query_as().fetch_all(&mut *$tx).await?;
        let by_number: HashMap<String, i64> = rows.into_iter().map(|(i, n)| (n, i)).collect();
        let placed: Vec<(i64, &NewResident)> = $fresh
            .iter()
            .map(|r| (by_number[&r.id_number], *r))
            .collect();
        let tags: Vec<(i64, &(String, String))> = placed
            .iter()
            .flat_map(|(id, r)| r.tags.iter().flatten().map(move |t| (*id, t)))
            .collect();
        if !tags.is_empty() {
            let mut q = QueryBuilder::new("INSERT INTO registry_tags (resident_id, tag, since) ");
            q.push_values(&tags, |mut b, (id, (tag, since))| {
                b.push_bind(*id).push_bind(tag).push_bind(since);
            });
            q.build().execute(&mut *$tx).await?;
        }
    }};
}
use insert_fresh;

/// Field-by-field comparison of a known person with the ledger's row; only columns the ledger has
/// are compared.
fn field_changes(r: &NewResident, old: &Existing) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    let mut cmp = |field: &'static str, old: &str, new: Option<&str>| {
        if let Some(new) = new.filter(|n| *n != old) {
            out.push((field, old.to_string(), new.to_string()));
        }
    };
    cmp("name", &old.name, Some(&r.name));
    cmp("phone", &old.phone, r.phone.as_deref());
    cmp(
        "registered_address",
        &old.registered_address,
        r.registered_address.as_deref(),
    );
    cmp(
        "actual_address",
        &old.actual_address,
        r.actual_address.as_deref(),
    );
    cmp("ethnicity", &old.ethnicity, r.ethnicity.as_deref());
    cmp(
        "political_status",
        &old.political_status,
        r.political_status.as_deref(),
    );
    cmp(
        "marital_status",
        &old.marital_status,
        r.marital_status.as_deref(),
    );
    cmp("employment", &old.employment, r.employment.as_deref());
    cmp("relation", &old.relation, r.relation.as_deref());
    // A ledger that names only the community does not pull a person out of their grid.
    let more_specific = !old.org_path.starts_with(&r.org_path) || old.org_path == r.org_path;
    cmp(
        "grid",
        &old.org_path,
        more_specific.then_some(r.org_path.as_str()),
    );
    if old.status != "active" {
        out.push(("status", old.status.clone(), "active".into()));
    }
    out
}

macro_rules! update_known {
    ($tx:ident, $r:ident, $old:ident, $stored_tags:ident, $ctx:expr, $ids:ident, $changes:ident) => {{
        let fields = field_changes($r, $old);
        let new_household = household_id(&$ids, $r).filter(|h| Some(*h) != $old.household_id);
        let new_dwelling = dwelling_id(&$ids, $r).filter(|d| Some(*d) != $old.dwelling_id);
        let tag_changes = sync_tags!($tx, $r, $old, $stored_tags);
        if !fields.is_empty() || new_household.is_some() || new_dwelling.is_some() {
            let value = |f: &str, fallback: &str| -> String {
                fields
                    .iter()
                    .find(|(n, _, _)| *n == f)
                    .map_or(fallback.to_string(), |(_, _, new)| new.clone())
            };
            sqlx::query(
                "UPDATE registry_residents SET name = $1, phone = $2, registered_address = $3, \
                 actual_address = $4, ethnicity = $5, political_status = $6, \
                 marital_status = $7, employment = $8, relation = $9, org_path = $10, \
                 household_id = $11, dwelling_id = $12, status = 'active', left_on = NULL, \
                 updated_at = $13, household_since = $15 WHERE id = $14",
            )
            .bind(value("name", &$old.name))
            .bind(value("phone", &$old.phone))
            .bind(value("registered_address", &$old.registered_address))
            .bind(value("actual_address", &$old.actual_address))
            .bind(value("ethnicity", &$old.ethnicity))
            .bind(value("political_status", &$old.political_status))
            .bind(value("marital_status", &$old.marital_status))
            .bind(value("employment", &$old.employment))
            .bind(value("relation", &$old.relation))
            .bind(value("grid", &$old.org_path))
            .bind(new_household.or($old.household_id))
            .bind(new_dwelling.or($old.dwelling_id))
            .bind($ctx.now)
            .bind($old.id)
            .bind(match new_household {
                Some(_) => Some($ctx.today.as_str()),
                None => $old.household_since.as_deref(),
            })
            .execute(&mut *$tx)
            .await?;
        }
        if let Some(h) = new_household {
            move_household!($tx, $old, $ctx);
            $changes.push(Change {
                resident_id: $old.id,
                field: "household",
                old: $old.household_id.map(|i| i.to_string()).unwrap_or_default(),
                new: h.to_string(),
            });
        }
        for (field, old, new) in fields.into_iter().chain(tag_changes) {
            $changes.push(Change {
                resident_id: $old.id,
                field,
                old,
                new,
            });
        }
    }};
}
use update_known;

/// Moving is an event: the membership of the household being left is kept, ending today; the
/// new one is the row's current household (set by the caller).
macro_rules! move_household {
    ($tx:ident, $old:ident, $ctx:expr) => {{
        if let Some(left) = $old.household_id {
            sqlx::query(
                "INSERT INTO registry_memberships (resident_id, household_id, relation, \
                 joined_on, left_on) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind($old.id)
            .bind(left)
            .bind(&$old.relation)
            .bind($old.household_since.as_deref().unwrap_or(""))
            .bind(&$ctx.today)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
use move_household;

/// The stored tags of the chunk's known people, by resident id, each list sorted by tag.
macro_rules! load_tags {
    ($tx:ident, $known:ident, $existing:ident) => {{
        let mut by_id: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        let ids: Vec<i64> = $known
            .iter()
            .filter(|r| r.tags.is_some())
            .map(|r| $existing[r.id_number.as_str()].id)
            .collect();
        if !ids.is_empty() {
            let mut q = QueryBuilder::new(
                "SELECT resident_id, tag, since FROM registry_tags WHERE resident_id IN (",
            );
            let mut list = q.separated(", ");
            for id in &ids {
                list.push_bind(*id);
            }
            q.push(") ORDER BY resident_id, tag");
            let rows: Vec<(i64, String, String)> = q.build_query_as().fetch_all(&mut *$tx).await?;
            for (id, tag, since) in rows {
                by_id.entry(id).or_default().push((tag, since));
            }
        }
        by_id
    }};
}
use load_tags;

/// Replaces a known person's tags with the ledger's when it has a tags column; returns the
/// change as one "tags" entry listing before and after.
macro_rules! sync_tags {
    ($tx:ident, $r:ident, $old:ident, $stored:ident) => {{
        let mut out: Vec<(&'static str, String, String)> = Vec::new();
        if let Some(new_tags) = &$r.tags {
            let mut wanted = new_tags.clone();
            wanted.sort();
            if $stored != wanted.as_slice() {
                sqlx::query("DELETE FROM registry_tags WHERE resident_id = $1")
                    .bind($old.id)
                    .execute(&mut *$tx)
                    .await?;
                for (tag, since) in &wanted {
                    sqlx::query(
                        "INSERT INTO registry_tags (resident_id, tag, since) VALUES ($1, $2, $3)",
                    )
                    .bind($old.id)
                    .bind(tag)
                    .bind(since)
                    .execute(&mut *$tx)
                    .await?;
                }
                out.push(("tags", tag_list($stored), tag_list(&wanted)));
            }
        }
        out
    }};
}
use sync_tags;

fn tag_list(tags: &[(String, String)]) -> String {
    tags.iter()
        .map(|(t, s)| {
            if s.is_empty() {
                t.clone()
            } else {
                format!("{t}({s})")
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}
