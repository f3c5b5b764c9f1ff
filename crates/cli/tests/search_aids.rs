//! `pufa build` writes the search aids (issue #14) and `pufa check` names
//! every mistake of a synonym list with file, line and word.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use pufa_cli::{build, content};
use pufa_core::search::aids::{self, Step};
use pufa_core::search::parse_terms;
use pufa_core::search::pieces::Meta;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pufa-aids-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

const SITE: &str = "[site]\nname = \"测试普法网\"\ndescription = \"测试\"\n\n[[channels]]\nid = \"pufa\"\nname = \"普法动态\"\n";

/// A content folder of two bulletins and `synonyms` (if any).
fn content_dir(name: &str, synonyms: Option<&str>) -> PathBuf {
    let dir = scratch(name);
    fs::write(dir.join("site.toml"), SITE).unwrap();
    let b = dir.join("bulletins/2024");
    fs::create_dir_all(&b).unwrap();
    for (id, title) in [("a", "新洲区普法宣传进社区"), ("b", "黄陂区普法宣传月启动")]
    {
        fs::write(
            b.join(format!("{id}.md")),
            format!("+++\ntitle = \"{title}\"\nchannel = \"pufa\"\npublished = \"2024-01-0{} 08:00\"\n+++\n\n群众关心的诉讼问题，发现问题及时反映。\n", if id == "a" { 1 } else { 2 }),
        )
        .unwrap();
    }
    if let Some(s) = synonyms {
        fs::write(dir.join("synonyms.toml"), s).unwrap();
    }
    dir
}

#[test]
fn build_writes_the_aids_and_they_answer_pinyin() {
    let dir = content_dir("build", Some("\"打官司\" = [\"诉讼\"]\n"));
    let out = dir.join("out/data");
    let c = content::load(&dir).unwrap_or_else(|p| panic!("{p:?}"));
    build::build(c, &out, &dir.join("out/media")).unwrap();
    let version = fs::read_dir(out.join("v"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let read = |rel: &str| fs::read(version.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let meta: Meta = serde_json::from_slice(&read("search/meta.json")).unwrap();
    let a = meta.aids.clone().expect("meta.json names the aids");
    assert_eq!(a.synonyms, 1);
    let files: HashMap<String, Vec<u8>> = a
        .all_files()
        .into_iter()
        .map(|p| (p.clone(), read(&p)))
        .collect();
    assert_eq!(files.values().map(|d| d.len() as u64).sum::<u64>(), a.bytes);
    let Step::Done(found) = aids::from_pinyin(&a, &parse_terms("pufaxuanchuan"), &files).unwrap()
    else {
        panic!("every file was given")
    };
    assert_eq!(found, [(0, "普法宣传".to_string())]);
    let Step::Done(offers) = aids::homophones(&a, &parse_terms("普发宣传"), &files).unwrap()
    else {
        panic!("every file was given")
    };
    assert_eq!(offers[0].q, "普法宣传");
    let syn = aids::Synonyms::decode(&files[aids::SYNONYMS]).unwrap();
    assert_eq!(syn.widen(&parse_terms("打官司"))[0].1[0].text, "诉讼");
    // The 离线搜索 size counts the aids.
    assert!(meta.bytes >= a.bytes);
}

fn problems(dir: &Path) -> Vec<String> {
    let Err(problems) = content::load(dir) else {
        panic!("the synonym list has mistakes, and they were not reported");
    };
    problems.iter().map(ToString::to_string).collect()
}

#[test]
fn a_bad_synonym_list_is_refused_with_file_line_and_word() {
    let list = "# 同义词\n\"打官司\" = [\"诉讼\"]\n\"离婚\" = []\n\"家暴\" = \"家庭暴力\"\n\"骗子\" = [\"骗子\"]\n";
    let dir = content_dir("bad", Some(list));
    let p = problems(&dir);
    let file = dir.join("synonyms.toml").display().to_string();
    assert_eq!(p.len(), 3, "{p:#?}");
    assert!(p.iter().all(|m| m.starts_with(&file)), "{p:#?}");
    assert!(
        p.iter()
            .any(|m| m.contains("第 3 行，字段 离婚") && m.contains("空")),
        "{p:#?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("第 4 行，字段 家暴") && m.contains("列表")),
        "{p:#?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("第 5 行，字段 骗子") && m.contains("相同")),
        "{p:#?}"
    );
    // Chinese words without quotes are not TOML: the line and the cure.
    let dir = content_dir("unquoted", Some("\n打官司 = [\"诉讼\"]\n"));
    let p = problems(&dir);
    assert_eq!(p.len(), 1, "{p:#?}");
    assert!(
        p[0].contains("第 2 行") && p[0].contains("加英文双引号"),
        "{p:#?}"
    );
}
