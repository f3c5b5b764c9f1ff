//! Load generator for pufa-counter (run by crates/counter/bench.sh). It
//! exists to check the service's throughput target: N concurrent clients
//! (64 by default) post views as fast as answers come back, for a fixed
//! time, and it prints requests per second, counted views per second and
//! latency percentiles.
//!
//! Every request carries a fresh X-Forwarded-For address so that the
//! repeat-view window does not swallow the views: start the service with
//! `--trust-proxy` and a `--rate` high enough not to limit the run.
//!
//! Counted views are taken from the service's own totals (a GET before and
//! after), i.e. views that were committed, not just answered.

use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU32, Ordering};
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
    /// Worker threads of this tool's runtime (the service needs the rest).
    #[arg(long, default_value_t = 1)]
    threads: usize,
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

    let before = total_views(&authority, &ids).await?;
    let next_ip = Arc::new(AtomicU32::new(0));
    let duration = Duration::from_secs_f64(args.seconds);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(args.clients);
    for n in 0..args.clients {
        let (authority, ids, next_ip) = (authority.clone(), ids.clone(), next_ip.clone());
        tasks.push(tokio::spawn(async move {
            client(n, &authority, &ids, &next_ip, deadline).await
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
    let after = total_views(&authority, &ids).await?;

    all.latencies_us.sort_unstable();
    let requests = all.latencies_us.len() as f64;
    let stored = after.saturating_sub(before);
    let rps = requests / elapsed;
    let views_per_s = stored as f64 / elapsed;
    let p = |q: f64| percentile_ms(&all.latencies_us, q);
    println!(
        "{} clients for {elapsed:.2} s against {}",
        args.clients, args.url
    );
    println!(
        "requests: {} ({rps:.0}/s): 200 {}, other status {}, connection errors {}",
        all.latencies_us.len(),
        all.ok,
        all.other_status,
        all.errors
    );
    println!(
        "counted views: {} answered counted, {stored} added to the stored totals ({views_per_s:.0}/s)",
        all.counted
    );
    println!(
        "latency ms: p50 {:.2}, p90 {:.2}, p99 {:.2}, p99.9 {:.2}, max {:.2}",
        p(0.50),
        p(0.90),
        p(0.99),
        p(0.999),
        p(1.0)
    );
    // One machine-readable line for bench.sh.
    println!(
        "RESULT rps={rps:.0} views_per_s={views_per_s:.0} p50_ms={:.3} p99_ms={:.3}",
        p(0.50),
        p(0.99)
    );
    Ok(())
}

async fn client(
    n: usize,
    authority: &str,
    ids: &[String],
    next_ip: &AtomicU32,
    deadline: Instant,
) -> Result<Tally, String> {
    let mut sender = connect(authority).await?;
    let mut tally = Tally::default();
    let mut i = n;
    while Instant::now() < deadline {
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
