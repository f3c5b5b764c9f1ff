//! The prebuilt, split search index answers exactly what a substring scan
//! of the normalised text answers: same articles, filters applied, and it
//! never asks for more than three rounds of files.

use std::collections::HashMap;

use chrono::NaiveDate;
use proptest::prelude::*;
use pufa_core::search::aids::is_han;
use pufa_core::search::normalize::normalize_text;
use pufa_core::search::parse_terms;
use pufa_core::search::pieces::{
    bucket_file, bucket_of, doc_keys, key, long_runs, own_files, phrase_key, run, run_cached,
    trigram_keys, Decoded, Filter, Hit, IndexBuilder, Meta, Outcome, Query, BODY_PHRASE_LENS,
    CARD_BLOCK, OWN, PHRASE_MIN_BYTES, PHRASE_SAMPLE_SHARE, SPLIT_BYTES,
};
use pufa_core::search::Sort;

struct Doc {
    title: String,
    body: String,
    day: NaiveDate,
    views: Option<u64>,
    channel: usize,
}

fn build(docs: &[Doc], channels: usize) -> (Meta, HashMap<String, Vec<u8>>) {
    build_with(docs, channels, &[])
}

/// The result card the tests give article `i`.
fn card(i: usize) -> String {
    format!("{{\"n\":{i}}}")
}

/// [`build`], with `phrases` (normalised terms) indexed whole wherever
/// they occur, however small their pairs.
fn build_with(docs: &[Doc], channels: usize, phrases: &[&str]) -> (Meta, HashMap<String, Vec<u8>>) {
    build_split(docs, channels, phrases, SPLIT_BYTES)
}

/// [`build_with`], splitting the pairs whose positions pass `split_bytes`
/// into trigrams, as the compiler does.
fn build_split(
    docs: &[Doc],
    channels: usize,
    phrases: &[&str],
    split_bytes: usize,
) -> (Meta, HashMap<String, Vec<u8>>) {
    let mut b = IndexBuilder::new();
    b.split_bytes = split_bytes;
    for d in docs {
        b.add(doc_keys(&d.title, &d.body), d.day, d.views);
    }
    let split = b.split();
    for (i, d) in docs.iter().enumerate() {
        b.add_trigrams(i as u32, trigram_keys(&d.title, &d.body, &split));
    }
    b.cards((0..docs.len()).map(card).collect());
    // All in one walk, as the compiler works them out.
    for (t, p) in phrases.iter().zip(b.phrases(phrases, 0)) {
        if let Some(p) = p {
            b.add_phrase(t, p);
        }
    }
    let lists: Vec<(String, Vec<u32>)> = (0..channels)
        .map(|c| {
            let docs = docs
                .iter()
                .enumerate()
                .filter(|(_, d)| d.channel == c)
                .map(|(i, _)| i as u32)
                .collect();
            (format!("c{c}"), docs)
        })
        .collect();
    let mut files = HashMap::new();
    let meta = b
        .finish::<()>(&lists, |path, data| {
            assert!(
                files.insert(path.to_string(), data.to_vec()).is_none(),
                "{path} written twice"
            );
            Ok(())
        })
        .unwrap();
    assert_eq!(meta.files as usize, files.len());
    assert_eq!(meta.card_block as usize, CARD_BLOCK);
    // The whole-index download finds every own file from the buckets.
    let mut listed: Vec<String> = (0..meta.buckets)
        .flat_map(|b| own_files("", b, &files[&bucket_file(false, b)]).unwrap())
        .collect();
    listed.sort();
    let mut own: Vec<String> = files
        .keys()
        .filter(|p| p.contains('-') && (p.starts_with("search/k/") || p.starts_with("search/p/")))
        .cloned()
        .collect();
    own.sort();
    assert_eq!(listed, own);
    (meta, files)
}

/// Run the query the way the app does: with the list of keys that have
/// files of their own (fetched with `meta.json`), fetch what it asks for,
/// run again.
/// Returns the results, the rounds and the files fetched, in order.
fn search(
    meta: &Meta,
    files: &HashMap<String, Vec<u8>>,
    q: &Query,
) -> (Vec<Hit>, usize, Vec<String>) {
    search_with(meta, files, q, true)
}

/// [`search`], with or without the list of keys with files of their own
/// already fetched (without it, the query asks for it first).
fn search_with(
    meta: &Meta,
    files: &HashMap<String, Vec<u8>>,
    q: &Query,
    own_list: bool,
) -> (Vec<Hit>, usize, Vec<String>) {
    let mut have: HashMap<String, Vec<u8>> = HashMap::new();
    if own_list {
        have.insert(OWN.to_string(), files[OWN].clone());
    }
    search_into(meta, files, q, &mut have, &mut Decoded::default())
}

/// [`search`] over the files already in `have` and what was decoded into
/// `cache` (as the worker keeps both between searches); adds what it
/// fetches to `have`.
fn search_into(
    meta: &Meta,
    files: &HashMap<String, Vec<u8>>,
    q: &Query,
    have: &mut HashMap<String, Vec<u8>>,
    cache: &mut Decoded,
) -> (Vec<Hit>, usize, Vec<String>) {
    let mut rounds = 0;
    let mut fetched = Vec::new();
    loop {
        match run_cached(meta, q, have, cache).unwrap() {
            Outcome::Done(hits) => return (hits, rounds, fetched),
            Outcome::Need(paths) => {
                rounds += 1;
                assert!(rounds <= 3, "more than three rounds for {q:?}");
                for p in paths {
                    let data = files
                        .get(&p)
                        .unwrap_or_else(|| panic!("asked for {p}, not written"));
                    have.insert(p.clone(), data.clone());
                    fetched.push(p);
                }
            }
        }
    }
}

fn oracle(docs: &[Doc], q: &str, filter: &Filter) -> Vec<u32> {
    let terms = parse_terms(q);
    docs.iter()
        .enumerate()
        .filter(|(_, d)| {
            let (t, b) = (normalize_text(&d.title), normalize_text(&d.body));
            terms
                .iter()
                .all(|term| t.contains(&term.text) || b.contains(&term.text))
                && filter
                    .channel
                    .as_ref()
                    .is_none_or(|c| *c == format!("c{}", d.channel))
                && filter.from.is_none_or(|f| d.day >= f)
                && filter.to.is_none_or(|t| d.day <= t)
        })
        .map(|(i, _)| i as u32)
        .collect()
}

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() - chrono::Days::new(u64::from(n))
}

fn docs_from(raw: Vec<(String, String, u32, Option<u64>, usize)>) -> Vec<Doc> {
    // Days never increase along the list: article order is newest first.
    let mut age = 0;
    raw.into_iter()
        .map(|(title, body, gap, views, channel)| {
            age += gap;
            Doc {
                title,
                body,
                day: day(age),
                views,
                channel,
            }
        })
        .collect()
}

fn text(max: usize) -> impl Strategy<Value = String> {
    // A small alphabet makes repeats, near misses and split pairs common.
    proptest::collection::vec(
        prop::sample::select(vec![
            '普', '法', '宣', '传', '典', 'a', 'B', '1', ' ', '，', '“', '”',
        ]),
        0..max,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn finds_exactly_what_a_substring_scan_finds(
        raw in proptest::collection::vec((text(12), text(60), 0u32..3, proptest::option::of(0u64..50), 0usize..3), 1..40),
        queries in proptest::collection::vec(text(7), 1..6),
        filter_channel in proptest::option::of(0usize..3),
        from in proptest::option::of(0u32..40),
        span in 0u32..40,
        split in prop_oneof![Just(0usize), Just(usize::MAX), 2usize..40],
    ) {
        let docs = docs_from(raw);
        // Queries: random strings and substrings of the articles.
        let mut qs = queries;
        for d in docs.iter().take(3) {
            let chars: Vec<char> = d.body.chars().collect();
            if chars.len() > 4 {
                qs.push(chars[1..chars.len().min(6)].iter().collect());
            }
        }
        // Every other query's terms are also indexed whole (phrases).
        let terms: Vec<String> = qs
            .iter()
            .step_by(2)
            .flat_map(|q| parse_terms(q))
            .map(|t| t.text)
            .collect();
        let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
        let (meta, files) = build_split(&docs, 3, &terms, split);
        // The same articles without phrases: each term proven from pieces.
        let (bare_meta, bare_files) = build_split(&docs, 3, &[], split);
        for q in qs {
            let filter = Filter {
                channel: filter_channel.map(|c| format!("c{c}")),
                from: from.map(|f| day(f + span)),
                to: from.map(day),
            };
            for sort in [Sort::Relevance, Sort::Newest, Sort::Oldest, Sort::MostViewed] {
                let query = Query { terms: parse_terms(&q), filter: filter.clone(), sort, ordered: 0 };
                let (hits, _, _) = search(&meta, &files, &query);
                // Ordering only the page on screen gives the same page.
                let (first, _, _) = search(&meta, &files, &Query { ordered: 3, ..query.clone() });
                prop_assert_eq!(first.len(), hits.len());
                prop_assert_eq!(&first[..hits.len().min(3)], &hits[..hits.len().min(3)]);
                let mut got: Vec<u32> = hits.iter().map(|h| h.doc).collect();
                match sort {
                    Sort::Newest => prop_assert!(got.windows(2).all(|w| w[0] < w[1])),
                    Sort::Oldest => prop_assert!(got.windows(2).all(|w| w[0] > w[1])),
                    Sort::MostViewed => {
                        let v = |d: u32| docs[d as usize].views.map_or(-1, |v| v as i64);
                        prop_assert!(got.windows(2).all(|w| v(w[0]) >= v(w[1])), "views order {:?}", got);
                    }
                    Sort::Relevance => {}
                }
                got.sort_unstable();
                prop_assert_eq!(&got, &oracle(&docs, &q, &filter), "query {:?} sort {:?}", q, sort);
                // Proving phrases from their pieces finds the same.
                let (pairs, _, _) = search(&bare_meta, &bare_files, &query);
                let mut pairs: Vec<u32> = pairs.iter().map(|h| h.doc).collect();
                pairs.sort_unstable();
                prop_assert_eq!(&pairs, &got);
            }
        }
    }
}

#[test]
fn a_title_match_ranks_before_body_matches() {
    let mut raw = Vec::new();
    for i in 0..30 {
        raw.push((
            format!("通知{i}"),
            "关于民法典的宣传活动，民法典进社区。".to_string(),
            1,
            None,
            0,
        ));
    }
    raw.push((
        "民法典宣传月".to_string(),
        "活动开始了。".to_string(),
        1,
        None,
        0,
    ));
    let docs = docs_from(raw);
    let (meta, files) = build(&docs, 1);
    let q = Query {
        terms: parse_terms("民法典"),
        ..Query::default()
    };
    let (hits, rounds, fetched) = search(&meta, &files, &q);
    assert_eq!(hits.len(), 31);
    assert_eq!(hits[0].doc, 30, "the title match first");
    // Three-character term: postings and positions, in one round here.
    assert_eq!(rounds, 1);
    assert!(fetched.len() <= 4, "fetched {fetched:?}");
}

#[test]
fn common_keys_live_in_files_of_their_own() {
    let raw = (0..3000)
        .map(|i| {
            (
                format!("第{i}期"),
                "普法宣传普法宣传".to_string(),
                0,
                Some(i),
                0,
            )
        })
        .chain(std::iter::once((
            "其他".to_string(),
            "宣传".to_string(),
            0,
            None,
            0,
        )))
        .collect();
    let docs = docs_from(raw);
    let (meta, files) = build(&docs, 1);
    assert!(
        files.keys().any(|p| p.contains('-')),
        "no own file among {} files",
        files.len()
    );
    let q = Query {
        terms: parse_terms("普法宣"),
        sort: Sort::MostViewed,
        ..Query::default()
    };
    let (hits, rounds, fetched) = search_with(&meta, &files, &q, false);
    assert_eq!(hits.len(), 3000);
    assert_eq!(hits[0].doc, 2999, "most viewed first");
    // It names the split pairs, so a query asks for it first, alone.
    assert_eq!(rounds, 2, "the list, then the own files");
    assert_eq!(fetched[0], OWN);
    // With the list of keys that have files of their own, at once.
    let (with_list, rounds, _) = search(&meta, &files, &q);
    assert_eq!(with_list, hits);
    assert_eq!(
        rounds, 1,
        "the own files and the small keys' buckets at once"
    );
    let q = Query {
        terms: parse_terms("普法 不存在"),
        ..Query::default()
    };
    assert!(search(&meta, &files, &q).0.is_empty());
}

#[test]
fn a_long_term_fetches_only_the_pairs_that_prove_it() {
    // 民政 is in every article (a file of its own); 人民政府 in five. The
    // positions of 人民 and 政府 two apart prove 人民政府, so nothing of
    // 民政, the largest key, is fetched.
    let raw = (0..3000)
        .map(|i| {
            let body = if i % 600 == 0 {
                "区人民政府召开会议"
            } else {
                "民政民政人民来信政府公开"
            };
            (format!("第{i}期"), body.to_string(), 0, None, 0)
        })
        .collect();
    let docs = docs_from(raw);
    let (meta, files) = build(&docs, 1);
    let bucket = |a, b| bucket_of(key(a, b), meta.buckets);
    let middle = bucket('民', '政');
    assert!(middle != bucket('人', '民') && middle != bucket('政', '府'));
    assert!(
        files
            .keys()
            .any(|p| p.starts_with(&format!("search/k/{middle}-"))),
        "民政 should have a file of its own"
    );
    let q = Query {
        terms: parse_terms("人民政府"),
        ..Query::default()
    };
    // With the list of keys with files of their own, and without it.
    for own_list in [true, false] {
        let (hits, _, paths) = search_with(&meta, &files, &q, own_list);
        let mut got: Vec<u32> = hits.iter().map(|h| h.doc).collect();
        got.sort_unstable();
        assert_eq!(got, oracle(&docs, "人民政府", &Filter::default()));
        assert_eq!(got.len(), 5);
        for p in &paths {
            assert!(
                !p.contains(&format!("/{middle}.")) && !p.contains(&format!("/{middle}-")),
                "fetched {p}, a file of 民政, among {paths:?}"
            );
        }
    }
}

#[test]
fn a_common_key_is_fetched_from_its_own_files_alone() {
    // 普法 is in every article; 宣 and 传 each in one.
    let raw = (0..3000)
        .map(|i| {
            let body = if i == 7 { "普法宣" } else { "普法传" };
            (format!("第{i}期"), body.to_string(), 0, None, 0)
        })
        .collect();
    let docs = docs_from(raw);
    let (meta, files) = build(&docs, 1);
    assert!(meta.own_keys.is_some_and(|n| n > 0));
    let q = Query {
        terms: parse_terms("普法"),
        ..Query::default()
    };
    let mut have: HashMap<String, Vec<u8>> = HashMap::new();
    have.insert(OWN.to_string(), files[OWN].clone());
    let Outcome::Need(paths) = run(&meta, &q, &have).unwrap() else {
        panic!("nothing fetched yet");
    };
    let bucket = bucket_of(key('普', '法'), meta.buckets);
    assert_eq!(paths.len(), 1, "{paths:?}");
    assert!(
        paths[0].starts_with(&format!("search/k/{bucket}-")),
        "{paths:?}"
    );
    assert!(!paths.contains(&bucket_file(false, bucket)));
    have.insert(paths[0].clone(), files[&paths[0]].clone());
    let Outcome::Done(hits) = run(&meta, &q, &have).unwrap() else {
        panic!("the own file was all it needed");
    };
    assert_eq!(hits.len(), 3000);
    // Three characters: the own files of 普法 and 法宣 (positions too)
    // with the small key's buckets, in one round, and the same answer
    // as without the list.
    let q = Query {
        terms: parse_terms("普法宣"),
        ..Query::default()
    };
    let (hits, rounds, _) = search(&meta, &files, &q);
    assert_eq!(rounds, 1);
    assert_eq!(hits.iter().map(|h| h.doc).collect::<Vec<_>>(), vec![7]);
    assert_eq!(search_with(&meta, &files, &q, false).0, hits);
}

/// 3000 articles where 人民 and 政府 are everywhere, 人民政府 in a few
/// (one in a title).
fn common_pairs() -> Vec<Doc> {
    let raw = (0..3000)
        .map(|i| {
            let (title, body) = match i {
                9 => ("区人民政府通告".to_string(), "人民来信政府公开"),
                _ if i % 500 == 0 => (format!("第{i}期"), "人民来信政府公开，区人民政府召开会议"),
                _ => (format!("第{i}期"), "人民来信政府公开人民政协"),
            };
            (title, body.to_string(), 0, None, 0)
        })
        .collect();
    docs_from(raw)
}

#[test]
fn a_frequent_term_indexed_whole_is_one_posting_without_positions() {
    let docs = common_pairs();
    let (meta, files) = build_with(&docs, 1, &["人民政府"]);
    let q = Query {
        terms: parse_terms("人民政府"),
        ..Query::default()
    };
    let (hits, rounds, paths) = search(&meta, &files, &q);
    let bucket = bucket_of(phrase_key("人民政府"), meta.buckets);
    assert_eq!(rounds, 1);
    assert_eq!(paths.len(), 1, "{paths:?}");
    assert!(
        paths[0].starts_with(&format!("search/k/{bucket}-")),
        "{paths:?}"
    );
    let got: Vec<u32> = hits.iter().map(|h| h.doc).collect();
    // The title match first, then the rest newest first.
    assert_eq!(got, vec![9, 0, 500, 1000, 1500, 2000, 2500]);
    // Without the phrase, the pairs prove the same articles.
    let (meta_bare, files_bare) = build(&docs, 1);
    let (pairs, _, paths) = search(&meta_bare, &files_bare, &q);
    assert!(
        paths.iter().any(|p| p.starts_with("search/p/")),
        "{paths:?}"
    );
    assert_eq!(pairs.iter().map(|h| h.doc).collect::<Vec<_>>(), got);
    // A longer term, or a term inside the phrase, is proved from pairs.
    for q in ["区人民政府", "民政府"] {
        let query = Query {
            terms: parse_terms(q),
            ..Query::default()
        };
        let mut got: Vec<u32> = search(&meta, &files, &query)
            .0
            .iter()
            .map(|h| h.doc)
            .collect();
        got.sort_unstable();
        assert_eq!(got, oracle(&docs, q, &Filter::default()), "{q}");
    }
}

#[test]
fn a_common_word_or_phrase_file_carries_the_cards_of_its_first_page() {
    let docs = common_pairs();
    let (meta, files) = build_with(&docs, 1, &["人民政府"]);
    // 人民 (a pair with files of its own) and 人民政府 (a phrase).
    for (q, total) in [("人民", 3000), ("人民政府", 7)] {
        let query = Query {
            terms: parse_terms(q),
            ..Query::default()
        };
        let mut cache = Decoded::default();
        let mut have: HashMap<String, Vec<u8>> = HashMap::new();
        have.insert(OWN.to_string(), files[OWN].clone());
        let (hits, _, _) = search_into(&meta, &files, &query, &mut have, &mut cache);
        assert_eq!(hits.len(), total, "{q}");
        let page = hits.len().min(10);
        for h in &hits[..page] {
            let (file, json) = cache
                .top_card(h.doc)
                .unwrap_or_else(|| panic!("{q}: no card of {}", h.doc));
            assert_eq!(json, card(h.doc as usize), "{q}");
            assert!(file.starts_with("search/k/"), "{file}");
        }
        // Only that page came.
        for h in &hits[page..] {
            assert!(
                cache.top_card(h.doc).is_none(),
                "{q}: card of {} came too",
                h.doc
            );
        }
    }
}

#[test]
fn the_compiler_indexes_a_term_whole_only_where_its_pairs_cost_much() {
    let docs = common_pairs();
    let mut b = IndexBuilder::new();
    for d in &docs {
        b.add(doc_keys(&d.title, &d.body), d.day, d.views);
    }
    // 人民 and 政府 in 3000 articles: about 6 kB of positions each.
    assert!(b.phrase("人民政府", PHRASE_MIN_BYTES).is_none());
    let p = b.phrase("人民政府", 8 * 1024).expect("worth it past 8 kB");
    assert!(p.saves() > 8 * 1024, "saves {}", p.saves());
    // Not in any article: nothing to index.
    assert!(b.phrase("政府人民", 0).is_none());
    assert!(b.phrase("人民", 0).is_none(), "a pair is a key already");
}

#[test]
fn terms_worked_out_in_one_walk_are_what_each_is_alone() {
    // Terms that share cover pairs (人民, 政府, 来信), repeat one (人民人民),
    // occur nowhere (政府人民) or are too short to be phrases (人民).
    let docs = common_pairs();
    let terms = [
        "人民政府",
        "人民来信",
        "区人民政府",
        "政府公开人民",
        "政府人民",
        "人民人民",
        "人民",
        "来信政府公开",
    ];
    let mut b = IndexBuilder::new();
    for d in &docs {
        b.add(doc_keys(&d.title, &d.body), d.day, d.views);
    }
    let together = b.phrases(&terms, 0);
    for (t, p) in terms.iter().zip(&together) {
        let alone = b.phrase(t, 0);
        assert_eq!(
            p.as_ref().map(|p| p.saves()),
            alone.as_ref().map(|p| p.saves()),
            "{t}"
        );
    }
    assert!(together[4].is_none() && together[5].is_none() && together[6].is_none());
    // And the index written is the same, byte for byte.
    let files = |batched: bool| {
        let mut b = IndexBuilder::new();
        for d in &docs {
            b.add(doc_keys(&d.title, &d.body), d.day, d.views);
        }
        let phrases: Vec<_> = if batched {
            b.phrases(&terms, 0)
        } else {
            terms.iter().map(|t| b.phrase(t, 0)).collect()
        };
        for (t, p) in terms.iter().zip(phrases) {
            if let Some(p) = p {
                assert!(b.add_phrase(t, p));
            }
        }
        let mut files = std::collections::BTreeMap::new();
        b.finish::<()>(
            &[("c0".to_string(), (0..docs.len() as u32).collect())],
            |path, data| {
                files.insert(path.to_string(), data.to_vec());
                Ok(())
            },
        )
        .unwrap();
        files
    };
    assert_eq!(files(true), files(false));
}

#[test]
fn a_term_sharing_a_phrase_hash_is_proved_from_its_pairs() {
    // Two different terms with the same 32-bit phrase key.
    let alphabet: Vec<char> =
        "人民政府法律普宣传典条例规定会议公开来信区市县省国家社治安全保护权利义务责任行处罚"
            .chars()
            .collect();
    let mut seen: HashMap<u64, String> = HashMap::new();
    let mut pair = None;
    'find: for &a in &alphabet {
        for &b in &alphabet {
            for &c in &alphabet {
                for &d in &alphabet {
                    let t: String = [a, b, c, d].iter().collect();
                    if let Some(other) = seen.insert(phrase_key(&t), t.clone()) {
                        pair = Some((other, t));
                        break 'find;
                    }
                }
            }
        }
    }
    let (a, b) = pair.expect("a shared hash among 2.6 million terms");
    assert_ne!(a, b);
    let raw = (0..40)
        .map(|i| {
            let body = match i % 4 {
                0 => a.clone(),
                1 => b.clone(),
                2 => format!("{a}{b}"),
                _ => "其他".to_string(),
            };
            (format!("第{i}期"), body, 0, None, 0)
        })
        .collect();
    let docs = docs_from(raw);
    let (meta, files) = build_with(&docs, 1, &[&a]);
    // One decoded cache for all, as in the worker: `b` first reads `a`'s
    // file, then `a`'s posting, kept, must not answer for `b`.
    let mut cache = Decoded::default();
    let mut have: HashMap<String, Vec<u8>> = HashMap::new();
    have.insert(OWN.to_string(), files[OWN].clone());
    for t in [&b, &a, &b] {
        let q = Query {
            terms: parse_terms(t),
            ..Query::default()
        };
        let (hits, _, _) = search_into(&meta, &files, &q, &mut have, &mut cache);
        let mut got: Vec<u32> = hits.iter().map(|h| h.doc).collect();
        got.sort_unstable();
        assert_eq!(got, oracle(&docs, t, &Filter::default()), "{t}");
    }
}

#[test]
fn a_list_of_own_keys_that_does_not_match_meta_is_an_error_naming_it() {
    let docs = docs_from(vec![("普法".into(), "宣传".into(), 0, None, 0)]);
    let (mut meta, files) = build(&docs, 1);
    meta.own_keys = Some(5);
    let q = Query {
        terms: parse_terms("普法"),
        ..Query::default()
    };
    let e = run(&meta, &q, &files).unwrap_err();
    assert_eq!(e.file, OWN);
}

#[test]
fn filters_without_words_browse_the_archive() {
    let raw = (0..10)
        .map(|i| (format!("标题{i}"), "正文".to_string(), 1, None, i % 2))
        .collect();
    let docs = docs_from(raw);
    let (meta, files) = build(&docs, 2);
    let q = Query {
        filter: Filter {
            channel: Some("c1".into()),
            from: Some(day(6)),
            to: Some(day(2)),
        },
        sort: Sort::Oldest,
        ..Query::default()
    };
    let docs_found: Vec<u32> = search(&meta, &files, &q).0.iter().map(|h| h.doc).collect();
    assert_eq!(docs_found, vec![5, 3, 1]);
}

#[test]
fn a_damaged_piece_is_an_error_naming_the_file() {
    let docs = docs_from(vec![("普法".into(), "宣传".into(), 0, None, 0)]);
    let (meta, mut files) = build(&docs, 1);
    for data in files.values_mut() {
        data.truncate(data.len() / 2);
    }
    let q = Query {
        terms: parse_terms("普法宣"),
        ..Query::default()
    };
    let mut have: HashMap<String, Vec<u8>> = HashMap::new();
    let mut err = None;
    for _ in 0..3 {
        match run(&meta, &q, &have) {
            Ok(Outcome::Need(paths)) => {
                for p in paths {
                    have.insert(p.clone(), files[&p].clone());
                }
            }
            Ok(Outcome::Done(_)) => break,
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    let e = err.expect("a truncated index is reported");
    assert!(e.file.starts_with("search/"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any bytes in place of any piece: an error naming a file, or some
    /// answer, never a panic (the pieces come from the network).
    #[test]
    fn random_bytes_in_any_piece_never_panic(
        junk in proptest::collection::vec(any::<u8>(), 0..64),
        which in any::<prop::sample::Index>(),
        q in text(6),
    ) {
        let docs = docs_from(vec![
            ("普法宣传".into(), "普法宣传典a1".into(), 0, Some(3), 0),
            ("宣传".into(), "法典".into(), 1, None, 1),
        ]);
        let (meta, mut files) = build_with(&docs, 2, &["普法宣传", "法宣传"]);
        let mut names: Vec<String> = files.keys().cloned().collect();
        names.sort();
        let victim = names[which.index(names.len())].clone();
        files.insert(victim, junk);
        for sort in [Sort::Relevance, Sort::MostViewed] {
            let query = Query {
                terms: parse_terms(&q),
                filter: Filter { channel: Some("c1".into()), from: Some(day(3)), to: None },
                sort,
                ordered: 0,
            };
            if let Err(e) = run(&meta, &query, &files) {
                prop_assert!(e.file.starts_with("search/"), "{}", e);
            }
        }
    }
}

proptest! {
    /// The bodies' phrase candidates are exactly the strings of 5–8
    /// Chinese characters that a plain count finds in enough texts: the
    /// length-by-length pruning loses none. A four-character alphabet and
    /// separators make long repeats common.
    #[test]
    fn long_runs_are_what_a_plain_count_finds(
        texts in prop::collection::vec("[甲乙丙丁 ，a]{0,40}", 0..40),
    ) {
        let got: Vec<(String, usize)> = long_runs(texts.iter().map(String::as_str))
            .into_iter()
            .map(|t| (t.text, t.df as usize))
            .collect();
        let min_df = texts.len().div_ceil(PHRASE_SAMPLE_SHARE).max(2);
        let mut df: std::collections::BTreeMap<String, usize> = Default::default();
        for t in &texts {
            let chars: Vec<char> = normalize_text(t).chars().collect();
            let mut seen = std::collections::BTreeSet::new();
            for n in BODY_PHRASE_LENS {
                for w in chars.windows(n) {
                    if w.iter().all(|&c| is_han(c)) {
                        seen.insert(w.iter().collect::<String>());
                    }
                }
            }
            for s in seen {
                *df.entry(s).or_default() += 1;
            }
        }
        let want: Vec<(String, usize)> = df.into_iter().filter(|&(_, d)| d >= min_df).collect();
        prop_assert_eq!(got, want);
    }
}

#[test]
fn long_runs_need_one_text_in_two_hundred_and_two_at_least() {
    let filler = |i: usize| format!("第{i}号文本");
    // 人民共和国 in 2 of 300 texts: two are enough below 400 texts.
    let mut texts: Vec<String> = (0..300).map(filler).collect();
    texts[7] = "中华人民共和国".into();
    texts[9] = "人民共和国境内".into();
    let runs = |texts: &[String]| -> Vec<(String, u32)> {
        long_runs(texts.iter().map(String::as_str))
            .into_iter()
            .map(|t| (t.text, t.df))
            .collect()
    };
    assert_eq!(runs(&texts), [("人民共和国".to_string(), 2)]);
    // In 1000 texts, 5 are needed.
    let mut texts: Vec<String> = (0..1000).map(filler).collect();
    for t in &mut texts[..4] {
        *t = "依法追究刑事责任".into();
    }
    assert!(runs(&texts).is_empty());
    texts[4] = "追究刑事责任，".into();
    assert_eq!(
        runs(&texts),
        ["究刑事责任", "追究刑事责", "追究刑事责任"].map(|t| (t.to_string(), 5))
    );
}
