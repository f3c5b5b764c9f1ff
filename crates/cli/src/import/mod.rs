//! `pufa import`: move an office's past and future bulletins in.
//!
//! Two sources: article pages saved from the old CMS (DedeCMS and its kin;
//! HTML in GBK/GB2312 or UTF-8, or the page's plain text), read by
//! [`cms`], and Word files (`.docx`), read by [`docx`]. Each becomes one
//! bulletin file, written exactly as `pufa convert` writes them
//! ([`crate::convert::bulletin_text`], which reads the file back to make
//! sure nothing changed).
//!
//! Safe to run again:
//! - Ids come from the source, never from the clock: an old CMS page is
//!   `cms-<file name>` (`000_2a560b80ea02a09f.txt` → `cms-000_2a560b80ea02a09f`;
//!   a name with other characters than letters, digits, `-`, `_`, `.` is
//!   replaced by 12 hex digits of its SHA-256), a Word file is
//!   `word-<YYYYMMDD>-<8 hex digits of the title's SHA-256>` (staff often
//!   send every file as 新闻稿.docx, so the name says nothing). Importing
//!   again finds the bulletin by id wherever its file now is and rewrites
//!   only what changed.
//! - A page whose title and publish time match a bulletin already in the
//!   content under another id is not imported a second time.
//! - Channels are matched by their name path (普法动态 > 新洲区); missing
//!   ones are added to `site.toml` with an id derived from the path, so a
//!   second run finds them by name.
//! - Every file is written to a temporary file in its own folder, then
//!   renamed over the old one: a run that stops leaves each file either old
//!   or new. `site.toml` is written first (a new empty channel harms
//!   nothing), then images, then bulletins.
//! - `dry_run` reports new / changed / unchanged for every file and writes
//!   nothing.

pub mod cms;
pub mod docx;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use pufa_core::decode::channel_ids;
use pufa_core::{Block, Bulletin, Channel, SiteData};
use sha2::{Digest, Sha256};

use crate::content::{self, BULLETINS_DIR, MEDIA_DIR, SITE_TOML};
use crate::convert::{bulletin_path, bulletin_text};

/// What importing does to one file of the content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    New,
    Changed,
    Unchanged,
}

impl Change {
    pub fn label(self) -> &'static str {
        match self {
            Change::New => "新建",
            Change::Changed => "更新",
            Change::Unchanged => "未变",
        }
    }
}

/// One file of the content the import writes (or would write).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// Relative to the content folder.
    pub path: PathBuf,
    pub change: Change,
    /// The page or Word file it came from (none for `site.toml`).
    pub from: Option<PathBuf>,
}

/// A file that was not imported, and why (in Chinese, for the operator).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub file: PathBuf,
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：{}", self.file.display(), self.reason)
    }
}

/// Everything one run did (or, with `dry_run`, would do).
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub dry_run: bool,
    /// `site.toml`, when channels had to be added.
    pub site: Option<Written>,
    /// Channels added to `site.toml`: id and name path.
    pub new_channels: Vec<(String, Vec<String>)>,
    pub media: Vec<Written>,
    pub bulletins: Vec<Written>,
    /// Files that could not be imported.
    pub skipped: Vec<Skipped>,
    /// Imported, but with something the operator should look at.
    pub notes: Vec<Skipped>,
}

impl Report {
    /// How many bulletins got each kind of change.
    pub fn count(&self, change: Change) -> usize {
        self.bulletins.iter().filter(|w| w.change == change).count()
    }

    /// The lines printed for the operator, one per file.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (id, path) in &self.new_channels {
            out.push(format!("新栏目  {}（id {id}）", path.join(" > ")));
        }
        let file = |w: &Written| match &w.from {
            Some(from) => format!(
                "{}  {}  ← {}",
                w.change.label(),
                w.path.display(),
                from.display()
            ),
            None => format!("{}  {}", w.change.label(), w.path.display()),
        };
        out.extend(self.site.iter().map(file));
        out.extend(self.media.iter().map(file));
        out.extend(self.bulletins.iter().map(file));
        out.extend(self.notes.iter().map(|n| format!("注意  {n}")));
        out.extend(self.skipped.iter().map(|s| format!("跳过  {s}")));
        out
    }

    /// The closing line.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "pufa import: 新建 {} 篇，更新 {} 篇，未变 {} 篇，跳过 {} 个文件",
            self.count(Change::New),
            self.count(Change::Changed),
            self.count(Change::Unchanged),
            self.skipped.len()
        );
        if !self.new_channels.is_empty() {
            s.push_str(&format!("，新增栏目 {} 个", self.new_channels.len()));
        }
        if self.dry_run {
            s.push_str("（试运行 --dry-run：没有写入任何文件）");
        }
        s.push('。');
        s
    }
}

/// Where a bulletin goes: a channel id of the site, or a name path
/// (普法动态 > 新洲区) that is found or created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChannelRef {
    Id(String),
    Path(Vec<String>),
}

impl ChannelRef {
    /// `--channel`: an id of the site, else a name path split on `>`.
    pub fn parse(text: &str, site: &SiteData) -> ChannelRef {
        let text = text.trim();
        if channel_ids(&site.channels).contains(text) {
            return ChannelRef::Id(text.to_string());
        }
        ChannelRef::Path(
            text.split(['>', '＞', '/'])
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
        )
    }
}

/// The flags a Word file needs (an old CMS page carries its own).
#[derive(Clone, Debug, Default)]
pub struct WordMeta {
    /// `--channel`: an id or a name path.
    pub channel: Option<String>,
    /// `--published`: `YYYY-MM-DD HH:MM` (Beijing) or RFC 3339.
    pub published: Option<DateTime<FixedOffset>>,
}

/// A source read into a bulletin, not yet placed in the content.
#[derive(Clone, Debug)]
pub(crate) struct Imported {
    pub id: String,
    pub title: String,
    pub channel: ChannelRef,
    pub published: DateTime<FixedOffset>,
    pub source: Option<String>,
    pub views: Option<u64>,
    /// Images are `media/<name>` with a name from `media`.
    pub body: Vec<Block>,
    pub media: Vec<(String, Vec<u8>)>,
    pub notes: Vec<String>,
}

/// Page extensions read as old CMS pages.
const PAGE_EXTS: [&str; 5] = ["html", "htm", "shtml", "txt", "asp"];

fn ext_of(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// True when an import of these inputs reads Word files (the caller then
/// needs `--channel` and `--published`).
pub fn has_word_files(inputs: &[PathBuf]) -> bool {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for i in inputs {
        collect(i, true, &mut files, &mut skipped);
    }
    files.iter().any(|f| ext_of(f) == "docx")
}

/// The files under `path` to import, sorted; a file named on the command
/// line is always tried (an unknown kind is reported), one found in a
/// folder only when its extension is a page or `.docx`.
fn collect(path: &Path, named: bool, out: &mut Vec<PathBuf>, skipped: &mut Vec<Skipped>) {
    if named && !path.exists() {
        skipped.push(Skipped {
            file: path.to_path_buf(),
            reason: "文件不存在".into(),
        });
        return;
    }
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = match fs::read_dir(path) {
            Ok(rd) => rd.flatten().map(|e| e.path()).collect(),
            Err(e) => {
                skipped.push(Skipped {
                    file: path.to_path_buf(),
                    reason: format!("无法读取文件夹：{e}"),
                });
                return;
            }
        };
        entries.sort();
        for e in entries {
            let hidden = e
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if !hidden {
                collect(&e, false, out, skipped);
            }
        }
        return;
    }
    let ext = ext_of(path);
    if ext == "docx" || PAGE_EXTS.contains(&ext.as_str()) {
        out.push(path.to_path_buf());
    } else if ext == "doc" {
        skipped.push(Skipped {
            file: path.to_path_buf(),
            reason: "这是旧版 Word 的 .doc 文件：请在 Word 里“另存为” .docx 后再导入".into(),
        });
    } else if named {
        skipped.push(Skipped {
            file: path.to_path_buf(),
            reason: "不认识的文件类型：只导入旧网站的页面（.html、.htm、.shtml、.txt）和 Word 文件（.docx）".into(),
        });
    }
}

/// `cms-<stem>` for an old CMS page (see the module docs).
pub fn cms_id(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let plain = !stem.is_empty()
        && stem.len() <= 100
        && stem
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if plain {
        format!("cms-{}", stem.replace('.', "-"))
    } else {
        format!("cms-{}", &hex(stem.as_bytes())[..12])
    }
}

/// `word-<YYYYMMDD>-<hash of title>` for a Word file (see the module docs).
pub fn word_id(title: &str, published: &DateTime<FixedOffset>) -> String {
    let day = published
        .with_timezone(&pufa_core::date::SHANGHAI)
        .format("%Y%m%d");
    format!("word-{day}-{}", &hex(title.trim().as_bytes())[..8])
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether a paragraph is a numbered section heading of a Chinese
/// document: `一、…`, `二、…`, `（一）…`, `(三)…`, short and not a sentence
/// (`一是…`, `第一,…` and long numbered paragraphs stay paragraphs).
pub fn is_numbered_heading(text: &str) -> bool {
    const NUM: &str = "一二三四五六七八九十百零〇";
    let t = text.trim();
    if t.chars().count() > 40 || t.contains(['。', '！', '？', '；']) {
        return false;
    }
    let is_num = |c: &char| NUM.contains(*c);
    let numbered = t.chars().take_while(is_num).count();
    let mut rest = t.chars().skip_while(is_num);
    if numbered > 0 {
        // 一、…
        return rest.next() == Some('、') && rest.next().is_some();
    }
    // （一）… or (一)…
    let mut chars = t.chars();
    if !matches!(chars.next(), Some('（' | '(')) {
        return false;
    }
    let inner = chars.clone().take_while(is_num).count();
    let mut after = chars.skip(inner);
    inner > 0 && matches!(after.next(), Some('）' | ')')) && after.next().is_some()
}

/// A channel id for a new name path: `ch-` and 8 hex digits of the path,
/// the same on every run.
fn new_channel_id(path: &[String], taken: &HashSet<String>) -> String {
    let base = format!("ch-{}", &hex(path.join("\u{1f}").as_bytes())[..8]);
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// Find a channel by name path, creating what is missing. Returns its id.
fn resolve_path(
    site: &mut SiteData,
    path: &[String],
    created: &mut Vec<(String, Vec<String>)>,
) -> Result<String, String> {
    if path.is_empty() {
        return Err("没有栏目".into());
    }
    let mut taken: HashSet<String> = channel_ids(&site.channels)
        .into_iter()
        .map(String::from)
        .collect();
    let mut level = &mut site.channels;
    let mut id = String::new();
    for (depth, name) in path.iter().enumerate() {
        let at = match level.iter().position(|c| c.name.trim() == name.trim()) {
            Some(i) => i,
            None => {
                let new_id = new_channel_id(&path[..=depth], &taken);
                taken.insert(new_id.clone());
                created.push((new_id.clone(), path[..=depth].to_vec()));
                level.push(Channel::new(new_id, name.trim()));
                level.len() - 1
            }
        };
        id = level[at].id.clone();
        level = &mut level[at].children;
    }
    Ok(id)
}

/// `site.toml` with the channels of `site` that `src` lacks, keeping the
/// operator's comments and layout (toml_edit); if that ever gives another
/// tree than wanted, the whole file is written fresh by `site_file`.
fn site_text(src: &str, site: &SiteData) -> String {
    fn add(tables: &mut toml_edit::ArrayOfTables, channels: &[Channel]) -> Option<()> {
        for c in channels {
            let at = tables
                .iter()
                .position(|t| t.get("id").and_then(|v| v.as_str()) == Some(c.id.as_str()));
            let table = match at {
                Some(i) => tables.get_mut(i)?,
                None => {
                    let mut t = toml_edit::Table::new();
                    t["id"] = toml_edit::value(c.id.as_str());
                    t["name"] = toml_edit::value(c.name.as_str());
                    tables.push(t);
                    let last = tables.len() - 1;
                    tables.get_mut(last)?
                }
            };
            if !c.children.is_empty() {
                if !table.contains_key("children") {
                    table.insert(
                        "children",
                        toml_edit::Item::ArrayOfTables(toml_edit::ArrayOfTables::new()),
                    );
                }
                add(
                    table.get_mut("children")?.as_array_of_tables_mut()?,
                    &c.children,
                )?;
            }
        }
        Some(())
    }
    fn tree(v: Option<&toml::Value>) -> Vec<(String, String, Vec<u8>)> {
        // (id, name, children as text) — enough to compare shapes.
        let Some(arr) = v.and_then(|v| v.as_array()) else {
            return Vec::new();
        };
        arr.iter()
            .map(|c| {
                let s = |k: &str| c.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
                let kids = format!("{:?}", tree(c.get("children")));
                (s("id"), s("name"), kids.into_bytes())
            })
            .collect()
    }
    fn wanted(channels: &[Channel]) -> toml::Value {
        toml::Value::Array(
            channels
                .iter()
                .map(|c| {
                    let mut t = toml::map::Map::new();
                    t.insert("id".into(), toml::Value::String(c.id.clone()));
                    t.insert("name".into(), toml::Value::String(c.name.clone()));
                    if !c.children.is_empty() {
                        t.insert("children".into(), wanted(&c.children));
                    }
                    toml::Value::Table(t)
                })
                .collect(),
        )
    }
    let edited = (|| {
        let mut doc: toml_edit::DocumentMut = src.parse().ok()?;
        if !doc.contains_key("channels") {
            doc.insert(
                "channels",
                toml_edit::Item::ArrayOfTables(toml_edit::ArrayOfTables::new()),
            );
        }
        add(
            doc.get_mut("channels")?.as_array_of_tables_mut()?,
            &site.channels,
        )?;
        let mut text = doc.to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let back: toml::Value = toml::from_str(&text).ok()?;
        let same = tree(back.get("channels")) == tree(Some(&wanted(&site.channels)));
        same.then_some(text)
    })();
    edited.unwrap_or_else(|| content::site_file(site))
}

/// Write `bytes` to `path` through a temporary file in the same folder and
/// a rename, so the file is never seen half-written.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // A leading dot: `pufa check` and `pufa build` never read it.
    let tmp = dir.join(format!(".{name}.pufa-import-{}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// What the content holds already: each id's file, and each bulletin's
/// title and publish time (files that do not read are still counted by id).
struct Existing {
    by_id: HashMap<String, PathBuf>,
    by_title: HashMap<(String, DateTime<FixedOffset>), PathBuf>,
}

fn existing(dir: &Path, site: &SiteData) -> Existing {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = fs::read_dir(dir) else { return };
        let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&dir.join(BULLETINS_DIR), &mut files);
    let channels = channel_ids(&site.channels);
    let mut ex = Existing {
        by_id: HashMap::new(),
        by_title: HashMap::new(),
    };
    for path in files {
        let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Ok(src) = fs::read_to_string(&path) {
            if let Ok(b) = content::load_bulletin(&path, &src, &channels, &|_| true) {
                ex.by_title
                    .entry((b.title.trim().to_string(), b.published))
                    .or_insert_with(|| rel.clone());
            }
        }
        ex.by_id.entry(id).or_insert(rel);
    }
    ex
}

fn change_of(path: &Path, bytes: &[u8]) -> Change {
    match fs::read(path) {
        Ok(old) if old == bytes => Change::Unchanged,
        Ok(_) => Change::Changed,
        Err(_) => Change::New,
    }
}

/// Read one source file into a bulletin; never panics on bad input (a
/// panic deep in a parser is caught and reported as that file's problem).
fn read_source(path: &Path, word: &WordMeta, site: &SiteData) -> Result<Imported, String> {
    let bytes = fs::read(path).map_err(|e| format!("无法读取：{e}"))?;
    let ext = ext_of(path);
    let run = || -> Result<Imported, String> {
        if ext == "docx" {
            docx::import(&bytes, word, site)
        } else {
            cms::import(path, &bytes)
        }
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
        .unwrap_or_else(|_| Err("读取时出现内部错误，文件可能已损坏".into()))
}

/// Import `inputs` (files or folders of old CMS pages and `.docx` files)
/// into the content folder `dir`. Errors that stop the whole run (no
/// `site.toml`, a write that fails) are `Err`; a file that cannot be
/// imported is listed in [`Report::skipped`] and the rest go on.
pub fn run(
    dir: &Path,
    inputs: &[PathBuf],
    word: &WordMeta,
    dry_run: bool,
) -> Result<Report, String> {
    let site = content::load_site(dir)
        .map_err(|p| format!("{p}\n导入前需要站点文件 {SITE_TOML}（写法见 docs/content.md）"))?;
    let site_src = fs::read_to_string(dir.join(SITE_TOML)).map_err(|e| e.to_string())?;
    let mut report = Report {
        dry_run,
        ..Report::default()
    };
    let mut files = Vec::new();
    for i in inputs {
        collect(i, true, &mut files, &mut report.skipped);
    }
    let ex = existing(dir, &site);
    let mut new_site = site.clone();
    let mut created = Vec::new();
    // id → the source that gave it in this run.
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut planned_bulletins: Vec<(PathBuf, String, PathBuf)> = Vec::new();
    let mut planned_media: Vec<(PathBuf, Vec<u8>, PathBuf)> = Vec::new();

    for file in files {
        let skip = |reason: String| Skipped {
            file: file.clone(),
            reason,
        };
        let imported = match read_source(&file, word, &site) {
            Ok(i) => i,
            Err(reason) => {
                report.skipped.push(skip(reason));
                continue;
            }
        };
        if let Some(other) = seen.get(&imported.id) {
            report.skipped.push(skip(format!(
                "与 {} 得到同一个文章 id“{}”：请给其中一个文件改名",
                other.display(),
                imported.id
            )));
            continue;
        }
        if !ex.by_id.contains_key(&imported.id) {
            if let Some(other) = ex
                .by_title
                .get(&(imported.title.trim().to_string(), imported.published))
            {
                report.skipped.push(skip(format!(
                    "内容里已有标题和发布时间都相同的文章 {}，没有重复导入",
                    other.display()
                )));
                continue;
            }
        }
        // Channels created for a page that then fails are kept out.
        let mut trial_site = new_site.clone();
        let mut trial_created = Vec::new();
        let channel = match &imported.channel {
            ChannelRef::Id(id) => Ok(id.clone()),
            ChannelRef::Path(p) => resolve_path(&mut trial_site, p, &mut trial_created),
        };
        let channel = match channel {
            Ok(c) => c,
            Err(e) => {
                report.skipped.push(skip(e));
                continue;
            }
        };
        let b = Bulletin {
            id: imported.id.clone(),
            title: imported.title.clone(),
            channel,
            published: imported.published,
            source: imported.source.clone(),
            views: imported.views,
            sample: false,
            body: imported.body.clone(),
        };
        let channels = channel_ids(&trial_site.channels);
        let text = match bulletin_text(&b, &channels) {
            Ok(t) => t,
            Err(e) => {
                report
                    .skipped
                    .push(skip(format!("生成的文章没有通过检查：{e}")));
                continue;
            }
        };
        new_site = trial_site;
        created.extend(trial_created);
        seen.insert(imported.id.clone(), file.clone());
        let rel = ex
            .by_id
            .get(&imported.id)
            .cloned()
            .unwrap_or_else(|| bulletin_path(&b));
        for (name, bytes) in imported.media {
            planned_media.push((Path::new(MEDIA_DIR).join(name), bytes, file.clone()));
        }
        for n in imported.notes {
            report.notes.push(skip(n));
        }
        planned_bulletins.push((rel, text, file.clone()));
    }

    // Plan every change before writing any.
    let site_new_text = (!created.is_empty()).then(|| site_text(&site_src, &new_site));
    if let Some(text) = &site_new_text {
        let sp = PathBuf::from(SITE_TOML);
        report.site = Some(Written {
            change: change_of(&dir.join(&sp), text.as_bytes()),
            path: sp,
            from: None,
        });
    }
    report.new_channels = created;
    for (rel, bytes, from) in &planned_media {
        report.media.push(Written {
            path: rel.clone(),
            change: change_of(&dir.join(rel), bytes),
            from: Some(from.clone()),
        });
    }
    for (rel, text, from) in &planned_bulletins {
        report.bulletins.push(Written {
            path: rel.clone(),
            change: change_of(&dir.join(rel), text.as_bytes()),
            from: Some(from.clone()),
        });
    }
    if dry_run {
        return Ok(report);
    }
    let fail = |path: &Path, e: std::io::Error| format!("写入 {} 失败：{e}", path.display());
    if let (Some(text), Some(w)) = (&site_new_text, &report.site) {
        if w.change != Change::Unchanged {
            let p = dir.join(SITE_TOML);
            write_atomic(&p, text.as_bytes()).map_err(|e| fail(&p, e))?;
        }
    }
    for ((rel, bytes, _), w) in planned_media.iter().zip(&report.media) {
        if w.change != Change::Unchanged {
            let p = dir.join(rel);
            write_atomic(&p, bytes).map_err(|e| fail(&p, e))?;
        }
    }
    for ((rel, text, _), w) in planned_bulletins.iter().zip(&report.bulletins) {
        if w.change != Change::Unchanged {
            let p = dir.join(rel);
            write_atomic(&p, text.as_bytes()).map_err(|e| fail(&p, e))?;
        }
    }
    Ok(report)
}

/// Text as a reader sees it: runs of white space become one space, the
/// ends are trimmed (full-width spaces used as paragraph indents too).
pub(crate) fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_ascii_whitespace() || c == '\u{a0}' || c == '\u{200b}' || c == '\u{feff}' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out.trim_matches(|c: char| c.is_whitespace()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_headings() {
        assert!(is_numbered_heading("一、建章立制,“三个加强”压实责任"));
        assert!(is_numbered_heading("十二、其他"));
        assert!(is_numbered_heading("（一）强化组织领导"));
        assert!(is_numbered_heading("(三)加强宣传"));
        assert!(!is_numbered_heading("一是组织领导加强。办公室领导高度重视"));
        assert!(!is_numbered_heading("第一,坚持“七五”普法"));
        assert!(!is_numbered_heading("一、"));
        assert!(!is_numbered_heading("（一）"));
        assert!(!is_numbered_heading("一、我们做了很多工作。"));
        assert!(!is_numbered_heading("1、数字编号"));
    }

    #[test]
    fn ids_are_stable_and_safe() {
        assert_eq!(
            cms_id(Path::new("x/000_2a560b80ea02a09f.txt")),
            "cms-000_2a560b80ea02a09f"
        );
        assert_eq!(cms_id(Path::new("a/123.html")), "cms-123");
        let id = cms_id(Path::new("新洲区委办公室.html"));
        assert!(id.starts_with("cms-") && id.len() == 16, "{id}");
        assert_eq!(id, cms_id(Path::new("other/新洲区委办公室.htm")));
    }

    #[test]
    fn clean_text_collapses_space() {
        assert_eq!(
            clean_text("\u{3000}\u{3000}根据 \n 中央\u{a0}要求 "),
            "根据 中央 要求"
        );
    }
}
