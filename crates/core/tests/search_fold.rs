//! Search folding (issue #10, item 3) against an independent oracle over
//! real Chinese text: statute text (tests/fixtures/text/statutes.txt), the
//! same text in traditional characters (OpenCC's phrase-level s2t from the
//! `hanconv` crate, made here) and as copied from a PDF (radicals and
//! compatibility ideographs, made here).
//!
//! The oracle is docs/search.md "How text is matched" written out plainly
//! and separately from `normalize.rs`: per character NFKC, the radicals
//! supplement table, hanconv's TSCharacters table, lower case, anything
//! else a space; then runs of spaces collapsed and `str::contains`.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::DateTime;
use proptest::prelude::*;
use pufa_core::search::normalize::{normalize, normalize_text};
use pufa_core::search::parse_terms;
use pufa_core::search::pieces::{InMemory, Query};
use pufa_core::{Block, Bulletin};
use unicode_normalization::UnicodeNormalization;

const STATUTES: &str = include_str!("../../../tests/fixtures/text/statutes.txt");
const VARIANTS: &str = include_str!("../../../tests/fixtures/text/variants.txt");

/// Corner brackets, and every phrase quote `parse_terms` knows.
const CORNERS: [char; 4] = ['「', '」', '『', '』'];
const QUOTES: [char; 8] = ['"', '“', '”', '＂', '「', '」', '『', '』'];

/// UCD EquivalentUnifiedIdeograph.txt, U+2E81..U+2EF3: radical, then the
/// unified ideograph, pair by pair.
const RADICAL_PAIRS: &str =
    "⺁厂 ⺂乛 ⺃乚 ⺄乙 ⺅亻 ⺆冂 ⺇𠘨 ⺈刀 ⺉刂 ⺊卜 ⺋㔾 ⺌小 ⺍小 ⺎兀 ⺏尣 \
⺐尢 ⺑𡯂 ⺒巳 ⺓幺 ⺔彑 ⺕𫜹 ⺖忄 ⺗心 ⺘扌 ⺙攵 ⺛旡 ⺜日 ⺝月 ⺞歺 ⺟母 ⺠民 ⺡氵 ⺢氺 ⺣灬 \
⺤爫 ⺥爫 ⺦丬 ⺧牛 ⺨犭 ⺩王 ⺪𤴔 ⺫目 ⺬示 ⺭礻 ⺮𥫗 ⺯糹 ⺰纟 ⺱罓 ⺲罒 ⺳㓁 ⺴冗 ⺵𦉫 \
⺶羊 ⺷𦍌 ⺸𦍋 ⺹耂 ⺺肀 ⺻聿 ⺼肉 ⺽𦥑 ⺾艹 ⺿艹 ⻀艹 ⻁虎 ⻂衤 ⻃覀 ⻄西 ⻅见 ⻆角 ⻇𧢲 \
⻈讠 ⻉贝 ⻊𧾷 ⻋车 ⻌辶 ⻍辶 ⻎辶 ⻏邑 ⻐钅 ⻑長 ⻒镸 ⻓长 ⻔门 ⻕𨸏 ⻖阝 ⻗雨 ⻘青 ⻙韦 \
⻚页 ⻛风 ⻜飞 ⻝食 ⻞𩙿 ⻟飠 ⻠饣 ⻡𩠐 ⻢马 ⻣骨 ⻤鬼 ⻥鱼 ⻦鸟 ⻧卤 ⻨麦 ⻩黄 ⻪黾 ⻫斉 \
⻬齐 ⻭歯 ⻮齿 ⻯竜 ⻰龙 ⻱龜 ⻲亀 ⻳龟";

fn radicals() -> &'static HashMap<char, char> {
    static R: OnceLock<HashMap<char, char>> = OnceLock::new();
    R.get_or_init(|| {
        RADICAL_PAIRS
            .split_whitespace()
            .map(|p| {
                let mut cs = p.chars();
                (cs.next().unwrap(), cs.next().unwrap())
            })
            .collect()
    })
}

/// OpenCC TSCharacters: the first listed form that is not the character
/// itself, followed to the end.
fn t2s() -> &'static HashMap<char, char> {
    static T: OnceLock<HashMap<char, char>> = OnceLock::new();
    T.get_or_init(|| {
        let one = |s: &str| (s.chars().count() == 1).then(|| s.chars().next().unwrap());
        let mut raw = HashMap::new();
        for (t, forms) in hanconv::RawDictionary::TSCharacters.var_iter() {
            let Some(t) = one(t) else { continue };
            if let Some(s) = forms.iter().filter_map(|f| one(f)).find(|&s| s != t) {
                raw.entry(t).or_insert(s);
            }
        }
        raw.keys()
            .map(|&t| {
                let mut s = raw[&t];
                while let Some(&n) = raw.get(&s) {
                    if n == s || n == t {
                        break;
                    }
                    s = n;
                }
                (t, s)
            })
            .collect()
    })
}

/// The documented folding, plainly: a string with a space for a separator.
fn oracle(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        for d in std::iter::once(c).nfkc() {
            let d = radicals().get(&d).copied().unwrap_or(d);
            let d = t2s().get(&d).copied().unwrap_or(d);
            if d.is_alphanumeric() {
                let lower: Vec<char> = d.to_lowercase().collect();
                if lower.len() == 1 {
                    out.push(lower[0]);
                } else {
                    out.push(d);
                }
            } else {
                out.push(' ');
            }
        }
    }
    out.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn statute_lines() -> &'static [Vec<char>] {
    static L: OnceLock<Vec<Vec<char>>> = OnceLock::new();
    L.get_or_init(|| STATUTES.lines().map(|l| l.chars().collect()).collect())
}

/// Usual character → the lookalikes a PDF text layer may carry instead:
/// Kangxi radicals, radicals supplement, compatibility ideographs.
fn lookalikes() -> &'static HashMap<char, Vec<char>> {
    static M: OnceLock<HashMap<char, Vec<char>>> = OnceLock::new();
    M.get_or_init(|| {
        let mut m: HashMap<char, Vec<char>> = HashMap::new();
        for (&r, &u) in radicals() {
            m.entry(u).or_default().push(r);
        }
        let ranges = [0x2F00..=0x2FD5, 0xF900..=0xFAFF, 0x2F800..=0x2FA1F];
        for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
            let n: Vec<char> = std::iter::once(c).nfkc().collect();
            if let [u] = n[..] {
                if u != c {
                    m.entry(u).or_default().push(c);
                }
            }
        }
        for v in m.values_mut() {
            v.sort_unstable();
        }
        m
    })
}

/// How a piece of statute text may reach the reader.
#[derive(Clone, Copy, Debug)]
enum Form {
    Simplified,
    Traditional,
    Pdf,
    TraditionalPdf,
}

fn in_form(text: &str, form: Form, seed: usize) -> String {
    let pdf = |s: &str| -> String {
        s.chars()
            .enumerate()
            .map(|(i, c)| match lookalikes().get(&c) {
                Some(v) if !(i + seed).is_multiple_of(3) => v[(i + seed) % v.len()],
                _ if c.is_ascii_digit() => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .collect()
    };
    match form {
        Form::Simplified => text.to_string(),
        Form::Traditional => hanconv::s2t(text),
        Form::Pdf => pdf(text),
        Form::TraditionalPdf => pdf(&hanconv::s2t(text)),
    }
}

fn form() -> impl Strategy<Value = Form> {
    prop_oneof![
        Just(Form::Simplified),
        Just(Form::Traditional),
        Just(Form::Pdf),
        Just(Form::TraditionalPdf),
    ]
}

/// A piece of statute text: `len` characters of a line from `start`.
fn piece(line: prop::sample::Index, start: usize, len: usize) -> String {
    let lines = statute_lines();
    let l = &lines[line.index(lines.len())];
    let s = start % (l.len() + 1);
    l[s..(s + len).min(l.len())].iter().collect()
}

fn bulletin(id: usize, title: &str, body: &str) -> Bulletin {
    Bulletin {
        id: format!("d{id}"),
        title: title.into(),
        channel: "c".into(),
        published: DateTime::parse_from_rfc3339("2024-01-01T10:00:00+08:00").unwrap(),
        source: None,
        views: None,
        sample: true,
        body: vec![Block::Paragraph(body.into())],
    }
}

#[test]
fn the_fixture_is_real_statute_text() {
    let chars = STATUTES.chars().count();
    assert!(STATUTES.len() >= 25_000, "{} bytes", STATUTES.len());
    let han = STATUTES
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    assert!(han * 10 >= chars * 8, "{han} of {chars} are ideographs");
}

#[test]
fn variant_lines_fold_to_their_simplified_line() {
    let mut n = 0;
    for line in VARIANTS.lines().filter(|l| !l.starts_with('#')) {
        let (simplified, variant) = line.split_once('\t').expect("a tab");
        assert_ne!(simplified, variant);
        assert!(STATUTES.contains(simplified), "{simplified}");
        assert_eq!(
            normalize_text(variant),
            normalize_text(simplified),
            "{variant}"
        );
        assert_eq!(normalize_text(variant), oracle(variant));
        n += 1;
    }
    assert!(n >= 6);
}

#[test]
fn the_oracle_agrees_on_the_whole_fixture() {
    for (i, line) in STATUTES.lines().enumerate() {
        for f in [
            Form::Simplified,
            Form::Traditional,
            Form::Pdf,
            Form::TraditionalPdf,
        ] {
            let text = in_form(line, f, i);
            assert_eq!(normalize_text(&text), oracle(&text), "line {i} {f:?}");
        }
    }
}

#[test]
fn a_traditional_query_finds_simplified_text_and_back() {
    let docs = [
        bulletin(0, "通知", "依照本法规定，国家机关应当保障法律援助工作。"),
        bulletin(1, "通知", "依照本法規定，國家機關應當保障法律援助工作。"),
        bulletin(2, "通知", "县级以上人民政府"),
    ];
    let index = InMemory::build(&docs, &[]);
    for q in [
        "法规定",
        "法規定",
        "「國家機關」",
        "『国家机关』",
        "＂機關＂ 援助",
    ] {
        let hits = index
            .search(&Query {
                terms: parse_terms(q),
                ..Query::default()
            })
            .unwrap();
        let mut ids: Vec<u32> = hits.iter().map(|h| h.doc).collect();
        ids.sort_unstable();
        assert_eq!(ids, [0, 1], "{q}");
    }
}

#[test]
fn highlighting_marks_the_original_characters() {
    // A PDF-style line: the radical ⻔ (U+2ED4) and the Kangxi ⼯ (U+2F2F).
    let text = "司法行政部\u{2ED4}开展法律援助\u{2F2F}作";
    let n = normalize(text);
    assert_eq!(n.text, "司法行政部门开展法律援助工作");
    assert_eq!(n.origin, (0..14).collect::<Vec<_>>());
    let marked = pufa_core::search::snippet::highlight(text, &[normalize_text("部門")]);
    let marks: Vec<&str> = marked
        .iter()
        .filter(|s| s.mark)
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(marks, ["部\u{2ED4}"]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// normalize_text is the documented folding, on real text in any form
    /// and on arbitrary text.
    #[test]
    fn normalize_is_the_documented_folding(
        line in any::<prop::sample::Index>(),
        start in 0usize..200,
        len in 0usize..80,
        f in form(),
        seed in 0usize..1000,
        noise in "\\PC{0,12}",
    ) {
        let text = in_form(&piece(line, start, len), f, seed);
        prop_assert_eq!(normalize_text(&text), oracle(&text));
        let mixed = format!("{noise}{text}{noise}");
        prop_assert_eq!(normalize_text(&mixed), oracle(&mixed));
    }

    /// "The article contains the query" is str::contains after folding,
    /// whatever forms the article and the query are in.
    #[test]
    fn containment_matches_the_oracle(
        a_line in any::<prop::sample::Index>(),
        q_line in any::<prop::sample::Index>(),
        a_start in 0usize..100,
        q_start in 0usize..200,
        q_len in 1usize..10,
        near in any::<bool>(),
        af in form(),
        qf in form(),
        seed in 0usize..1000,
    ) {
        let article = in_form(&piece(a_line, a_start, 120), af, seed);
        // Half the time the query comes from the article's own line, so
        // that it is often there.
        let q_line = if near { a_line } else { q_line };
        let query = in_form(&piece(q_line, q_start, q_len), qf, seed / 7).replace(CORNERS, "");
        let expected = oracle(&article).contains(&oracle(&query));
        let got = normalize_text(&article).contains(&normalize_text(&query));
        prop_assert_eq!(got, expected, "article {:?} query {:?}", article, query);
        // The same question through the parser: one phrase in 「」.
        if let [term] = &parse_terms(&format!("「{query}」"))[..] {
            prop_assert_eq!(normalize_text(&article).contains(&term.text), expected);
        }
    }

    /// A piece of the simplified text typed in traditional characters (or
    /// pasted from a PDF) is found in the simplified text, and the other
    /// way round.
    #[test]
    fn traditional_and_simplified_find_each_other(
        line in any::<prop::sample::Index>(),
        start in 0usize..200,
        len in 1usize..12,
        seed in 0usize..1000,
    ) {
        let lines = statute_lines();
        let full: String = lines[line.index(lines.len())].iter().collect();
        let query = piece(line, start, len);
        for f in [Form::Traditional, Form::Pdf, Form::TraditionalPdf] {
            let q = in_form(&query, f, seed);
            let article = in_form(&full, f, seed + 1);
            prop_assert!(normalize_text(&full).contains(&normalize_text(&q)), "{:?} in {:?}", q, full);
            prop_assert!(normalize_text(&article).contains(&normalize_text(&query)), "{:?} in {:?}", query, article);
        }
    }

    /// Recall and the exact flag of the index, checked against the oracle:
    /// articles in mixed forms, queries of one or two pieces of statute
    /// text in any form.
    #[test]
    fn index_recall_matches_the_oracle(
        docs in prop::collection::vec(
            (any::<prop::sample::Index>(), 0usize..100, form()), 1..12),
        pick in any::<prop::sample::Index>(),
        q_start in 0usize..120,
        q_len in 1usize..8,
        qf in form(),
        second in prop::option::of((any::<prop::sample::Index>(), 0usize..200, 1usize..4, form())),
        seed in 0usize..1000,
        split in prop_oneof![Just(0usize), Just(usize::MAX), 4usize..200],
    ) {
        let bodies: Vec<String> = docs
            .iter()
            .enumerate()
            .map(|(i, (line, start, f))| in_form(&piece(*line, *start, 100), *f, seed + i))
            .collect();
        let bulletins: Vec<Bulletin> = bodies
            .iter()
            .enumerate()
            .map(|(i, b)| bulletin(i, "通知", b))
            .collect();
        let (line, start, _) = docs[pick.index(docs.len())];
        let mut query = in_form(&piece(line, start + q_start, q_len), qf, seed);
        if let Some((l, s, n, f)) = second {
            query = format!("{query} {}", in_form(&piece(l, s, n), f, seed + 1));
        }
        // Quotes would make phrases; the oracle splits at spaces only.
        let query = query.replace(QUOTES, "");
        let terms = parse_terms(&query);
        // Split pairs (proven by trigrams) at several sizes, as at any
        // size of archive.
        let index = InMemory::build_split(&bulletins, &[], &[], split);
        let hits = index.search(&Query { terms: terms.clone(), ..Query::default() }).unwrap();
        // The oracle's terms: what was typed, split at spaces, folded.
        let oracle_terms: Vec<String> = query
            .split_whitespace()
            .map(oracle)
            .filter(|t| !t.is_empty())
            .collect();
        // Nothing to look for (punctuation only): the page browses instead.
        prop_assert_eq!(terms.is_empty(), oracle_terms.is_empty());
        if terms.is_empty() {
            return Ok(());
        }
        for (i, body) in bodies.iter().enumerate() {
            let (title, body) = (oracle("通知"), oracle(body));
            let contains_all = oracle_terms.iter().all(|t| title.contains(t.as_str()) || body.contains(t.as_str()));
            let hit = hits.iter().any(|h| h.doc as usize == i);
            prop_assert_eq!(hit, contains_all, "article {} for {:?}", i, query);
        }
    }
}
