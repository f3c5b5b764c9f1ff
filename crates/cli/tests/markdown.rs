//! Bodies as office staff write them in Markdown, read into the blocks the
//! portal renders; and the converter's writing, which must read back
//! exactly (issue #9).

use proptest::prelude::*;
use pufa_cli::markdown::{parse, write};
use pufa_core::Block;

fn blocks(src: &str) -> Vec<Block> {
    parse(src)
        .unwrap_or_else(|e| panic!("{src:?}: {e:?}"))
        .into_iter()
        .map(|l| l.block)
        .collect()
}

fn p(t: &str) -> Block {
    Block::Paragraph(t.into())
}

#[test]
fn headings_paragraphs_lists_and_images() {
    let src = "第一段，\n接着写的一行。\n\n## 一、小标题\n\n- 甲\n- 乙\n\n1. 第一\n2. 第二\n\n![宣传现场](media/photo.jpg)\n";
    assert_eq!(
        blocks(src),
        [
            // A line break inside a paragraph adds no space between Chinese characters.
            p("第一段，接着写的一行。"),
            Block::Heading("一、小标题".into()),
            Block::List {
                ordered: false,
                items: vec!["甲".into(), "乙".into()]
            },
            Block::List {
                ordered: true,
                items: vec!["第一".into(), "第二".into()]
            },
            Block::Image {
                src: "media/photo.jpg".into(),
                alt: "宣传现场".into()
            },
        ]
    );
    let located = parse(src).unwrap();
    let lines: Vec<usize> = located.iter().map(|l| l.line).collect();
    assert_eq!(lines, [1, 4, 6, 9, 12]);
}

#[test]
fn markup_in_content_is_kept_as_text() {
    assert_eq!(
        blocks("<script>alert(1)</script>\n\n带 <b>粗体</b> 和 **强调** 与[链接](https://example.cn)。\n"),
        [
            p("<script>alert(1)</script>"),
            p("带 <b>粗体</b> 和 强调 与链接。"),
        ]
    );
}

#[test]
fn what_the_portal_cannot_show_is_refused_with_its_line() {
    let e = parse("正文\n\n- 一级\n  - 二级\n").unwrap_err();
    assert_eq!(e.line, 4);
    assert!(e.message.contains("不支持多级列表"), "{e:?}");
    let e = parse("正文\n\n图片 ![说明](media/a.png) 在文字中间\n").unwrap_err();
    assert_eq!(e.line, 3);
    assert!(e.message.contains("图片要单独成段"), "{e:?}");
}

#[test]
fn the_seed_headings_survive_a_round_trip() {
    let body = vec![
        p("根据中央、省、市在公民中开展法制宣传教育第六个五年规划的总体要求,自2016年以来"),
        Block::Heading("一、建章立制,“三个加强”压实责任".into()),
        p("1. 不是列表，只是以数字开头的一段"),
        p("# 不是标题"),
        p("- 不是列表"),
        p("*星号* 与 _下划线_ 以及 [方括号] <尖括号> & 符号 \\ 反斜杠 `反引号`"),
    ];
    assert_eq!(blocks(&write(&body)), body);
}

/// Text an editor might hold: Chinese, ASCII punctuation that Markdown
/// reads as markup, digits, and single spaces (blocks are stored trimmed).
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just('法'),
            Just('普'),
            Just('，'),
            Just('“'),
            Just('”'),
            Just('*'),
            Just('_'),
            Just('#'),
            Just('-'),
            Just('+'),
            Just('='),
            Just('['),
            Just(']'),
            Just('('),
            Just(')'),
            Just('<'),
            Just('>'),
            Just('!'),
            Just('`'),
            Just('\\'),
            Just('&'),
            Just('.'),
            Just('|'),
            Just('~'),
            Just('1'),
            Just('2'),
            Just('a'),
            Just(' '),
            Just(':'),
        ],
        1..40,
    )
    .prop_map(|cs| {
        let s: String = cs.into_iter().collect();
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    })
    .prop_filter("not blank", |s| !s.is_empty())
}

proptest! {
    #[test]
    fn written_bodies_read_back_exactly(
        paras in proptest::collection::vec(text(), 1..4),
        heading in text(),
        items in proptest::collection::vec(text(), 1..4),
    ) {
        let mut body: Vec<Block> = paras.into_iter().map(Block::Paragraph).collect();
        body.insert(0, Block::Heading(heading));
        body.push(Block::List { ordered: true, items: items.clone() });
        body.push(Block::List { ordered: false, items });
        let back = blocks(&write(&body));
        prop_assert_eq!(back, body);
    }
}
