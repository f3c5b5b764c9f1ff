//! Structured property tests of the data decoder and the query parser: the
//! stable-toolchain companion of the libFuzzer targets in `fuzz/` (issue
//! #13, item 9; docs/fuzzing.md). Inputs are valid-looking files and URL
//! states, then damaged: truncated, fields swapped or retyped, odd Unicode,
//! huge numbers, deep nesting. Nothing may panic, and the search state
//! must survive its own query string.
//!
//! CI runs a few hundred cases; `PUFA_FUZZ_CASES=1000000 cargo test
//! --release -p pufa-core --test fuzz_props` runs them at volume.

use proptest::prelude::*;
use pufa_core::compiled::{self, DataVersion, HomeFile, ListFile};
use pufa_core::search::{parse_terms, SearchParams};
use pufa_core::{decode_bulletins, decode_site, Catalog, Store};
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
use support::{apply, cases, damage, floor, Damage};

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
}
