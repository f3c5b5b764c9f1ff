//! `pufa import` (issue #12) on the fixtures of tests/fixtures/import/: the
//! seed page gives the shipped seed bulletin word for word; pages in the
//! shape of the old CMS's article template (GBK and UTF-8, with and without
//! 来源 and 浏览次数, doubled breadcrumb names, share widgets and scripts)
//! import correctly; broken pages are reported and skipped; a Word file
//! gives its title, headings, lists and image; a second run changes
//! nothing; the result passes `pufa check` and builds.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use pufa_cli::import::{self, cms, docx, Change, WordMeta};
use pufa_cli::{build, content};
use pufa_core::{Block, Bulletin, Channel, SiteData};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import")
}

fn pages() -> PathBuf {
    fixtures().join("pages")
}

fn broken() -> PathBuf {
    fixtures().join("broken")
}

fn word_file() -> PathBuf {
    fixtures().join("word/bulletin.docx")
}

/// A fresh content folder holding only the fixture site.toml.
fn site(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pufa-import-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::copy(fixtures().join("site.toml"), dir.join("site.toml")).unwrap();
    dir
}

fn word_meta() -> WordMeta {
    WordMeta {
        channel: Some("普法动态 > 新洲区".into()),
        published: pufa_core::date::parse_published("2024-03-01 16:00"),
    }
}

fn load(dir: &Path) -> content::Content {
    content::load(dir).unwrap_or_else(|p| panic!("pufa check fails: {p:#?}"))
}

fn bulletin<'a>(c: &'a content::Content, id: &str) -> &'a Bulletin {
    &c.bulletins
        .iter()
        .find(|s| s.bulletin.id == id)
        .unwrap_or_else(|| panic!("no bulletin {id}"))
        .bulletin
}

/// The names from the top channel down to `id`.
fn name_path(site: &SiteData, id: &str) -> Vec<String> {
    fn find(channels: &[Channel], id: &str, trail: &mut Vec<String>) -> bool {
        for c in channels {
            trail.push(c.name.clone());
            if c.id == id || find(&c.children, id, trail) {
                return true;
            }
            trail.pop();
        }
        false
    }
    let mut trail = Vec::new();
    assert!(find(&site.channels, id, &mut trail), "no channel {id}");
    trail
}

/// Every file of a folder with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, root, out);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn h(t: &str) -> Block {
    Block::Heading(t.into())
}

fn p(t: &str) -> Block {
    Block::Paragraph(t.into())
}

fn list(ordered: bool, items: &[&str]) -> Block {
    Block::List {
        ordered,
        items: items.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn seed_page_imports_to_the_shipped_seed_bulletin() {
    // Into a site without 新洲区 (the channel is created from the
    // breadcrumb) and into one with it (the channel is reused).
    for with_channel in [false, true] {
        let dir = site(&format!("seed-{with_channel}"));
        if !with_channel {
            let src = fs::read_to_string(dir.join("site.toml")).unwrap();
            let cut = src.find("  # 新洲区").unwrap();
            let end = src.find("[[channels]]\nid = \"fagui\"").unwrap();
            fs::write(
                dir.join("site.toml"),
                format!("{}{}", &src[..cut], &src[end..]),
            )
            .unwrap();
        }
        let seed = pages().join("000_2a560b80ea02a09f.txt");
        let report = import::run(&dir, &[seed], &WordMeta::default(), false).unwrap();
        assert!(report.skipped.is_empty(), "{:?}", report.skipped);
        assert_eq!(report.count(Change::New), 1);

        let c = load(&dir);
        let got = bulletin(&c, "cms-000_2a560b80ea02a09f");
        let expected_src = fs::read_to_string(fixtures().join("expected/seed.md")).unwrap();
        let channels: HashSet<&str> = ["xinzhou"].into();
        let expected = content::load_bulletin(
            Path::new("2021-xinzhou-qiwu-zongjie.md"),
            &expected_src,
            &channels,
            &|_| true,
        )
        .unwrap();
        assert_eq!(got.title, expected.title);
        assert_eq!(got.published, expected.published);
        assert_eq!(got.source, expected.source);
        assert_eq!(got.views, None, "浏览次数 shows no number: never invented");
        assert_eq!(got.views, expected.views);
        assert_eq!(
            got.body, expected.body,
            "every heading and paragraph word for word"
        );
        assert_eq!(name_path(&c.site, &got.channel), ["普法动态", "新洲区"]);
        if with_channel {
            assert_eq!(got.channel, "xinzhou");
            assert!(report.new_channels.is_empty());
            assert!(report.site.is_none(), "site.toml untouched");
        } else {
            assert_eq!(report.new_channels.len(), 1);
        }
        // The file itself differs from the shipped one only in its channel id.
        let file =
            fs::read_to_string(dir.join("bulletins/2021/cms-000_2a560b80ea02a09f.md")).unwrap();
        assert_eq!(
            file.replace(
                &format!("channel = \"{}\"", got.channel),
                "channel = \"xinzhou\""
            ),
            expected_src
        );
    }
}

#[test]
fn cms_template_pages_import_correctly() {
    let dir = site("pages");
    let report = import::run(&dir, &[pages()], &WordMeta::default(), false).unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(report.count(Change::New), 4);
    let c = load(&dir);

    // GBK (charset=gb2312 in http-equiv), 来源 and 浏览次数 shown, doubled
    // breadcrumb, share buttons and scripts inside the body.
    let b = bulletin(&c, "cms-xinzhou-1024");
    assert_eq!(b.title, "新洲区开展“宪法宣传周”集中宣传活动");
    assert_eq!(
        pufa_core::date::format_minute(&b.published),
        "2023-12-04 10:15"
    );
    assert_eq!(b.source.as_deref(), Some("新洲区司法局"));
    assert_eq!(b.views, Some(1024));
    assert_eq!(b.channel, "xinzhou", "existing channel reused by name");
    assert_eq!(
        b.body,
        [
            p("12月4日是第十个国家宪法日。宪法宣传周期间，新洲区司法局联合各街镇在全区开展集中宣传活动。"),
            h("一、集中宣传，营造浓厚氛围"),
            p("各街镇在人流密集的广场、集贸市场设立宣传点，发放《中华人民共和国宪法》单行本和宣传折页<共计>3000余份。"),
            h("二、以案释法，增强学习实效"),
            p("法律顾问结合身边案例，为群众讲解宪法知识 & 相关法律法规。"),
        ]
    );

    // UTF-8, no 来源, 浏览次数 filled by a script (no number), a new
    // sub-channel, <br> lines, an <h3>, a list, an image, a JiaThis widget.
    let b = bulletin(&c, "cms-huangpi-2051");
    assert_eq!(b.title, "黄陂区“法律明白人”培训班开班");
    assert_eq!(
        pufa_core::date::format_minute(&b.published),
        "2024-05-20 14:30"
    );
    assert_eq!(b.source, None);
    assert_eq!(b.views, None);
    assert_eq!(name_path(&c.site, &b.channel), ["普法动态", "黄陂区"]);
    assert_eq!(
        b.body,
        [
            p("5月20日，黄陂区2024年度“法律明白人”培训班开班，各村（社区）共120名“法律明白人”参加培训。"),
            p("培训采取集中授课与现场教学相结合的方式。"),
            h("培训内容"),
            list(
                false,
                &["《中华人民共和国民法典》婚姻家庭编", "人民调解工作方法", "农村土地承包纠纷的处理"]
            ),
            p("学员们纷纷表示，将把所学知识用到化解矛盾纠纷中去。"),
        ]
    );
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.file.ends_with("huangpi-2051.htm") && n.reason.contains("培训现场")),
        "the dropped image is named: {:?}",
        report.notes
    );

    // GBK (<meta charset="gbk">), 当前位置：首页 > 以案释法 > 以案释法, the
    // info line split over table cells, seconds, （一） headings.
    let b = bulletin(&c, "cms-anli-3310");
    assert_eq!(b.title, "一起民间借贷纠纷的调解");
    assert_eq!(b.published.to_rfc3339(), "2022-03-15T08:05:30+08:00");
    assert_eq!(b.source.as_deref(), Some("武汉市司法局"));
    assert_eq!(b.views, Some(88));
    assert_eq!(name_path(&c.site, &b.channel), ["以案释法"]);
    assert_eq!(
        b.body,
        [
            p("张某向李某借款5万元，约定一年后归还。"),
            p("到期后张某以资金周转困难为由拒绝还款，双方发生纠纷。"),
            h("（一）调解经过"),
            p("人民调解员先后三次上门，向双方讲解《民法典》关于借款合同的规定。"),
            h("（二）调解结果"),
            p("双方自愿达成分期还款协议，纠纷得到化解。"),
        ]
    );

    // The two new channels were added to site.toml, comments kept.
    let mut created: Vec<Vec<String>> = report.new_channels.iter().map(|c| c.1.clone()).collect();
    created.sort();
    assert_eq!(
        created,
        [
            vec!["以案释法".to_string()],
            vec!["普法动态".into(), "黄陂区".into()]
        ]
    );
    let site_toml = fs::read_to_string(dir.join("site.toml")).unwrap();
    assert!(
        site_toml.contains("# 新洲区的文章从旧网站导入。"),
        "{site_toml}"
    );
    assert!(site_toml.starts_with("# The site the import tests start from"));
}

#[test]
fn broken_pages_are_reported_and_skipped() {
    let dir = site("broken");
    let report = import::run(&dir, &[broken(), pages()], &WordMeta::default(), false).unwrap();
    let reason = |name: &str| {
        report
            .skipped
            .iter()
            .find(|s| s.file.ends_with(name))
            .map(|s| s.reason.clone())
            .unwrap_or_else(|| panic!("{name} not reported: {:?}", report.skipped))
    };
    assert!(reason("truncated.html").contains("不完整"));
    assert!(reason("no-title.html").contains("找不到标题"));
    assert!(reason("declared-utf8-is-gbk.html").contains("编码"));
    assert!(reason("declared-gbk-is-utf8.html").contains("UTF-8"));
    assert_eq!(report.skipped.len(), 4);
    // The good pages still went in, and nothing of the broken ones.
    assert_eq!(report.count(Change::New), 4);
    let c = load(&dir);
    assert_eq!(c.bulletins.len(), 4);
    assert!(report
        .lines()
        .iter()
        .any(|l| l.starts_with("跳过") && l.contains("truncated.html")));
}

#[test]
fn unreadable_inputs_never_panic() {
    let dir = site("garbage");
    let junk = dir.join("junk");
    fs::create_dir_all(&junk).unwrap();
    fs::write(junk.join("empty.html"), b"").unwrap();
    fs::write(
        junk.join("binary.html"),
        [0xff, 0xfe, 0x00, 0xd8, 0x00, 0x00, 0x81],
    )
    .unwrap();
    fs::write(
        junk.join("not-a-page.txt"),
        "只是一段文字，没有面包屑也没有发布时间。",
    )
    .unwrap();
    fs::write(
        junk.join("not-zip.docx"),
        b"PK\x03\x04 definitely not a zip",
    )
    .unwrap();
    fs::write(junk.join("old.doc"), b"\xd0\xcf\x11\xe0").unwrap();
    // A zip that is a .docx in name only.
    let mut bytes = fs::read(word_file()).unwrap();
    bytes.truncate(bytes.len() / 2);
    fs::write(junk.join("half.docx"), &bytes).unwrap();
    let report = import::run(&dir, &[junk], &word_meta(), false).unwrap();
    assert_eq!(report.skipped.len(), 6, "{:#?}", report.skipped);
    assert!(report.bulletins.is_empty());
    assert!(!dir.join("bulletins").exists());
    for s in &report.skipped {
        assert!(!s.reason.is_empty());
    }
    let doc = report
        .skipped
        .iter()
        .find(|s| s.file.ends_with("old.doc"))
        .unwrap();
    assert!(doc.reason.contains(".docx"));
    // A missing input is reported too.
    let report = import::run(
        &dir,
        &[dir.join("nowhere.html")],
        &WordMeta::default(),
        false,
    )
    .unwrap();
    assert!(report.skipped[0].reason.contains("不存在"));
    // Arbitrary bytes into both readers.
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for len in [0usize, 1, 7, 64, 300, 5000] {
        let mut buf = Vec::with_capacity(len);
        for _ in 0..len {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            buf.push((seed >> 33) as u8);
        }
        assert!(cms::parse_page(&buf).is_err());
        assert!(docx::parse_docx(&buf).is_err());
        let mut html = b"<html><body>".to_vec();
        html.extend(&buf);
        let _ = cms::parse_page(&html);
    }
}

#[test]
fn encodings_are_detected() {
    // UTF-8 with a BOM and GBK without any declaration read alike.
    let text = fs::read_to_string(pages().join("000_2a560b80ea02a09f.txt")).unwrap();
    let plain = cms::parse_page(text.as_bytes()).unwrap();
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend(text.as_bytes());
    assert_eq!(cms::parse_page(&bom).unwrap(), plain);
    // (GBK has no no-break space; the seed has one on an empty line.)
    let spaced = text.replace('\u{a0}', " ");
    let (gbk, _, bad) = encoding_rs::GBK.encode(&spaced);
    assert!(!bad);
    assert_eq!(cms::parse_page(&gbk).unwrap(), plain);
    // An HTML page without a declaration, in GBK.
    let html = "<html><body><div>您当前所在的位置是:主页 > 普法动态 > 新洲区 > 新洲区</div><h2>标题甲</h2><div>发布时间:2022-01-02 03:04 浏览次数:7</div><p>正文乙</p></body></html>";
    let (gbk, _, _) = encoding_rs::GBK.encode(html);
    let page = cms::parse_page(&gbk).unwrap();
    assert_eq!(page.title, "标题甲");
    assert_eq!(page.views, Some(7));
    assert_eq!(page.body, [p("正文乙")]);
}

#[test]
fn breadcrumbs_and_times_read_as_the_cms_writes_them() {
    assert_eq!(
        cms::crumb_path(
            "您当前所在的位置是:主页 > 普法动态 > 新洲区 > 新洲区",
            "标题"
        ),
        ["普法动态", "新洲区"]
    );
    assert_eq!(
        cms::crumb_path("当前位置：首页 » 以案释法 » 正文", "标题"),
        ["以案释法"]
    );
    assert_eq!(
        cms::crumb_path("当前位置：首页 > 法律法规 > 某标题", "某标题"),
        ["法律法规"]
    );
    let t = |s: &str| cms::parse_time(s).map(|d| d.to_rfc3339());
    assert_eq!(
        t("2021-07-26 09:33").as_deref(),
        Some("2021-07-26T09:33:00+08:00")
    );
    assert_eq!(
        t("2021/7/6 9:03:05").as_deref(),
        Some("2021-07-06T09:03:05+08:00")
    );
    assert_eq!(
        t("2021年07月26日").as_deref(),
        Some("2021-07-26T00:00:00+08:00")
    );
    assert_eq!(
        t("２０２１-０７-２６ ０９:３３").as_deref(),
        Some("2021-07-26T09:33:00+08:00")
    );
    assert_eq!(t("2021-13-26 09:33"), None);
    assert_eq!(t(""), None);
}

#[test]
fn word_file_imports_correctly() {
    let doc = docx::parse_docx(&fs::read(word_file()).unwrap()).unwrap();
    assert_eq!(doc.title, "新洲区召开2024年度普法依法治理工作会议");

    let dir = site("word");
    let report = import::run(&dir, &[word_file()], &word_meta(), false).unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    let c = load(&dir);
    let b = &c.bulletins[0].bulletin;
    assert_eq!(b.id, "word-20240301-12e4eb0d");
    assert_eq!(b.title, "新洲区召开2024年度普法依法治理工作会议");
    assert_eq!(b.channel, "xinzhou");
    assert_eq!(
        pufa_core::date::format_minute(&b.published),
        "2024-03-01 16:00"
    );
    assert_eq!((b.source.as_deref(), b.views), (None, None));
    let image = "media/word-20240301-12e4eb0d-1.png";
    assert_eq!(
        b.body,
        [
            p("3月1日，新洲区召开2024年度普法依法治理工作会议，总结2023年工作，部署2024年任务。"),
            h("一、会议主要内容"),
            h("（一）总结2023年工作"),
            p("2023年，全区深入开展“八五”普法，各项工作取得明显成效。"),
            h("（二）部署2024年任务"),
            h("重点任务"),
            list(
                false,
                &[
                    "深入学习宣传习近平法治思想",
                    "突出宣传宪法和民法典",
                    "推进“法律明白人”培养工程"
                ]
            ),
            h("二、工作要求"),
            list(true, &["提高政治站位", "压实工作责任"]),
            Block::Image {
                src: image.into(),
                alt: "会议现场".into(),
            },
            p("会议要求：\n各单位要把普法工作抓实抓细 & 落到实处。"),
        ]
    );
    let png = fs::read(dir.join(image)).unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "the image bytes are copied"
    );
    assert!(report
        .media
        .iter()
        .any(|m| m.path == Path::new(image) && m.change == Change::New));
}

#[test]
fn word_file_needs_channel_and_time() {
    let dir = site("word-flags");
    let report = import::run(&dir, &[word_file()], &WordMeta::default(), false).unwrap();
    assert!(
        report.skipped[0].reason.contains("--channel"),
        "{:?}",
        report.skipped
    );
    let only_channel = WordMeta {
        channel: Some("xinzhou".into()),
        published: None,
    };
    let report = import::run(&dir, &[word_file()], &only_channel, false).unwrap();
    assert!(
        report.skipped[0].reason.contains("--published"),
        "{:?}",
        report.skipped
    );

    // Not on a terminal, the command fails at once naming the flags.
    let out = Command::new(env!("CARGO_BIN_EXE_pufa"))
        .args(["import", "--content"])
        .arg(&dir)
        .arg(word_file())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--channel") && err.contains("--published"),
        "{err}"
    );
    assert!(!dir.join("bulletins").exists());

    // With the flags, the command imports; a wrong time is refused.
    let out = Command::new(env!("CARGO_BIN_EXE_pufa"))
        .args([
            "import",
            "--channel",
            "xinzhou",
            "--published",
            "2024-03-01 16:00",
            "--content",
        ])
        .arg(&dir)
        .arg(word_file())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("新建 1 篇"));
    let out = Command::new(env!("CARGO_BIN_EXE_pufa"))
        .args([
            "import",
            "--channel",
            "xinzhou",
            "--published",
            "明天",
            "--content",
        ])
        .arg(&dir)
        .arg(word_file())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("发布时间“明天”无法识别"));
}

#[test]
fn word_image_without_alt_text_is_refused() {
    // The fixture with its alt text taken out of word/document.xml.
    let bytes = fs::read(word_file()).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut data).unwrap();
        if name == "word/document.xml" {
            data = String::from_utf8(data)
                .unwrap()
                .replace(" descr=\"会议现场\"", "")
                .into_bytes();
        }
        out.start_file(
            name,
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored),
        )
        .unwrap();
        std::io::Write::write_all(&mut out, &data).unwrap();
    }
    let bytes = out.finish().unwrap().into_inner();
    let err = docx::parse_docx(&bytes).unwrap_err();
    assert!(err.contains("替代文字"), "{err}");
}

#[test]
fn importing_twice_changes_nothing() {
    let dir = site("twice");
    let inputs = [pages(), word_file()];
    // A dry run on the fresh folder writes nothing and tells what it would.
    let before = snapshot(&dir);
    let dry = import::run(&dir, &inputs, &word_meta(), true).unwrap();
    assert_eq!(dry.count(Change::New), 5);
    assert_eq!(snapshot(&dir), before, "--dry-run writes nothing");

    let first = import::run(&dir, &inputs, &word_meta(), false).unwrap();
    assert_eq!(first.count(Change::New), 5);
    let after_first = snapshot(&dir);
    assert!(after_first
        .keys()
        .all(|k| !k.to_string_lossy().contains(".pufa-import-")));
    let second = import::run(&dir, &inputs, &word_meta(), false).unwrap();
    assert_eq!(second.count(Change::Unchanged), 5, "{:?}", second.bulletins);
    assert_eq!(second.count(Change::New) + second.count(Change::Changed), 0);
    assert!(second.media.iter().all(|m| m.change == Change::Unchanged));
    assert!(second.site.is_none() && second.new_channels.is_empty());
    assert_eq!(snapshot(&dir), after_first, "file bytes identical");

    // A bulletin edited (or moved) since is found by id: a dry run names
    // it as changed and leaves it; the real run puts it back in place.
    let moved = dir.join("bulletins/moved/cms-xinzhou-1024.md");
    fs::create_dir_all(moved.parent().unwrap()).unwrap();
    fs::rename(dir.join("bulletins/2023/cms-xinzhou-1024.md"), &moved).unwrap();
    fs::write(
        &moved,
        fs::read_to_string(&moved)
            .unwrap()
            .replace("views = 1024", "views = 1"),
    )
    .unwrap();
    let dry = import::run(&dir, &inputs, &word_meta(), true).unwrap();
    let changed: Vec<_> = dry
        .bulletins
        .iter()
        .filter(|w| w.change == Change::Changed)
        .collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(
        changed[0].path,
        Path::new("bulletins/moved/cms-xinzhou-1024.md")
    );
    assert!(fs::read_to_string(&moved).unwrap().contains("views = 1\n"));
    let again = import::run(&dir, &inputs, &word_meta(), false).unwrap();
    assert_eq!(again.count(Change::Changed), 1);
    assert!(fs::read_to_string(&moved).unwrap().contains("views = 1024"));
    assert!(
        !dir.join("bulletins/2023/cms-xinzhou-1024.md").exists(),
        "never duplicated"
    );
    assert_eq!(load(&dir).bulletins.len(), 5);
}

#[test]
fn a_bulletin_already_in_the_content_is_not_imported_again() {
    // The content already has the seed bulletin under its own id.
    let dir = site("dup");
    fs::create_dir_all(dir.join("bulletins/2021")).unwrap();
    fs::copy(
        fixtures().join("expected/seed.md"),
        dir.join("bulletins/2021/2021-xinzhou-qiwu-zongjie.md"),
    )
    .unwrap();
    let seed = pages().join("000_2a560b80ea02a09f.txt");
    let report = import::run(&dir, &[seed], &WordMeta::default(), false).unwrap();
    assert_eq!(report.skipped.len(), 1);
    assert!(report.skipped[0]
        .reason
        .contains("2021-xinzhou-qiwu-zongjie.md"));
    assert_eq!(load(&dir).bulletins.len(), 1);
}

#[test]
fn imported_content_checks_and_builds() {
    let dir = site("build");
    let report = import::run(&dir, &[pages(), word_file()], &word_meta(), false).unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    let c = load(&dir);
    assert_eq!(c.bulletins.len(), 5);
    let ids: Vec<String> = c.bulletins.iter().map(|s| s.bulletin.id.clone()).collect();
    let out = dir.join("dist/data");
    let media = dir.join("dist/media");
    let r = build::build(c, &out, &media).unwrap();
    assert_eq!(r.bulletins, 5);
    assert_eq!(r.media, 1);
    let built = snapshot(&out);
    for id in ids {
        let name = format!("{id}.json");
        assert!(
            built
                .keys()
                .any(|k| k.ends_with(Path::new("article").join(&name))),
            "no article file for {id}"
        );
    }
    // The pufa binary agrees.
    let out = Command::new(env!("CARGO_BIN_EXE_pufa"))
        .args(["check", "--content"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
