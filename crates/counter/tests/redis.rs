//! The Redis backend (`--redis`) against a real `redis-server` that each
//! test starts on 127.0.0.1 (see common/redis_server.rs): counting through
//! the HTTP API into the one hash, two instances sharing one Redis, totals
//! across restarts of the service and of Redis, and start-up errors.
//! Without `redis-server` the tests that need it print SKIPPED and return;
//! the start-up checks that need no server always run.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::redis_server::{Persistence, RedisServer};
use common::{Sandbox, ALPHA_BASE, BROWSER};
use reqwest::StatusCode;
use serde_json::json;

fn views(pairs: &[(&str, i64)]) -> Vec<(String, i64)> {
    pairs.iter().map(|&(id, n)| (id.to_string(), n)).collect()
}

/// No SQLite file appears, neither the sandbox's nor the default one (the
/// service runs in the sandbox directory).
fn assert_no_database(sandbox: &Sandbox) {
    for name in ["counter.sqlite3", "pufa-counter.sqlite3"] {
        let path = sandbox.dir.path().join(name);
        assert!(!path.exists(), "{} was created", path.display());
    }
}

#[tokio::test]
async fn counts_through_the_http_api_into_one_redis_hash() {
    let Some(redis) = RedisServer::start("counts_through_the_http_api_into_one_redis_hash") else {
        return;
    };
    let sandbox = Sandbox::new();
    let server = sandbox.start_redis(&redis.url(), &["--trust-proxy"]).await;
    let log = server.log_text();
    assert!(
        log.contains(&format!(
            "Redis {} (hash pufa:views; window and rate limit shared)",
            redis.url()
        )),
        "{log}"
    );
    // This test server keeps nothing on disk, and the log says what that
    // means for acknowledged views.
    assert!(
        log.contains("warning: Redis has appendonly no: views acknowledged"),
        "{log}"
    );

    common::check_first_views(&server).await;
    // A repeat, a bot and an unknown id are answered and not stored.
    let again = server.view("alpha", "203.0.113.1").await;
    assert!(!again.counted());
    assert_eq!(again.views(), ALPHA_BASE + 2);
    let bot = server
        .post("alpha", Some("203.0.113.3"), Some("curl/8.5.0"))
        .await;
    assert_eq!((bot.counted(), bot.views()), (false, ALPHA_BASE + 2));
    let unknown = server.view("no-such-bulletin", "203.0.113.1").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    assert_eq!(
        server.totals(&["alpha", "beta", "gamma-2_x", "nope"]).await,
        json!({
            "views": { "alpha": ALPHA_BASE + 2, "beta": 1, "gamma-2_x": 0 },
            "unknown": ["nope"]
        })
    );
    assert_eq!(redis.views(), views(&[("alpha", 2), ("beta", 1)]));
    assert_no_database(&sandbox);
}

#[tokio::test]
async fn the_environment_variable_selects_redis() {
    let Some(redis) = RedisServer::start("the_environment_variable_selects_redis") else {
        return;
    };
    let sandbox = Sandbox::new();
    let url = redis.url();
    let server = sandbox
        .launch(&[], &[], &[("PUFA_COUNTER_REDIS", url.as_str())])
        .await;
    assert!(server.post("beta", None, Some(BROWSER)).await.counted());
    assert_eq!(redis.views(), views(&[("beta", 1)]));
    assert_no_database(&sandbox);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_sharing_one_redis_see_each_others_counts() {
    let Some(redis) = RedisServer::start("two_instances_sharing_one_redis_see_each_others_counts")
    else {
        return;
    };
    let sandbox = Sandbox::new();
    let a = sandbox.start_redis(&redis.url(), &["--trust-proxy"]).await;
    let b = sandbox.start_redis(&redis.url(), &["--trust-proxy"]).await;

    assert_eq!(a.view("alpha", "203.0.113.1").await.views(), ALPHA_BASE + 1);
    // B never counted this view: it reads the total from Redis.
    assert_eq!(b.total("alpha").await, ALPHA_BASE + 1);
    // B's own answer includes A's view, and A's list page includes B's.
    assert_eq!(b.view("alpha", "203.0.113.2").await.views(), ALPHA_BASE + 2);
    assert_eq!(a.total("alpha").await, ALPHA_BASE + 2);
    // A's repeat-view answer (not counted) shows the shared total too.
    let repeat = a.view("alpha", "203.0.113.1").await;
    assert_eq!((repeat.counted(), repeat.views()), (false, ALPHA_BASE + 2));

    // Both at once: 400 views from distinct clients, half through each
    // instance, 16 in flight; none lost, none counted twice.
    const VIEWS: usize = 400;
    const WORKERS: usize = 16;
    let urls = Arc::new([a.url.clone(), b.url.clone()]);
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..WORKERS {
        let (http, urls) = (a.http.clone(), urls.clone());
        workers.spawn(async move {
            let mut counted = 0u64;
            for n in (worker..VIEWS).step_by(WORKERS) {
                let response = http
                    .post(format!("{}/api/views/beta", urls[n % 2]))
                    .header("user-agent", BROWSER)
                    .header("x-forwarded-for", format!("10.1.{}.{}", n / 256, n % 256))
                    .send()
                    .await
                    .expect("answered");
                assert_eq!(response.status(), StatusCode::OK);
                let body: serde_json::Value = response.json().await.expect("JSON");
                counted += u64::from(body["counted"] == true);
            }
            counted
        });
    }
    let mut counted = 0;
    while let Some(result) = workers.join_next().await {
        counted += result.expect("worker finished");
    }
    assert_eq!(counted, VIEWS as u64);
    assert_eq!(a.total("beta").await, VIEWS as u64);
    assert_eq!(b.total("beta").await, VIEWS as u64);
    assert_eq!(
        redis.views(),
        views(&[("alpha", 2), ("beta", VIEWS as i64)])
    );
}

#[tokio::test]
async fn totals_survive_a_service_restart() {
    let Some(redis) = RedisServer::start("totals_survive_a_service_restart") else {
        return;
    };
    let sandbox = Sandbox::new();
    let mut server = sandbox.start_redis(&redis.url(), &["--trust-proxy"]).await;
    server.view("beta", "203.0.113.1").await;
    server.view("beta", "203.0.113.2").await;
    let status = server.terminate();
    assert!(status.success(), "{status}; log:\n{}", server.log_text());
    let log = server.log_text();
    assert!(log.contains("2 views committed"), "{log}");

    let mut server = sandbox.start_redis(&redis.url(), &[]).await;
    assert_eq!(server.total("beta").await, 2);
    assert_eq!(server.total("alpha").await, ALPHA_BASE);
    assert!(server.post("beta", None, Some(BROWSER)).await.counted());
    // SIGKILL: an answered view is already in Redis, nothing to flush.
    server.kill();
    let server = sandbox.start_redis(&redis.url(), &[]).await;
    assert_eq!(server.total("beta").await, 3);
    assert_eq!(redis.views(), views(&[("beta", 3)]));
}

/// With `appendfsync always` an acknowledged view survives a crash of
/// Redis itself; while Redis is down the service refuses with 503 and
/// stores nothing, and it reconnects by itself when Redis is back.
#[tokio::test]
async fn acknowledged_views_survive_a_redis_crash_and_the_service_reconnects() {
    let test = "acknowledged_views_survive_a_redis_crash_and_the_service_reconnects";
    if !RedisServer::available(test) {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut redis = RedisServer::start_in(dir.path(), None, Persistence::AofAlways);
    let sandbox = Sandbox::new();
    let server = sandbox.start_redis(&redis.url(), &["--trust-proxy"]).await;
    let log = server.log_text();
    assert!(!log.contains("warning"), "appendfsync always warned: {log}");
    for n in 1..=5 {
        let posted = server.view("alpha", &format!("203.0.113.{n}")).await;
        assert!(posted.counted(), "{posted:?}");
    }

    redis.kill();
    let down = server.view("alpha", "203.0.113.50").await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE, "{down:?}");
    assert_eq!(down.body["error"], "unavailable");
    let (status, body) = server.totals_raw("ids=alpha").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"], "unavailable");

    // Same port and directory: Redis replays its append-only file.
    let redis = RedisServer::start_in(dir.path(), Some(redis.port), Persistence::AofAlways);
    assert_eq!(redis.views(), views(&[("alpha", 5)]));

    // The client whose view was refused retries (the window forgot it) and
    // counts once the service's connections are back. Bounded readiness
    // polling: a reconnect attempt may still be under way.
    let mut recounted = None;
    for attempt in 1..=200 {
        let posted = server.view("alpha", "203.0.113.50").await;
        if posted.status == StatusCode::OK {
            println!("the view was stored at attempt {attempt}");
            recounted = Some(posted);
            break;
        }
        assert_eq!(posted.status, StatusCode::SERVICE_UNAVAILABLE, "{posted:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let recounted = recounted.expect("the service reconnected to Redis");
    assert!(recounted.counted());
    assert_eq!(recounted.views(), ALPHA_BASE + 6);
    let mut total = None;
    for attempt in 1..=200 {
        let (status, body) = server.totals_raw("ids=alpha").await;
        if status == StatusCode::OK {
            println!("totals were read at attempt {attempt}");
            total = body["views"]["alpha"].as_u64();
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(total, Some(ALPHA_BASE + 6));
    assert_eq!(redis.views(), views(&[("alpha", 6)]));
    let log = server.log_text();
    assert!(log.contains("was not stored"), "{log}");
}

#[tokio::test]
async fn a_hash_value_that_is_not_a_count_stops_the_start() {
    let Some(redis) = RedisServer::start("a_hash_value_that_is_not_a_count_stops_the_start") else {
        return;
    };
    let _: i64 = redis::cmd("HSET")
        .arg("pufa:views")
        .arg("alpha")
        .arg("many")
        .query(&mut redis.connection())
        .expect("HSET");
    let sandbox = Sandbox::new();
    let output = common::command()
        .arg("--data")
        .arg(sandbox.data())
        .arg("--redis")
        .arg(redis.url())
        .arg("--listen")
        .arg("127.0.0.1:0")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("pufa:views field “alpha” holds “many”"),
        "{stderr}"
    );
}

#[test]
fn an_unreachable_redis_is_a_clear_startup_error() {
    let sandbox = Sandbox::new();
    // A port bound but not listening: connecting is refused, and no other
    // test's redis-server can take it meanwhile.
    let reserved = tokio::net::TcpSocket::new_v4().expect("socket");
    reserved
        .bind("127.0.0.1:0".parse().expect("address"))
        .expect("bound");
    let port = reserved.local_addr().expect("address").port();
    let output = common::command()
        .arg("--data")
        .arg(sandbox.data())
        .arg("--redis")
        .arg(format!("redis://:s3cret@127.0.0.1:{port}/"))
        .arg("--listen")
        .arg("127.0.0.1:0")
        .current_dir(sandbox.dir.path())
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "cannot connect to Redis at redis://:***@127.0.0.1:{port}/"
        )) && stderr.contains("--redis"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        !stderr.contains("s3cret"),
        "the password was logged: {stderr}"
    );
    assert!(output.stdout.is_empty(), "it listened anyway");
    assert_no_database(&sandbox);
    drop(reserved);
}

#[test]
fn redis_and_db_together_are_refused() {
    let sandbox = Sandbox::new();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = common::command();
        command
            .arg("--data")
            .arg(sandbox.data())
            .args(args)
            .current_dir(sandbox.dir.path());
        for &(key, value) in env {
            command.env(key, value);
        }
        let output = command.output().expect("runs");
        assert!(!output.status.success());
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let both = ["--redis", "redis://127.0.0.1:6379/", "--db", "x.sqlite3"];
    let stderr = run(&both, &[]);
    assert!(
        stderr.contains("--redis") && stderr.contains("--db"),
        "{stderr}"
    );
    // A database named in the environment counts as given.
    let stderr = run(
        &["--redis", "redis://127.0.0.1:6379/"],
        &[("PUFA_COUNTER_DB", "x.sqlite3")],
    );
    assert!(
        stderr.contains("--redis") && stderr.contains("--db"),
        "{stderr}"
    );
    // Refused URLs are shown without their password.
    let stderr = run(&["--redis", "rediss://:s3cret@127.0.0.1:6380/"], &[]);
    assert!(stderr.contains("no TLS"), "{stderr}");
    let stderr = run(&["--redis", "redis:/:s3cret@127.0.0.1/"], &[]);
    assert!(stderr.contains("not a Redis URL"), "{stderr}");
    for stderr in [&stderr, &run(&["--redis", "rediss://:s3cret@h/"], &[])] {
        assert!(
            !stderr.contains("s3cret"),
            "the password was shown: {stderr}"
        );
    }
    assert_no_database(&sandbox);
}

/// What follows `prefix` on its line of `INFO <section>`, if any.
fn info_after(redis: &RedisServer, section: &str, prefix: &str) -> Option<String> {
    let info: String = redis::cmd("INFO")
        .arg(section)
        .query(&mut redis.connection())
        .expect("INFO");
    info.lines()
        .find_map(|line| line.strip_prefix(prefix))
        .map(|rest| rest.trim().to_string())
}

/// Writes Redis has taken since its last save (`rdb_changes_since_last_save`).
fn writes(redis: &RedisServer) -> u64 {
    info_after(redis, "persistence", "rdb_changes_since_last_save:")
        .and_then(|n| n.parse().ok())
        .expect("rdb_changes_since_last_save")
}

/// Every key matching `pattern` with its remaining time to live in ms (-1:
/// none).
fn keys_with_ttl(redis: &RedisServer, pattern: &str) -> Vec<(String, i64)> {
    let mut conn = redis.connection();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(pattern)
        .query(&mut conn)
        .expect("KEYS");
    keys.into_iter()
        .map(|key| {
            let ttl: i64 = redis::cmd("PTTL").arg(&key).query(&mut conn).expect("PTTL");
            (key, ttl)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_count_a_client_once_per_window() {
    let Some(redis) = RedisServer::start("two_instances_count_a_client_once_per_window") else {
        return;
    };
    let sandbox = Sandbox::new();
    let a = sandbox.start_redis(&redis.url(), &["--trust-proxy"]).await;
    let b = sandbox.start_redis(&redis.url(), &["--trust-proxy"]).await;

    let first = a.view("alpha", "203.0.113.1").await;
    assert_eq!((first.counted(), first.views()), (true, ALPHA_BASE + 1));
    // The same reader moves to B: a repeat within the window.
    let moved = b.view("alpha", "203.0.113.1").await;
    assert_eq!((moved.counted(), moved.views()), (false, ALPHA_BASE + 1));
    assert!(b.view("alpha", "203.0.113.2").await.counted());
    assert!(b.view("beta", "203.0.113.1").await.counted());
    assert!(!a.view("beta", "203.0.113.1").await.counted());
    assert_eq!(redis.views(), views(&[("alpha", 2), ("beta", 1)]));

    // The same reader on both instances at once: exactly one view counts.
    let urls = Arc::new([a.url.clone(), b.url.clone()]);
    let mut posts = tokio::task::JoinSet::new();
    for n in 0..20 {
        let (http, urls) = (a.http.clone(), urls.clone());
        posts.spawn(async move {
            let response = http
                .post(format!("{}/api/views/gamma-2_x", urls[n % 2]))
                .header("user-agent", BROWSER)
                .header("x-forwarded-for", "203.0.113.7")
                .send()
                .await
                .expect("answered");
            assert_eq!(response.status(), StatusCode::OK);
            let body: serde_json::Value = response.json().await.expect("JSON");
            u64::from(body["counted"] == true)
        });
    }
    let mut counted = 0;
    while let Some(result) = posts.join_next().await {
        counted += result.expect("post finished");
    }
    assert_eq!(counted, 1);
    assert_eq!(
        redis.views(),
        views(&[("alpha", 2), ("beta", 1), ("gamma-2_x", 1)])
    );

    // One key per (reader, bulletin) counted, short, without the address,
    // expiring with the window (30 min by default).
    let seen = keys_with_ttl(&redis, "pufa:seen:*");
    assert_eq!(seen.len(), 4, "{seen:?}");
    for (key, ttl) in &seen {
        assert_eq!(key.len(), "pufa:seen:".len() + 32, "{key}");
        assert!(!key.contains("203.0.113"), "{key}");
        assert!(*ttl > 0 && *ttl <= 30 * 60 * 1000, "{key}: {ttl}");
    }
    // One rate-limit bucket per reader, gone once it would be full again
    // (burst 40 at 20/s: 2 s, plus a second).
    let buckets = keys_with_ttl(&redis, "pufa:rate:*");
    assert_eq!(buckets.len(), 3, "{buckets:?}");
    for (key, ttl) in &buckets {
        assert!(*ttl > 0 && *ttl <= 3000, "{key}: {ttl}");
    }
}

#[tokio::test]
async fn a_restarted_instance_still_knows_the_window() {
    let Some(redis) = RedisServer::start("a_restarted_instance_still_knows_the_window") else {
        return;
    };
    let sandbox = Sandbox::new();
    let mut server = sandbox.start_redis(&redis.url(), &["--trust-proxy"]).await;
    assert!(server.view("alpha", "203.0.113.1").await.counted());
    assert!(server.terminate().success(), "{}", server.log_text());

    let mut server = sandbox.start_redis(&redis.url(), &["--trust-proxy"]).await;
    let again = server.view("alpha", "203.0.113.1").await;
    assert_eq!((again.counted(), again.views()), (false, ALPHA_BASE + 1));
    assert!(server.view("alpha", "203.0.113.2").await.counted());
    // Nor after a crash.
    server.kill();
    let server = sandbox.start_redis(&redis.url(), &["--trust-proxy"]).await;
    assert!(!server.view("alpha", "203.0.113.2").await.counted());
    assert_eq!(redis.views(), views(&[("alpha", 2)]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_is_shared_between_instances() {
    let Some(redis) = RedisServer::start("the_rate_limit_is_shared_between_instances") else {
        return;
    };
    let sandbox = Sandbox::new();
    // 4 requests at once, then one every 100 s: nothing refills during the
    // test.
    let limit = ["--trust-proxy", "--rate", "0.01", "--burst", "4"];
    let a = sandbox.start_redis(&redis.url(), &limit).await;
    let b = sandbox.start_redis(&redis.url(), &limit).await;
    let servers = [&a, &b];
    for n in 0..4 {
        let posted = servers[n % 2].view("alpha", "203.0.113.1").await;
        assert_eq!(posted.status, StatusCode::OK, "request {n}: {posted:?}");
    }
    // Each instance alone would allow 4; together they allowed 4. A
    // refused request writes nothing to Redis (nor to its append-only
    // file), so a client hammering while limited costs Redis no disk.
    let before = writes(&redis);
    for server in servers {
        let limited = server.view("alpha", "203.0.113.1").await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS, "{limited:?}");
        assert_eq!(limited.body["error"], "rate_limited");
    }
    assert_eq!(writes(&redis), before);
    let response = b
        .http
        .post(format!("{}/api/views/alpha", b.url))
        .header("user-agent", BROWSER)
        .header("x-forwarded-for", "203.0.113.1")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=100).contains(&retry_after), "{retry_after}");
    // Another reader has its own bucket.
    assert!(a.view("alpha", "203.0.113.2").await.counted());
    // The bucket expires once it would be full again: 4 / 0.01 = 400 s.
    for (key, ttl) in keys_with_ttl(&redis, "pufa:rate:*") {
        assert!(ttl > 0 && ttl <= 401_000, "{key}: {ttl}");
    }
    assert_eq!(redis.views(), views(&[("alpha", 2)]));
}

#[tokio::test]
async fn a_publish_is_picked_up_with_redis() {
    let Some(redis) = RedisServer::start("a_publish_is_picked_up_with_redis") else {
        return;
    };
    let sandbox = Sandbox::new();
    // The sandbox's data path becomes a built data folder.
    let data = sandbox.data();
    std::fs::remove_file(&data).expect("data file removed");
    let publish = |version: &str, bulletins: &str| {
        let dir = data.join("v").join(version);
        std::fs::create_dir_all(&dir).expect("folder");
        std::fs::write(
            dir.join("manifest.json"),
            format!(r#"{{"bulletins":{bulletins}}}"#),
        )
        .expect("manifest");
        let tmp = data.join("version.json.tmp");
        std::fs::write(&tmp, format!(r#"{{"version":"{version}"}}"#)).expect("pointer");
        std::fs::rename(&tmp, data.join("version.json")).expect("pointer replaced");
    };
    publish("a1", r#"[{"id":"alpha","views":10},{"id":"beta"}]"#);
    let server = sandbox
        .start_redis(
            &redis.url(),
            &["--trust-proxy", "--reload-interval", "50ms"],
        )
        .await;
    assert!(server.view("beta", "203.0.113.1").await.counted());
    publish(
        "b2",
        r#"[{"id":"new-one"},{"id":"beta"},{"id":"alpha","views":10}]"#,
    );
    let mut known = false;
    for _ in 0..500 {
        let (status, body) = server.totals_raw("ids=new-one").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if body["views"].get("new-one").is_some() {
            known = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(known, "never reloaded; log:\n{}", server.log_text());
    assert!(server.view("new-one", "203.0.113.1").await.counted());
    assert!(!server.view("beta", "203.0.113.1").await.counted());
    assert!(server.view("beta", "203.0.113.2").await.counted());
    assert_eq!(server.total("alpha").await, ALPHA_BASE);
    assert_eq!(redis.views(), views(&[("beta", 2), ("new-one", 1)]));
}

/// Calls of `command` since the last `CONFIG RESETSTAT`, from `INFO
/// commandstats` (0 when never called).
fn command_calls(redis: &RedisServer, command: &str) -> u64 {
    info_after(redis, "commandstats", &format!("cmdstat_{command}:calls=")).map_or(0, |rest| {
        let calls = rest.split(',').next().unwrap_or_default();
        calls.parse().expect("a number of calls")
    })
}

/// With Redis every API request is one script run (one round trip): the
/// rate-limit token, the repeat-view mark and the count (or the totals)
/// together. Requests refused before any work still take their token in
/// one script of their own; /healthz does not touch Redis.
#[tokio::test]
async fn every_api_request_is_one_redis_script() {
    let Some(redis) = RedisServer::start("every_api_request_is_one_redis_script") else {
        return;
    };
    let sandbox = Sandbox::new();
    let server = sandbox.start_redis(&redis.url(), &["--trust-proxy"]).await;
    let _: () = redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .query(&mut redis.connection())
        .expect("CONFIG RESETSTAT");

    assert!(server.view("alpha", "203.0.113.1").await.counted());
    assert!(!server.view("alpha", "203.0.113.1").await.counted());
    let bot = server
        .post("alpha", Some("203.0.113.2"), Some("Googlebot/2.1"))
        .await;
    assert_eq!((bot.counted(), bot.views()), (false, ALPHA_BASE + 1));
    assert_eq!(
        server.totals(&["alpha", "beta", "nope"]).await,
        json!({ "views": { "alpha": ALPHA_BASE + 1, "beta": 0 }, "unknown": ["nope"] })
    );
    let unknown = server.view("no-such-bulletin", "203.0.113.1").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let (status, _) = server.totals_raw("ids=bad%20id").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = server.totals_raw("nothing=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let health = server
        .http
        .get(format!("{}/healthz", server.url))
        .send()
        .await
        .expect("answered");
    assert_eq!(health.status(), StatusCode::OK);

    assert_eq!(command_calls(&redis, "evalsha"), 7);
    // Nothing outside the script: no separate rate-limit EVAL, no HMGET
    // of totals (a script's own commands are counted under their names,
    // so only commands the script never runs can be checked this way).
    assert_eq!(command_calls(&redis, "eval"), 0);
    assert_eq!(command_calls(&redis, "exec"), 0);
    assert_eq!(command_calls(&redis, "hgetall"), 0);
    assert_eq!(redis.views(), views(&[("alpha", 1)]));
}

/// Refused requests (unknown id, bad query) and reads of totals take a
/// token from the bucket the instances share, as counted views do, and a
/// client over its rate is answered 429 before anything is checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_request_takes_a_shared_token() {
    let Some(redis) = RedisServer::start("every_api_request_takes_a_shared_token") else {
        return;
    };
    let sandbox = Sandbox::new();
    let limit = ["--trust-proxy", "--rate", "0.01", "--burst", "3"];
    let a = sandbox.start_redis(&redis.url(), &limit).await;
    let b = sandbox.start_redis(&redis.url(), &limit).await;
    // totals_raw reads as 192.0.2.250.
    let reader = "192.0.2.250";
    assert_eq!(
        a.view("no-such-bulletin", reader).await.status,
        StatusCode::NOT_FOUND
    );
    let (status, body) = b.totals_raw("ids=alpha").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(a.view("alpha", reader).await.counted());
    // The bucket is empty on both instances, for every kind of request.
    for server in [&a, &b] {
        for id in ["beta", "no-such-bulletin"] {
            let limited = server.view(id, reader).await;
            assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS, "{limited:?}");
        }
        let (status, body) = server.totals_raw("ids=bad%20id").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    }
    assert_eq!(redis.views(), views(&[("alpha", 1)]));
}

/// Redis forgets loaded scripts on a restart or `SCRIPT FLUSH`; the
/// service loads its script again and the refused call is run once more
/// (it did nothing), so no view is lost or counted twice.
#[tokio::test]
async fn the_script_is_loaded_again_when_redis_lost_it() {
    let Some(redis) = RedisServer::start("the_script_is_loaded_again_when_redis_lost_it") else {
        return;
    };
    let sandbox = Sandbox::new();
    let server = sandbox.start_redis(&redis.url(), &["--trust-proxy"]).await;
    assert!(server.view("alpha", "203.0.113.1").await.counted());
    let _: () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query(&mut redis.connection())
        .expect("SCRIPT FLUSH");
    let again = server.view("alpha", "203.0.113.1").await;
    assert_eq!((again.counted(), again.views()), (false, ALPHA_BASE + 1));
    let _: () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query(&mut redis.connection())
        .expect("SCRIPT FLUSH");
    let other = server.view("alpha", "203.0.113.2").await;
    assert_eq!((other.counted(), other.views()), (true, ALPHA_BASE + 2));
    assert_eq!(redis.views(), views(&[("alpha", 2)]));
}

/// The repeat-view mark and the count are one atomic script: when the
/// count cannot be added (a hash field made unusable by hand after the
/// start-up check), the view is answered 503 and leaves no mark, so the
/// reader's retry counts once the field is repaired.
#[tokio::test]
async fn a_view_that_cannot_be_stored_leaves_no_mark() {
    let Some(redis) = RedisServer::start("a_view_that_cannot_be_stored_leaves_no_mark") else {
        return;
    };
    let sandbox = Sandbox::new();
    let server = sandbox.start_redis(&redis.url(), &["--trust-proxy"]).await;
    let hset = |value: &str| {
        let _: i64 = redis::cmd("HSET")
            .arg("pufa:views")
            .arg("alpha")
            .arg(value)
            .query(&mut redis.connection())
            .expect("HSET");
    };
    hset("many");
    let failed = server.view("alpha", "203.0.113.1").await;
    assert_eq!(failed.status, StatusCode::SERVICE_UNAVAILABLE, "{failed:?}");
    assert_eq!(failed.body["error"], "unavailable");
    assert!(keys_with_ttl(&redis, "pufa:seen:*").is_empty());
    let log = server.log_text();
    assert!(log.contains("a view was not stored"), "{log}");

    hset("0");
    let retried = server.view("alpha", "203.0.113.1").await;
    assert_eq!((retried.counted(), retried.views()), (true, ALPHA_BASE + 1));
    assert!(!server.view("alpha", "203.0.113.1").await.counted());
    assert_eq!(redis.views(), views(&[("alpha", 1)]));
}

/// `--window 0` counts every view with Redis too, and sets no marks.
#[tokio::test]
async fn window_zero_counts_every_view_with_redis() {
    let Some(redis) = RedisServer::start("window_zero_counts_every_view_with_redis") else {
        return;
    };
    let sandbox = Sandbox::new();
    let server = sandbox
        .start_redis(&redis.url(), &["--trust-proxy", "--window", "0"])
        .await;
    for n in 1..=3 {
        let posted = server.view("beta", "203.0.113.1").await;
        assert_eq!((posted.counted(), posted.views()), (true, n));
    }
    assert!(keys_with_ttl(&redis, "pufa:seen:*").is_empty());
    assert_eq!(redis.views(), views(&[("beta", 3)]));
}

/// Views arriving together are counted by one script run for the batch;
/// each still takes its own token from its client's bucket, in order, and
/// is judged against the marks set before it in the same batch: 24
/// simultaneous views by one reader of three bulletins with `--burst 5`
/// get exactly 5 answers and 19 × 429, and of the 5 only the first view of
/// each bulletin counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_views_in_one_batch_keep_the_limits() {
    let Some(redis) = RedisServer::start("simultaneous_views_in_one_batch_keep_the_limits") else {
        return;
    };
    let sandbox = Sandbox::new();
    let limit = ["--trust-proxy", "--rate", "0.01", "--burst", "5"];
    let server = Arc::new(sandbox.start_redis(&redis.url(), &limit).await);
    let ids = ["alpha", "beta", "gamma-2_x"];
    let mut posts = tokio::task::JoinSet::new();
    for n in 0..24 {
        let server = server.clone();
        posts.spawn(async move { (n % 3, server.view(ids[n % 3], "203.0.113.9").await) });
    }
    let mut answered = [0u64; 3];
    let mut counted = [0u64; 3];
    let mut limited = 0;
    while let Some(result) = posts.join_next().await {
        let (bulletin, posted) = result.expect("post finished");
        match posted.status {
            StatusCode::OK => {
                answered[bulletin] += 1;
                counted[bulletin] += u64::from(posted.counted());
            }
            StatusCode::TOO_MANY_REQUESTS => limited += 1,
            other => panic!("{other}: {posted:?}"),
        }
    }
    assert_eq!((answered.iter().sum::<u64>(), limited), (5, 19));
    let mut stored = Vec::new();
    for bulletin in 0..3 {
        // A bulletin with answers counted exactly once; one without none.
        assert_eq!(
            counted[bulletin],
            answered[bulletin].min(1),
            "{ids:?}[{bulletin}]"
        );
        if counted[bulletin] == 1 {
            stored.push((ids[bulletin], 1));
        }
    }
    assert_eq!(redis.views(), views(&stored));
}

/// An instance of this version started beside (or after) one of the
/// previous version finds that version's rate-limit buckets, which were
/// hashes: it reads them as full buckets and replaces them, rather than
/// answering 503 to their readers until they expire.
#[tokio::test]
async fn buckets_left_by_the_previous_version_do_not_break_a_reader() {
    let Some(redis) = RedisServer::start("buckets_left_by_the_previous_version") else {
        return;
    };
    let client = pufa_counter::client::ClientKey::from_ip("203.0.113.7".parse().expect("ip"));
    let bucket = pufa_counter::redis_limits::rate_key(client);
    let mut conn = redis.connection();
    let _: () = redis::cmd("HSET")
        .arg(&bucket)
        .arg("tokens")
        .arg("0.5")
        .arg("at")
        .arg("1")
        .query(&mut conn)
        .expect("HSET");
    let sandbox = Sandbox::new();
    let server = sandbox
        .start_redis(
            &redis.url(),
            // One token every 100 s: nothing refills during the test.
            &["--trust-proxy", "--rate", "0.01", "--burst", "2"],
        )
        .await;
    let first = server.view("alpha", "203.0.113.7").await;
    assert_eq!(first.status, StatusCode::OK, "{first:?}");
    assert!(first.counted());
    // Now an ordinary bucket, with one token of the two left.
    let kind: String = redis::cmd("TYPE")
        .arg(&bucket)
        .query(&mut conn)
        .expect("TYPE");
    assert_eq!(kind, "string");
    assert_eq!(
        server.view("beta", "203.0.113.7").await.status,
        StatusCode::OK
    );
    let third = server.view("gamma-2_x", "203.0.113.7").await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS, "{third:?}");
}
