//! Article pages of the old CMS (DedeCMS and its kin), as saved from the
//! site: HTML in GBK/GB2312 or UTF-8, or the page's plain text.
//!
//! A page is read in three steps:
//! 1. **Bytes to text** ([`decode`]): a byte-order mark wins; else the
//!    page's own `<meta charset>` or `http-equiv` declaration (found with
//!    the HTML parser); else UTF-8, else GBK. A page that does not decode
//!    cleanly in the encoding it declares is refused, never guessed at.
//! 2. **Text to lines** ([`html_lines`]): the HTML parser (html5ever via
//!    `scraper`) gives the tree; scripts, styles, forms' controls, frames
//!    and share widgets are dropped, every block element (`p`, `div`,
//!    `td`, `li`, `h1`…, `br`) ends a line. The plain-text form is already
//!    lines.
//! 3. **Lines to a bulletin** ([`page_from_lines`]): the article template
//!    is always breadcrumb (您当前所在的位置是:主页 > 普法动态 > 新洲区 >
//!    新洲区), title, the line with 发布时间 (and 来源, 浏览次数), the body,
//!    then the footer (友情连接, 上一篇, 版权所有 …). Everything before the
//!    breadcrumb (date bar, navigation) and from the footer on is frame.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use encoding_rs::{Encoding, GB18030, GBK, UTF_8, WINDOWS_1252};
use pufa_core::date::SHANGHAI;
use pufa_core::Block;
use scraper::{Html, Node};

use super::{clean_text, cms_id, is_numbered_heading, ChannelRef, Imported};

/// An article page, read.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub title: String,
    pub published: DateTime<FixedOffset>,
    /// 来源, when the page shows one.
    pub source: Option<String>,
    /// 浏览次数, only when the page shows a number.
    pub views: Option<u64>,
    /// Channel names from the breadcrumb, top first, without 主页 and the
    /// CMS's doubled last name.
    pub channel: Vec<String>,
    pub body: Vec<Block>,
    /// Things dropped that the operator may want to add by hand.
    pub notes: Vec<String>,
}

/// One line of the page as a reader sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub kind: LineKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineKind {
    Text,
    /// Inside `h1`–`h6`.
    Heading,
    /// Inside `li`; `true` in an `ol`.
    Item(bool),
    /// An `<img>`, with its alt text.
    Image,
}

pub(crate) fn import(path: &std::path::Path, bytes: &[u8]) -> Result<Imported, String> {
    let page = parse_page(bytes)?;
    Ok(Imported {
        id: cms_id(path),
        title: page.title,
        channel: ChannelRef::Path(page.channel),
        published: page.published,
        source: page.source,
        views: page.views,
        body: page.body,
        media: Vec::new(),
        notes: page.notes,
    })
}

/// Read a saved page (HTML or plain text, any supported encoding).
pub fn parse_page(bytes: &[u8]) -> Result<Page, String> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err("文件是空的".into());
    }
    let (text, html) = decode(bytes)?;
    let lines = if html {
        if !has_end_tag(&text) {
            return Err("页面不完整：没有结尾的 </html>，可能保存或下载时被截断".into());
        }
        html_lines(&Html::parse_document(&text))
    } else {
        text.lines()
            .map(|l| Line {
                text: clean_text(l),
                kind: LineKind::Text,
            })
            .filter(|l| !l.text.is_empty())
            .collect()
    };
    page_from_lines(&lines)
}

/// Whether the bytes are an HTML page rather than plain text (looked at in
/// ASCII, which GBK and UTF-8 share).
fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let trimmed = lower
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&lower[..0], |i| &lower[i..]);
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    trimmed.starts_with(b"<") || has(b"<html") || has(b"<body") || has(b"<!doctype")
}

/// A truncated download loses the end of the document. The parser repairs
/// any truncation silently, so the raw text is checked for the closing tag.
fn has_end_tag(text: &str) -> bool {
    let tail_start = text.len().saturating_sub(8192);
    let mut at = tail_start;
    while !text.is_char_boundary(at) {
        at += 1;
    }
    text[at..].to_ascii_lowercase().contains("</html")
}

/// The encoding the page declares in `<meta charset>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">`. The bytes
/// are parsed as windows-1252 (every byte is a character, and the ASCII
/// markup reads the same in GBK and UTF-8).
fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(16 * 1024)];
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(head);
    let doc = Html::parse_document(&text);
    for node in doc.tree.nodes() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        if el.name() != "meta" {
            continue;
        }
        if let Some(c) = el.attr("charset") {
            return Some(c.trim().to_string());
        }
        let is_type = el
            .attr("http-equiv")
            .is_some_and(|h| h.trim().eq_ignore_ascii_case("content-type"));
        if let (true, Some(content)) = (is_type, el.attr("content")) {
            let lower = content.to_ascii_lowercase();
            if let Some(i) = lower.find("charset=") {
                let rest = &content[i + "charset=".len()..];
                let label = rest
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_matches(['"', '\'']);
                return Some(label.to_string());
            }
        }
    }
    None
}

fn decode_strict(enc: &'static Encoding, bytes: &[u8]) -> Option<String> {
    enc.decode_without_bom_handling_and_without_replacement(bytes)
        .map(|c| c.into_owned())
}

/// The page's text and whether it is HTML.
pub fn decode(bytes: &[u8]) -> Result<(String, bool), String> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let text = decode_strict(enc, &bytes[bom..]).ok_or_else(|| {
            format!(
                "文件开头的标记表明是 {} 编码，但内容不是：文件可能已损坏",
                enc.name()
            )
        })?;
        let html = looks_like_html(text.as_bytes());
        return Ok((text, html));
    }
    let html = looks_like_html(bytes);
    if html {
        if let Some(label) = declared_charset(bytes) {
            let enc = Encoding::for_label(label.as_bytes())
                .ok_or_else(|| format!("页面声明了不认识的编码“{label}”"))?;
            // A page never is UTF-16 once it has ASCII markup (HTML's rule).
            let enc = if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                UTF_8
            } else {
                enc
            };
            let chinese = enc == GBK || enc == GB18030;
            if chinese && !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
                return Err(format!(
                    "页面声明的编码是 {label}，但内容其实是 UTF-8 编码：声明与内容不符，请核对后再导入"
                ));
            }
            let text = decode_strict(enc, bytes).ok_or_else(|| {
                let other = if enc == UTF_8 { "（可能是 GBK）" } else { "" };
                format!("页面声明的编码是 {label}，但内容不是 {label} 编码{other}：声明与内容不符，请核对后再导入")
            })?;
            return Ok((text, true));
        }
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), html));
    }
    if let Some(s) = decode_strict(GB18030, bytes) {
        return Ok((s, html));
    }
    Err("无法识别文件的编码：既不是 UTF-8 也不是 GBK/GB2312".into())
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "html"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
    )
}

/// Elements that are never text a reader reads as the article: code,
/// embedded frames, form controls, and share widgets (百度分享, JiaThis…).
fn is_skipped(el: &scraper::node::Element) -> bool {
    if matches!(
        el.name(),
        "head"
            | "script"
            | "style"
            | "noscript"
            | "template"
            | "iframe"
            | "object"
            | "embed"
            | "button"
            | "select"
            | "textarea"
            | "input"
            | "svg"
            | "canvas"
            | "audio"
            | "video"
            | "map"
    ) {
        return true;
    }
    let widget = |v: &str| {
        let v = v.to_ascii_lowercase();
        v.contains("share") || v.contains("jiathis")
    };
    el.attr("class").is_some_and(widget) || el.attr("id").is_some_and(widget)
}

/// The page's text as lines, frame and all (the frame is cut later by what
/// the lines say). Iterative, so a deeply nested page cannot overflow the
/// stack.
pub fn html_lines(doc: &Html) -> Vec<Line> {
    use ego_tree::iter::Edge;
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut skip = 0usize;
    let mut heading = 0usize;
    let mut lists: Vec<bool> = Vec::new();
    let mut item = 0usize;
    let flush = |cur: &mut String, lines: &mut Vec<Line>, kind: LineKind| {
        let text = clean_text(cur);
        cur.clear();
        if !text.is_empty() {
            lines.push(Line { text, kind });
        }
    };
    let kind_now = |heading: usize, item: usize, lists: &[bool]| {
        if heading > 0 {
            LineKind::Heading
        } else if item > 0 {
            LineKind::Item(lists.last().copied().unwrap_or(false))
        } else {
            LineKind::Text
        }
    };
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    if skip > 0 || is_skipped(el) {
                        skip += 1;
                        continue;
                    }
                    let name = el.name();
                    if is_block(name) || name == "br" || name == "img" {
                        let k = kind_now(heading, item, &lists);
                        flush(&mut cur, &mut lines, k);
                    }
                    match name {
                        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => heading += 1,
                        "ul" | "ol" => lists.push(name == "ol"),
                        "li" => item += 1,
                        "img" => {
                            let alt = clean_text(el.attr("alt").or(el.attr("title")).unwrap_or(""));
                            lines.push(Line {
                                text: alt,
                                kind: LineKind::Image,
                            });
                        }
                        _ => {}
                    }
                }
                Node::Text(t) if skip == 0 => cur.push_str(t),
                _ => {}
            },
            Edge::Close(node) => {
                let Node::Element(el) = node.value() else {
                    continue;
                };
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let name = el.name();
                if is_block(name) {
                    let k = kind_now(heading, item, &lists);
                    flush(&mut cur, &mut lines, k);
                }
                match name {
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => heading = heading.saturating_sub(1),
                    "ul" | "ol" => {
                        lists.pop();
                    }
                    "li" => item = item.saturating_sub(1),
                    _ => {}
                }
            }
        }
    }
    flush(&mut cur, &mut lines, LineKind::Text);
    lines
}

const CRUMB: [&str; 3] = ["所在的位置", "所在位置", "当前位置"];
const TIME_LABELS: [&str; 6] = [
    "发布时间",
    "发布日期",
    "发表时间",
    "发稿时间",
    "更新时间",
    "录入时间",
];
/// Labels of the line under the title, longest first where one contains
/// another.
const LABELS: [&str; 18] = [
    "发布时间",
    "发布日期",
    "发表时间",
    "发稿时间",
    "更新时间",
    "录入时间",
    "浏览次数",
    "点击次数",
    "阅读次数",
    "责任编辑",
    "点击数",
    "浏览量",
    "阅读量",
    "来源",
    "作者",
    "编辑",
    "字号",
    "点击",
];
const VIEW_LABELS: [&str; 7] = [
    "浏览次数",
    "点击次数",
    "阅读次数",
    "点击数",
    "浏览量",
    "阅读量",
    "点击",
];
/// A line starting with one of these is the page footer: the article ended.
const FOOTER: [&str; 16] = [
    "友情连接",
    "友情链接",
    "上一篇",
    "下一篇",
    "相关文章",
    "相关阅读",
    "相关链接",
    "版权所有",
    "Copyright",
    "COPYRIGHT",
    "copyright",
    "©",
    "【打印",
    "【关闭",
    "打印本页",
    "关闭窗口",
];
/// Widget lines inside the article area.
const WIDGET: [&str; 5] = ["分享到", "【字体", "字体：", "字号：", "【返回"];
const HOME: [&str; 5] = ["主页", "首页", "网站首页", "本站首页", "Home"];
const LEAF: [&str; 5] = ["正文", "内容", "正文内容", "详细内容", "阅读文章"];

/// The labels in `text` with the value each one has (up to the next
/// label). A label needs a colon after it, except a time label.
fn labelled(text: &str) -> Vec<(&'static str, String)> {
    let mut found: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if !text.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let rest = &text[i..];
        let hit = LABELS.iter().find(|l| {
            rest.starts_with(*l) && {
                let after = rest[l.len()..].trim_start();
                TIME_LABELS.contains(l) || after.starts_with([':', '：'])
            }
        });
        match hit {
            Some(l) => {
                found.push((i, i + l.len(), l));
                i += l.len();
            }
            None => i += 1,
        }
    }
    let mut out = Vec::new();
    for (n, (_, end, label)) in found.iter().enumerate() {
        let stop = found.get(n + 1).map_or(text.len(), |next| next.0);
        let value = text[*end..stop]
            .trim_start()
            .trim_start_matches([':', '：'])
            .trim()
            .trim_end_matches(['|', '】', ']', '/'])
            .trim();
        out.push((*label, value.to_string()));
    }
    out
}

/// A publish time as CMS pages write it: `2021-07-26 09:33`, with seconds,
/// with `/` or 年月日, full-width digits; Beijing time.
pub fn parse_time(text: &str) -> Option<DateTime<FixedOffset>> {
    let ascii: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    let numbers: Vec<u32> = ascii
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<u32>().ok())
        .collect::<Option<_>>()?;
    let (y, m, d) = (*numbers.first()?, *numbers.get(1)?, *numbers.get(2)?);
    if !(1990..=2100).contains(&y) {
        return None;
    }
    let (h, min, s) = match numbers.len() {
        3 => (0, 0, 0),
        5 => (numbers[3], numbers[4], 0),
        6 => (numbers[3], numbers[4], numbers[5]),
        _ => return None,
    };
    let naive = NaiveDate::from_ymd_opt(y as i32, m, d)?.and_hms_opt(h, min, s)?;
    SHANGHAI.from_local_datetime(&naive).single()
}

/// The channel names of a breadcrumb line.
pub fn crumb_path(line: &str, title: &str) -> Vec<String> {
    let at = CRUMB
        .iter()
        .filter_map(|c| line.find(c).map(|i| i + c.len()))
        .min()
        .unwrap_or(0);
    let rest = line[at..]
        .trim_start()
        .trim_start_matches('是')
        .trim_start()
        .trim_start_matches([':', '：']);
    let mut parts: Vec<String> = rest
        .split(['>', '＞', '»', '›', '→'])
        .map(clean_text)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.first().is_some_and(|p| HOME.contains(&p.as_str())) {
        parts.remove(0);
    }
    // The CMS ends the trail with the article's own channel again (or 正文,
    // or the title).
    if let Some(last) = parts.last() {
        let n = parts.len();
        if (n >= 2 && parts[n - 2] == *last) || LEAF.contains(&last.as_str()) || last == title {
            parts.pop();
        }
    }
    parts
}

/// Find the article in a page's lines.
pub fn page_from_lines(lines: &[Line]) -> Result<Page, String> {
    let text_at = |i: usize| lines[i].text.as_str();
    let crumb = lines
        .iter()
        .position(|l| l.kind != LineKind::Image && CRUMB.iter().any(|c| l.text.contains(c)));
    let from = crumb.map_or(0, |c| c + 1);
    let info = (from..lines.len())
        .find(|&i| {
            lines[i].kind != LineKind::Image && TIME_LABELS.iter().any(|t| text_at(i).contains(t))
        })
        .ok_or("找不到发布时间：页面里没有“发布时间”一行（可能不是文章页，或页面不完整）")?;
    let is_label_line = |i: usize| {
        let t = text_at(i);
        lines[i].kind == LineKind::Text
            && LABELS.iter().any(|l| t.starts_with(l))
            && !labelled(t).is_empty()
    };
    let mut start = info;
    while start > from && is_label_line(start - 1) {
        start -= 1;
    }
    let mut end = info + 1;
    while end < lines.len()
        && (is_label_line(end) || WIDGET.iter().any(|w| text_at(end).starts_with(w)))
    {
        end += 1;
    }
    // The title: the last heading between the breadcrumb and the info line,
    // else the line just above the info line.
    let title_line = (from..start)
        .rev()
        .find(|&i| lines[i].kind == LineKind::Heading)
        .or_else(|| {
            (from..start).rev().find(|&i| {
                lines[i].kind == LineKind::Text && !WIDGET.iter().any(|w| text_at(i).starts_with(w))
            })
        });
    let title = title_line
        .map(|i| text_at(i).to_string())
        .filter(|t| !t.is_empty())
        .ok_or("找不到标题：面包屑和“发布时间”之间没有文章标题")?;
    let crumb = crumb
        .ok_or("找不到“您当前所在的位置”一行（面包屑），无法确定栏目：请确认保存的是文章页")?;
    let channel = crumb_path(text_at(crumb), &title);
    if channel.is_empty() {
        return Err(format!(
            "面包屑“{}”里没有栏目名，无法确定栏目",
            text_at(crumb)
        ));
    }

    let info_text: Vec<&str> = (start..end).map(text_at).collect();
    let values = labelled(&info_text.join(" "));
    let time_text = values
        .iter()
        .find(|(l, _)| TIME_LABELS.contains(l))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let published = parse_time(&time_text).ok_or_else(|| {
        format!("发布时间“{time_text}”无法识别：应为 2021-07-26 09:33 这样的写法")
    })?;
    let source = values
        .iter()
        .find(|(l, _)| *l == "来源")
        .map(|(_, v)| v.clone())
        .filter(|v| !v.is_empty());
    let views = values
        .iter()
        .find(|(l, _)| VIEW_LABELS.contains(l))
        .and_then(|(_, v)| {
            let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
            digits.parse::<u64>().ok()
        });

    let mut body = Vec::new();
    let mut notes = Vec::new();
    for line in &lines[end..] {
        let t = line.text.as_str();
        // DedeCMS's default template ends the article with a
        // ------分隔线------ line.
        let rule = t.starts_with("--") && t.contains("分隔线");
        if rule || FOOTER.iter().any(|f| t.starts_with(f)) {
            break;
        }
        if WIDGET.iter().any(|w| t.starts_with(w))
            || t.chars()
                .all(|c| c.is_ascii_punctuation() || c.is_whitespace() || c == '｜')
        {
            continue;
        }
        match line.kind {
            LineKind::Image => notes.push(format!(
                "正文里的图片{}没有导入：请把图片放进 media/ 文件夹，再在文章里写 ![说明](media/文件名)",
                if t.is_empty() { String::new() } else { format!("“{t}”") }
            )),
            LineKind::Item(ordered) => match body.last_mut() {
                Some(Block::List { ordered: o, items }) if *o == ordered => items.push(t.to_string()),
                _ => body.push(Block::List {
                    ordered,
                    items: vec![t.to_string()],
                }),
            },
            LineKind::Heading if body.is_empty() && t == title => {}
            LineKind::Heading => body.push(Block::Heading(t.to_string())),
            LineKind::Text if is_numbered_heading(t) => body.push(Block::Heading(t.to_string())),
            LineKind::Text => body.push(Block::Paragraph(t.to_string())),
        }
    }
    if body.is_empty() {
        return Err("正文是空的：“发布时间”之后、页脚之前没有文字".into());
    }
    Ok(Page {
        title,
        published,
        source,
        views,
        channel,
        body,
        notes,
    })
}
