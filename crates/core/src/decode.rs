//! Decoding and validating the JSON data files.
//!
//! The files are written by office staff, so every mistake must come back as
//! a message that says which file, which field and which line to fix. Each
//! array element is kept as a borrowed raw slice first; its byte offset in the
//! file gives the line of the element, and serde errors inside it are moved
//! from element-relative to file-relative positions.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::date::parse_published;
use crate::error::DataError;
use crate::model::{Block, Bulletin, Channel, Link, Site, SiteData, DEFAULT_PER_PAGE};
use crate::store::Catalog;

/// Largest list page size a site file may ask for.
pub const MAX_PER_PAGE: usize = 100;
use crate::url::{check_endpoint, check_url};

pub const SITE_FILE: &str = "site.json";
pub const BULLETINS_FILE: &str = "bulletins.json";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSiteFile<'a> {
    site: RawSite,
    #[serde(borrow)]
    channels: Vec<&'a RawValue>,
    #[serde(borrow)]
    links: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    counter: Option<String>,
    #[serde(default)]
    per_page: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChannel<'a> {
    id: String,
    name: String,
    #[serde(default, borrow)]
    children: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLink {
    name: String,
    url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBulletinsFile<'a> {
    #[serde(borrow)]
    bulletins: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBulletin {
    id: String,
    title: String,
    channel: String,
    published: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    views: Option<u64>,
    #[serde(default)]
    sample: bool,
    body: Vec<RawBlock>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
enum RawBlock {
    Heading {
        text: String,
    },
    Paragraph {
        text: String,
    },
    List {
        #[serde(default)]
        ordered: bool,
        items: Vec<String>,
    },
    Image {
        src: String,
        alt: String,
    },
}

/// Where in a file a raw element sits, for error messages.
struct Spot<'a> {
    file: &'a str,
    src: &'a str,
}

impl<'a> Spot<'a> {
    /// Byte offset of `raw` inside the whole file text.
    fn offset(&self, raw: &RawValue) -> usize {
        let start = raw.get().as_ptr() as usize;
        let base = self.src.as_ptr() as usize;
        start.saturating_sub(base).min(self.src.len())
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.src[..floor_char_boundary(self.src, offset)];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    /// An error at the element `raw`, pointing at its `key` when present.
    fn error(&self, raw: &RawValue, field: String, key: &str, message: String) -> DataError {
        let mut offset = self.offset(raw);
        if let Some(pos) = find_key(raw.get(), key) {
            offset += pos;
        }
        let (line, col) = self.line_col(offset);
        DataError::new(self.file, field, message).at(line, col)
    }

    /// Deserialize one element, with serde's position moved into the file.
    fn parse<'r, T: Deserialize<'r>>(
        &self,
        raw: &'r RawValue,
        field: &str,
    ) -> Result<T, DataError> {
        serde_json::from_str(raw.get()).map_err(|e| {
            let (line, col) = serde_position(self.src, self.offset(raw), &e);
            DataError::new(self.file, field, serde_message(&e)).at(line, col)
        })
    }
}

/// File line and character column of a serde error raised while reading
/// `src[base..]`. serde counts columns in bytes; an operator's editor counts
/// characters, so the position is recomputed from the byte offset.
pub(crate) fn serde_position(src: &str, base: usize, e: &serde_json::Error) -> (usize, usize) {
    let part = &src[floor_char_boundary(src, base)..];
    let line_start: usize = part
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let at = floor_char_boundary(src, (base + line_start + e.column()).min(src.len()));
    let before = &src[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    (line, col.max(1))
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte position of `"key"` used as an object key in a JSON object text.
/// Values cannot contain an unescaped quote, so the first `"key"` followed by
/// a colon that is not preceded by a backslash is the key itself.
fn find_key(obj: &str, key: &str) -> Option<usize> {
    if key.is_empty() {
        return None;
    }
    let needle = format!("\"{key}\"");
    let mut from = 0;
    while let Some(found) = obj[from..].find(&needle) {
        let at = from + found;
        let escaped = at > 0 && obj.as_bytes()[at - 1] == b'\\';
        let after = obj[at + needle.len()..].trim_start();
        if !escaped && after.starts_with(':') {
            return Some(at);
        }
        from = at + needle.len();
    }
    None
}

/// serde_json's message without its own " at line X column Y" tail, which
/// would be relative to the element, with the common cases in Chinese.
pub(crate) fn serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    if let Some(rest) = text.strip_prefix("missing field ") {
        return format!("缺少字段 {rest}");
    }
    if let Some(rest) = text.strip_prefix("unknown field ") {
        let name = rest.split(',').next().unwrap_or(rest);
        return format!("不认识的字段 {name}（拼写是否有误？）");
    }
    if text.starts_with("invalid type") {
        return format!("类型不对：{text}");
    }
    if text.starts_with("unknown variant") {
        return format!("正文段落的 type 只能是 heading、paragraph、list 或 image：{text}");
    }
    format!("JSON 格式错误：{text}")
}

/// Ids end up in URLs and file names: keep them to characters that need no
/// escaping, and to a length every file system and the counter accept.
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("id 为空".into());
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!("id“{id}”只能包含英文字母、数字、- 和 _"));
    }
    if id.len() > MAX_ID_LEN {
        return Err(format!("id“{id}”太长：最多 {MAX_ID_LEN} 个字符"));
    }
    Ok(())
}

/// Longest id accepted (the view counter refuses longer ones).
pub const MAX_ID_LEN: usize = 128;

/// Where a compiled image may point: a file the build copied into
/// `media/`, named with letters, digits, `.`, `-` and `_` only. Nothing
/// else (no scheme, no `..`, no query) ever reaches an `<img src>`.
pub fn check_media_src(src: &str) -> Result<(), String> {
    let ok = src.strip_prefix("media/").is_some_and(|name| {
        !name.is_empty()
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    });
    if ok {
        Ok(())
    } else {
        Err(format!("图片地址“{src}”无效：应为构建生成的 media/文件名"))
    }
}

fn whole_file<'a, T: Deserialize<'a>>(file: &str, src: &'a str) -> Result<T, DataError> {
    serde_json::from_str(src).map_err(|e| {
        let (line, col) = serde_position(src, 0, &e);
        DataError::new(file, "", serde_message(&e)).at(line, col)
    })
}

/// Decode and validate `site.json`.
pub fn decode_site(src: &str) -> Result<SiteData, DataError> {
    let file = SITE_FILE;
    let raw: RawSiteFile = whole_file(file, src)?;
    let spot = Spot { file, src };
    if raw.site.name.trim().is_empty() {
        return Err(DataError::new(file, "site.name", "站点名称为空"));
    }
    let counter = raw
        .site
        .counter
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    if let Some(c) = &counter {
        if let Err(why) = check_endpoint(c) {
            let mut e = DataError::new(
                file,
                "site.counter",
                format!("计数服务地址“{c}”无效：{why}"),
            );
            if let Some(pos) = find_key(src, "counter") {
                let (line, col) = spot.line_col(pos);
                e = e.at(line, col);
            }
            return Err(e);
        }
    }
    let mut seen = HashSet::new();
    let channels = decode_channels(&spot, &raw.channels, "channels", &mut seen)?;
    if channels.is_empty() {
        return Err(DataError::new(file, "channels", "至少需要一个栏目"));
    }
    let mut links = Vec::with_capacity(raw.links.len());
    for (i, item) in raw.links.iter().enumerate() {
        let field = format!("links[{i}]");
        let link: RawLink = spot.parse(item, &field)?;
        if link.name.trim().is_empty() {
            return Err(spot.error(item, format!("{field}.name"), "name", "链接名称为空".into()));
        }
        if let Err(why) = check_url(&link.url) {
            return Err(spot.error(
                item,
                format!("{field}.url"),
                "url",
                format!("不安全或无效的链接“{}”：{why}", link.url),
            ));
        }
        links.push(Link {
            name: link.name.trim().to_string(),
            url: link.url,
        });
    }
    let per_page = match raw.site.per_page {
        None => DEFAULT_PER_PAGE,
        Some(n @ 1..=MAX_PER_PAGE) => n,
        Some(n) => {
            return Err(DataError::new(
                file,
                "site.per_page",
                format!("每页篇数 {n} 无效：应在 1 到 {MAX_PER_PAGE} 之间"),
            ))
        }
    };
    Ok(SiteData {
        site: Site {
            name: raw.site.name.trim().to_string(),
            description: raw.site.description.trim().to_string(),
            counter,
            per_page,
        },
        channels,
        links,
    })
}

fn decode_channels(
    spot: &Spot,
    items: &[&RawValue],
    path: &str,
    seen: &mut HashSet<String>,
) -> Result<Vec<Channel>, DataError> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let field = format!("{path}[{i}]");
        let raw: RawChannel = spot.parse(item, &field)?;
        if let Err(why) = check_id(&raw.id) {
            return Err(spot.error(item, format!("{field}.id"), "id", why));
        }
        if !seen.insert(raw.id.clone()) {
            return Err(spot.error(
                item,
                format!("{field}.id"),
                "id",
                format!("栏目 id“{}”重复", raw.id),
            ));
        }
        if raw.name.trim().is_empty() {
            return Err(spot.error(item, format!("{field}.name"), "name", "栏目名称为空".into()));
        }
        let children = decode_channels(spot, &raw.children, &format!("{field}.children"), seen)?;
        out.push(Channel {
            id: raw.id,
            name: raw.name.trim().to_string(),
            children,
        });
    }
    Ok(out)
}

/// Decode and validate `bulletins.json` against the channels of `site`.
pub fn decode_bulletins(src: &str, site: &SiteData) -> Result<Vec<Bulletin>, DataError> {
    decode_bulletins_in(BULLETINS_FILE, src, &channel_ids(&site.channels))
}

/// [`decode_bulletins`] for a file of that shape under another name (the
/// compiled search data), against a catalog's channels.
pub fn decode_bulletins_with(
    file: &str,
    src: &str,
    catalog: &Catalog,
) -> Result<Vec<Bulletin>, DataError> {
    let ids = catalog.channel_ids();
    decode_bulletins_in(file, src, &ids)
}

fn decode_bulletins_in(
    file: &str,
    src: &str,
    channel_ids: &HashSet<&str>,
) -> Result<Vec<Bulletin>, DataError> {
    let raw: RawBulletinsFile = whole_file(file, src)?;
    let spot = Spot { file, src };
    let mut ids = HashSet::new();
    let mut out = Vec::with_capacity(raw.bulletins.len());
    for (i, item) in raw.bulletins.iter().enumerate() {
        let field = format!("bulletins[{i}]");
        let b = decode_one(&spot, item, &field, channel_ids)?;
        if !ids.insert(b.id.clone()) {
            return Err(spot.error(
                item,
                format!("{field}.id"),
                "id",
                format!("文章 id“{}”重复", b.id),
            ));
        }
        out.push(b);
    }
    Ok(out)
}

/// Every channel id of a channel tree.
pub fn channel_ids(channels: &[Channel]) -> HashSet<&str> {
    let mut out = HashSet::new();
    collect_ids(channels, &mut out);
    out
}

/// Decode one bulletin object found at `field` of `file`.
pub fn decode_bulletin_at(
    file: &str,
    src: &str,
    item: &RawValue,
    field: &str,
    channel_ids: &HashSet<&str>,
) -> Result<Bulletin, DataError> {
    decode_one(&Spot { file, src }, item, field, channel_ids)
}

fn decode_one(
    spot: &Spot,
    item: &RawValue,
    field: &str,
    channel_ids: &HashSet<&str>,
) -> Result<Bulletin, DataError> {
    let b: RawBulletin = spot.parse(item, field)?;
    let fields = BulletinFields {
        id: b.id,
        title: b.title,
        channel: b.channel,
        published: b.published,
        source: b.source,
        views: b.views,
        sample: b.sample,
        body: b.body.into_iter().map(RawBlock::into_block).collect(),
    };
    fields.validate(channel_ids).map_err(|(path, message)| {
        // The line is found through the top-level key (`body` for
        // `body[2].text`).
        let key = path.split(['[', '.']).next().unwrap_or("");
        spot.error(item, format!("{field}.{path}"), key, message)
    })
}

impl RawBlock {
    fn into_block(self) -> Block {
        match self {
            RawBlock::Heading { text } => Block::Heading(text),
            RawBlock::Paragraph { text } => Block::Paragraph(text),
            RawBlock::List { ordered, items } => Block::List { ordered, items },
            RawBlock::Image { src, alt } => Block::Image { src, alt },
        }
    }
}

/// A bulletin as written, before the rules every source of bulletins
/// (JSON data, Markdown content, imports) must pass.
pub struct BulletinFields {
    pub id: String,
    pub title: String,
    pub channel: String,
    pub published: String,
    pub source: Option<String>,
    pub views: Option<u64>,
    pub sample: bool,
    pub body: Vec<Block>,
}

impl BulletinFields {
    /// Check and tidy every field. The error names the field (`title`,
    /// `body[2].text`, …) and says in Chinese what is wrong. Ids are not
    /// checked for uniqueness here: that needs the whole set.
    pub fn validate(self, channel_ids: &HashSet<&str>) -> Result<Bulletin, (String, String)> {
        let bad = |path: &str, why: String| (path.to_string(), why);
        check_id(&self.id).map_err(|why| bad("id", why))?;
        let title = self.title.trim();
        if title.is_empty() {
            return Err(bad("title", "标题为空".into()));
        }
        if !channel_ids.contains(self.channel.as_str()) {
            return Err(bad(
                "channel",
                format!(
                    "未知栏目“{}”：站点文件的 channels 里没有这个 id",
                    self.channel
                ),
            ));
        }
        let published = parse_published(&self.published).ok_or_else(|| {
            bad(
                "published",
                format!(
                    "发布时间“{}”无效：应为 YYYY-MM-DD HH:MM（北京时间）或带时区的 RFC 3339 时间",
                    self.published
                ),
            )
        })?;
        if self.body.is_empty() {
            return Err(bad("body", "正文为空".into()));
        }
        let mut body = Vec::with_capacity(self.body.len());
        for (j, block) in self.body.into_iter().enumerate() {
            let n = j + 1;
            let block = match block {
                Block::Heading(t) => Block::Heading(t.trim().to_string()),
                Block::Paragraph(t) => Block::Paragraph(t.trim().to_string()),
                Block::List { ordered, items } => {
                    let items: Vec<String> = items.iter().map(|t| t.trim().to_string()).collect();
                    if items.iter().any(String::is_empty) {
                        return Err(bad(
                            &format!("body[{j}].items"),
                            format!("正文第 {n} 段的列表里有空的项目"),
                        ));
                    }
                    Block::List { ordered, items }
                }
                Block::Image { src, alt } => {
                    check_media_src(&src).map_err(|why| {
                        bad(&format!("body[{j}].src"), format!("正文第 {n} 段：{why}"))
                    })?;
                    let alt = alt.trim().to_string();
                    if alt.is_empty() {
                        return Err(bad(
                            &format!("body[{j}].alt"),
                            format!(
                                "正文第 {n} 段的图片缺少说明文字（读屏软件要读给看不见的读者）"
                            ),
                        ));
                    }
                    Block::Image { src, alt }
                }
            };
            if block.text().trim().is_empty() {
                return Err(bad(
                    &format!("body[{j}].text"),
                    format!("正文第 {n} 段是空的"),
                ));
            }
            body.push(block);
        }
        let source = self
            .source
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        Ok(Bulletin {
            id: self.id,
            title: title.to_string(),
            channel: self.channel,
            published,
            source,
            views: self.views,
            sample: self.sample,
            body,
        })
    }
}

fn collect_ids<'a>(channels: &'a [Channel], into: &mut HashSet<&'a str>) {
    for c in channels {
        into.insert(c.id.as_str());
        collect_ids(&c.children, into);
    }
}
