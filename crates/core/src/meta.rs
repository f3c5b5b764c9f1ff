//! Page metadata (issue #5): the meta tags Chinese government article pages
//! carry, OpenGraph, and schema.org JSON-LD. Built as values with serde,
//! never by pasting data into markup.

use serde_json::{json, Value};

use crate::date::{format_iso, format_minute};
use crate::model::Bulletin;
use crate::store::Catalog;
use crate::trail::{article_trail, Target};

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

/// The government article meta tags (`<meta name=… content=…>`), in the
/// order such pages usually list them.
pub fn government_tags(
    catalog: &Catalog,
    b: &Bulletin,
    root: &SiteRoot,
) -> Vec<(&'static str, String)> {
    vec![
        ("SiteName", catalog.site.name.clone()),
        ("SiteDomain", root.home()),
        ("ColumnName", catalog.channel_name(&b.channel).to_string()),
        ("ArticleTitle", b.title.clone()),
        ("PubDate", format_minute(&b.published)),
        (
            "ContentSource",
            b.source
                .clone()
                .unwrap_or_else(|| catalog.site.name.clone()),
        ),
        ("Keywords", keywords(catalog, b)),
        ("Description", description(b)),
        ("Url", root.article(&b.id)),
    ]
}

/// schema.org `NewsArticle` and `BreadcrumbList` of an article page.
pub fn article_json_ld(catalog: &Catalog, b: &Bulletin, root: &SiteRoot) -> Value {
    let url = root.article(&b.id);
    let crumbs: Vec<Value> = article_trail(catalog, &b.channel)
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let item = match &c.target {
                Some(t) => root.target(t),
                None => url.clone(),
            };
            json!({ "@type": "ListItem", "position": i + 1, "name": c.label, "item": item })
        })
        .collect();
    let publisher = json!({
        "@type": "Organization",
        "name": catalog.site.name,
        "logo": { "@type": "ImageObject", "url": root.logo() },
    });
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
            { "@type": "BreadcrumbList", "itemListElement": crumbs },
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
        }
    }

    #[test]
    fn government_tags_of_the_seed() {
        let (store, root) = setup();
        let b = store.bulletin(SEED).unwrap();
        let tags = government_tags(&store.catalog, b, &root);
        let get = |k: &str| tags.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("SiteName"), Some("新洲区普法网"));
        assert_eq!(get("ColumnName"), Some("新洲区"));
        assert_eq!(
            get("ArticleTitle"),
            Some("新洲区委办公室“七五”普法工作总结")
        );
        assert_eq!(get("PubDate"), Some("2021-07-26 09:33"));
        // The seed names no source: the site stands as the publisher.
        assert_eq!(get("ContentSource"), Some("新洲区普法网"));
        assert_eq!(get("Keywords"), Some("普法动态,新洲区,普法"));
        assert_eq!(
            get("Url"),
            Some("https://pufa.example.cn/pufa/article/2021-xinzhou-qiwu-zongjie")
        );
        assert!(get("Description").unwrap().starts_with("根据中央、省、市"));
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
