//! The JSON fixture (the former default data, kept under tests/) must load,
//! and its seed bulletin stay word for word what the old CMS page showed.

use pufa_core::date::format_minute;
use pufa_core::trail::{article_trail, channel_trail};
use pufa_core::{Block, Store, Target};

fn store() -> Store {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/json/");
    let site = std::fs::read_to_string(format!("{dir}site.json")).unwrap();
    let bulletins = std::fs::read_to_string(format!("{dir}bulletins.json")).unwrap();
    Store::from_json(&site, &bulletins).unwrap_or_else(|e| panic!("shipped data is invalid: {e}"))
}

const SEED_ID: &str = "2021-xinzhou-qiwu-zongjie";

#[test]
fn seed_bulletin_is_kept_word_for_word() {
    let store = store();
    let b = store.bulletin(SEED_ID).unwrap();
    assert_eq!(b.title, "新洲区委办公室“七五”普法工作总结");
    assert_eq!(format_minute(&b.published), "2021-07-26 09:33");
    assert_eq!(b.published.offset().local_minus_utc(), 8 * 3600);
    assert!(!b.sample, "the seed is real, not sample content");
    assert_eq!(b.views, None, "the seed page's count was empty: unknown");
    let headings: Vec<&str> = b
        .body
        .iter()
        .filter_map(|x| match x {
            Block::Heading(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        headings,
        [
            "一、建章立制,“三个加强”压实责任",
            "二、固本强基,“三大活动”提升实效",
            "三、服务大局,“三个结合”强化成果",
        ]
    );
    assert_eq!(b.body.len(), 15);
    assert!(b.body[0].text().starts_with(
        "根据中央、省、市在公民中开展法制宣传教育第六个五年规划的总体要求,自2016年以来"
    ));
    assert!(b.body[14]
        .text()
        .ends_with("在服务过程中向社区居民群众宣传法律常识、提供法律援助。"));
    let chars: usize = b.body.iter().map(|x| x.text().chars().count()).sum();
    assert_eq!(chars, 1909, "body length differs from the seed text");
}

#[test]
fn seed_breadcrumb_has_no_doubled_name() {
    let store = store();
    let labels: Vec<String> = article_trail(&store.catalog, "xinzhou")
        .into_iter()
        .map(|c| c.label)
        .collect();
    assert_eq!(labels, ["主页", "普法动态", "新洲区", "正文"]);
}

#[test]
fn friendly_links_are_the_seed_four() {
    let names: Vec<String> = store().catalog.links.into_iter().map(|l| l.name).collect();
    assert_eq!(
        names,
        ["中国普法网", "湖北司法行政", "湖北法治网", "武汉律师网"]
    );
}

#[test]
fn sample_set_is_large_varied_and_marked() {
    let store = store();
    let samples: Vec<_> = store.bulletins().iter().filter(|b| b.sample).collect();
    assert!(samples.len() >= 40, "{} samples", samples.len());
    let channels: std::collections::HashSet<_> =
        samples.iter().map(|b| b.channel.as_str()).collect();
    assert!(channels.len() >= 6, "{channels:?}");
    let years: std::collections::BTreeSet<i32> = samples
        .iter()
        .map(|b| chrono::Datelike::year(&b.published))
        .collect();
    assert_eq!(years, (2016..=2026).collect());
    assert!(samples.iter().all(|b| b.source.is_some()));
    // Only the seed is not a sample.
    assert_eq!(store.bulletins().len(), samples.len() + 1);
}

#[test]
fn xinzhou_list_needs_two_pages() {
    let store = store();
    let n = store.in_channel("xinzhou").len();
    assert!((11..=20).contains(&n), "{n} bulletins in 新洲区");
    // 普法动态 includes its districts.
    assert!(store.in_channel("pufa").len() > n);
    let trail = channel_trail(&store.catalog, "xinzhou");
    assert_eq!(trail[1].target, Some(Target::Channel("pufa".into())));
    assert_eq!(trail[2].target, None);
}
