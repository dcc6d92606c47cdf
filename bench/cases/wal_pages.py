#!/usr/bin/env python3
"""Log pages (WAL frames) a batch of intakes writes into `cases`, and what each index adds.

    bench/cases/wal_pages.py DB [BATCH] [--all-only] [--random-keys]

DB is a copy of a grown district (bench/cases/common.sh `grown`); it is changed. Writes 40
batches of BATCH (default 9) cases like the demo desk's (community /1/2/, a registered person
each, an API idempotency key) with the automatic checkpoint off, and prints the median frames
per batch of the last 30: first with every index, then with all of `cases`'s own indexes
dropped, then with each one alone (not with --all-only). The keys are the benchmark's, which
sort next to each other, or random ones as API clients send them (--random-keys). Needs
python3's sqlite3 module.
"""
import os
import random
import shutil
import sqlite3
import sys
import uuid


def frames(db):
    wal = db + "-wal"
    return (os.path.getsize(wal) - 32) // (4096 + 24) if os.path.exists(wal) else 0


def key(batch, i, seq):
    if "--random-keys" in sys.argv:
        return f"api:1:{uuid.uuid4().hex}"
    return f"api:1:wrk-{batch}-{i % 2}-{seq}"


def batches(db, drops, size):
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("PRAGMA wal_autocheckpoint = 0")
    for name in drops:
        c.execute(f"DROP INDEX {name}")
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    people = c.execute(
        "SELECT id, name FROM registry_residents "
        "WHERE org_path LIKE '/1/2/%' AND status = 'active'"
    ).fetchall()
    cur = c.execute(
        "SELECT * FROM cases WHERE community_path = '/1/2/' AND state = 'accepted' LIMIT 1"
    )
    template = dict(zip([d[0] for d in cur.description], cur.fetchone()))
    cols = [k for k in template if k not in ("id", "due_sort")]
    sql = f"INSERT INTO cases ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    seq, written = 0, []
    for b in range(40):
        before = frames(db)
        c.execute("BEGIN IMMEDIATE")
        for i in range(size):
            seq += 1
            person = random.choice(people)
            row = dict(template)
            row.update(
                number=f"TST-{seq:08d}",
                resident_id=person[0],
                applicant_name=person[1],
                idempotency_key=key(b, i, seq),
                created_at=template["created_at"] + seq,
            )
            c.execute(sql, [row[k] for k in cols])
        c.execute("COMMIT")
        written.append(frames(db) - before)
    c.close()
    return sorted(written[10:])[15]


def main():
    source, size = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 9
    c = sqlite3.connect(source)
    own = [r[0] for r in c.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' "
        "AND sql IS NOT NULL ORDER BY name")]
    c.close()
    work = source + ".pages"

    def run(drops):
        for suffix in ("", "-wal"):
            if os.path.exists(source + suffix):
                shutil.copy(source + suffix, work + suffix)
        try:
            return batches(work, drops, size)
        finally:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(work + suffix):
                    os.remove(work + suffix)

    every = run([])
    print(f"batch of {size}: every index {every} frames, {every / size:.1f} a case")
    if "--all-only" in sys.argv:
        return
    bare = run(own)
    print(f"table and its UNIQUE columns only: {bare}")
    for name in own:
        print(f"  + {name}: {run([o for o in own if o != name]) - bare}")


if __name__ == "__main__":
    main()
