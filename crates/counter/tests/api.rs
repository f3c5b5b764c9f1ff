//! The HTTP API against the real binary: counting, the repeat-view window,
//! bots, unknown and malformed ids, body limits, CORS, the rate limit,
//! configuration and startup errors. Every refusal is checked to store
//! nothing, through the batch GET and the database file itself.

mod common;

use std::io::{Read, Write};

use common::{stored_rows, Sandbox, ALPHA_BASE, BROWSER};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn counts_views_on_top_of_the_exported_counts() {
    let sandbox = Sandbox::new();
    let server = sandbox.start(&["--trust-proxy"]).await;

    common::check_first_views(&server).await;
    // A missing count starts at 0 like `null`.
    assert_eq!(server.view("gamma-2_x", "203.0.113.1").await.views(), 1);

    let totals = server.totals(&["alpha", "beta", "gamma-2_x"]).await;
    assert_eq!(
        totals,
        json!({
            "views": { "alpha": ALPHA_BASE + 2, "beta": 1, "gamma-2_x": 1 },
            "unknown": []
        })
    );
    assert_eq!(
        stored_rows(&sandbox.db()),
        vec![
            ("alpha".to_string(), 2),
            ("beta".to_string(), 1),
            ("gamma-2_x".to_string(), 1)
        ]
    );
}

#[tokio::test]
async fn totals_survive_a_restart() {
    let sandbox = Sandbox::new();
    let mut server = sandbox.start(&["--trust-proxy"]).await;
    server.view("beta", "203.0.113.1").await;
    server.view("beta", "203.0.113.2").await;
    assert!(server.terminate().success());
    let server = sandbox.start(&[]).await;
    assert_eq!(server.total("beta").await, 2);
    assert_eq!(server.total("alpha").await, ALPHA_BASE);
}

#[tokio::test]
async fn a_repeat_view_within_the_window_counts_once() {
    let sandbox = Sandbox::new();
    let server = sandbox.start(&["--trust-proxy"]).await;

    let first = server.view("alpha", "203.0.113.9").await;
    assert!(first.counted());
    let again = server.view("alpha", "203.0.113.9").await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(!again.counted());
    // The answer still carries the current total.
    assert_eq!(again.views(), ALPHA_BASE + 1);

    // Another client, or the same client on another bulletin, counts.
    assert!(server.view("alpha", "198.51.100.9").await.counted());
    assert!(server.view("beta", "203.0.113.9").await.counted());
    assert_eq!(server.total("alpha").await, ALPHA_BASE + 2);
    // IPv6 clients are one client per /64.
    assert!(server.view("alpha", "2001:db8:1:2::1").await.counted());
    assert!(!server.view("alpha", "2001:db8:1:2::ffff").await.counted());
    assert_eq!(server.total("alpha").await, ALPHA_BASE + 3);
}

#[tokio::test]
async fn forwarded_for_is_ignored_unless_the_proxy_is_trusted() {
    let sandbox = Sandbox::new();
    let server = sandbox.start(&[]).await;
    assert!(server.view("alpha", "203.0.113.1").await.counted());
    // A different X-Forwarded-For from the same socket address is the same
    // client: otherwise anyone could count as many views as they like.
    assert!(!server.view("alpha", "203.0.113.2").await.counted());
    assert_eq!(server.total("alpha").await, ALPHA_BASE + 1);
}

#[tokio::test]
async fn a_zero_window_counts_every_view() {
    let sandbox = Sandbox::new();
    let server = sandbox.start(&["--window", "0"]).await;
    for n in 1..=3 {
        let posted = server.post("alpha", None, Some(BROWSER)).await;
        assert!(posted.counted());
        assert_eq!(posted.views(), ALPHA_BASE + n);
    }
}

#[tokio::test]
async fn bots_are_answered_but_not_counted() {
    let sandbox = Sandbox::new();
    let server = sandbox.start(&["--trust-proxy"]).await;
    let bots = [
        Some("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
        Some("Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"),
        Some("curl/8.5.0"),
        Some("Wget/1.21.4"),
        Some("python-requests/2.31.0"),
        Some(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/126.0 Safari/537.36",
        ),
        Some(""),
        None,
    ];
    for (n, ua) in bots.into_iter().enumerate() {
        let posted = server
            .post("alpha", Some(&format!("203.0.113.{n}")), ua)
            .await;
        assert_eq!(posted.status, StatusCode::OK, "{ua:?}");
        assert!(!posted.counted(), "{ua:?} was counted");
        assert_eq!(posted.views(), ALPHA_BASE);
    }
    assert_eq!(server.total("alpha").await, ALPHA_BASE);
    assert!(stored_rows(&sandbox.db()).is_empty());
}

#[tokio::test]
async fn unknown_ids_are_404_and_not_stored() {
    let sandbox = Sandbox::new();
    let server = sandbox.start(&["--trust-proxy"]).await;
    let posted = server.view("no-such-bulletin", "203.0.113.1").await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND);
    assert_eq!(posted.body["error"], "unknown_id");
    assert!(posted.body["message"]
        .as_str()
        .is_some_and(|m| m.contains("no-such-bulletin")));

    // The batch GET answers the known ids and lists the others.
    let totals = server
        .totals(&["alpha", "no-such-bulletin", "no-such-bulletin"])
        .await;
    assert_eq!(
        totals,
        json!({ "views": { "alpha": ALPHA_BASE }, "unknown": ["no-such-bulletin"] })
    );
    assert!(stored_rows(&sandbox.db()).is_empty());
}

#[tokio::test]
async fn malformed_input_is_400_and_not_stored() {
    let sandbox = Sandbox::new();
    let server = sandbox.start(&["--trust-proxy"]).await;
    let too_long = "a".repeat(129);
    for id in [
        "a.b",
        "%20alpha",
        "alpha%00",
        "%E6%99%AE%E6%B3%95",
        "a..b",
        too_long.as_str(),
        "%FF",
    ] {
        let posted = server.view(id, "203.0.113.1").await;
        assert_eq!(posted.status, StatusCode::BAD_REQUEST, "{id}");
        assert_eq!(posted.body["error"], "bad_id", "{id}");
    }

    let hundred_and_one = vec!["alpha"; 101].join(",");
    for (query, error) in [
        ("", "bad_request"),
        ("id=alpha", "bad_request"),
        ("ids=", "bad_id"),
        ("ids=alpha,", "bad_id"),
        ("ids=alpha,b%20c", "bad_id"),
        (&*format!("ids={too_long}"), "bad_id"),
        (&*format!("ids={hundred_and_one}"), "too_many_ids"),
    ] {
        let (status, body) = server.totals_raw(query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["error"], error, "{query}");
    }
    // Exactly the bound is fine, and an encoded comma (URLSearchParams
    // writes one) splits like a plain one.
    let hundred = vec!["alpha"; 100].join(",");
    assert_eq!(
        server.totals_raw(&format!("ids={hundred}")).await.0,
        StatusCode::OK
    );
    let (status, body) = server.totals_raw("ids=alpha%2Cbeta").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["views"], json!({ "alpha": ALPHA_BASE, "beta": 0 }));

    assert!(stored_rows(&sandbox.db()).is_empty());
}

#[tokio::test]
async fn oversized_bodies_are_413_and_not_stored() {
    let sandbox = Sandbox::new();
    let server = sandbox.start(&["--trust-proxy"]).await;
    let url = format!("{}/api/views/alpha", server.url);

    let response = server
        .http
        .post(&url)
        .header("user-agent", BROWSER)
        .header("x-forwarded-for", "203.0.113.1")
        .body(vec![b'x'; 2048])
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["error"], "body_too_large");

    // Without a Content-Length (chunked), the limit applies while reading.
    let address = server.url.trim_start_matches("http://").to_string();
    let status_line = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).expect("connects");
        let chunk = "y".repeat(2000);
        let request = format!(
            "POST /api/views/alpha HTTP/1.1\r\nHost: test\r\nUser-Agent: {BROWSER}\r\n\
             X-Forwarded-For: 203.0.113.2\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
             {:x}\r\n{chunk}\r\n0\r\n\r\n",
            chunk.len()
        );
        stream.write_all(request.as_bytes()).expect("sent");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer.lines().next().unwrap_or_default().to_string()
    })
    .await
    .expect("joined");
    assert!(status_line.starts_with("HTTP/1.1 413"), "{status_line}");

    // A small body is accepted (sendBeacon sends one) and counts.
    let response = server
        .http
        .post(&url)
        .header("user-agent", BROWSER)
        .header("x-forwarded-for", "203.0.113.3")
        .body(vec![b'z'; 1000])
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(server.total("alpha").await, ALPHA_BASE + 1);
    assert_eq!(stored_rows(&sandbox.db()), vec![("alpha".to_string(), 1)]);
}

#[tokio::test]
async fn cors_answers_only_configured_origins() {
    let sandbox = Sandbox::new();
    let server = sandbox.start(&["--trust-proxy"]).await;
    let url = format!("{}/api/views/alpha", server.url);
    let allow = |response: &reqwest::Response| {
        response
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap_or("").to_string())
    };

    for (n, origin) in ["http://127.0.0.1:8080", "http://localhost:8080"]
        .into_iter()
        .enumerate()
    {
        let response = server
            .http
            .post(&url)
            .header("origin", origin)
            .header("user-agent", BROWSER)
            .header("x-forwarded-for", format!("203.0.113.{n}"))
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(allow(&response).as_deref(), Some(origin));
    }
    let response = server
        .http
        .post(&url)
        .header("origin", "https://evil.example")
        .header("user-agent", BROWSER)
        .send()
        .await
        .expect("answered");
    assert_eq!(allow(&response), None);

    // Preflight from an allowed origin.
    let response = server
        .http
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "http://localhost:8080")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .expect("answered");
    assert!(response.status().is_success());
    assert_eq!(allow(&response).as_deref(), Some("http://localhost:8080"));
    let methods = response
        .headers()
        .get("access-control-allow-methods")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(methods.contains("POST"), "{methods}");

    // Refusals carry the header too, so the page's script can read them.
    let response = server
        .http
        .post(format!("{}/api/views/nope", server.url))
        .header("origin", "http://localhost:8080")
        .header("user-agent", BROWSER)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(allow(&response).as_deref(), Some("http://localhost:8080"));
}

#[tokio::test]
async fn configured_origins_replace_the_defaults() {
    let sandbox = Sandbox::new();
    let server = sandbox
        .start(&["--allow-origin", "https://pufa.example.org"])
        .await;
    let get = |origin: &'static str| {
        server
            .http
            .get(format!("{}/api/views?ids=alpha", server.url))
            .header("origin", origin)
            .send()
    };
    let response = get("https://pufa.example.org").await.expect("answered");
    assert_eq!(
        response
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.as_bytes()),
        Some(&b"https://pufa.example.org"[..])
    );
    let response = get("http://localhost:8080").await.expect("answered");
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}

#[tokio::test]
async fn environment_variables_configure_the_service() {
    let sandbox = Sandbox::new();
    let server = sandbox
        .start_with_env(
            &[],
            &[
                (
                    "PUFA_COUNTER_ALLOW_ORIGIN",
                    "https://a.example,https://b.example",
                ),
                ("PUFA_COUNTER_TRUST_PROXY", "true"),
            ],
        )
        .await;
    let response = server
        .http
        .get(format!("{}/api/views?ids=alpha", server.url))
        .header("origin", "https://b.example")
        .send()
        .await
        .expect("answered");
    assert_eq!(
        response
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.as_bytes()),
        Some(&b"https://b.example"[..])
    );
    // Trusting the proxy: two forwarded addresses are two clients.
    assert!(server.view("alpha", "203.0.113.1").await.counted());
    assert!(server.view("alpha", "203.0.113.2").await.counted());
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429() {
    let sandbox = Sandbox::new();
    // One token per 100 s: the fourth request cannot have a token yet,
    // however slowly the test runs.
    let server = sandbox
        .start(&["--trust-proxy", "--rate", "0.01", "--burst", "3"])
        .await;
    for _ in 0..3 {
        assert_eq!(
            server.view("alpha", "203.0.113.1").await.status,
            StatusCode::OK
        );
    }
    let limited = server.view("alpha", "203.0.113.1").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.body["error"], "rate_limited");
    let response = server
        .http
        .get(format!("{}/api/views?ids=alpha", server.url))
        .header("x-forwarded-for", "203.0.113.1")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=100).contains(&retry_after), "{retry_after}");

    // Other clients and health checks are not affected.
    assert_eq!(
        server.view("alpha", "203.0.113.2").await.status,
        StatusCode::OK
    );
    let health = server
        .http
        .get(format!("{}/healthz", server.url))
        .header("x-forwarded-for", "203.0.113.1")
        .send()
        .await
        .expect("answered");
    assert_eq!(health.status(), StatusCode::OK);
    // Only the first view of each client was stored.
    assert_eq!(stored_rows(&sandbox.db()), vec![("alpha".to_string(), 2)]);
}

#[tokio::test]
async fn health_and_unknown_routes_answer_json() {
    let sandbox = Sandbox::new();
    let server = sandbox.start(&[]).await;
    let get = |path: &str| server.http.get(format!("{}{path}", server.url)).send();

    let health = get("/healthz").await.expect("answered");
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(
        health.headers().get("cache-control").map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
    let body: serde_json::Value = health.json().await.expect("JSON");
    assert_eq!(body, json!({ "status": "ok", "bulletins": 3 }));

    let missing = get("/api/nothing").await.expect("answered");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = missing.json().await.expect("JSON");
    assert_eq!(body["error"], "not_found");

    let wrong = server
        .http
        .delete(format!("{}/api/views/alpha", server.url))
        .send()
        .await
        .expect("answered");
    assert_eq!(wrong.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: serde_json::Value = wrong.json().await.expect("JSON");
    assert_eq!(body["error"], "method_not_allowed");
}

#[test]
fn help_explains_every_flag() {
    let output = common::command().arg("--help").output().expect("runs");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--listen",
        "--db",
        "--data",
        "--window",
        "--rate",
        "--burst",
        "--allow-origin",
        "--trust-proxy",
        "--dedupe-capacity",
        "--redis",
        "PUFA_COUNTER_REDIS",
        "PUFA_COUNTER_LISTEN",
        "PUFA_COUNTER_TRUST_PROXY",
        "127.0.0.1:8787",
        "30m",
    ] {
        assert!(
            help.contains(flag),
            "--help does not mention {flag}:\n{help}"
        );
    }
}

#[test]
fn startup_errors_are_one_clear_line() {
    let sandbox = Sandbox::new();
    let run = |data: &std::path::Path, extra: &[&str]| {
        let output = common::command()
            .arg("--data")
            .arg(data)
            .arg("--db")
            .arg(sandbox.db())
            .arg("--listen")
            .arg("127.0.0.1:0")
            .args(extra)
            .output()
            .expect("runs");
        assert!(!output.status.success());
        String::from_utf8_lossy(&output.stderr).into_owned()
    };

    let missing = sandbox.dir.path().join("missing.json");
    let stderr = run(&missing, &[]);
    assert!(
        stderr.contains("missing.json") && stderr.contains("--data"),
        "{stderr}"
    );

    let duplicate = sandbox.dir.path().join("duplicate.json");
    std::fs::write(&duplicate, r#"{"bulletins":[{"id":"a"},{"id":"a"}]}"#).expect("written");
    let stderr = run(&duplicate, &[]);
    assert!(stderr.contains("appears twice"), "{stderr}");

    let stderr = run(
        &sandbox.data(),
        &["--allow-origin", "https://site.example/"],
    );
    assert!(stderr.contains("trailing slash"), "{stderr}");
    let stderr = run(&sandbox.data(), &["--window", "soon"]);
    assert!(stderr.contains("--window"), "{stderr}");
}

#[tokio::test]
async fn trust_proxy_false_in_the_environment_means_false() {
    let sandbox = Sandbox::new();
    let server = sandbox
        .start_with_env(&[], &[("PUFA_COUNTER_TRUST_PROXY", "false")])
        .await;
    assert!(server.view("alpha", "203.0.113.1").await.counted());
    assert!(!server.view("alpha", "203.0.113.2").await.counted());
}
