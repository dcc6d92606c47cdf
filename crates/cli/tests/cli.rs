//! The `quanke` binary end to end: configuration errors, the org and user commands, backup and
//! restore, a graceful stop on SIGTERM, and one database shared by every command.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn quanke(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quanke"))
        .args(args)
        .current_dir(dir)
        .env_remove("QUANKE_CONFIG")
        .env_remove("QUANKE_DATABASE_URL")
        .env_remove("QUANKE_DATA_DIR")
        .output()
        .expect("run quanke")
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

/// Runs a command that must succeed and returns its standard output.
fn ok(dir: &Path, args: &[&str]) -> String {
    let o = quanke(dir, args);
    assert!(
        o.status.success(),
        "{args:?}: {}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    text(&o.stdout)
}

#[test]
fn configuration_errors_exit_2_with_one_line_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.toml"), "adr = \"x\"\n").unwrap();
    std::fs::write(
        dir.path().join("idle.toml"),
        "session_idle_minutes = \"soon\"\n",
    )
    .unwrap();
    let cases: [(&[&str], &str); 4] = [
        (&["migrate", "--config", "bad.toml"], "[adr]"),
        (
            &["migrate", "--config", "idle.toml"],
            "[session_idle_minutes]",
        ),
        (&["migrate", "--config", "missing.toml"], "[--config]"),
        (&["serve", "--addr", "nowhere"], "[addr]"),
    ];
    for (args, setting) in cases {
        let o = quanke(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = text(&o.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(setting) && err.contains("配置错误"), "{err}");
    }
    let o = Command::new(env!("CARGO_BIN_EXE_quanke"))
        .args(["migrate"])
        .current_dir(dir.path())
        .env("QUANKE_LOG_FORMAT", "xml")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("[QUANKE_LOG_FORMAT]"));
}

#[test]
fn org_user_backup_and_restore() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["org", "add", "HS", "湖墅街道"]);
    ok(d, &["org", "add", "MYQ", "卖鱼桥社区", "--parent", "HS"]);
    ok(
        d,
        &["org", "add", "MYQ-01", "卖鱼桥第一网格", "--parent", "MYQ"],
    );
    let refused = quanke(d, &["org", "add", "X", "楼", "--parent", "MYQ-01"]);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("网格下不能再建下级组织"));
    let tree = ok(d, &["org", "list"]);
    assert!(
        tree.contains("HS 湖墅街道") && tree.contains("    MYQ-01 卖鱼桥第一网格"),
        "{tree}"
    );
    let added = ok(
        d,
        &[
            "user",
            "add",
            "zhang",
            "--name",
            "张三",
            "--role",
            "grid_worker",
            "--org",
            "MYQ-01",
        ],
    );
    assert!(added.contains("临时密码"), "{added}");
    let wrong = quanke(
        d,
        &[
            "user",
            "add",
            "lisi",
            "--name",
            "李四",
            "--role",
            "grid_worker",
            "--org",
            "MYQ",
        ],
    );
    assert!(
        text(&wrong.stderr).contains("网格员应设在网格一级"),
        "{}",
        text(&wrong.stderr)
    );
    ok(d, &["user", "disable", "zhang"]);
    ok(d, &["backup", "snapshot.db"]);
    ok(
        d,
        &[
            "user",
            "add",
            "later",
            "--name",
            "后来者",
            "--role",
            "front_desk",
            "--org",
            "MYQ",
        ],
    );
    ok(d, &["restore", "snapshot.db"]);
    // The account added after the backup is gone; the one before it is back.
    assert!(!quanke(d, &["user", "disable", "later"]).status.success());
    ok(d, &["user", "enable", "zhang"]);
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_healthy(port: u16, server: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        assert!(server.try_wait().unwrap().is_none(), "server exited early");
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("server did not start");
}

#[test]
fn restore_and_a_second_server_are_refused_while_serving_and_sigterm_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["org", "add", "HS", "湖墅街道"]);
    ok(d, &["backup", "b.db"]);
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_quanke"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .current_dir(d)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_healthy(port, &mut server);
    let o = quanke(d, &["restore", "b.db"]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("请先停止服务"),
        "{}",
        text(&o.stderr)
    );
    // SQLite is served by one process: a second server on the same file says so and stops.
    let other = free_port().to_string();
    let o = quanke(d, &["serve", "--addr", &format!("127.0.0.1:{other}")]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("只能由一个服务进程使用"),
        "{}",
        text(&o.stderr)
    );
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server.wait().unwrap();
    assert!(status.success(), "graceful stop exits 0, got {status}");
    ok(d, &["restore", "b.db"]);
}

#[test]
fn catalogue_import_checks_everything_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let demo = include_str!("../../web/demo/catalogue/minzheng.json");
    // A broken copy: one blank fee and one unknown policy reference, far apart in the file.
    let mut broken: serde_json::Value = serde_json::from_str(demo).unwrap();
    broken["items"][0]["item"]["fee"] = "".into();
    broken["items"][5]["item"]["policies"] = serde_json::json!(["不存在的文号"]);
    std::fs::write(d.join("broken.json"), broken.to_string()).unwrap();
    let o = quanke(d, &["catalogue", "import", "broken.json"]);
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(
        err.contains("第 1 个事项") && err.contains("item.fee"),
        "{err}"
    );
    assert!(
        err.contains("第 6 个事项") && err.contains("item.policies[0]"),
        "{err}"
    );
    assert!(err.contains("未导入任何内容"));
    ok(d, &["catalogue", "export", "empty.json"]);
    let empty: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("empty.json")).unwrap()).unwrap();
    assert_eq!(
        empty["items"].as_array().unwrap().len(),
        0,
        "nothing was written"
    );
    // A valid file imports; exporting and re-importing changes nothing and gives the same bytes.
    std::fs::write(d.join("demo.json"), demo).unwrap();
    let first = ok(d, &["catalogue", "import", "demo.json"]);
    assert!(first.contains("新增事项 46"), "{first}");
    ok(d, &["catalogue", "export", "a.json"]);
    let again = ok(d, &["catalogue", "import", "a.json"]);
    assert!(
        again.contains("新增事项 0，新版本 0，未变化 46，政策文件 0"),
        "{again}"
    );
    ok(d, &["catalogue", "export", "b.json"]);
    assert_eq!(
        std::fs::read(d.join("a.json")).unwrap(),
        std::fs::read(d.join("b.json")).unwrap()
    );
}

#[test]
fn catalogue_xlsx_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("demo.json"),
        include_str!("../../web/demo/catalogue/shebao.json"),
    )
    .unwrap();
    ok(d, &["catalogue", "import", "demo.json"]);
    ok(d, &["catalogue", "export", "c.xlsx"]);
    assert!(
        std::fs::read(d.join("c.xlsx")).unwrap().starts_with(b"PK"),
        "an xlsx is a zip"
    );
    let again = ok(d, &["catalogue", "import", "c.xlsx"]);
    assert!(again.contains("新增事项 0，新版本 0，未变化 44"), "{again}");
    let junk = d.join("junk.xlsx");
    std::fs::write(&junk, b"not a workbook").unwrap();
    let o = quanke(d, &["catalogue", "import", "junk.xlsx"]);
    assert!(!o.status.success());
}

/// A valid ID number for sequence `n`.
fn id_number(n: u32) -> String {
    let first17 = format!("33010519800101{n:03}");
    let check = quanke_domain::ident::resident_id::check_digit(&first17).unwrap();
    format!("{first17}{check}")
}

#[test]
fn registry_import_is_a_dry_run_until_told_to_commit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["org", "add", "HS", "湖墅街道"]);
    ok(d, &["org", "add", "MYQ", "卖鱼桥社区", "--parent", "HS"]);
    ok(
        d,
        &["org", "add", "MYQ-01", "卖鱼桥第一网格", "--parent", "MYQ"],
    );
    let ledger = format!(
        "卖鱼桥社区居民台账,,,\n姓名,身份证号,联系电话,网格\n张三,{},13805712345,第1网格\n李四,33010519800101009,13805712346,第1网格\n王五,{},,\n",
        id_number(1),
        id_number(3)
    );
    std::fs::write(d.join("台账.csv"), ledger).unwrap();

    let dry = ok(d, &["registry", "import", "台账.csv"]);
    assert!(dry.contains("共读取 3 行：无误 2 行，有错误 1 行"), "{dry}");
    assert!(dry.contains("台账-问题清单.xlsx"), "{dry}");
    assert!(dry.contains("未写入任何数据"), "{dry}");
    assert!(d.join("台账-问题清单.xlsx").exists());

    let all = quanke(d, &["registry", "import", "台账.csv", "--commit", "all"]);
    assert!(!all.status.success());
    assert!(
        text(&all.stderr).contains("未导入任何一行"),
        "{}",
        text(&all.stderr)
    );

    let valid = ok(
        d,
        &[
            "registry",
            "import",
            "台账.csv",
            "--community",
            "MYQ",
            "--commit",
            "valid",
        ],
    );
    assert!(
        valid.contains("已导入：新增 2 人，更新 0 人，未变化 0 人"),
        "{valid}"
    );
    let again = ok(d, &["registry", "import", "台账.csv", "--commit", "valid"]);
    assert!(
        again.contains("新增 0 人，更新 0 人，未变化 2 人"),
        "{again}"
    );

    let unknown = quanke(
        d,
        &["registry", "import", "台账.csv", "--community", "NOPE"],
    );
    assert!(text(&unknown.stderr).contains("没有编码为“NOPE”的社区"));
}

#[test]
fn open311_keys_are_printed_once_and_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["org", "add", "HS", "湖墅街道"]);
    let key = ok(d, &["open311", "key", "add", "城市大脑"]);
    // Alone on standard output, so a script can keep it.
    assert_eq!(key.lines().count(), 1, "{key}");
    assert!(key.starts_with("qk311_"), "{key}");
    let listed = ok(d, &["open311", "key", "list"]);
    assert!(
        listed.contains("城市大脑") && listed.contains("有效"),
        "{listed}"
    );
    assert!(!listed.contains(key.trim()), "{listed}");
    assert!(!quanke(d, &["open311", "key", "add", "  "]).status.success());
    assert!(ok(d, &["open311", "key", "revoke", "1"]).contains("已停用密钥 #1"));
    assert!(ok(d, &["open311", "key", "revoke", "1"]).contains("早已停用"));
    assert!(
        !quanke(d, &["open311", "key", "revoke", "9"])
            .status
            .success()
    );
    assert!(ok(d, &["open311", "key", "list"]).contains("已停用"));
}

/// The `数据库 (database): ...` line a command printed on standard error.
fn database_line(stderr: &[u8]) -> String {
    let err = text(stderr);
    err.lines()
        .find(|l| l.starts_with("数据库 (database):"))
        .unwrap_or_else(|| panic!("no database line in: {err}"))
        .to_string()
}

/// Starts `quanke ARGS` as a server on a free port, waits until it answers, stops it with
/// SIGTERM and returns its standard error.
fn serve_once(dir: &Path, args: &[&str]) -> String {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_quanke"))
        .args(args)
        .args(["--addr", &addr])
        .current_dir(dir)
        .env_remove("QUANKE_CONFIG")
        .env_remove("QUANKE_DATABASE_URL")
        .env_remove("QUANKE_DATA_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_healthy(port, &mut server);
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = server.wait_with_output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    database_line(&out.stderr)
}

#[test]
fn every_command_uses_and_names_the_same_database_as_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let used = serve_once(d, &["demo"]);
    let file = std::fs::canonicalize(d.join("data/quanke.db")).unwrap();
    assert!(
        used.ends_with(&format!("SQLite {}", file.display())),
        "{used}"
    );

    let runs: [&[&str]; 6] = [
        &["org", "list"],
        &["user", "passwd", "qiantai"],
        &["open311", "key", "add", "城市大脑"],
        &["api", "token", "add", "qiantai"],
        &["backup", "b.db"],
        &["catalogue", "export", "c.json"],
    ];
    let mut out = Vec::new();
    for args in runs {
        let o = quanke(d, args);
        assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
        assert_eq!(database_line(&o.stderr), used, "{args:?}");
        out.push(text(&o.stdout));
    }
    // They saw the demo's data, not an empty database beside it.
    assert!(out[0].contains("HS 湖墅街道"), "{}", out[0]);
    assert!(out[1].contains("临时密码"), "{}", out[1]);
    // A secret stays alone on standard output.
    assert_eq!(out[2].lines().count(), 1, "{}", out[2]);
    assert_eq!(out[3].lines().count(), 1, "{}", out[3]);
    let exported: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("c.json")).unwrap()).unwrap();
    assert!(exported["items"].as_array().unwrap().len() > 100);
    assert_eq!(serve_once(d, &["serve"]), used);

    // --data-dir names another database for any command, before or after the subcommand.
    let other = quanke(d, &["org", "list", "--data-dir", "elsewhere"]);
    assert!(other.status.success());
    assert!(text(&other.stdout).is_empty(), "{}", text(&other.stdout));
    assert!(database_line(&other.stderr).contains("elsewhere"));
    let before = quanke(d, &["--data-dir", "elsewhere", "org", "add", "X", "某街道"]);
    assert!(before.status.success(), "{}", text(&before.stderr));
    assert!(ok(d, &["org", "list", "--data-dir", "elsewhere"]).contains("X 某街道"));
    // The demo does not write its accounts into a database that holds a real street.
    let refused = quanke(d, &["demo", "--data-dir", "elsewhere"]);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("不是演示街道"));
    // Both ways of naming the database at once is a mistake, said as such.
    let both = quanke(
        d,
        &[
            "org",
            "list",
            "--data-dir",
            "x",
            "--database",
            "sqlite:y.db",
        ],
    );
    assert_eq!(both.status.code(), Some(2), "{}", text(&both.stderr));
}
