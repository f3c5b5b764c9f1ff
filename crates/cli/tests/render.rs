//! `pufa render`: every page a reader can land on, pre-rendered by the
//! app's own components into a finished build, readable as plain HTML
//! (issue #11). Fixture content of its own; the shell is a minimal page
//! shaped like Trunk's.

use std::fs;
use std::path::{Path, PathBuf};

use pufa_cli::{build, content, render};
use scraper::{Html, Selector};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pufa-render-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

const SITE: &str = r#"[site]
name = "测试普法网"
description = "测试用站点"
per_page = 2
url = "https://pufa.example.gov.cn"

[[channels]]
id = "pufa"
name = "普法动态"

[[channels.children]]
id = "qu"
name = "某区"

[[channels]]
id = "anli"
name = "以案释法"

[[links]]
name = "中国普法网"
url = "https://www.legalinfo.gov.cn/"
"#;

const HOSTILE: &str = "案例</script><script>alert(1)</script>&amp;“评析”";

const SHELL: &str = r#"<!DOCTYPE html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>壳</title>
    <base href="/" />
    <script src="prefs.js"></script>
    <script type="module">import init from '/app.js'; await init();</script>
  <link rel="modulepreload" href="/app.js" crossorigin="anonymous"><link rel="preload" href="/app_bg.wasm" crossorigin="anonymous" as="fetch" type="application/wasm"></head>
  <body>
    <div id="boot" class="boot" role="status"><p>正在加载，请稍候…</p></div>
  </body>
</html>
"#;

fn bulletin(title: &str, channel: &str, published: &str, body: &str) -> String {
    let title = title.replace('\\', "\\\\").replace('"', "\\\"");
    format!("+++\ntitle = \"{title}\"\nchannel = \"{channel}\"\npublished = \"{published}\"\n+++\n\n{body}")
}

/// A finished build: data of five bulletins (one with a hostile title), the shell.
fn built(name: &str) -> PathBuf {
    let dir = scratch(name);
    let src = dir.join("content");
    let b = src.join("bulletins");
    fs::create_dir_all(&b).unwrap();
    fs::write(src.join("site.toml"), SITE).unwrap();
    let items = [
        (
            "a1",
            "某区召开民法典宣传动员会",
            "qu",
            "2024-01-05 09:00",
            "动员会正文。\n\n## 一、会议内容\n\n第二段 <b>不是标签</b>。\n",
        ),
        (
            "a2",
            "某区民法典宣传进社区",
            "qu",
            "2024-02-05 09:00",
            "进社区正文。\n",
        ),
        (
            "a3",
            "某区举办宪法宣传周活动",
            "qu",
            "2024-03-05 09:00",
            "宪法周。\n",
        ),
        (
            "a4",
            "普法动态总栏目的通知",
            "pufa",
            "2024-04-05 09:00",
            "通知。\n",
        ),
        ("c1", HOSTILE, "anli", "2024-05-05 09:00", "案情。\n"),
    ];
    for (file, title, channel, time, body) in items {
        fs::write(
            b.join(format!("{file}.md")),
            bulletin(title, channel, time, body),
        )
        .unwrap();
    }
    let dist = dir.join("dist");
    let c = content::load(&src).unwrap_or_else(|p| panic!("{p:?}"));
    build::build(c, &dist.join("data"), &dist.join("media")).unwrap();
    fs::write(dist.join(render::SHELL), SHELL).unwrap();
    dist
}

fn page(dist: &Path, rel: &str) -> Html {
    let path = dist.join(rel);
    let src = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Html::parse_document(&src)
}

fn texts(doc: &Html, css: &str) -> Vec<String> {
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

fn attrs(doc: &Html, css: &str, attr: &str) -> Vec<String> {
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// The id of the bulletin titled `title`, from the built home page.
fn article_href(doc: &Html, title: &str) -> String {
    let sel = Selector::parse("a.item-title").unwrap();
    doc.select(&sel)
        .find(|a| a.text().collect::<String>().trim() == title)
        .and_then(|a| a.value().attr("href"))
        .unwrap_or_else(|| panic!("no link to {title}"))
        .to_string()
}

#[test]
fn every_page_is_written_at_its_url_with_the_whole_text() {
    let dist = built("pages");
    let r = render::render(&dist, None).unwrap();
    assert_eq!(r.articles, 5);
    // 普法动态 holds its own and 某区's four: two pages of two; 某区 two; 以案释法 one.
    assert_eq!(r.lists, 2 + 2 + 1);
    assert_eq!(
        r.pages,
        5 + 5 + 3,
        "articles, list pages, home + 网站地图 + 404"
    );

    let home = page(&dist, "index.html");
    assert_eq!(texts(&home, "title"), ["测试普法网"]);
    assert!(texts(&home, ".newest a.item-title").contains(&"某区召开民法典宣传动员会".to_string()));
    // The frame: navigation, footer links, and the shell's own script tags kept.
    assert_eq!(
        texts(&home, ".channel-nav a"),
        ["首页", "普法动态", "以案释法"]
    );
    assert!(attrs(&home, "footer a", "href").contains(&"https://www.legalinfo.gov.cn/".to_string()));
    assert_eq!(attrs(&home, "script[src]", "src"), ["prefs.js"]);
    assert!(
        attrs(&home, "#boot", "data-prerendered").len() == 1,
        "the app knows it is taking over"
    );
    // The page needs no code to be read: the app's code is not preloaded
    // ahead of the page's own paint.
    assert!(attrs(&home, "link[rel=preload], link[rel=modulepreload]", "href").is_empty());

    let href = article_href(&home, "某区召开民法典宣传动员会");
    let id = href.trim_start_matches("/article/");
    let article = page(&dist, &format!("article/{id}.html"));
    assert_eq!(texts(&article, "h1"), ["某区召开民法典宣传动员会"]);
    assert_eq!(texts(&article, ".article-body h2"), ["一、会议内容"]);
    // Markup in content is text, never markup.
    assert!(texts(&article, ".article-body p").contains(&"第二段 <b>不是标签</b>。".to_string()));
    assert_eq!(
        texts(&article, ".breadcrumb a"),
        ["主页", "普法动态", "某区"]
    );
    assert_eq!(
        attrs(&article, ".breadcrumb a", "href"),
        ["/", "/channel/pufa", "/channel/qu"]
    );
    assert_eq!(texts(&article, ".article-meta time"), ["2024-01-05 09:00"]);
    // 跳到正文 stays on the page without JavaScript (not `#main` against
    // the shell's <base>, which is the home page).
    assert_eq!(
        attrs(&article, ".skip-link", "href"),
        [format!("{href}#main")]
    );
    assert_eq!(attrs(&home, ".skip-link", "href"), ["/#main"]);
    // 上一篇/下一篇 link to pages that exist as files too.
    for link in attrs(&article, ".prev-next a", "href") {
        let file = dist.join(format!("{}.html", link.trim_start_matches('/')));
        assert!(file.is_file(), "{link} has no page");
    }

    let second = page(&dist, "channel/pufa/2.html");
    assert_eq!(texts(&second, "h1"), ["普法动态"]);
    assert_eq!(texts(&second, "title"), ["普法动态（第2页） - 测试普法网"]);
    assert!(attrs(&second, ".pager a", "href").contains(&"/channel/pufa".to_string()));
    assert!(dist.join("channel/qu.html").is_file() && dist.join("channel/qu/2.html").is_file());
    assert!(!dist.join("channel/anli/2.html").exists());

    let map = page(&dist, "sitemap.html");
    assert_eq!(
        texts(&map, ".sitemap-channels a"),
        ["普法动态", "某区", "以案释法"]
    );
    let missing = page(&dist, "404.html");
    assert_eq!(texts(&missing, "h1"), ["页面未找到"]);
    assert_eq!(attrs(&missing, "meta[name=robots]", "content"), ["noindex"]);
    // The search page is the shell: it needs the app.
    assert_eq!(fs::read_to_string(dist.join("search.html")).unwrap(), SHELL);
}

#[test]
fn each_page_carries_its_metadata_in_the_first_response() {
    let dist = built("meta");
    render::render(&dist, None).unwrap();
    let home = page(&dist, "index.html");
    let href = article_href(&home, "某区民法典宣传进社区");
    let article = page(&dist, &format!("{}.html", href.trim_start_matches('/')));
    let url = format!("https://pufa.example.gov.cn{href}");
    assert_eq!(
        attrs(&article, "link[rel=canonical]", "href"),
        [url.as_str()]
    );
    assert_eq!(
        attrs(&article, "meta[property='og:url']", "content"),
        [url.as_str()]
    );
    assert_eq!(
        attrs(&article, "meta[name=SiteName]", "content"),
        ["测试普法网"]
    );
    assert_eq!(
        attrs(&article, "meta[name=SiteDomain]", "content"),
        ["pufa.example.gov.cn"]
    );
    assert_eq!(
        attrs(&article, "meta[name=ArticleTitle]", "content"),
        ["某区民法典宣传进社区"]
    );
    assert_eq!(
        attrs(&article, "meta[name=ColumnName]", "content"),
        ["某区"]
    );
    assert_eq!(
        texts(&article, "title"),
        ["某区民法典宣传进社区 - 测试普法网"]
    );
    // Only one title: the shell's own is replaced, not repeated.
    assert_eq!(texts(&article, "title").len(), 1);
    // The page's tags are marked, so the app can replace them when it takes over;
    // the shell's own (viewport) are not.
    assert!(attrs(&article, "link[rel=canonical]", "data-prerendered").len() == 1);
    assert!(attrs(&article, "meta[name=viewport]", "data-prerendered").is_empty());
    let channel = page(&dist, "channel/qu.html");
    assert_eq!(
        attrs(&channel, "meta[name=ColumnName]", "content"),
        ["某区"]
    );
    // JSON-LD on every kind of page, one block each.
    let ld = |doc: &Html| -> serde_json::Value {
        let blocks = texts(doc, "script[type='application/ld+json']");
        assert_eq!(blocks.len(), 1);
        serde_json::from_str(&blocks[0]).expect("JSON-LD parses")
    };
    assert_eq!(ld(&home)["@type"], "WebSite");
    assert_eq!(ld(&home)["url"], "https://pufa.example.gov.cn/");
    let second = page(&dist, "channel/qu/2.html");
    assert_eq!(ld(&second)["@graph"][0]["@type"], "CollectionPage");
    assert_eq!(
        ld(&second)["@graph"][0]["url"],
        "https://pufa.example.gov.cn/channel/qu/2"
    );
    assert_eq!(ld(&article)["@graph"][0]["@type"], "NewsArticle");
}

#[test]
fn a_hostile_title_stays_text_in_the_page_and_in_json_ld() {
    let dist = built("hostile");
    render::render(&dist, None).unwrap();
    let list = page(&dist, "channel/anli.html");
    let href = article_href(&list, HOSTILE);
    let src =
        fs::read_to_string(dist.join(format!("{}.html", href.trim_start_matches('/')))).unwrap();
    assert!(
        !src.contains("<script>alert"),
        "the title broke out as markup"
    );
    let doc = Html::parse_document(&src);
    assert_eq!(texts(&doc, "h1"), [HOSTILE]);
    // The scripts are the shell's two and the JSON-LD block, nothing else.
    assert_eq!(
        attrs(&doc, "script", "type"),
        ["module", "application/ld+json"]
    );
    let ld = texts(&doc, "script[type='application/ld+json']");
    let value: serde_json::Value = serde_json::from_str(&ld[0]).expect("JSON-LD parses");
    let headline = value["@graph"][0]["headline"].as_str().unwrap();
    assert_eq!(headline, HOSTILE);
}

#[test]
fn a_second_run_replaces_the_pages_of_the_first() {
    let dist = built("again");
    render::render(&dist, None).unwrap();
    fs::write(dist.join("article/gone.html"), "an article deleted since").unwrap();
    let again = render::render(&dist, None).unwrap();
    assert_eq!(again.articles, 5);
    assert!(!dist.join("article/gone.html").exists());
}

#[test]
fn a_build_without_a_shell_is_refused_with_the_reason() {
    let dist = built("noshell");
    fs::remove_file(dist.join(render::SHELL)).unwrap();
    let e = render::render(&dist, None).unwrap_err();
    assert!(e.contains("shell.html"), "{e}");
}

#[test]
fn the_pages_are_the_same_on_one_thread_or_several() {
    let dist = built("jobs");
    let read_all = |dist: &Path| -> Vec<(String, String)> {
        let mut pages: Vec<(String, String)> = fs::read_dir(dist.join("article"))
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                (p.display().to_string(), fs::read_to_string(&p).unwrap())
            })
            .collect();
        pages.sort();
        pages
    };
    render::render(&dist, Some(1)).unwrap();
    let one = read_all(&dist);
    let r = render::render(&dist, Some(3)).unwrap();
    assert_eq!(r.articles, 5);
    assert_eq!(read_all(&dist), one);
}
