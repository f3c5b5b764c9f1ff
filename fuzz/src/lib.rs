//! The bodies of the fuzz targets, one function per target, so that the
//! libFuzzer binaries (`fuzz_targets/*.rs`) and a plain replay of a corpus
//! or a crash file run exactly the same code. Every function takes any
//! bytes; a panic (or a failed assertion of a stated property) is a bug.
//! See docs/fuzzing.md.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;
use pufa_cli::import::{cms, cms_id, docx, word_id};
use pufa_cli::{content, convert, markdown};
use pufa_core::compiled::{self, DataVersion, HomeFile, ListFile};
use pufa_core::search::pieces::{self, Filter, InMemory, Meta, Outcome, Pieces, Query};
use pufa_core::search::{parse_terms, SearchParams, Sort};
use pufa_core::{decode_bulletins, decode_site, Block, Bulletin, Catalog, SiteData, Store};

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

// ------------------------------------------------------------ search index

/// A small prebuilt search index, built once: four fixture bulletins
/// (newest first, four channels, 2026 back to 2020; the title and the
/// first 40 characters) and one whose body
/// repeats 普法 thousands of times, so that its keys' data is larger than
/// `OWN_FILE_BYTES` and lives in files of their own.
pub struct Fixed {
    pub meta: Meta,
    pub files: HashMap<String, Vec<u8>>,
    /// Every piece's path, sorted (what the first input byte picks from).
    pub paths: Vec<String>,
}

/// The fixture bulletins (`tests/fixtures/json/bulletins.json`).
pub const BULLETINS_JSON: &str = include_str!("../../tests/fixtures/json/bulletins.json");

pub fn fixed_index() -> &'static Fixed {
    static INDEX: OnceLock<Fixed> = OnceLock::new();
    INDEX.get_or_init(|| {
        let store = Store::from_json(SITE_JSON, BULLETINS_JSON).expect("fixture data decodes");
        let all = store.bulletins();
        // Short: every lookup scans a bucket file, so a small index runs
        // many more inputs per second.
        let mut docs: Vec<Bulletin> = [0, 9, 18, 27]
            .iter()
            .map(|&i| {
                let mut b = all[i].clone();
                let first: String = b.body[0].text().chars().take(40).collect();
                b.body = vec![Block::Paragraph(first)];
                b
            })
            .collect();
        docs.push(Bulletin {
            id: "2019-xinzhou-pufa-long".into(),
            title: "新洲区普法宣传".into(),
            channel: "xinzhou".into(),
            published: chrono::DateTime::parse_from_rfc3339("2019-01-01T10:00:00+08:00")
                .expect("a date"),
            source: None,
            views: None,
            sample: true,
            body: vec![Block::Paragraph("普法".repeat(4200))],
        });
        let catalog = &store.catalog;
        let channels: Vec<(String, Vec<u32>)> = catalog
            .channel_tree()
            .into_iter()
            .map(|(_, c)| {
                let within: HashSet<String> = catalog.descendants(&c.id).into_iter().collect();
                let list = docs
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| within.contains(&b.channel))
                    .map(|(i, _)| i as u32)
                    .collect();
                (c.id.clone(), list)
            })
            .collect();
        // The fixed queries' terms are phrases too, so their files (text,
        // posting, first-page cards) are fuzzed as well.
        let terms: Vec<String> = QUERIES
            .iter()
            .flat_map(|q| parse_terms(q))
            .map(|t| t.text)
            .collect();
        let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
        // Pairs past 4 KiB of positions split, so that 普法 and 法普 of the
        // long article are proven by trigrams with files of their own.
        let index = InMemory::build_split(&docs, &channels, &terms, 4096);
        let mut paths: Vec<String> = index.files.keys().cloned().collect();
        paths.sort();
        assert!(
            paths.iter().any(|p| p.contains('-')),
            "the fixed index has no own file"
        );
        assert!(
            paths.iter().any(|p| p.contains("-t")),
            "the fixed index has no trigram with files of its own"
        );
        Fixed {
            meta: index.meta,
            files: index.files,
            paths,
        }
    })
}

/// The fixed index's pieces with some replaced or added (what a browser
/// has fetched, damaged).
pub struct Overlay<'a> {
    pub base: &'a HashMap<String, Vec<u8>>,
    pub over: Vec<(String, &'a [u8])>,
}

impl Pieces for Overlay<'_> {
    fn get(&self, path: &str) -> Option<&[u8]> {
        match self.over.iter().find(|(p, _)| p == path) {
            Some((_, data)) => Some(data),
            None => self.base.get(path).map(Vec::as_slice),
        }
    }
}

/// Queries with words the fixed index holds (and some it does not).
const QUERIES: [&str; 14] = [
    "",
    "普法",
    "法",
    "普法宣传",
    "\"普法宣传\"",
    "新洲区 普法",
    "GB/T 35273 个人信息",
    "民法典",
    "法普法普法",
    "普法普法普",
    "外卖骑手 劳动",
    "“防骗墙”",
    "zz",
    "a b c d e f g h",
];
const CHANNELS: [Option<&str>; 6] = [
    None,
    Some("pufa"),
    Some("xinzhou"),
    Some("fagui"),
    Some("wuchang"),
    Some("nochannel"),
];
const SORTS: [Sort; 4] = [
    Sort::Relevance,
    Sort::Newest,
    Sort::Oldest,
    Sort::MostViewed,
];

fn day(pick: u8) -> Option<NaiveDate> {
    match pick & 7 {
        0 => None,
        1 => NaiveDate::from_ymd_opt(2019, 1, 1),
        2 => NaiveDate::from_ymd_opt(2022, 6, 30),
        3 => NaiveDate::from_ymd_opt(2024, 1, 1),
        4 => NaiveDate::from_ymd_opt(2026, 12, 31),
        5 => Some(NaiveDate::MIN),
        6 => Some(NaiveDate::MAX),
        _ => NaiveDate::from_ymd_opt(2020, 6, 9),
    }
}

/// Run `query` the way the search page does: fetch what it asks for (here:
/// `fetched`, the fuzz bytes, for every file it names) and run again. The
/// properties: an error names a file of the index; a request names only
/// index files not already there; a query is done in at most three runs.
pub fn run_rounds<'a>(
    meta: &Meta,
    query: &Query,
    mut pieces: Overlay<'a>,
    fetched: &'a [u8],
) -> Option<Vec<pieces::Hit>> {
    for round in 0..3 {
        match pieces::run(meta, query, &pieces) {
            Ok(Outcome::Done(hits)) => return Some(hits),
            Ok(Outcome::Need(paths)) => {
                assert!(round < 2, "a third request for files: {paths:?}");
                assert!(!paths.is_empty(), "asked for no file");
                for p in paths {
                    assert!(p.starts_with("search/"), "asked for {p:?}");
                    assert!(pieces.get(&p).is_none(), "asked again for {p:?}");
                    pieces.over.push((p, fetched));
                }
            }
            Err(e) => {
                assert!(
                    e.file.starts_with("search/"),
                    "error names {:?}: {e:?}",
                    e.file
                );
                return None;
            }
        }
    }
    unreachable!("loop returns or asserts")
}

/// A piece edited by `ops`, three bytes each: a 16-bit position (its top
/// two bits the operation) and a byte. Operations: set the byte at the
/// position, insert it there, delete the byte there, or cut the piece
/// there (positions wrap around the piece's length).
pub fn edit(piece: &[u8], ops: &[u8]) -> Vec<u8> {
    let mut out = piece.to_vec();
    for op in ops.chunks_exact(3) {
        let pos = usize::from(u16::from_le_bytes([op[0], op[1]]) & 0x3FFF);
        let at = pos % (out.len() + 1);
        match op[1] >> 6 {
            0 if at < out.len() => out[at] = op[2],
            0 => out.push(op[2]),
            1 => out.insert(at, op[2]),
            2 if at < out.len() => {
                out.remove(at);
            }
            _ => out.truncate(at),
        }
    }
    out
}

/// `search_pieces`: the prebuilt search index as the browser reads it, one
/// piece damaged. Byte 0 picks the piece (one value: none), byte 1 the
/// channel filter (low bits) and how the piece is damaged (top bit),
/// byte 2 the dates (and how many results must be in order), byte 3 the
/// query (a fixed one, or the next `byte 3 & 63` bytes as typed text).
/// The rest is either the piece's new bytes or edits to its bytes
/// ([`edit`]), and is also handed over for every file a run asks for.
/// Every sort runs, with and without the filter; `own_files` reads the
/// input too.
pub fn search_pieces(data: &[u8]) {
    let ix = fixed_index();
    let at = |i: usize| data.get(i).copied().unwrap_or(0);
    let mut rest = data.get(4..).unwrap_or(&[]);
    let q = at(3);
    let words = if q >= 0xC0 {
        let n = usize::from(q & 0x3F).min(rest.len());
        let typed = text(&rest[..n]).into_owned();
        rest = &rest[n..];
        typed
    } else {
        QUERIES[usize::from(q) % QUERIES.len()].to_string()
    };
    let _ = pieces::own_files("search/k/0.bin", 0, data);
    let _ = pieces::own_files("search/k/0.bin", 0, rest);
    let replaced = ix.paths.get(usize::from(at(0)) % (ix.paths.len() + 1));
    let edited = match replaced {
        Some(p) if at(1) & 0x80 != 0 => Some(edit(&ix.files[p], rest)),
        _ => None,
    };
    let piece = edited.as_deref().unwrap_or(rest);
    let filter = Filter {
        channel: CHANNELS[usize::from(at(1) & 0x7F) % CHANNELS.len()].map(str::to_string),
        from: day(at(2)),
        to: day(at(2) >> 3),
    };
    let terms = parse_terms(&words);
    for sort in SORTS {
        for filter in [Filter::default(), filter.clone()] {
            let query = Query {
                terms: terms.clone(),
                filter,
                sort,
                ordered: [0, 1, 3, 20][usize::from(at(2) >> 6)],
            };
            let over = replaced.map(|p| (p.clone(), piece)).into_iter().collect();
            let pieces = Overlay {
                base: &ix.files,
                over,
            };
            run_rounds(&ix.meta, &query, pieces, rest);
        }
    }
}

/// `search_meta`: `search/meta.json` as the browser decodes it, then a few
/// queries over the fixed index with that description (the index's own
/// files; any file asked for beyond them gets the input's bytes). What
/// decodes also writes back and decodes the same.
pub fn search_meta(data: &[u8]) {
    let src = text(data);
    let Ok(meta) = compiled::decode::<Meta>(pieces::META, &src) else {
        return;
    };
    let again: Meta =
        serde_json::from_str(&serde_json::to_string(&meta).expect("writes")).expect("reads back");
    assert_eq!(again, meta);
    if meta.check().is_err() {
        // run() refuses it too, before anything else.
        let r = pieces::run(&meta, &Query::default(), &fixed_index().files);
        assert!(r.is_err(), "run() accepted {meta:?}");
        return;
    }
    let ix = fixed_index();
    for (i, sort) in SORTS.into_iter().enumerate() {
        let query = Query {
            terms: parse_terms(QUERIES[(i + data.len()) % QUERIES.len()]),
            filter: Filter {
                channel: CHANNELS[data.len() % CHANNELS.len()].map(str::to_string),
                from: day(i as u8),
                to: None,
            },
            sort,
            ordered: data.len() % 4,
        };
        let pieces = Overlay {
            base: &ix.files,
            over: Vec::new(),
        };
        run_rounds(&meta, &query, pieces, data);
    }
}

// --------------------------------------------------------------- importers

/// What `pufa import` does with a source it read: the bulletin, filed
/// under a channel of the fixture site, must give a file that passes the
/// checks or be refused with a reason (`convert::bulletin_text`); never a
/// panic.
fn write_imported(b: &Bulletin) {
    let _ = convert::bulletin_text(b, &channel_ids());
}

/// A saved page as `pufa import` reads it, under a file name made from
/// the first bytes of the input (the id comes from the name).
fn cms_page_once(bytes: &[u8]) {
    let Ok(page) = cms::parse_page(bytes) else {
        return;
    };
    assert!(!page.title.is_empty(), "a page without a title was read");
    assert!(!page.body.is_empty(), "a page without a body was read");
    let stem: String = text(&bytes[..bytes.len().min(24)])
        .chars()
        .filter(|&c| c != '/' && c != '\0')
        .collect();
    let id = cms_id(Path::new(&format!("{stem}.html")));
    assert!(id.starts_with("cms-") && id.len() > 4, "id {id:?}");
    write_imported(&Bulletin {
        id,
        title: page.title,
        channel: "xinzhou".into(),
        published: page.published,
        source: page.source,
        views: page.views,
        sample: false,
        body: page.body,
    });
}

/// `cms_page`: an old CMS article page as saved (HTML in GBK or UTF-8, or
/// plain text), read by `cms::parse_page` as `pufa import` does; then the
/// input as UTF-8 text (invalid bytes replaced) when it is not already;
/// and the time and breadcrumb readers on the text directly.
pub fn cms_page(data: &[u8]) {
    cms_page_once(data);
    if std::str::from_utf8(data).is_err() {
        cms_page_once(text(data).as_bytes());
    }
    let t = text(data);
    let _ = cms::decode(data);
    let _ = cms::parse_time(&t);
    let _ = cms::crumb_path(&t, "标题");
}

/// The fixture Word file (`tests/fixtures/import/word/bulletin.docx`).
pub const DOCX: &[u8] = include_bytes!("../../tests/fixtures/import/word/bulletin.docx");

/// `word/styles.xml` for the zips built in memory: the fixture's styles
/// that its document uses (its own styles.xml is 350 KB), a heading by
/// name and by outline level, a `basedOn` loop, and a tracked change.
pub const STYLES: &str = include_str!("../seeds/docx-styles.xml");

/// `word/numbering.xml` for the zips built in memory: bullets (1),
/// numbers (5), Word's Chinese numbering 一、 and （一） (7, 8) and none (9).
pub const NUMBERING: &str = include_str!("../seeds/docx-numbering.xml");

/// Relationships added to the fixture's: an external picture, one in a
/// format browsers do not show, absolute and `..` targets, a missing part.
const MORE_RELS: &str = r#"<Relationship Id="rId20" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="http://example.cn/a.png" TargetMode="External"/><Relationship Id="rId21" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image2.emf"/><Relationship Id="rId22" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="/word/media/image1.png"/><Relationship Id="rId23" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../word/./media/../media/image1.png"/><Relationship Id="rId24" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/missing.jpg"/>"#;

/// The parts of the zips built in memory, in order: content types,
/// document, styles, numbering, relationships, the picture (and a .emf).
pub fn word_parts() -> &'static [(&'static str, Vec<u8>)] {
    static PARTS: OnceLock<Vec<(&'static str, Vec<u8>)>> = OnceLock::new();
    PARTS.get_or_init(|| {
        let mut zip = zip::ZipArchive::new(Cursor::new(DOCX)).expect("fixture docx opens");
        let mut read = |name: &str| {
            let mut out = Vec::new();
            zip.by_name(name)
                .expect("fixture part")
                .read_to_end(&mut out)
                .expect("fixture part reads");
            out
        };
        let types = read("[Content_Types].xml");
        let document = read("word/document.xml");
        let rels = String::from_utf8(read("word/_rels/document.xml.rels"))
            .expect("UTF-8")
            .replace("</Relationships>", &format!("{MORE_RELS}</Relationships>"));
        let image = read("word/media/image1.png");
        vec![
            ("[Content_Types].xml", types),
            ("word/document.xml", document),
            ("word/styles.xml", STYLES.as_bytes().to_vec()),
            ("word/numbering.xml", NUMBERING.as_bytes().to_vec()),
            ("word/_rels/document.xml.rels", rels.into_bytes()),
            ("word/media/image1.png", image),
            ("word/media/image2.emf", b"EMF".to_vec()),
        ]
    })
}

/// A `.docx` made in memory from [`word_parts`] with part `replace` (an
/// index into them) holding `bytes` instead (stored, not compressed).
pub fn word_zip(replace: usize, bytes: &[u8]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (i, (name, data)) in word_parts().iter().enumerate() {
        w.start_file(*name, opts).expect("zip in memory");
        w.write_all(if i == replace { bytes } else { data })
            .expect("zip in memory");
    }
    w.finish().expect("zip in memory").into_inner()
}

/// A `.docx` read as `pufa import` does, and written as a bulletin.
fn docx_once(bytes: &[u8]) {
    let Ok(doc) = docx::parse_docx(bytes) else {
        return;
    };
    assert!(
        !doc.title.trim().is_empty(),
        "a Word file without a title was read"
    );
    assert!(!doc.body.is_empty(), "a Word file without a body was read");
    let published = pufa_core::date::parse_published("2024-03-01 16:00").expect("a date");
    let id = word_id(&doc.title, &published);
    let (body, _) = docx::body_and_media(doc.body, &id);
    for b in &body {
        if let Block::Image { alt, .. } = b {
            assert!(
                !alt.trim().is_empty(),
                "a picture without alt text was read"
            );
        }
    }
    write_imported(&Bulletin {
        id,
        title: doc.title,
        channel: "xinzhou".into(),
        published,
        source: None,
        views: None,
        sample: false,
        body,
    });
}

/// `docx`: the input as a `.docx` file (a zip: this mostly tests the zip
/// reader); then, to reach the XML readers, a zip made in memory whose
/// part picked by byte 0 holds the rest of the input: `word/document.xml`
/// (byte 0 mod 8 in 0..=4), `styles.xml` (5), `numbering.xml` (6) or the
/// relationships (7); the other parts are the fixture's.
pub fn docx(data: &[u8]) {
    docx_once(data);
    let part = match data.first().map_or(0, |b| b % 8) {
        0..=4 => 1,
        5 => 2,
        6 => 3,
        _ => 4,
    };
    docx_once(&word_zip(part, data.get(1..).unwrap_or(&[])));
}
