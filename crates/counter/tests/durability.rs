//! Durability of acknowledged views: a SIGKILL at a random moment under
//! concurrent load loses no view that was answered "counted", and a SIGTERM
//! commits everything accepted before the process exits.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use common::{Sandbox, ALPHA_BASE, BROWSER};
use reqwest::StatusCode;
use tokio::sync::Notify;

const VIEWS: usize = 2000;
const CONCURRENCY: usize = 64;

/// Outcome of a load run.
struct Load {
    /// Requests whose answer said the view was counted (and so committed).
    acknowledged: u64,
    /// Requests that were started (each from its own client) before `stop`.
    sent: u64,
}

/// Posts up to VIEWS views of `alpha`, each from a distinct forwarded
/// address, CONCURRENCY at a time. `on_ack` is notified when the number of
/// acknowledged views reaches `stop_at`; no new request starts once `stop`
/// is set, so `sent` is a tight upper bound of what can be stored.
async fn post_views(
    http: reqwest::Client,
    base: String,
    stop_at: u64,
    on_ack: Arc<Notify>,
    stop: Arc<AtomicBool>,
) -> Load {
    let next = Arc::new(AtomicUsize::new(0));
    let acknowledged = Arc::new(AtomicU64::new(0));
    let sent = Arc::new(AtomicU64::new(0));
    let url = format!("{base}/api/views/alpha");
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (http, url) = (http.clone(), url.clone());
        let (next, acknowledged, sent, on_ack, stop) = (
            next.clone(),
            acknowledged.clone(),
            sent.clone(),
            on_ack.clone(),
            stop.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= VIEWS {
                    break;
                }
                sent.fetch_add(1, Ordering::Relaxed);
                let ip = format!("10.{}.{}.{}", n >> 16 & 255, n >> 8 & 255, n & 255);
                let answer = http
                    .post(&url)
                    .header("user-agent", BROWSER)
                    .header("x-forwarded-for", ip)
                    .send()
                    .await;
                let Ok(response) = answer else {
                    continue; // the service is gone: not acknowledged
                };
                if response.status() != StatusCode::OK {
                    continue;
                }
                let Ok(body) = response.json::<serde_json::Value>().await else {
                    continue;
                };
                if body["counted"] == true
                    && acknowledged.fetch_add(1, Ordering::SeqCst) + 1 == stop_at
                {
                    on_ack.notify_one();
                }
            }
        }));
    }
    for worker in workers {
        worker.await.expect("worker finished");
    }
    Load {
        acknowledged: acknowledged.load(Ordering::SeqCst),
        sent: sent.load(Ordering::SeqCst),
    }
}

/// A kill point that differs between runs (printed, to reproduce a failure
/// by reading it from the log), without a random-number crate.
fn random_kill_point() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let span = VIEWS as u64 * 8 / 10;
    VIEWS as u64 / 10 + u64::from(nanos) % span
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_views_survive_sigkill() {
    let sandbox = Sandbox::new();
    let mut server = sandbox
        .start(&["--trust-proxy", "--rate", "100000", "--burst", "100000"])
        .await;
    let kill_at = random_kill_point();
    println!("killing after {kill_at} acknowledged views");

    let on_ack = Arc::new(Notify::new());
    let stop = Arc::new(AtomicBool::new(false));
    let load = {
        let load = post_views(
            server.http.clone(),
            server.url.clone(),
            kill_at,
            on_ack.clone(),
            stop.clone(),
        );
        tokio::pin!(load);
        tokio::select! {
            load = &mut load => panic!(
                "all {} views finished before the kill point {kill_at} ({} acknowledged)",
                load.sent, load.acknowledged
            ),
            () = on_ack.notified() => {
                // SIGKILL while requests are in flight: no flush, no goodbye.
                server.kill();
                stop.store(true, Ordering::SeqCst);
            }
        }
        load.await
    };
    println!(
        "sent {}, acknowledged {} before the kill",
        load.sent, load.acknowledged
    );
    assert!(load.acknowledged >= kill_at);
    assert!(
        load.acknowledged < VIEWS as u64,
        "the kill came after the last view"
    );

    let server = sandbox.start(&[]).await;
    let stored = server.total("alpha").await - ALPHA_BASE;
    println!("stored after restart: {stored}");
    assert!(
        stored >= load.acknowledged,
        "lost acknowledged views: {stored} stored < {} acknowledged",
        load.acknowledged
    );
    assert!(
        stored <= load.sent,
        "more views stored ({stored}) than sent ({})",
        load.sent
    );
    let rows = common::stored_rows(&sandbox.db());
    assert_eq!(rows, vec![("alpha".to_string(), stored as i64)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_commits_everything_accepted_and_closes_the_database() {
    let sandbox = Sandbox::new();
    let mut server = sandbox
        .start(&["--trust-proxy", "--rate", "100000", "--burst", "100000"])
        .await;
    let on_ack = Arc::new(Notify::new());
    let load = {
        let load = post_views(
            server.http.clone(),
            server.url.clone(),
            200,
            on_ack.clone(),
            Arc::new(AtomicBool::new(false)),
        );
        tokio::pin!(load);
        tokio::select! {
            load = &mut load => load,
            () = on_ack.notified() => {
                let status = server.terminate();
                assert!(status.success(), "exit status {status}; log:\n{}", server.log_text());
                load.await
            }
        }
    };
    assert!(load.acknowledged >= 200);
    let log = server.log_text();
    assert!(log.contains("SIGTERM: stopping"), "{log}");
    assert!(log.contains("views committed"), "{log}");
    // A clean close checkpoints the write-ahead log and removes it.
    let wal = sandbox.db().with_extension("sqlite3-wal");
    assert!(!wal.exists(), "{} left behind", wal.display());

    let server = sandbox.start(&[]).await;
    let stored = server.total("alpha").await - ALPHA_BASE;
    assert!(stored >= load.acknowledged && stored <= load.sent);
}
