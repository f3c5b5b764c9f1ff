//! Search that forgives (issue #14): frequent terms, pinyin look-ups,
//! 您是不是要找, suggestions while typing and synonyms, over aids written
//! the way `pufa build` writes them (real pinyin from the `pinyin` crate).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use pinyin::{Pinyin, ToPinyinMulti};
use pufa_core::search::aids::{
    self, frequent_terms, from_pinyin, homophones, normalise_synonyms, suggest, AidsMeta,
    CharTable, Step, Synonyms, CHARS,
};
use pufa_core::search::normalize::normalize_text;
use pufa_core::search::parse_terms;
use pufa_core::search::pieces::{doc_keys, run_widened, Decoded, IndexBuilder, Outcome, Query};

type Files = HashMap<String, Vec<u8>>;

fn readings(c: char) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(m) = c.to_pinyin_multi() {
        for p in m.into_iter() {
            let s = aids::plain_syllable(Pinyin::plain(p));
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

const TITLES: [&str; 10] = [
    "新洲区召开“七五”普法工作动员部署会",
    "新洲区“七五”普法工作顺利通过总结验收",
    "落实“谁执法谁普法”责任制",
    "民法典来了！这些变化与你我息息相关",
    "江岸区“民法典进社区”宣讲活动",
    "武昌区开展2021年民法典宣传月活动",
    "依法防控疫情 普法宣传“不打烊”",
    "黄陂区开展“一盔一带”道路交通安全普法宣传",
    "法律援助法施行，谁能申请免费法律帮助？",
    "黄陂区法律援助助力农民工讨薪维权",
];

/// The aids of `TITLES` with `synonyms`, as every file by path.
fn aids_of(synonyms: &[(&str, &[&str])]) -> (AidsMeta, Files) {
    let terms = frequent_terms(TITLES, aids::MIN_DF, aids::MAX_TERMS);
    let chars: BTreeSet<char> = TITLES
        .iter()
        .flat_map(|t| normalize_text(t).chars().collect::<Vec<_>>())
        // As the bodies would bring them: the characters of the slips.
        .chain("发点".chars())
        .collect();
    let entries: Vec<(String, Vec<String>)> = synonyms
        .iter()
        .map(|(w, l)| (w.to_string(), l.iter().map(|s| s.to_string()).collect()))
        .collect();
    let synonyms = normalise_synonyms(&entries).unwrap();
    let mut files = Files::new();
    let meta = aids::write_aids::<()>(&terms, &chars, &readings, &synonyms, |p, d| {
        assert!(
            files.insert(p.to_string(), d.to_vec()).is_none(),
            "{p} twice"
        );
        Ok(())
    })
    .unwrap();
    assert_eq!(meta.files as usize, files.len());
    assert_eq!(
        meta.bytes,
        files.values().map(|d| d.len() as u64).sum::<u64>()
    );
    (meta, files)
}

/// Run a step the way the app does: fetch what it names, run again; the
/// answer and the files fetched.
fn fetch<T>(files: &Files, mut step: impl FnMut(&Files) -> Step<T>) -> (T, Vec<String>) {
    let mut have = Files::new();
    let mut fetched = Vec::new();
    for _ in 0..4 {
        match step(&have) {
            Step::Done(t) => return (t, fetched),
            Step::Need(paths) => {
                for p in paths {
                    let data = files
                        .get(&p)
                        .unwrap_or_else(|| panic!("{p} was not written"));
                    have.insert(p.clone(), data.clone());
                    fetched.push(p);
                }
            }
        }
    }
    panic!("more than four rounds");
}

fn offered(meta: &AidsMeta, files: &Files, q: &str) -> Vec<String> {
    let terms = parse_terms(q);
    let (s, _) = fetch(files, |have| homophones(meta, &terms, have).unwrap());
    s.into_iter().map(|s| s.q).collect()
}

#[test]
fn frequent_terms_are_whole_words_in_two_titles_or_more() {
    let terms = frequent_terms(TITLES, 2, 100);
    let df: HashMap<&str, u32> = terms.iter().map(|t| (t.text.as_str(), t.df)).collect();
    assert_eq!(df.get("普法"), Some(&5));
    assert_eq!(df.get("民法典"), Some(&3));
    assert_eq!(df.get("法律援助"), Some(&2));
    // Fragments that only ever occur inside a longer term are dropped.
    assert_eq!(df.get("民法"), None);
    assert_eq!(df.get("律援助"), None);
    assert_eq!(df.get("法典"), None);
    // In one title only: not frequent.
    assert_eq!(df.get("息息相关"), None);
    // Most frequent first; the cap keeps the first.
    assert_eq!(terms[0].text, "普法");
    assert_eq!(frequent_terms(TITLES, 2, 1).len(), 1);
    // Traditional titles count with simplified ones.
    let t = frequent_terms(["法律宣傳", "法律宣传"], 2, 10);
    assert_eq!(t[0].text, "法律宣传");
    assert!(frequent_terms(Vec::<&str>::new(), 2, 10).is_empty());
}

#[test]
fn homophone_slips_are_offered_the_archive_word() {
    let (meta, files) = aids_of(&[]);
    assert_eq!(offered(&meta, &files, "普发"), ["普法"]);
    assert_eq!(offered(&meta, &files, "民法点"), ["民法典"]);
    // The other words of the query stay as typed.
    assert_eq!(offered(&meta, &files, "新洲 普发"), ["新洲 普法"]);
    // Never the query itself, nothing for a word read like no term.
    assert!(offered(&meta, &files, "普法").is_empty());
    assert!(offered(&meta, &files, "宣讲").is_empty());
    // A phrase in quotes is meant as written.
    assert!(offered(&meta, &files, "“普发”").is_empty());
    // Latin words have no pinyin to compare.
    assert!(offered(&meta, &files, "app").is_empty());
}

#[test]
fn homophones_fetch_the_char_table_then_one_bucket_per_reading() {
    let (meta, files) = aids_of(&[]);
    let terms = parse_terms("普发");
    let (_, fetched) = fetch(&files, |have| homophones(&meta, &terms, have).unwrap());
    assert_eq!(fetched[0], CHARS);
    assert!(fetched.len() <= 1 + aids::QUERY_COMBOS);
    let table = CharTable::decode(&files[CHARS]).unwrap();
    assert_eq!(table.keys("普发"), ["pufa"]);
    assert_eq!(table.readings('法')[0], "fa");
    // A character outside the archive has no reading.
    assert!(table.keys("普㐀").is_empty());
}

#[test]
fn pinyin_typed_as_words_finds_the_chinese_term() {
    let (meta, files) = aids_of(&[]);
    let chinese = |q: &str| {
        let terms = parse_terms(q);
        fetch(&files, |have| from_pinyin(&meta, &terms, have).unwrap()).0
    };
    assert_eq!(chinese("pufa"), [(0, "普法".to_string())]);
    assert_eq!(chinese("PF"), [(0, "普法".to_string())]);
    assert_eq!(chinese("minfadian"), [(0, "民法典".to_string())]);
    assert_eq!(chinese("mfd 宣传"), [(0, "民法典".to_string())]);
    assert!(chinese("xyzzy").is_empty());
    assert!(chinese("普法").is_empty());
    assert!(chinese("a").is_empty());
}

#[test]
fn suggestions_while_typing_complete_the_last_word() {
    let (meta, files) = aids_of(&[]);
    let s = |typed: &str| fetch(&files, |have| suggest(&meta, typed, have).unwrap()).0;
    assert_eq!(s("民"), ["民法典"]);
    assert!(s("普法")
        .iter()
        .all(|t| t.starts_with("普法") && t != "普法"));
    assert!(s("新洲 普").contains(&"普法".to_string()));
    assert_eq!(s("pf"), ["普法"]);
    assert!(s("").is_empty());
    assert!(s("“普").is_empty());
    assert!(s("2021").is_empty());
}

#[test]
fn synonym_lists_are_normalised_and_mistakes_named() {
    let list = |e: &[(&str, &[&str])]| {
        normalise_synonyms(
            &e.iter()
                .map(|(w, l)| (w.to_string(), l.iter().map(|s| s.to_string()).collect()))
                .collect::<Vec<_>>(),
        )
    };
    let ok = list(&[("離婚", &["婚姻家庭糾紛"]), ("打官司", &["诉讼", "诉讼"])]).unwrap();
    assert_eq!(ok["离婚"], ["婚姻家庭纠纷"]);
    assert_eq!(ok["打官司"], ["诉讼"]);
    let errors = list(&[("打官司", &[]), ("，", &["x"]), ("离婚", &["離婚"])]).unwrap_err();
    let words: Vec<&str> = errors.iter().map(|e| e.word.as_str()).collect();
    assert_eq!(words, ["打官司", "，", "离婚"]);
    assert!(errors[0].message.contains("空"));
    assert!(errors[2].message.contains("相同"));
}

#[test]
fn a_synonym_widens_the_search_and_every_result_holds_one_of_them() {
    let (meta, files) = aids_of(&[("打官司", &["诉讼"])]);
    assert_eq!(meta.synonyms, 1);
    let syn = Synonyms::decode(&files[aids::SYNONYMS]).unwrap();
    let bodies = [
        "邻居打官司的经过",
        "法院受理诉讼的条件",
        "诉讼时效是三年",
        "调解不用打官司",
        "与此无关的一篇",
    ];
    let mut b = IndexBuilder::new();
    let day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    for body in bodies {
        b.add(doc_keys("标题", body), day, None);
    }
    let mut index = Files::new();
    let imeta = b
        .finish::<()>(&[], |p, d| {
            index.insert(p.to_string(), d.to_vec());
            Ok(())
        })
        .unwrap();
    let run = |q: &str, widen: bool| {
        let query = Query {
            terms: parse_terms(q),
            ..Query::default()
        };
        let alts = if widen {
            syn.widen(&query.terms)
        } else {
            Vec::new()
        };
        match run_widened(&imeta, &query, &alts, &index, &mut Decoded::default()).unwrap() {
            Outcome::Done(h) => {
                let mut d: Vec<u32> = h.iter().map(|h| h.doc).collect();
                d.sort_unstable();
                d
            }
            Outcome::Need(p) => panic!("missing {p:?}"),
        }
    };
    assert_eq!(run("打官司", false), [0, 3]);
    assert_eq!(run("打官司", true), [0, 1, 2, 3]);
    // With another word, each result holds that word too.
    assert_eq!(run("打官司 时效", true), [2]);
    // A quoted phrase is searched as written.
    assert_eq!(run("“打官司”", true), [0, 3]);
    assert!(syn.widen(&parse_terms("诉讼")).is_empty());
}

#[test]
fn damaged_aids_files_are_errors_not_panics() {
    let (meta, mut files) = aids_of(&[]);
    for data in files.values_mut() {
        data.truncate(data.len() / 2);
    }
    let terms = parse_terms("普发");
    assert!(homophones(&meta, &terms, &files).is_err());
    assert!(from_pinyin(&meta, &parse_terms("pufa"), &files).is_err());
    assert!(suggest(&meta, "民", &files).is_err());
    let mut bad = meta.clone();
    bad.pinyin_buckets = 0;
    assert!(from_pinyin(&bad, &parse_terms("pufa"), &files).is_err());
    let _: BTreeMap<String, Vec<String>> = BTreeMap::new();
}
