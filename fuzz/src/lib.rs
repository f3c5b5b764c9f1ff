//! The bodies of the fuzz targets, one function per target, so that the
//! libFuzzer binaries (`fuzz_targets/*.rs`) and a plain replay of a corpus
//! or a crash file run exactly the same code. Every function takes any
//! bytes; a panic (or a failed assertion of a stated property) is a bug.
//! See docs/fuzzing.md.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pufa_cli::{content, markdown};
use pufa_core::compiled::{self, DataVersion, HomeFile, ListFile};
use pufa_core::search::{parse_terms, SearchParams};
use pufa_core::{decode_bulletins, decode_site, Catalog, SiteData, Store};

/// The fixture site every bulletin decoder checks channels against.
pub const SITE_JSON: &str = include_str!("../../tests/fixtures/json/site.json");

fn site() -> &'static SiteData {
    static SITE: OnceLock<SiteData> = OnceLock::new();
    SITE.get_or_init(|| decode_site(SITE_JSON).expect("fixture site.json decodes"))
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::new(site().clone()))
}

/// Fuzz input as text: invalid UTF-8 is replaced, so every input is used.
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// `json_decode`: every JSON decoder the app and the tools run on fetched or
/// read files: `site.json`, `bulletins.json`, and the compiled `version`,
/// `home`, `list` and `article` files.
pub fn json_decode(data: &[u8]) {
    let src = text(data);
    let src = src.as_ref();
    if let Ok(site) = decode_site(src) {
        // A site that decodes must build a catalog and answer look-ups.
        let catalog = Catalog::new(site.clone());
        for (_, node) in catalog.channel_tree() {
            let _ = catalog.channel_path(&node.id);
            let _ = catalog.descendants(&node.id);
        }
        let _ = decode_bulletins("{\"bulletins\": []}", &site);
    }
    let _ = decode_bulletins(src, site());
    let _ = Store::from_json(SITE_JSON, src);
    let _ = compiled::decode::<ListFile>("list/pufa/1.json", src);
    let _ = compiled::decode::<HomeFile>("home.json", src);
    if let Ok(v) = compiled::decode::<DataVersion>("version.json", src) {
        if v.is_well_formed() {
            let _ = v.file("site.json");
        }
    }
    let _ = compiled::decode_article("article/x.json", src, catalog());
}

fn channel_ids() -> HashSet<&'static str> {
    pufa_core::decode::channel_ids(&site().channels)
}

fn media(name: &str) -> bool {
    name == "xuanchuan-xianchang.png" || name.ends_with(".jpg")
}

/// `bulletin_file`: one bulletin file (TOML front matter + Markdown body)
/// as `pufa check` and `pufa build` read it.
pub fn bulletin_file(data: &[u8]) {
    let src = text(data);
    let channels = channel_ids();
    let _ = content::split_front(&src);
    let path = Path::new("content/bulletins/2024/2024-fuzz-case.md");
    if let Ok(b) = content::load_bulletin(path, &src, &channels, &media) {
        // What was read can be written back as a file and reads back.
        let again = content::bulletin_file(&b);
        let _ = content::load_bulletin(path, &again, &channels, &media);
    }
}

/// `markdown`: a body read into blocks, written back and read again. Only
/// panics are bugs here: write/parse is known not to round-trip every body
/// (docs/fuzzing.md, findings).
pub fn markdown(data: &[u8]) {
    let src = text(data);
    let Ok(located) = markdown::parse(&src) else {
        return;
    };
    for l in &located {
        assert!(l.line >= 1, "line 0 for {src:?}");
    }
    let blocks: Vec<_> = located.into_iter().map(|l| l.block).collect();
    let written = markdown::write(&blocks);
    let _ = markdown::parse(&written);
}

/// `site_toml`: `site.toml` as `load_site` reads it from a content folder
/// (a folder of this process, written per input: in /dev/shm where there
/// is one, as the temp dir may be a slow disk).
pub fn site_toml(data: &[u8]) {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("pufa-fuzz-site-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    });
    std::fs::write(dir.join("site.toml"), data).expect("write site.toml");
    if let Ok(site) = content::load_site(dir) {
        // A site that loads writes back as a file that loads the same.
        let again = content::site_file(&site);
        std::fs::write(dir.join("site.toml"), again).expect("write site.toml");
        let back = content::load_site(dir);
        assert!(back.is_ok(), "site_file output refused: {back:?}");
    }
}

fn known_channel(c: &str) -> bool {
    catalog().channel(c).is_some() || c.starts_with('x')
}

/// Decode a query string the way a browser's URLSearchParams does for what
/// `to_query` writes (`%XX` only; `to_query` never writes `+`).
pub fn query_pairs(q: &str) -> Vec<(String, String)> {
    fn unescape(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if b[i] == b'%' && i + 2 < b.len() {
                if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
            }
            out.push(b[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    q.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (unescape(k), unescape(v))
        })
        .collect()
}

/// `query`: the input is taken as already-decoded `key=value` pairs joined
/// by `&` (what the router hands over). The search terms are parsed, and
/// the state must survive `to_query` and reading back: the written query
/// reads back to the same state (its `q` trimmed) and writes the same text.
pub fn query(data: &[u8]) {
    let src = text(data);
    let _ = parse_terms(&src);
    let pairs: Vec<(&str, &str)> = src
        .split('&')
        .map(|kv| kv.split_once('=').unwrap_or((kv, "")))
        .collect();
    let p = SearchParams::from_pairs(pairs.iter().copied(), known_channel);
    let _ = parse_terms(&p.q);
    let _ = p.is_empty();
    let q = p.to_query();
    let back_pairs = query_pairs(&q);
    let back = SearchParams::from_pairs(
        back_pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        known_channel,
    );
    let expected = SearchParams {
        q: p.q.trim().to_string(),
        ..p.clone()
    };
    assert_eq!(back, expected, "state changed through {q:?}");
    assert_eq!(back.to_query(), q, "query not a fixed point");
    let _ = p.with_page(p.page.saturating_add(1)).to_query();
}
