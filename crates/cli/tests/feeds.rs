//! Feeds and maps (`pufa_cli::feeds`) on fixture content written here: the
//! files `pufa build` writes beside `data/` are read back with independent
//! parsers (feed-rs for Atom, roxmltree for the sitemaps), never matched as
//! strings.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, FixedOffset};
use pufa_cli::feeds::{self, Limits, Written};
use pufa_cli::{build, content};
use pufa_core::Store;

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
/// The site lives under a path; the trailing slash is the operator's.
const BASE: &str = "https://www.xinzhou.gov.cn/pufa";

/// A fresh empty folder under the system temp dir.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pufa-feeds-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn site_toml(url: Option<&str>) -> String {
    let url = url.map_or(String::new(), |u| format!("url = \"{u}\"\n"));
    format!(
        r#"[site]
name = "测试普法网"
description = "测试用站点 & <简介>"
per_page = 2
{url}
[[channels]]
id = "pufa"
name = "普法动态"

[[channels.children]]
id = "qu"
name = "某区"

[[channels]]
id = "anli"
name = "以案释法"

[[channels]]
id = "kong"
name = "空栏目"
description = "还没有文章的栏目"
"#
    )
}

/// A bulletin file; `title` and `source` are written into TOML basic
/// strings as given (escapes included).
fn bulletin(
    title: &str,
    channel: &str,
    published: &str,
    source: Option<&str>,
    body: &str,
) -> String {
    let source = source.map_or(String::new(), |s| format!("source = \"{s}\"\n"));
    format!("+++\ntitle = \"{title}\"\nchannel = \"{channel}\"\npublished = \"{published}\"\n{source}+++\n\n{body}")
}

/// The hostile title as the feed must give it back: markup, an ampersand
/// and CDATA ends as text; the control character (which XML cannot carry)
/// dropped.
const HOSTILE: &str = "<script>alert(\"x\")</script> & ]]> <![CDATA[ 法";

/// Seven bulletins, newest first: x1 (anli), c1 (anli), a4 (pufa), r1, a3,
/// a2, a1 (qu, a sub-channel of pufa); the channel kong stays empty.
fn content_dir(name: &str, url: Option<&str>) -> PathBuf {
    let dir = scratch(name);
    fs::write(dir.join("site.toml"), site_toml(url)).unwrap();
    let b = dir.join("bulletins/2024");
    fs::create_dir_all(&b).unwrap();
    let files = [
        (
            "a1",
            bulletin(
                "某区民法典宣传动员会",
                "qu",
                "2024-01-05 09:00",
                Some("某区司法局"),
                "动员会正文。\n",
            ),
        ),
        (
            "a2",
            bulletin(
                "某区民法典进社区",
                "qu",
                "2024-02-05 09:00",
                None,
                "进社区正文。\n",
            ),
        ),
        (
            "a3",
            bulletin(
                "某区宪法宣传周",
                "qu",
                "2024-03-05 09:00",
                None,
                "宪法周。\n",
            ),
        ),
        // Written in UTC: 01:00Z is 09:00 in Beijing.
        (
            "r1",
            bulletin(
                "某区普法讲座",
                "qu",
                "2024-03-10T01:00:00Z",
                None,
                "讲座。\n",
            ),
        ),
        (
            "a4",
            bulletin(
                "普法动态总栏目的通知",
                "pufa",
                "2024-04-05 09:00",
                None,
                "通知。\n",
            ),
        ),
        (
            "c1",
            bulletin(
                "醉酒驾车案评析",
                "anli",
                "2024-05-05 09:00",
                None,
                "案情。\n",
            ),
        ),
        (
            "x1",
            bulletin(
                "<script>alert(\\\"x\\\")</script> & ]]> <![CDATA[ 法\\u0001",
                "anli",
                "2024-06-05 09:00",
                Some("<b>司法局</b> & ]]>"),
                "<b>粗体</b> & 正文]]>\n",
            ),
        ),
    ];
    for (id, text) in files {
        fs::write(b.join(format!("{id}.md")), text).unwrap();
    }
    dir
}

fn store(dir: &Path) -> Store {
    let c = content::load(dir).unwrap_or_else(|p| panic!("{p:?}"));
    Store::new(
        c.site,
        c.bulletins.into_iter().map(|s| s.bulletin).collect(),
    )
}

/// Build the content as `pufa build` does; the root of the build output.
fn build_site(name: &str, url: Option<&str>) -> (PathBuf, build::Report) {
    let dir = content_dir(name, url);
    let root = scratch(&format!("{name}-out"));
    let out = root.join("data");
    let c = content::load(&dir).unwrap_or_else(|p| panic!("{p:?}"));
    let report = build::build(c, &out, &root.join("media")).unwrap();
    (root, report)
}

fn read_feed(path: &Path) -> feed_rs::model::Feed {
    let data = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    feed_rs::parser::parse(data.as_slice()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn time(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn entry_ids(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries.iter().map(|e| e.id.clone()).collect()
}

fn article(id: &str) -> String {
    format!("{BASE}/article/{id}")
}

fn link<'a>(links: &'a [feed_rs::model::Link], rel: &str) -> Option<&'a str> {
    links
        .iter()
        .find(|l| l.rel.as_deref() == Some(rel))
        .map(|l| l.href.as_str())
}

/// A sitemap file read with a plain XML parser: its root element's name
/// and, per `<url>` or `<sitemap>`, the `<loc>` and `<lastmod>`.
type Listing = (String, Vec<(String, Option<String>)>);

fn read_sitemap(path: &Path) -> Listing {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc =
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let root = doc.root_element();
    assert_eq!(
        root.tag_name().namespace(),
        Some(SITEMAP_NS),
        "{}",
        path.display()
    );
    let child_text = |n: roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.is_element() && c.tag_name().name() == name)
            .map(|c| c.text().unwrap_or("").to_string())
    };
    let items = root
        .children()
        .filter(|n| n.is_element())
        .map(|n| {
            (
                child_text(n, "loc").expect("every entry has a <loc>"),
                child_text(n, "lastmod"),
            )
        })
        .collect();
    (root.tag_name().name().to_string(), items)
}

/// Every page of the fixture in site order, with the lastmod it must have.
fn expected_pages() -> Vec<(String, Option<String>)> {
    let at = |s: &str| Some(s.to_string());
    let mut pages = vec![
        (format!("{BASE}/"), at("2024-06-05T09:00:00+08:00")),
        (format!("{BASE}/sitemap"), None),
    ];
    // Every page of a list changes when its channel gets a bulletin: all
    // carry the channel's newest time.
    for (path, lastmod) in [
        ("channel/pufa", "2024-04-05T09:00:00+08:00"),
        ("channel/pufa/2", "2024-04-05T09:00:00+08:00"),
        ("channel/pufa/3", "2024-04-05T09:00:00+08:00"),
        ("channel/qu", "2024-03-10T09:00:00+08:00"),
        ("channel/qu/2", "2024-03-10T09:00:00+08:00"),
        ("channel/anli", "2024-06-05T09:00:00+08:00"),
    ] {
        pages.push((format!("{BASE}/{path}"), at(lastmod)));
    }
    pages.push((format!("{BASE}/channel/kong"), None));
    for (id, lastmod) in [
        ("x1", "2024-06-05T09:00:00+08:00"),
        ("c1", "2024-05-05T09:00:00+08:00"),
        ("a4", "2024-04-05T09:00:00+08:00"),
        ("r1", "2024-03-10T09:00:00+08:00"),
        ("a3", "2024-03-05T09:00:00+08:00"),
        ("a2", "2024-02-05T09:00:00+08:00"),
        ("a1", "2024-01-05T09:00:00+08:00"),
    ] {
        pages.push((article(id), at(lastmod)));
    }
    pages
}

#[test]
fn the_site_feed_has_the_newest_in_order_with_absolute_urls() {
    let (root, report) = build_site("site-feed", Some(&format!("{BASE}/")));
    assert_eq!(
        report.feeds,
        Written::Wrote {
            feeds: 5,
            urls: 16,
            sitemaps: 1
        }
    );
    let feed = read_feed(&root.join("feed.xml"));
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.title.as_ref().unwrap().content, "测试普法网");
    assert_eq!(
        feed.description.as_ref().unwrap().content,
        "测试用站点 & <简介>"
    );
    assert_eq!(feed.id, format!("{BASE}/feed.xml"));
    assert_eq!(
        link(&feed.links, "self"),
        Some(format!("{BASE}/feed.xml").as_str())
    );
    assert_eq!(
        link(&feed.links, "alternate"),
        Some(format!("{BASE}/").as_str())
    );
    assert_eq!(
        feed.updated,
        Some(time("2024-06-05T09:00:00+08:00").to_utc())
    );
    assert_eq!(
        entry_ids(&feed),
        ["x1", "c1", "a4", "r1", "a3", "a2", "a1"].map(article)
    );

    let a1 = &feed.entries[6];
    assert_eq!(a1.title.as_ref().unwrap().content, "某区民法典宣传动员会");
    assert_eq!(link(&a1.links, "alternate"), Some(article("a1").as_str()));
    assert_eq!(
        a1.published,
        Some(time("2024-01-05T09:00:00+08:00").to_utc())
    );
    assert_eq!(a1.updated, a1.published);
    assert_eq!(a1.summary.as_ref().unwrap().content, "动员会正文。");
    // The 来源 when there is one, else the site; the channel's name.
    assert_eq!(a1.authors[0].name.as_deref(), Some("某区司法局"));
    assert_eq!(
        feed.entries[5].authors[0].name.as_deref(),
        Some("测试普法网")
    );
    assert_eq!(a1.categories[0].term, "某区");

    // Times are written in Beijing time, whatever the file said (r1 was
    // written in UTC).
    let text = fs::read_to_string(root.join("feed.xml")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let stamps: Vec<&str> = doc
        .descendants()
        .filter(|n| {
            n.tag_name().namespace() == Some(ATOM_NS)
                && matches!(n.tag_name().name(), "updated" | "published")
        })
        .map(|n| n.text().unwrap())
        .collect();
    assert_eq!(stamps.len(), 1 + 7 * 2);
    assert!(stamps.contains(&"2024-03-10T09:00:00+08:00"), "{stamps:?}");
    for s in stamps {
        assert_eq!(time(s).offset().local_minus_utc(), 8 * 3600, "{s}");
    }
}

#[test]
fn a_feed_keeps_only_the_newest_entries() {
    let dir = content_dir("newest", Some(BASE));
    let out = scratch("newest-out");
    let limits = Limits {
        feed_entries: 3,
        ..Limits::default()
    };
    feeds::write(&store(&dir), &out, limits).unwrap();
    let feed = read_feed(&out.join("feed.xml"));
    assert_eq!(entry_ids(&feed), ["x1", "c1", "a4"].map(article));
    let pufa = read_feed(&out.join("feeds/pufa.xml"));
    assert_eq!(entry_ids(&pufa), ["a4", "r1", "a3"].map(article));
}

#[test]
fn a_channel_feed_holds_its_sub_channels_and_nothing_else() {
    let (root, _) = build_site("channel-feeds", Some(BASE));
    let pufa = read_feed(&root.join("feeds/pufa.xml"));
    assert_eq!(
        pufa.title.as_ref().unwrap().content,
        "测试普法网 · 普法动态"
    );
    assert_eq!(pufa.id, format!("{BASE}/feeds/pufa.xml"));
    assert_eq!(
        link(&pufa.links, "self"),
        Some(format!("{BASE}/feeds/pufa.xml").as_str())
    );
    assert_eq!(
        link(&pufa.links, "alternate"),
        Some(format!("{BASE}/channel/pufa").as_str())
    );
    assert_eq!(
        entry_ids(&pufa),
        ["a4", "r1", "a3", "a2", "a1"].map(article)
    );
    assert_eq!(
        pufa.updated,
        Some(time("2024-04-05T09:00:00+08:00").to_utc())
    );

    let qu = read_feed(&root.join("feeds/qu.xml"));
    assert_eq!(entry_ids(&qu), ["r1", "a3", "a2", "a1"].map(article));
    assert!(qu.entries.iter().all(|e| e.categories[0].term == "某区"));
    let anli = read_feed(&root.join("feeds/anli.xml"));
    assert_eq!(entry_ids(&anli), ["x1", "c1"].map(article));

    // An empty channel still has a valid feed to subscribe to, with its
    // own description and the site's newest time.
    let kong = read_feed(&root.join("feeds/kong.xml"));
    assert!(kong.entries.is_empty());
    assert_eq!(
        kong.description.as_ref().unwrap().content,
        "还没有文章的栏目"
    );
    assert_eq!(
        kong.updated,
        Some(time("2024-06-05T09:00:00+08:00").to_utc())
    );

    let mut files: Vec<String> = fs::read_dir(root.join("feeds"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["anli.xml", "kong.xml", "pufa.xml", "qu.xml"]);
}

#[test]
fn hostile_titles_come_out_as_text() {
    let (root, _) = build_site("hostile", Some(BASE));
    for path in ["feed.xml", "feeds/anli.xml"] {
        let path = root.join(path);
        let text = fs::read_to_string(&path).unwrap();
        // Well-formed XML in which the title made no element.
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            doc.descendants()
                .all(|n| !n.is_element() || n.tag_name().namespace() == Some(ATOM_NS)),
            "only Atom elements in {}",
            path.display()
        );
        let feed = read_feed(&path);
        let x1 = feed.entries.iter().find(|e| e.id == article("x1")).unwrap();
        assert_eq!(x1.title.as_ref().unwrap().content, HOSTILE);
        assert_eq!(x1.authors[0].name.as_deref(), Some("<b>司法局</b> & ]]>"));
        assert_eq!(
            x1.summary.as_ref().unwrap().content,
            "<b>粗体</b> & 正文]]>"
        );
    }
}

#[test]
fn the_sitemap_lists_every_page_with_its_last_change() {
    let (root, report) = build_site("sitemap", Some(BASE));
    let (kind, pages) = read_sitemap(&root.join("sitemap.xml"));
    assert_eq!(kind, "urlset");
    assert_eq!(pages, expected_pages());
    assert!(matches!(
        report.feeds,
        Written::Wrote {
            urls: 16,
            sitemaps: 1,
            ..
        }
    ));
    assert!(!root.join("sitemaps").exists());
}

#[test]
fn a_long_sitemap_is_split_under_an_index_and_joined_again() {
    let dir = content_dir("split", Some(BASE));
    let site = store(&dir);
    let out = scratch("split-out");
    let limits = Limits {
        sitemap_urls: 5,
        ..Limits::default()
    };
    let written = feeds::write(&site, &out, limits).unwrap();
    assert_eq!(
        written,
        Written::Wrote {
            feeds: 5,
            urls: 16,
            sitemaps: 4
        }
    );
    let (kind, parts) = read_sitemap(&out.join("sitemap.xml"));
    assert_eq!(kind, "sitemapindex");
    assert_eq!(
        parts
            .iter()
            .map(|(loc, _)| loc.as_str())
            .collect::<Vec<_>>(),
        (1..=4)
            .map(|n| format!("{BASE}/sitemaps/sitemap-{n}.xml"))
            .collect::<Vec<_>>()
    );
    let mut all = Vec::new();
    for (n, (_, lastmod)) in parts.iter().enumerate() {
        let (kind, pages) = read_sitemap(&out.join(format!("sitemaps/sitemap-{}.xml", n + 1)));
        assert_eq!(kind, "urlset");
        assert!(pages.len() <= 5);
        // A part's lastmod is the newest of its pages.
        let newest = pages
            .iter()
            .filter_map(|(_, t)| t.as_deref())
            .map(time)
            .max();
        assert_eq!(lastmod.as_deref().map(time), newest);
        all.extend(pages);
    }
    assert_eq!(all, expected_pages());

    // Past the byte limit too: every part stays within it.
    let limits = Limits {
        sitemap_bytes: 700,
        ..Limits::default()
    };
    let Written::Wrote { sitemaps, .. } = feeds::write(&site, &out, limits).unwrap() else {
        panic!("site.url is set")
    };
    assert!(sitemaps > 1);
    let mut all = Vec::new();
    for n in 1..=sitemaps {
        let part = out.join(format!("sitemaps/sitemap-{n}.xml"));
        assert!(fs::metadata(&part).unwrap().len() <= 700);
        all.extend(read_sitemap(&part).1);
    }
    assert_eq!(all, expected_pages());
    assert!(!out
        .join(format!("sitemaps/sitemap-{}.xml", sitemaps + 1))
        .exists());

    // Back under the limit: one sitemap again, the parts gone.
    feeds::write(&site, &out, Limits::default()).unwrap();
    assert_eq!(read_sitemap(&out.join("sitemap.xml")).0, "urlset");
    assert!(!out.join("sitemaps").exists());
}

/// `robots.txt` as (field, value) pairs, comments and blank lines left out.
fn robots(root: &Path) -> Vec<(String, String)> {
    fs::read_to_string(root.join("robots.txt"))
        .unwrap()
        .lines()
        .map(|l| l.split('#').next().unwrap().trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (k, v) = l.split_once(':').unwrap();
            (k.trim().to_ascii_lowercase(), v.trim().to_string())
        })
        .collect()
}

#[test]
fn robots_allows_all_and_names_the_sitemap_when_it_can() {
    let (with, _) = build_site("robots-url", Some(BASE));
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(
        robots(&with),
        pairs(&[
            ("user-agent", "*"),
            ("allow", "/"),
            ("sitemap", &format!("{BASE}/sitemap.xml")),
        ])
    );
    let (without, _) = build_site("robots-bare", None);
    assert_eq!(
        robots(&without),
        pairs(&[("user-agent", "*"), ("allow", "/")])
    );
}

#[test]
fn without_site_url_the_build_succeeds_without_feeds_and_says_why() {
    // A first build with the address, then the address removed: the binary
    // still builds, says once what to add, and leaves no stale feed behind.
    let dir = content_dir("no-url", Some(BASE));
    let root = scratch("no-url-out");
    let out = root.join("data");
    let run = |dir: &Path| {
        Command::new(env!("CARGO_BIN_EXE_pufa"))
            .args(["build", "--content"])
            .arg(dir)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap()
    };
    let first = run(&dir);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(!String::from_utf8_lossy(&first.stderr).contains("site.toml"));
    assert!(root.join("feed.xml").is_file());
    assert!(root.join("feeds/qu.xml").is_file());
    assert!(root.join("sitemap.xml").is_file());

    fs::write(dir.join("site.toml"), site_toml(None)).unwrap();
    let second = run(&dir);
    assert!(second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    let notes: Vec<&str> = stderr.lines().filter(|l| l.contains("url")).collect();
    assert_eq!(notes, [feeds::SKIPPED_NOTICE], "{stderr}");
    assert!(notes[0].contains("site.toml") && notes[0].contains("[site]"));
    assert!(!root.join("feed.xml").exists());
    assert!(!root.join("feeds").exists());
    assert!(!root.join("sitemap.xml").exists());
    assert!(!root.join("sitemaps").exists());
    assert!(root.join("robots.txt").is_file());
    assert!(
        out.join("version.json").is_file(),
        "the data is built all the same"
    );
}
