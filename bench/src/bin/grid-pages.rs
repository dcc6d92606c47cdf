//! Grid work at street scale through HTTP (issue #15): the street's coverage page and a grid's
//! due list, release build, on a street of about 100,000 households with a year of visits.
//!
//! ```text
//! grid-pages setup DATABASE_URL VISITS [BUSINESSES]   # after registry-search filled the street
//! grid-pages URL [--clients 4] [--seconds 20]
//! grid-pages sync DATABASE_URL URL [VISITS]           # a phone's queue, sent twice
//! ```
//!
//! `sync` sends VISITS (default 500) visits to households of C01-01 as the phone's script does
//! (`/api/v1/grid/visits/sync`, 200 to a request), times the whole sync, then sends the same
//! visits again and checks that every one is answered "stored before" and nothing is added.
//!
//! `setup` expects the street `registry-search` fills (street HS, communities C01–C10 of four
//! grids each), registers BUSINESSES businesses (default 5,000) across its grids, adds the
//! accounts `bench_jiedao` (street administrator) and `bench_wangge` (grid worker of C01-01),
//! and records VISITS visits spread over the year before 2026-12-01 through the store's batch
//! writer (the path a phone's queue takes): seven in ten to households (reaching their
//! members), one in ten to people living alone or disabled, two in ten to businesses. It is
//! deterministic: the same database gets the same visits.

use anyhow::{Context, Result, bail};
use quanke_bench::http::connect;
use quanke_bench::http::host_port;
use quanke_bench::pages::{Probe, account, load, post_json, sign_in};
use quanke_bench::registry::{COMMUNITIES, GRIDS, STREET_CODE, grid_code};
use quanke_domain::calendar::Day;
use quanke_domain::grid::{CoverageRules, Purposes, Subject, SubjectKind};
use quanke_domain::{OrgPath, Role};
use quanke_store::grid::visits::{self, NewVisit, Reached};
use quanke_store::grid::{coverage, purpose_sets};
use quanke_store::registry::{NewBusiness, register_business};
use quanke_store::{Db, orgs};
use std::time::Instant;
use time::{Duration, macros::date};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PASSWORD: &str = "bench-grid-2026";
const NOW: i64 = 1_796_083_200;
/// Visits are written this many to a transaction.
const BATCH: usize = 500;

#[tokio::main]
async fn main() -> Result<()> {
    let mut it = std::env::args().skip(1);
    let first = it.next().context(
        "usage: grid-pages setup DATABASE_URL VISITS [BUSINESSES] | grid-pages URL \
         [--clients N] [--seconds D]",
    )?;
    if first == "sync" {
        let url = it.next().context("sync DATABASE_URL URL [VISITS]")?;
        let server = host_port(&it.next().context("sync DATABASE_URL URL [VISITS]")?)?;
        let visits: usize = it.next().map_or(Ok(500), |n| n.parse())?;
        return sync(&url, &server, visits).await;
    }
    if first == "setup" {
        let url = it.next().context("setup DATABASE_URL VISITS")?;
        let visits: usize = it.next().context("VISITS")?.parse()?;
        let businesses: usize = it.next().map_or(Ok(5_000), |n| n.parse())?;
        return setup(&url, visits, businesses).await;
    }
    let addr = host_port(&first)?;
    let (mut clients, mut seconds) = (4usize, 20f64);
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--clients" => clients = value.parse()?,
            "--seconds" => seconds = value.parse()?,
            other => bail!("unknown option {other}"),
        }
    }
    let jiedao = sign_in(&addr, "bench_jiedao", PASSWORD).await?;
    let wangge = sign_in(&addr, "bench_wangge", PASSWORD).await?;
    let probe = |label: &str, cookie: &str, path: &str| Probe {
        label: label.into(),
        cookie: cookie.into(),
        paths: vec![path.into()],
    };
    let probes = vec![
        probe(
            "street admin: coverage of the street",
            &jiedao,
            "/grid/coverage",
        ),
        probe("grid worker: due list, 7 days", &wangge, "/grid/due"),
        probe(
            "grid worker: due list, whole period",
            &wangge,
            "/grid/due?within=period",
        ),
        probe(
            "grid worker: coverage of the grid",
            &wangge,
            "/grid/coverage",
        ),
        probe("grid worker: home", &wangge, "/"),
    ];
    load(&addr, probes, clients, seconds).await
}

async fn setup(url: &str, visits: usize, businesses: usize) -> Result<()> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let street = orgs::by_code(&db, STREET_CODE)
        .await
        .context("fill the street first with registry-search")?;
    let worker = accounts(&db).await?;
    let started = Instant::now();
    register_businesses(&db, businesses).await?;
    let households = visits::households_within(&db, &street.path).await?;
    let rules = CoverageRules::parse(CoverageRules::shipped_text(), &Purposes::shipped())?;
    // Kept from the start, as a server keeps them before its first visit is recorded.
    purpose_sets::ensure(&db, &rules.purpose_sets()).await?;
    let tagged = tagged_people(&db, &rules, &street.path).await?;
    let firms = every_business(&db, &rules, &street.path).await?;
    println!(
        "{} households, {} tagged people, {} businesses ({:.1} s)",
        households.len(),
        tagged.len(),
        firms.len(),
        started.elapsed().as_secs_f64()
    );
    let mut draw = Draw(0x9E37_79B9_7F4A_7C15);
    let started = Instant::now();
    let mut batch = Vec::with_capacity(BATCH);
    for n in 0..visits {
        batch.push(visit(n, &mut draw, worker, &households, &tagged, &firms));
        if batch.len() == BATCH || n + 1 == visits {
            visits::record_batch(&db, &batch).await?;
            batch.clear();
        }
    }
    println!(
        "recorded {visits} visits in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The two accounts; returns the grid worker's id (every visit is theirs).
async fn accounts(db: &Db) -> Result<i64> {
    account(db, "bench_jiedao", Role::StreetAdmin, STREET_CODE, PASSWORD).await?;
    account(
        db,
        "bench_wangge",
        Role::GridWorker,
        &grid_code(0, 0),
        PASSWORD,
    )
    .await
}

/// `n` businesses spread over the grids; one in three a 九小场所.
async fn register_businesses(db: &Db, n: usize) -> Result<()> {
    let everywhere = OrgPath::whole();
    let mut grids = Vec::new();
    for c in 0..COMMUNITIES.len() {
        for g in 0..GRIDS {
            grids.push(orgs::by_code(db, &grid_code(c, g)).await?);
        }
    }
    for i in 0..n {
        let grid = &grids[i % grids.len()];
        let code = format!("91330105BENCH{i:05}");
        let name = format!("小河路{i}号商户");
        let b = NewBusiness {
            credit_code: &code,
            name: &name,
            kind: "个体工商户",
            address: "",
            contact_name: "",
            contact_phone: "",
            fire_category: if i % 3 == 0 {
                "九小场所"
            } else {
                "一般单位"
            },
            org_path: grid.path.as_str(),
        };
        register_business(db, &b, &everywhere, NOW).await?;
    }
    Ok(())
}

/// People living alone and disabled people, with their places (the rules' tagged subjects).
async fn tagged_people(
    db: &Db,
    rules: &CoverageRules,
    street: &OrgPath,
) -> Result<Vec<(Subject, OrgPath)>> {
    let mut out = Vec::new();
    for name in ["独居老人每周探访", "残疾人每季度走访"] {
        let rule = rules.by_name(name).context("shipped rule")?;
        for c in coverage::candidates(db, rule, street).await? {
            out.push((c.subject, c.org_path));
        }
    }
    Ok(out)
}

async fn every_business(
    db: &Db,
    rules: &CoverageRules,
    street: &OrgPath,
) -> Result<Vec<(Subject, OrgPath)>> {
    let rule = rules.by_name("企业每半年走访").context("shipped rule")?;
    Ok(coverage::candidates(db, rule, street)
        .await?
        .into_iter()
        .map(|c| (c.subject, c.org_path))
        .collect())
}

/// A small deterministic generator (xorshift), so a setup is the same every time.
struct Draw(u64);

impl Draw {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

fn visit(
    n: usize,
    draw: &mut Draw,
    worker: i64,
    households: &[visits::HouseholdMembers],
    tagged: &[(Subject, OrgPath)],
    firms: &[(Subject, OrgPath)],
) -> NewVisit {
    let day: Day = (date!(2026 - 12 - 01) - Duration::days(draw.below(365) as i64)).into();
    let kind = draw.below(10);
    let (reached, purposes) = if kind < 7 || tagged.is_empty() && firms.is_empty() {
        let h = &households[draw.below(households.len())];
        let mut reached = vec![Reached {
            subject: Subject {
                kind: SubjectKind::Household,
                id: h.id,
            },
            org_path: h.org_path.clone(),
            named: true,
        }];
        reached.extend(h.members.iter().map(|(id, path)| Reached {
            subject: Subject {
                kind: SubjectKind::Resident,
                id: *id,
            },
            org_path: path.clone(),
            named: false,
        }));
        (
            reached,
            [["daily"], ["census"], ["hardship"]][draw.below(3)].to_vec(),
        )
    } else {
        let (pool, purpose) = if kind < 8 && !tagged.is_empty() {
            (tagged, ["living_alone"])
        } else {
            (firms, [["business"], ["fire_safety"]][draw.below(2)])
        };
        let (subject, org_path) = pool[draw.below(pool.len())].clone();
        (
            vec![Reached {
                subject,
                org_path,
                named: true,
            }],
            purpose.to_vec(),
        )
    };
    NewVisit {
        key: format!("bench:{n}"),
        community_path: reached[0]
            .org_path
            .community()
            .unwrap_or_else(OrgPath::whole),
        day,
        minutes: 10 + draw.below(40) as i64,
        worker_id: worker,
        purposes: purposes.iter().map(|p| p.to_string()).collect(),
        findings: "情况正常".into(),
        sensitive: false,
        recorded_at: NOW,
        reached,
        follow_up: None,
    }
}

/// A phone's queue of `n` visits to households of the grid worker's grid, sent twice.
async fn sync(url: &str, addr: &str, n: usize) -> Result<()> {
    let db = Db::connect(url).await?;
    let grid = orgs::by_code(&db, &grid_code(0, 0)).await?;
    let households = visits::households_within(&db, &grid.path).await?;
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis();
    let queue: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let h = &households[i % households.len()];
            serde_json::json!({
                "key": format!("sync-{run}-{i}"),
                "day": "2026-12-01",
                "minutes": 15,
                "purposes": ["daily"],
                "findings": "离线登记",
                "subjects": [format!("household:{}", h.id)],
            })
        })
        .collect();
    let cookie = sign_in(addr, "bench_wangge", PASSWORD).await?;
    for round in ["first", "again"] {
        let started = Instant::now();
        let (mut stored, mut new) = (0, 0);
        for chunk in queue.chunks(200) {
            let mut sender = connect(addr).await?;
            let body = serde_json::json!({ "visits": chunk }).to_string();
            let a = post_json(&mut sender, addr, &cookie, "/api/v1/grid/visits/sync", body).await?;
            if a.status != hyper::StatusCode::OK {
                bail!("sync: {} {}", a.status, a.body);
            }
            let answer: serde_json::Value = serde_json::from_str(&a.body)?;
            for r in answer["results"].as_array().context("results")? {
                stored += usize::from(r["status"] == "stored");
                new += usize::from(r["new"] == true);
            }
        }
        println!(
            "{round}: {n} visits in {:.0} ms, {stored} stored, {new} new",
            started.elapsed().as_secs_f64() * 1e3
        );
    }
    Ok(())
}
