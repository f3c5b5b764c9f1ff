//! `pufa check --links`: request every external link of the content and say
//! which still work, which now redirect (and where to) and which are broken.
//!
//! Links are found in `site.toml`: every `http://` or `https://` string in
//! it (the friendly links, and any URL-valued setting), each with its line
//! and field. The view-counter endpoint (`site.counter`) is an API, not a
//! page, and is left out. Bulletin bodies hold no links: Markdown links in
//! them are shown as their text only (docs/content.md), so no reader can
//! follow them.
//!
//! Each distinct URL is requested once, a few at a time: `HEAD`, or `GET`
//! where a server refuses `HEAD`; redirects are followed by hand so that the
//! report can name the final address.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use toml_edit::{ImDocument, Item, Table, Value};

use crate::content::{Problem, SITE_TOML};

/// How long one request may take before the link counts as broken.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Requests in flight at once.
pub const PARALLEL: usize = 4;
/// Redirects followed before giving up.
const MAX_HOPS: usize = 10;

/// Where a link is written: file, line and field, as [`Problem`] names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub field: String,
}

impl Place {
    /// `content/site.toml 第 33 行，字段 links[0].url`
    pub fn describe(&self) -> String {
        let mut s = self.file.display().to_string();
        if let Some(l) = self.line {
            s.push_str(&format!(" 第 {l} 行"));
        }
        if !self.field.is_empty() {
            s.push_str(&format!("，字段 {}", self.field));
        }
        s
    }
}

/// One external link of the content and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub url: String,
    pub place: Place,
}

/// What requesting a link gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answered 2xx at the written address.
    Ok,
    /// Answered 2xx after redirects (301, 302, 303, 307, 308); `to` is the
    /// final address, which the content should use instead.
    Redirected { to: String, status: u16 },
    /// No answer, or an error status (at the address or after redirects).
    Broken(String),
}

/// A link's outcome with every place it is written.
#[derive(Clone, Debug)]
pub struct Report {
    pub url: String,
    pub places: Vec<Place>,
    pub outcome: Outcome,
}

impl Report {
    /// One line per place, for the terminal.
    pub fn lines(&self) -> Vec<String> {
        let what = match &self.outcome {
            Outcome::Ok => format!("正常 {}", self.url),
            Outcome::Redirected { to, status } => format!(
                "已跳转到 {to}（原地址 {}，HTTP {status}）：请把链接改为跳转后的地址",
                self.url
            ),
            Outcome::Broken(why) => format!("无法访问 {}：{why}", self.url),
        };
        self.places
            .iter()
            .map(|p| format!("{}：{what}", p.describe()))
            .collect()
    }
}

/// Settings that hold URLs but are not pages a reader opens.
const NOT_PAGES: &[&str] = &["site.counter"];

fn is_web(url: &str) -> bool {
    pufa_core::url::is_external(url)
}

/// Every external link written in the content folder `dir`, in file order.
pub fn collect(dir: &Path) -> Result<Vec<Found>, Problem> {
    let path = dir.join(SITE_TOML);
    let problem = |message: String| Problem {
        file: path.clone(),
        line: None,
        field: String::new(),
        message,
    };
    let src =
        std::fs::read_to_string(&path).map_err(|e| problem(format!("无法读取站点文件：{e}")))?;
    let doc = ImDocument::parse(src.as_str())
        .map_err(|e| problem(format!("TOML 格式错误：{}", e.message())))?;
    let mut out = Vec::new();
    let mut push = |field: String, url: &str, span: Option<std::ops::Range<usize>>| {
        if !is_web(url) || NOT_PAGES.contains(&field.as_str()) {
            return;
        }
        let line = span.map(|s| src[..s.start.min(src.len())].matches('\n').count() + 1);
        out.push(Found {
            url: url.to_string(),
            place: Place {
                file: path.clone(),
                line,
                field,
            },
        });
    };
    walk_table(doc.as_table(), "", &mut push);
    Ok(out)
}

type Push<'a> = dyn FnMut(String, &str, Option<std::ops::Range<usize>>) + 'a;

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn walk_table(t: &Table, path: &str, push: &mut Push) {
    for (key, item) in t.iter() {
        walk_item(item, &join(path, key), push);
    }
}

fn walk_item(item: &Item, path: &str, push: &mut Push) {
    match item {
        Item::Value(v) => walk_value(v, path, push),
        Item::Table(t) => walk_table(t, path, push),
        Item::ArrayOfTables(a) => {
            for (i, t) in a.iter().enumerate() {
                walk_table(t, &format!("{path}[{i}]"), push);
            }
        }
        Item::None => {}
    }
}

fn walk_value(v: &Value, path: &str, push: &mut Push) {
    match v {
        Value::String(s) => push(path.to_string(), s.value(), v.span()),
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                walk_value(v, &format!("{path}[{i}]"), push);
            }
        }
        Value::InlineTable(t) => {
            for (key, v) in t.iter() {
                walk_value(v, &join(path, key), push);
            }
        }
        _ => {}
    }
}

/// Request every link (each distinct URL once, `parallel` at a time) and
/// report them in the order they were first found.
pub fn check(found: &[Found], timeout: Duration, parallel: usize) -> Vec<Report> {
    let mut reports: Vec<Report> = Vec::new();
    for f in found {
        match reports.iter_mut().find(|r| r.url == f.url) {
            Some(r) => r.places.push(f.place.clone()),
            None => reports.push(Report {
                url: f.url.clone(),
                places: vec![f.place.clone()],
                outcome: Outcome::Ok,
            }),
        }
    }
    let agent = agent(timeout);
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; reports.len()]);
    let urls: Vec<&str> = reports.iter().map(|r| r.url.as_str()).collect();
    std::thread::scope(|scope| {
        for _ in 0..parallel.clamp(1, urls.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(url) = urls.get(i) else { break };
                let outcome = probe(&agent, url);
                if let Ok(mut all) = outcomes.lock() {
                    all[i] = Some(outcome);
                }
            });
        }
    });
    let outcomes = outcomes.into_inner().unwrap_or_default();
    for (r, o) in reports.iter_mut().zip(outcomes) {
        r.outcome = o.unwrap_or_else(|| Outcome::Broken("未能检查".into()));
    }
    reports
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("pufa-check-links/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Follow `url` to its final answer.
pub fn probe(agent: &ureq::Agent, url: &str) -> Outcome {
    let mut at = url.to_string();
    let mut first_status = None;
    for _ in 0..=MAX_HOPS {
        let (status, location) = match request(agent, &at) {
            Ok(answer) => answer,
            Err(why) if at == url => return Outcome::Broken(why),
            Err(why) => return Outcome::Broken(format!("跳转到 {at} 后{why}")),
        };
        match status {
            200..=299 => {
                return match first_status {
                    None => Outcome::Ok,
                    Some(status) => Outcome::Redirected { to: at, status },
                }
            }
            301 | 302 | 303 | 307 | 308 => {
                let Some(location) = location else {
                    return Outcome::Broken(format!("HTTP {status}，但没有给出跳转地址"));
                };
                first_status.get_or_insert(status);
                at = resolve(&at, &location);
                if !is_web(&at) {
                    return Outcome::Broken(format!("跳转到了非网页地址 {at}"));
                }
            }
            _ if at == url => return Outcome::Broken(format!("HTTP {status}")),
            _ => return Outcome::Broken(format!("跳转到 {at} 后 HTTP {status}")),
        }
    }
    Outcome::Broken(format!("跳转超过 {MAX_HOPS} 次"))
}

/// One request: `HEAD`, then `GET` when the server refuses `HEAD` (an error
/// status, or an answer it could not give). The status and `Location`.
fn request(agent: &ureq::Agent, url: &str) -> Result<(u16, Option<String>), String> {
    let answer = |r: &ureq::http::Response<ureq::Body>| {
        let location = r
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        (r.status().as_u16(), location)
    };
    match agent.head(url).call() {
        Ok(r) if r.status().as_u16() < 400 => return Ok(answer(&r)),
        Err(e) if unreachable(&e) => return Err(describe(&e)),
        _ => {}
    }
    match agent.get(url).call() {
        // The body is not read: dropping the response closes the connection.
        Ok(r) => Ok(answer(&r)),
        Err(e) => Err(describe(&e)),
    }
}

/// Errors where a second request would only wait again.
fn unreachable(e: &ureq::Error) -> bool {
    matches!(
        e,
        ureq::Error::Io(_)
            | ureq::Error::Timeout(_)
            | ureq::Error::HostNotFound
            | ureq::Error::ConnectionFailed
            | ureq::Error::BadUri(_)
    )
}

fn describe(e: &ureq::Error) -> String {
    use std::io::ErrorKind;
    match e {
        ureq::Error::Timeout(_) => "超时，没有应答".into(),
        ureq::Error::HostNotFound => "找不到这个域名".into(),
        ureq::Error::Io(io) if io.kind() == ErrorKind::ConnectionRefused => "连接被拒绝".into(),
        ureq::Error::Io(io) if io.kind() == ErrorKind::TimedOut => "超时，没有应答".into(),
        // The resolver's failure comes as an uncategorised I/O error.
        ureq::Error::Io(io) if io.to_string().contains("lookup address") => "找不到这个域名".into(),
        ureq::Error::Io(io) => format!("连接出错（{io}）"),
        ureq::Error::ConnectionFailed => "无法连接".into(),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => format!("加密连接（证书）出错：{e}"),
        other => format!("请求出错：{other}"),
    }
}

/// `location` resolved against `base` (RFC 3986 for the usual cases:
/// absolute, scheme-relative, absolute path, relative path, query only).
pub fn resolve(base: &str, location: &str) -> String {
    if is_web(location) {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("http", base));
    if let Some(net) = location.strip_prefix("//") {
        return format!("{scheme}://{net}");
    }
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = format!("{scheme}://{}", &rest[..host_end]);
    let path = &rest[host_end..];
    let path = path.split('#').next().unwrap_or("");
    let path_only = path.split('?').next().unwrap_or("");
    if location.starts_with('/') {
        return format!("{origin}{location}");
    }
    if location.starts_with('?') {
        return format!("{origin}{path_only}{location}");
    }
    if location.is_empty() {
        return format!("{origin}{path}");
    }
    let dir = &path_only[..path_only.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    format!("{origin}{dir}{location}")
}

/// Counts for the closing line.
pub fn summary(reports: &[Report]) -> (usize, usize, usize) {
    let mut n = (0, 0, 0);
    for r in reports {
        match r.outcome {
            Outcome::Ok => n.0 += 1,
            Outcome::Redirected { .. } => n.1 += 1,
            Outcome::Broken(_) => n.2 += 1,
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn locations_resolve_against_the_request() {
        let base = "http://a.cn/x/y.html?q=1";
        assert_eq!(resolve(base, "https://b.cn/"), "https://b.cn/");
        assert_eq!(resolve(base, "//c.cn/z"), "http://c.cn/z");
        assert_eq!(resolve(base, "/ok"), "http://a.cn/ok");
        assert_eq!(resolve(base, "z.html"), "http://a.cn/x/z.html");
        assert_eq!(resolve(base, "?p=2"), "http://a.cn/x/y.html?p=2");
        assert_eq!(resolve("http://a.cn", "z"), "http://a.cn/z");
    }
}
