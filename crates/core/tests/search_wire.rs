//! The page and the search worker speak `search::wire` as JSON: every
//! message survives the trip, and a reply the page cannot read still names
//! the request it answers.

use chrono::DateTime;
use pufa_core::compiled::Entry;
use pufa_core::search::aids::Suggestion;
use pufa_core::search::wire::{self, About, Answer, Ask, Card, Failure, Found, Reply, What};
use pufa_core::search::{SearchParams, Segment, Sort};
use pufa_core::DataError;

fn trip<T>(value: &T)
where
    T: serde::Serialize + for<'de> serde::Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let text = wire::encode(value);
    let back: T = wire::decode(&text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    assert_eq!(&back, value, "{text}");
}

#[test]
fn every_request_survives_the_trip() {
    let params = SearchParams {
        q: "a&b 100% #1 “民法典”".into(),
        channel: Some("pufa".into()),
        from: chrono::NaiveDate::from_ymd_opt(2020, 1, 1),
        to: chrono::NaiveDate::from_ymd_opt(2021, 12, 31),
        sort: Sort::MostViewed,
        page: 3,
        exact: true,
    };
    for what in [
        What::About,
        What::Find { params },
        What::Snippet {
            id: "2021-xinzhou-qiwu-zongjie".into(),
            marks: vec!["正文".into()],
        },
        What::Suggest { text: "pf".into() },
        What::Download {
            channels: vec!["pufa".into(), "anli".into()],
        },
    ] {
        trip(&Ask {
            id: 7,
            version: "00ab".into(),
            what,
        });
    }
}

#[test]
fn every_answer_survives_the_trip() {
    let entry = Entry {
        id: "a".into(),
        title: "普法".into(),
        channel: "pufa".into(),
        published: DateTime::parse_from_rfc3339("2021-03-05T09:00:00+08:00").unwrap(),
        sample: true,
        views: Some(3),
        summary: None,
    };
    let mark = |t: &str, mark| Segment {
        text: t.into(),
        mark,
    };
    let found = Found {
        total: 11,
        page: 2,
        results: vec![Card {
            entry,
            title: vec![mark("普法", true)],
        }],
        marks: vec!["普法".into()],
        browse: false,
        pinyin: Some(("pufa".into(), "普法".into())),
        synonyms: vec!["诉讼".into()],
        did_you_mean: vec![Suggestion {
            q: "普法".into(),
            typed: "普发".into(),
            offered: "普法".into(),
        }],
    };
    let mut data = DataError::new("v/00ab/search/card/0.json", "[3]", "缺少");
    data.line = Some(2);
    for answer in [
        Answer::About(About {
            docs: 3,
            bytes: 1 << 20,
            files: 9,
            years: vec![2021, 2020],
            aids: true,
        }),
        Answer::Found(Box::new(found)),
        Answer::Snippet {
            segments: vec![mark("…前", false), mark("普法", true)],
        },
        Answer::Suggest {
            terms: vec!["普法".into()],
        },
        Answer::Progress { done: 1, total: 2 },
        Answer::Downloaded,
        Answer::Stale,
        Answer::Failed(Failure::Network {
            file: "f".into(),
            detail: "Failed to fetch".into(),
        }),
        Answer::Failed(Failure::Status {
            file: "f".into(),
            status: 404,
        }),
        Answer::Failed(Failure::NotCached { file: "f".into() }),
        Answer::Failed(Failure::Data(data)),
    ] {
        trip(&Reply { id: 9, answer });
    }
}

#[test]
fn a_reply_that_cannot_be_read_still_names_its_request() {
    let text = r#"{"id":12,"answer":{"from_a_newer_worker":{}}}"#;
    assert!(wire::decode::<Reply>(text).is_err());
    assert_eq!(wire::reply_id(text), Some(12));
    assert_eq!(wire::reply_id("not json"), None);
}
