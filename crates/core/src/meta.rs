//! Page metadata (issue #5): the meta tags Chinese government article pages
//! carry, OpenGraph, and schema.org JSON-LD. Built as values with serde,
//! never by pasting data into markup.

use serde_json::{json, Value};

use crate::date::{format_iso, format_minute};
use crate::model::{Bulletin, Site};
use crate::store::Catalog;
use crate::trail::{article_trail, channel_trail, Crumb, Target};

/// Where the site lives: `https://host/pufa` (origin + base path, no
/// trailing slash) for absolute URLs, or just the base path (`""`, `/pufa`)
/// for links. The one place the shape of every page's URL is decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteRoot(pub String);

impl SiteRoot {
    pub fn home(&self) -> String {
        format!("{}/", self.0)
    }
    pub fn article(&self, id: &str) -> String {
        format!("{}/article/{id}", self.0)
    }
    pub fn channel(&self, id: &str) -> String {
        self.channel_page(id, 1)
    }
    /// Page 1 of a channel has the short URL; later pages add the number.
    pub fn channel_page(&self, id: &str, page: usize) -> String {
        if page <= 1 {
            format!("{}/channel/{id}", self.0)
        } else {
            format!("{}/channel/{id}/{page}", self.0)
        }
    }
    /// The search page; `query` is a query string without `?` (may be empty).
    pub fn search(&self, query: &str) -> String {
        if query.is_empty() {
            format!("{}/search", self.0)
        } else {
            format!("{}/search?{query}", self.0)
        }
    }
    /// 网站地图, the generated list of every channel.
    pub fn sitemap(&self) -> String {
        format!("{}/sitemap", self.0)
    }
    pub fn target(&self, t: &Target) -> String {
        match t {
            Target::Home => self.home(),
            Target::Channel(id) => self.channel(id),
        }
    }
    pub fn logo(&self) -> String {
        format!("{}/icons/icon-512.png", self.0)
    }
}

/// A bulletin's description: its first paragraph, cut.
pub fn description(b: &Bulletin) -> String {
    b.summary(120)
}

/// Keywords: the channel path and the site's theme; bulletins carry no
/// keywords of their own.
pub fn keywords(catalog: &Catalog, b: &Bulletin) -> String {
    let mut words: Vec<String> = catalog
        .channel_path(&b.channel)
        .iter()
        .map(|c| c.name.clone())
        .collect();
    words.push("普法".to_string());
    words.dedup();
    words.join(",")
}

/// What an article shows as 来源 when its file names none.
pub const UNKNOWN_SOURCE: &str = "未注明";

/// The 来源 of an article as the page shows it, and as `ContentSource`
/// says it: the two always agree.
pub fn source_label(b: &Bulletin) -> String {
    b.source
        .clone()
        .unwrap_or_else(|| UNKNOWN_SOURCE.to_string())
}

/// Scheme and `host[:port]` of an absolute `http(s)://` address, lower
/// case, without user info; `None` for anything else.
fn scheme_and_authority(url: &str) -> Option<(&'static str, String)> {
    crate::url::check_url(url).ok()?;
    let lower = url.to_ascii_lowercase();
    let (scheme, rest) = if let Some(rest) = lower.strip_prefix("https://") {
        ("https", rest)
    } else {
        ("http", lower.strip_prefix("http://")?)
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    (!host_port.is_empty()).then(|| (scheme, host_port.to_string()))
}

/// The bare domain of a site address (`https://pufa.xinzhou.gov.cn/x` →
/// `pufa.xinzhou.gov.cn`): no scheme, user, port or path. `None` for
/// anything but an absolute `http(s)://` address with a host.
pub fn site_domain(url: &str) -> Option<String> {
    let (_, host_port) = scheme_and_authority(url)?;
    let host = if host_port.starts_with('[') {
        host_port.split_inclusive(']').next()?
    } else {
        host_port.split(':').next()?
    };
    let host = host.trim_end_matches('.');
    (!host.is_empty()).then(|| host.to_string())
}

/// The origin of a site address (`https://pufa.xinzhou.gov.cn:8443/x` →
/// `https://pufa.xinzhou.gov.cn:8443`), for absolute URLs of pre-rendered
/// pages. `None` for anything but an absolute `http(s)://` address.
pub fn site_origin(url: &str) -> Option<String> {
    let (scheme, host_port) = scheme_and_authority(url)?;
    Some(format!("{scheme}://{host_port}"))
}

/// The tags inspectors read on every page: `SiteName`, `SiteDomain` (when
/// the site's address is set) and `SiteIDCode` (when the 网站标识码 is).
pub fn site_tags(site: &Site) -> Vec<(&'static str, String)> {
    let mut tags = vec![("SiteName", site.name.clone())];
    if let Some(domain) = site.url.as_deref().and_then(site_domain) {
        tags.push(("SiteDomain", domain));
    }
    if let Some(code) = &site.identity.site_code {
        tags.push(("SiteIDCode", code.clone()));
    }
    tags
}

/// A channel list's description: the channel's own when set, else one
/// sentence naming the site and the channel.
pub fn column_description(catalog: &Catalog, id: &str) -> String {
    match catalog.channel(id).and_then(|c| c.description.clone()) {
        Some(d) => d,
        None => format!(
            "{}「{}」栏目文章列表。",
            catalog.site.name,
            catalog.channel_name(id)
        ),
    }
}

/// A channel's keywords: its own when set, else the channel path and the
/// site's theme (as for its articles).
pub fn column_keywords(catalog: &Catalog, id: &str) -> String {
    match catalog.channel(id) {
        Some(c) if !c.keywords.is_empty() => c.keywords.join(","),
        _ => {
            let mut words: Vec<String> = catalog
                .channel_path(id)
                .iter()
                .map(|c| c.name.clone())
                .collect();
            words.push("普法".to_string());
            words.dedup();
            words.join(",")
        }
    }
}

/// The channel tags of a channel list page: `ColumnName`,
/// `ColumnDescription`, `ColumnKeywords`, `ColumnType` (栏目类别, the
/// channel's or its parent's setting, 信息发布 by default).
pub fn column_tags(catalog: &Catalog, id: &str) -> Vec<(&'static str, String)> {
    let column_type = catalog
        .channel(id)
        .map_or(crate::model::DEFAULT_COLUMN_TYPE, |c| {
            c.column_type.as_str()
        })
        .to_string();
    vec![
        ("ColumnName", catalog.channel_name(id).to_string()),
        ("ColumnDescription", column_description(catalog, id)),
        ("ColumnKeywords", column_keywords(catalog, id)),
        ("ColumnType", column_type),
    ]
}

/// The government article meta tags (`<meta name=… content=…>`), in the
/// order such pages usually list them. The site tags (`SiteName`, …) are
/// the frame's, on every page ([`site_tags`]).
pub fn government_tags(
    catalog: &Catalog,
    b: &Bulletin,
    root: &SiteRoot,
) -> Vec<(&'static str, String)> {
    vec![
        ("ColumnName", catalog.channel_name(&b.channel).to_string()),
        ("ArticleTitle", b.title.clone()),
        ("PubDate", format_minute(&b.published)),
        ("ContentSource", source_label(b)),
        ("Keywords", keywords(catalog, b)),
        ("Description", description(b)),
        ("Url", root.article(&b.id)),
    ]
}

/// JSON for the inside of a `<script type="application/ld+json">`: `<`, `>`
/// and `&` are written as `\u003c`, `\u003e`, `\u0026` (the same JSON to a
/// reader of it), so a title holding `</script>` cannot end the element in
/// pre-rendered HTML, where script text is not escaped.
pub fn script_json(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A schema.org `BreadcrumbList` of a trail; the last crumb is `here`.
fn breadcrumb_list(crumbs: Vec<Crumb>, here: &str, root: &SiteRoot) -> Value {
    let items: Vec<Value> = crumbs
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let item = match &c.target {
                Some(t) => root.target(t),
                None => here.to_string(),
            };
            json!({ "@type": "ListItem", "position": i + 1, "name": c.label, "item": item })
        })
        .collect();
    json!({ "@type": "BreadcrumbList", "itemListElement": items })
}

fn publisher(catalog: &Catalog, root: &SiteRoot) -> Value {
    json!({
        "@type": "Organization",
        "name": catalog.site.name,
        "logo": { "@type": "ImageObject", "url": root.logo() },
    })
}

/// schema.org `NewsArticle` and `BreadcrumbList` of an article page.
pub fn article_json_ld(catalog: &Catalog, b: &Bulletin, root: &SiteRoot) -> Value {
    let url = root.article(&b.id);
    let publisher = publisher(catalog, root);
    let author = match &b.source {
        Some(s) => json!({ "@type": "Organization", "name": s }),
        None => publisher.clone(),
    };
    json!({
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "NewsArticle",
                "headline": b.title,
                "description": description(b),
                "datePublished": format_iso(&b.published),
                "inLanguage": "zh-CN",
                "articleSection": catalog.channel_name(&b.channel),
                "url": url,
                "mainEntityOfPage": url,
                "image": [root.logo()],
                "author": author,
                "publisher": publisher,
            },
            breadcrumb_list(article_trail(catalog, &b.channel), &url, root),
        ],
    })
}

/// schema.org `WebSite` of the home page, with the site search as its
/// `SearchAction` (search engines may offer a search box for it).
pub fn home_json_ld(catalog: &Catalog, root: &SiteRoot) -> Value {
    json!({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": catalog.site.name,
        "description": catalog.site.description,
        "url": root.home(),
        "inLanguage": "zh-CN",
        "publisher": publisher(catalog, root),
        "potentialAction": {
            "@type": "SearchAction",
            "target": root.search("q={search_term_string}"),
            "query-input": "required name=search_term_string",
        },
    })
}

/// schema.org `CollectionPage` and `BreadcrumbList` of a channel's list page.
pub fn channel_json_ld(catalog: &Catalog, id: &str, page: usize, root: &SiteRoot) -> Value {
    let url = root.channel_page(id, page);
    json!({
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "CollectionPage",
                "name": catalog.channel_name(id),
                "description": column_description(catalog, id),
                "url": url,
                "inLanguage": "zh-CN",
                "isPartOf": { "@type": "WebSite", "name": catalog.site.name, "url": root.home() },
            },
            breadcrumb_list(channel_trail(catalog, id), &url, root),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    const SITE: &str = include_str!("../../../tests/fixtures/json/site.json");
    const BULLETINS: &str = include_str!("../../../tests/fixtures/json/bulletins.json");
    const SEED: &str = "2021-xinzhou-qiwu-zongjie";

    fn setup() -> (Store, SiteRoot) {
        (
            Store::from_json(SITE, BULLETINS).unwrap(),
            SiteRoot("https://pufa.example.cn/pufa".into()),
        )
    }

    #[test]
    fn home_and_channel_pages_describe_themselves() {
        let (store, root) = setup();
        let catalog = &store.catalog;
        let home = home_json_ld(catalog, &root);
        assert_eq!(home["@type"], "WebSite");
        assert_eq!(home["url"], "https://pufa.example.cn/pufa/");
        assert_eq!(
            home["potentialAction"]["target"],
            "https://pufa.example.cn/pufa/search?q={search_term_string}"
        );
        let list = channel_json_ld(catalog, "xinzhou", 2, &root);
        assert_eq!(list["@graph"][0]["@type"], "CollectionPage");
        assert_eq!(list["@graph"][0]["name"], "新洲区");
        assert_eq!(
            list["@graph"][0]["url"],
            "https://pufa.example.cn/pufa/channel/xinzhou/2"
        );
        let crumbs = list["@graph"][1]["itemListElement"].as_array().unwrap();
        assert_eq!(
            crumbs.first().unwrap()["item"],
            "https://pufa.example.cn/pufa/"
        );
        assert_eq!(
            crumbs.last().unwrap()["item"],
            "https://pufa.example.cn/pufa/channel/xinzhou/2"
        );
    }

    #[test]
    fn url_shapes_with_and_without_a_base_path() {
        for (base, prefix) in [
            ("", ""),
            ("/pufa", "/pufa"),
            ("https://a.cn", "https://a.cn"),
        ] {
            let r = SiteRoot(base.into());
            assert_eq!(r.home(), format!("{prefix}/"));
            assert_eq!(r.channel("xinzhou"), format!("{prefix}/channel/xinzhou"));
            assert_eq!(
                r.channel_page("xinzhou", 1),
                format!("{prefix}/channel/xinzhou")
            );
            assert_eq!(
                r.channel_page("xinzhou", 2),
                format!("{prefix}/channel/xinzhou/2")
            );
            assert_eq!(r.article("a1"), format!("{prefix}/article/a1"));
            assert_eq!(r.search(""), format!("{prefix}/search"));
            assert_eq!(
                r.search("q=%E6%B3%95"),
                format!("{prefix}/search?q=%E6%B3%95")
            );
            assert_eq!(r.target(&Target::Home), format!("{prefix}/"));
            assert_eq!(r.sitemap(), format!("{prefix}/sitemap"));
        }
    }

    #[test]
    fn government_tags_of_the_seed() {
        let (store, root) = setup();
        let b = store.bulletin(SEED).unwrap();
        let tags = government_tags(&store.catalog, b, &root);
        let get = |k: &str| tags.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        // The site's own tags are the frame's, not repeated here.
        assert_eq!(get("SiteName"), None);
        assert_eq!(get("ColumnName"), Some("新洲区"));
        assert_eq!(
            get("ArticleTitle"),
            Some("新洲区委办公室“七五”普法工作总结")
        );
        assert_eq!(get("PubDate"), Some("2021-07-26 09:33"));
        // The seed names no source: the tag says what the page shows.
        assert_eq!(get("ContentSource"), Some("未注明"));
        let mut with = b.clone();
        with.source = Some("新洲区司法局".into());
        let tags = government_tags(&store.catalog, &with, &root);
        assert!(tags.contains(&("ContentSource", "新洲区司法局".into())));
        assert_eq!(get("Keywords"), Some("普法动态,新洲区,普法"));
        assert_eq!(
            get("Url"),
            Some("https://pufa.example.cn/pufa/article/2021-xinzhou-qiwu-zongjie")
        );
        assert!(get("Description").unwrap().starts_with("根据中央、省、市"));
    }

    #[test]
    fn site_origin_is_scheme_host_and_port() {
        for (url, want) in [
            (
                "https://pufa.xinzhou.gov.cn/pufa",
                Some("https://pufa.xinzhou.gov.cn"),
            ),
            (
                "HTTP://WWW.Example.GOV.cn:8080/pufa/?a#b",
                Some("http://www.example.gov.cn:8080"),
            ),
            ("https://user@host.cn/x", Some("https://host.cn")),
            ("https://[::1]:8443/", Some("https://[::1]:8443")),
            ("/pufa", None),
            ("javascript:alert(1)", None),
        ] {
            assert_eq!(site_origin(url).as_deref(), want, "{url}");
        }
    }

    #[test]
    fn site_domain_is_the_bare_host() {
        for (url, want) in [
            ("https://pufa.xinzhou.gov.cn", Some("pufa.xinzhou.gov.cn")),
            ("https://pufa.xinzhou.gov.cn/", Some("pufa.xinzhou.gov.cn")),
            (
                "HTTP://WWW.Example.GOV.cn:8080/pufa/?a#b",
                Some("www.example.gov.cn"),
            ),
            ("https://user@host.cn/x", Some("host.cn")),
            ("https://[::1]:8443/", Some("[::1]")),
            ("/pufa", None),
            ("javascript:alert(1)", None),
            ("pufa.xinzhou.gov.cn", None),
        ] {
            assert_eq!(site_domain(url).as_deref(), want, "{url}");
        }
    }

    #[test]
    fn site_and_column_tags() {
        let (store, _) = setup();
        let mut site = store.catalog.site.clone();
        assert_eq!(
            site_tags(&site),
            vec![("SiteName", "新洲区普法网".to_string())]
        );
        site.url = Some("https://pufa.example.gov.cn/pufa".into());
        site.identity.site_code = Some("4201170000".into());
        assert_eq!(
            site_tags(&site),
            vec![
                ("SiteName", "新洲区普法网".to_string()),
                ("SiteDomain", "pufa.example.gov.cn".to_string()),
                ("SiteIDCode", "4201170000".to_string()),
            ]
        );
        let tags = column_tags(&store.catalog, "xinzhou");
        assert_eq!(
            tags,
            vec![
                ("ColumnName", "新洲区".to_string()),
                (
                    "ColumnDescription",
                    "新洲区普法网「新洲区」栏目文章列表。".to_string()
                ),
                ("ColumnKeywords", "普法动态,新洲区,普法".to_string()),
                ("ColumnType", "信息发布".to_string()),
            ]
        );
    }

    #[test]
    fn json_ld_is_structured_data_not_pasted_text() {
        let (store, root) = setup();
        let mut b = store.bulletin(SEED).unwrap().clone();
        b.title = "标题\"</script><script>alert(1)</script>".into();
        let v = article_json_ld(&store.catalog, &b, &root);
        let text = serde_json::to_string(&v).unwrap();
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["@graph"][0]["headline"], b.title.as_str());
        assert_eq!(
            back["@graph"][0]["datePublished"],
            "2021-07-26T09:33:00+08:00"
        );
        let names: Vec<&str> = back["@graph"][1]["itemListElement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["主页", "普法动态", "新洲区", "正文"]);
        assert_eq!(
            back["@graph"][1]["itemListElement"][1]["item"],
            "https://pufa.example.cn/pufa/channel/pufa"
        );
    }
}
