//! Creating cases, alone or several at once. At a busy hour intakes arrive together, and writing
//! each in its own transaction made every one pay for a commit and for writing the same table
//! and index pages again; a batch is one transaction with one statement per table.

use super::routed::{self, Router};
use super::tail::{self, FirstEvent, Tail, bind_tail};
use super::{Actor, Case, Enclosures, NewCase, select_cases};
use crate::db::with_write_turn;
use crate::notifications::notify_receivers;
use crate::users::routable_query;
use crate::{Db, Result, StoreError};
use quanke_domain::OrgPath;
use quanke_domain::notice::{Kind, is_online};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

/// The most cases written in one statement (SQLite allows 32,766 bound values; a case has 23).
pub const MAX_BATCH: usize = 64;

/// Creates a case, or returns the one already created with the same idempotency key; the flag
/// says whether this call created it.
pub async fn create(db: &Db, c: &NewCase, by: &Actor<'_>) -> Result<(Case, bool)> {
    let mut out = create_many(db, &[(c, by)]).await;
    out.pop().expect("one result per case")
}

/// Creates the cases in one transaction and gives one result per case, in order. When the
/// batch fails as a whole (one case breaks a constraint), each case is written alone, so a bad
/// intake fails only itself. At most `MAX_BATCH` cases.
pub async fn create_many(db: &Db, batch: &[(&NewCase, &Actor<'_>)]) -> Vec<Result<(Case, bool)>> {
    let none = Enclosures::default();
    create_enclosed(db, batch, &vec![&none; batch.len()], None).await
}

/// `create_many`, each case written with its enclosures (`enclosed[i]` goes with `batch[i]`)
/// and the cases that ask for it routed by `router` (a case that asks without one fails).
pub(super) async fn create_enclosed(
    db: &Db,
    batch: &[(&NewCase, &Actor<'_>)],
    enclosed: &[&Enclosures],
    router: Option<Router>,
) -> Vec<Result<(Case, bool)>> {
    assert_eq!(batch.len(), enclosed.len(), "enclosures per case");
    assert!(
        batch.len() <= MAX_BATCH,
        "at most {MAX_BATCH} cases at once"
    );
    match write(db, batch, enclosed, router).await {
        Ok(done) => done.into_iter().map(Ok).collect(),
        Err(e) if batch.len() == 1 => vec![Err(e)],
        Err(_) => {
            let mut out = Vec::with_capacity(batch.len());
            for (one, with) in batch.iter().zip(enclosed) {
                let (one, with) = (std::slice::from_ref(one), std::slice::from_ref(with));
                let alone = write(db, one, with, router).await;
                out.push(alone.map(|mut v| v.remove(0)));
            }
            out
        }
    }
}

/// The batch in one transaction: a case whose key came before (also earlier in the batch) is
/// answered with the earlier case, as it was written then; the others take the day's next
/// numbers and are written with their first events, visits, files and documents.
async fn write(
    db: &Db,
    batch: &[(&NewCase, &Actor<'_>)],
    enclosed: &[&Enclosures],
    router: Option<Router>,
) -> Result<Vec<(Case, bool)>> {
    let keys: Vec<&str> = batch
        .iter()
        .filter_map(|(c, _)| c.idempotency_key.as_deref())
        .collect();
    let backend = db.backend();
    with_write_turn!(db, |tx| {
        let result: Result<Vec<(Case, bool)>> = async {
            let earlier: Vec<Case> = if keys.is_empty() {
                Vec::new()
            } else {
                select_by_keys!(tx, backend, &keys)
            };
            let fresh = fresh(batch, &earlier);
            let routed = route!(tx, batch, &fresh, router);
            let batch = &with_routes(batch, &routed)[..];
            let mut numbers = vec![String::new(); fresh.len()];
            for ((community, day), members) in by_counter(batch, &fresh) {
                let count = members.len() as i64;
                let last = take_numbers!(tx, community, day, count);
                for (seq, pos) in (last - count + 1..).zip(members) {
                    let code = &batch[fresh[pos]].0.community_code;
                    numbers[pos] = case_number(code, day, seq);
                }
            }
            let ids: Vec<i64> = if fresh.is_empty() {
                Vec::new()
            } else {
                insert_cases!(tx, backend, batch, &fresh, &numbers)
            };
            let events = first_events(batch, &fresh, &ids);
            let mut tail = Tail::default();
            if fresh.iter().any(|&i| !enclosed[i].files.is_empty()) {
                let opening: HashMap<i64, i64> = insert_events!(tx, backend, &events);
                for (&i, case_id) in fresh.iter().zip(&ids) {
                    let (with, by) = (enclosed[i], batch[i].1);
                    for f in &with.files {
                        insert_file!(tx, *case_id, opening.get(case_id), f, by);
                    }
                }
            } else {
                tail.events = events;
            }
            tail.documents = enclosed_of(batch, enclosed, &fresh, &ids, |w| w.document.as_ref());
            tail.results = enclosed_of(batch, enclosed, &fresh, &ids, |w| w.result.as_ref());
            tail.visits = visits_of(batch, &fresh, &ids);
            tail.assigned = assignments_of(batch, &fresh, &ids);
            if let Some(sql) = tail.sql(backend) {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                bind_tail!(q, &tail);
                q.execute(&mut *tx).await?;
            }
            // Few cases carry a mandate (代办), so one statement each is enough.
            for (&i, &case_id) in fresh.iter().zip(&ids) {
                if let Some(m) = &batch[i].0.mandate {
                    insert_mandate!(tx, case_id, m);
                }
            }
            // Online applications are few next to the desk's intakes: one statement each.
            for (&i, &case_id) in fresh.iter().zip(&ids) {
                let (c, by) = batch[i];
                if is_online(&c.channel) {
                    let text = format!("{}的网上申请", c.applicant_name);
                    let kind = Kind::OnlineApplication;
                    notify_receivers!(tx, &c.community_path, kind, case_id, &text, by);
                }
            }
            answers(batch, &fresh, &ids, numbers, earlier)
        }
        .await;
        // Rolled back here, before the next writer's turn: a dropped transaction rolls back
        // only when its connection is next used, and SQLite's write lock stays held until then.
        match result {
            Ok(done) => {
                tx.commit().await?;
                Ok(done)
            }
            Err(e) => {
                tx.rollback().await?;
                Err(e)
            }
        }
    })
}

/// The routed fresh cases of the batch given out (see `routed`), the staff of their
/// communities read in the transaction.
macro_rules! route {
    ($tx:ident, $batch:expr, $fresh:expr, $router:expr) => {{
        let paths = routed::communities($batch, $fresh);
        match $router {
            _ if paths.is_empty() => Vec::new(),
            None => {
                return Err(StoreError::Conflict(
                    "a case asks to be routed but the writer has no router".into(),
                ));
            }
            Some(router) => {
                let mut staff = HashMap::new();
                for path in paths {
                    let root = OrgPath::from_stored(path.to_string());
                    let rows = routable_query!(root).fetch_all(&mut *$tx).await?;
                    staff.insert(path.to_string(), rows);
                }
                routed::give_out($batch, $fresh, router, staff)
            }
        }
    }};
}
use route;

/// The batch with the routed cases in place of the ones that asked.
fn with_routes<'b>(
    batch: &[(&'b NewCase, &'b Actor<'b>)],
    routed: &'b [(usize, NewCase)],
) -> Vec<(&'b NewCase, &'b Actor<'b>)> {
    let mut out = batch.to_vec();
    for (i, c) in routed {
        out[*i].0 = c;
    }
    out
}

macro_rules! select_by_keys {
    ($tx:ident, $backend:expr, $keys:expr) => {{
        let sql = format!(
            "{}WHERE idempotency_key IN {}",
            select_cases!(),
            $backend.placeholders(0, 1, $keys.len())
        );
        let mut q = sqlx::query_as(AssertSqlSafe(sql));
        for key in $keys {
            q = q.bind(*key);
        }
        q.fetch_all(&mut *$tx).await?
    }};
}
use select_by_keys;

/// Counts `$count` numbers off the day's counter; the last one taken.
macro_rules! take_numbers {
    ($tx:ident, $community:expr, $day:expr, $count:expr) => {{
        let (last,): (i64,) = sqlx::query_as(
            "INSERT INTO case_counters (community_path, day, last) VALUES ($1, $2, $3) \
             ON CONFLICT (community_path, day) DO UPDATE \
             SET last = case_counters.last + $3 RETURNING last",
        )
        .bind($community)
        .bind($day)
        .bind($count)
        .fetch_one(&mut *$tx)
        .await?;
        last
    }};
}
use take_numbers;

/// Inserts the cases at `$fresh` with their numbers; their ids, in the same order.
macro_rules! insert_cases {
    ($tx:ident, $backend:expr, $batch:expr, $fresh:expr, $numbers:expr) => {{
        let sql = format!(
            "INSERT INTO cases (number, community_path, item_code, item_version, resident_id, \
             applicant_name, applicant_phone, channel, state, promised_days, created_by, \
             created_at, updated_at, idempotency_key, line, business_kind, answers, checklist, \
             accepted_on, due_on, assignee_id, open311_key_id, applicant_phone_key) VALUES {} \
             RETURNING id, number",
            $backend.placeholders(0, $fresh.len(), 23)
        );
        let mut q = sqlx::query_as::<_, (i64, String)>(AssertSqlSafe(sql));
        for (i, number) in by_assignee($batch, $fresh, $numbers) {
            let (c, by) = $batch[i];
            q = q
                .bind(number)
                .bind(&c.community_path)
                .bind(&c.item_code)
                .bind(c.item_version)
                .bind(c.resident_id)
                .bind(&c.applicant_name)
                .bind(&c.applicant_phone)
                .bind(&c.channel)
                .bind(&c.state)
                .bind(c.promised_days)
                .bind(by.id)
                .bind(by.now)
                .bind(by.now)
                .bind(&c.idempotency_key)
                .bind(&c.line)
                .bind(&c.business_kind)
                .bind(&c.answers)
                .bind(&c.checklist)
                .bind(&c.accepted_on)
                .bind(&c.due_on)
                .bind(c.assignee_id)
                .bind(c.open311_key_id)
                .bind(quanke_domain::ident::phone::lookup_key(&c.applicant_phone));
        }
        let rows: HashMap<String, i64> = q
            .fetch_all(&mut *$tx)
            .await?
            .into_iter()
            .map(|(id, number)| (number, id))
            .collect();
        ids_in_order(&rows, $numbers)?
    }};
}
use insert_cases;

/// Inserts the events alone; case id → the id of its opening event (the one from no state).
macro_rules! insert_events {
    ($tx:ident, $backend:expr, $events:expr) => {{
        let sql = tail::events_returning($backend, $events.len());
        let mut q = sqlx::query_as::<_, (i64, i64, String)>(AssertSqlSafe(sql));
        tail::bind_events!(q, $events);
        q.fetch_all(&mut *$tx)
            .await?
            .into_iter()
            .filter(|(_, _, from)| from.is_empty())
            .map(|(id, case_id, _)| (case_id, id))
            .collect()
    }};
}
use insert_events;

/// One file of a new case, on its opening event. One statement per file: a batch of scans
/// may be tens of megabytes, more than a statement should carry.
macro_rules! insert_file {
    ($tx:ident, $case:expr, $event:expr, $f:expr, $by:expr) => {{
        sqlx::query(
            "INSERT INTO case_files (case_id, event_id, file_name, content_type, size, data, \
             uploaded_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind($case)
        .bind($event.copied())
        .bind(&$f.file_name)
        .bind(&$f.content_type)
        .bind($f.data.len() as i64)
        .bind(&$f.data)
        .bind($by.id)
        .bind($by.now)
        .execute(&mut *$tx)
        .await?;
    }};
}
use insert_file;

macro_rules! insert_mandate {
    ($tx:ident, $case_id:expr, $m:expr) => {{
        sqlx::query(super::mandates::INSERT)
            .bind($case_id)
            .bind(&$m.grantor)
            .bind($m.agent_id)
            .bind(&$m.scope)
            .bind(&$m.valid_until)
            .bind($m.recorded_at)
            .execute(&mut *$tx)
            .await?;
    }};
}
use insert_mandate;

/// (recipient, case id, text, at) for the fresh cases given to someone at intake, other than
/// the worker who took it.
fn assignments_of<'b>(
    batch: &[(&'b NewCase, &Actor<'b>)],
    fresh: &[usize],
    ids: &[i64],
) -> Vec<(i64, i64, &'b str, i64)> {
    fresh
        .iter()
        .zip(ids)
        .filter_map(|(&i, &case_id)| {
            let (c, by) = batch[i];
            let to = c.assignee_id.filter(|&to| Some(to) != by.id)?;
            Some((to, case_id, c.assign_note.as_deref().unwrap_or(""), by.now))
        })
        .collect()
}

/// The positions of the batch to insert: all but those whose key is already stored or was
/// seen earlier in the batch.
fn fresh(batch: &[(&NewCase, &Actor<'_>)], earlier: &[Case]) -> Vec<usize> {
    let mut seen: Vec<&str> = earlier
        .iter()
        .filter_map(|c| c.idempotency_key.as_deref())
        .collect();
    let mut fresh = Vec::with_capacity(batch.len());
    for (i, (c, _)) in batch.iter().enumerate() {
        match c.idempotency_key.as_deref() {
            Some(key) if seen.contains(&key) => {}
            Some(key) => {
                seen.push(key);
                fresh.push(i);
            }
            None => fresh.push(i),
        }
    }
    fresh
}

/// Positions in `fresh` per day counter (community, day), counters in key order.
fn by_counter<'b>(
    batch: &[(&'b NewCase, &Actor<'b>)],
    fresh: &[usize],
) -> Vec<((&'b str, &'b str), Vec<usize>)> {
    let mut groups: Vec<((&str, &str), Vec<usize>)> = Vec::new();
    for (pos, &i) in fresh.iter().enumerate() {
        let (c, by) = batch[i];
        let key = (c.community_path.as_str(), by.today);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(pos),
            None => groups.push((key, vec![pos])),
        }
    }
    // Counters are locked until the commit in the order they are taken: the same order in
    // every batch, so two servers' batches wait for each other instead of deadlocking.
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    groups
}

/// The fresh cases (batch position, number) in the order of their assignees. Each insert moves
/// the assignee's row of `worker_loads` (a trigger), which PostgreSQL locks until the commit:
/// two servers' batches that lock the same workers in the same order wait for each other
/// instead of deadlocking.
fn by_assignee<'b>(
    batch: &[(&NewCase, &Actor<'_>)],
    fresh: &[usize],
    numbers: &'b [String],
) -> Vec<(usize, &'b String)> {
    let mut order: Vec<(usize, &String)> = fresh.iter().copied().zip(numbers).collect();
    order.sort_by_key(|(i, _)| batch[*i].0.assignee_id);
    order
}

/// The inserted ids in the order of `numbers` (RETURNING promises no order).
fn ids_in_order(rows: &HashMap<String, i64>, numbers: &[String]) -> Result<Vec<i64>> {
    numbers
        .iter()
        .map(|n| {
            rows.get(n)
                .copied()
                .ok_or_else(|| StoreError::Conflict(format!("case {n} was not written")))
        })
        .collect()
}

/// Each new case's opening event and, when routing gave it out, the assignment; in this
/// order, so the timeline (ordered by event id) reads as it happened.
fn first_events<'b>(
    batch: &'b [(&'b NewCase, &'b Actor<'b>)],
    fresh: &[usize],
    ids: &[i64],
) -> Vec<FirstEvent<'b>> {
    let mut events = Vec::with_capacity(fresh.len() * 2);
    for (&i, &case_id) in fresh.iter().zip(ids) {
        let (c, by) = batch[i];
        events.push(FirstEvent {
            case_id,
            by,
            from: "",
            to: &c.state,
            action: &c.action,
            note: &c.note,
        });
        if let Some(why) = &c.assign_note {
            events.push(FirstEvent {
                case_id,
                by,
                from: &c.state,
                to: &c.state,
                action: "assign",
                note: why,
            });
        }
    }
    events
}

/// (case id, enclosure, by) for the new cases that carry the enclosure `pick` takes.
fn enclosed_of<'b, T>(
    batch: &'b [(&'b NewCase, &'b Actor<'b>)],
    enclosed: &[&'b Enclosures],
    fresh: &[usize],
    ids: &[i64],
    pick: impl Fn(&'b Enclosures) -> Option<&'b T>,
) -> Vec<(i64, &'b T, &'b Actor<'b>)> {
    fresh
        .iter()
        .zip(ids)
        .filter_map(|(&i, &id)| pick(enclosed[i]).map(|e| (id, e, batch[i].1)))
        .collect()
}

/// (case id, purpose, recorded by) for the new cases the resident came in for.
fn visits_of<'b>(
    batch: &'b [(&'b NewCase, &'b Actor<'b>)],
    fresh: &[usize],
    ids: &[i64],
) -> Vec<(i64, &'b str, &'b Actor<'b>)> {
    fresh
        .iter()
        .zip(ids)
        .filter_map(|(&i, &id)| {
            let (c, by) = batch[i];
            c.visit.as_deref().map(|purpose| (id, purpose, by))
        })
        .collect()
}

/// One answer per case of the batch: the new case as written, or the earlier one with its key.
fn answers(
    batch: &[(&NewCase, &Actor<'_>)],
    fresh: &[usize],
    ids: &[i64],
    numbers: Vec<String>,
    earlier: Vec<Case>,
) -> Result<Vec<(Case, bool)>> {
    let mut made = fresh.iter().zip(ids).zip(numbers).peekable();
    let mut out: Vec<(Case, bool)> = Vec::with_capacity(batch.len());
    for (i, (c, by)) in batch.iter().enumerate() {
        if let Some(((_, &id), number)) = made.next_if(|((f, _), _)| **f == i) {
            out.push((written(c, id, number, by), true));
            continue;
        }
        let key = c.idempotency_key.as_deref();
        let before = earlier
            .iter()
            .chain(out.iter().map(|(case, _)| case))
            .find(|e| e.idempotency_key.as_deref() == key)
            .cloned()
            .ok_or(StoreError::NotFound)?;
        out.push((before, false));
    }
    Ok(out)
}

/// The case as `write` wrote it, without reading it back.
fn written(c: &NewCase, id: i64, number: String, by: &Actor<'_>) -> Case {
    Case {
        id,
        number,
        community_path: c.community_path.clone(),
        item_code: c.item_code.clone(),
        item_version: c.item_version,
        resident_id: c.resident_id,
        applicant_name: c.applicant_name.clone(),
        applicant_phone: c.applicant_phone.clone(),
        channel: c.channel.clone(),
        state: c.state.clone(),
        promised_days: c.promised_days,
        assignee_id: c.assignee_id,
        created_by: by.id,
        created_at: by.now,
        updated_at: by.now,
        line: c.line.clone(),
        business_kind: c.business_kind.clone(),
        answers: c.answers.clone(),
        checklist: c.checklist.clone(),
        accepted_on: c.accepted_on.clone(),
        due_on: c.due_on.clone(),
        escalated_at: None,
        open311_key_id: c.open311_key_id,
        idempotency_key: c.idempotency_key.clone(),
    }
}

/// "MYQ-20261128-0007".
fn case_number(community_code: &str, day: &str, seq: i64) -> String {
    format!("{community_code}-{}-{seq:04}", day.replace('-', ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_zero_padded_per_day() {
        assert_eq!(case_number("MYQ", "2026-11-28", 7), "MYQ-20261128-0007");
    }
}
