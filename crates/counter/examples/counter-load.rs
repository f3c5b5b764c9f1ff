//! Load generator for pufa-counter (run by crates/counter/bench.sh). It
//! exists to check the service's throughput target: N concurrent clients
//! (64 by default) post views as fast as answers come back, for a fixed
//! time (or a fixed number of requests), and it prints requests per second,
//! counted views per second and latency percentiles.
//!
//! Every request carries a fresh X-Forwarded-For address (10.0.0.0/8, so up
//! to 16.7 million distinct clients) so that the repeat-view window does not
//! swallow the views: start the service with `--trust-proxy` and a `--rate`
//! high enough not to limit the run.
//!
//! Counted views are taken from the service's own totals (a GET before and
//! after), i.e. views that were committed, not just answered.
//!
//! With `--ceiling` the same clients then drive, for the same time, a bare
//! axum handler started in this process on 127.0.0.1 that answers the same
//! route with the same JSON and stores nothing: what the machine can do
//! for this route at all. Both are printed, with the ratio.

use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

#[derive(Parser)]
#[command(about = "Load generator for pufa-counter: POST /api/views/{id} from many clients")]
struct Args {
    /// The service, e.g. http://127.0.0.1:8787 (plain HTTP only).
    #[arg(long, default_value = "http://127.0.0.1:8787")]
    url: String,
    /// bulletins.json whose ids are posted (round robin).
    #[arg(long, default_value = "tests/fixtures/json/bulletins.json")]
    data: std::path::PathBuf,
    /// Concurrent clients, each on its own keep-alive connection.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// How long to send, in seconds.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Stop after this many requests (or --seconds, whichever comes
    /// first); each request is a distinct client address.
    #[arg(long)]
    requests: Option<u64>,
    /// Worker threads of this tool's runtime (the service needs the rest).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Then drive a bare axum handler of the same route (in this process,
    /// on 127.0.0.1, storing nothing) the same way, and compare.
    #[arg(long)]
    ceiling: bool,
    /// Worker threads of the bare handler's runtime (default: one per CPU,
    /// as the service's).
    #[arg(long)]
    ceiling_threads: Option<usize>,
    /// Print the service's Redis script (for `redis-benchmark` in
    /// bench.sh) and exit.
    #[arg(long)]
    print_redis_script: bool,
    /// Measure this directory's disk instead: 2000 small appends to a
    /// growing file, each followed by fdatasync (what Redis's append-only
    /// file does with appendfsync always), then 2000 overwrites of a file
    /// that does not grow (what SQLite's WAL mostly does), and exit.
    #[arg(long, value_name = "DIR")]
    fsync_probe: Option<std::path::PathBuf>,
}

/// What one client saw.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    ok: u64,
    counted: u64,
    other_status: u64,
    errors: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.print_redis_script {
        print!("{}", pufa_counter::redis_limits::SCRIPT);
        return ExitCode::SUCCESS;
    }
    if let Some(dir) = &args.fsync_probe {
        return match fsync_probe(dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("counter-load: fsync probe in {}: {e}", dir.display());
                ExitCode::FAILURE
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads.max(1))
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("counter-load: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("counter-load: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What one run against one server gave.
struct Figures {
    elapsed: f64,
    tally: Tally,
}

impl Figures {
    fn rps(&self) -> f64 {
        self.tally.latencies_us.len() as f64 / self.elapsed
    }

    fn percentile_ms(&self, q: f64) -> f64 {
        percentile_ms(&self.tally.latencies_us, q)
    }

    fn print(&self, what: &str, clients: usize) {
        let p = |q| self.percentile_ms(q);
        println!("{what}: {clients} clients for {:.2} s", self.elapsed);
        println!(
            "  requests: {} ({:.0}/s): 200 {}, other status {}, connection errors {}",
            self.tally.latencies_us.len(),
            self.rps(),
            self.tally.ok,
            self.tally.other_status,
            self.tally.errors
        );
        println!(
            "  latency ms: p50 {:.2}, p90 {:.2}, p99 {:.2}, p99.9 {:.2}, max {:.2}",
            p(0.50),
            p(0.90),
            p(0.99),
            p(0.999),
            p(1.0)
        );
    }
}

async fn run(args: Args) -> Result<(), String> {
    let authority = args
        .url
        .strip_prefix("http://")
        .ok_or("--url must start with http://")?
        .trim_end_matches('/')
        .to_string();
    let ids = read_ids(&args.data)?;
    if ids.is_empty() {
        return Err("the data file has no bulletins".into());
    }
    let ids = Arc::new(ids);
    let duration = Duration::from_secs_f64(args.seconds);

    let before = total_views(&authority, &ids).await?;
    let service = drive(&authority, &ids, args.clients, duration, args.requests).await?;
    let after = total_views(&authority, &ids).await?;
    let stored = after.saturating_sub(before);
    let views_per_s = stored as f64 / service.elapsed;
    service.print(&format!("service {}", args.url), args.clients);
    println!(
        "  counted views: {} answered counted, {stored} added to the stored totals ({views_per_s:.0}/s)",
        service.tally.counted
    );
    // Machine-readable lines for bench.sh.
    println!(
        "RESULT rps={:.0} views_per_s={views_per_s:.0} p50_ms={:.3} p99_ms={:.3}",
        service.rps(),
        service.percentile_ms(0.50),
        service.percentile_ms(0.99)
    );

    if args.ceiling {
        let threads = args.ceiling_threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
        });
        let (address, stop) = ceiling::start(threads)?;
        let bare = drive(&address, &ids, args.clients, duration, args.requests).await;
        stop();
        let bare = bare?;
        bare.print(&format!("bare axum handler http://{address}"), args.clients);
        let bare_views = bare.tally.counted as f64 / bare.elapsed;
        println!(
            "  answered counted: {} ({bare_views:.0}/s)",
            bare.tally.counted
        );
        let ratio = views_per_s / bare.rps();
        println!(
            "service / bare: counted views/s {ratio:.2} of the bare requests/s; p99 {:.2} ms vs {:.2} ms",
            service.percentile_ms(0.99),
            bare.percentile_ms(0.99)
        );
        println!(
            "CEILING rps={:.0} p50_ms={:.3} p99_ms={:.3} ratio={ratio:.3}",
            bare.rps(),
            bare.percentile_ms(0.50),
            bare.percentile_ms(0.99)
        );
    }
    Ok(())
}

/// `clients` concurrent clients post views to `authority` until `duration`
/// is over or `requests` have been sent.
async fn drive(
    authority: &str,
    ids: &Arc<Vec<String>>,
    clients: usize,
    duration: Duration,
    requests: Option<u64>,
) -> Result<Figures, String> {
    // Start somewhere new in 10.0.0.0/8 each time: with --redis the
    // repeat-view window outlives the service, and a later run (or the
    // next of bench.sh's runs on the same redis-server) starting again at
    // 10.0.0.0 would send repeats, which are answered but not counted.
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| {
            d.subsec_nanos() ^ (d.as_secs() as u32).wrapping_mul(2_654_435_761)
        });
    let next_ip = Arc::new(AtomicU32::new(start));
    let budget = Arc::new(AtomicU64::new(requests.unwrap_or(u64::MAX)));
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(clients);
    for n in 0..clients {
        let (authority, ids) = (authority.to_string(), ids.clone());
        let (next_ip, budget) = (next_ip.clone(), budget.clone());
        tasks.push(tokio::spawn(async move {
            client(n, &authority, &ids, &next_ip, &budget, deadline).await
        }));
    }
    let mut all = Tally::default();
    for task in tasks {
        let tally = task
            .await
            .map_err(|e| format!("client task failed: {e}"))??;
        all.latencies_us.extend(tally.latencies_us);
        all.ok += tally.ok;
        all.counted += tally.counted;
        all.other_status += tally.other_status;
        all.errors += tally.errors;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.latencies_us.sort_unstable();
    Ok(Figures {
        elapsed,
        tally: all,
    })
}

async fn client(
    n: usize,
    authority: &str,
    ids: &[String],
    next_ip: &AtomicU32,
    budget: &AtomicU64,
    deadline: Instant,
) -> Result<Tally, String> {
    let mut sender = connect(authority).await?;
    let mut tally = Tally::default();
    let mut i = n;
    while Instant::now() < deadline
        && budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(1)
            })
            .is_ok()
    {
        let id = &ids[i % ids.len()];
        i += 1;
        let ip =
            Ipv4Addr::from(0x0A00_0000 + (next_ip.fetch_add(1, Ordering::Relaxed) & 0x00FF_FFFF));
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/views/{id}"))
            .header("host", authority)
            .header(
                "user-agent",
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            )
            .header("x-forwarded-for", ip.to_string())
            .header("content-length", "0")
            .body(Empty::<Bytes>::new())
            .map_err(|e| e.to_string())?;
        let sent = Instant::now();
        let result = async {
            let response = sender.send_request(request).await?;
            let status = response.status();
            let body = response.into_body().collect().await?.to_bytes();
            Ok::<_, hyper::Error>((status, body))
        }
        .await;
        let micros = u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX);
        match result {
            Ok((status, body)) => {
                tally.latencies_us.push(micros);
                if status.is_success() {
                    tally.ok += 1;
                    if contains(&body, b"\"counted\":true") {
                        tally.counted += 1;
                    }
                } else {
                    tally.other_status += 1;
                }
            }
            Err(_) => {
                tally.errors += 1;
                sender = connect(authority).await?;
            }
        }
    }
    Ok(tally)
}

/// The ceiling: a bare axum handler for the service's route that answers
/// the same JSON (with the same `Cache-Control`) and stores nothing.
mod ceiling {
    use std::sync::mpsc;

    use axum::extract::Path;
    use axum::http::{header, HeaderValue};
    use axum::response::{IntoResponse, Response};
    use axum::routing::post;
    use axum::{Json, Router};
    use serde::Serialize;

    #[derive(Serialize)]
    struct ViewAnswer<'a> {
        id: &'a str,
        views: u64,
        counted: bool,
    }

    async fn record_view(Path(id): Path<String>) -> Response {
        let mut response = Json(ViewAnswer {
            id: &id,
            views: 1,
            counted: true,
        })
        .into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }

    /// Starts the bare server on its own runtime (`threads` workers) and
    /// returns its address and a function that stops it.
    pub fn start(threads: usize) -> Result<(String, impl FnOnce()), String> {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(threads.max(1))
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = ready_tx.send(Err(format!("bare server runtime: {e}")));
                    return;
                }
            };
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
                    Ok(listener) => listener,
                    Err(e) => {
                        let _ = ready_tx.send(Err(format!("bare server: {e}")));
                        return;
                    }
                };
                let address = listener.local_addr().map(|a| a.to_string());
                let _ = ready_tx.send(address.map_err(|e| e.to_string()));
                let app = Router::new().route("/api/views/{id}", post(record_view));
                // Stopping drops the server with any connection still open.
                tokio::select! {
                    _ = axum::serve(listener, app) => {}
                    _ = stop_rx => {}
                }
            });
        });
        let address = ready_rx
            .recv()
            .map_err(|_| "the bare server did not start".to_string())??;
        Ok((address, move || {
            let _ = stop_tx.send(());
            let _ = thread.join();
        }))
    }
}

async fn connect(authority: &str) -> Result<SendRequest<Empty<Bytes>>, String> {
    let stream = TcpStream::connect(authority)
        .await
        .map_err(|e| format!("cannot connect to {authority}: {e}"))?;
    let _ = stream.set_nodelay(true);
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake with {authority}: {e}"))?;
    tokio::spawn(connection);
    Ok(sender)
}

/// Sum of the totals of `ids`, from the service.
async fn total_views(authority: &str, ids: &[String]) -> Result<u64, String> {
    let mut sum = 0;
    for chunk in ids.chunks(100) {
        let mut sender = connect(authority).await?;
        let request = Request::builder()
            .method(Method::GET)
            .uri(format!("/api/views?ids={}", chunk.join(",")))
            .header("host", authority)
            .body(Empty::<Bytes>::new())
            .map_err(|e| e.to_string())?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("GET totals: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("GET totals answered {}", response.status()));
        }
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("GET totals: {e}"))?
            .to_bytes();
        let value: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| format!("GET totals: {e}"))?;
        let views = value["views"]
            .as_object()
            .ok_or("GET totals: no views object")?;
        sum += views.values().filter_map(|v| v.as_u64()).sum::<u64>();
    }
    Ok(sum)
}

fn read_ids(path: &std::path::Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let bulletins = value["bulletins"]
        .as_array()
        .ok_or_else(|| format!("{}: no bulletins array", path.display()))?;
    Ok(bulletins
        .iter()
        .filter_map(|b| b["id"].as_str().map(str::to_owned))
        .collect())
}

/// Times `fdatasync` after small writes in `dir`: appending (the file grows,
/// so each sync also commits the file's new size to the journal) and
/// overwriting in place (only the data).
fn fsync_probe(dir: &std::path::Path) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    const SYNCS: usize = 2000;
    // About what one sync carries under load: 64 views of ~400 bytes.
    let record = vec![b'x'; 64 * 400];
    for (what, grows) in [("append, file grows", true), ("overwrite in place", false)] {
        let path = dir.join(format!("fsync-probe-{}", std::process::id()));
        let mut file = std::fs::File::create(&path)?;
        if !grows {
            file.write_all(&vec![0; record.len() * SYNCS])?;
            file.sync_all()?;
            file.seek(SeekFrom::Start(0))?;
        }
        let mut latencies_us = Vec::with_capacity(SYNCS);
        for _ in 0..SYNCS {
            file.write_all(&record)?;
            let started = Instant::now();
            file.sync_data()?;
            latencies_us.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
        }
        drop(file);
        std::fs::remove_file(&path)?;
        latencies_us.sort_unstable();
        let p = |q| percentile_ms(&latencies_us, q);
        println!(
            "fdatasync of {} KiB, {what}: p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms ({SYNCS} syncs)",
            record.len() / 1024,
            p(0.5),
            p(0.9),
            p(0.99),
            p(1.0)
        );
    }
    Ok(())
}

fn percentile_ms(sorted_us: &[u32], q: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let rank = ((sorted_us.len() as f64 * q).ceil() as usize).clamp(1, sorted_us.len());
    f64::from(sorted_us[rank - 1]) / 1000.0
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
