//! The case writer alone (issue #13): what writing an intake costs the store, without HTTP, the
//! checks or the reads before it. Takes the newest intake of a grown database (`case-base`, or
//! one written through the API) as the template, then writes `--rounds` batches of `--batch`
//! copies of it through the server's `Writer`, each with its own idempotency key, its receipt
//! and routing in the transaction, and prints the time per case. Under
//! `valgrind --tool=callgrind` the instruction count compares two builds or two schemas of the
//! writer exactly, where the machine's load makes wall time vary by a tenth between runs.
//!
//! ```text
//! case-writer DATABASE_URL [--rounds 200] [--batch 16]
//! ```

use anyhow::{Context, Result};
use quanke_app::cases::routing;
use quanke_domain::OrgPath;
use quanke_domain::case::State;
use quanke_domain::catalogue::BusinessKind;
use quanke_store::Db;
use quanke_store::cases::{Actor, Enclosures, NewCase, NewDocument, Writer};
use sqlx::Row;
use std::sync::Arc;
use std::time::Instant;
use tokio::task::JoinSet;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    url: String,
    rounds: usize,
    batch: usize,
}

fn args() -> Result<Args> {
    let mut it = std::env::args().skip(1);
    let url = it
        .next()
        .context("usage: case-writer DATABASE_URL [--rounds N] [--batch N]")?;
    let mut a = Args {
        url,
        rounds: 200,
        batch: 16,
    };
    while let Some(flag) = it.next() {
        let value: usize = it.next().context("a flag without its value")?.parse()?;
        match flag.as_str() {
            "--rounds" => a.rounds = value,
            "--batch" => a.batch = value,
            other => anyhow::bail!("unknown flag {other}"),
        }
    }
    Ok(a)
}

/// The newest case that came with a receipt, as a new case to write again, and its receipt.
async fn template(db: &Db) -> Result<(NewCase, NewDocument, i64)> {
    let Db::Sqlite(s) = db else {
        anyhow::bail!("case-writer reads its template from SQLite");
    };
    let row = sqlx::query(
        "SELECT c.community_path, c.number, c.item_code, c.item_version, c.line, \
         c.business_kind, c.answers, c.checklist, c.applicant_name, c.applicant_phone, \
         c.promised_days, c.due_on, c.created_by, d.kind, d.content \
         FROM cases c JOIN case_documents d ON d.case_id = c.id \
         WHERE c.created_by IS NOT NULL ORDER BY c.id DESC LIMIT 1",
    )
    .fetch_one(&s.pool)
    .await
    .context("no case with a receipt to copy")?;
    let number: String = row.get(1);
    let code = number.split('-').next().unwrap_or_default().to_string();
    let case = NewCase {
        community_path: OrgPath::try_from(row.get::<String, _>(0))?,
        community_code: code,
        item_code: row.get(2),
        item_version: row.get(3),
        line: row.get(4),
        business_kind: BusinessKind::try_from(row.get::<String, _>(5))?,
        answers: row.get(6),
        checklist: row.get(7),
        resident_id: None,
        applicant_name: row.get(8),
        applicant_phone: row.get(9),
        channel: "desk".into(),
        state: State::Accepted,
        action: "accept".into(),
        note: String::new(),
        promised_days: row.get(10),
        accepted_on: Some("2026-12-07".parse().expect("a day")),
        due_on: row.get(11),
        assignee_id: None,
        open311_key_id: None,
        idempotency_key: None,
        visit: None,
        assign_note: None,
        route: true,
        mandate: None,
    };
    let receipt = NewDocument {
        kind: row.get(13),
        content: row.get(14),
    };
    Ok((case, receipt, row.get(12)))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let a = args()?;
    let db = Db::connect(&a.url).await?;
    // As the server starts: the schema brought up to date and the planner's statistics too.
    db.migrate().await?;
    let (case, receipt, by_id) = template(&db).await?;
    let writer = Arc::new(Writer::new(db.clone(), routing::assign));
    let run = std::process::id();
    let started = Instant::now();
    for round in 0..a.rounds {
        // Handed in together, so the writer finds the whole batch waiting.
        let mut batch = JoinSet::new();
        for i in 0..a.batch {
            let mut c = case.clone();
            c.idempotency_key = Some(format!("bench-{run}-{round}-{i}"));
            let with = Enclosures {
                document: Some(receipt.clone()),
                ..Enclosures::default()
            };
            let writer = writer.clone();
            batch.spawn(async move {
                let by = Actor {
                    id: Some(by_id),
                    name: "压测",
                    now: 1_796_000_000,
                    today: "2026-12-07".parse().expect("a day"),
                };
                writer.create(c, with, &by).await.map(|_| ())
            });
        }
        while let Some(done) = batch.join_next().await {
            done??;
        }
    }
    let took = started.elapsed();
    let n = a.rounds * a.batch;
    println!(
        "case-writer: {n} cases in batches of {} in {:.2?}: {:.1} µs a case",
        a.batch,
        took,
        took.as_secs_f64() * 1e6 / n as f64
    );
    db.close().await;
    Ok(())
}
