//! The case writer's log appends written once per commit instead of twice per page.
//!
//! SQLite appends each page of a transaction to the write-ahead log with two system calls (the
//! frame's header, then the page): some 110 for a batch of nine intakes, 12 or 13 a case
//! (`perf stat` on the server under intake), while the rest of the writer's batch makes a
//! handful. This VFS is the system's own (`unix`) for every file but the log, and only the
//! writer's own connection (`turns::Direct`) opens its database with it. Appends to the log are
//! kept in memory and written together (64 KiB a call) when the transaction's commit frame has
//! been added, before SQLite publishes the commit to other connections; every other use of the
//! log (a read, its size, a sync, a truncation, a write elsewhere, closing) writes what is kept
//! first. So the file is as SQLite believes it whenever anything but this connection could look
//! at it, and a failed write is returned from the commit frame's own write, where SQLite rolls
//! the transaction back as it does for any failed write. Nothing is kept across a commit: a
//! process that dies loses only a transaction that had not committed.

use rusqlite::ffi;
use std::ffi::{CStr, c_int, c_void};
use std::sync::OnceLock;

/// The VFS's registered name.
pub(crate) const NAME: &CStr = c"quanke-wal-append";

/// A frame's header; its bytes 4..8 are non-zero only in a transaction's commit frame (the
/// database's size in pages after it), per SQLite's file format.
const FRAME_HEADER: usize = 24;

/// Appends past this are written at once: a batch writes a few hundred kilobytes.
const MOST_KEPT: usize = 8 << 20;

/// The most one write of the system's VFS takes: it writes pages, and masks a length to 17 bits
/// (`seekAndWriteFd`), so a longer write would be cut short.
const MOST_AT_ONCE: usize = 64 << 10;

/// The VFS's name, registered on first use; None when SQLite has no default VFS to wrap
/// (never on the platforms the server runs on; the writer then opens with the default).
pub(crate) fn name() -> Option<&'static CStr> {
    static DONE: OnceLock<bool> = OnceLock::new();
    DONE.get_or_init(|| unsafe { register() }).then_some(NAME)
}

unsafe fn register() -> bool {
    unsafe {
        let system = ffi::sqlite3_vfs_find(std::ptr::null());
        if system.is_null() {
            return false;
        }
        let s = &*system;
        // The system VFS's own functions ignore the VFS they are given but in xOpen, which is
        // called below with the system VFS itself.
        let vfs = Box::leak(Box::new(ffi::sqlite3_vfs {
            iVersion: s.iVersion,
            szOsFile: c_int::try_from(size_of::<LogFile>()).expect("small") + s.szOsFile,
            mxPathname: s.mxPathname,
            pNext: std::ptr::null_mut(),
            zName: NAME.as_ptr(),
            pAppData: system.cast(),
            xOpen: Some(open),
            ..*s
        }));
        ffi::sqlite3_vfs_register(vfs, 0) == ffi::SQLITE_OK
    }
}

/// The log as the writer's connection holds it: the system's file after this header.
#[repr(C)]
struct LogFile {
    base: ffi::sqlite3_file,
    real: *mut ffi::sqlite3_file,
    kept: *mut Kept,
}

/// Appends not yet written: `bytes` belong at `at`.
#[derive(Default)]
struct Kept {
    at: i64,
    bytes: Vec<u8>,
    /// The last write was a commit frame's header: its page ends the transaction.
    commit_next: bool,
}

static LOG_METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 1,
    xClose: Some(close),
    xRead: Some(read),
    xWrite: Some(write),
    xTruncate: Some(truncate),
    xSync: Some(sync),
    xFileSize: Some(file_size),
    xLock: Some(lock),
    xUnlock: Some(unlock),
    xCheckReservedLock: Some(check_reserved_lock),
    xFileControl: Some(file_control),
    xSectorSize: Some(sector_size),
    xDeviceCharacteristics: Some(device_characteristics),
    xShmMap: None,
    xShmLock: None,
    xShmBarrier: None,
    xShmUnmap: None,
    xFetch: None,
    xUnfetch: None,
};

unsafe extern "C" fn open(
    vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    unsafe {
        let system: *mut ffi::sqlite3_vfs = (*vfs).pAppData.cast();
        let system_open = (*system).xOpen.expect("a VFS opens files");
        if flags & ffi::SQLITE_OPEN_WAL == 0 {
            // Not the log: the system's file in the whole space, used as it is.
            return system_open(system, name, file, flags, out_flags);
        }
        let log = file.cast::<LogFile>();
        let real = file.cast::<u8>().add(size_of::<LogFile>()).cast();
        (*log).base.pMethods = std::ptr::null();
        let rc = system_open(system, name, real, flags, out_flags);
        if rc != ffi::SQLITE_OK {
            // SQLite closes only a file whose methods are set, and ours are not.
            if let Some(close) = (*real).pMethods.as_ref().and_then(|m| m.xClose) {
                close(real);
            }
            return rc;
        }
        (*log).real = real;
        (*log).kept = Box::into_raw(Box::default());
        (*log).base.pMethods = &LOG_METHODS;
        rc
    }
}

/// The system's file and its methods.
unsafe fn real<'a>(
    f: *mut ffi::sqlite3_file,
) -> (*mut ffi::sqlite3_file, &'a ffi::sqlite3_io_methods) {
    unsafe {
        let real = (*f.cast::<LogFile>()).real;
        (real, &*(*real).pMethods)
    }
}

/// Writes what is kept, if anything; it is dropped either way (after a failure SQLite rolls the
/// transaction back, and those frames were never part of the log).
unsafe fn flush(f: *mut ffi::sqlite3_file) -> c_int {
    unsafe {
        let kept = &mut *(*f.cast::<LogFile>()).kept;
        if kept.bytes.is_empty() {
            return ffi::SQLITE_OK;
        }
        let (file, m) = real(f);
        let write = m.xWrite.expect("a file writes");
        let mut rc = ffi::SQLITE_OK;
        let mut at = kept.at;
        for chunk in kept.bytes.chunks(MOST_AT_ONCE) {
            let len = c_int::try_from(chunk.len()).expect("at most MOST_AT_ONCE");
            rc = write(file, chunk.as_ptr().cast(), len, at);
            if rc != ffi::SQLITE_OK {
                break;
            }
            at += i64::from(len);
        }
        kept.bytes.clear();
        kept.commit_next = false;
        rc
    }
}

unsafe extern "C" fn write(
    f: *mut ffi::sqlite3_file,
    data: *const c_void,
    amount: c_int,
    offset: i64,
) -> c_int {
    unsafe {
        let kept = &mut *(*f.cast::<LogFile>()).kept;
        let end = kept.at + kept.bytes.len() as i64;
        if !kept.bytes.is_empty() && offset != end {
            let rc = flush(f);
            if rc != ffi::SQLITE_OK {
                return rc;
            }
        }
        let kept = &mut *(*f.cast::<LogFile>()).kept;
        let bytes = std::slice::from_raw_parts(data.cast::<u8>(), amount as usize);
        if kept.bytes.is_empty() {
            kept.at = offset;
        }
        kept.bytes.extend_from_slice(bytes);
        let ends_commit = kept.commit_next;
        kept.commit_next = bytes.len() == FRAME_HEADER && bytes[4..8] != [0; 4];
        if ends_commit || kept.bytes.len() >= MOST_KEPT {
            return flush(f);
        }
        ffi::SQLITE_OK
    }
}

unsafe extern "C" fn close(f: *mut ffi::sqlite3_file) -> c_int {
    unsafe {
        let rc = flush(f);
        let (file, m) = real(f);
        let closed = m.xClose.map_or(ffi::SQLITE_OK, |close| close(file));
        drop(Box::from_raw((*f.cast::<LogFile>()).kept));
        if rc != ffi::SQLITE_OK { rc } else { closed }
    }
}

/// Calls the system's method after writing what is kept.
macro_rules! flushed {
    ($f:ident, $method:ident $(, $arg:expr)*) => {
        unsafe {
            let rc = flush($f);
            if rc != ffi::SQLITE_OK {
                return rc;
            }
            let (file, m) = real($f);
            m.$method.expect("a file method")(file $(, $arg)*)
        }
    };
}

/// Calls the system's method; it does not touch the file's bytes.
macro_rules! passed {
    ($f:ident, $method:ident $(, $arg:expr)*) => {
        unsafe {
            let (file, m) = real($f);
            m.$method.expect("a file method")(file $(, $arg)*)
        }
    };
}

unsafe extern "C" fn read(f: *mut ffi::sqlite3_file, buf: *mut c_void, n: c_int, at: i64) -> c_int {
    flushed!(f, xRead, buf, n, at)
}

unsafe extern "C" fn truncate(f: *mut ffi::sqlite3_file, size: i64) -> c_int {
    flushed!(f, xTruncate, size)
}

unsafe extern "C" fn sync(f: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    flushed!(f, xSync, flags)
}

unsafe extern "C" fn file_size(f: *mut ffi::sqlite3_file, size: *mut i64) -> c_int {
    flushed!(f, xFileSize, size)
}

unsafe extern "C" fn lock(f: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    passed!(f, xLock, level)
}

unsafe extern "C" fn unlock(f: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    passed!(f, xUnlock, level)
}

unsafe extern "C" fn check_reserved_lock(f: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    passed!(f, xCheckReservedLock, out)
}

/// Controls pass through: SQLite's on the log only hint at sizes and ask for names.
unsafe extern "C" fn file_control(f: *mut ffi::sqlite3_file, op: c_int, arg: *mut c_void) -> c_int {
    passed!(f, xFileControl, op, arg)
}

unsafe extern "C" fn sector_size(f: *mut ffi::sqlite3_file) -> c_int {
    passed!(f, xSectorSize)
}

unsafe extern "C" fn device_characteristics(f: *mut ffi::sqlite3_file) -> c_int {
    passed!(f, xDeviceCharacteristics)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::{Connection, OpenFlags};

    fn writer(path: &std::path::Path) -> Connection {
        let vfs = name().expect("the VFS registers");
        let conn = Connection::open_with_flags_and_vfs(path, OpenFlags::default(), vfs).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
             PRAGMA wal_autocheckpoint = 0; \
             CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL); \
             CREATE INDEX t_body ON t (body);",
        )
        .unwrap();
        conn
    }

    /// A transaction of `rows` rows spread over many pages of the table and its index.
    fn commit(conn: &Connection, first: i64, rows: i64) {
        let tx = conn.unchecked_transaction().unwrap();
        for i in first..first + rows {
            let body = format!("{:x}-{}", (i * 7919) % 1000, "x".repeat(300));
            tx.execute("INSERT INTO t (id, body) VALUES (?1, ?2)", (i, body))
                .unwrap();
        }
        tx.commit().unwrap();
    }

    fn count(conn: &Connection) -> i64 {
        conn.query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_commit_is_on_disk_and_seen_by_others_when_it_returns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.db");
        let w = writer(&path);
        let reader = Connection::open(&path).unwrap();
        let mut written = 0;
        for rows in [1, 9, 40, 3, 200] {
            commit(&w, written, rows);
            written += rows;
            assert_eq!(
                count(&reader),
                written,
                "another connection sees the commit"
            );
            // The files as they are now, copied while the writer stays open, hold the whole
            // log: a process that died here would lose nothing acknowledged.
            let copy = dir.path().join(format!("copy-{written}"));
            std::fs::create_dir(&copy).unwrap();
            for suffix in ["", "-wal"] {
                let from = dir.path().join(format!("q.db{suffix}"));
                std::fs::copy(from, copy.join(format!("q.db{suffix}"))).unwrap();
            }
            let recovered = Connection::open(copy.join("q.db")).unwrap();
            assert_eq!(count(&recovered), written, "recovered from the log on disk");
            let check: String = recovered
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            assert_eq!(check, "ok");
        }
    }

    #[test]
    fn a_transaction_rolled_back_leaves_the_log_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.db");
        let w = writer(&path);
        commit(&w, 0, 50);
        // A page cache this small spills the transaction's pages to the log before its end.
        w.execute_batch("PRAGMA cache_size = 10").unwrap();
        let tx = w.unchecked_transaction().unwrap();
        for i in 1000..3000 {
            tx.execute(
                "INSERT INTO t (id, body) VALUES (?1, ?2)",
                (i, "y".repeat(500)),
            )
            .unwrap();
        }
        tx.rollback().unwrap();
        commit(&w, 50, 5);
        let reader = Connection::open(&path).unwrap();
        assert_eq!(count(&reader), 55);
        w.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        assert_eq!(count(&reader), 55, "checkpointed through the VFS's reads");
    }
}
