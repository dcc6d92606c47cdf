//! Criterion: building a 2,000-item index, and searching it with the mixed query set.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use quanke_bench::catalogue::{self, Catalogue};
use quanke_bench::{eval, synthetic, workload};
use quanke_search::SearchIndex;
use std::hint::black_box;

const ITEMS: usize = 2_000;

fn search(c: &mut Criterion) {
    let demo = Catalogue::load_dir(&catalogue::demo_dir()).expect("the demo catalogue loads");
    let items = synthetic::grow(&demo.items, ITEMS);
    let cases = eval::load(&workload::default_eval()).expect("the evaluation set loads");
    let queries = workload::queries(&cases);
    let index = SearchIndex::build(&items, &demo.policies).expect("the index builds");

    let mut group = c.benchmark_group("search");
    group.throughput(Throughput::Elements(queries.len() as u64));
    group.bench_function("mixed queries, 2000 items", |b| {
        b.iter(|| {
            for q in &queries {
                black_box(index.search(black_box(q), 10));
            }
        })
    });
    for q in ["我妈今年八十了能领什么钱", "居住正", "shebaoka", "低保"] {
        group.throughput(Throughput::Elements(1));
        group.bench_function(format!("one query: {q}"), |b| {
            b.iter(|| black_box(index.search(black_box(q), 10)))
        });
    }
    group.finish();

    let mut build = c.benchmark_group("build");
    build.sample_size(10);
    build.bench_function("2000 items", |b| {
        b.iter_batched(
            || (),
            |_| SearchIndex::build(&items, &demo.policies).expect("builds"),
            BatchSize::PerIteration,
        )
    });
    build.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
