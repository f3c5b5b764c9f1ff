//! The content tool end to end, on fixture content written by each test:
//! `pufa check` finds every mistake with file, line and field; `pufa build`
//! writes the per-page data tree the app reads; `pufa new` and `pufa
//! convert` give files that pass the check (issue #9).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use pufa_cli::{build, content, convert};
use pufa_core::compiled::{self, decode, DataVersion, HomeFile, ListFile};
use pufa_core::{decode_site, Block, Catalog};
use sha2::{Digest, Sha256};

/// A fresh empty folder under the system temp dir.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pufa-cli-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

const SITE: &str = r#"[site]
name = "测试普法网"
description = "测试用站点"
per_page = 2

[[channels]]
id = "pufa"
name = "普法动态"

[[channels.children]]
id = "qu"
name = "某区"

[[channels]]
id = "anli"
name = "以案释法"

[[links]]
name = "中国普法网"
url = "https://www.legalinfo.gov.cn/"
"#;

fn bulletin(title: &str, channel: &str, published: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\nchannel = \"{channel}\"\npublished = \"{published}\"\n+++\n\n{body}")
}

/// Content with five bulletins, one image, in two channels.
fn content_dir(name: &str) -> PathBuf {
    let dir = scratch(name);
    fs::write(dir.join("site.toml"), SITE).unwrap();
    let b = dir.join("bulletins/2024");
    fs::create_dir_all(&b).unwrap();
    fs::create_dir_all(dir.join("media")).unwrap();
    fs::write(dir.join("media/宣传现场.PNG"), b"\x89PNG fake image bytes").unwrap();
    fs::write(
        b.join("a1.md"),
        bulletin(
            "某区召开民法典宣传动员会",
            "qu",
            "2024-01-05 09:00",
            "动员会正文。\n\n![宣传现场](media/宣传现场.PNG)\n",
        ),
    )
    .unwrap();
    fs::write(
        b.join("a2.md"),
        bulletin(
            "某区民法典宣传进社区",
            "qu",
            "2024-02-05 09:00",
            "进社区正文。\n\n- 讲座\n- 咨询\n",
        ),
    )
    .unwrap();
    fs::write(
        b.join("a3.md"),
        bulletin(
            "某区举办宪法宣传周活动",
            "qu",
            "2024-03-05 09:00",
            "宪法周。\n",
        ),
    )
    .unwrap();
    fs::write(
        b.join("a4.md"),
        bulletin(
            "普法动态总栏目的通知",
            "pufa",
            "2024-04-05 09:00",
            "通知。\n",
        ),
    )
    .unwrap();
    fs::write(
        b.join("c1.md"),
        bulletin("醉酒驾车案评析", "anli", "2024-05-05 09:00", "案情。\n"),
    )
    .unwrap();
    dir
}

fn load(dir: &Path) -> content::Content {
    content::load(dir).unwrap_or_else(|p| panic!("{p:?}"))
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let src = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    decode(&path.display().to_string(), &src).unwrap()
}

fn version_of(out: &Path) -> DataVersion {
    read_json(&out.join(compiled::VERSION_FILE))
}

#[test]
fn check_reports_every_mistake_with_file_line_and_field() {
    let dir = content_dir("check");
    let b = dir.join("bulletins/2024");
    fs::write(
        b.join("bad-channel.md"),
        bulletin("标题", "nowhere", "2024-01-01 08:00", "正文\n"),
    )
    .unwrap();
    fs::write(
        b.join("bad-time.md"),
        bulletin("标题", "qu", "2024-13-01 08:00", "正文\n"),
    )
    .unwrap();
    fs::write(
        b.join("typo.md"),
        "+++\ntitle = \"标题\"\nchanel = \"qu\"\npublished = \"2024-01-01 08:00\"\n+++\n\n正文\n",
    )
    .unwrap();
    fs::write(
        b.join("no-alt.md"),
        bulletin(
            "标题",
            "qu",
            "2024-01-01 08:00",
            "正文\n\n![](media/宣传现场.PNG)\n",
        ),
    )
    .unwrap();
    fs::write(
        b.join("missing-image.md"),
        bulletin(
            "标题",
            "qu",
            "2024-01-01 08:00",
            "正文\n\n![图](media/none.png)\n",
        ),
    )
    .unwrap();
    fs::write(
        b.join("spaced.md"),
        bulletin(
            "标题",
            "qu",
            "2024-01-01 08:00",
            "正文\n\n![图](media/宣传 现场.PNG)\n",
        ),
    )
    .unwrap();
    fs::write(
        b.join("empty.md"),
        bulletin("标题", "qu", "2024-01-01 08:00", ""),
    )
    .unwrap();
    fs::write(b.join("no-front.md"), "只有正文\n").unwrap();
    fs::write(
        b.join("坏名字.md"),
        bulletin("标题", "qu", "2024-01-01 08:00", "正文\n"),
    )
    .unwrap();
    fs::create_dir_all(dir.join("bulletins/2023")).unwrap();
    fs::write(
        dir.join("bulletins/2023/a1.md"),
        bulletin("重复", "qu", "2023-01-01 08:00", "正文\n"),
    )
    .unwrap();

    let problems = content::load(&dir).unwrap_err();
    let lines: Vec<String> = problems
        .iter()
        .map(|p| p.to_string().replace(&format!("{}/", dir.display()), ""))
        .collect();
    let expect = [
        "bulletins/2024/a1.md，字段 id：文章 id“a1”与",
        "bulletins/2024/bad-channel.md 第 3 行，字段 channel：未知栏目“nowhere”",
        "bulletins/2024/bad-time.md 第 4 行，字段 published：发布时间“2024-13-01 08:00”无效",
        "bulletins/2024/empty.md 第 6 行，字段 body：正文为空",
        "bulletins/2024/missing-image.md 第 9 行，字段 body：找不到图片文件 media/none.png",
        "bulletins/2024/no-alt.md 第 9 行，字段 body[1].alt：正文第 2 段的图片缺少说明文字",
        "bulletins/2024/no-front.md 第 1 行：文件应以一行 +++ 开头",
        "bulletins/2024/spaced.md 第 9 行，字段 body：图片没有被识别",
        "bulletins/2024/typo.md 第 3 行：不认识的字段 `chanel`（拼写是否有误？）",
        "bulletins/2024/坏名字.md 第 1 行，字段 id：文件名即文章 id：id“坏名字”只能包含英文字母、数字、- 和 _",
    ];
    assert_eq!(lines.len(), expect.len(), "{lines:#?}");
    for want in expect {
        assert!(
            lines.iter().any(|l| l.starts_with(want)),
            "missing {want:?} in {lines:#?}"
        );
    }
}

#[test]
fn site_file_mistakes_name_the_line() {
    let dir = scratch("site");
    fs::write(
        dir.join("site.toml"),
        SITE.replace("https://www.legalinfo.gov.cn/", "javascript:alert(1)"),
    )
    .unwrap();
    let e = content::load_site(&dir).unwrap_err();
    assert_eq!(e.line, Some(20), "{e}");
    assert_eq!(e.field, "links[0].url");
    assert!(e.message.contains("javascript:alert(1)"), "{e}");
    fs::write(
        dir.join("site.toml"),
        SITE.replace("per_page = 2", "per_page = 2\ncolour = \"red\""),
    )
    .unwrap();
    let e = content::load_site(&dir).unwrap_err();
    assert_eq!(e.line, Some(5), "{e}");
    assert!(e.message.contains("不认识的字段 `colour`"), "{e}");
}

#[test]
fn build_writes_one_small_file_per_page() {
    let dir = content_dir("build");
    let out = scratch("build-out").join("data");
    let media = out.parent().unwrap().join("media");
    let report = build::build(load(&dir), &out, &media).unwrap();
    assert_eq!(report.bulletins, 5);
    assert_eq!(report.media, 1);
    let v = version_of(&out);
    assert_eq!(v.format, compiled::FORMAT);
    assert_eq!(v.version, report.version);
    let root = out.join("v").join(&v.version);

    let site_src = fs::read_to_string(root.join("site.json")).unwrap();
    let catalog = Catalog::new(decode_site(&site_src).unwrap());
    assert_eq!(catalog.site.per_page, 2);

    // Lists: a parent channel includes its children; pages of per_page.
    let page1: ListFile = read_json(&root.join("list/pufa/1.json"));
    assert_eq!((page1.total, page1.pages, page1.items.len()), (4, 2, 2));
    assert_eq!(page1.items[0].id, "a4", "newest first");
    assert!(
        page1.items[0].summary.is_some(),
        "channel lists carry summaries"
    );
    let page2: ListFile = read_json(&root.join("list/pufa/2.json"));
    assert_eq!(
        page2
            .items
            .iter()
            .map(|e| e.id.as_str())
            .collect::<Vec<_>>(),
        ["a2", "a1"]
    );
    assert!(!root.join("list/pufa/3.json").exists());
    let home: HomeFile = read_json(&root.join("home.json"));
    assert_eq!(home.newest.len(), 5);
    assert_eq!(
        home.sections
            .iter()
            .map(|s| s.channel.as_str())
            .collect::<Vec<_>>(),
        ["pufa", "anli"]
    );
    assert!(
        home.newest.iter().all(|e| e.summary.is_none()),
        "home lists carry no summaries"
    );

    // An article: neighbours in its own channel, related by title, the
    // image under its hashed name.
    let src = fs::read_to_string(root.join("article/a2.json")).unwrap();
    let a = compiled::decode_article("a2.json", &src, &catalog).unwrap();
    assert_eq!(a.prev.as_ref().map(|n| n.id.as_str()), Some("a1"));
    assert_eq!(a.next.as_ref().map(|n| n.id.as_str()), Some("a3"));
    assert_eq!(
        a.related.first().map(|e| e.id.as_str()),
        Some("a1"),
        "{:?}",
        a.related
    );
    assert!(
        matches!(&a.bulletin.body[1], Block::List { ordered: false, items } if items.len() == 2)
    );
    let src = fs::read_to_string(root.join("article/a1.json")).unwrap();
    let a1 = compiled::decode_article("a1.json", &src, &catalog).unwrap();
    let Block::Image { src: img, alt } = &a1.bulletin.body[1] else {
        panic!("{:?}", a1.bulletin.body)
    };
    assert_eq!(alt, "宣传现场");
    assert!(
        img.starts_with("media/image-") && img.ends_with(".png"),
        "{img}"
    );
    assert!(media.join(img.trim_start_matches("media/")).is_file());

    // The manifest names every file with its SHA-256, and the ids.
    let manifest: serde_json::Value = read_json(&root.join("manifest.json"));
    let files = manifest["files"].as_object().unwrap();
    assert_eq!(files.len() + 1, report.files);
    for (path, hash) in files {
        let data = fs::read(root.join(path)).unwrap();
        let digest: String = Sha256::digest(&data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hash.as_str().unwrap(), digest, "{path}");
    }
    assert_eq!(manifest["bulletins"].as_array().unwrap().len(), 5);
}

#[test]
fn the_same_content_gives_the_same_version_and_a_change_a_new_one() {
    let dir = content_dir("versions");
    let out = scratch("versions-out").join("data");
    let media = out.parent().unwrap().join("media");
    let first = build::build(load(&dir), &out, &media).unwrap().version;
    let again = build::build(load(&dir), &out, &media).unwrap().version;
    assert_eq!(first, again);
    fs::write(
        dir.join("bulletins/2024/a5.md"),
        bulletin("新发布的文章", "anli", "2024-06-01 10:00", "新内容。\n"),
    )
    .unwrap();
    let next = build::build(load(&dir), &out, &media).unwrap().version;
    assert_ne!(first, next);
    assert_eq!(version_of(&out).version, next);
    let dirs: Vec<String> = fs::read_dir(out.join("v"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(dirs, [next], "only the current version is left");
}

#[test]
fn the_binary_refuses_to_build_broken_content_and_writes_nothing() {
    let dir = content_dir("refuse");
    fs::write(
        dir.join("bulletins/2024/bad.md"),
        bulletin("标题", "nowhere", "2024-01-01 08:00", "正文\n"),
    )
    .unwrap();
    let out = scratch("refuse-out").join("data");
    let run = Command::new(env!("CARGO_BIN_EXE_pufa"))
        .args(["build", "--content"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("bad.md 第 3 行，字段 channel：未知栏目“nowhere”"),
        "{stderr}"
    );
    assert!(stderr.contains("共 1 处错误"), "{stderr}");
    assert!(!out.join(compiled::VERSION_FILE).exists());
}

#[test]
fn new_starts_a_file_that_check_accepts_once_written() {
    let dir = content_dir("new");
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-29T16:30:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let path = pufa_cli::new::new_bulletin(&dir, "qu", "新的普法活动", now).unwrap();
    // 16:30 UTC is already the 30th in Beijing.
    assert!(
        path.starts_with(dir.join("bulletins/2026")),
        "{}",
        path.display()
    );
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("20261130-"), "{name}");
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("published = \"2026-11-30 00:30\""), "{text}");
    // Not publishable before it has a body.
    let problems = content::load(&dir).unwrap_err();
    assert!(problems[0].to_string().contains("正文为空"), "{problems:?}");
    fs::write(&path, format!("{text}活动正文。\n")).unwrap();
    assert_eq!(load(&dir).bulletins.len(), 6);
    let second = pufa_cli::new::new_bulletin(&dir, "qu", "又一篇", now).unwrap();
    assert_ne!(second, path);
    let e = pufa_cli::new::new_bulletin(&dir, "nowhere", "标题", now).unwrap_err();
    assert!(e.contains("未知栏目“nowhere”") && e.contains("qu"), "{e}");
}

#[test]
fn converting_the_old_json_keeps_every_bulletin_word_for_word() {
    let json = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/json");
    let to = scratch("convert").join("content");
    let n = convert::convert(&json, &to).unwrap();
    let old = pufa_core::Store::from_json(
        &fs::read_to_string(json.join("site.json")).unwrap(),
        &fs::read_to_string(json.join("bulletins.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(n, old.bulletins().len());
    let loaded = load(&to);
    for s in &loaded.bulletins {
        assert_eq!(
            Some(&s.bulletin),
            old.bulletin(&s.bulletin.id),
            "{}",
            s.path.display()
        );
    }
    let seed = fs::read_to_string(to.join("bulletins/2021/2021-xinzhou-qiwu-zongjie.md")).unwrap();
    assert!(seed.starts_with("+++\ntitle = \"新洲区委办公室“七五”普法工作总结\"\nchannel = \"xinzhou\"\npublished = \"2021-07-26 09:33\"\n+++\n"), "{seed}");
    assert!(seed.contains("\n## 一、建章立制,“三个加强”压实责任\n"));
    // Never over existing content.
    assert!(convert::convert(&json, &to)
        .unwrap_err()
        .contains("不会覆盖"));
}

/// `pufa` run with these arguments: exit code, stdout, stderr.
fn pufa(args: &[&str]) -> (Option<i32>, String, String) {
    let run = Command::new(env!("CARGO_BIN_EXE_pufa"))
        .args(args)
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (run.status.code(), text(&run.stdout), text(&run.stderr))
}

#[test]
fn the_help_and_command_line_mistakes_are_in_chinese() {
    let (code, help, _) = pufa(&["--help"]);
    assert_eq!(code, Some(0));
    assert!(help.contains("用法：pufa <命令>"), "{help}");
    for line in [
        "import   从旧网站保存下来的文章页面和 Word 文件",
        "check    找出内容中的每一处错误",
        "-h, --help     显示帮助",
    ] {
        assert!(help.contains(line), "no “{line}” in:\n{help}");
    }
    assert!(
        !help.contains("Usage") && !help.contains("Options"),
        "{help}"
    );
    let (_, help, _) = pufa(&["import", "--help"]);
    assert!(
        help.contains("用法：pufa import [选项] <路径>..."),
        "{help}"
    );
    assert!(
        help.contains("--dry-run") && help.contains("不写入任何文件"),
        "{help}"
    );

    let (code, _, err) = pufa(&["new", "--title", "标题"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            "pufa：缺少必需的参数：--channel <栏目>",
            "用法：pufa new --channel <栏目> --title <标题> [选项]",
            "说明：pufa new --help"
        ]
    );
    let (code, _, err) = pufa(&["check", "--lnks"]);
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with("pufa：不认识的参数：--lnks\n是不是要写 --links？\n"),
        "{err}"
    );
    let (_, _, err) = pufa(&["render", "--jobs", "x"]);
    assert!(
        err.starts_with("pufa：参数 --jobs <数量> 的值“x”不对"),
        "{err}"
    );
    let (_, _, err) = pufa(&["new", "--channel", "qu", "--title", "甲", "--title", "乙"]);
    assert!(
        err.starts_with("pufa：参数 --title <标题> 只能写一次"),
        "{err}"
    );
}

/// Every file under `root/search`, by its path from `root` (`search/…`).
fn search_files(root: &Path) -> std::collections::HashMap<String, Vec<u8>> {
    let mut out = std::collections::HashMap::new();
    let mut dirs = vec![root.join("search")];
    while let Some(dir) = dirs.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    out
}

#[test]
fn a_long_string_the_bodies_repeat_is_searched_without_positions() {
    use pufa_core::search::parse_terms;
    use pufa_core::search::pieces::{run_cached, Decoded, Meta, Outcome, Query, META, OWN};

    // 600 articles, every body full of 子丑寅 and 卯辰巳, half of them
    // with 子丑寅卯辰巳 itself: proven from its pieces, a search for it
    // would fetch the positions of both in every article. No title has it.
    let dir = scratch("long-phrase");
    fs::write(dir.join("site.toml"), SITE).unwrap();
    let b = dir.join("bulletins/2024");
    fs::create_dir_all(&b).unwrap();
    for i in 0..600 {
        let mut body = if i % 2 == 0 {
            "子丑寅卯辰巳，".repeat(200)
        } else {
            "子丑寅和卯辰巳，".repeat(150)
        };
        if i == 1 {
            body.insert_str(0, "辰巳子丑寅。");
        }
        let day = format!("2024-{:02}-{:02} 09:00", 1 + i % 12, 1 + i % 28);
        fs::write(
            b.join(format!("l{i}.md")),
            bulletin(&format!("测试第{i}期"), "qu", &day, &format!("{body}\n")),
        )
        .unwrap();
    }
    let out = scratch("long-phrase-out").join("data");
    let media = out.parent().unwrap().join("media");
    build::build(load(&dir), &out, &media).unwrap();
    let root = out.join("v").join(version_of(&out).version);
    let files = search_files(&root);
    let meta: Meta = serde_json::from_slice(&files[META]).unwrap();

    let search = |words: &str| {
        let q = Query {
            terms: parse_terms(words),
            ..Query::default()
        };
        let mut have = std::collections::HashMap::new();
        have.insert(OWN.to_string(), files[OWN].clone());
        let mut fetched: Vec<String> = Vec::new();
        let mut cache = Decoded::default();
        loop {
            match run_cached(&meta, &q, &have, &mut cache).unwrap() {
                Outcome::Done(hits) => return (hits.len(), fetched),
                Outcome::Need(paths) => {
                    assert!(fetched.len() < 100, "{words}: asks for ever more files");
                    for p in paths {
                        have.insert(p.clone(), files[&p].clone());
                        fetched.push(p);
                    }
                }
            }
        }
    };
    // Indexed whole: one file, beginning with the string, and no positions.
    let (count, fetched) = search("子丑寅卯辰巳");
    assert_eq!(count, 300);
    assert_eq!(fetched.len(), 1, "{fetched:?}");
    let text = "子丑寅卯辰巳".as_bytes();
    assert!(files[&fetched[0]][1..].starts_with(text), "{fetched:?}");
    // A shorter part of it as well; the same answers.
    let (count, fetched) = search("丑寅卯辰巳");
    assert_eq!((count, fetched.len()), (300, 1), "{fetched:?}");
    // A string of the same pieces in one body only: proven from them.
    let (count, fetched) = search("辰巳子丑寅");
    assert_eq!(count, 1);
    assert!(
        fetched.iter().any(|p| p.starts_with("search/p/")),
        "{fetched:?}"
    );
}
