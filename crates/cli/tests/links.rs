//! `pufa check --links` (issue #14) against a server on 127.0.0.1 that this
//! test starts (never the internet): working, redirected, missing, slow and
//! refused links, each reported with its file, line and field; and the
//! `leave_notice` setting of `site.toml`.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pufa_cli::content;
use pufa_cli::links::{self, Outcome};
use pufa_core::compiled::encode_site;
use pufa_core::decode_site;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pufa-links-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Requests the server saw: "METHOD /path".
type Log = Arc<Mutex<Vec<String>>>;

/// A small HTTP/1.1 server on a free port; its base URL and request log.
fn server() -> (String, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log: Log = Arc::default();
    let seen = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || answer(stream, &seen));
        }
    });
    (base, log)
}

fn answer(mut stream: TcpStream, log: &Log) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header.trim().is_empty() => break,
            Ok(_) => {}
        }
    }
    let mut parts = request.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    log.lock().unwrap().push(format!("{method} {path}"));
    let (status, location) = match path.as_str() {
        "/ok" | "/new/place" => ("200 OK", None),
        "/moved" => ("301 Moved Permanently", Some("/ok".to_string())),
        "/temporary" => ("302 Found", Some("new/place".to_string())),
        "/chain" => ("307 Temporary Redirect", Some("/moved".to_string())),
        "/moved-to-gone" => ("308 Permanent Redirect", Some("/gone".to_string())),
        "/loop" => ("301 Moved Permanently", Some("/loop".to_string())),
        "/no-head" if method == "HEAD" => ("405 Method Not Allowed", None),
        "/no-head" => ("200 OK", None),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(3));
            ("200 OK", None)
        }
        _ => ("404 Not Found", None),
    };
    let location = location.map_or(String::new(), |l| format!("Location: {l}\r\n"));
    let body = if method == "HEAD" { "" } else { "ok" };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\n{location}Content-Length: 2\r\nConnection: close\r\n\r\n{body}"
    );
}

/// An address where nothing listens.
fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    base
}

fn site_toml(extra_site: &str, links: &[&str]) -> String {
    let mut s = format!(
        "[site]\nname = \"测试普法网\"\n{extra_site}\n[[channels]]\nid = \"pufa\"\nname = \"普法动态\"\n"
    );
    for (i, url) in links.iter().enumerate() {
        s.push_str(&format!(
            "\n[[links]]\nname = \"链接{i}\"\nurl = \"{url}\"\n"
        ));
    }
    s
}

fn content_dir(name: &str, site: &str) -> PathBuf {
    let dir = scratch(name);
    fs::write(dir.join("site.toml"), site).unwrap();
    fs::create_dir_all(dir.join("bulletins")).unwrap();
    fs::write(
        dir.join("bulletins/a1.md"),
        "+++\ntitle = \"一篇文章\"\nchannel = \"pufa\"\npublished = \"2024-01-05 09:00\"\n+++\n\n正文，含一个 [链接](http://127.0.0.1:9/x) 但只显示文字。\n",
    )
    .unwrap();
    dir
}

fn line_of(src: &str, needle: &str) -> usize {
    src.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn every_external_link_is_found_with_its_line_and_field() {
    let site = site_toml(
        "counter = \"https://count.example.cn/api/views\"",
        &[
            "https://a.example.cn/",
            "/channel/pufa",
            "http://b.example.cn/x?y=1",
        ],
    );
    let dir = content_dir("collect", &site);
    let found = links::collect(&dir).unwrap();
    let got: Vec<_> = found
        .iter()
        .map(|f| (f.url.as_str(), f.place.line, f.place.field.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "https://a.example.cn/",
                Some(line_of(&site, "https://a.example.cn/")),
                "links[0].url"
            ),
            (
                "http://b.example.cn/x?y=1",
                Some(line_of(&site, "http://b.example.cn/")),
                "links[2].url"
            ),
        ],
        "site paths and the counter's API endpoint are not pages to check"
    );
    assert_eq!(found[0].place.file, dir.join("site.toml"));
    assert_eq!(
        found[0].place.describe(),
        format!(
            "{} 第 {} 行，字段 links[0].url",
            dir.join("site.toml").display(),
            line_of(&site, "https://a.example.cn/")
        )
    );
}

#[test]
fn working_redirected_and_broken_links_are_told_apart() {
    let (base, log) = server();
    let closed = closed_port();
    let urls: Vec<String> = [
        "/ok",
        "/moved",
        "/temporary",
        "/chain",
        "/gone",
        "/moved-to-gone",
        "/loop",
        "/no-head",
        "/slow",
    ]
    .iter()
    .map(|p| format!("{base}{p}"))
    .chain([format!("{closed}/"), format!("{base}/ok")])
    .collect();
    let refs: Vec<&str> = urls.iter().map(String::as_str).collect();
    let dir = content_dir("kinds", &site_toml("", &refs));
    let found = links::collect(&dir).unwrap();
    assert_eq!(found.len(), urls.len());
    let reports = links::check(&found, Duration::from_secs(1), 4);
    assert_eq!(
        reports.len(),
        urls.len() - 1,
        "a URL written twice is requested once"
    );
    let outcome = |path: &str| {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{base}{path}")
        };
        reports
            .iter()
            .find(|r| r.url == url)
            .unwrap_or_else(|| panic!("no report for {url}"))
            .outcome
            .clone()
    };
    assert_eq!(outcome("/ok"), Outcome::Ok);
    assert_eq!(
        outcome("/moved"),
        Outcome::Redirected {
            to: format!("{base}/ok"),
            status: 301
        }
    );
    assert_eq!(
        outcome("/temporary"),
        Outcome::Redirected {
            to: format!("{base}/new/place"),
            status: 302
        }
    );
    assert_eq!(
        outcome("/chain"),
        Outcome::Redirected {
            to: format!("{base}/ok"),
            status: 307
        },
        "the final address, past every redirect"
    );
    assert_eq!(outcome("/gone"), Outcome::Broken("HTTP 404".into()));
    assert_eq!(
        outcome("/moved-to-gone"),
        Outcome::Broken(format!("跳转到 {base}/gone 后 HTTP 404"))
    );
    assert!(matches!(outcome("/loop"), Outcome::Broken(why) if why.contains("跳转超过")));
    assert_eq!(outcome("/no-head"), Outcome::Ok, "GET when HEAD is refused");
    assert!(matches!(outcome("/slow"), Outcome::Broken(why) if why.contains("超时")));
    assert_eq!(
        outcome(&format!("{closed}/")),
        Outcome::Broken("连接被拒绝".into())
    );

    let ok = reports
        .iter()
        .find(|r| r.url == format!("{base}/ok"))
        .unwrap();
    assert_eq!(ok.places.len(), 2);
    assert_eq!(
        ok.places
            .iter()
            .map(|p| p.field.as_str())
            .collect::<Vec<_>>(),
        ["links[0].url", "links[10].url"]
    );
    let log = log.lock().unwrap();
    assert!(log.contains(&"HEAD /ok".to_string()));
    assert!(log.contains(&"GET /no-head".to_string()));
    assert!(
        !log.contains(&"GET /ok".to_string()),
        "no GET where HEAD answered"
    );
    assert_eq!(links::summary(&reports), (2, 3, 5));
}

fn pufa(dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pufa"))
        .args(["check", "--links", "--content"])
        .arg(dir)
        .env("PUFA_LINK_TIMEOUT", "2")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_fails_on_a_broken_link_and_names_its_line() {
    let (base, _) = server();
    let site = site_toml("", &[&format!("{base}/ok"), &format!("{base}/gone")]);
    let dir = content_dir("cmd-broken", &site);
    let (code, stdout, stderr) = pufa(&dir);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let file = dir.join("site.toml");
    assert!(
        stdout.contains(&format!(
            "{} 第 {} 行，字段 links[0].url：正常 {base}/ok",
            file.display(),
            line_of(&site, "/ok")
        )),
        "{stdout}"
    );
    assert!(
        stderr.contains(&format!(
            "{} 第 {} 行，字段 links[1].url：无法访问 {base}/gone：HTTP 404",
            file.display(),
            line_of(&site, "/gone")
        )),
        "{stderr}"
    );
    assert!(
        stdout.contains("2 个外部链接：1 个正常，0 个已跳转，1 个无法访问"),
        "{stdout}"
    );
}

#[test]
fn redirects_are_warnings_with_the_address_to_use() {
    let (base, _) = server();
    let site = site_toml("", &[&format!("{base}/moved")]);
    let dir = content_dir("cmd-moved", &site);
    let (code, stdout, stderr) = pufa(&dir);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stderr.contains(&format!(
            "字段 links[0].url：已跳转到 {base}/ok（原地址 {base}/moved，HTTP 301）：请把链接改为跳转后的地址"
        )),
        "{stderr}"
    );
    assert!(stdout.contains("1 个已跳转，0 个无法访问"), "{stdout}");
}

#[test]
fn without_links_the_check_requests_nothing() {
    let closed = closed_port();
    let dir = content_dir("cmd-plain", &site_toml("", &[&format!("{closed}/")]));
    let out = Command::new(env!("CARGO_BIN_EXE_pufa"))
        .args(["check", "--content"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("外部链接"));
}

#[test]
fn a_content_mistake_stops_the_check_before_any_request() {
    let (base, log) = server();
    let dir = content_dir(
        "cmd-mistake",
        &site_toml("per_page = 0", &[&format!("{base}/ok")]),
    );
    let (code, _, stderr) = pufa(&dir);
    assert_eq!(code, 1);
    assert!(stderr.contains("per_page"), "{stderr}");
    assert!(log.lock().unwrap().is_empty());
}

#[test]
fn the_leave_notice_is_on_unless_the_site_turns_it_off() {
    let on = content_dir("notice-default", &site_toml("", &[]));
    let site = content::load_site(&on).unwrap();
    assert!(site.site.leave_notice, "on by default");
    assert!(
        !encode_site(&site).to_string().contains("leave_notice"),
        "the default is not written into site.json"
    );

    let off = content_dir("notice-off", &site_toml("leave_notice = false", &[]));
    let site = content::load_site(&off).unwrap();
    assert!(!site.site.leave_notice);
    // site.json carries it to the app, and site_file writes it back.
    let json = encode_site(&site).to_string();
    assert!(!decode_site(&json).unwrap().site.leave_notice);
    let written = content::site_file(&site);
    assert!(written.contains("leave_notice = false"), "{written}");
    fs::write(off.join("site.toml"), &written).unwrap();
    assert!(!content::load_site(&off).unwrap().site.leave_notice);

    let explicit = content_dir("notice-on", &site_toml("leave_notice = true", &[]));
    assert!(content::load_site(&explicit).unwrap().site.leave_notice);
    assert!(!content::site_file(&content::load_site(&explicit).unwrap()).contains("leave_notice"));
}

#[test]
fn a_misspelt_or_mistyped_setting_still_fails() {
    let site = site_toml("leave_notise = false", &[]);
    let dir = content_dir("notice-typo", &site);
    let p = content::load_site(&dir).unwrap_err();
    assert_eq!(p.line, Some(line_of(&site, "leave_notise")));
    assert!(p.message.contains("不认识的字段"), "{}", p.message);
    assert!(p.message.contains("leave_notise"), "{}", p.message);

    let dir = content_dir("notice-type", &site_toml("leave_notice = \"否\"", &[]));
    assert!(content::load_site(&dir).is_err());

    let json = r#"{"site":{"name":"x","leave_notise":false},"channels":[{"id":"a","name":"A"}],"links":[]}"#;
    assert!(decode_site(json).is_err(), "site.json refuses it too");
}
