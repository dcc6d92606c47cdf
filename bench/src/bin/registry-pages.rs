//! Latency of the registry pages and the home pages through HTTP for the street administrator
//! and a community head of a big street (issue #13): the pages as a browser asks for them,
//! signed in through the real login form, with and without a typed query, first and later
//! pages, by a few concurrent clients, with p50/p99/max per page.
//!
//! ```text
//! registry-pages setup DATABASE_URL              # adds the two accounts to a filled database
//! registry-pages URL --sample FILE [--clients 4] [--seconds 20] [--deep 10]
//! ```
//!
//! `setup` expects the street that `registry-search` fills (street HS, communities C01–C10)
//! and adds `bench_jiedao` (street administrator of HS) and `bench_shequ` (head of C01) with
//! the password [`PASSWORD`]; it applies no migration, so it serves a database filled by an
//! older build as well. The run starts nothing itself: point it at a server of that database
//! and at the sample of people `registry-search` kept beside it. A request that does not
//! answer 200 stops the run: a failing page is not a fast one.

use anyhow::{Context, Result, bail};
use quanke_bench::http::{connect, encode, host_port};
use quanke_bench::pages::{Probe, Sender, account, get, load, sign_in};
use quanke_bench::registry::{Person, STREET_CODE, Sample, community_code};
use quanke_domain::Role;
use quanke_store::Db;
use std::collections::BTreeMap;

/// The benchmark accounts' password.
const PASSWORD: &str = "bench-pages-2026";
const ACCOUNTS: [(&str, Role); 2] = [
    ("bench_jiedao", Role::StreetAdmin),
    ("bench_shequ", Role::CommunityHead),
];

struct Args {
    addr: String,
    sample: String,
    clients: usize,
    seconds: f64,
    deep: usize,
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut it = std::env::args().skip(1);
    let first = it.next().context(
        "usage: registry-pages setup DATABASE_URL | registry-pages URL --sample FILE \
         [--clients N] [--seconds D] [--deep PAGES]",
    )?;
    if first == "setup" {
        return setup(&it.next().context("setup DATABASE_URL")?).await;
    }
    let mut a = Args {
        addr: host_port(&first)?,
        sample: String::new(),
        clients: 4,
        seconds: 20.0,
        deep: 10,
    };
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--sample" => a.sample = value,
            "--clients" => a.clients = value.parse().context("--clients")?,
            "--seconds" => a.seconds = value.parse().context("--seconds")?,
            "--deep" => a.deep = value.parse().context("--deep")?,
            other => bail!("unknown option {other}"),
        }
    }
    run(a).await
}

async fn setup(url: &str) -> Result<()> {
    let db = Db::connect(url).await?;
    for (username, role) in ACCOUNTS {
        let code = match role {
            Role::StreetAdmin => STREET_CODE.to_string(),
            _ => community_code(0),
        };
        account(&db, username, role, &code, PASSWORD).await?;
    }
    Ok(())
}

/// The id the next page of a registry search starts after (its hidden `after` field).
fn next_after(body: &str) -> Option<String> {
    let at = body.find("name=\"after\" value=\"")? + "name=\"after\" value=\"".len();
    let rest = &body[at..];
    Some(rest[..rest.find('"')?].to_string())
}

/// The first person a page links to.
fn first_person(body: &str) -> Option<String> {
    let at = body.find("href=\"/registry/people/")? + "href=\"".len();
    let rest = &body[at..];
    Some(rest[..rest.find('"')?].to_string())
}

/// `/registry?q=...` for each of the first `n` people of the sample.
fn searches(people: &[Person], n: usize, q: impl Fn(&Person) -> String) -> Vec<String> {
    people
        .iter()
        .take(n)
        .map(|p| format!("/registry?q={}", encode(&q(p))))
        .filter(|p| p != "/registry?q=")
        .collect()
}

/// The path of page `pages` of a search, reached by following its next-page field.
async fn later_page(
    sender: &mut Sender,
    addr: &str,
    cookie: &str,
    q: &str,
    pages: usize,
) -> Result<Option<String>> {
    let first = format!("/registry?q={}", encode(q));
    let mut path = first.clone();
    for page in 2..=pages {
        let body = get(sender, addr, cookie, &path).await?;
        let Some(after) = next_after(&body) else {
            return Ok(None);
        };
        path = format!("{first}&after={after}&page={page}");
    }
    Ok(Some(path))
}

async fn probes_of(a: &Args, who: &str, people: &[Person]) -> Result<Vec<Probe>> {
    let cookie = sign_in(&a.addr, who, PASSWORD).await?;
    let mut sender = connect(&a.addr).await?;
    let n = 200;
    let mut kinds: Vec<(String, Vec<String>)> = vec![
        ("home".into(), vec!["/".into()]),
        ("registry, nothing typed".into(), vec!["/registry".into()]),
        (
            "registry, whole name".into(),
            searches(people, n, |p| p.name.clone()),
        ),
        (
            "registry, surname".into(),
            searches(people, n, |p| p.name.chars().take(1).collect()),
        ),
        (
            "registry, pinyin initials".into(),
            searches(people, n, |p| p.initials.clone()),
        ),
        (
            "registry, whole ID number".into(),
            searches(people, n, |p| p.id_number.clone()),
        ),
        (
            "registry, last 4 of ID".into(),
            searches(people, n, |p| {
                p.id_number[p.id_number.len() - 4..].to_string()
            }),
        ),
        (
            "registry, phone".into(),
            searches(people, n, |p| p.phone.clone()),
        ),
        (
            "registry, address".into(),
            searches(people, n, |p| p.address_fragment.clone()),
        ),
        (
            "registry, tag 低保".into(),
            vec![format!("/registry?q={}", encode("低保"))],
        ),
        (
            "registry, tag and surname".into(),
            searches(people, n, |p| {
                format!("独居老人 {}", p.name.chars().next().unwrap_or('张'))
            }),
        ),
        ("businesses".into(), vec!["/registry/businesses".into()]),
        ("import".into(), vec!["/registry/import".into()]),
        ("mappings".into(), vec!["/registry/mappings".into()]),
        ("export".into(), vec!["/registry/export".into()]),
    ];
    if who == "bench_jiedao" {
        kinds.push(("retention".into(), vec!["/registry/retention".into()]));
    }
    // The sample's most common surname: the broadest name search, with many pages.
    let mut surnames: BTreeMap<char, usize> = BTreeMap::new();
    for p in people {
        *surnames
            .entry(p.name.chars().next().unwrap_or('王'))
            .or_default() += 1;
    }
    let surname = surnames
        .iter()
        .max_by_key(|(_, n)| **n)
        .map_or("王".to_string(), |(c, _)| c.to_string());
    for (q, label) in [(surname.as_str(), "surname"), ("低保", "tag 低保")] {
        for pages in [2, a.deep] {
            if let Some(path) = later_page(&mut sender, &a.addr, &cookie, q, pages).await? {
                kinds.push((format!("registry, {label}, page {pages}"), vec![path]));
            }
        }
    }
    let mut person_pages = Vec::new();
    for path in searches(people, 20, |p| p.id_number.clone()) {
        let body = get(&mut sender, &a.addr, &cookie, &path).await?;
        person_pages.extend(first_person(&body));
    }
    if !person_pages.is_empty() {
        kinds.push(("person page".into(), person_pages));
    }
    Ok(kinds
        .into_iter()
        .filter(|(_, paths)| !paths.is_empty())
        .map(|(label, paths)| Probe {
            label: format!("{who}: {label}"),
            cookie: cookie.clone(),
            paths,
        })
        .collect())
}

async fn run(a: Args) -> Result<()> {
    let sample = Sample::load(std::path::Path::new(&a.sample))?
        .with_context(|| format!("no sample at {}", a.sample))?;
    let mut probes = Vec::new();
    for (who, _) in ACCOUNTS {
        probes.extend(probes_of(&a, who, &sample.people).await?);
    }
    load(&a.addr, probes, a.clients, a.seconds).await
}
