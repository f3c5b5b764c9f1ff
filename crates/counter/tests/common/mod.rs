//! Shared by the integration tests: starts the real `pufa-counter` binary on
//! 127.0.0.1 (port 0, the chosen port read from its stdout) with a database
//! and a small data file in a temporary directory, and small HTTP helpers.
//! Nothing here sleeps: readiness is the printed address plus a bounded
//! number of /healthz attempts.

#![allow(dead_code)] // each test binary uses a different part

pub mod redis_server;

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

/// A Firefox User-Agent: counted like a person.
pub const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

/// Three bulletins: one with an exported count, one `null`, one without the
/// field; extra fields as in the real file, which the service ignores.
pub const DATA: &str = r#"{
  "bulletins": [
    { "id": "alpha", "title": "甲", "channel": "pufa", "published": "2024-01-01 08:00",
      "views": 10, "sample": true, "body": [{ "type": "paragraph", "text": "正文" }] },
    { "id": "beta", "title": "乙", "views": null },
    { "id": "gamma-2_x", "title": "丙" }
  ]
}"#;

pub const ALPHA_BASE: u64 = 10;

/// A temporary directory holding the data file and the database; it
/// outlives server restarts.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("bulletins.json"), DATA).expect("data file written");
        Sandbox { dir }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("bulletins.json")
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("counter.sqlite3")
    }

    /// Starts the service on this sandbox's data and database.
    pub async fn start(&self, extra: &[&str]) -> Server {
        self.start_with_env(extra, &[]).await
    }

    pub async fn start_with_env(&self, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let storage = [OsString::from("--db"), self.db().into_os_string()];
        self.launch(&storage, extra, env).await
    }

    /// Starts the service on this sandbox's data with its counts in the
    /// Redis at `url` (no --db).
    pub async fn start_redis(&self, url: &str, extra: &[&str]) -> Server {
        self.launch(&["--redis".into(), url.into()], extra, &[])
            .await
    }

    /// Starts the service with `storage` arguments (--db or --redis, or none
    /// when `env` names the storage). It runs in the sandbox directory, so a
    /// default database file created by mistake would show up there.
    pub async fn launch(
        &self,
        storage: &[OsString],
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        let log = self.dir.path().join(format!(
            "server-{}.log",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        let mut command = command();
        command
            .arg("--listen")
            .arg("127.0.0.1:0")
            .arg("--data")
            .arg(self.data())
            .args(storage)
            .args(extra)
            .current_dir(self.dir.path())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"));
        for &(key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("the binary starts");
        let stdout = child.stdout.take().expect("stdout piped");
        // Read the one stdout line on a thread so a server that never
        // prints cannot hang the test past the bound below.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        let Some(url) = line
            .trim()
            .strip_prefix("pufa-counter listening on ")
            .map(str::to_owned)
        else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the service did not start: stdout {line:?}, log:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        let server = Server {
            child,
            url,
            log,
            http: client(),
        };
        server.wait_healthy().await;
        server
    }
}

/// The binary, with no PUFA_COUNTER_* variables from the environment of
/// whoever runs the tests.
pub fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pufa-counter"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("PUFA_COUNTER_") {
            command.env_remove(key);
        }
    }
    command
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

pub struct Server {
    pub child: Child,
    pub url: String,
    pub log: PathBuf,
    pub http: reqwest::Client,
}

/// One POST's outcome.
#[derive(Debug)]
pub struct Posted {
    pub status: StatusCode,
    pub body: Value,
}

impl Posted {
    pub fn views(&self) -> u64 {
        self.body["views"].as_u64().expect("views in the answer")
    }
    pub fn counted(&self) -> bool {
        self.body["counted"]
            .as_bool()
            .expect("counted in the answer")
    }
}

impl Server {
    async fn wait_healthy(&self) {
        for _ in 0..100 {
            if let Ok(response) = self.http.get(format!("{}/healthz", self.url)).send().await {
                if response.status() == StatusCode::OK {
                    return;
                }
            }
            tokio::task::yield_now().await;
        }
        panic!("/healthz never answered 200; log:\n{}", self.log_text());
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// POST /api/views/{id} as a browser from `client` (an X-Forwarded-For
    /// address, honoured only with --trust-proxy).
    pub async fn view(&self, id: &str, client: &str) -> Posted {
        self.post(id, Some(client), Some(BROWSER)).await
    }

    pub async fn post(&self, id: &str, forwarded_for: Option<&str>, ua: Option<&str>) -> Posted {
        let mut request = self.http.post(format!("{}/api/views/{id}", self.url));
        if let Some(ip) = forwarded_for {
            request = request.header("x-forwarded-for", ip);
        }
        if let Some(ua) = ua {
            request = request.header("user-agent", ua);
        }
        let response = request.send().await.expect("POST answered");
        let status = response.status();
        let body = response.json().await.expect("JSON answer");
        Posted { status, body }
    }

    /// GET /api/views?ids=… as raw status and JSON.
    pub async fn totals_raw(&self, query: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .get(format!("{}/api/views?{query}", self.url))
            .header("x-forwarded-for", "192.0.2.250")
            .send()
            .await
            .expect("GET answered");
        let status = response.status();
        (status, response.json().await.expect("JSON answer"))
    }

    /// The total of each id, from the batch GET.
    pub async fn totals(&self, ids: &[&str]) -> Value {
        let (status, body) = self.totals_raw(&format!("ids={}", ids.join(","))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub async fn total(&self, id: &str) -> u64 {
        self.totals(&[id]).await["views"][id]
            .as_u64()
            .expect("a total")
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no chance to flush.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then the exit status of the graceful stop.
    pub fn terminate(&mut self) -> ExitStatus {
        let pid = libc::pid_t::try_from(self.child.id()).expect("pid fits");
        // SAFETY: plain kill(2) on our own child's pid, which we have not
        // waited for yet, so it cannot have been reused.
        let rc = unsafe { libc::kill(pid, libc::SIGTERM) };
        assert_eq!(rc, 0, "kill(SIGTERM) failed");
        self.child.wait().expect("the service exits")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Rows in the live-count table, read straight from the database file (WAL
/// readers do not disturb the running service).
pub fn stored_rows(db: &Path) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open(db).expect("database opens");
    let mut stmt = conn
        .prepare("SELECT id, live FROM views ORDER BY id")
        .expect("prepared");
    stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("query")
        .map(|row| row.expect("row"))
        .collect()
}

/// The first views every storage backend must count the same way: on top
/// of the exported count, one per client, the data's `null` starting at 0.
pub async fn check_first_views(server: &Server) {
    let first = server.view("alpha", "203.0.113.1").await;
    assert_eq!(first.status, reqwest::StatusCode::OK);
    assert_eq!(
        first.body,
        serde_json::json!({ "id": "alpha", "views": ALPHA_BASE + 1, "counted": true })
    );
    assert_eq!(
        server.view("alpha", "203.0.113.2").await.views(),
        ALPHA_BASE + 2
    );
    assert_eq!(server.view("beta", "203.0.113.1").await.views(), 1);
}
