//! Search benchmark (issue #3): index build time and memory, and query time
//! percentiles for 1-, 2-, 4- and 8-character queries, at 1k and 10k
//! generated bulletins. Prints figures; asserts nothing.
//!
//! `cargo bench -p pufa-core --bench search [-- SIZES...]`

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use pufa_core::corpus::{bulletins_json, Rng};
use pufa_core::search::snippet::{needles, snippet};
use pufa_core::search::{parse_terms, Filter, SearchIndex, Sort};
use pufa_core::{decode_bulletins, decode_site, Bulletin};

/// Counts live heap bytes, so the index's memory is measured, not guessed.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const SITE: &str = include_str!("../../../tests/fixtures/json/site.json");
const QUERIES_PER_LENGTH: usize = 300;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// `len` consecutive letters or digits from a random place in a random body.
fn sample_query(docs: &[Bulletin], rng: &mut Rng, len: usize) -> String {
    loop {
        let d = &docs[rng.below(docs.len())];
        let text: Vec<char> = d.body[rng.below(d.body.len())].text().chars().collect();
        if text.len() < len {
            continue;
        }
        let start = rng.below(text.len() - len + 1);
        let piece = &text[start..start + len];
        if piece.iter().all(|c| c.is_alphanumeric()) {
            return piece.iter().collect();
        }
    }
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    let site = decode_site(SITE).expect("site.json");
    for n in sizes {
        let json = bulletins_json(n, 42);
        let mut docs = decode_bulletins(&json, &site).expect("generated data decodes");
        docs.sort_by(|a, b| b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id)));
        let text_bytes: usize = docs
            .iter()
            .map(|d| d.title.len() + d.body.iter().map(|b| b.text().len()).sum::<usize>())
            .sum();

        let mut builds = Vec::new();
        let mut memory = 0;
        for _ in 0..5 {
            let before = LIVE.load(Ordering::Relaxed);
            let t = Instant::now();
            let index = SearchIndex::build(&docs);
            builds.push(t.elapsed().as_secs_f64() * 1000.0);
            memory = LIVE.load(Ordering::Relaxed) - before;
            black_box(&index);
        }
        builds.sort_by(f64::total_cmp);
        println!(
            "\n== {n} bulletins ({:.1} MB of text, JSON {:.1} MB) ==",
            text_bytes as f64 / 1e6,
            json.len() as f64 / 1e6
        );
        println!(
            "index build: median {:.0} ms (min {:.0}, max {:.0}, 5 runs); index memory {:.1} MB",
            percentile(&builds, 0.5),
            builds[0],
            builds[builds.len() - 1],
            memory as f64 / 1e6
        );

        let index = SearchIndex::build(&docs);
        let mut rng = Rng::new(7);
        println!(
            "{:>6} {:>10} {:>10} {:>10} {:>12}",
            "chars", "p50 µs", "p95 µs", "max µs", "mean hits"
        );
        for len in [1, 2, 4, 8] {
            let queries: Vec<String> = (0..QUERIES_PER_LENGTH)
                .map(|_| sample_query(&docs, &mut rng, len))
                .collect();
            let mut times = Vec::with_capacity(queries.len());
            let mut total_hits = 0;
            for q in &queries {
                let t = Instant::now();
                // What the results page does: parse, search, and make the
                // snippets of the first page of ten.
                let terms = parse_terms(q);
                let hits = index.search(&terms, &Filter::default(), Sort::Relevance);
                for h in hits.iter().take(10) {
                    let n = needles(&terms, |term| index.contains(h.doc, &term.text));
                    let body = docs[h.doc]
                        .body
                        .iter()
                        .map(|b| b.text())
                        .collect::<Vec<_>>()
                        .join("\n");
                    black_box(snippet(&body, &n, 80));
                }
                times.push(t.elapsed().as_secs_f64() * 1e6);
                total_hits += hits.len();
            }
            times.sort_by(f64::total_cmp);
            println!(
                "{:>6} {:>10.0} {:>10.0} {:>10.0} {:>12.0}",
                len,
                percentile(&times, 0.5),
                percentile(&times, 0.95),
                times[times.len() - 1],
                total_hits as f64 / queries.len() as f64
            );
        }
    }
}
