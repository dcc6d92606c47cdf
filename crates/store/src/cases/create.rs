//! Creating cases, alone or several at once. At a busy hour intakes arrive together, and writing
//! each in its own transaction made every one pay for a commit and for writing the same table
//! and index pages again; a batch is one transaction with one statement per table.

use super::mandates::mandate_stmt;
use super::routed::{self, Router};
use super::tail::{self, FirstEvent, Tail};
use super::{Actor, Attachment, Case, Enclosures, NewCase};
use crate::notifications::receivers_stmt;
use crate::statement::{Col, Param, Run, Stmt};
use crate::users::routable_in;
use crate::{Backend, Db, Result, StoreError};
use quanke_domain::OrgPath;
use quanke_domain::calendar::Day;
use quanke_domain::notice::{Kind, is_online};
use std::collections::{BTreeMap, HashMap};

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
/// answered with the earlier case, as it is now; the others take the day's next numbers and are
/// written with their first events, visits, files and documents. On SQLite the transaction runs
/// on the turn's connection outside sqlx (`statement`), on this thread: no hand-off at all.
async fn write(
    db: &Db,
    batch: &[(&NewCase, &Actor<'_>)],
    enclosed: &[&Enclosures],
    router: Option<Router>,
) -> Result<Vec<(Case, bool)>> {
    let backend = db.backend();
    let done = match db {
        Db::Sqlite(sqlite) => {
            let mut turn = sqlite.writer.take().await?;
            let mut direct = turn.direct()?;
            direct.begin().await?;
            let conn: &mut rusqlite::Connection = &mut direct;
            let done = steps(conn, backend, batch, enclosed, router).await;
            // Ended here, before the next writer's turn, so SQLite's write lock is never
            // left held by a failed batch.
            match done.and_then(|d| conn.execute_batch("COMMIT").map(|()| d).map_err(Into::into)) {
                Ok(d) => d,
                Err(e) => {
                    // A failed COMMIT may have ended the transaction already.
                    if !conn.is_autocommit() {
                        conn.execute_batch("ROLLBACK")?;
                    }
                    return Err(e);
                }
            }
        }
        Db::Pg(pool) => {
            let mut tx = pool.begin().await?;
            match steps(&mut *tx, backend, batch, enclosed, router).await {
                Ok(d) => {
                    tx.commit().await?;
                    d
                }
                Err(e) => {
                    tx.rollback().await?;
                    return Err(e);
                }
            }
        }
    };
    let mut earlier = Vec::with_capacity(done.earlier.len());
    for id in done.earlier {
        earlier.push(super::get(db, id).await?);
    }
    answers(batch, done.made, earlier)
}

/// What a batch's transaction wrote: each new case at its place in the batch, and the ids of
/// the stored cases whose keys the batch brought again.
struct Written {
    made: Vec<(usize, Case)>,
    earlier: Vec<i64>,
}

/// The batch's statements, in the transaction `run` is in.
async fn steps<R: Run>(
    run: &mut R,
    backend: Backend,
    batch: &[(&NewCase, &Actor<'_>)],
    enclosed: &[&Enclosures],
    router: Option<Router>,
) -> Result<Written> {
    let earlier = stored_keys(run, backend, batch).await?;
    let fresh = fresh(batch, &earlier);
    let routed = route(run, batch, &fresh, router).await?;
    let batch = &with_routes(batch, &routed)[..];
    let mut numbers = vec![String::new(); fresh.len()];
    for ((community, day), members) in by_counter(batch, &fresh) {
        let count = members.len() as i64;
        let last = take_numbers(run, community, day, count).await?;
        for (seq, pos) in (last - count + 1..).zip(members) {
            let code = &batch[fresh[pos]].0.community_code;
            numbers[pos] = case_number(code, day, seq);
        }
    }
    let ids = match fresh.is_empty() {
        true => Vec::new(),
        false => insert_cases(run, backend, batch, &fresh, &numbers).await?,
    };
    count_loads(run, backend, batch, &fresh).await?;
    let events = first_events(batch, &fresh, &ids);
    let mut tail = Tail::default();
    if fresh.iter().any(|&i| !enclosed[i].files.is_empty()) {
        let opening = insert_events(run, backend, &events).await?;
        for (&i, case_id) in fresh.iter().zip(&ids) {
            let (with, by) = (enclosed[i], batch[i].1);
            for f in &with.files {
                run.execute(&file_stmt(*case_id, opening.get(case_id).copied(), f, by))
                    .await?;
            }
        }
    } else {
        tail.events = events;
    }
    tail.documents = enclosed_of(batch, enclosed, &fresh, &ids, |w| w.document.as_ref());
    tail.results = enclosed_of(batch, enclosed, &fresh, &ids, |w| w.result.as_ref());
    tail.visits = visits_of(batch, &fresh, &ids);
    tail.assigned = assignments_of(batch, &fresh, &ids);
    for s in tail.statements(backend) {
        run.execute(&s).await?;
    }
    // Few cases carry a mandate (代办) or come from the portal: one statement each.
    for (&i, &case_id) in fresh.iter().zip(&ids) {
        let (c, by) = batch[i];
        if let Some(m) = &c.mandate {
            run.execute(&mandate_stmt(case_id, m)).await?;
        }
        if is_online(&c.channel) {
            let text = format!("{}的网上申请", c.applicant_name);
            let kind = Kind::OnlineApplication;
            run.execute(&receivers_stmt(
                c.community_path.as_str(),
                kind,
                case_id,
                &text,
                by,
            ))
            .await?;
        }
    }
    let made = fresh
        .iter()
        .zip(&ids)
        .zip(numbers)
        .map(|((&i, &id), number)| (i, written(batch[i].0, id, number, batch[i].1)))
        .collect();
    Ok(Written {
        made,
        earlier: earlier.into_iter().map(|(id, _)| id).collect(),
    })
}

/// The routed fresh cases of the batch given out (see `routed`), the staff of their
/// communities read in the transaction.
async fn route<R: Run>(
    run: &mut R,
    batch: &[(&NewCase, &Actor<'_>)],
    fresh: &[usize],
    router: Option<Router>,
) -> Result<Vec<(usize, NewCase)>> {
    let paths = routed::communities(batch, fresh);
    let router = match router {
        _ if paths.is_empty() => return Ok(Vec::new()),
        None => {
            return Err(StoreError::Conflict(
                "a case asks to be routed but the writer has no router".into(),
            ));
        }
        Some(router) => router,
    };
    let mut staff = HashMap::new();
    for path in paths {
        let root = OrgPath::from_stored(path.to_string());
        staff.insert(path.to_string(), routable_in(run, &root).await?);
    }
    Ok(routed::give_out(batch, fresh, router, staff))
}

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

/// (id, key) of the stored cases with the batch's idempotency keys.
async fn stored_keys<R: Run>(
    run: &mut R,
    backend: Backend,
    batch: &[(&NewCase, &Actor<'_>)],
) -> Result<Vec<(i64, String)>> {
    let keys: Vec<&str> = batch
        .iter()
        .filter_map(|(c, _)| c.idempotency_key.as_deref())
        .collect();
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let rows = run
        .fetch(&keys_stmt(backend, &keys), &[Col::Int, Col::Text])
        .await?;
    rows.into_iter()
        .map(|mut r| Ok((r[0].int()?, r[1].text()?)))
        .collect()
}

/// The lookup of the stored cases with these keys. On SQLite it names the UNIQUE column's own
/// index (the second UNIQUE column of `cases`; migration 0026): its statistics count the desk's
/// cases without a key as one key held by hundreds of cases, and SQLite then scanned every case.
fn keys_stmt<'k>(backend: Backend, keys: &[&'k str]) -> Stmt<'k> {
    let index = match backend {
        Backend::Sqlite => " INDEXED BY sqlite_autoindex_cases_2",
        Backend::Postgres => "",
    };
    let mut s = Stmt::new(format!(
        "SELECT id, idempotency_key FROM cases{index} WHERE idempotency_key IN {}",
        backend.placeholders(0, 1, keys.len())
    ));
    for key in keys {
        s.push(*key);
    }
    s
}

/// Counts `count` numbers off the day's counter; the last one taken.
async fn take_numbers<R: Run>(run: &mut R, community: &str, day: Day, count: i64) -> Result<i64> {
    let s = Stmt::new(
        "INSERT INTO case_counters (community_path, day, last) VALUES ($1, $2, $3) \
         ON CONFLICT (community_path, day) DO UPDATE \
         SET last = case_counters.last + $3 RETURNING last",
    )
    .bind(community)
    .bind(day)
    .bind(count);
    let rows = run.fetch(&s, &[Col::Int]).await?;
    rows.first().ok_or(StoreError::NotFound)?[0].int()
}

/// Inserts the cases at `fresh` with their numbers; their ids, in the same order.
async fn insert_cases<R: Run>(
    run: &mut R,
    backend: Backend,
    batch: &[(&NewCase, &Actor<'_>)],
    fresh: &[usize],
    numbers: &[String],
) -> Result<Vec<i64>> {
    let mut s = Stmt::new(format!(
        "INSERT INTO cases (number, community_path, item_code, item_version, resident_id, \
         applicant_name, applicant_phone, channel, state, promised_days, created_by, \
         created_at, updated_at, idempotency_key, line, business_kind, answers, checklist, \
         accepted_on, due_on, assignee_id, open311_key_id, applicant_phone_key) VALUES {}",
        backend.placeholders(0, fresh.len(), 23)
    ));
    let phone_keys: Vec<String> = fresh
        .iter()
        .map(|&i| quanke_domain::ident::phone::lookup_key(&batch[i].0.applicant_phone))
        .collect();
    for ((&i, number), phone_key) in fresh.iter().zip(numbers).zip(&phone_keys) {
        let (c, by) = batch[i];
        s.params.extend([
            Param::from(number),
            Param::from(c.community_path.as_str()),
            Param::from(&c.item_code),
            Param::from(c.item_version),
            Param::from(c.resident_id),
            Param::from(&c.applicant_name),
            Param::from(&c.applicant_phone),
            Param::from(&c.channel),
            Param::from(c.state.code()),
            Param::from(c.promised_days),
            Param::from(by.id),
            Param::from(by.now),
            Param::from(by.now),
            Param::from(&c.idempotency_key),
            Param::from(&c.line),
            Param::from(c.business_kind.code()),
            Param::from(&c.answers),
            Param::from(&c.checklist),
            Param::from(c.accepted_on),
            Param::from(c.due_on),
            Param::from(c.assignee_id),
            Param::from(c.open311_key_id),
            Param::from(phone_key),
        ]);
    }
    if let Some(ids) = run.insert_rowids(&s, fresh.len()).await? {
        return Ok(ids);
    }
    s.sql.push_str(" RETURNING id, number");
    let mut rows = HashMap::new();
    for mut r in run.fetch(&s, &[Col::Int, Col::Text]).await? {
        rows.insert(r[1].text()?, r[0].int()?);
    }
    ids_in_order(&rows, numbers)
}

/// Counts the open cases the batch gave someone into their loads (`worker_loads`, which the
/// triggers of migration 0013 keep through every later change): one row per assignee, in
/// their order, so that PostgreSQL locks them in the same order in every batch and two
/// servers' batches wait for each other instead of deadlocking.
async fn count_loads<R: Run>(
    run: &mut R,
    backend: Backend,
    batch: &[(&NewCase, &Actor<'_>)],
    fresh: &[usize],
) -> Result<()> {
    let mut added: BTreeMap<i64, i64> = BTreeMap::new();
    for &i in fresh {
        let c = batch[i].0;
        let open = c.state.is_open();
        if let (Some(to), true) = (c.assignee_id, open) {
            *added.entry(to).or_default() += 1;
        }
    }
    if added.is_empty() {
        return Ok(());
    }
    let mut s = Stmt::new(format!(
        "INSERT INTO worker_loads (user_id, open_cases) VALUES {} \
         ON CONFLICT (user_id) DO UPDATE \
         SET open_cases = worker_loads.open_cases + excluded.open_cases",
        backend.placeholders(0, added.len(), 2)
    ));
    for (to, n) in added {
        s.params.extend([Param::from(to), Param::from(n)]);
    }
    run.execute(&s).await
}

/// Inserts the events alone; case id → the id of its opening event (the one from no state).
async fn insert_events<R: Run>(
    run: &mut R,
    backend: Backend,
    events: &[FirstEvent<'_>],
) -> Result<HashMap<i64, i64>> {
    let s = tail::events_returning(backend, events);
    let mut opening = HashMap::new();
    for mut r in run.fetch(&s, &[Col::Int, Col::Int, Col::Text]).await? {
        if r[2].text()?.is_empty() {
            opening.insert(r[1].int()?, r[0].int()?);
        }
    }
    Ok(opening)
}

/// One file of a new case, on its opening event. One statement per file: a batch of scans
/// may be tens of megabytes, more than a statement should carry.
fn file_stmt<'b>(case: i64, event: Option<i64>, f: &'b Attachment, by: &'b Actor<'b>) -> Stmt<'b> {
    Stmt::new(
        "INSERT INTO case_files (case_id, event_id, file_name, content_type, size, data, \
         uploaded_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(case)
    .bind(event)
    .bind(&f.file_name)
    .bind(&f.content_type)
    .bind(f.data.len() as i64)
    .bind(&f.data[..])
    .bind(by.id)
    .bind(by.now)
}

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
fn fresh(batch: &[(&NewCase, &Actor<'_>)], earlier: &[(i64, String)]) -> Vec<usize> {
    let mut seen: Vec<&str> = earlier.iter().map(|(_, key)| key.as_str()).collect();
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
) -> Vec<((&'b str, Day), Vec<usize>)> {
    let mut groups: Vec<((&str, Day), Vec<usize>)> = Vec::new();
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
            to: c.state.code(),
            action: &c.action,
            note: &c.note,
        });
        if let Some(why) = &c.assign_note {
            events.push(FirstEvent {
                case_id,
                by,
                from: c.state.code(),
                to: c.state.code(),
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

/// One answer per case of the batch: the new case as written, or the stored one with its key
/// (stored before, or new earlier in the batch).
fn answers(
    batch: &[(&NewCase, &Actor<'_>)],
    made: Vec<(usize, Case)>,
    earlier: Vec<Case>,
) -> Result<Vec<(Case, bool)>> {
    let mut made = made.into_iter().peekable();
    let mut out: Vec<(Case, bool)> = Vec::with_capacity(batch.len());
    for (i, (c, _)) in batch.iter().enumerate() {
        if let Some((_, case)) = made.next_if(|(at, _)| *at == i) {
            out.push((case, true));
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
        state: c.state,
        promised_days: c.promised_days,
        assignee_id: c.assignee_id,
        created_by: by.id,
        created_at: by.now,
        updated_at: by.now,
        line: c.line.clone(),
        business_kind: c.business_kind,
        answers: c.answers.clone(),
        checklist: c.checklist.clone(),
        accepted_on: c.accepted_on,
        due_on: c.due_on,
        escalated_at: None,
        open311_key_id: c.open311_key_id,
        idempotency_key: c.idempotency_key.clone(),
    }
}

/// "MYQ-20261128-0007".
fn case_number(community_code: &str, day: Day, seq: i64) -> String {
    format!(
        "{community_code}-{}-{seq:04}",
        day.to_string().replace('-', "")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// After days of intake without keys (the desk's), the keys of a batch are still found
    /// through the column's index: the index named exists (or SQLite refuses the statement) and
    /// is searched, not scanned.
    #[tokio::test]
    async fn keys_are_looked_up_by_index_after_keyless_days() {
        let t = crate::testing::TestDb::new(Backend::Sqlite).await.unwrap();
        let Db::Sqlite(sqlite) = &t.db else {
            unreachable!("a SQLite test database")
        };
        for n in 0..600 {
            sqlx::query(
                "INSERT INTO cases (number, community_path, item_code, item_version, \
                 applicant_name, channel, state, promised_days, created_at, updated_at) \
                 VALUES ($1, '/1/2/', 'MZ-GL80', 1, '居民', 'desk', 'accepted', 20, 0, 0)",
            )
            .bind(format!("MYQ-20261128-{n:04}"))
            .execute(&sqlite.pool)
            .await
            .unwrap();
        }
        sqlx::query("ANALYZE").execute(&sqlite.pool).await.unwrap();
        let mut explain = keys_stmt(Backend::Sqlite, &["api-1", "api-2", "new"]);
        explain.sql = format!("EXPLAIN QUERY PLAN {}", explain.sql);
        // A fresh connection reads the statistics, as the server's pool does.
        let mut fresh = sqlite.pool.acquire().await.unwrap().detach();
        let plan = fresh
            .fetch(&explain, &[Col::Int, Col::Int, Col::Int, Col::Text])
            .await
            .unwrap();
        let steps: Vec<String> = plan.into_iter().map(|mut p| p[3].text().unwrap()).collect();
        assert!(
            steps.iter().all(
                |s| s.starts_with("SEARCH cases USING COVERING INDEX sqlite_autoindex_cases_2")
            ),
            "{steps:?}"
        );
        assert!(!keys_stmt(Backend::Postgres, &["k"]).sql.contains("INDEXED"));
        t.finish().await;
    }

    #[test]
    fn numbers_are_zero_padded_per_day() {
        let day = "2026-11-28".parse().unwrap();
        assert_eq!(case_number("MYQ", day, 7), "MYQ-20261128-0007");
        assert_eq!(case_number("MYQ", day, 12345), "MYQ-20261128-12345");
    }
}
