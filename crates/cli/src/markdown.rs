//! Bulletin bodies as Markdown, both ways.
//!
//! Office staff write plain Markdown: paragraphs, `##` headings, `-` and
//! `1.` lists, and images as `![说明](media/file.jpg)` on a line of their
//! own. That is read into the body blocks the portal renders ([`parse`]);
//! anything the portal cannot show as structure is refused with the line
//! to fix, or kept as plain text (inline emphasis, links and HTML become
//! their text: nothing in content is ever rendered as markup).
//!
//! [`write`] is the reverse, used once to convert the old JSON data: it
//! escapes what Markdown would otherwise read as markup, and the converter
//! checks that every body reads back identical.

use pufa_core::Block;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// A body block and the 1-based line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub block: Block,
    pub line: usize,
}

/// A mistake in a body, with its 1-based line in the body text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyError {
    pub line: usize,
    pub message: String,
}

enum Open {
    None,
    Heading(String),
    Paragraph {
        text: String,
        images: Vec<(String, String)>,
    },
    List {
        ordered: bool,
        items: Vec<String>,
    },
}

/// Read a Markdown body into blocks.
pub fn parse(src: &str) -> Result<Vec<Located>, BodyError> {
    // Where each line starts, so an event's line is a binary search (a
    // count of newlines per event would make long bodies quadratic).
    let newlines: Vec<usize> = src.match_indices('\n').map(|(i, _)| i).collect();
    let line_of = |offset: usize| newlines.partition_point(|&n| n < offset) + 1;
    // Whether the open paragraph was typed starting with an unescaped `![`.
    let mut typed_as_image = false;
    let mut out = Vec::new();
    let mut open = Open::None;
    let mut start = 0usize;
    // Inside an image, its text is the alt text, not paragraph text.
    let mut image: Option<(String, String)> = None;
    let mut item_text: Option<String> = None;

    for (event, range) in Parser::new_ext(src, Options::empty()).into_offset_iter() {
        let line = line_of(range.start);
        let fail = |message: &str| BodyError {
            line,
            message: message.to_string(),
        };
        // Text goes to whatever is being collected.
        let push_text = |open: &mut Open,
                         image: &mut Option<(String, String)>,
                         item: &mut Option<String>,
                         t: &str| {
            if let Some((_, alt)) = image.as_mut() {
                alt.push_str(t);
            } else if let Some(item) = item.as_mut() {
                item.push_str(t);
            } else {
                match open {
                    Open::Heading(s) | Open::Paragraph { text: s, .. } => s.push_str(t),
                    _ => {}
                }
            }
        };
        match event {
            Event::Start(Tag::Heading { .. }) => {
                start = line;
                open = Open::Heading(String::new());
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Open::Heading(t) = std::mem::replace(&mut open, Open::None) {
                    out.push(Located {
                        block: Block::Heading(t),
                        line: start,
                    });
                }
            }
            Event::Start(Tag::Paragraph) => {
                if item_text.is_none() {
                    start = line;
                    typed_as_image = src
                        .get(range.clone())
                        .is_some_and(|p| p.trim_start().starts_with("!["));
                    open = Open::Paragraph {
                        text: String::new(),
                        images: Vec::new(),
                    };
                } else if let Some(item) = item_text.as_mut() {
                    // A second paragraph inside one list item.
                    if !item.is_empty() {
                        item.push(' ');
                    }
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if item_text.is_some() {
                    continue;
                }
                if let Open::Paragraph { text, images } = std::mem::replace(&mut open, Open::None) {
                    match (images.len(), text.trim().is_empty()) {
                        // Written as an image but not read as one: most
                        // often a space in the file name.
                        (0, _) if typed_as_image && text.starts_with("![") && text.contains("](") => {
                            return Err(BodyError {
                                line: start,
                                message: "图片没有被识别：图片地址里不能有空格，请给文件改名，或写成 ![说明](<media/文件 名.jpg>)".into(),
                            })
                        }
                        (0, _) => out.push(Located {
                            block: Block::Paragraph(text),
                            line: start,
                        }),
                        (1, true) => {
                            let (src, alt) = images.into_iter().next().unwrap_or_default();
                            out.push(Located {
                                block: Block::Image { src, alt },
                                line: start,
                            });
                        }
                        _ => {
                            return Err(BodyError {
                                line: start,
                                message: "图片要单独成段：图片所在的行不能有别的文字或第二张图片".into(),
                            })
                        }
                    }
                }
            }
            Event::Start(Tag::List(first)) => {
                if let Open::List { .. } = open {
                    return Err(fail("不支持多级列表：请把下级内容写进上一级的列表项"));
                }
                start = line;
                open = Open::List {
                    ordered: first.is_some(),
                    items: Vec::new(),
                };
            }
            Event::End(TagEnd::List(_)) => {
                if let Open::List { ordered, items, .. } = std::mem::replace(&mut open, Open::None)
                {
                    out.push(Located {
                        block: Block::List { ordered, items },
                        line: start,
                    });
                }
            }
            Event::Start(Tag::Item) => item_text = Some(String::new()),
            Event::End(TagEnd::Item) => {
                if let (Some(t), Open::List { items, .. }) = (item_text.take(), &mut open) {
                    items.push(t);
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                if item_text.is_some() || !matches!(open, Open::Paragraph { .. }) {
                    return Err(fail("图片要单独成段，不能放在标题或列表里"));
                }
                image = Some((dest_url.to_string(), String::new()));
            }
            Event::End(TagEnd::Image) => {
                if let (Some(img), Open::Paragraph { images, .. }) = (image.take(), &mut open) {
                    images.push(img);
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                start = line;
                open = Open::Paragraph {
                    text: String::new(),
                    images: Vec::new(),
                };
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Open::Paragraph { text, .. } = std::mem::replace(&mut open, Open::None) {
                    out.push(Located {
                        block: Block::Paragraph(text.trim_end().to_string()),
                        line: start,
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                push_text(&mut open, &mut image, &mut item_text, &t);
            }
            // Markup written into content is shown as the characters typed.
            Event::Html(t) | Event::InlineHtml(t) => {
                if matches!(open, Open::None) {
                    start = line;
                    open = Open::Paragraph {
                        text: String::new(),
                        images: Vec::new(),
                    };
                    push_text(&mut open, &mut image, &mut item_text, t.trim_end());
                    if let Open::Paragraph { text, .. } = std::mem::replace(&mut open, Open::None) {
                        out.push(Located {
                            block: Block::Paragraph(text),
                            line: start,
                        });
                    }
                } else {
                    push_text(&mut open, &mut image, &mut item_text, &t);
                }
            }
            // A line break inside a paragraph: Chinese text needs no space.
            Event::SoftBreak => {}
            Event::HardBreak => push_text(&mut open, &mut image, &mut item_text, "\n"),
            Event::Rule => {}
            _ => {}
        }
    }
    Ok(out)
}

/// Escape text so that Markdown reads it back as exactly this text.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut at_line_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '!' | '#' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if at_line_start => {
                out.push('\\');
                out.push(c);
            }
            '0'..='9' if at_line_start => {
                // `1.` or `1)` at the start of a line would begin a list.
                out.push(c);
                while let Some(&d) = chars.peek() {
                    if d.is_ascii_digit() {
                        out.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if let Some(&p) = chars.peek() {
                    if p == '.' || p == ')' {
                        out.push('\\');
                        out.push(p);
                        chars.next();
                    }
                }
                at_line_start = false;
                continue;
            }
            '\n' => {
                // A hard break: backslash at the end of the line.
                out.push_str("\\\n");
                at_line_start = true;
                continue;
            }
            _ => out.push(c),
        }
        at_line_start = false;
    }
    out
}

/// Write blocks as Markdown (the reverse of [`parse`] for text that
/// [`parse`] produced or that was trimmed of surrounding space).
pub fn write(blocks: &[Block]) -> String {
    let mut out = String::new();
    // Two lists of one kind in a row would read back as one list; CommonMark
    // starts a new list when the marker changes, so every other one uses
    // `*` (or `1)`).
    let mut alternate = false;
    for (i, block) in blocks.iter().enumerate() {
        let follows_same_kind = matches!(
            (i.checked_sub(1).map(|p| &blocks[p]), block),
            (Some(Block::List { ordered: a, .. }), Block::List { ordered: b, .. }) if a == b
        );
        alternate = follows_same_kind && !alternate;
        if i > 0 {
            out.push('\n');
        }
        match block {
            Block::Heading(t) => {
                out.push_str("## ");
                out.push_str(&escape(t));
                out.push('\n');
            }
            Block::Paragraph(t) => {
                out.push_str(&escape(t));
                out.push('\n');
            }
            Block::List { ordered, items } => {
                for (n, item) in items.iter().enumerate() {
                    match (*ordered, alternate) {
                        (true, false) => out.push_str(&format!("{}. ", n + 1)),
                        (true, true) => out.push_str(&format!("{}) ", n + 1)),
                        (false, false) => out.push_str("- "),
                        (false, true) => out.push_str("* "),
                    }
                    out.push_str(&escape(item));
                    out.push('\n');
                }
            }
            Block::Image { src, alt } => {
                out.push_str(&format!("![{}]({src})\n", escape(alt)));
            }
        }
    }
    out
}
