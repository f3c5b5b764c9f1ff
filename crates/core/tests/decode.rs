//! Every way an operator can get a data file wrong must come back as one
//! message naming the file, the field and the line (issue #2).

use pufa_core::{decode_bulletins, decode_site, DataError, Store};

const SITE: &str = r#"{
  "site": { "name": "测试普法网", "description": "说明" },
  "channels": [
    { "id": "pufa", "name": "普法动态", "children": [
      { "id": "xinzhou", "name": "新洲区" }
    ] },
    { "id": "fagui", "name": "法律法规" }
  ],
  "links": [
    { "name": "中国普法网", "url": "http://www.legalinfo.gov.cn/" }
  ]
}"#;

fn bulletin(fields: &str) -> String {
    format!(
        r#"{{
    "id": "a1",
    "title": "标题",
    "channel": "xinzhou",
    "published": "2021-07-26 09:33",
    "body": [ {{ "type": "paragraph", "text": "正文" }} ]{fields}
  }}"#
    )
}

fn file_of(items: &[String]) -> String {
    format!("{{\n  \"bulletins\": [\n  {}\n  ]\n}}", items.join(",\n  "))
}

fn site_err(src: &str) -> DataError {
    decode_site(src).expect_err("site.json should be refused")
}

fn bulletins_err(src: &str) -> DataError {
    let site = decode_site(SITE).unwrap();
    decode_bulletins(src, &site).expect_err("bulletins.json should be refused")
}

/// One check for every error case: the operator's line as displayed.
fn check(err: DataError, expected: &str) {
    assert_eq!(err.to_string(), expected);
}

#[test]
fn good_files_decode() {
    let store = Store::from_json(SITE, &file_of(&[bulletin("")])).unwrap();
    let b = store.bulletin("a1").unwrap();
    assert_eq!(b.title, "标题");
    assert_eq!(b.views, None);
    assert_eq!(b.source, None);
    assert!(!b.sample);
    assert_eq!(store.catalog.site.name, "测试普法网");
    assert_eq!(store.catalog.links[0].name, "中国普法网");
}

#[test]
fn not_json_names_file_line_and_column() {
    check(
        bulletins_err("{\n  \"bulletins\": [\n    {,\n"),
        "bulletins.json 第 3 行第 6 列：JSON 格式错误：key must be a string",
    );
    check(
        site_err(""),
        "site.json 第 1 行第 1 列：JSON 格式错误：EOF while parsing a value",
    );
}

#[test]
fn unknown_channel() {
    let src = file_of(&[
        bulletin(""),
        bulletin("")
            .replace("a1", "a2")
            .replace("xinzhou", "nowhere"),
    ]);
    check(
        bulletins_err(&src),
        "bulletins.json 第 13 行第 5 列，字段 bulletins[1].channel：未知栏目“nowhere”：站点文件的 channels 里没有这个 id",
    );
}

#[test]
fn duplicate_id() {
    let src = file_of(&[bulletin(""), bulletin("")]);
    check(
        bulletins_err(&src),
        "bulletins.json 第 11 行第 5 列，字段 bulletins[1].id：文章 id“a1”重复",
    );
}

#[test]
fn bad_date() {
    let src = file_of(&[bulletin("").replace("2021-07-26 09:33", "2021-02-30 09:33")]);
    check(
        bulletins_err(&src),
        "bulletins.json 第 7 行第 5 列，字段 bulletins[0].published：发布时间“2021-02-30 09:33”无效：应为 YYYY-MM-DD HH:MM（北京时间）或带时区的 RFC 3339 时间",
    );
}

#[test]
fn empty_title() {
    let src = file_of(&[bulletin("").replace("\"标题\"", "\"  \"")]);
    check(
        bulletins_err(&src),
        "bulletins.json 第 5 行第 5 列，字段 bulletins[0].title：标题为空",
    );
}

#[test]
fn unsafe_link_url() {
    let src = SITE.replace("http://www.legalinfo.gov.cn/", "javascript:alert(1)");
    check(
        site_err(&src),
        "site.json 第 10 行第 24 列，字段 links[0].url：不安全或无效的链接“javascript:alert(1)”：只接受 http:// 或 https:// 开头的链接，或本站以 / 开头的路径",
    );
}

#[test]
fn id_with_characters_that_need_escaping() {
    let src = file_of(&[bulletin("").replace("\"a1\"", "\"a 1/<b>\"")]);
    check(
        bulletins_err(&src),
        "bulletins.json 第 4 行第 5 列，字段 bulletins[0].id：id“a 1/<b>”只能包含英文字母、数字、- 和 _",
    );
}

#[test]
fn missing_and_misspelt_fields() {
    let src = file_of(&[bulletin("").replace("\"title\": \"标题\",", "")]);
    check(
        bulletins_err(&src),
        "bulletins.json 第 9 行第 3 列，字段 bulletins[0]：缺少字段 `title`",
    );
    let src = file_of(&[bulletin(",\n    \"titel\": \"x\"")]);
    check(
        bulletins_err(&src),
        "bulletins.json 第 9 行第 11 列，字段 bulletins[0]：不认识的字段 `titel`（拼写是否有误？）",
    );
}

#[test]
fn wrong_types() {
    let src = file_of(&[bulletin(",\n    \"views\": \"很多\"")]);
    check(
        bulletins_err(&src),
        "bulletins.json 第 9 行第 17 列，字段 bulletins[0]：类型不对：invalid type: string \"很多\", expected u64",
    );
    let src = file_of(&[bulletin(",\n    \"views\": -1")]);
    assert!(bulletins_err(&src)
        .to_string()
        .starts_with("bulletins.json 第 9 行"));
}

#[test]
fn body_problems() {
    let src = file_of(&[
        bulletin("").replace("[ { \"type\": \"paragraph\", \"text\": \"正文\" } ]", "[]")
    ]);
    check(
        bulletins_err(&src),
        "bulletins.json 第 8 行第 5 列，字段 bulletins[0].body：正文为空",
    );
    let src = file_of(&[bulletin("").replace("\"正文\"", "\" \"")]);
    check(
        bulletins_err(&src),
        "bulletins.json 第 8 行第 5 列，字段 bulletins[0].body[0].text：正文第 1 段是空的",
    );
    let src = file_of(&[bulletin("").replace("paragraph", "script")]);
    assert!(bulletins_err(&src)
        .to_string()
        .contains("正文段落的 type 只能是 heading、paragraph、list 或 image"));
}

#[test]
fn site_file_problems() {
    check(
        site_err(&SITE.replace("\"fagui\"", "\"xinzhou\"")),
        "site.json 第 7 行第 7 列，字段 channels[1].id：栏目 id“xinzhou”重复",
    );
    check(
        site_err(&SITE.replace("\"新洲区\"", "\"\"")),
        "site.json 第 5 行第 26 列，字段 channels[0].children[0].name：栏目名称为空",
    );
    check(
        site_err(&SITE.replace("\"测试普法网\"", "\"\"")),
        "site.json，字段 site.name：站点名称为空",
    );
    check(
        site_err(&SITE.replace("\"name\": \"中国普法网\"", "\"name\": \" \"")),
        "site.json 第 10 行第 7 列，字段 links[0].name：链接名称为空",
    );
}

#[test]
fn counter_endpoint_is_optional_and_checked() {
    assert_eq!(decode_site(SITE).unwrap().site.counter, None);
    let with = SITE.replace(
        "\"description\": \"说明\"",
        "\"description\": \"说明\", \"counter\": \" api/views \"",
    );
    assert_eq!(
        decode_site(&with).unwrap().site.counter.as_deref(),
        Some("api/views")
    );
    let bad = SITE.replace(
        "\"description\": \"说明\"",
        "\"description\": \"说明\", \"counter\": \"javascript:x\"",
    );
    let err = site_err(&bad).to_string();
    assert!(err.starts_with("site.json 第 2 行第 "), "{err}");
    assert!(
        err.contains("字段 site.counter：计数服务地址“javascript:x”无效"),
        "{err}"
    );
}

#[test]
fn source_and_views_are_optional_and_trimmed() {
    let src = file_of(&[bulletin(
        ",\n    \"source\": \"  新洲区司法局 \",\n    \"views\": 12,\n    \"sample\": true",
    )]);
    let site = decode_site(SITE).unwrap();
    let b = &decode_bulletins(&src, &site).unwrap()[0];
    assert_eq!(b.source.as_deref(), Some("新洲区司法局"));
    assert_eq!(b.views, Some(12));
    assert!(b.sample);
    let blank = file_of(&[bulletin(",\n    \"source\": \" \"")]);
    assert_eq!(decode_bulletins(&blank, &site).unwrap()[0].source, None);
}

/// The search worker cuts snippets from `article_text`, without the
/// channel list: it must read each kind of block as `Block::text` does,
/// and a damaged file is an error naming it.
#[test]
fn article_text_is_the_blocks_text_as_the_article_reads_it() {
    use pufa_core::compiled::{article_text, decode_article, encode_article};
    let src = file_of(&[bulletin(
        r#",
    "source": "区司法局"
  "#,
    )
    .replace(
        r#"[ { "type": "paragraph", "text": "正文" } ]"#,
        r#"[ { "type": "heading", "text": "一、总则" },
             { "type": "paragraph", "text": "第一段<b>不是标记</b>" },
             { "type": "list", "ordered": true, "items": ["甲项", "乙项"] },
             { "type": "image", "src": "media/a.png", "alt": "宣传图" } ]"#,
    )]);
    let store = Store::from_json(SITE, &src).unwrap();
    let b = store.bulletin("a1").unwrap();
    assert_eq!(b.body.len(), 4, "the fixture has every kind of block");
    let file = encode_article(b, None, None, &[]).to_string();
    let article = decode_article("article/a1.json", &file, &store.catalog).unwrap();
    let read: Vec<String> = article
        .bulletin
        .body
        .iter()
        .map(|b| b.text().into_owned())
        .collect();
    let text = article_text("article/a1.json", &file).unwrap();
    assert_eq!(text, read.join(" "));
    assert_eq!(text, "一、总则 第一段<b>不是标记</b> 甲项\n乙项 宣传图");

    let err = article_text(
        "v/00ab/article/a1.json",
        "{\n  \"bulletin\": {\n    \"body\": 3\n  }\n}",
    )
    .expect_err("a body that is not a list is refused");
    assert_eq!(err.file, "v/00ab/article/a1.json");
    assert_eq!(err.line, Some(3));
}
