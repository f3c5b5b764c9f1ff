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
use crate::model::{
    Badge, Block, Bulletin, Channel, Identity, Link, Site, SiteData, DEFAULT_CONTACT_NAME,
    DEFAULT_PER_PAGE,
};
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
    #[serde(default)]
    leave_notice: Option<bool>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    identity: Option<RawIdentity>,
}

/// `site.identity`: the footer's identity block (see [`Identity`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIdentity {
    #[serde(default)]
    sponsor: Option<String>,
    #[serde(default)]
    organizer: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    address: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    site_code: Option<String>,
    #[serde(default)]
    icp: Option<String>,
    #[serde(default)]
    police: Option<String>,
    #[serde(default)]
    police_emblem: Option<String>,
    #[serde(default)]
    dangzheng_image: Option<String>,
    #[serde(default)]
    dangzheng_url: Option<String>,
    #[serde(default)]
    jiucuo_url: Option<String>,
    #[serde(default)]
    contact_url: Option<String>,
    #[serde(default)]
    contact_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChannel<'a> {
    id: String,
    name: String,
    #[serde(default, borrow)]
    children: Vec<&'a RawValue>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    column_type: Option<String>,
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
    // The line of a `site` key (`["identity", "icp"]` for site.identity.icp).
    let at = |keys: &[&str], e: DataError| -> DataError {
        let mut pos = find_key(src, "site");
        for k in keys {
            pos = pos.and_then(|p| find_key(&src[p..], k).map(|q| p + q));
        }
        match pos {
            Some(p) => {
                let (line, col) = spot.line_col(p);
                e.at(line, col)
            }
            None => e,
        }
    };
    let url = clean(raw.site.url);
    if let Some(u) = &url {
        if let Err(why) = check_site_url(u) {
            return Err(at(
                &["url"],
                DataError::new(file, "site.url", format!("网站地址“{u}”无效：{why}")),
            ));
        }
    }
    let identity = match raw.site.identity {
        None => Identity::default(),
        Some(r) => decode_identity(r).map_err(|(key, message)| {
            at(
                &["identity", key],
                DataError::new(file, format!("site.identity.{key}"), message),
            )
        })?,
    };
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
            leave_notice: raw.site.leave_notice.unwrap_or(true),
            url,
            identity,
        },
        channels,
        links,
    })
}

/// Trimmed text, `None` when missing or blank.
fn clean(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The site's own address: `http(s)://host`, optionally with a path.
fn check_site_url(url: &str) -> Result<(), String> {
    check_url(url).map_err(String::from)?;
    if crate::meta::site_domain(url).is_none() {
        return Err("应为 https:// 开头的完整地址，例如 https://pufa.example.gov.cn".into());
    }
    Ok(())
}

/// The 公安备案 record code: the digits of the number
/// (`鄂公网安备 42011702000001号` → `42011702000001`).
pub fn police_record_code(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

/// A media path as written in `site.toml` and compiled into `site.json`:
/// always `media/<name>`; the compiled name is checked by
/// [`check_media_src`].
fn check_identity_image(src: &str) -> Result<(), String> {
    check_media_src(src)
        .map_err(|why| format!("{why}（在 site.toml 里写 media/文件名，图片放在 media/ 文件夹）"))
}

type IdentityError = (&'static str, String);

/// Check and tidy `site.identity`; an error names the key and says why.
fn decode_identity(r: RawIdentity) -> Result<Identity, IdentityError> {
    let url = |key: &'static str, v: Option<String>| -> Result<Option<String>, IdentityError> {
        let v = clean(v);
        if let Some(u) = &v {
            check_url(u).map_err(|why| (key, format!("不安全或无效的链接“{u}”：{why}")))?;
        }
        Ok(v)
    };
    let image = |key: &'static str, v: Option<String>| -> Result<Option<String>, IdentityError> {
        let v = clean(v);
        if let Some(src) = &v {
            check_identity_image(src).map_err(|why| (key, why))?;
        }
        Ok(v)
    };
    let email = clean(r.email);
    if let Some(e) = &email {
        let ok = e.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty()
                && host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && !host.contains('@')
        }) && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"\\,;:()[]".contains(c));
        if !ok {
            return Err((
                "email",
                format!("邮箱“{e}”无效：应为 name@example.gov.cn 这样的地址"),
            ));
        }
    }
    let site_code = clean(r.site_code);
    if let Some(c) = &site_code {
        if c.chars().count() != 10 || !c.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err((
                "site_code",
                format!(
                    "网站标识码“{c}”无效：应为 10 位数字或字母（见全国政府网站基本信息数据库）"
                ),
            ));
        }
    }
    let police = clean(r.police);
    if let Some(p) = &police {
        if police_record_code(p).is_empty() {
            return Err((
                "police",
                format!(
                    "公安机关备案号“{p}”无效：应含备案编号数字，例如 鄂公网安备 42011702000001号"
                ),
            ));
        }
    }
    let police_emblem = image("police_emblem", r.police_emblem)?;
    if police_emblem.is_some() && police.is_none() {
        return Err((
            "police_emblem",
            "有公安备案图标却没有备案号：请同时填写 police".into(),
        ));
    }
    let dangzheng_image = image("dangzheng_image", r.dangzheng_image)?;
    let dangzheng_url = url("dangzheng_url", r.dangzheng_url)?;
    let dangzheng = match (dangzheng_image, dangzheng_url) {
        (Some(image), Some(url)) => Some(Badge { image, url }),
        (None, None) => None,
        (Some(_), None) => {
            return Err((
                "dangzheng_url",
                "党政机关网站标识需要图片和链接两项：缺少 dangzheng_url".into(),
            ))
        }
        (None, Some(_)) => {
            return Err((
                "dangzheng_image",
                "党政机关网站标识需要图片和链接两项：缺少 dangzheng_image".into(),
            ))
        }
    };
    let contact_name = clean(r.contact_name);
    let contact = match url("contact_url", r.contact_url)? {
        Some(url) => Some(Link {
            name: contact_name.unwrap_or_else(|| DEFAULT_CONTACT_NAME.to_string()),
            url,
        }),
        None if contact_name.is_some() => {
            return Err((
                "contact_name",
                "有留言咨询的名称却没有地址：请同时填写 contact_url".into(),
            ))
        }
        None => None,
    };
    Ok(Identity {
        sponsor: clean(r.sponsor),
        organizer: clean(r.organizer),
        phone: clean(r.phone),
        address: clean(r.address),
        email,
        site_code,
        icp: clean(r.icp),
        police,
        police_emblem,
        dangzheng,
        jiucuo_url: url("jiucuo_url", r.jiucuo_url)?,
        contact,
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
        let mut keywords = Vec::with_capacity(raw.keywords.len());
        for (k, word) in raw.keywords.iter().enumerate() {
            let word = word.trim();
            if word.is_empty() || word.contains(',') || word.contains('，') {
                return Err(spot.error(
                    item,
                    format!("{field}.keywords[{k}]"),
                    "keywords",
                    format!(
                        "栏目关键词第 {} 个“{word}”无效：不能为空，也不能含逗号（每个词单独写）",
                        k + 1
                    ),
                ));
            }
            keywords.push(word.to_string());
        }
        let children = decode_channels(spot, &raw.children, &format!("{field}.children"), seen)?;
        out.push(Channel {
            id: raw.id,
            name: raw.name.trim().to_string(),
            children,
            description: clean(raw.description),
            keywords,
            column_type: clean(raw.column_type),
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
