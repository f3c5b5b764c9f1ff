//! The compiled data tree: what `pufa build` writes and the app reads, one
//! small file per page, so that showing a page never costs the archive.
//!
//! ```text
//! data/version.json                  which version is current (revalidated on every navigation)
//! data/v/<version>/site.json         site, channels, links, settings
//! data/v/<version>/home.json         the home page's lists
//! data/v/<version>/list/<ch>/<n>.json  page n of a channel's list
//! data/v/<version>/article/<id>.json   one bulletin with 上一篇/下一篇 and 相关文章
//! data/v/<version>/search/…          the search index in pieces (`search::pieces`):
//!                                    meta.json, k/ and p/ buckets, card/ blocks,
//!                                    chan/, dates.bin, views.bin, own.bin
//! data/v/<version>/manifest.json     every file with its SHA-256, and the ids
//! ```
//!
//! Every file below `v/<version>/` is immutable: a publish writes a new
//! version directory and then flips `version.json`, so a CDN may cache them
//! for a year, and a page that reads all its files from one version can
//! never be assembled from two. The types here are shared by the writer
//! (crates/cli) and the reader (the app), so the two cannot drift; the
//! bulletin and site parts keep the shapes of `bulletins.json` and
//! `site.json` and go through the same validation.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{json, Value};

use crate::decode::{decode_bulletin_at, serde_message, serde_position};
use crate::error::DataError;
use crate::model::{Block, Bulletin, Channel, Identity, SiteData};
use crate::store::Catalog;

/// The layout and meaning of the compiled files. An app that meets another
/// format asks the reader to update instead of misreading the data; raise
/// it whenever a file changes in a way an older app cannot read.
/// 2: `search.json` (the whole archive) replaced by the index in pieces.
/// 3: `site.json` may carry `site.url`, `site.identity` and the channels'
/// `description`, `keywords` and `column_type` (issue #14).
pub const FORMAT: u32 = 3;

/// The one file that is never cached: it names the current version.
pub const VERSION_FILE: &str = "version.json";

/// `data/version.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataVersion {
    pub format: u32,
    /// Hex digest of the version's contents: the same content gives the
    /// same version, so a rebuild without changes invalidates nothing.
    pub version: String,
}

impl DataVersion {
    /// The path of a file of this version, relative to `data/`.
    pub fn file(&self, name: &str) -> String {
        format!("v/{}/{name}", self.version)
    }

    /// Whether a version string is safe to put in a path (it comes from
    /// the network).
    pub fn is_well_formed(&self) -> bool {
        !self.version.is_empty()
            && self.version.len() <= 64
            && self.version.bytes().all(|b| b.is_ascii_hexdigit())
    }
}

pub const SITE: &str = "site.json";
pub const HOME: &str = "home.json";
pub const MANIFEST: &str = "manifest.json";

pub fn list_file(channel: &str, page: usize) -> String {
    format!("list/{channel}/{page}.json")
}

pub fn article_file(id: &str) -> String {
    format!("article/{id}.json")
}

/// One row of a list: what a list shows, never a body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub channel: String,
    #[serde(deserialize_with = "crate::date::deserialize_rfc3339")]
    pub published: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sample: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub views: Option<u64>,
    /// The first paragraph, cut; only channel lists carry it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// How long a list summary is, in characters.
pub const SUMMARY_CHARS: usize = 90;

impl Entry {
    pub fn new(b: &Bulletin, with_summary: bool) -> Entry {
        Entry {
            id: b.id.clone(),
            title: b.title.clone(),
            channel: b.channel.clone(),
            published: b.published,
            sample: b.sample,
            views: b.views,
            summary: with_summary.then(|| b.summary(SUMMARY_CHARS)),
        }
    }
}

/// 上一篇/下一篇: enough to link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeighbourRef {
    pub id: String,
    pub title: String,
}

/// `home.json`: the newest bulletins, then a few of each top channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HomeFile {
    pub newest: Vec<Entry>,
    pub sections: Vec<HomeSection>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HomeSection {
    pub channel: String,
    pub items: Vec<Entry>,
}

/// `list/<channel>/<n>.json`: one page of a channel, sub-channels included.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListFile {
    pub channel: String,
    pub page: usize,
    pub pages: usize,
    pub total: usize,
    pub items: Vec<Entry>,
}

/// `article/<id>.json`, decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleFile {
    pub bulletin: Bulletin,
    /// Published just before, in the same channel.
    pub prev: Option<NeighbourRef>,
    /// Published just after, in the same channel.
    pub next: Option<NeighbourRef>,
    pub related: Vec<Entry>,
}

#[derive(Deserialize)]
struct RawArticleFile<'a> {
    #[serde(borrow)]
    bulletin: &'a RawValue,
    #[serde(default)]
    prev: Option<NeighbourRef>,
    #[serde(default)]
    next: Option<NeighbourRef>,
    #[serde(default)]
    related: Vec<Entry>,
}

/// Decode a compiled JSON file into `T`; errors name `file`.
pub fn decode<'a, T: Deserialize<'a>>(file: &str, src: &'a str) -> Result<T, DataError> {
    serde_json::from_str(src).map_err(|e| {
        let (line, col) = serde_position(src, 0, &e);
        DataError::new(file, "", serde_message(&e)).at(line, col)
    })
}

/// Decode an article file; the bulletin passes the same checks as in any
/// other source.
pub fn decode_article(file: &str, src: &str, catalog: &Catalog) -> Result<ArticleFile, DataError> {
    let raw: RawArticleFile = decode(file, src)?;
    let ids = catalog.channel_ids();
    let bulletin = decode_bulletin_at(file, src, raw.bulletin, "bulletin", &ids)?;
    Ok(ArticleFile {
        bulletin,
        prev: raw.prev,
        next: raw.next,
        related: raw.related,
    })
}

/// The readable text of an article file's body, its blocks joined by
/// spaces: what a search result's snippet is cut from (the search worker
/// reads it, without the site's channel list that [`decode_article`]
/// checks against). Each block gives what [`crate::Block::text`] gives:
/// a heading's or paragraph's text, a list's items one per line, an
/// image's alt text.
pub fn article_text(file: &str, src: &str) -> Result<String, DataError> {
    #[derive(Deserialize)]
    struct TextFile {
        bulletin: TextBulletin,
    }
    #[derive(Deserialize)]
    struct TextBulletin {
        body: Vec<TextBlock>,
    }
    /// Any block: only its readable parts (a block has one of the three).
    #[derive(Deserialize)]
    struct TextBlock {
        #[serde(default)]
        text: String,
        #[serde(default)]
        items: Vec<String>,
        #[serde(default)]
        alt: String,
    }
    let raw: TextFile = decode(file, src)?;
    let blocks: Vec<String> = raw
        .bulletin
        .body
        .into_iter()
        .map(|b| {
            let mut t = b.text;
            t.push_str(&b.items.join("\n"));
            t.push_str(&b.alt);
            t
        })
        .collect();
    Ok(blocks.join(" "))
}

/// A bulletin in the shape of a `bulletins.json` element.
pub fn encode_bulletin(b: &Bulletin) -> Value {
    let body: Vec<Value> = b
        .body
        .iter()
        .map(|block| match block {
            Block::Heading(t) => json!({ "type": "heading", "text": t }),
            Block::Paragraph(t) => json!({ "type": "paragraph", "text": t }),
            Block::List { ordered, items } => {
                json!({ "type": "list", "ordered": ordered, "items": items })
            }
            Block::Image { src, alt } => json!({ "type": "image", "src": src, "alt": alt }),
        })
        .collect();
    let mut v = json!({
        "id": b.id,
        "title": b.title,
        "channel": b.channel,
        "published": b.published.to_rfc3339(),
        "source": b.source,
        "views": b.views,
        "body": body,
    });
    if b.sample {
        v["sample"] = json!(true);
    }
    v
}

/// The site in the shape of `site.json` (read back by [`crate::decode_site`]).
pub fn encode_site(data: &SiteData) -> Value {
    fn channel(c: &Channel) -> Value {
        let mut v = json!({ "id": c.id, "name": c.name });
        if !c.children.is_empty() {
            v["children"] = c.children.iter().map(channel).collect();
        }
        if let Some(d) = &c.description {
            v["description"] = json!(d);
        }
        if !c.keywords.is_empty() {
            v["keywords"] = json!(c.keywords);
        }
        if let Some(t) = &c.column_type {
            v["column_type"] = json!(t);
        }
        v
    }
    let mut site = json!({
        "name": data.site.name,
        "description": data.site.description,
        "per_page": data.site.per_page,
    });
    if let Some(c) = &data.site.counter {
        site["counter"] = json!(c);
    }
    if !data.site.leave_notice {
        site["leave_notice"] = json!(false);
    }
    if let Some(u) = &data.site.url {
        site["url"] = json!(u);
    }
    if !data.site.identity.is_empty() {
        site["identity"] = encode_identity(&data.site.identity);
    }
    json!({
        "site": site,
        "channels": data.channels.iter().map(channel).collect::<Vec<_>>(),
        "links": data.links.iter().map(|l| json!({ "name": l.name, "url": l.url })).collect::<Vec<_>>(),
    })
}

/// `site.identity` in the shape `decode_site` reads (and `site.toml`
/// writes): only the items that are set.
pub fn encode_identity(id: &Identity) -> Value {
    let mut v = serde_json::Map::new();
    let mut put = |key: &str, value: &Option<String>| {
        if let Some(x) = value {
            v.insert(key.to_string(), json!(x));
        }
    };
    put("sponsor", &id.sponsor);
    put("organizer", &id.organizer);
    put("phone", &id.phone);
    put("address", &id.address);
    put("email", &id.email);
    put("site_code", &id.site_code);
    put("icp", &id.icp);
    put("police", &id.police);
    put("police_emblem", &id.police_emblem);
    put(
        "dangzheng_image",
        &id.dangzheng.as_ref().map(|b| b.image.clone()),
    );
    put(
        "dangzheng_url",
        &id.dangzheng.as_ref().map(|b| b.url.clone()),
    );
    put("jiucuo_url", &id.jiucuo_url);
    put("contact_url", &id.contact.as_ref().map(|l| l.url.clone()));
    put("contact_name", &id.contact.as_ref().map(|l| l.name.clone()));
    Value::Object(v)
}

/// An article file's JSON.
pub fn encode_article(
    b: &Bulletin,
    prev: Option<&Bulletin>,
    next: Option<&Bulletin>,
    related: &[Entry],
) -> Value {
    let link = |o: Option<&Bulletin>| {
        o.map(|o| NeighbourRef {
            id: o.id.clone(),
            title: o.title.clone(),
        })
    };
    json!({
        "bulletin": encode_bulletin(b),
        "prev": link(prev),
        "next": link(next),
        "related": related,
    })
}
