//! The search worker's engine over an index built in memory, as `pufa
//! build` writes it: what a page of results holds, what it fetches, and
//! that a search overtaken by newer words stops.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use chrono::{DateTime, NaiveDate};
use futures::executor::block_on;
use pufa_core::compiled::Entry;
use pufa_core::search::pieces::{self, doc_keys, IndexBuilder, CARD_BLOCK};
use pufa_core::search::wire::{Answer, Failure, Found, PER_PAGE};
use pufa_core::search::{SearchParams, Segment, Sort};
use pufa_search_worker::engine::{snippet_of, Engine, Fetch};

const VERSION: &str = "00ab";

/// The files of one data version, counting what is fetched.
struct Files {
    files: HashMap<String, Vec<u8>>,
    fetched: RefCell<Vec<String>>,
    /// Paths answered as the service worker does offline for a file it
    /// never saved.
    offline: RefCell<BTreeSet<String>>,
    /// Each fetch first yields once, as a real fetch would.
    yields: bool,
}

/// A future that is pending once.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

impl Fetch for &Files {
    async fn get(&self, path: &str) -> Result<Vec<u8>, Failure> {
        if self.yields {
            YieldOnce(false).await;
        }
        self.fetched.borrow_mut().push(path.to_string());
        let file = format!("v/{VERSION}/{path}");
        if self.offline.borrow().contains(path) {
            return Err(Failure::NotCached { file });
        }
        self.files
            .get(path)
            .cloned()
            .ok_or(Failure::Status { file, status: 404 })
    }
}

struct Doc {
    title: String,
    body: String,
    channel: &'static str,
    day: NaiveDate,
}

/// 25 articles, newest first: every one mentions 普法; 民法典 is in three;
/// the traditional 法規 is written 法规 in one.
fn docs() -> Vec<Doc> {
    (0..25)
        .map(|i| {
            let mut body = format!("第{i}期普法宣传活动在社区开展，居民踊跃参加。");
            if i % 10 == 3 {
                body.push_str("活动重点讲解了民法典的婚姻家庭编。");
            }
            if i == 7 {
                body.push_str("新修订的法规将于明年施行。");
            }
            Doc {
                title: format!("普法简报第{i}期"),
                body,
                channel: if i % 2 == 0 { "pufa" } else { "anli" },
                day: NaiveDate::from_ymd_opt(2024, 12, 28).unwrap() - chrono::Days::new(i),
            }
        })
        .collect()
}

fn build(docs: &[Doc]) -> Files {
    let mut b = IndexBuilder::new();
    for d in docs {
        b.add(
            doc_keys(&d.title, &d.body),
            d.day,
            Some(100 - d.day.format("%d").to_string().parse::<u64>().unwrap()),
        );
    }
    let channels: Vec<(String, Vec<u32>)> = ["pufa", "anli"]
        .iter()
        .map(|c| {
            let ids = (0..docs.len() as u32)
                .filter(|&i| docs[i as usize].channel == *c)
                .collect();
            (c.to_string(), ids)
        })
        .collect();
    let entries: Vec<Entry> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| Entry {
            id: format!("doc-{i}"),
            title: d.title.clone(),
            channel: d.channel.to_string(),
            published: DateTime::parse_from_rfc3339(&format!("{}T09:00:00+08:00", d.day)).unwrap(),
            sample: false,
            views: None,
            summary: None,
        })
        .collect();
    b.cards(
        entries
            .iter()
            .map(|e| serde_json::to_string(e).unwrap())
            .collect(),
    );
    let mut files = HashMap::new();
    let mut meta = b
        .finish::<()>(&channels, |path, data| {
            files.insert(path.to_string(), data.to_vec());
            Ok(())
        })
        .unwrap();
    for (block, cards) in entries.chunks(CARD_BLOCK).enumerate() {
        files.insert(
            pieces::card_file(block),
            serde_json::to_vec(&cards).unwrap(),
        );
        meta.files += 1;
    }
    files.insert(pieces::META.to_string(), serde_json::to_vec(&meta).unwrap());
    Files {
        files,
        fetched: RefCell::new(Vec::new()),
        offline: RefCell::new(BTreeSet::new()),
        yields: false,
    }
}

fn params(q: &str) -> SearchParams {
    SearchParams {
        q: q.to_string(),
        page: 1,
        ..SearchParams::default()
    }
}

fn found(answer: Answer) -> Found {
    match answer {
        Answer::Found(f) => *f,
        other => panic!("expected results, got {other:?}"),
    }
}

fn marked(segments: &[Segment]) -> Vec<&str> {
    segments
        .iter()
        .filter(|s| s.mark)
        .map(|s| s.text.as_str())
        .collect()
}

#[test]
fn a_page_of_results_has_its_cards_with_the_words_marked() {
    let files = build(&docs());
    let engine = Engine::new(VERSION, &files);
    let f = found(block_on(engine.find(1, params("普法"))));
    assert_eq!(f.total, 25);
    assert_eq!(f.page, 1);
    assert!(!f.browse);
    assert_eq!(f.results.len(), PER_PAGE);
    for card in &f.results {
        assert_eq!(marked(&card.title), ["普法"], "{}", card.entry.title);
        assert!(card.entry.id.starts_with("doc-"));
    }
    assert!(f.marks.contains(&"普法".to_string()));

    // Page 3 holds the last five; a page past the end shows page 1.
    let mut p = params("普法");
    p.page = 3;
    assert_eq!(found(block_on(engine.find(2, p))).results.len(), 5);
    p = params("普法");
    p.page = 99;
    let f = found(block_on(engine.find(3, p)));
    assert_eq!((f.page, f.results.len()), (1, PER_PAGE));
}

#[test]
fn traditional_words_filters_and_sorts_reach_the_worker() {
    let files = build(&docs());
    let engine = Engine::new(VERSION, &files);
    let f = found(block_on(engine.find(1, params("民法典"))));
    let ids: Vec<&str> = f.results.iter().map(|c| c.entry.id.as_str()).collect();
    assert_eq!(ids, ["doc-3", "doc-13", "doc-23"]);
    // 法規 folds to 法规.
    let f = found(block_on(engine.find(2, params("法規"))));
    assert_eq!(f.total, 1);
    assert_eq!(f.results[0].entry.id, "doc-7");

    let mut p = params("普法");
    p.channel = Some("pufa".into());
    let f = found(block_on(engine.find(3, p)));
    assert_eq!(f.total, 13);
    assert!(f.results.iter().all(|c| c.entry.channel == "pufa"));

    let mut p = params("民法典");
    p.sort = Sort::Oldest;
    let f = found(block_on(engine.find(4, p)));
    assert_eq!(f.results[0].entry.id, "doc-23");

    // Filters without words browse: the count of everything in range.
    let p = SearchParams {
        from: NaiveDate::from_ymd_opt(2024, 12, 20),
        page: 1,
        ..SearchParams::default()
    };
    let f = found(block_on(engine.find(5, p)));
    assert!(f.browse);
    assert_eq!(f.total, 9);
}

#[test]
fn typing_again_fetches_nothing_twice() {
    let files = build(&docs());
    let engine = Engine::new(VERSION, &files);
    found(block_on(engine.find(1, params("普法"))));
    let first = files.fetched.borrow().len();
    assert!(first > 0);
    found(block_on(engine.find(2, params("普法"))));
    assert_eq!(
        files.fetched.borrow().len(),
        first,
        "nothing new for the same words"
    );
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for p in files.fetched.borrow().iter() {
        *counts.entry(p.clone()).or_default() += 1;
    }
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
}

#[test]
fn a_search_overtaken_by_newer_words_stops() {
    let mut files = build(&docs());
    files.yields = true;
    let engine = Engine::new(VERSION, &files);
    let (old, new) = block_on(futures::future::join(
        engine.find(1, params("普法")),
        engine.find(2, params("民法典")),
    ));
    assert_eq!(old, Answer::Stale);
    assert_eq!(found(new).total, 3);
}

#[test]
fn a_missing_or_unsaved_piece_is_named_with_its_version() {
    let files = build(&docs());
    let engine = Engine::new(VERSION, &files);
    let about = block_on(engine.about()).unwrap();
    assert_eq!(about.docs, 25);
    assert_eq!(about.years, [2024]);
    // Offline, and the card file was never saved.
    files.offline.borrow_mut().insert(pieces::card_file(0));
    match block_on(engine.find(1, params("普法"))) {
        Answer::Failed(Failure::NotCached { file }) => {
            assert_eq!(file, format!("v/{VERSION}/search/card/0.json"))
        }
        other => panic!("{other:?}"),
    }
    // A version whose index is gone: its meta.json is named.
    let empty = Files {
        files: HashMap::new(),
        fetched: RefCell::new(Vec::new()),
        offline: RefCell::new(BTreeSet::new()),
        yields: false,
    };
    let engine = Engine::new(VERSION, &empty);
    assert_eq!(
        block_on(engine.find(1, params("普法"))),
        Answer::Failed(Failure::Status {
            file: format!("v/{VERSION}/search/meta.json"),
            status: 404
        })
    );
}

#[test]
fn a_damaged_card_file_is_reported_with_file_and_line() {
    let mut files = build(&docs());
    files
        .files
        .insert(pieces::card_file(0), b"[\n{\"id\": 3}\n]".to_vec());
    let engine = Engine::new(VERSION, &files);
    match block_on(engine.find(1, params("普法"))) {
        Answer::Failed(Failure::Data(e)) => {
            assert_eq!(e.file, format!("v/{VERSION}/search/card/0.json"));
            assert_eq!(e.line, Some(2));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn download_fetches_every_file_once_and_reports_progress() {
    let files = build(&docs());
    let engine = Engine::new(VERSION, &files);
    let progress = Cell::new((0, 0));
    let steps = Cell::new(0);
    block_on(
        engine.download(&["pufa".into(), "anli".into()], |done, total| {
            assert!(done <= total);
            assert!(done >= progress.get().0, "progress never goes back");
            progress.set((done, total));
            steps.set(steps.get() + 1);
        }),
    )
    .unwrap();
    let fetched: BTreeSet<String> = files.fetched.borrow().iter().cloned().collect();
    let all: BTreeSet<String> = files.files.keys().cloned().collect();
    assert_eq!(fetched, all, "every file of the index, nothing else");
    assert_eq!(files.fetched.borrow().len(), all.len(), "each once");
    let (done, total) = progress.get();
    assert_eq!(done, total);
    // meta.json and the list of common keys were read before the count
    // started.
    assert!(all.contains(pieces::OWN));
    assert_eq!(total, all.len() - 2);
    assert!(steps.get() >= 3);
}

#[test]
fn snippets_mark_the_words_in_the_article_text() {
    let text = "区司法局组织开展民法典宣传活动。居民认真学习民法典。";
    let s = snippet_of(text, &["民法典".to_string()]);
    assert_eq!(marked(&s), ["民法典", "民法典"]);
    let joined: String = s.iter().map(|x| x.text.as_str()).collect();
    assert!(text.contains(joined.trim_matches('…')));
}

/// A result's snippet: the worker fetches the article's file itself, once
/// per session, so the page's message carries only the id.
#[test]
fn snippets_are_cut_from_the_article_file_fetched_once() {
    let mut files = build(&docs());
    let article = serde_json::json!({
        "bulletin": {
            "id": "doc-3", "title": "普法简报第3期", "channel": "anli",
            "published": "2024-12-25T09:00:00+08:00",
            "body": [
                { "type": "heading", "text": "民法典宣讲" },
                { "type": "paragraph", "text": "活动重点讲解了民法典的婚姻家庭编。" },
                { "type": "list", "ordered": false, "items": ["婚姻登记", "继承"] }
            ]
        },
        "prev": null, "next": null, "related": []
    });
    files.files.insert(
        "article/doc-3.json".into(),
        article.to_string().into_bytes(),
    );
    files.files.insert(
        "article/doc-4.json".into(),
        b"{\"bulletin\": {\"body\": 7}}".to_vec(),
    );
    let engine = Engine::new(VERSION, &files);
    let snippet = |id: &str, mark: &str| match block_on(engine.snippet(id, &[mark.to_string()])) {
        Answer::Snippet { segments } => Ok(segments),
        Answer::Failed(f) => Err(f),
        other => panic!("expected a snippet, got {other:?}"),
    };
    let s = snippet("doc-3", "民法典").unwrap();
    assert_eq!(marked(&s), ["民法典", "民法典"]);
    let s = snippet("doc-3", "继承").unwrap();
    assert_eq!(marked(&s), ["继承"], "list items are part of the text");
    let articles = || {
        files
            .fetched
            .borrow()
            .iter()
            .filter(|p| p.starts_with("article/"))
            .count()
    };
    assert_eq!(articles(), 1, "the text is kept for the next words");

    assert_eq!(
        snippet("doc-9", "民法典"),
        Err(Failure::Status {
            file: format!("v/{VERSION}/article/doc-9.json"),
            status: 404
        })
    );
    match snippet("doc-4", "民法典") {
        Err(Failure::Data(e)) => assert_eq!(e.file, format!("v/{VERSION}/article/doc-4.json")),
        other => panic!("a damaged file is a data failure naming it, got {other:?}"),
    }
    // An id that cannot be an article's is refused without a request.
    let asked = files.fetched.borrow().len();
    assert!(matches!(
        snippet("../meta", "民法典"),
        Err(Failure::Data(_))
    ));
    assert_eq!(files.fetched.borrow().len(), asked);
}

/// 3,000 articles, every one holding 普法 (a key with files of its own).
fn common_key_docs() -> Vec<Doc> {
    (0..3000)
        .map(|i| Doc {
            title: format!("第{i}期"),
            body: "普法宣传".to_string(),
            channel: "pufa",
            day: NaiveDate::from_ymd_opt(2024, 12, 28).unwrap() - chrono::Days::new(i / 10),
        })
        .collect()
}

#[test]
fn a_common_key_comes_from_its_own_file_without_its_bucket() {
    let files = build(&common_key_docs());
    let engine = Engine::new(VERSION, &files);
    block_on(engine.about()).unwrap();
    let setup: BTreeSet<String> = files.fetched.borrow().iter().cloned().collect();
    assert_eq!(
        setup,
        BTreeSet::from([pieces::META.to_string(), pieces::OWN.to_string()]),
        "the list of common keys comes with meta.json"
    );
    files.fetched.borrow_mut().clear();
    let f = found(block_on(engine.find(1, params("普法"))));
    assert_eq!(f.total, 3000);
    let bucket = pieces::bucket_of(pieces::key('普', '法'), {
        let meta: pieces::Meta = serde_json::from_slice(&files.files[pieces::META]).unwrap();
        meta.buckets
    });
    let fetched = files.fetched.borrow().clone();
    assert!(
        fetched
            .iter()
            .any(|p| p.starts_with(&format!("search/k/{bucket}-"))),
        "{fetched:?}"
    );
    assert!(
        !fetched.contains(&pieces::bucket_file(false, bucket)),
        "{fetched:?}"
    );
    // The first page's cards came in that file: no card file, and each
    // card is its article's.
    assert!(!fetched.iter().any(|p| p.contains("/card/")), "{fetched:?}");
    let docs = common_key_docs();
    assert_eq!(f.results.len(), PER_PAGE);
    let mut ids = BTreeSet::new();
    for card in &f.results {
        let i: usize = card.entry.id["doc-".len()..].parse().unwrap();
        assert_eq!(card.entry.title, docs[i].title);
        ids.insert(i);
    }
    assert_eq!(ids.len(), PER_PAGE);
    // Page 2 is not in it: its cards come from card files, as before.
    let mut p = params("普法");
    p.page = 2;
    let f2 = found(block_on(engine.find(2, p)));
    assert_eq!(f2.results.len(), PER_PAGE);
    assert!(files.fetched.borrow().iter().any(|p| p.contains("/card/")));
    assert!(f2
        .results
        .iter()
        .all(|c| !ids.contains(&c.entry.id["doc-".len()..].parse().unwrap())));
}

#[test]
fn without_the_list_of_common_keys_a_search_asks_for_it_and_names_it() {
    // The list names the split pairs, so no term's pieces are chosen
    // without it: lost at the start, it is asked for again; missing, the
    // reader is told which file.
    let mut files = build(&common_key_docs());
    files.files.remove(pieces::OWN);
    let engine = Engine::new(VERSION, &files);
    block_on(engine.about()).unwrap();
    match block_on(engine.find(1, params("普法宣"))) {
        Answer::Failed(Failure::Status { file, status: 404 }) => {
            assert_eq!(file, format!("v/{VERSION}/{}", pieces::OWN))
        }
        other => panic!("{other:?}"),
    }
}
