//! A real, throwaway `redis-server` for the Redis backend's tests: the
//! point of those tests is the real protocol, MULTI/EXEC and persistence,
//! which no fake would show. Each test starts its own server on a free
//! 127.0.0.1 port, in a temporary directory, as a child process (never a
//! system service), and kills it when dropped.
//!
//! Without `redis-server` on PATH the tests that need it say so on stderr
//! and return; under CI (`CI=true`) or with `PUFA_TESTS_REQUIRE_REDIS=1` a
//! missing server fails them instead, so a CI run cannot skip them unseen.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a server may take to answer PING after it was started (it
/// replays its append-only file first when restarted on one).
const READY_TIMEOUT: Duration = Duration::from_secs(20);

pub struct RedisServer {
    child: Child,
    pub port: u16,
    /// Holds the append-only file when persistence is on, and the log.
    pub dir: PathBuf,
    log: PathBuf,
    /// The directory made by [`RedisServer::start`], removed after the
    /// server is killed (fields drop after `Drop::drop`).
    _owned_dir: Option<tempfile::TempDir>,
}

/// How the server keeps its data.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    /// `--save '' --appendonly no`: memory only, the quickest.
    None,
    /// `--appendonly yes --appendfsync always`: the setting that keeps the
    /// counter's promise (an acknowledged view is on disk).
    AofAlways,
}

impl RedisServer {
    /// Whether a `redis-server` can be run. When not, says so on stderr
    /// (outside the test harness's capture, so it shows in the run's
    /// output) unless the tests are required to run, where it panics.
    pub fn available(test: &str) -> bool {
        let found = Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if found {
            return true;
        }
        let required = std::env::var("CI").is_ok_and(|v| v == "true")
            || std::env::var("PUFA_TESTS_REQUIRE_REDIS").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "{test}: redis-server is not on PATH, and CI=true or PUFA_TESTS_REQUIRE_REDIS=1 \
             requires the Redis tests to run (apt-get install redis-server)"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: redis-server is not on PATH (apt-get install redis-server)"
        );
        false
    }

    /// A memory-only server in a new temporary directory, or `None` (after
    /// saying why) when `redis-server` is missing.
    pub fn start(test: &str) -> Option<Self> {
        if !Self::available(test) {
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let mut server = Self::start_in(dir.path(), None, Persistence::None);
        server._owned_dir = Some(dir);
        Some(server)
    }

    /// A server working in `dir`, on `port` (to restart one where the
    /// service expects it) or on a free port.
    pub fn start_in(dir: &Path, port: Option<u16>, persistence: Persistence) -> Self {
        // A free port can be taken by someone else between our probe and
        // the server's bind; then the server exits and another port is
        // tried. A fixed port gets one attempt.
        let attempts = if port.is_some() { 1 } else { 5 };
        let mut failures = Vec::new();
        for attempt in 0..attempts {
            let port = port.unwrap_or_else(free_port);
            let log = dir.join(format!("redis-{port}-{attempt}.log"));
            let mut command = Command::new("redis-server");
            command
                .args(["--port", &port.to_string()])
                .args(["--bind", "127.0.0.1"])
                .args(["--daemonize", "no"])
                .args(["--save", ""])
                .arg("--dir")
                .arg(dir)
                .args(["--logfile", ""]);
            match persistence {
                Persistence::None => command.args(["--appendonly", "no"]),
                Persistence::AofAlways => {
                    command.args(["--appendonly", "yes", "--appendfsync", "always"])
                }
            };
            let child = command
                .stdin(Stdio::null())
                .stdout(std::fs::File::create(&log).expect("redis log file"))
                .stderr(Stdio::null())
                .spawn()
                .expect("redis-server starts");
            let mut server = RedisServer {
                child,
                port,
                dir: dir.to_owned(),
                log,
                _owned_dir: None,
            };
            match server.wait_ready() {
                Ok(()) => return server,
                Err(why) => failures.push(format!("port {port}: {why}")),
            }
        }
        panic!("redis-server did not start:\n{}", failures.join("\n"));
    }

    /// Polls PING until the server answers, it exits, or READY_TIMEOUT.
    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + READY_TIMEOUT;
        let client = redis::Client::open(self.url()).map_err(|e| e.to_string())?;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("exited with {status}; log:\n{}", self.log_text()));
            }
            let pong = client
                .get_connection_with_timeout(Duration::from_millis(200))
                .and_then(|mut conn| redis::cmd("PING").query::<String>(&mut conn));
            if pong.is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                self.kill();
                return Err(format!(
                    "no PONG within {READY_TIMEOUT:?}; log:\n{}",
                    self.log_text()
                ));
            }
            // Bounded readiness polling: the only sleep in these tests.
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// A plain connection for the test's own checks.
    pub fn connection(&self) -> redis::Connection {
        redis::Client::open(self.url())
            .and_then(|client| client.get_connection_with_timeout(Duration::from_secs(5)))
            .expect("the test connects to redis-server")
    }

    /// The counter's hash, `pufa:views`, as sorted (id, count) pairs.
    pub fn views(&self) -> Vec<(String, i64)> {
        let mut all: Vec<(String, i64)> = redis::cmd("HGETALL")
            .arg("pufa:views")
            .query(&mut self.connection())
            .expect("HGETALL");
        all.sort();
        all
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: what a crash of Redis looks like to the service.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A port that was free on 127.0.0.1 a moment ago (nothing listens on it
/// once this returns).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}
