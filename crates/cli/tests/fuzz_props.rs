//! Structured property tests of the content parser and the importers:
//! bulletin files (TOML front matter + Markdown body), Markdown bodies,
//! `site.toml`, old CMS article pages (HTML in GBK or UTF-8, plain text)
//! and Word files, built to look valid and then damaged. The
//! stable-toolchain companion of the libFuzzer targets in `fuzz/` (issue
//! #13, item 9; docs/fuzzing.md): nothing may panic, also when what was
//! read is written back and read again, or imported and written as a
//! bulletin.
//!
//! CI runs a few hundred cases; `PUFA_FUZZ_CASES=1000000 cargo test
//! --release -p pufa-cli --test fuzz_props` runs them at volume.

use std::collections::HashSet;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use pufa_cli::import::{cms, cms_id, docx, word_id};
use pufa_cli::{content, convert, markdown};
use pufa_core::Bulletin;

fn odd_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("pufa".to_string()),
        Just("\u{0}\u{202e}\u{feff}\u{fffd}\u{10ffff}\r".to_string()),
        Just("e\u{301}\u{1f600}\u{200d}".repeat(30)),
        Just("普".repeat(3000)),
        "\\PC{0,30}",
        "[a-z0-9-]{0,70}",
        "[\u{4e00}-\u{4e40}，。 ]{0,30}",
    ]
}

/// A TOML value as written in a file: usually the right type, not always.
fn toml_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        odd_text().prop_map(|s| format!("{s:?}")),
        odd_text().prop_map(|s| format!("'{}'", s.replace(['\'', '\n', '\r'], ""))),
        odd_text().prop_map(|s| format!("\"\"\"{}\"\"\"", s.replace('"', ""))),
        any::<i64>().prop_map(|n| n.to_string()),
        Just("18446744073709551616".to_string()),
        Just("-0".to_string()),
        Just("inf".to_string()),
        Just("nan".to_string()),
        Just("1e400".to_string()),
        Just("0x7fffffffffffffff".to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        prop::sample::select(vec![
            "2024-09-10 10:30",
            "2024-09-10T10:30:00+08:00",
            "2024-09-10T10:30:00",
            "2024-09-10",
            "10:30:00",
            "1979-05-27T07:32:00Z",
            "9999-12-31T23:59:59.999999999-23:59",
            "\"2024-02-30 10:30\"",
            "\"2024-09-10 24:00\"",
            "\"2024-09-10 10:30\"",
        ])
        .prop_map(str::to_string),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec(inner, 0..3).prop_map(|v| {
                let kv: Vec<String> = v
                    .iter()
                    .enumerate()
                    .map(|(i, x)| format!("k{i} = {x}"))
                    .collect();
                format!("{{ {} }}", kv.join(", "))
            }),
        ]
    })
}

fn good_or_odd(good: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::sample::select(good.to_vec()).prop_map(str::to_string),
        1 => toml_value(),
    ]
    .boxed()
}

fn front_line() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "title",
        "channel",
        "published",
        "source",
        "views",
        "sample",
        "tags",
        "id",
    ]);
    (key, any::<u8>(), toml_value()).prop_map(|(k, r, v)| match k {
        "title" if r % 2 == 0 => "title = \"普法宣传进社区\"".to_string(),
        "channel" if r % 2 == 0 => "channel = \"xinzhou\"".to_string(),
        "published" if r % 2 == 0 => "published = \"2024-09-10 10:30\"".to_string(),
        _ => format!("{k} = {v}"),
    })
}

fn body_line() -> impl Strategy<Value = String> {
    let prefix = prop::sample::select(vec![
        "",
        "",
        "",
        "## ",
        "# ",
        "### ",
        "- ",
        "* ",
        "1. ",
        "99999999999. ",
        "> ",
        "    ",
        "```",
        "---",
        "| ",
        "<div>",
        "<!-- ",
        "\t",
        "  - ",
    ]);
    let piece = prop_oneof![
        odd_text(),
        Just("![宣传现场](media/xuanchuan-xianchang.png)".to_string()),
        Just("![](media/../x.png)".to_string()),
        Just("![a](https://example.cn/x.png)".to_string()),
        Just("[链接](https://example.cn) **粗** _斜_ `码`".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("&amp; &#0; &#x10FFFF; \\*".to_string()),
        Just("+++".to_string()),
    ];
    (prefix, prop::collection::vec(piece, 0..3)).prop_map(|(p, v)| format!("{p}{}", v.join(" ")))
}

fn body() -> impl Strategy<Value = String> {
    prop::collection::vec((body_line(), any::<bool>()), 0..12).prop_map(|lines| {
        let mut out = String::new();
        for (l, blank) in lines {
            out.push_str(&l);
            out.push('\n');
            if blank {
                out.push('\n');
            }
        }
        out
    })
}

fn bulletin_file() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "+++\n",
            "+++\r\n",
            "\u{feff}+++\n",
            "---\n",
            "+++ \n",
            "",
        ]),
        prop::collection::vec(front_line(), 0..8),
        prop::sample::select(vec!["+++\n", "+++\r\n", "+++", "", "++\n"]),
        body(),
    )
        .prop_map(|(open, lines, close, body)| {
            format!("{open}{}\n{close}\n{body}", lines.join("\n"))
        })
}

fn site_toml() -> impl Strategy<Value = String> {
    let channel = (
        good_or_odd(&["\"pufa\"", "\"xinzhou\"", "\"a b\"", "\"\""]),
        good_or_odd(&["\"普法动态\"", "\"\""]),
        any::<u8>(),
    )
        .prop_map(|(id, name, kids)| {
            let mut s = format!("[[channels]]\nid = {id}\nname = {name}\n");
            for i in 0..kids % 4 {
                s.push_str(&format!(
                    "\n[[channels.children]]\nid = \"c{i}\"\nname = {name}\n"
                ));
            }
            s
        });
    let link = (
        good_or_odd(&["\"中国普法网\""]),
        good_or_odd(&[
            "\"http://www.legalinfo.gov.cn/\"",
            "\"javascript:x\"",
            "\"/a\"",
        ]),
    )
        .prop_map(|(n, u)| format!("[[links]]\nname = {n}\nurl = {u}\n"));
    (
        good_or_odd(&["\"新洲区普法网\"", "\"\""]),
        good_or_odd(&["10", "0", "101", "-1"]),
        good_or_odd(&["\"https://count.example.cn/\"", "\"/count\""]),
        prop::collection::vec(channel, 0..4),
        prop::collection::vec(link, 0..3),
        any::<bool>(),
    )
        .prop_map(|(name, per_page, counter, channels, links, extra)| {
            let mut s = format!(
                "[site]\nname = {name}\ndescription = \"说明\"\nper_page = {per_page}\ncounter = {counter}\n"
            );
            if extra {
                s.push_str("colour = \"red\"\n");
            }
            for c in channels {
                s.push('\n');
                s.push_str(&c);
            }
            for l in links {
                s.push('\n');
                s.push_str(&l);
            }
            s
        })
}

#[path = "../../core/tests/support/damage.rs"]
mod support;
use support::{apply, apply_bytes, cases, damage, floor, Damage};

/// Fragments worth inserting into TOML and Markdown.
fn text_damage() -> impl Strategy<Value = Damage> {
    damage(vec![
        "\"",
        "'",
        "\\",
        "[",
        "]",
        "{",
        "}",
        "=",
        "\n",
        "\r",
        "+++\n",
        "\n\n",
        "# ",
        "\u{feff}",
        "\u{0}",
        "\"\"\"",
        "[[channels]]\n",
        "[site]\n",
        "![",
        "](",
        "\n## ",
    ])
}

/// Nesting `depth` deep after the first `= `: TOML arrays, or block
/// quotes and lists in a body.
fn nest_text(src: &str, depth: usize) -> String {
    // Deep nesting in a value (TOML arrays) or a body (block quotes, lists).
    let at = floor(src, src.find("= ").map_or(0, |i| i + 2));
    let nest = if depth.is_multiple_of(2) { "[" } else { "> - " };
    format!("{}{}{}", &src[..at], nest.repeat(depth), &src[at..])
}

fn channels() -> HashSet<&'static str> {
    ["pufa", "xinzhou", "fagui"].into_iter().collect()
}

fn media(name: &str) -> bool {
    name == "xuanchuan-xianchang.png"
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pufa-fuzz-props-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ------------------------------------------------------------ importers

/// Text for pages and Word files: odd text, Chinese, and the words the
/// importers look for.
fn page_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => odd_text(),
        1 => prop::sample::select(vec![
            "一、总体要求",
            "（二）工作安排",
            "------分隔线------",
            "分享到：",
            "上一篇：无",
            "友情连接",
            "版权所有 © 2021",
            "【字体：大 中 小】",
            "发布时间：",
            "来源：",
            "您当前所在的位置",
            "&nbsp;&amp;&#12288;&#0;",
            "<b>粗</b>",
        ])
        .prop_map(str::to_string),
    ]
}

fn time_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "2021-07-26 09:33",
            "2021-07-26 09:33:05",
            "2021/7/26",
            "2021年07月26日 09:33",
            "２０２１－０７－２６ ０９：３３",
            "2021-02-30 09:33",
            "1989-12-31",
            "2101-01-01",
            "2021-07-26 24:00",
            "99999999999999999999-1-1",
            "",
        ])
        .prop_map(str::to_string),
        "[0-9]{1,5}[-/年][0-9]{1,3}[-/月][0-9]{1,3}日?( [0-9]{1,3}:[0-9]{1,3}(:[0-9]{1,3})?)?",
    ]
}

/// An article page in the old CMS's template (breadcrumb, title, info
/// line, body, footer), as HTML or as plain text; and whether to save it
/// in GBK.
fn cms_page_text() -> impl Strategy<Value = (String, bool)> {
    let info = prop::collection::vec(
        (
            prop::sample::select(vec![
                "发布时间",
                "发布日期",
                "更新时间",
                "来源",
                "浏览次数",
                "点击",
                "作者",
                "责任编辑",
            ]),
            prop::sample::select(vec!["：", ":", " ", ""]),
            prop_oneof![time_text(), page_text(), "[0-9]{0,25}"],
        ),
        0..5,
    );
    let body = prop::collection::vec(
        (
            prop::sample::select(vec![
                "p",
                "p",
                "div",
                "ul",
                "ol",
                "h3",
                "br",
                "img",
                "script",
                "td",
                "span",
                "iframe",
                "div class=\"bdsharebuttonbox\"",
            ]),
            page_text(),
        ),
        0..8,
    );
    (
        any::<bool>(),
        prop::sample::select(vec![
            "",
            "<meta charset=\"gbk\">",
            "<meta charset=utf-8>",
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">",
            "<meta charset=\"big5\">",
            "<meta charset=\"utf-16le\">",
            "<meta charset=\"nonsense\">",
        ]),
        prop_oneof![
            prop::sample::select(vec![
                "您当前所在的位置是:主页 > 普法动态 > 新洲区 > 新洲区",
                "当前位置：首页 > 以案释法 > 以案释法",
                "所在位置: 网站首页 » 法律法规 » 正文",
                "当前位置：",
                "主页 >",
            ])
            .prop_map(str::to_string),
            page_text().prop_map(|t| format!("当前位置：{t}")),
        ],
        (any::<bool>(), page_text()),
        info,
        body,
        prop::sample::select(vec!["友情连接：", "版权所有 ©", "", "上一篇：无"]),
        prop::sample::select(vec!["</body></html>", "</html>", ""]),
        any::<bool>(),
    )
        .prop_map(
            |(html, charset, crumb, (h1, title), info, body, footer, end, gbk)| {
                let info: Vec<String> = info
                    .into_iter()
                    .map(|(l, sep, v)| format!("{l}{sep}{v}"))
                    .collect();
                let mut s = String::new();
                if html {
                    s.push_str(&format!(
                        "<!DOCTYPE html><html><head>{charset}<title>{title}</title></head><body>"
                    ));
                    s.push_str(&format!("<div>{crumb}</div>"));
                    if h1 {
                        s.push_str(&format!("<h1>{title}</h1>"));
                    } else {
                        s.push_str(&format!("<div>{title}</div>"));
                    }
                    s.push_str(&format!("<div>{}</div>", info.join(" ")));
                    for (tag, text) in body {
                        s.push_str(&match tag {
                            "br" => format!("{text}<br>"),
                            "img" => format!("<img src=\"a.jpg\" alt=\"{text}\">"),
                            "ul" | "ol" => format!("<{tag}><li>{text}</li><li>二</li></{tag}>"),
                            _ => {
                                let close = tag.split(' ').next().unwrap_or(tag);
                                format!("<{tag}>{text}</{close}>")
                            }
                        });
                    }
                    s.push_str(&format!("<div>{footer}</div>{end}"));
                } else {
                    s.push_str(&format!("{crumb}\n{title}\n{}\n", info.join("\n")));
                    for (_, text) in body {
                        s.push_str(&text);
                        s.push('\n');
                    }
                    s.push_str(footer);
                }
                (s, gbk)
            },
        )
}

/// A bulletin from an imported source must be written and checked, or
/// refused with a reason; never a panic.
fn write_imported(b: &Bulletin) {
    let _ = convert::bulletin_text(b, &channels());
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One paragraph of `word/document.xml`: style, numbering, outline level
/// and runs (text, tabs, breaks, pictures, deleted text, fields, text
/// boxes, VML), sometimes in a table.
fn word_paragraph() -> impl Strategy<Value = String> {
    let run = prop_oneof![
        4 => page_text().prop_map(|t| format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>", xml_escape(&t))),
        1 => Just("<w:r><w:tab/><w:br/><w:t>换行</w:t><w:br w:type=\"page\"/></w:r>".to_string()),
        1 => (
            prop::sample::select(vec!["会议现场", "", " ", "现场&amp;"]),
            prop::sample::select(vec!["", " title=\"标题\""]),
            prop::sample::select(vec!["rId9", "rId20", "rId21", "rId22", "rId23", "rId24", "rId99", ""]),
        )
            .prop_map(|(descr, title, rid)| format!(
                "<w:r><w:drawing><wp:inline><wp:docPr id=\"1\" descr=\"{descr}\"{title}/><a:graphic><a:blip r:embed=\"{rid}\"/></a:graphic></wp:inline></w:drawing></w:r>"
            )),
        1 => Just("<w:del><w:r><w:delText>删</w:delText></w:r></w:del><w:r><w:instrText>HYPERLINK</w:instrText></w:r>".to_string()),
        1 => Just("<w:r><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent><w:pict><v:shape/></w:pict></w:r>".to_string()),
        1 => Just("<w:r><w:t><![CDATA[<x>]]>&#x4E00;&#0;&bogus;</w:t></w:r>".to_string()),
    ];
    (
        prop::option::of(prop::sample::select(vec![
            "Title",
            "a3",
            "1",
            "Heading2",
            "ListBullet",
            "ListNumber",
            "Chinese",
            "Loop",
            "Changed",
            "Outline",
            "Nope",
        ])),
        prop::option::of((
            prop::sample::select(vec!["0", "1", "5", "7", "8", "9", "x", ""]),
            prop::sample::select(vec!["0", "1", "2", "8", "9", "4294967296", "-1"]),
        )),
        prop::option::of(prop::sample::select(vec!["0", "1", "8", "9", "x"])),
        prop::collection::vec(run, 0..4),
        any::<u8>(),
    )
        .prop_map(|(style, num, outline, runs, shape)| {
            let mut ppr = String::new();
            if let Some(s) = style {
                ppr.push_str(&format!("<w:pStyle w:val=\"{s}\"/>"));
            }
            if let Some((id, lvl)) = num {
                ppr.push_str(&format!(
                    "<w:numPr><w:ilvl w:val=\"{lvl}\"/><w:numId w:val=\"{id}\"/></w:numPr>"
                ));
            }
            if let Some(l) = outline {
                ppr.push_str(&format!("<w:outlineLvl w:val=\"{l}\"/>"));
            }
            let p = format!("<w:p><w:pPr>{ppr}</w:pPr>{}</w:p>", runs.concat());
            match shape % 8 {
                0 => format!("<w:tbl><w:tr><w:tc>{p}</w:tc></w:tr></w:tbl>"),
                1 => "<w:p/>".to_string(),
                _ => p,
            }
        })
}

fn word_document() -> impl Strategy<Value = String> {
    prop::collection::vec(word_paragraph(), 0..10).prop_map(|ps| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"w\" xmlns:r=\"r\" xmlns:wp=\"wp\" xmlns:a=\"a\" xmlns:v=\"v\"><w:body>{}</w:body></w:document>",
            ps.concat()
        )
    })
}

/// The parts of a Word file other than the document: the fixture's
/// content types, relationships (and pictures), and the compact styles and
/// numbering of the `docx` fuzz target (fuzz/seeds/).
fn word_parts() -> &'static [(&'static str, Vec<u8>)] {
    static PARTS: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    PARTS.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/import/word/bulletin.docx");
        let bytes = std::fs::read(path).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut read = |name: &str| {
            let mut out = Vec::new();
            zip.by_name(name).unwrap().read_to_end(&mut out).unwrap();
            out
        };
        let rels = String::from_utf8(read("word/_rels/document.xml.rels"))
            .unwrap()
            .replace(
                "</Relationships>",
                "<Relationship Id=\"rId20\" Target=\"http://example.cn/a.png\" TargetMode=\"External\"/>\
                 <Relationship Id=\"rId21\" Target=\"media/image2.emf\"/>\
                 <Relationship Id=\"rId22\" Target=\"/word/media/image1.png\"/>\
                 <Relationship Id=\"rId23\" Target=\"../word/./media/../media/image1.png\"/>\
                 <Relationship Id=\"rId24\" Target=\"media/missing.jpg\"/></Relationships>",
            );
        vec![
            ("[Content_Types].xml", read("[Content_Types].xml")),
            (
                "word/styles.xml",
                include_bytes!("../../../fuzz/seeds/docx-styles.xml").to_vec(),
            ),
            (
                "word/numbering.xml",
                include_bytes!("../../../fuzz/seeds/docx-numbering.xml").to_vec(),
            ),
            ("word/_rels/document.xml.rels", rels.into_bytes()),
            ("word/media/image1.png", read("word/media/image1.png")),
            ("word/media/image2.emf", b"EMF".to_vec()),
        ]
    })
}

fn word_zip(document: &[u8], deflate: bool) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    w.start_file("word/document.xml", opts).unwrap();
    w.write_all(document).unwrap();
    for (name, data) in word_parts() {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn damaged_bulletin_files_never_panic(src in bulletin_file(), d in text_damage()) {
        let src = apply(src, &d, nest_text);
        let _ = content::split_front(&src);
        let path = Path::new("content/bulletins/2024/2024-fuzz-case.md");
        if let Ok(b) = content::load_bulletin(path, &src, &channels(), &media) {
            let again = content::bulletin_file(&b);
            let _ = content::load_bulletin(path, &again, &channels(), &media);
        }
    }

    #[test]
    fn damaged_bodies_never_panic_nor_written_back(src in body(), d in text_damage()) {
        let src = apply(src, &d, nest_text);
        if let Ok(located) = markdown::parse(&src) {
            let blocks: Vec<_> = located.into_iter().map(|l| l.block).collect();
            let _ = markdown::parse(&markdown::write(&blocks));
        }
    }

    #[test]
    fn damaged_site_files_never_panic(src in site_toml(), d in text_damage()) {
        let dir = scratch();
        std::fs::write(dir.join("site.toml"), apply(src, &d, nest_text)).unwrap();
        let _ = content::load_site(&dir);
    }

    #[test]
    fn damaged_cms_pages_never_panic_an_import(
        (page, gbk) in cms_page_text(),
        d in text_damage(),
        bytes_damage in text_damage(),
    ) {
        let page = apply(page, &d, nest_text);
        let bytes = if gbk {
            encoding_rs::GBK.encode(&page).0.into_owned()
        } else {
            page.into_bytes()
        };
        let bytes = apply_bytes(bytes, &bytes_damage);
        if let Ok(p) = cms::parse_page(&bytes) {
            prop_assert!(!p.title.is_empty() && !p.body.is_empty());
            write_imported(&Bulletin {
                id: cms_id(Path::new("xinzhou-1024.html")),
                title: p.title,
                channel: "xinzhou".into(),
                published: p.published,
                source: p.source,
                views: p.views,
                sample: false,
                body: p.body,
            });
        }
    }

    #[test]
    fn damaged_word_files_never_panic_an_import(
        document in word_document(),
        d in text_damage(),
        zip_damage in text_damage(),
        deflate in any::<bool>(),
    ) {
        let document = apply(document, &d, nest_text);
        let zip = apply_bytes(word_zip(document.as_bytes(), deflate), &zip_damage);
        if let Ok(doc) = docx::parse_docx(&zip) {
            prop_assert!(!doc.title.trim().is_empty() && !doc.body.is_empty());
            let published = pufa_core::date::parse_published("2024-03-01 16:00").unwrap();
            let id = word_id(&doc.title, &published);
            let (body, _) = docx::body_and_media(doc.body, &id);
            write_imported(&Bulletin {
                id,
                title: doc.title,
                channel: "xinzhou".into(),
                published,
                source: None,
                views: None,
                sample: false,
                body,
            });
        }
    }
}
// Found by the property runs (issue #13, item 9): no panic, but bodies
// that `markdown::write` could not round-trip; fixed, kept as regressions.

/// Input: the paragraph text `![宣传现场](media/xuanchuan-xianchang.png)`
/// (what `<!-- \n![宣传现场](media/xuanchuan-xianchang.png)\n` reads as). It
/// is written escaped, `\!\[宣传现场\](media/xuanchuan-xianchang.png)`,
/// and reading that back is refused by the unrecognised-image check at
/// crates/cli/src/markdown.rs:111 ("图片地址里不能有空格").
#[test]
fn an_image_like_paragraph_reads_back() {
    let blocks = vec![pufa_core::Block::Paragraph(
        "![宣传现场](media/xuanchuan-xianchang.png)".into(),
    )];
    let back = markdown::parse(&markdown::write(&blocks))
        .map(|v| v.into_iter().map(|l| l.block).collect::<Vec<_>>());
    assert_eq!(back, Ok(blocks));
}

/// Input: two unordered lists in a row, `[List [甲], List [乙]]` (from
/// `* \n- \n`, two lists by their markers). Both are written with `- `,
/// `- 甲\n\n- 乙\n`, which reads back as one list `[甲, 乙]`.
#[test]
fn two_adjacent_lists_read_back_as_two() {
    use pufa_core::Block;
    let blocks = vec![
        Block::List {
            ordered: false,
            items: vec!["甲".into()],
        },
        Block::List {
            ordered: false,
            items: vec!["乙".into()],
        },
    ];
    let back = markdown::parse(&markdown::write(&blocks))
        .map(|v| v.into_iter().map(|l| l.block).collect::<Vec<_>>());
    assert_eq!(back, Ok(blocks));
}
