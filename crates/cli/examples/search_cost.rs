//! What a search costs over a built index, without a browser: for queries
//! sampled from the articles' own text, the files a cold query fetches
//! (rounds, requests, bytes, up to the result count and list) and the time
//! of the query itself with its pieces already fetched (the warm
//! per-keystroke cost, native; the wasm is slower by a small factor).
//! Prints figures; asserts nothing.
//!
//! ```sh
//! pufa build --content target/bench/content-10000 --out /tmp/b10/data
//! cargo run --release -p pufa-cli --example search_cost -- /tmp/b10/data [QUERIES] [SEED]
//! ```

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;
use std::time::Instant;

use pufa_core::compiled::{DataVersion, Entry};
use pufa_core::search::parse_terms;
use pufa_core::search::pieces::{self, Meta, Outcome, Query};

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Bytes as a server with gzip (level 6) sends them.
fn gzipped(data: &[u8]) -> u64 {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    let _ = e.write_all(data);
    e.finish().map_or(data.len(), |v| v.len()) as u64
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let data = PathBuf::from(args.first().map_or("dist/data", String::as_str));
    let queries: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let mut rng = Rng(args.get(2).and_then(|a| a.parse().ok()).unwrap_or(42) | 1);
    let version: DataVersion =
        serde_json::from_str(&fs::read_to_string(data.join("version.json")).expect("version.json"))
            .expect("version.json");
    let root = data.join("v").join(&version.version);
    let meta: Meta =
        serde_json::from_slice(&fs::read(root.join(pieces::META)).expect("meta")).expect("meta");
    let read = |p: &str| fs::read(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));

    // Sample query texts from article titles and bodies (card → article).
    let mut texts = Vec::new();
    let blocks = (meta.docs as usize).div_ceil(meta.card_block as usize);
    while texts.len() < queries {
        let block = rng.below(blocks);
        let cards: Vec<Entry> = serde_json::from_slice(&read(&pieces::card_file(block))).unwrap();
        let card = &cards[rng.below(cards.len())];
        let article: serde_json::Value =
            serde_json::from_slice(&read(&format!("article/{}.json", card.id))).unwrap();
        let mut body = String::new();
        if let Some(blocks) = article["bulletin"]["body"].as_array() {
            for b in blocks {
                if let Some(t) = b["text"].as_str() {
                    body.push_str(t);
                }
            }
        }
        let chars: Vec<char> = body.chars().collect();
        let len = 2 + texts.len() % 5; // 2..=6 characters
        if chars.len() <= len {
            continue;
        }
        let start = rng.below(chars.len() - len);
        let piece: String = chars[start..start + len].iter().collect();
        if piece.chars().all(pufa_core::search::tokenize::is_cjk) {
            texts.push(piece);
        }
    }
    for fixed in ["普法", "法律", "人民政府", "民法典", "行政处罚"] {
        texts.push(fixed.to_string());
    }

    let mut rows: Vec<(usize, usize, u64, f64, usize, u64)> = Vec::new(); // rounds, requests, bytes, ms, hits, gzipped
    let mut by_len: HashMap<usize, Vec<u64>> = HashMap::new();
    let mut keystrokes: Vec<f64> = Vec::new();
    for q in &texts {
        let query = Query {
            terms: parse_terms(q),
            ordered: 10,
            ..Query::default()
        };
        let mut have: HashMap<String, Vec<u8>> = HashMap::new();
        let (mut rounds, mut bytes, mut gz) = (0, 0u64, 0u64);
        let hits = loop {
            match pieces::run(&meta, &query, &have).expect("run") {
                Outcome::Done(h) => break h,
                Outcome::Need(paths) => {
                    rounds += 1;
                    for p in paths {
                        let d = read(&p);
                        bytes += d.len() as u64;
                        gz += gzipped(&d);
                        have.insert(p, d);
                    }
                }
            }
        };
        // The first page's cards.
        let mut blocks: Vec<usize> = hits
            .iter()
            .take(10)
            .map(|h| h.doc as usize / meta.card_block as usize)
            .collect();
        blocks.sort_unstable();
        blocks.dedup();
        let requests = have.len() + blocks.len();
        for b in &blocks {
            let d = read(&pieces::card_file(*b));
            bytes += d.len() as u64;
            gz += gzipped(&d);
        }
        // Warm, per keystroke: the query typed one character at a time,
        // every piece already fetched, decoded data kept between keystrokes
        // as the page keeps it. The slowest keystroke of the query counts.
        let mut cache = pieces::Decoded::default();
        let mut best = 0f64;
        let chars: Vec<char> = q.chars().collect();
        let mut all = have.clone();
        for n in 1..=chars.len() {
            let typed: String = chars[..n].iter().collect();
            let query = Query {
                terms: parse_terms(&typed),
                ordered: 10,
                ..Query::default()
            };
            // Earlier prefixes may need pieces the full query did not.
            loop {
                match pieces::run(&meta, &query, &all).expect("run") {
                    Outcome::Done(_) => break,
                    Outcome::Need(paths) => {
                        for p in paths {
                            let d = read(&p);
                            all.insert(p, d);
                        }
                    }
                }
            }
            let t = Instant::now();
            let out = pieces::run_cached(&meta, &query, &all, &mut cache).expect("run");
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            keystrokes.push(ms);
            best = best.max(ms);
            std::hint::black_box(out);
        }
        by_len.entry(q.chars().count()).or_default().push(bytes);
        rows.push((rounds, requests, bytes, best, hits.len(), gz));
    }
    let mut req: Vec<f64> = rows.iter().map(|r| r.1 as f64).collect();
    let mut kb: Vec<f64> = rows.iter().map(|r| r.2 as f64 / 1024.0).collect();
    let mut ms: Vec<f64> = rows.iter().map(|r| r.3).collect();
    let mut rounds: Vec<f64> = rows.iter().map(|r| r.0 as f64).collect();
    let mut gzkb: Vec<f64> = rows.iter().map(|r| r.5 as f64 / 1024.0).collect();
    for v in [&mut req, &mut kb, &mut ms, &mut rounds, &mut gzkb] {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    }
    println!(
        "{} articles, {} buckets, {} queries (2–6 characters from article text + 5 fixed)",
        meta.docs,
        meta.buckets,
        texts.len()
    );
    println!(
        "cold, to the result list (index pieces + the first page's cards; raw bytes, before gzip):"
    );
    println!(
        "  requests p50 {:.0} p95 {:.0} max {:.0}; KiB p50 {:.1} p95 {:.1} max {:.1}; rounds max {:.0}",
        pct(&req, 0.5),
        pct(&req, 0.95),
        pct(&req, 1.0),
        pct(&kb, 0.5),
        pct(&kb, 0.95),
        pct(&kb, 1.0),
        pct(&rounds, 1.0)
    );
    println!(
        "  gzipped KiB p50 {:.1} p95 {:.1} max {:.1}",
        pct(&gzkb, 0.5),
        pct(&gzkb, 0.95),
        pct(&gzkb, 1.0)
    );
    let mut lens: Vec<_> = by_len.into_iter().collect();
    lens.sort();
    for (len, mut b) in lens {
        b.sort_unstable();
        println!(
            "  {len} characters: KiB p50 {:.1} max {:.1} ({} queries)",
            b[b.len() / 2] as f64 / 1024.0,
            *b.last().unwrap() as f64 / 1024.0,
            b.len()
        );
    }
    keystrokes.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "warm, per keystroke (pieces fetched, decoded data kept), native ms: p50 {:.3} p95 {:.3} max {:.3} ({} keystrokes; slowest per query p50 {:.3} p95 {:.3})",
        pct(&keystrokes, 0.5),
        pct(&keystrokes, 0.95),
        pct(&keystrokes, 1.0),
        keystrokes.len(),
        pct(&ms, 0.5),
        pct(&ms, 0.95)
    );
    for (q, r) in texts.iter().zip(&rows).rev().take(5) {
        println!(
            "  {q}: {} results, {} requests, {:.1} KiB ({:.1} gzipped), slowest keystroke {:.3} ms",
            r.4,
            r.1,
            r.2 as f64 / 1024.0,
            r.5 as f64 / 1024.0,
            r.3
        );
    }
}
