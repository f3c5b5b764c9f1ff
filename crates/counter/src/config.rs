//! Everything an operator can set, as flags or environment variables, with
//! defaults that make `cargo run -p pufa-counter` work from the repository
//! root. Values are checked here so that a typo stops the service at start
//! with a clear message instead of misbehaving later.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::http::HeaderValue;
use clap::Parser;

use crate::redis_store::RedisUrl;

/// Command-line configuration; every flag also reads a `PUFA_COUNTER_*`
/// environment variable (the flag wins when both are given).
#[derive(Debug, Clone, Parser)]
#[command(
    name = "pufa-counter",
    version,
    about = "View counter for the 普法动态 portal: counts article views in SQLite (or Redis, for several instances) and serves totals as JSON.",
    long_about = "View counter for the 普法动态 portal.\n\n\
        POST /api/views/{id} records a view and returns the total; \
        GET /api/views?ids=a,b,c returns totals for a list page; GET /healthz. \
        Totals are the counts exported in the data file plus the views counted here. \
        Repeated views within the window, obvious bots and unknown ids are not counted. \
        SIGHUP, or a change of the data, reloads the list of bulletins. \
        See docs/counter.md."
)]
pub struct Config {
    /// Address to listen on. Keep 127.0.0.1 behind a reverse proxy. Port 0
    /// picks a free port; the address actually used is printed on stdout.
    #[arg(
        long,
        env = "PUFA_COUNTER_LISTEN",
        default_value = "127.0.0.1:8787",
        value_name = "ADDR:PORT"
    )]
    pub listen: SocketAddr,

    /// SQLite database file, created if missing (WAL mode: `-wal` and `-shm`
    /// files appear beside it while running). Run one service per file.
    /// Not used with --redis.
    #[arg(
        long,
        env = "PUFA_COUNTER_DB",
        default_value = "pufa-counter.sqlite3",
        value_name = "FILE"
    )]
    pub db: PathBuf,

    /// Keep the counts in Redis instead of SQLite, so that several instances
    /// (machines, or an old and a new one during a restart) count together:
    /// one hash, pufa:views, field = bulletin id. Totals are then read from
    /// Redis on every request, so each instance shows every instance's
    /// views, and the repeat-view window and the rate limit are kept there
    /// too (keys pufa:seen:* and pufa:rate:*, expiring by themselves), so a
    /// client is judged alike by every instance; while Redis cannot be
    /// reached, API requests are answered 503. A view is acknowledged once Redis has answered; it survives a
    /// crash or power cut only with Redis's appendonly yes and appendfsync
    /// always (see docs/counter.md). E.g. redis://127.0.0.1:6379/0; a
    /// password goes in the URL (redis://:PASSWORD@host/0) and is hidden in
    /// the log. No TLS. Cannot be combined with --db.
    #[arg(
        long,
        env = "PUFA_COUNTER_REDIS",
        value_name = "URL",
        conflicts_with = "db",
        value_parser = RedisUrl::from_arg
    )]
    pub redis: Option<RedisUrl>,

    /// The portal's built data folder (dist/data; its manifest is read) or
    /// a JSON file with a `bulletins` array: which ids may be counted and
    /// the counts exported from the old CMS (added to live views; null
    /// counts as 0).
    /// Read again on SIGHUP and when it changes (see --reload-interval), so
    /// a publish needs no restart; a new version that cannot be read keeps
    /// the previous list (logged).
    #[arg(
        long,
        env = "PUFA_COUNTER_DATA",
        default_value = "dist/data",
        value_name = "PATH"
    )]
    pub data: PathBuf,

    /// How often to check whether --data changed (version.json, or the
    /// file's size and time) and reload it; 0 reloads on SIGHUP only. Same
    /// units as --window.
    #[arg(long, env = "PUFA_COUNTER_RELOAD_INTERVAL", default_value = "5s",
          value_name = "DURATION", value_parser = parse_duration)]
    pub reload_interval: Duration,

    /// Repeat-view window: another view of the same bulletin by the same
    /// client within this time is not counted. A number with a unit: ms, s,
    /// m or h (e.g. 30m, 90s; a bare number is seconds); 0 counts every view.
    #[arg(long, env = "PUFA_COUNTER_WINDOW", default_value = "30m",
          value_name = "DURATION", value_parser = parse_duration)]
    pub window: Duration,

    /// Requests per second one client may make on average (token-bucket
    /// refill rate); fractions such as 0.5 are allowed. Over it: 429.
    #[arg(long, env = "PUFA_COUNTER_RATE", default_value = "20",
          value_name = "PER_SECOND", value_parser = parse_rate)]
    pub rate: f64,

    /// Requests one client may make at once before the average rate applies
    /// (token-bucket size).
    #[arg(long, env = "PUFA_COUNTER_BURST", default_value = "40", value_name = "REQUESTS",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub burst: u32,

    /// Browser origin allowed to call the API (CORS), e.g.
    /// https://pufa.example.org. Repeat the flag for several; in the
    /// environment variable separate them with commas.
    #[arg(
        long = "allow-origin",
        value_name = "ORIGIN",
        env = "PUFA_COUNTER_ALLOW_ORIGIN",
        value_delimiter = ',',
        default_values = ["http://127.0.0.1:8080", "http://localhost:8080"],
        value_parser = parse_origin,
    )]
    pub allow_origins: Vec<HeaderValue>,

    /// Identify clients by the last X-Forwarded-For entry instead of the
    /// socket address. Only behind a reverse proxy that sets that header
    /// (nginx: proxy_set_header X-Forwarded-For $remote_addr); without one,
    /// clients could pick any identity and escape the window and rate limit.
    #[arg(long, env = "PUFA_COUNTER_TRUST_PROXY")]
    pub trust_proxy: bool,

    /// Most (client, bulletin) pairs remembered for the repeat-view window
    /// in memory (not used with --redis), about 100 bytes each. When full, the oldest are forgotten first (such
    /// a client's next view counts again).
    #[arg(long, env = "PUFA_COUNTER_DEDUPE_CAPACITY", default_value = "200000", value_name = "ENTRIES",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub dedupe_capacity: u64,
}

/// `30m`, `90s`, `500ms`, `2h`, or a bare number of seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("“{text}” is not a duration such as 30m, 90s or 500ms"))?;
    let duration = match unit.trim() {
        "ms" => Duration::from_millis(number),
        "" | "s" => Duration::from_secs(number),
        "m" => Duration::from_secs(number.saturating_mul(60)),
        "h" => Duration::from_secs(number.saturating_mul(3600)),
        other => return Err(format!("unknown unit “{other}”: use ms, s, m or h")),
    };
    Ok(duration)
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        _ => Err(format!(
            "“{text}” is not a positive number of requests per second"
        )),
    }
}

/// An origin is exactly what browsers send in `Origin`: scheme, host and
/// optional port, no path. `https://site/` (trailing slash) would silently
/// never match, so it is refused here.
fn parse_origin(text: &str) -> Result<HeaderValue, String> {
    let text = text.trim();
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .ok_or_else(|| format!("origin “{text}” must start with http:// or https://"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ', '*']) {
        return Err(format!(
            "origin “{text}” must be scheme://host[:port] with no path or trailing slash"
        ));
    }
    HeaderValue::from_str(text).map_err(|_| format!("origin “{text}” is not a valid header value"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("5d").is_err());
        assert!(parse_duration("-5s").is_err());
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("0.5"), Ok(0.5));
        assert!(parse_rate("0").is_err());
        assert!(parse_rate("-1").is_err());
        assert!(parse_rate("inf").is_err());
        assert!(parse_rate("NaN").is_err());
    }

    #[test]
    fn origins() {
        assert!(parse_origin("https://pufa.example.org").is_ok());
        assert!(parse_origin("http://127.0.0.1:8080").is_ok());
        assert!(parse_origin("https://pufa.example.org/").is_err());
        assert!(parse_origin("pufa.example.org").is_err());
        assert!(parse_origin("*").is_err());
        assert!(parse_origin("https://").is_err());
    }

    #[test]
    fn defaults_and_help() {
        let config = Config::try_parse_from(["pufa-counter"]).expect("defaults parse");
        assert_eq!(config.listen.to_string(), "127.0.0.1:8787");
        assert_eq!(config.window, Duration::from_secs(1800));
        assert_eq!(config.reload_interval, Duration::from_secs(5));
        assert_eq!(config.allow_origins.len(), 2);
        assert!(!config.trust_proxy);
        assert!(config.redis.is_none());
        let config = Config::try_parse_from([
            "pufa-counter",
            "--allow-origin",
            "https://a.example",
            "--allow-origin",
            "https://b.example",
            "--trust-proxy",
        ])
        .expect("flags parse");
        assert_eq!(config.allow_origins.len(), 2);
        assert_eq!(config.allow_origins[1], "https://b.example");
        assert!(config.trust_proxy);
    }

    #[test]
    fn redis_excludes_db() {
        let config =
            Config::try_parse_from(["pufa-counter", "--redis", "redis://127.0.0.1:6379/1"])
                .expect("--redis alone parses");
        assert_eq!(
            config.redis.map(|url| url.to_string()).as_deref(),
            Some("redis://127.0.0.1:6379/1")
        );
        // The default --db does not conflict; a --db that was given does.
        let err = Config::try_parse_from([
            "pufa-counter",
            "--redis",
            "redis://127.0.0.1:6379",
            "--db",
            "x.sqlite3",
        ])
        .expect_err("conflict");
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
        // A bad URL is judged at start (RedisUrl::check), not by clap, which
        // would print it whole, password included.
        let config = Config::try_parse_from(["pufa-counter", "--redis", "localhost:6379"])
            .expect("parsed as text");
        assert!(config.redis.is_some_and(|url| url.check().is_err()));
    }
}
