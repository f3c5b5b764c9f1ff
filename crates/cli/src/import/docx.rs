//! Word files (`.docx`): title, headings, paragraphs, lists and images
//! with their alt text.
//!
//! A `.docx` is a zip of XML parts (ECMA-376): `word/document.xml` (the
//! text), `word/styles.xml` (which paragraph style is a heading),
//! `word/numbering.xml` (which numbered paragraphs are bullets, numbers or
//! 一、二、), `word/_rels/document.xml.rels` (where each image is) and
//! `word/media/*`. They are read here with `zip` and `quick-xml`, both
//! widely used and maintained, rather than with `docx-rs`: its reader
//! (0.4) drops an image's alt text (`wp:docPr/@descr`), which the portal
//! requires for every image, and unwraps on XML it does not expect, where
//! bad input must never panic.
//!
//! What becomes what:
//! - **Title**: the paragraph in Word's 标题/Title style; without one, the
//!   first paragraph (a Chinese bulletin starts with its title).
//! - **Headings**: paragraphs in a Heading 1–9 style (标题 1…, or any style
//!   with an outline level), and paragraphs numbered 一、 二、 （一）,
//!   typed or by Word's automatic Chinese numbering.
//! - **Lists**: paragraphs with Word bullets or numbers (a list style or
//!   the list buttons); consecutive ones form one list.
//! - **Images**: each picture, with the text of 编辑替代文字 (alt text),
//!   copied into `media/`. A picture without alt text stops the file with
//!   the reason: the portal shows every image with a description.
//! - Tables' cells become paragraphs; text boxes, deleted revisions, field
//!   codes and page breaks are left out.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::Path;

use pufa_core::{Block, SiteData};
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::{clean_text, is_numbered_heading, word_id, ChannelRef, Imported, WordMeta};

/// The largest part read from a `.docx` (a zip bomb stops here).
const MAX_PART: u64 = 64 * 1024 * 1024;
/// Image formats a browser shows.
const IMAGE_EXTS: [&str; 7] = ["png", "jpg", "jpeg", "gif", "webp", "svg", "bmp"];

/// A Word file, read.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    pub title: String,
    pub body: Vec<DocBlock>,
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DocBlock {
    Block(Block),
    /// An image's bytes, its file extension (lower case) and alt text.
    Image {
        data: Vec<u8>,
        ext: String,
        alt: String,
    },
}

/// A Word file's body as bulletin blocks, and its images as media files
/// named `<id>-<n>.<ext>` (n from 1) that the blocks point to.
pub fn body_and_media(body: Vec<DocBlock>, id: &str) -> (Vec<Block>, Vec<(String, Vec<u8>)>) {
    let mut media = Vec::new();
    let blocks = body
        .into_iter()
        .map(|b| match b {
            DocBlock::Block(b) => b,
            DocBlock::Image { data, ext, alt } => {
                let name = format!("{id}-{}.{ext}", media.len() + 1);
                media.push((name.clone(), data));
                Block::Image {
                    src: format!("media/{name}"),
                    alt,
                }
            }
        })
        .collect();
    (blocks, media)
}

pub(crate) fn import(bytes: &[u8], word: &WordMeta, site: &SiteData) -> Result<Imported, String> {
    let doc = parse_docx(bytes)?;
    let channel = word.channel.as_deref().ok_or(
        "缺少栏目：Word 文件请用 --channel 指定栏目（栏目 id，或“普法动态 > 新洲区”这样的栏目名）",
    )?;
    let published = word
        .published
        .ok_or("缺少发布时间：Word 文件请用 --published \"2026-03-01 09:30\" 指定（北京时间）")?;
    let id = word_id(&doc.title, &published);
    let (body, media) = body_and_media(doc.body, &id);
    Ok(Imported {
        id,
        title: doc.title,
        channel: ChannelRef::parse(channel, site),
        published,
        source: None,
        views: None,
        body,
        media,
        notes: doc.notes,
    })
}

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// A part's bytes; `None` when the file has no such part.
fn part(zip: &mut Archive<'_>, name: &str) -> Result<Option<Vec<u8>>, String> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("无法读取 Word 文件里的 {name}：{e}")),
    };
    let mut out = Vec::new();
    file.take(MAX_PART + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("无法读取 Word 文件里的 {name}：{e}（文件可能已损坏）"))?;
    if out.len() as u64 > MAX_PART {
        return Err(format!("Word 文件里的 {name} 太大"));
    }
    Ok(Some(out))
}

fn xml_text(bytes: Vec<u8>, name: &str) -> Result<String, String> {
    let s = String::from_utf8(bytes)
        .map_err(|_| format!("Word 文件里的 {name} 不是 UTF-8 编码的 XML"))?;
    Ok(s.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(s))
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name)
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

fn local(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_string()
}

/// Every element of an XML part: `f(Some(start), name)` where it opens,
/// `f(None, name)` where it closes (an empty element does both); text is
/// not needed in styles, numbering and relationships.
fn each_element(
    xml: &str,
    name: &str,
    mut f: impl FnMut(Option<&BytesStart<'_>>, &str),
) -> Result<(), String> {
    let mut r = Reader::from_str(xml);
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) => f(Some(&e), &local(&e)),
            Ok(Event::Empty(e)) => {
                let n = local(&e);
                f(Some(&e), &n);
                f(None, &n);
            }
            Ok(Event::End(e)) => f(None, e.local_name().as_ref()),
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => return Err(format!("Word 文件里的 {name} 格式有误：{e}")),
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u32>,
    num: Option<String>,
}

fn read_styles(xml: &str) -> Result<HashMap<String, Style>, String> {
    let mut styles = HashMap::new();
    let mut cur: Option<(String, Style)> = None;
    let mut in_change = 0usize;
    each_element(xml, "styles.xml", |e, n| {
        if n == "pPrChange" || n == "rPrChange" {
            in_change = if e.is_some() {
                in_change + 1
            } else {
                in_change.saturating_sub(1)
            };
            return;
        }
        let Some(e) = e else {
            if n == "style" {
                if let Some((id, s)) = cur.take() {
                    styles.insert(id, s);
                }
            }
            return;
        };
        if in_change > 0 {
            return;
        }
        if n == "style" {
            cur = attr(e, "styleId").map(|id| (id, Style::default()));
            return;
        }
        let Some((_, s)) = cur.as_mut() else { return };
        match n {
            "name" => s.name = attr(e, "val").unwrap_or_default().to_lowercase(),
            "basedOn" => s.based_on = attr(e, "val"),
            "outlineLvl" => s.outline = attr(e, "val").and_then(|v| v.parse().ok()),
            "numId" => s.num = attr(e, "val"),
            _ => {}
        }
    })?;
    Ok(styles)
}

/// numId → (level → (format, level text)).
type Numbering = HashMap<String, HashMap<u32, (String, String)>>;

fn read_numbering(xml: &str) -> Result<Numbering, String> {
    let mut abstracts: HashMap<String, HashMap<u32, (String, String)>> = HashMap::new();
    let mut nums: HashMap<String, String> = HashMap::new();
    let mut cur_abstract: Option<String> = None;
    let mut cur_level: Option<u32> = None;
    let mut cur_num: Option<String> = None;
    each_element(xml, "numbering.xml", |e, n| {
        let Some(e) = e else {
            match n {
                "abstractNum" => cur_abstract = None,
                "lvl" => cur_level = None,
                "num" => cur_num = None,
                _ => {}
            }
            return;
        };
        match n {
            "abstractNum" => cur_abstract = attr(e, "abstractNumId"),
            "lvl" => cur_level = attr(e, "ilvl").and_then(|v| v.parse().ok()),
            "numFmt" | "lvlText" => {
                if let (Some(a), Some(l)) = (&cur_abstract, cur_level) {
                    let entry = abstracts
                        .entry(a.clone())
                        .or_default()
                        .entry(l)
                        .or_insert_with(|| ("decimal".into(), String::new()));
                    let v = attr(e, "val").unwrap_or_default();
                    if n == "numFmt" {
                        entry.0 = v;
                    } else {
                        entry.1 = v;
                    }
                }
            }
            "num" => cur_num = attr(e, "numId"),
            "abstractNumId" => {
                if let (Some(num), Some(a)) = (&cur_num, attr(e, "val")) {
                    nums.insert(num.clone(), a);
                }
            }
            _ => {}
        }
    })?;
    Ok(nums
        .into_iter()
        .filter_map(|(n, a)| abstracts.get(&a).map(|l| (n, l.clone())))
        .collect())
}

/// rId → (target, external).
fn read_rels(xml: &str) -> Result<HashMap<String, (String, bool)>, String> {
    let mut rels = HashMap::new();
    each_element(xml, "document.xml.rels", |e, n| {
        if let (Some(e), "Relationship") = (e, n) {
            if let (Some(id), Some(target)) = (attr(e, "Id"), attr(e, "Target")) {
                let external = attr(e, "TargetMode").is_some_and(|m| m == "External");
                rels.insert(id, (target, external));
            }
        }
    })?;
    Ok(rels)
}

/// A zip part name for a relationship target of `word/document.xml`.
fn part_name(target: &str) -> String {
    let mut parts: Vec<&str> = if let Some(abs) = target.strip_prefix('/') {
        abs.split('/').collect()
    } else {
        let mut p = vec!["word"];
        p.extend(target.split('/'));
        p
    };
    let mut out: Vec<&str> = Vec::new();
    for p in parts.drain(..) {
        match p {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out.join("/")
}

/// 1 → 一, 12 → 十二, 20 → 二十 (Word's chineseCounting, up to 99).
fn chinese_number(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[(n - 10) as usize] }),
        20..=99 => format!(
            "{}十{}",
            D[(n / 10) as usize],
            if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            }
        ),
        _ => n.to_string(),
    }
}

fn is_chinese_format(fmt: &str) -> bool {
    fmt.starts_with("chinese") || fmt.starts_with("ideograph") || fmt == "taiwaneseCounting"
}

/// A paragraph as found in document.xml.
#[derive(Default)]
struct Para {
    style: Option<String>,
    num: Option<(String, u32)>,
    outline: Option<u32>,
    text: String,
    /// (relationship id, alt text) of each picture.
    images: Vec<(String, String)>,
}

enum Kind {
    Title,
    Heading,
    Item(bool),
    Text,
}

/// Read a `.docx` file.
pub fn parse_docx(bytes: &[u8]) -> Result<Doc, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        "不是有效的 .docx 文件（不是 zip 压缩包，可能已损坏，或是改了扩展名的 .doc）".to_string()
    })?;
    let document = part(&mut zip, "word/document.xml")?
        .ok_or("不是 Word 文档：.docx 里没有 word/document.xml")?;
    let document = xml_text(document, "document.xml")?;
    let styles = match part(&mut zip, "word/styles.xml")? {
        Some(b) => read_styles(&xml_text(b, "styles.xml")?)?,
        None => HashMap::new(),
    };
    let numbering = match part(&mut zip, "word/numbering.xml")? {
        Some(b) => read_numbering(&xml_text(b, "numbering.xml")?)?,
        None => HashMap::new(),
    };
    let rels = match part(&mut zip, "word/_rels/document.xml.rels")? {
        Some(b) => read_rels(&xml_text(b, "document.xml.rels")?)?,
        None => HashMap::new(),
    };
    let (paras, vml) = read_paragraphs(&document)?;

    // The style chain of a paragraph (basedOn, at most 20 deep).
    let chain = |id: Option<&String>| -> Vec<&Style> {
        let mut out = Vec::new();
        let mut at = id.cloned();
        while let Some(s) = at.as_ref().and_then(|i| styles.get(i)) {
            out.push(s);
            if out.len() > 20 {
                break;
            }
            at = s.based_on.clone();
        }
        out
    };
    let mut notes = Vec::new();
    if vml > 0 {
        notes.push(format!(
            "有 {vml} 个旧格式（VML）的图片或图形没有导入：如是图片，请在 Word 里重新插入后再导入"
        ));
    }
    let mut counters: HashMap<String, [u32; 9]> = HashMap::new();
    let mut title: Option<String> = None;
    let mut first_text: Option<usize> = None;
    let mut body: Vec<DocBlock> = Vec::new();
    let mut picture = 0usize;
    for p in paras {
        let styles_of = chain(p.style.as_ref());
        let style_id = p.style.clone().unwrap_or_default();
        let named = |n: &str| styles_of.first().is_some_and(|s| s.name == n);
        let is_title = named("title") || named("标题") || style_id == "Title";
        let heading_name = styles_of.first().is_some_and(|s| {
            let n = s.name.as_str();
            n.strip_prefix("heading ")
                .or_else(|| n.strip_prefix("标题 "))
                .is_some_and(|d| d.parse::<u32>().is_ok())
        }) || style_id
            .strip_prefix("Heading")
            .is_some_and(|d| d.parse::<u32>().is_ok());
        let outline = p
            .outline
            .or_else(|| styles_of.iter().find_map(|s| s.outline))
            .is_some_and(|l| l < 9);
        let num = p
            .num
            .clone()
            .or_else(|| styles_of.iter().find_map(|s| s.num.clone()).map(|n| (n, 0)));
        let mut text = p.text.replace('\t', " ");
        let mut kind = if is_title {
            Kind::Title
        } else if heading_name || outline {
            Kind::Heading
        } else {
            Kind::Text
        };
        if let Some((num_id, level)) = num.filter(|(n, _)| n != "0") {
            let levels = numbering.get(&num_id);
            let (fmt, lvl_text) = levels
                .and_then(|l| l.get(&level))
                .cloned()
                .unwrap_or_else(|| ("decimal".into(), String::new()));
            let level = level.min(8) as usize;
            let c = counters.entry(num_id.clone()).or_insert([0; 9]);
            c[level] += 1;
            for deeper in c.iter_mut().skip(level + 1) {
                *deeper = 0;
            }
            let c = *c;
            if is_chinese_format(&fmt) {
                // Word writes 一、 itself: put the number into the text.
                let mut label = lvl_text.clone();
                for (l, count) in c.iter().enumerate().take(level + 1) {
                    let f = levels
                        .and_then(|ls| ls.get(&(l as u32)))
                        .map(|x| x.0.as_str())
                        .unwrap_or("decimal");
                    let shown = if is_chinese_format(f) {
                        chinese_number(*count)
                    } else {
                        count.to_string()
                    };
                    label = label.replace(&format!("%{}", l + 1), &shown);
                }
                text = format!("{label}{}", text.trim_start());
            } else if fmt != "none" && matches!(kind, Kind::Text) {
                kind = Kind::Item(fmt != "bullet");
            }
        }
        let one_line = clean_text(&text.replace('\n', " "));
        if matches!(kind, Kind::Text) && is_numbered_heading(&one_line) {
            kind = Kind::Heading;
        }
        if !one_line.is_empty() {
            match kind {
                Kind::Title if title.is_none() => title = Some(one_line),
                Kind::Title | Kind::Heading => {
                    body.push(DocBlock::Block(Block::Heading(one_line)));
                }
                Kind::Item(ordered) => match body.last_mut() {
                    Some(DocBlock::Block(Block::List { ordered: o, items })) if *o == ordered => {
                        items.push(one_line)
                    }
                    _ => body.push(DocBlock::Block(Block::List {
                        ordered,
                        items: vec![one_line],
                    })),
                },
                Kind::Text => {
                    let lines: Vec<String> = text
                        .split('\n')
                        .map(clean_text)
                        .filter(|l| !l.is_empty())
                        .collect();
                    body.push(DocBlock::Block(Block::Paragraph(lines.join("\n"))));
                }
            }
            if first_text.is_none() && !matches!(body.last(), Some(DocBlock::Image { .. })) {
                first_text = Some(body.len().saturating_sub(1));
            }
        }
        for (rid, alt) in p.images {
            picture += 1;
            let Some((target, external)) = rels.get(&rid) else {
                notes.push(format!("第 {picture} 张图片找不到图片文件，没有导入"));
                continue;
            };
            if *external {
                notes.push(format!(
                    "第 {picture} 张图片是链接到外部的“{target}”，没有嵌入文档，没有导入"
                ));
                continue;
            }
            let name = part_name(target);
            let ext = Path::new(&name)
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if !IMAGE_EXTS.contains(&ext.as_str()) {
                notes.push(format!(
                    "第 {picture} 张图片是 .{ext} 格式，浏览器无法显示，没有导入：请在 Word 里另存为 PNG 或 JPG 图片后再插入"
                ));
                continue;
            }
            let alt = clean_text(&alt);
            if alt.is_empty() {
                return Err(format!(
                    "第 {picture} 张图片（{name}）没有替代文字：请在 Word 里右键图片 →“编辑替代文字”，写明图片内容后再导入"
                ));
            }
            let data = part(&mut zip, &name)?
                .ok_or_else(|| format!("第 {picture} 张图片的文件 {name} 不在文档里"))?;
            body.push(DocBlock::Image { data, ext, alt });
        }
    }
    let title = match title {
        Some(t) => t,
        // No Title style: the first paragraph is the title.
        None => match first_text {
            Some(0) => match body.remove(0) {
                DocBlock::Block(b) => b.text().replace('\n', " "),
                DocBlock::Image { .. } => String::new(),
            },
            _ => String::new(),
        },
    };
    if title.trim().is_empty() {
        return Err("找不到标题：Word 文件的第一段应是文章标题（或使用“标题”样式）".into());
    }
    if body.is_empty() {
        return Err("正文是空的：Word 文件里除了标题没有别的内容".into());
    }
    Ok(Doc { title, body, notes })
}

/// The paragraphs of document.xml, in order (table cells' too).
/// Also how many old-style (VML) pictures and shapes were left out.
fn read_paragraphs(xml: &str) -> Result<(Vec<Para>, usize), String> {
    // Elements whose content is never body text.
    const SKIP: [&str; 9] = [
        "Fallback",
        "del",
        "delText",
        "instrText",
        "txbxContent",
        "pPrChange",
        "rPrChange",
        "moveFrom",
        "pict",
    ];
    let mut r = Reader::from_str(xml);
    let mut body = Body::default();
    let mut skip = 0usize;
    let mut pict = 0usize;
    loop {
        let event = r
            .read_event()
            .map_err(|e| format!("Word 文件的正文（document.xml）格式有误：{e}"))?;
        match event {
            Event::Eof => break,
            Event::Start(_) if skip > 0 => skip += 1,
            Event::Empty(_) if skip > 0 => {}
            Event::End(_) if skip > 0 => skip -= 1,
            Event::Start(e) => {
                let n = local(&e);
                if SKIP.contains(&n.as_str()) {
                    if n == "pict" {
                        pict += 1;
                    }
                    skip = 1;
                    continue;
                }
                body.start(&n, &e);
            }
            Event::Empty(e) => {
                let n = local(&e);
                if n == "p" {
                    body.out.push(Para::default());
                    continue;
                }
                body.start(&n, &e);
                body.end(&n);
            }
            Event::End(e) => {
                let n = e.local_name().as_ref().to_string();
                body.end(&n);
            }
            Event::Text(t) if body.in_t => body.text(&t.xml10_content()),
            Event::CData(t) if body.in_t => body.text(&t.xml10_content()),
            Event::GeneralRef(r) if body.in_t => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                        .map(String::from)
                };
                if let Some(s) = resolved {
                    body.text(&s);
                }
            }
            _ => {}
        }
    }
    Ok((body.out, pict))
}

/// Where the reader of document.xml is: the paragraphs so far, the one
/// being read, and which of its elements it is inside.
#[derive(Default)]
struct Body {
    out: Vec<Para>,
    cur: Option<Para>,
    in_t: bool,
    in_run: usize,
    in_ppr: bool,
    /// An image being read: its relationship id and its alt text.
    drawing: Option<(Option<String>, String)>,
}

impl Body {
    fn text(&mut self, s: &str) {
        if let Some(p) = self.cur.as_mut() {
            p.text.push_str(s);
        }
    }

    fn start(&mut self, n: &str, e: &BytesStart<'_>) {
        match n {
            "p" => self.cur = Some(Para::default()),
            "pPr" => self.in_ppr = true,
            "r" => self.in_run += 1,
            "t" if self.in_run > 0 => self.in_t = true,
            _ => {}
        }
        let (in_run, in_ppr) = (self.in_run, self.in_ppr);
        let drawing = &mut self.drawing;
        let Some(p) = self.cur.as_mut() else { return };
        match n {
            "pStyle" if in_ppr => p.style = attr(e, "val"),
            "outlineLvl" if in_ppr => p.outline = attr(e, "val").and_then(|v| v.parse().ok()),
            "ilvl" if in_ppr => {
                let l = attr(e, "val").and_then(|v| v.parse().ok()).unwrap_or(0);
                let id = p.num.take().map(|(i, _)| i).unwrap_or_default();
                p.num = Some((id, l));
            }
            "numId" if in_ppr => {
                let l = p.num.take().map_or(0, |(_, l)| l);
                p.num = Some((attr(e, "val").unwrap_or_default(), l));
            }
            "tab" if in_run > 0 && !in_ppr => p.text.push('\t'),
            // A line break; a page or column break is layout, not text.
            "br" | "cr" if in_run > 0 && attr(e, "type").is_none_or(|t| t == "textWrapping") => {
                p.text.push('\n');
            }
            "drawing" => *drawing = Some((None, String::new())),
            "docPr" => {
                if let Some(d) = drawing.as_mut() {
                    let descr = attr(e, "descr").unwrap_or_default();
                    d.1 = if descr.trim().is_empty() {
                        attr(e, "title").unwrap_or_default()
                    } else {
                        descr
                    };
                }
            }
            "blip" => {
                if let Some(d) = drawing.as_mut() {
                    d.0 = attr(e, "embed");
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, n: &str) {
        match n {
            "p" => {
                if let Some(p) = self.cur.take() {
                    self.out.push(p);
                }
            }
            "pPr" => self.in_ppr = false,
            "r" => self.in_run = self.in_run.saturating_sub(1),
            "t" => self.in_t = false,
            "drawing" => {
                if let (Some((Some(rid), alt)), Some(p)) = (self.drawing.take(), self.cur.as_mut())
                {
                    p.images.push((rid, alt));
                }
            }
            _ => {}
        }
    }
}
