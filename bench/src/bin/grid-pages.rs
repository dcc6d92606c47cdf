//! Grid work at street scale through HTTP (issue #15): the street's coverage page and a grid's
//! due list, release build, on a street of about 100,000 households with a year of visits.
//!
//! ```text
//! grid-pages setup DATABASE_URL VISITS [BUSINESSES]   # after registry-search filled the street
//! grid-pages URL [--clients 4] [--seconds 20]
//! grid-pages sync DATABASE_URL URL [VISITS]           # a phone's queue, sent twice
//! grid-pages events DATABASE_URL EVENTS               # after setup: a year of events
//! ```
//!
//! `events` records EVENTS events (50,000 for the issue's bar) at households across the street:
//! nine in ten closed, the rest open; those of the grid worker's grid dispatched to them.
//!
//! `sync` sends VISITS (default 500) visits to households of C01-01 as the phone's script does
//! (`/api/v1/grid/visits/sync`, 200 to a request), times the whole sync, then sends the same
//! visits again and checks that every one is answered "stored before" and nothing is added.
//!
//! `setup` expects the street `registry-search` fills (street HS, communities C01–C10 of four
//! grids each), registers BUSINESSES businesses (default 5,000) across its grids, adds the
//! accounts `bench_jiedao` (street administrator), `bench_shequ` (head of C01) and
//! `bench_wangge` (grid worker of C01-01),
//! and records VISITS visits spread over the year before 2026-12-01 through the store's batch
//! writer (the path a phone's queue takes): seven in ten to households (reaching their
//! members), one in ten to people living alone or disabled, two in ten to businesses. It is
//! deterministic: the same database gets the same visits.

use anyhow::{Context, Result, bail};
use quanke_bench::http::connect;
use quanke_bench::http::host_port;
use quanke_bench::pages::{Probe, account, load, post_json, sign_in};
use quanke_bench::registry::{COMMUNITIES, GRIDS, STREET_CODE, community_code, grid_code};
use quanke_domain::calendar::Day;
use quanke_domain::event::{Categories, EventState};
use quanke_domain::grid::{CoverageRules, Purposes, Subject, SubjectKind};
use quanke_domain::{OrgPath, Role};
use quanke_store::grid::events::{self as stored_events, Dispatched, NewEvent, Step};
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
    if first == "events" {
        let url = it.next().context("events DATABASE_URL EVENTS")?;
        let n: usize = it.next().context("EVENTS")?.parse()?;
        return events(&url, n).await;
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
    let shequ = sign_in(&addr, "bench_shequ", PASSWORD).await?;
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
        probe("head: open events of the community", &shequ, "/grid/events"),
        probe("head: home (events to file, overdue)", &shequ, "/"),
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

/// The accounts; returns the grid worker's id (every visit is theirs).
async fn accounts(db: &Db) -> Result<i64> {
    account(db, "bench_jiedao", Role::StreetAdmin, STREET_CODE, PASSWORD).await?;
    let head = &community_code(0);
    account(db, "bench_shequ", Role::CommunityHead, head, PASSWORD).await?;
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

/// `n` events over the year before 2026-12-01 at households across the street, through the
/// store's writer: nine in ten closed (filed, dispatched and closed), the rest open (reported,
/// or for the grid worker's grid dispatched to them). Deterministic, like the visits.
async fn events(url: &str, n: usize) -> Result<()> {
    let db = Db::connect(url).await?;
    let street = orgs::by_code(&db, STREET_CODE).await?;
    let worker = quanke_store::users::by_username(&db, "bench_wangge").await?;
    let households = visits::households_within(&db, &street.path).await?;
    let categories = Categories::shipped().all();
    let mut draw = Draw(0x2545_F491_4F6C_DD1D);
    let started = Instant::now();
    for i in 0..n {
        let h = &households[draw.below(households.len())];
        let day: Day = (date!(2026 - 12 - 01) - Duration::days(draw.below(365) as i64)).into();
        let at = quanke_app::clock::day_start(day.date()) + 36_000;
        let open = draw.below(10) == 0;
        let mine = worker.org_path.contains(&h.org_path);
        let dispatched = (!open || mine).then(|| Dispatched {
            handler_id: worker.id,
            due: day,
            by: "系统".into(),
            note: String::new(),
        });
        let event = NewEvent {
            key: format!("bench-event:{i}"),
            community_path: h.org_path.community().unwrap_or_else(OrgPath::whole),
            org_path: h.org_path.clone(),
            category: categories[i % categories.len()].code.clone(),
            summary: "楼道堆放杂物，影响通行".into(),
            place: String::new(),
            place_key: format!("household:{}", h.id),
            channel: "grid".into(),
            reporter_id: Some(worker.id),
            reporter_name: "网格员".into(),
            links: vec![Subject {
                kind: SubjectKind::Household,
                id: h.id,
            }],
            dispatched,
            located: None,
            day,
            at,
        };
        let reported = stored_events::report(&db, &event).await?;
        if !open && reported.fresh {
            stored_events::advance(&db, &closing(reported.id, day, at)).await?;
        }
    }
    println!(
        "recorded {n} events in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The step that closes a bench event the day it was dispatched.
fn closing(event: i64, day: Day, at: i64) -> Step {
    Step {
        event,
        action: "close".into(),
        from: EventState::Dispatched,
        to: EventState::Closed,
        handler: None,
        due: None,
        actor_id: None,
        actor_name: "系统".into(),
        note: String::new(),
        day,
        at,
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
