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
use crate::model::{Block, Bulletin, Channel, Link, Site, SiteData};
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
#[serde(tag = "type", content = "text", rename_all = "lowercase")]
enum RawBlock {
    Heading(String),
    Paragraph(String),
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
fn serde_position(src: &str, base: usize, e: &serde_json::Error) -> (usize, usize) {
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
fn serde_message(e: &serde_json::Error) -> String {
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
        return format!("正文段落的 type 只能是 heading 或 paragraph：{text}");
    }
    format!("JSON 格式错误：{text}")
}

/// Ids end up in URLs: keep them to characters that need no escaping.
fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("id 为空".into());
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!("id“{id}”只能包含英文字母、数字、- 和 _"));
    }
    Ok(())
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
    Ok(SiteData {
        site: Site {
            name: raw.site.name.trim().to_string(),
            description: raw.site.description.trim().to_string(),
            counter,
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
    let file = BULLETINS_FILE;
    let raw: RawBulletinsFile = whole_file(file, src)?;
    let spot = Spot { file, src };
    let mut channel_ids = HashSet::new();
    collect_ids(&site.channels, &mut channel_ids);
    let mut ids = HashSet::new();
    let mut out = Vec::with_capacity(raw.bulletins.len());
    for (i, item) in raw.bulletins.iter().enumerate() {
        let field = format!("bulletins[{i}]");
        let err =
            |key: &str, message: String| spot.error(item, format!("{field}.{key}"), key, message);
        let b: RawBulletin = spot.parse(item, &field)?;
        check_id(&b.id).map_err(|why| err("id", why))?;
        if !ids.insert(b.id.clone()) {
            return Err(err("id", format!("文章 id“{}”重复", b.id)));
        }
        let title = b.title.trim();
        if title.is_empty() {
            return Err(err("title", "标题为空".into()));
        }
        if !channel_ids.contains(b.channel.as_str()) {
            return Err(err(
                "channel",
                format!(
                    "未知栏目“{}”：site.json 的 channels 里没有这个 id",
                    b.channel
                ),
            ));
        }
        let published = parse_published(&b.published).ok_or_else(|| {
            err(
                "published",
                format!(
                    "发布时间“{}”无效：应为 YYYY-MM-DD HH:MM（北京时间）或带时区的 RFC 3339 时间",
                    b.published
                ),
            )
        })?;
        if b.body.is_empty() {
            return Err(err("body", "正文为空".into()));
        }
        let mut body = Vec::with_capacity(b.body.len());
        for (j, block) in b.body.into_iter().enumerate() {
            let block = match block {
                RawBlock::Heading(t) => Block::Heading(t.trim().to_string()),
                RawBlock::Paragraph(t) => Block::Paragraph(t.trim().to_string()),
            };
            if block.text().is_empty() {
                return Err(spot.error(
                    item,
                    format!("{field}.body[{j}].text"),
                    "body",
                    format!("正文第 {} 段是空的", j + 1),
                ));
            }
            body.push(block);
        }
        let source = b
            .source
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        out.push(Bulletin {
            id: b.id,
            title: title.to_string(),
            channel: b.channel,
            published,
            source,
            views: b.views,
            sample: b.sample,
            body,
        });
    }
    Ok(out)
}

fn collect_ids<'a>(channels: &'a [Channel], into: &mut HashSet<&'a str>) {
    for c in channels {
        into.insert(c.id.as_str());
        collect_ids(&c.children, into);
    }
}
