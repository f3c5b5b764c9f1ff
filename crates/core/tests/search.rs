//! Search that understands Chinese (issues #3 and #10), through the
//! prebuilt index held in memory: results exactly those of a substring
//! scan, ranking order, filters, and no panic on any input.

use chrono::{DateTime, FixedOffset, NaiveDate};
use proptest::prelude::*;
use pufa_core::search::normalize::normalize_text;
use pufa_core::search::pieces::{Filter, Hit, InMemory, Query};
use pufa_core::search::related::RelatedIndex;
use pufa_core::search::{parse_terms, Sort};
use pufa_core::{Block, Bulletin};

fn at(day: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("{day}T10:00:00+08:00")).unwrap()
}

fn doc(id: &str, title: &str, body: &str, day: &str) -> Bulletin {
    Bulletin {
        id: id.into(),
        title: title.into(),
        channel: "c".into(),
        published: at(day),
        source: None,
        views: None,
        sample: true,
        body: vec![Block::Paragraph(body.into())],
    }
}

/// Ids of the results for `query`, in order; `docs` must be newest first
/// like the store keeps them.
fn check(docs: &[Bulletin], query: &str, sort: Sort, expected: &[&str]) {
    let hits = search(docs, query, Filter::default(), sort);
    let ids: Vec<&str> = hits
        .iter()
        .map(|h| docs[h.doc as usize].id.as_str())
        .collect();
    assert_eq!(ids, expected, "query {query:?}");
}

/// Every channel of the articles, each holding its own articles.
fn channels(docs: &[Bulletin]) -> Vec<(String, Vec<u32>)> {
    let mut names: Vec<&str> = docs.iter().map(|d| d.channel.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|c| {
            let within = docs
                .iter()
                .enumerate()
                .filter(|(_, d)| d.channel == c)
                .map(|(i, _)| i as u32)
                .collect();
            (c.to_string(), within)
        })
        .collect()
}

fn search(docs: &[Bulletin], query: &str, filter: Filter, sort: Sort) -> Vec<Hit> {
    let index = InMemory::build(docs, &channels(docs));
    index
        .search(&Query {
            terms: parse_terms(query),
            filter,
            sort,
            ordered: 0,
        })
        .expect("an index searches")
}

/// "普法宣传工作" as typed is only in `exact`; `scattered` has all its pairs.
fn scattered_and_exact() -> [Bulletin; 2] {
    [
        doc(
            "scattered",
            "通知",
            "普法工作要落实，宣传工作要到位，普法宣传有序",
            "2024-01-01",
        ),
        doc("exact", "通知", "开展普法宣传工作", "2020-01-01"),
    ]
}

#[test]
fn only_the_exact_string_matches_not_its_scattered_pairs() {
    let docs = scattered_and_exact();
    check(&docs, "普法宣传工作", Sort::Relevance, &["exact"]);
}

#[test]
fn quoted_phrases_must_match_exactly() {
    let docs = scattered_and_exact();
    check(&docs, "\"普法宣传工作\"", Sort::Relevance, &["exact"]);
    check(&docs, "“普法宣传工作”", Sort::Relevance, &["exact"]);
}

#[test]
fn title_matches_rank_above_body_matches() {
    let docs = [
        doc(
            "body",
            "区司法局工作动态",
            "民法典民法典民法典进社区",
            "2025-01-01",
        ),
        doc("title", "民法典进社区", "活动现场", "2019-01-01"),
    ];
    check(&docs, "民法典", Sort::Relevance, &["title", "body"]);
}

#[test]
fn weight_then_newer_first_breaks_ties() {
    let docs = [
        doc("new", "通知", "反诈宣传", "2025-01-01"),
        doc("heavy", "通知", "反诈 反诈 反诈 宣传", "2023-01-01"),
        doc("old", "通知", "反诈宣传", "2020-01-01"),
    ];
    check(&docs, "反诈", Sort::Relevance, &["heavy", "new", "old"]);
    check(&docs, "反诈", Sort::Oldest, &["old", "heavy", "new"]);
    check(&docs, "反诈", Sort::Newest, &["new", "heavy", "old"]);
}

#[test]
fn most_viewed_puts_unknown_counts_last() {
    let mut docs = vec![
        doc("unknown", "通知", "禁毒", "2025-01-01"),
        doc("few", "通知", "禁毒", "2024-01-01"),
        doc("many", "通知", "禁毒", "2023-01-01"),
    ];
    docs[1].views = Some(3);
    docs[2].views = Some(300);
    check(&docs, "禁毒", Sort::MostViewed, &["many", "few", "unknown"]);
}

#[test]
fn all_words_must_match() {
    let docs = [
        doc("both", "禁毒宣传", "走进校园", "2025-01-01"),
        doc("one", "禁毒宣传", "走进社区", "2024-01-01"),
    ];
    check(&docs, "禁毒 校园", Sort::Relevance, &["both"]);
    check(&docs, "禁毒 没有的词", Sort::Relevance, &[]);
}

#[test]
fn latin_digits_and_mixed_text_are_findable() {
    let docs = [
        doc("gbt", "学习GB/T 35273规范", "个人信息安全", "2024-09-10"),
        doc("year", "2021年民法典宣传月", "活动", "2021-05-01"),
        doc("app", "推广国家反诈中心APP", "下载注册", "2022-06-21"),
        doc("qiwu", "“七五”普法总结", "七五期间", "2021-07-26"),
    ];
    check(&docs, "GB/T", Sort::Relevance, &["gbt"]);
    check(&docs, "ｇｂ／ｔ", Sort::Relevance, &["gbt"]);
    check(&docs, "\"GB/T 35273\"", Sort::Relevance, &["gbt"]);
    check(&docs, "2021", Sort::Relevance, &["year"]);
    check(&docs, "202", Sort::Relevance, &["year"]);
    check(&docs, "2021年", Sort::Relevance, &["year"]);
    check(&docs, "app", Sort::Relevance, &["app"]);
    check(&docs, "七五", Sort::Relevance, &["qiwu"]);
    check(&docs, "“七五”", Sort::Relevance, &["qiwu"]);
    // Both titles hold 法; the shorter title weighs more (BM25 length norm).
    check(&docs, "法", Sort::Relevance, &["qiwu", "year"]);
}

#[test]
fn empty_and_punctuation_only_queries_list_everything_newest_first() {
    let docs = [
        doc("a", "甲", "乙", "2025-01-01"),
        doc("b", "丙", "丁", "2024-01-01"),
    ];
    check(&docs, "", Sort::Relevance, &["a", "b"]);
    check(&docs, "，。！", Sort::Relevance, &["a", "b"]);
    check(&docs, "   ", Sort::Oldest, &["b", "a"]);
}

#[test]
fn filters_narrow_by_channel_and_day() {
    let mut docs = vec![
        doc("a", "普法", "x", "2025-01-01"),
        doc("b", "普法", "x", "2021-12-31"),
        doc("c", "普法", "x", "2021-01-01"),
    ];
    docs[1].channel = "d".into();
    let ids = |f: Filter| -> Vec<String> {
        search(&docs, "普法", f, Sort::Relevance)
            .into_iter()
            .map(|h| docs[h.doc as usize].id.clone())
            .collect()
    };
    let year = |y| Filter {
        from: NaiveDate::from_ymd_opt(y, 1, 1),
        to: NaiveDate::from_ymd_opt(y, 12, 31),
        ..Filter::default()
    };
    assert_eq!(ids(year(2021)), ["b", "c"]);
    assert_eq!(
        ids(Filter {
            channel: Some("d".into()),
            ..year(2021)
        }),
        ["b"]
    );
    assert_eq!(ids(year(2030)), Vec::<String>::new());
    // Filters alone browse the archive, newest first.
    let all: Vec<u32> = search(&docs, "", year(2021), Sort::Relevance)
        .iter()
        .map(|h| h.doc)
        .collect();
    assert_eq!(all, [1, 2]);
}

#[test]
fn publish_days_are_shanghai_days() {
    // 2021-12-31 23:30 in Shanghai is 15:30 UTC: still 2021 for the filter.
    let mut d = doc("late", "普法", "x", "2021-12-31");
    d.published = DateTime::parse_from_rfc3339("2021-12-31T15:30:00Z").unwrap();
    let filter = Filter {
        to: NaiveDate::from_ymd_opt(2021, 12, 31),
        ..Filter::default()
    };
    assert_eq!(search(&[d], "普法", filter, Sort::Relevance).len(), 1);
}

const ALPHABET: &[char] = &[
    '普', '法', '宣', '传', '工', '作', '法', 'a', 'B', '1', '２', ' ', '，', '“', '·',
];

fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET), 0..max)
        .prop_map(|v| v.into_iter().collect())
}

/// Which pairs the index splits into trigrams: every pair, none, or those
/// past a small size, so that a term mixes pairs and trigrams.
fn split_bytes() -> impl Strategy<Value = usize> {
    prop_oneof![Just(0usize), Just(usize::MAX), 2usize..40]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Results are exactly the articles whose normalised title or body
    /// contains every typed word: recall and precision 100%.
    #[test]
    fn results_match_a_plain_substring_scan(
        docs in proptest::collection::vec((text(12), text(60)), 1..25),
        pick in any::<prop::sample::Index>(),
        start in 0usize..60,
        len in 1usize..7,
        extra in text(4),
        split in split_bytes(),
    ) {
        let bulletins: Vec<Bulletin> = docs
            .iter()
            .enumerate()
            .map(|(i, (t, b))| doc(&format!("d{i}"), t, b, "2024-01-01"))
            .collect();
        // Query: a piece of one article's body (so matches exist), and
        // sometimes a second random word.
        let (_, body) = &docs[pick.index(docs.len())];
        let chars: Vec<char> = body.chars().collect();
        let s = start.min(chars.len());
        let piece: String = chars[s..(s + len).min(chars.len())].iter().collect();
        let query = format!("{piece} {extra}");
        let terms = parse_terms(&query);
        let index = InMemory::build_split(&bulletins, &channels(&bulletins), &[], split);
        let mut found: Vec<u32> = index
            .search(&Query { terms: terms.clone(), ..Query::default() })
            .expect("an index searches")
            .iter()
            .map(|h| h.doc)
            .collect();
        found.sort_unstable();
        let expected: Vec<u32> = docs
            .iter()
            .enumerate()
            .filter(|(_, (t, b))| {
                let (t, b) = (normalize_text(t), normalize_text(b));
                terms.iter().all(|term| t.contains(&term.text) || b.contains(&term.text))
            })
            .map(|(i, _)| i as u32)
            .collect();
        prop_assert_eq!(found, expected, "query {:?}", query);
    }

    #[test]
    fn any_query_never_panics(query in "\\PC{0,40}", body in "\\PC{0,80}") {
        let hits = search(&[doc("a", "标题", &body, "2024-01-01")], &query, Filter::default(), Sort::Relevance);
        let terms = parse_terms(&query);
        for _ in hits {
            let needles = pufa_core::search::snippet::needles(&terms, |_| true);
            let _ = pufa_core::search::snippet::snippet(&body, &needles, 30);
            let _ = pufa_core::search::snippet::highlight("标题", &needles);
        }
    }
}

#[test]
fn related_articles_share_rare_title_words() {
    let docs = [
        doc(
            "a",
            "新洲区召开“七五”普法工作动员部署会",
            "会议部署七五普法",
            "2016-06-14",
        ),
        doc(
            "b",
            "新洲区“七五”普法工作顺利通过总结验收",
            "七五普法总结验收",
            "2020-11-17",
        ),
        doc(
            "c",
            "黄陂区开展“6·5”环境日生态环境普法宣传",
            "环境保护",
            "2025-06-05",
        ),
        doc(
            "d",
            "酒后驾车发生事故，保险公司能否拒赔？",
            "交通事故",
            "2019-05-21",
        ),
        doc(
            "e",
            "新修订的未成年人保护法6月1日起施行",
            "未成年人",
            "2021-05-31",
        ),
        doc(
            "f",
            "武昌区“6·26”禁毒宣传走进高校校园",
            "禁毒",
            "2025-06-26",
        ),
    ];
    let index = RelatedIndex::build(docs.iter().map(|d| {
        // Every article here is filed under 新洲区 but c, d and f.
        let channel = if ["c", "d", "f"].contains(&d.id.as_str()) {
            ""
        } else {
            "新洲区"
        };
        (d.title.as_str(), channel)
    }));
    let related: Vec<&str> = index
        .related(1, 5)
        .into_iter()
        .map(|i| docs[i].id.as_str())
        .collect();
    assert_eq!(related.first(), Some(&"a"), "{related:?}");
    assert!(
        !related.contains(&"b"),
        "an article is not related to itself"
    );
    assert!(!related.contains(&"d"), "{related:?}");
    assert!(index.related(99, 5).is_empty());
}
