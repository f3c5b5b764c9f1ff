//! Reading an office's content: `site.toml` and one Markdown file with TOML
//! front matter per bulletin under `bulletins/`, images under `media/`.
//!
//! Every rule is pufa-core's (the same the app applies to compiled data);
//! this module only knows where things are written, so that each mistake
//! can name its file and line. Loading goes on after a mistake: an operator
//! gets every problem of the content in one run, not one per run.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use pufa_core::decode::{channel_ids, BulletinFields};
use pufa_core::{decode_site, Block, Bulletin, DataError, SiteData};
use serde::{Deserialize, Serialize};

use crate::markdown;

pub const SITE_TOML: &str = "site.toml";
pub const BULLETINS_DIR: &str = "bulletins";
pub const MEDIA_DIR: &str = "media";
/// Front matter opens and closes with this line (as in Hugo and Zola).
pub const FENCE: &str = "+++";

/// One problem in the content, located for the operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub field: String,
    pub message: String,
}

impl fmt::Display for Problem {
    /// `content/bulletins/2021/a.md 第 3 行，字段 channel：未知栏目“x”…`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, " 第 {l} 行")?;
        }
        if !self.field.is_empty() {
            write!(f, "，字段 {}", self.field)?;
        }
        write!(f, "：{}", self.message)
    }
}

/// A bulletin and the file it came from.
#[derive(Clone, Debug)]
pub struct Source {
    pub path: PathBuf,
    pub bulletin: Bulletin,
}

/// The whole content, checked.
#[derive(Clone, Debug)]
pub struct Content {
    pub dir: PathBuf,
    pub site: SiteData,
    pub bulletins: Vec<Source>,
    /// The office's synonym list (`synonyms.toml`), normalised; empty
    /// without one.
    pub synonyms: std::collections::BTreeMap<String, Vec<String>>,
}

/// The front matter of a bulletin file.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Front {
    pub title: String,
    pub channel: String,
    /// A string (`"2021-07-26 09:33"`, Beijing time) or a TOML date-time.
    pub published: toml::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub views: Option<u64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sample: bool,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct SiteToml {
    site: SiteSection,
    #[serde(default)]
    channels: Vec<ChannelToml>,
    #[serde(default)]
    links: Vec<LinkToml>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct SiteSection {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    counter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    per_page: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    leave_notice: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    identity: Option<IdentityToml>,
}

/// `[site.identity]`: the footer's identity block (docs/content.md). The
/// names are those of `site.json`; pufa-core checks the values.
#[derive(Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct IdentityToml {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sponsor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    organizer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    site_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    icp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    police: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    police_emblem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dangzheng_image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dangzheng_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    jiucuo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    contact_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    contact_name: Option<String>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct ChannelToml {
    id: String,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    keywords: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    column_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    children: Vec<ChannelToml>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct LinkToml {
    name: String,
    url: String,
}

/// 1-based line of a byte offset.
fn line_of(src: &str, offset: usize) -> usize {
    let mut at = offset.min(src.len());
    while at > 0 && !src.is_char_boundary(at) {
        at -= 1;
    }
    src[..at].matches('\n').count() + 1
}

/// toml's message in Chinese where it is a common case; its span as a line.
fn toml_problem(file: &Path, src: &str, first_line: usize, e: &toml::de::Error) -> Problem {
    let line = e.span().map(|s| first_line + line_of(src, s.start) - 1);
    let raw = e.message().to_string();
    let message = if let Some(rest) = raw.strip_prefix("unknown field ") {
        let name = rest.split(',').next().unwrap_or(rest);
        format!("不认识的字段 {name}（拼写是否有误？）")
    } else if let Some(rest) = raw.strip_prefix("missing field ") {
        format!("缺少字段 {rest}")
    } else {
        format!("TOML 格式错误：{raw}")
    };
    Problem {
        file: file.to_path_buf(),
        line,
        field: String::new(),
        message,
    }
}

/// Read `site.toml`: the same rules as the app's `site.json`.
pub fn load_site(dir: &Path) -> Result<SiteData, Problem> {
    let path = dir.join(SITE_TOML);
    let src = std::fs::read_to_string(&path).map_err(|e| Problem {
        file: path.clone(),
        line: None,
        field: String::new(),
        message: format!("无法读取站点文件：{e}"),
    })?;
    let mut raw: SiteToml = toml::from_str(&src).map_err(|e| {
        let mut p = toml_problem(&path, &src, 1, &e);
        p.field = unknown_key_field(&src, &p);
        p
    })?;
    // The identity images must be files of media/; the shared rules check
    // the final (hashed) name the build gives them, so they see a
    // placeholder and the operator's names go back afterwards.
    let media_dir = dir.join(MEDIA_DIR);
    let mut images: Vec<(&'static str, String)> = Vec::new();
    if let Some(id) = raw.site.identity.as_mut() {
        for (key, slot) in [
            ("police_emblem", &mut id.police_emblem),
            ("dangzheng_image", &mut id.dangzheng_image),
        ] {
            let Some(src_name) = slot.as_ref().map(|s| s.trim().to_string()) else {
                continue;
            };
            if src_name.is_empty() {
                continue;
            }
            let name = src_name
                .strip_prefix("media/")
                .filter(|n| !n.is_empty() && !n.contains(['/', '\\']) && !n.starts_with('.'));
            let problem = |message: String| Problem {
                file: path.clone(),
                line: key_line_in(&src, key),
                field: format!("site.identity.{key}"),
                message,
            };
            match name {
                None => {
                    return Err(problem(format!(
                        "图片“{src_name}”应放在 {MEDIA_DIR}/ 文件夹里，并写成 media/文件名"
                    )))
                }
                Some(n) if !media_dir.join(n).is_file() => {
                    return Err(problem(format!("找不到图片文件 {MEDIA_DIR}/{n}")))
                }
                Some(_) => {}
            }
            images.push((key, src_name));
            *slot = Some("media/unchecked".into());
        }
    }
    // One set of rules: the TOML is checked by the decoder of the compiled
    // site.json, then the field it names is found again in the TOML.
    let json = serde_json::to_string(&raw).unwrap_or_default();
    let mut site = decode_site(&json).map_err(|e| site_problem(&path, &src, &json, e))?;
    let identity = &mut site.site.identity;
    for (key, name) in images {
        match key {
            "police_emblem" => identity.police_emblem = Some(name),
            _ => {
                if let Some(badge) = identity.dangzheng.as_mut() {
                    badge.image = name;
                }
            }
        }
    }
    Ok(site)
}

/// The line of the first `key = …` in a TOML text.
fn key_line_in(src: &str, key: &str) -> Option<usize> {
    src.lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with(key) && l[key.len()..].trim_start().starts_with('=')
        })
        .map(|i| i + 1)
}

/// For an unknown key of `site.toml`, its path (`site.identity.sponsr`):
/// the table header above its line and the key the message names.
fn unknown_key_field(src: &str, p: &Problem) -> String {
    let (Some(line), Some(rest)) = (p.line, p.message.strip_prefix("不认识的字段 ")) else {
        return p.field.clone();
    };
    let key = rest
        .split('（')
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches('`');
    let table = src
        .lines()
        .take(line)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key.to_string(),
    }
}

/// Move a [`DataError`] raised on the JSON form of `site.toml` back to the
/// TOML: the line holding the offending value (or key).
fn site_problem(path: &Path, toml_src: &str, json: &str, e: DataError) -> Problem {
    let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let mut at = &value;
    for part in e.field.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        at = &at[key];
        if let Some(i) = index {
            at = &at[i];
        }
    }
    let key = e
        .field
        .rsplit('.')
        .next()
        .unwrap_or("")
        .split('[')
        .next()
        .unwrap_or("");
    let wanted = match at {
        serde_json::Value::String(s) => Some(toml::Value::String(s.clone()).to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let find = |value: bool| {
        toml_src
            .lines()
            .position(|l| {
                let l = l.trim_start();
                l.starts_with(key)
                    && l[key.len()..].trim_start().starts_with('=')
                    && (!value || wanted.as_ref().is_none_or(|w| l.contains(w.as_str())))
            })
            .map(|i| i + 1)
    };
    // The key with its value; else the key (a value the loader replaced,
    // such as an image name); else, for a missing key, its table's header.
    let line = find(true).or_else(|| find(false)).or_else(|| {
        let table = e.field.rsplit_once('.').map(|(t, _)| t)?;
        let header = format!("[{table}]");
        toml_src
            .lines()
            .position(|l| l.trim() == header)
            .map(|i| i + 1)
    });
    Problem {
        file: path.to_path_buf(),
        line,
        field: e.field,
        message: e.message,
    }
}

/// Split a bulletin file into its front matter and body, with the line the
/// front matter starts on and the line the body starts on.
pub fn split_front(src: &str) -> Option<(&str, &str, usize)> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut lines = src.split_inclusive('\n');
    let first = lines.next()?;
    if first.trim_end() != FENCE {
        return None;
    }
    let mut offset = first.len();
    let front_start = offset;
    let mut line = 1;
    for l in lines {
        line += 1;
        if l.trim_end() == FENCE {
            let front = &src[front_start..offset];
            let body = &src[offset + l.len()..];
            return Some((front, body, line + 1));
        }
        offset += l.len();
    }
    None
}

/// The published time as the rules read it: TOML date-times without an
/// offset are Beijing time.
fn published_text(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Datetime(d) => match (d.date, d.time, d.offset) {
            (Some(date), Some(time), None) => Some(format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                date.year, date.month, date.day, time.hour, time.minute
            )),
            _ => Some(d.to_string()),
        },
        _ => None,
    }
}

/// Read one bulletin file. `media` answers whether `media/<name>` exists.
pub fn load_bulletin(
    path: &Path,
    src: &str,
    channels: &HashSet<&str>,
    media: &dyn Fn(&str) -> bool,
) -> Result<Bulletin, Problem> {
    let problem = |line: Option<usize>, field: &str, message: String| Problem {
        file: path.to_path_buf(),
        line,
        field: field.to_string(),
        message,
    };
    let Some((front_src, body_src, body_line)) = split_front(src) else {
        return Err(problem(
            Some(1),
            "",
            format!(
                "文件应以一行 {FENCE} 开头，写完标题、栏目、发布时间等信息后再用一行 {FENCE} 结束"
            ),
        ));
    };
    let front: Front =
        toml::from_str(front_src).map_err(|e| toml_problem(path, front_src, 2, &e))?;
    // The line of a front-matter key, for errors about its value.
    let key_line = |key: &str| {
        front_src
            .lines()
            .position(|l| {
                let l = l.trim_start();
                l.starts_with(key) && l[key.len()..].trim_start().starts_with('=')
            })
            .map(|i| i + 2)
    };
    let blocks = markdown::parse(body_src)
        .map_err(|e| problem(Some(body_line + e.line - 1), "body", e.message))?;
    for b in &blocks {
        if let Block::Image { src, .. } = &b.block {
            let name = src
                .strip_prefix("media/")
                .filter(|n| !n.contains(['/', '\\']) && !n.starts_with('.'));
            let line = Some(body_line + b.line - 1);
            match name {
                None => {
                    return Err(problem(
                        line,
                        "body",
                        format!("图片“{src}”应放在 {MEDIA_DIR}/ 文件夹里，并写成 media/文件名"),
                    ))
                }
                Some(n) if !media(n) => {
                    return Err(problem(
                        line,
                        "body",
                        format!("找不到图片文件 {MEDIA_DIR}/{n}"),
                    ))
                }
                Some(_) => {}
            }
        }
    }
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lines: Vec<usize> = blocks.iter().map(|b| body_line + b.line - 1).collect();
    // Images are checked by name above; the shared rules check the final
    // (hashed) name the build gives them, so they see a placeholder here
    // and the operator's names go back afterwards.
    let mut image_names = Vec::new();
    let body = blocks
        .into_iter()
        .map(|b| match b.block {
            Block::Image { src, alt } => {
                image_names.push(src);
                Block::Image {
                    src: "media/unchecked".into(),
                    alt,
                }
            }
            other => other,
        })
        .collect();
    let fields = BulletinFields {
        id,
        title: front.title,
        channel: front.channel,
        published: published_text(&front.published).unwrap_or_default(),
        source: front.source,
        views: front.views,
        sample: front.sample,
        body,
    };
    let mut bulletin = fields.validate(channels).map_err(|(field, message)| {
        let line = if field == "id" {
            Some(1)
        } else if let Some(rest) = field.strip_prefix("body[") {
            rest.split(']')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| lines.get(n).copied())
        } else if field == "body" {
            Some(body_line)
        } else {
            key_line(&field)
        };
        let message = if field == "id" {
            format!("文件名即文章 id：{message}")
        } else {
            message
        };
        problem(line, &field, message)
    })?;
    let mut names = image_names.into_iter();
    for block in &mut bulletin.body {
        if let Block::Image { src, .. } = block {
            if let Some(name) = names.next() {
                *src = name;
            }
        }
    }
    Ok(bulletin)
}

/// Every `.md` file under `dir`, sorted, so runs are repeatable.
fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if e.file_type()?.is_dir() {
            markdown_files(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "md") {
            out.push(path);
        }
    }
    Ok(())
}

/// Load and check the whole content; on mistakes, every one of them.
pub fn load(dir: &Path) -> Result<Content, Vec<Problem>> {
    let site = load_site(dir).map_err(|p| vec![p])?;
    let channels = channel_ids(&site.channels);
    let media_dir = dir.join(MEDIA_DIR);
    let media = |name: &str| media_dir.join(name).is_file();
    let mut files = Vec::new();
    let bulletins_dir = dir.join(BULLETINS_DIR);
    if let Err(e) = markdown_files(&bulletins_dir, &mut files) {
        return Err(vec![Problem {
            file: bulletins_dir,
            line: None,
            field: String::new(),
            message: format!("无法读取文章文件夹：{e}"),
        }]);
    }
    // Reading and parsing is most of a check's time: spread the files over
    // the cores, keep their order, then look for duplicate ids in one pass.
    let read_one = |path: &PathBuf| -> Result<Bulletin, Problem> {
        let unreadable = |message: String| Problem {
            file: path.clone(),
            line: None,
            field: String::new(),
            message,
        };
        let bytes = std::fs::read(path).map_err(|e| unreadable(format!("无法读取：{e}")))?;
        let src = String::from_utf8(bytes)
            .map_err(|_| unreadable("文件不是 UTF-8 编码：请在编辑器里另存为 UTF-8".into()))?;
        load_bulletin(path, &src, &channels, &media)
    };
    let results = in_parallel(&files, read_one);
    let mut problems = Vec::new();
    let mut bulletins = Vec::with_capacity(files.len());
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for (path, result) in files.into_iter().zip(results) {
        match result {
            Ok(b) => {
                if let Some(other) = seen.get(&b.id) {
                    problems.push(Problem {
                        file: path.clone(),
                        line: None,
                        field: "id".into(),
                        message: format!(
                            "文章 id“{}”与 {} 重复：文件名即 id，请改名",
                            b.id,
                            other.display()
                        ),
                    });
                    continue;
                }
                seen.insert(b.id.clone(), path.clone());
                bulletins.push(Source { path, bulletin: b });
            }
            Err(p) => problems.push(p),
        }
    }
    let synonyms = match crate::search_aids::load_synonyms(dir) {
        Ok(s) => s,
        Err(more) => {
            problems.extend(more);
            Default::default()
        }
    };
    if problems.is_empty() {
        Ok(Content {
            dir: dir.to_path_buf(),
            site,
            bulletins,
            synonyms,
        })
    } else {
        Err(problems)
    }
}

/// The front matter and body of a bulletin file (the reverse of
/// [`load_bulletin`]); images keep the names they have in `b`.
pub fn bulletin_file(b: &Bulletin) -> String {
    let front = Front {
        title: b.title.clone(),
        channel: b.channel.clone(),
        published: toml::Value::String(pufa_core::date::format_minute(&b.published)),
        source: b.source.clone(),
        views: b.views,
        sample: b.sample,
    };
    let front = toml::to_string(&front).unwrap_or_default();
    format!("{FENCE}\n{front}{FENCE}\n\n{}", markdown::write(&b.body))
}

/// `site.toml` text for a site (used when converting old data).
pub fn site_file(data: &SiteData) -> String {
    fn channel(c: &pufa_core::Channel) -> ChannelToml {
        ChannelToml {
            id: c.id.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            keywords: c.keywords.clone(),
            column_type: c.column_type.clone(),
            children: c.children.iter().map(channel).collect(),
        }
    }
    let id = &data.site.identity;
    let identity = (!id.is_empty()).then(|| IdentityToml {
        sponsor: id.sponsor.clone(),
        organizer: id.organizer.clone(),
        phone: id.phone.clone(),
        address: id.address.clone(),
        email: id.email.clone(),
        site_code: id.site_code.clone(),
        icp: id.icp.clone(),
        police: id.police.clone(),
        police_emblem: id.police_emblem.clone(),
        dangzheng_image: id.dangzheng.as_ref().map(|b| b.image.clone()),
        dangzheng_url: id.dangzheng.as_ref().map(|b| b.url.clone()),
        jiucuo_url: id.jiucuo_url.clone(),
        contact_url: id.contact.as_ref().map(|l| l.url.clone()),
        contact_name: id.contact.as_ref().map(|l| l.name.clone()),
    });
    let raw = SiteToml {
        site: SiteSection {
            name: data.site.name.clone(),
            description: data.site.description.clone(),
            counter: data.site.counter.clone(),
            per_page: (data.site.per_page != pufa_core::DEFAULT_PER_PAGE)
                .then_some(data.site.per_page),
            leave_notice: (!data.site.leave_notice).then_some(false),
            url: data.site.url.clone(),
            identity,
        },
        channels: data.channels.iter().map(channel).collect(),
        links: data
            .links
            .iter()
            .map(|l| LinkToml {
                name: l.name.clone(),
                url: l.url.clone(),
            })
            .collect(),
    };
    toml::to_string(&raw).unwrap_or_default()
}

/// The threads the compiler's parallel steps use: one per core.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `f` over `items` on every core, results in the order of `items`.
pub fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    in_parallel_with(items, || (), |_, item| f(item))
}

/// [`in_parallel`] with scratch state made once per thread by `init`.
pub fn in_parallel_with<T: Sync, S, R: Send>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let chunk = items.len().div_ceil(cores()).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let (init, f) = (&init, &f);
                scope.spawn(move || {
                    let mut state = init();
                    part.iter()
                        .map(|item| f(&mut state, item))
                        .collect::<Vec<R>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}
