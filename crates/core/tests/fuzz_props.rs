//! Structured property tests of the data decoder, the query parser and the
//! prebuilt search index: the stable-toolchain companion of the libFuzzer
//! targets in `fuzz/` (issue #13, item 9; docs/fuzzing.md). Inputs are
//! valid-looking files, URL states and index pieces, then damaged:
//! truncated, fields swapped or retyped, odd Unicode, huge numbers, deep
//! nesting, flipped bytes. Nothing may panic, the search state must survive
//! its own query string, and a query over damaged pieces ends in results,
//! a request for files of the index, or an error naming one.
//!
//! CI runs a few hundred cases; `PUFA_FUZZ_CASES=1000000 cargo test
//! --release -p pufa-core --test fuzz_props` runs them at volume.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate};
use proptest::prelude::*;
use pufa_core::compiled::{self, DataVersion, HomeFile, ListFile};
use pufa_core::search::pieces::{self, Filter, InMemory, Meta, Outcome, Pieces, Query};
use pufa_core::search::{parse_terms, SearchParams, Sort};
use pufa_core::{decode_bulletins, decode_site, Block, Bulletin, Catalog, Store};
use serde_json::{json, Value};

const SITE: &str = include_str!("../../../tests/fixtures/json/site.json");

/// Text that is likely to matter: ids, dates, URLs, odd Unicode.
fn odd_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("pufa".to_string()),
        Just("xinzhou".to_string()),
        Just("2026-10-13 14:30".to_string()),
        Just("2024-02-29T23:59:00+08:00".to_string()),
        Just("2023-02-29 00:00".to_string()),
        Just("+262143-12-31T23:59:59+14:00".to_string()),
        Just("media/a-0123456789abcdef.png".to_string()),
        Just("https://example.cn/".to_string()),
        Just("javascript:alert(1)".to_string()),
        Just("/channel/pufa".to_string()),
        Just("\u{0}\u{202e}\u{feff}\u{fffd}\u{10ffff}".to_string()),
        Just("e\u{301}\u{1f600}\u{200d}\u{1f468}".repeat(40)),
        Just("普".repeat(5000)),
        "\\PC{0,40}",
        "[a-z0-9-]{0,70}",
        "[\u{4e00}-\u{4e40} ]{0,30}",
    ]
}

fn odd_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(0)),
        Just(json!(-1)),
        Just(json!(u64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(1.5)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
    ]
}

/// Any JSON value, nested a few levels.
fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        odd_number(),
        odd_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(odd_text(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A value that is usually of the right type for a field, sometimes not.
fn field(good: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Value> {
    prop_oneof![8 => good, 1 => any_value()].boxed()
}

fn text_field() -> BoxedStrategy<Value> {
    field(odd_text().prop_map(Value::String))
}

fn block() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["paragraph", "heading", "list", "image", "video", ""]),
        text_field(),
        prop::collection::vec(odd_text(), 0..4),
        any::<bool>(),
        text_field(),
    )
        .prop_map(|(ty, text, items, ordered, src)| {
            json!({
                "type": ty, "text": text, "items": items, "ordered": ordered,
                "src": src, "alt": "说明",
            })
        })
}

fn bulletin() -> impl Strategy<Value = Value> {
    (
        text_field(),
        text_field(),
        field(
            prop::sample::select(vec!["pufa", "xinzhou", "fagui", "nowhere"])
                .prop_map(|s| json!(s)),
        ),
        text_field(),
        field(odd_number()),
        field(any::<bool>().prop_map(Value::Bool)),
        prop::collection::vec(block(), 0..5),
    )
        .prop_map(|(id, title, channel, published, views, sample, body)| {
            json!({
                "id": id, "title": title, "channel": channel, "published": published,
                "source": "司法局", "views": views, "sample": sample, "body": body,
            })
        })
}

fn channel() -> impl Strategy<Value = Value> {
    let leaf = (text_field(), text_field()).prop_map(|(id, name)| json!({"id": id, "name": name}));
    leaf.prop_recursive(3, 16, 4, |inner| {
        (
            text_field(),
            text_field(),
            prop::collection::vec(inner, 0..4),
        )
            .prop_map(|(id, name, children)| json!({"id": id, "name": name, "children": children}))
    })
}

fn site() -> impl Strategy<Value = Value> {
    (
        text_field(),
        field(odd_number()),
        field(odd_text().prop_map(Value::String)),
        prop::collection::vec(channel(), 0..5),
        prop::collection::vec((text_field(), text_field()), 0..3),
    )
        .prop_map(|(name, per_page, counter, channels, links)| {
            let links: Vec<Value> = links
                .into_iter()
                .map(|(n, u)| json!({"name": n, "url": u}))
                .collect();
            json!({
                "site": {"name": name, "description": "", "per_page": per_page, "counter": counter},
                "channels": channels, "links": links,
            })
        })
}

fn entry() -> impl Strategy<Value = Value> {
    (text_field(), text_field(), field(odd_number())).prop_map(|(id, published, views)| {
        json!({"id": id, "title": "标题", "channel": "pufa", "published": published,
               "views": views, "summary": "摘要"})
    })
}

/// One of the files the app or the tools decode, as JSON.
fn file() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::collection::vec(bulletin(), 0..4).prop_map(|b| json!({ "bulletins": b })),
        site(),
        (field(odd_number()), text_field())
            .prop_map(|(format, version)| json!({"format": format, "version": version})),
        (
            field(odd_number()),
            field(odd_number()),
            prop::collection::vec(entry(), 0..4)
        )
            .prop_map(
                |(page, total, items)| json!({"channel": "pufa", "page": page,
                "pages": 3, "total": total, "items": items})
            ),
        prop::collection::vec(entry(), 0..4).prop_map(|items| json!({"newest": items.clone(),
            "sections": [{"channel": "pufa", "items": items}]})),
        (bulletin(), prop::collection::vec(entry(), 0..3)).prop_map(|(b, related)| json!({
            "bulletin": b, "prev": {"id": "a", "title": "上"}, "next": null, "related": related})),
        any_value(),
    ]
}

#[path = "support/damage.rs"]
mod support;
use support::{apply, apply_bytes, cases, damage, floor, Damage};

/// Fragments worth inserting into JSON.
fn json_damage() -> impl Strategy<Value = Damage> {
    damage(vec![
        "\"",
        "\\",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "null",
        "1e999",
        "-0",
        "\"\\ud800\"",
        "18446744073709551616",
        "\u{feff}",
        "\u{0}",
        "\"views\": -1,",
        "\"body\": {},",
    ])
}

/// Nesting a JSON value `depth` deep after the first key.
fn nest_json(src: &str, depth: usize) -> String {
    let at = floor(src, src.find(": ").map_or(0, |i| i + 2));
    format!(
        "{}{}{}{}",
        &src[..at],
        "[{\"a\":".repeat(depth),
        "1",
        &src[at..]
    )
}

fn decode_everything(src: &str, catalog: &Catalog) {
    if let Ok(site) = decode_site(src) {
        let catalog = Catalog::new(site);
        for (_, node) in catalog.channel_tree() {
            let _ = catalog.channel_path(&node.id);
        }
    }
    let _ = Store::from_json(SITE, src);
    let site = decode_site(SITE).unwrap();
    let _ = decode_bulletins(src, &site);
    let _ = compiled::decode::<ListFile>("list/pufa/1.json", src);
    let _ = compiled::decode::<HomeFile>("home.json", src);
    if let Ok(v) = compiled::decode::<DataVersion>("version.json", src) {
        let _ = v.is_well_formed();
    }
    let _ = compiled::decode_article("article/x.json", src, catalog);
    let _ = compiled::article_text("article/x.json", src);
}

/// Decode a query string written by `to_query` (it writes `%XX` only).
fn read_query(q: &str) -> Vec<(String, String)> {
    fn unescape(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' && i + 2 < b.len() {
                if let Ok(byte) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                    out.push(byte);
                    i += 3;
                    continue;
                }
            }
            out.push(b[i]);
            i += 1;
        }
        String::from_utf8(out).expect("to_query writes UTF-8")
    }
    q.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (unescape(k), unescape(v))
        })
        .collect()
}

fn query_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "(19|20|29|30|00)[0-9]{2}(-[01][0-9](-[0-3][0-9])?)?",
        "[0-9-]{0,12}",
        prop::sample::select(vec![
            "relevance",
            "newest",
            "oldest",
            "views",
            "0",
            "-1",
            "18446744073709551616",
            "pufa",
            "xinzhou",
            "x 中&=%",
            " xinzhou "
        ])
        .prop_map(str::to_string),
        "[ \"“”\u{3000}a-z\u{4e00}-\u{4e20}&%#+]{0,30}",
        "\\PC{0,250}",
    ]
}

fn known_channel(c: &str) -> bool {
    matches!(c, "pufa" | "xinzhou" | "fagui") || c.starts_with('x')
}

fn indexed_doc() -> impl Strategy<Value = Bulletin> {
    (
        // Few characters, so that queries meet indexed words.
        "[普法宣传新洲区民典个人信息 ab]{0,12}",
        prop_oneof![
            8 => "[普法宣传新洲区民典个人信息 ab]{0,80}".boxed(),
            // Data larger than OWN_FILE_BYTES: keys with files of their own.
            1 => Just("普法".repeat(2100) + &"宣传".repeat(2100)).boxed(),
        ],
        (2015i32..2027, 1u32..13, 1u32..29, 0u32..24),
        prop::sample::select(vec!["xinzhou", "huangpi", "fagui"]),
        prop::option::of(any::<u64>()),
    )
        .prop_map(|(title, body, (y, m, d, h), channel, views)| Bulletin {
            id: format!("d{y}{m}{d}{h}"),
            title,
            channel: channel.to_string(),
            published: DateTime::parse_from_rfc3339(&format!(
                "{y}-{m:02}-{d:02}T{h:02}:00:00+08:00"
            ))
            .unwrap(),
            source: None,
            views,
            sample: true,
            body: vec![Block::Paragraph(body)],
        })
}

/// Each channel (`pufa` holds its children) with its article numbers.
fn index_channels(docs: &[Bulletin]) -> Vec<(String, Vec<u32>)> {
    let within = |ids: &[&str]| {
        docs.iter()
            .enumerate()
            .filter(|(_, b)| ids.contains(&b.channel.as_str()))
            .map(|(i, _)| i as u32)
            .collect()
    };
    vec![
        ("pufa".into(), within(&["xinzhou", "huangpi"])),
        ("xinzhou".into(), within(&["xinzhou"])),
        ("huangpi".into(), within(&["huangpi"])),
        ("fagui".into(), within(&["fagui"])),
    ]
}

fn search_query() -> impl Strategy<Value = Query> {
    let day = prop::option::of(prop_oneof![
        (2014i32..2028, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap()),
        Just(NaiveDate::MIN),
        Just(NaiveDate::MAX),
    ]);
    (
        "[普法宣传新洲区民典 ab\"“”]{0,10}",
        prop::option::of(prop::sample::select(vec![
            "pufa",
            "xinzhou",
            "fagui",
            "nochannel",
        ])),
        day.clone(),
        day,
        prop::sample::select(vec![
            Sort::Relevance,
            Sort::Newest,
            Sort::Oldest,
            Sort::MostViewed,
        ]),
        prop_oneof![Just(0usize), 0usize..25],
    )
        .prop_map(|(q, channel, from, to, sort, ordered)| Query {
            terms: parse_terms(&q),
            filter: Filter {
                channel: channel.map(str::to_string),
                from,
                to,
            },
            sort,
            ordered,
        })
}

/// Bytes worth inserting into a piece: varint continuations and ends.
fn piece_damage() -> impl Strategy<Value = Damage> {
    damage(vec![
        "\u{0}",
        "\u{1}",
        "\u{7f}",
        "\u{80}",
        "\u{ff}",
        "\u{7ff}",
        "\u{10ffff}",
        "\u{1}\u{0}",
        "普",
    ])
}

/// The fetched pieces, some replaced or added.
struct Overlay<'a> {
    base: &'a HashMap<String, Vec<u8>>,
    over: Vec<(String, Vec<u8>)>,
}

impl Pieces for Overlay<'_> {
    fn get(&self, path: &str) -> Option<&[u8]> {
        match self.over.iter().find(|(p, _)| p == path) {
            Some((_, data)) => Some(data),
            None => self.base.get(path).map(Vec::as_slice),
        }
    }
}

/// Run a query as the search page does: fetch every file it asks for
/// (here: `fetched`) and run again. It must be done within three runs,
/// ask only for index files it lacks, and name an index file in an error.
fn run_rounds(
    meta: &Meta,
    query: &Query,
    mut pieces: Overlay<'_>,
    fetched: &[u8],
) -> Result<(), TestCaseError> {
    for round in 0..3 {
        match pieces::run(meta, query, &pieces) {
            Ok(Outcome::Done(_)) => return Ok(()),
            Ok(Outcome::Need(paths)) => {
                prop_assert!(round < 2, "a third request: {:?}", paths);
                prop_assert!(!paths.is_empty());
                for p in paths {
                    prop_assert!(p.starts_with("search/"), "asked for {:?}", p);
                    prop_assert!(pieces.get(&p).is_none(), "asked again for {:?}", p);
                    pieces.over.push((p, fetched.to_vec()));
                }
            }
            Err(e) => {
                prop_assert!(e.file.starts_with("search/"), "{:?}", e);
                return Ok(());
            }
        }
    }
    unreachable!()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn damaged_files_never_panic_a_decoder(value in file(), pretty in any::<bool>(), d in json_damage()) {
        let catalog = Catalog::new(decode_site(SITE).unwrap());
        let src = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            value.to_string()
        };
        decode_everything(&apply(src, &d, nest_json), &catalog);
    }

    #[test]
    fn search_state_survives_its_query_string(
        pairs in prop::collection::vec((
            prop::sample::select(vec!["q", "channel", "from", "to", "sort", "page", "Q", ""]),
            query_value(),
        ), 0..8),
    ) {
        for (_, v) in &pairs {
            let _ = parse_terms(v);
        }
        let p = SearchParams::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())), known_channel);
        let q = p.to_query();
        let read = read_query(&q);
        let back = SearchParams::from_pairs(read.iter().map(|(k, v)| (k.as_str(), v.as_str())), known_channel);
        let expected = SearchParams { q: p.q.trim().to_string(), ..p.clone() };
        prop_assert_eq!(&back, &expected, "through {:?}", q);
        prop_assert_eq!(back.to_query(), q);
    }

    #[test]
    fn damaged_index_pieces_never_panic_a_query(
        mut docs in prop::collection::vec(indexed_doc(), 1..6),
        piece in any::<prop::sample::Index>(),
        d in piece_damage(),
        flips in prop::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        fetched in prop::collection::vec(any::<u8>(), 0..40),
        query in search_query(),
        split_all in any::<bool>(),
    ) {
        docs.sort_by_key(|b| std::cmp::Reverse(b.published));
        // The query's own terms are phrases too, so damaged phrase files
        // (and the cards at the end of own files) are read.
        let terms: Vec<String> = query.terms.iter().map(|t| t.text.clone()).collect();
        let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
        // With every pair split, the damaged piece may be a trigram's.
        let split = if split_all { 0 } else { pieces::SPLIT_BYTES };
        let index = InMemory::build_split(&docs, &index_channels(&docs), &terms, split);
        let mut paths: Vec<&String> = index.files.keys().collect();
        paths.sort();
        let path = paths[piece.index(paths.len())].clone();
        let mut bytes = apply_bytes(index.files[&path].clone(), &d);
        for (at, x) in flips {
            if !bytes.is_empty() {
                let i = at % bytes.len();
                bytes[i] ^= x;
            }
        }
        let _ = pieces::own_files(&path, 0, &bytes);
        let pieces = Overlay { base: &index.files, over: vec![(path, bytes)] };
        run_rounds(&index.meta, &query, pieces, &fetched)?;
    }

    #[test]
    fn damaged_index_descriptions_never_panic_a_query(
        docs in prop::collection::vec(indexed_doc(), 1..3),
        numbers in prop::collection::vec(prop_oneof![
            0u64..40,
            Just(10_000),
            Just(10_001),
            Just(1 << 24),
            Just((1 << 24) + 1),
            Just(50_000_000),
            Just(50_000_001),
            Just(u64::from(u32::MAX)),
            Just(u64::from(u32::MAX) + 1),
            any::<u64>(),
        ], 6),
        years in prop::collection::vec(any::<i32>(), 0..3),
        d in json_damage(),
        query in search_query(),
    ) {
        let index = InMemory::build(&docs, &index_channels(&docs));
        let src = json!({
            "format": numbers[0], "docs": numbers[1], "buckets": numbers[2],
            "card_block": numbers[3], "bytes": numbers[4], "files": numbers[5], "years": years,
        })
        .to_string();
        let Ok(meta) = compiled::decode::<Meta>(pieces::META, &apply(src, &d, nest_json)) else {
            return Ok(());
        };
        if meta.check().is_err() {
            prop_assert!(pieces::run(&meta, &query, &index.files).is_err());
            return Ok(());
        }
        // A query without words lists every article the description
        // claims (up to 50 million): skipped above 100,000 to keep CI fast.
        if query.terms.is_empty() && meta.docs > 100_000 {
            return Ok(());
        }
        let pieces = Overlay { base: &index.files, over: Vec::new() };
        run_rounds(&meta, &query, pieces, b"\x05\x01")?;
    }
}

// Found by the `search_pieces` fuzz target (issue #13, item 9), kept as a
// regression.

/// Input: a `search/dates.bin` of one run whose day delta is the zigzag
/// varint `FE FF FF FF FF FF FF FF FF 01` (i64::MAX days), read for a date
/// filter. `Runs::ranges` added the days from 0001-01-01 to 1970-01-01 to
/// it and overflowed: a panic in a debug build (CI), a wrapped date in a
/// release one.
#[test]
fn a_dates_file_with_a_day_out_of_range_is_no_panic() {
    let b = Bulletin {
        id: "a".into(),
        title: "普法".into(),
        channel: "xinzhou".into(),
        published: DateTime::parse_from_rfc3339("2024-01-01T10:00:00+08:00").unwrap(),
        source: None,
        views: None,
        sample: true,
        body: vec![Block::Paragraph("宣传".into())],
    };
    let index = InMemory::build(&[b], &[]);
    let mut files = index.files.clone();
    files.insert(
        pieces::DATES.to_string(),
        vec![
            1, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 1,
        ],
    );
    let query = Query {
        filter: Filter {
            from: NaiveDate::from_ymd_opt(2019, 1, 1),
            ..Filter::default()
        },
        ..Query::default()
    };
    let hits = match pieces::run(&index.meta, &query, &files) {
        Ok(Outcome::Done(hits)) => hits,
        other => panic!("{other:?}"),
    };
    assert!(hits.is_empty(), "{hits:?}");
}
