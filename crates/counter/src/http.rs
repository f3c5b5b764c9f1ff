//! The HTTP API (documented in docs/counter.md): routes, the checks every
//! request passes (body size, rate limit, CORS), and the JSON answers. Every
//! refusal is a JSON `{"error", "message"}` with a 4xx/5xx status, and no
//! refused request reaches storage.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::catalog::{is_valid_id, MAX_ID_LEN};
use crate::client::{is_bot, ClientKey};
use crate::rate::RateLimiter;
use crate::redis_limits::{Limited, RedisLimits};
use crate::reload::{Generation, Live};
use crate::store::StoreError;
use crate::window::RecentViews;
use crate::writer::Msg;

/// Largest request body accepted. `POST /api/views/{id}` needs none, but
/// `navigator.sendBeacon` and some clients send a small one.
pub const MAX_BODY: usize = 1024;

/// Most ids in one `GET /api/views?ids=…`: a list page shows 10–20.
pub const MAX_IDS: usize = 100;

/// What every handler shares.
pub struct AppState {
    /// The catalog, its totals and its writer, replaced as a whole when a
    /// publish is loaded (`reload.rs`). Take it once per request.
    pub live: Live,
    /// With Redis, the rate limit, the repeat-view window, the counts and
    /// the totals, shared by all instances and asked in one script per
    /// request; `recent`, `limiter` and the writer's queue are then not
    /// used, and totals are read there: other instances count into the same
    /// hash, so this instance's memory alone would show old totals.
    pub limits: Option<RedisLimits>,
    /// With Redis, the views this instance counted (for the log line at
    /// stop; the writer counts its own with SQLite).
    pub counted_in_redis: AtomicU64,
    pub recent: Mutex<RecentViews>,
    pub limiter: Mutex<RateLimiter>,
    pub trust_proxy: bool,
}

/// The service's routes with their layers, ready for
/// `into_make_service_with_connect_info::<SocketAddr>()`.
pub fn router(state: Arc<AppState>, allow_origins: Vec<HeaderValue>) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(allow_origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(Duration::from_secs(3600));
    Router::new()
        .route("/api/views/{id}", post(record_view))
        .route("/api/views", get(get_views))
        // Only the API routes above are rate limited, not health checks.
        .route_layer(middleware::from_fn_with_state(state.clone(), rate_limit))
        .route("/healthz", get(healthz))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(limit_body))
        // Outermost, so that refusals (400, 413, 429) carry CORS headers too
        // and the page's script can read them.
        .layer(cors)
        .with_state(state)
}

#[derive(Serialize)]
struct ViewAnswer<'a> {
    id: &'a str,
    views: u64,
    /// False when the view was not added: a repeat within the window or a
    /// bot. The total is returned either way.
    counted: bool,
}

#[derive(Serialize)]
struct TotalsAnswer<'a> {
    views: BTreeMap<&'a str, u64>,
    /// Well-formed ids the service does not know (e.g. published since it
    /// last read the data); left out of `views` rather than failing the
    /// whole list.
    unknown: Vec<&'a str>,
}

#[derive(Deserialize)]
struct TotalsQuery {
    ids: Option<String>,
}

async fn record_view(
    State(state): State<Arc<AppState>>,
    Extension(client): Extension<ClientKey>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Ok(Path(id)) = path else {
        return refused(&state, client, bad_id()).await;
    };
    if !is_valid_id(&id) {
        return refused(&state, client, bad_id()).await;
    }
    let generation = state.live.current();
    let Some(index) = generation.catalog.lookup(&id) else {
        return refused(&state, client, unknown_id(&id)).await;
    };
    // Read (and drop) the body so that an oversized chunked body is refused
    // like one with a Content-Length. A broken connection also ends here;
    // nobody reads that answer.
    if axum::body::to_bytes(body, MAX_BODY).await.is_err() {
        return refused(&state, client, too_large()).await;
    }
    let answer = |views, counted| {
        json(
            StatusCode::OK,
            &ViewAnswer {
                id: &id,
                views,
                counted,
            },
        )
    };
    let bot = is_bot(&headers);
    if let Some(limits) = &state.limits {
        // One script: the shared rate limit, the shared window and the
        // count (or, for a bot, the total). When it cannot be run, whether
        // this is a repeat is unknown, and counting anyway could count
        // twice.
        let asked = if bot {
            limits
                .read(client, &[&id])
                .await
                .map(|read| read.map(|live| (false, live.first().copied().unwrap_or(0))))
        } else {
            limits.view(client, &id).await
        };
        return match asked {
            Ok(Ok((counted, live))) => {
                generation.totals.observe(index, live);
                if counted {
                    state.counted_in_redis.fetch_add(1, Ordering::Relaxed);
                }
                answer(generation.totals.with_live(index, live), counted)
            }
            Ok(Err(wait)) => rate_limited(wait),
            Err(e) if bot => shared_unavailable(&e),
            Err(e) => {
                log_read_error("a view was not stored (or its answer was lost)", &e);
                error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the view could not be stored; try again later",
                )
            }
        };
    }
    let now = Instant::now();
    let first = !bot && lock(&state.recent).first_view(client, index, now);
    if !first {
        // Not counted, but the page still shows the current total.
        return answer(generation.totals.total(index), false);
    }
    match commit_view(&generation, index).await {
        Some(views) => answer(views, true),
        None => {
            // Not stored: let the client's retry count.
            lock(&state.recent).forget(client, index, now);
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the view could not be stored; try again later",
            )
        }
    }
}

/// With Redis the rate-limit token is taken by the script that does the
/// request's work; a request refused before that takes its token here, and
/// first, so that every API request costs a token and a client over its
/// rate gets 429 whatever it sends, as without Redis (where the middleware
/// takes it).
async fn refused(state: &AppState, client: ClientKey, refusal: Response) -> Response {
    let Some(limits) = &state.limits else {
        return refusal;
    };
    match limits.check_rate(client).await {
        Ok(Ok(())) => refusal,
        Ok(Err(wait)) => rate_limited(wait),
        Err(e) => shared_unavailable(&e),
    }
}

/// Hands the view to the writer and waits until it is committed; `None`
/// when storage failed or the service is shutting down.
async fn commit_view(generation: &Generation, index: usize) -> Option<u64> {
    let (reply, answer) = oneshot::channel();
    generation
        .writer
        .send(Msg::View { index, reply })
        .await
        .ok()?;
    answer.await.ok()?.ok()
}

async fn get_views(
    State(state): State<Arc<AppState>>,
    Extension(client): Extension<ClientKey>,
    query: Result<Query<TotalsQuery>, QueryRejection>,
) -> Response {
    let ids = match query {
        Ok(Query(TotalsQuery { ids: Some(ids) })) => ids,
        _ => {
            let refusal = error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "expected ?ids=a,b,c (comma-separated bulletin ids)",
            );
            return refused(&state, client, refusal).await;
        }
    };
    let list: Vec<&str> = ids.split(',').collect();
    if list.len() > MAX_IDS {
        let refusal = error(
            StatusCode::BAD_REQUEST,
            "too_many_ids",
            format!(
                "{} ids asked for; at most {MAX_IDS} per request",
                list.len()
            ),
        );
        return refused(&state, client, refusal).await;
    }
    if list.iter().any(|id| !is_valid_id(id)) {
        return refused(&state, client, bad_id()).await;
    }
    let generation = state.live.current();
    let mut known: Vec<(&str, usize)> = Vec::with_capacity(list.len());
    let mut unknown = Vec::new();
    for id in list {
        match generation.catalog.lookup(id) {
            Some(index) if !known.contains(&(id, index)) => known.push((id, index)),
            Some(_) => {}
            None if !unknown.contains(&id) => unknown.push(id),
            None => {}
        }
    }
    let indexes: Vec<usize> = known.iter().map(|&(_, index)| index).collect();
    let totals = match current_totals(&state, client, &generation, &indexes).await {
        Ok(Ok(totals)) => totals,
        Ok(Err(wait)) => return rate_limited(wait),
        Err(e) => return unreadable(&e),
    };
    let answer = TotalsAnswer {
        views: known.iter().map(|&(id, _)| id).zip(totals).collect(),
        unknown,
    };
    json(StatusCode::OK, &answer)
}

/// The current total of each catalog index, in order. With Redis they are
/// read there, in the same script that takes the client's rate-limit token
/// (one round trip): another instance may have counted since this one last
/// wrote, and a total lower than the one the reader saw on another instance
/// a moment ago would look like a lost view. Without Redis this instance is
/// the only writer, so memory is the truth (and the middleware took the
/// token).
async fn current_totals(
    state: &AppState,
    client: ClientKey,
    generation: &Generation,
    indexes: &[usize],
) -> Result<Limited<Vec<u64>>, StoreError> {
    let totals = &generation.totals;
    let Some(limits) = &state.limits else {
        return Ok(Ok(indexes.iter().map(|&i| totals.total(i)).collect()));
    };
    let ids: Vec<&str> = indexes.iter().map(|&i| generation.catalog.id(i)).collect();
    let live = match limits.read(client, &ids).await? {
        Ok(live) => live,
        Err(wait) => return Ok(Err(wait)),
    };
    Ok(Ok(indexes
        .iter()
        .zip(live)
        .map(|(&i, live)| {
            totals.observe(i, live);
            totals.with_live(i, live)
        })
        .collect()))
}

/// 503 for totals that could not be read (Redis down or slow): the portal
/// then shows the data's counts, and nothing was stored.
fn unreadable(e: &StoreError) -> Response {
    log_read_error("totals not read", e);
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "the totals could not be read; try again later",
    )
}

/// 503 when the repeat-view window or the rate limit shared in Redis
/// cannot be asked: nothing was counted.
fn shared_unavailable(e: &StoreError) -> Response {
    log_read_error("repeat-view window or rate limit not checked", e);
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "the request could not be checked; try again later",
    )
}

/// Logs a failed read at most once a second, with how many were left out:
/// while Redis is down every request fails, and a line for each would bury
/// the log.
fn log_read_error(what: &str, e: &StoreError) {
    static LAST_SECOND: AtomicU64 = AtomicU64::new(0);
    static LEFT_OUT: AtomicU64 = AtomicU64::new(0);
    let second = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if LAST_SECOND.swap(second, Ordering::Relaxed) == second {
        LEFT_OUT.fetch_add(1, Ordering::Relaxed);
        return;
    }
    match LEFT_OUT.swap(0, Ordering::Relaxed) {
        0 => eprintln!("pufa-counter: error: {what}: {e}"),
        n => eprintln!("pufa-counter: error: {what}: {e} (and {n} more not logged)"),
    }
}

async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    let generation = state.live.current();
    if generation.writer.is_closed() {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the writer has stopped",
        );
    }
    json(
        StatusCode::OK,
        &serde_json::json!({ "status": "ok", "bulletins": generation.catalog.countable_len() }),
    )
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}

async fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "use POST /api/views/{id}, GET /api/views?ids=… or GET /healthz",
    )
}

/// Identifies the client, applies its rate limit, and hands its identity to
/// the handler so both agree on who it is. With Redis the handler takes the
/// token instead, in the script that does its work (one round trip per
/// request; see [`refused`]).
async fn rate_limit(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request,
    next: Next,
) -> Response {
    let client = ClientKey::of_request(peer, request.headers(), state.trust_proxy);
    if state.limits.is_none() {
        if let Err(wait) = lock(&state.limiter).check(client, Instant::now()) {
            return rate_limited(wait);
        }
    }
    request.extensions_mut().insert(client);
    next.run(request).await
}

/// 429 with `Retry-After` in whole seconds (at least 1).
fn rate_limited(wait: Duration) -> Response {
    let mut response = error(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "too many requests from this client; slow down",
    );
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    response
}

/// Refuses a declared body over [`MAX_BODY`] before any work is done.
/// Bodies without a length are bounded where they are read.
async fn limit_body(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return too_large();
    }
    next.run(request).await
}

fn bad_id() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "bad_id",
        format!("ids are 1–{MAX_ID_LEN} ASCII letters, digits, - or _"),
    )
}

fn unknown_id(id: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "unknown_id",
        format!("no bulletin with id “{id}”"),
    )
}

fn too_large() -> Response {
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        format!("request bodies are limited to {MAX_BODY} bytes; POST needs none"),
    )
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    json(
        status,
        &serde_json::json!({ "error": code, "message": message.into() }),
    )
}

/// A JSON answer that no cache may keep: totals change all the time.
fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The tables stay consistent even if a thread panicked while holding the
/// lock (each update is a single insert or remove), so a poisoned lock is
/// used as is rather than failing every later request.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
