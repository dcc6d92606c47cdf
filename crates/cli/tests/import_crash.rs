//! A ledger import killed midway (SIGKILL), in both commit modes and on both databases, driving
//! the real `quanke` binary: `--commit all` leaves nothing; `--commit valid` leaves the rows of
//! its committed steps, exactly as many as its run and audit entries say, and is listed as
//! unfinished until the same file, imported again, completes it. PostgreSQL runs when
//! QUANKE_TEST_PG names a server. The printed lines are the results quoted in docs/registry.md.

use quanke_domain::OrgPath;
use quanke_domain::ident::resident_id::check_digit;
use quanke_store::registry::{counts, runs};
use quanke_store::{Db, audit, orgs};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Rows in the ledger: several steps of 25,000, so a kill after the first lands midway.
const ROWS: u32 = 150_000;

fn quanke(dir: &Path, url: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_quanke"));
    c.args(args)
        .args(["--database", url])
        .current_dir(dir)
        .env_remove("QUANKE_CONFIG")
        .env_remove("QUANKE_DATABASE_URL");
    c
}

fn ok(dir: &Path, url: &str, args: &[&str]) -> String {
    let o: Output = quanke(dir, url, args).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{args:?}: {out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// `ROWS` valid people of 拱墅区, a thousand per birth date.
fn ledger(path: &Path) {
    use std::io::Write;
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(w, "姓名,身份证号,联系电话,网格").unwrap();
    let start = time::macros::date!(1950 - 01 - 01);
    let names = [
        "王芳", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏",
    ];
    for n in 0..ROWS {
        let day = start + time::Duration::days(i64::from(n / 1000));
        let first17 = format!(
            "330105{:04}{:02}{:02}{:03}",
            day.year(),
            u8::from(day.month()),
            day.day(),
            n % 1000
        );
        let id = format!("{first17}{}", check_digit(&first17).unwrap());
        let name = names[n as usize % names.len()];
        writeln!(w, "{name},{id},138{:08},第1网格", n).unwrap();
    }
}

/// A fresh database for the binary: a SQLite file, or a new PostgreSQL database.
async fn database(dir: &Path, pg: Option<&str>, mode: &str) -> String {
    let Some(server) = pg else {
        return format!("sqlite:{}", dir.join("q.db").display());
    };
    let name = format!("quanke_crash_{}_{mode}", std::process::id());
    let mut admin = PgConnection::connect(server).await.unwrap();
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap();
    let root = server.rsplit_once('/').unwrap().0;
    format!("{root}/{name}")
}

struct Killed {
    /// Rows the database held (committed) when the process was killed.
    at_kill: i64,
    after: i64,
    seconds: f64,
}

/// Starts the import and kills it with SIGKILL once `ready` says the moment has come.
async fn import_and_kill(
    dir: &Path,
    url: &str,
    mode: &str,
    ready: impl Fn(&[runs::Run]) -> bool,
) -> Killed {
    let db = Db::connect(url).await.unwrap();
    let myq = orgs::by_code(&db, "MYQ").await.unwrap();
    let started = Instant::now();
    let mut child = quanke(
        dir,
        url,
        &["registry", "import", "ledger.csv", "--commit", mode],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    loop {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it could be killed"
        );
        let unfinished = runs::unfinished(&db, &myq.path).await.unwrap();
        if ready(&unfinished) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(600), "no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let at_kill = people(&db, &myq.path).await;
    child.kill().unwrap();
    child.wait().unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let after = people(&db, &myq.path).await;
    db.close().await;
    Killed {
        at_kill,
        after,
        seconds,
    }
}

async fn people(db: &Db, within: &OrgPath) -> i64 {
    counts::by_status(db, within)
        .await
        .unwrap()
        .iter()
        .map(|(_, n)| n)
        .sum()
}

async fn actions(db: &Db, within: &OrgPath) -> Vec<(String, String)> {
    let f = audit::Filter {
        within,
        action: None,
        before_id: None,
        limit: 1000,
    };
    let mut all: Vec<(String, String)> = audit::list(db, &f)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.detail))
        .collect();
    all.reverse();
    all
}

async fn killed_imports(pg: Option<&str>) {
    let backend = if pg.is_some() { "postgres" } else { "sqlite" };
    for mode in ["all", "valid"] {
        let dir = tempfile::Builder::new().prefix(mode).tempdir().unwrap();
        let d = dir.path();
        let url = database(d, pg, mode).await;
        ok(d, &url, &["org", "add", "HS", "湖墅街道"]);
        ok(
            d,
            &url,
            &["org", "add", "MYQ", "卖鱼桥社区", "--parent", "HS"],
        );
        ok(
            d,
            &url,
            &["org", "add", "MYQ-01", "卖鱼桥第一网格", "--parent", "MYQ"],
        );
        ledger(&d.join("ledger.csv"));
        let killed = if mode == "all" {
            // Killed in its writing pass: the run has started (its start is committed) and the
            // writer has been at it for a while, inside its one transaction.
            let since = std::cell::Cell::new(None::<Instant>);
            import_and_kill(d, &url, mode, |runs| {
                if runs.is_empty() {
                    return false;
                }
                let first = since.get().unwrap_or_else(Instant::now);
                since.set(Some(first));
                first.elapsed() > Duration::from_secs(3)
            })
            .await
        } else {
            import_and_kill(d, &url, mode, |runs| {
                runs.first().is_some_and(|r| r.rows_written > 0)
            })
            .await
        };
        let db = Db::connect(&url).await.unwrap();
        let myq = orgs::by_code(&db, "MYQ").await.unwrap();
        let open = runs::unfinished(&db, &myq.path).await.unwrap();
        assert_eq!(open.len(), 1, "the cut-off run is listed");
        let run = &open[0];
        let audit = actions(&db, &myq.path).await;
        let started = audit
            .iter()
            .filter(|(a, _)| a == "registry_import_started")
            .count();
        let steps: Vec<&String> = audit
            .iter()
            .filter(|(a, _)| a == "registry_import_step")
            .map(|(_, d)| d)
            .collect();
        assert_eq!(started, 1, "{audit:?}");
        assert_eq!(killed.after, killed.at_kill, "nothing moved after the kill");
        if mode == "all" {
            assert_eq!(killed.after, 0, "--commit all wrote nothing");
            assert!(run.atomic && run.rows_written == 0 && steps.is_empty());
        } else {
            assert!(killed.after > 0 && killed.after < i64::from(ROWS));
            assert_eq!(run.rows_written, killed.after, "the run says what is kept");
            let last = steps.last().expect("an audit entry per committed step");
            assert!(
                last.contains(&format!("已提交 {} 行", killed.after)),
                "{last}"
            );
        }
        let listed = ok(d, &url, &["registry", "unfinished"]);
        assert!(
            listed.contains("ledger.csv") && listed.contains("重新导入"),
            "{listed}"
        );

        let resumed_at = Instant::now();
        let out = ok(
            d,
            &url,
            &["registry", "import", "ledger.csv", "--commit", mode],
        );
        let resume_seconds = resumed_at.elapsed().as_secs_f64();
        assert!(
            out.contains("ledger.csv"),
            "the cut-off run is named: {out}"
        );
        assert_eq!(people(&db, &myq.path).await, i64::from(ROWS), "{out}");
        assert!(runs::unfinished(&db, &myq.path).await.unwrap().is_empty());
        let listed = ok(d, &url, &["registry", "unfinished"]);
        assert!(listed.contains("没有未完成的导入"), "{listed}");
        println!(
            "{backend} --commit {mode}: {ROWS} rows; killed after {:.1} s with {} rows in the \
             database ({} after the kill, {} step entries in the audit log); the same file again \
             took {resume_seconds:.1} s and left {ROWS}",
            killed.seconds,
            killed.at_kill,
            killed.after,
            steps.len()
        );
        db.close().await;
        if let Some(server) = pg {
            let name = url.rsplit_once('/').unwrap().1.to_string();
            let mut admin = PgConnection::connect(server).await.unwrap();
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            sqlx::query(AssertSqlSafe(sql))
                .execute(&mut admin)
                .await
                .ok();
        }
    }
}

#[tokio::test]
async fn killed_import_sqlite() {
    killed_imports(None).await;
}

#[tokio::test]
async fn killed_import_postgres() {
    match std::env::var("QUANKE_TEST_PG") {
        Ok(server) if !server.is_empty() => killed_imports(Some(&server)).await,
        _ => eprintln!("skipped: QUANKE_TEST_PG not set"),
    }
}
