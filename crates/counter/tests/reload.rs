//! Publishing without a restart, against the real binary: the service reads
//! a built data folder (`version.json` → `v/<version>/manifest.json`), and
//! a new version is picked up on SIGHUP and by polling. New ids become
//! countable, removed ids stop being countable, totals of the others are
//! untouched, and a broken manifest keeps the old list while the service
//! keeps answering.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{Sandbox, Server, ALPHA_BASE};
use reqwest::StatusCode;

/// Fast enough for the polling tests; the rate limit is not the subject.
const FAST: &[&str] = &[
    "--trust-proxy",
    "--rate",
    "100000",
    "--burst",
    "100000",
    "--reload-interval",
    "100ms",
];

const SIGHUP_ONLY: &[&str] = &[
    "--trust-proxy",
    "--rate",
    "100000",
    "--burst",
    "100000",
    "--reload-interval",
    "0",
];

/// Publishes `bulletins` (a JSON array) as data version `version` the way
/// the compiler does: the version's files first, `version.json` last, by
/// rename. The sandbox's data path becomes a built data folder (the
/// service is started with `--data` on it).
fn publish(data: &Path, version: &str, bulletins: &str) {
    if data.is_file() {
        std::fs::remove_file(data).expect("the data file removed");
    }
    let dir = data.join("v").join(version);
    std::fs::create_dir_all(&dir).expect("version folder");
    std::fs::write(
        dir.join("manifest.json"),
        format!(r#"{{"format":1,"version":"{version}","bulletins":{bulletins}}}"#),
    )
    .expect("manifest written");
    point_to(data, version);
}

fn point_to(data: &Path, version: &str) {
    let tmp = data.join("version.json.tmp");
    std::fs::write(&tmp, format!(r#"{{"version":"{version}"}}"#)).expect("pointer written");
    std::fs::rename(&tmp, data.join("version.json")).expect("pointer replaced");
}

const FIRST: &str = r#"[{"id":"alpha","views":10},{"id":"beta","views":null}]"#;
const SECOND: &str = r#"[{"id":"delta","views":5},{"id":"alpha","views":10},{"id":"beta"}]"#;
/// beta removed.
const THIRD: &str = r#"[{"id":"alpha","views":10},{"id":"delta","views":5}]"#;

fn sighup(server: &Server) {
    let pid = libc::pid_t::try_from(server.child.id()).expect("pid fits");
    // SAFETY: plain kill(2) on our own running child.
    let rc = unsafe { libc::kill(pid, libc::SIGHUP) };
    assert_eq!(rc, 0, "kill(SIGHUP) failed");
}

/// Polls (bounded, 10 s) until `id`'s countability is `known`.
async fn wait_known(server: &Server, id: &str, known: bool) {
    for _ in 0..500 {
        let (status, body) = server.totals_raw(&format!("ids={id}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if body["views"].get(id).is_some() == known {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "{id} never became {}; log:\n{}",
        if known { "known" } else { "unknown" },
        server.log_text()
    );
}

/// Polls (bounded, 10 s) until the log contains `text`.
async fn wait_log(server: &Server, text: &str) -> String {
    for _ in 0..500 {
        let log = server.log_text();
        if log.contains(text) {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the log never said {text:?}:\n{}", server.log_text());
}

#[tokio::test]
async fn a_publish_is_picked_up_on_sighup() {
    let sandbox = Sandbox::new();
    let data = sandbox.data();
    publish(&data, "a1", FIRST);
    let server = sandbox.start(SIGHUP_ONLY).await;
    assert!(server.view("alpha", "203.0.113.1").await.counted());
    assert!(server.view("alpha", "203.0.113.2").await.counted());
    assert!(server.view("beta", "203.0.113.1").await.counted());
    assert_eq!(
        server.view("delta", "203.0.113.1").await.status,
        StatusCode::NOT_FOUND
    );

    // A new version adds delta (listed first, so a naive reload would
    // shift every other bulletin's position).
    publish(&data, "b2", SECOND);
    sighup(&server);
    wait_known(&server, "delta", true).await;
    let log = wait_log(&server, "reloaded").await;
    assert!(
        log.contains(&format!(
            "reloaded {}: 3 bulletins (1 new, 0 removed, 0 with a new exported count)",
            data.display()
        )),
        "{log}"
    );
    let delta = server.view("delta", "203.0.113.1").await;
    assert_eq!((delta.counted(), delta.views()), (true, 6));
    assert_eq!(
        server.totals(&["alpha", "beta", "delta"]).await["views"],
        serde_json::json!({ "alpha": ALPHA_BASE + 2, "beta": 1, "delta": 6 })
    );
    // The repeat-view window survived the reload: same ids, same clients.
    assert!(!server.view("alpha", "203.0.113.1").await.counted());
    assert!(server.view("alpha", "203.0.113.3").await.counted());
    assert_eq!(server.view("beta", "203.0.113.9").await.views(), 2);

    // Removing beta: it stops being countable, the others keep their totals.
    publish(&data, "c3", THIRD);
    sighup(&server);
    wait_known(&server, "beta", false).await;
    assert_eq!(
        server.view("beta", "203.0.113.10").await.status,
        StatusCode::NOT_FOUND
    );
    let (_, body) = server.totals_raw("ids=alpha,beta,delta").await;
    assert_eq!(
        body,
        serde_json::json!({
            "views": { "alpha": ALPHA_BASE + 3, "delta": 6 },
            "unknown": ["beta"]
        })
    );
    let health: serde_json::Value = server
        .http
        .get(format!("{}/healthz", server.url))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(health["bulletins"], 2);

    // Every view went to its own id in the database.
    let mut server = server;
    assert!(server.terminate().success(), "{}", server.log_text());
    assert_eq!(
        common::stored_rows(&sandbox.db()),
        vec![
            ("alpha".to_string(), 3),
            ("beta".to_string(), 2),
            ("delta".to_string(), 1)
        ]
    );
    assert!(
        server.log_text().contains("6 views committed"),
        "{}",
        server.log_text()
    );
    // Every writer's connection was closed: the WAL was checkpointed away.
    let wal = sandbox.dir.path().join("counter.sqlite3-wal");
    assert!(!wal.exists(), "{} left behind", wal.display());
}

#[tokio::test]
async fn a_publish_is_picked_up_by_polling() {
    let sandbox = Sandbox::new();
    let data = sandbox.data();
    publish(&data, "a1", FIRST);
    let server = sandbox.start(FAST).await;
    assert!(server.view("beta", "203.0.113.1").await.counted());

    publish(&data, "b2", SECOND);
    wait_known(&server, "delta", true).await;
    assert!(server.view("delta", "203.0.113.1").await.counted());
    assert_eq!(server.total("delta").await, 6);
    assert_eq!(server.total("beta").await, 1);
    assert_eq!(server.total("alpha").await, ALPHA_BASE);
    wait_log(&server, "(1 new, 0 removed").await;
}

#[tokio::test]
async fn a_plain_data_file_is_reloaded_when_it_changes() {
    let sandbox = Sandbox::new();
    let server = sandbox.start(FAST).await;
    assert!(server.view("beta", "203.0.113.1").await.counted());
    let tmp = sandbox.dir.path().join("next.json");
    std::fs::write(
        &tmp,
        r#"{"bulletins":[{"id":"alpha","views":10},{"id":"beta"},{"id":"gamma-2_x"},{"id":"new-one"}]}"#,
    )
    .expect("written");
    std::fs::rename(&tmp, sandbox.data()).expect("replaced");
    wait_known(&server, "new-one", true).await;
    assert!(server.view("new-one", "203.0.113.1").await.counted());
    assert_eq!(server.total("beta").await, 1);
}

#[tokio::test]
async fn a_broken_manifest_keeps_the_old_list() {
    let sandbox = Sandbox::new();
    let data = sandbox.data();
    publish(&data, "a1", FIRST);
    let server = sandbox.start(FAST).await;
    assert!(server.view("alpha", "203.0.113.1").await.counted());

    // A version whose manifest is cut short.
    let bad = data.join("v").join("bad");
    std::fs::create_dir_all(&bad).expect("folder");
    std::fs::write(bad.join("manifest.json"), r#"{"bulletins":[{"id":"delta""#).expect("written");
    point_to(&data, "bad");
    let manifest = bad.join("manifest.json");
    let log = wait_log(&server, "kept the previous 2 bulletins").await;
    let line = log
        .lines()
        .find(|line| line.contains("kept the previous"))
        .expect("the line");
    assert!(line.contains(&manifest.display().to_string()), "{line}");
    // Reported once, not at every poll.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(server.log_text().matches("kept the previous").count(), 1);

    // The service keeps answering with the old list; SIGHUP says it again.
    assert!(server.view("alpha", "203.0.113.2").await.counted());
    assert_eq!(server.total("alpha").await, ALPHA_BASE + 2);
    assert_eq!(
        server.view("delta", "203.0.113.1").await.status,
        StatusCode::NOT_FOUND
    );
    sighup(&server);
    for _ in 0..500 {
        if server.log_text().matches("kept the previous").count() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.log_text().matches("kept the previous").count(), 2);

    // A pointer to a version that does not exist, and a pointer that is
    // not JSON: the same.
    point_to(&data, "dead");
    let log = wait_log(&server, "v/dead/manifest.json").await;
    assert_eq!(log.matches("kept the previous").count(), 3, "{log}");
    std::fs::write(data.join("version.json"), "{").expect("written");
    let pointer = format!("data file {}", data.join("version.json").display());
    let log = wait_log(&server, &pointer).await;
    assert_eq!(log.matches("kept the previous").count(), 4, "{log}");
    assert_eq!(server.total("alpha").await, ALPHA_BASE + 2);

    // The next good publish is picked up.
    publish(&data, "b2", SECOND);
    wait_known(&server, "delta", true).await;
    assert_eq!(server.total("alpha").await, ALPHA_BASE + 2);
}

/// Views in flight while publishes add ids (listed first, so every other
/// bulletin's position in the manifest moves) and remove them again: each
/// lands on the id it was made for, none is lost or counted twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn views_during_reloads_land_on_their_own_ids() {
    let sandbox = Sandbox::new();
    let data = sandbox.data();
    publish(&data, "a1", FIRST);
    let mut server = sandbox.start(SIGHUP_ONLY).await;

    const WORKERS: usize = 8;
    const PER_WORKER: usize = 150;
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..WORKERS {
        let (http, url) = (server.http.clone(), server.url.clone());
        workers.spawn(async move {
            let mut counted = [0u64; 2];
            for n in 0..PER_WORKER {
                let which = (worker + n) % 2;
                let id = ["alpha", "beta"][which];
                let response = http
                    .post(format!("{url}/api/views/{id}"))
                    .header("user-agent", common::BROWSER)
                    .header(
                        "x-forwarded-for",
                        format!("10.{worker}.{}.{}", n / 256, n % 256),
                    )
                    .send()
                    .await
                    .expect("answered");
                assert_eq!(response.status(), StatusCode::OK);
                let body: serde_json::Value = response.json().await.expect("JSON");
                assert_eq!(body["id"], id);
                assert_eq!(body["counted"], true);
                counted[which] += 1;
            }
            counted
        });
    }
    // Meanwhile: publishes that add ids in front and take them away again.
    let versions = [
        (
            "b1",
            r#"[{"id":"n1"},{"id":"alpha","views":10},{"id":"beta"}]"#,
        ),
        (
            "b2",
            r#"[{"id":"n2"},{"id":"n1"},{"id":"beta"},{"id":"alpha","views":10}]"#,
        ),
        ("b3", r#"[{"id":"alpha","views":10},{"id":"beta"}]"#),
        (
            "b4",
            r#"[{"id":"n3"},{"id":"beta"},{"id":"n1"},{"id":"alpha","views":10}]"#,
        ),
        (
            "b5",
            r#"[{"id":"n4","views":3},{"id":"alpha","views":10},{"id":"beta"}]"#,
        ),
    ];
    for (n, (version, bulletins)) in versions.iter().enumerate() {
        publish(&data, version, bulletins);
        sighup(&server);
        // One line per reload: wait for this one before the next.
        for _ in 0..1000 {
            if server.log_text().matches("reloaded ").count() > n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(server.log_text().matches("reloaded ").count(), n + 1);
    }
    // How far the views were when the last reload was done (for the
    // record: they are meant to overlap).
    let (_, during) = server.totals_raw("ids=alpha,beta").await;
    println!("after the reloads: {}", during["views"]);
    let mut counted = [0u64; 2];
    while let Some(result) = workers.join_next().await {
        let [alpha, beta] = result.expect("worker finished");
        counted[0] += alpha;
        counted[1] += beta;
    }
    assert_eq!(counted[0] + counted[1], (WORKERS * PER_WORKER) as u64);
    assert_eq!(
        server.totals(&["alpha", "beta", "n4"]).await["views"],
        serde_json::json!({ "alpha": ALPHA_BASE + counted[0], "beta": counted[1], "n4": 3 })
    );
    assert!(server.terminate().success(), "{}", server.log_text());
    assert_eq!(
        server.log_text().matches("reloaded ").count(),
        versions.len()
    );
    assert_eq!(
        common::stored_rows(&sandbox.db()),
        vec![
            (
                "alpha".to_string(),
                i64::try_from(counted[0]).expect("fits")
            ),
            ("beta".to_string(), i64::try_from(counted[1]).expect("fits")),
        ]
    );
}
