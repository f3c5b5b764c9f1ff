//! pufa-counter: the optional view counter of the 普法动态 portal. The
//! portal is static files; operators who want live 浏览次数 run this small
//! service beside it (docs/counter.md). This file wires the parts together
//! and owns the service's life: start, serve, and a graceful stop that
//! commits every accepted view before the process exits.

pub mod catalog;
pub mod client;
pub mod config;
pub mod http;
pub mod rate;
pub mod redis_limits;
pub mod redis_store;
pub mod reload;
pub mod store;
pub mod window;
pub mod writer;

use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::catalog::{Catalog, Fingerprint};
use crate::config::Config;
use crate::http::AppState;
use crate::rate::RateLimiter;
use crate::redis_limits::RedisLimits;
use crate::redis_store::RedisStore;
use crate::reload::{Generation, Live, OpenStore, Reloader, Retired};
use crate::store::{SqliteStore, Store};
use crate::window::RecentViews;
use crate::writer::{Msg, Totals};

/// How long a graceful stop waits for open requests before it stops
/// waiting; the queued views are committed either way.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs the service until SIGINT or SIGTERM. Errors are for the operator:
/// they name the file, flag or address at fault.
pub async fn run(config: Config) -> Result<(), String> {
    // Taken before reading, so that a publish during the start is seen as
    // a change by the first poll.
    let fingerprint = Fingerprint::of(&config.data);
    let catalog = Arc::new(Catalog::load(&config.data)?);
    match config.redis.clone() {
        None => {
            let store = SqliteStore::open(&config.db).map_err(|e| e.to_string())?;
            let storage = format!("database {}", config.db.display());
            // A publish that adds bulletins starts a new writer on its own
            // connection (reload.rs); WAL lets both be open for a moment.
            let db = config.db.clone();
            let open: OpenStore<SqliteStore> = Arc::new(move || SqliteStore::open(&db));
            serve(config, (catalog, fingerprint), store, open, None, storage).await
        }
        Some(url) => {
            url.check()?;
            // Both connections are opened now, so an unreachable Redis stops
            // the start with one clear line instead of failing requests.
            let mut store = RedisStore::connect(&url).map_err(|e| e.to_string())?;
            if let Some(warning) = store.persistence_warning() {
                eprintln!("pufa-counter: warning: {warning}");
            }
            let limits = RedisLimits::connect(&url, config.window, config.rate, config.burst)
                .await
                .map_err(|e| e.to_string())?;
            let storage = format!(
                "Redis {url} (hash {}; window and rate limit shared)",
                redis_store::KEY
            );
            let open: OpenStore<RedisStore> = Arc::new(move || RedisStore::connect(&url));
            let data = (catalog, fingerprint);
            serve(config, data, store, open, Some(limits), storage).await
        }
    }
}

/// Serves the catalog (read when the data looked like the fingerprint) with
/// `store` (and, with Redis, `limits` for the window, the rate limit, the
/// counting and fresh totals) until SIGINT or SIGTERM; `open` opens another store for a
/// reload; `storage` names the backend in the start-up line.
async fn serve<S: Store>(
    config: Config,
    (catalog, fingerprint): (Arc<Catalog>, Fingerprint),
    mut store: S,
    open: OpenStore<S>,
    limits: Option<RedisLimits>,
    storage: String,
) -> Result<(), String> {
    let stored = store.load_all().map_err(|e| e.to_string())?;
    let totals = Arc::new(Totals::new(&catalog, &stored));
    let (writer, writer_thread) = writer::spawn(store, catalog.clone(), totals.clone())
        .map_err(|e| format!("cannot start the writer thread: {e}"))?;

    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {} ({e}); see --listen", config.listen))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;

    let state = Arc::new(AppState {
        live: Live::new(Generation {
            catalog: catalog.clone(),
            totals,
            writer,
        }),
        limits,
        counted_in_redis: AtomicU64::new(0),
        recent: Mutex::new(RecentViews::new(
            config.window,
            usize::try_from(config.dedupe_capacity).unwrap_or(usize::MAX),
        )),
        limiter: Mutex::new(RateLimiter::new(
            config.rate,
            config.burst,
            rate::MAX_CLIENTS,
        )),
        trust_proxy: config.trust_proxy,
    });
    let app = http::router(state.clone(), config.allow_origins.clone());

    let (stop_tx, stop_rx) = watch::channel(false);
    // Started before the service says it listens: SIGHUP must reload from
    // then on, never end the process (its default action).
    let reloader = Reloader {
        data: config.data.clone(),
        interval: config.reload_interval,
        state: state.clone(),
        open,
        writer_thread,
        fingerprint,
    }
    .spawn(stop_rx.clone());

    eprintln!(
        "pufa-counter: {} bulletins from {}, {storage}, window {:?}, rate {}/s burst {}{}",
        catalog.countable_len(),
        config.data.display(),
        config.window,
        config.rate,
        config.burst,
        if config.trust_proxy {
            ", client from X-Forwarded-For"
        } else {
            ""
        },
    );
    // The one line on stdout, so scripts and tests can learn the port when
    // --listen asked for port 0.
    println!("pufa-counter listening on http://{address}");
    let _ = std::io::stdout().flush();

    tokio::spawn(async move {
        let signal = shutdown_signal().await;
        eprintln!("pufa-counter: {signal}: stopping");
        let _ = stop_tx.send(true);
    });

    let serve = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stopped(stop_rx.clone()));
    // New connections stop at the signal; open ones get DRAIN_TIMEOUT to
    // finish. A client that holds its connection open cannot hold up the
    // stop: past the timeout its requests are refused with 503 below.
    let drain_deadline = async {
        stopped(stop_rx).await;
        tokio::time::sleep(DRAIN_TIMEOUT).await;
    };
    tokio::select! {
        served = serve => served.map_err(|e| format!("server error: {e}"))?,
        () = drain_deadline => eprintln!(
            "pufa-counter: some connections still open after {DRAIN_TIMEOUT:?}; stopping anyway"
        ),
    }

    // The reloader ends between two reloads, handing back the current
    // writer's thread (and what the writers it replaced committed).
    let Retired {
        writer_thread,
        committed: committed_before,
        closed: closed_before,
    } = reloader
        .await
        .map_err(|e| format!("the reloader failed: {e}"))?;
    let writer = state.live.current().writer.clone();
    // Everything queued before this message is committed before the writer
    // ends; anything sent after it is refused.
    let _ = writer.send(Msg::Shutdown).await;
    drop(writer);
    let writer::Stopped { committed, closed } =
        tokio::task::spawn_blocking(move || writer_thread.join())
            .await
            .map_err(|e| format!("writer thread lost: {e}"))?
            .map_err(|_| "the writer thread panicked".to_string())?;
    closed
        .and(closed_before)
        .map_err(|e| format!("closing the storage: {e}"))?;
    let committed = committed + committed_before + state.counted_in_redis.load(Ordering::Relaxed);
    eprintln!("pufa-counter: stopped; {committed} views committed since start");
    Ok(())
}

async fn stopped(mut stop: watch::Receiver<bool>) {
    // An error means the sender is gone, which only happens after it sent.
    let _ = stop.wait_for(|stopped| *stopped).await;
}

#[cfg(unix)]
async fn shutdown_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => tokio::select! {
            _ = tokio::signal::ctrl_c() => "SIGINT",
            _ = term.recv() => "SIGTERM",
        },
        Err(e) => {
            eprintln!(
                "pufa-counter: warning: cannot watch SIGTERM ({e}); only SIGINT stops gracefully"
            );
            let _ = tokio::signal::ctrl_c().await;
            "SIGINT"
        }
    }
}

#[cfg(not(unix))]
async fn shutdown_signal() -> &'static str {
    let _ = tokio::signal::ctrl_c().await;
    "Ctrl-C"
}
