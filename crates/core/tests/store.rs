//! Look-ups the pages rely on: channel lists, 上一篇/下一篇, breadcrumbs.

use pufa_core::trail::{article_trail, channel_trail, page_trail};
use pufa_core::{Crumb, Store, Target};

const SITE: &str = r#"{
  "site": { "name": "测试" },
  "channels": [
    { "id": "pufa", "name": "普法动态", "children": [
      { "id": "xinzhou", "name": "新洲区", "children": [
        { "id": "xinzhou2", "name": "新洲区" }
      ] },
      { "id": "huangpi", "name": "黄陂区" }
    ] },
    { "id": "fagui", "name": "法律法规" }
  ],
  "links": []
}"#;

fn store(items: &[(&str, &str, &str)]) -> Store {
    let bulletins: Vec<String> = items
        .iter()
        .map(|(id, channel, published)| {
            format!(
                r#"{{"id":"{id}","title":"标题{id}","channel":"{channel}","published":"{published}","body":[{{"type":"paragraph","text":"正文"}}]}}"#
            )
        })
        .collect();
    Store::from_json(
        SITE,
        &format!(r#"{{"bulletins":[{}]}}"#, bulletins.join(",")),
    )
    .unwrap()
}

fn ids(list: Vec<&pufa_core::Bulletin>) -> Vec<&str> {
    list.into_iter().map(|b| b.id.as_str()).collect()
}

fn crumb(label: &str, target: Option<Target>) -> Crumb {
    Crumb {
        label: label.into(),
        target,
    }
}

#[test]
fn bulletins_are_newest_first_with_stable_ties() {
    let s = store(&[
        ("b", "xinzhou", "2020-01-01 08:00"),
        ("a", "xinzhou", "2020-01-01 08:00"),
        ("c", "fagui", "2024-05-01 08:00"),
    ]);
    let order: Vec<&str> = s.bulletins().iter().map(|b| b.id.as_str()).collect();
    assert_eq!(order, ["c", "a", "b"]);
}

#[test]
fn a_channel_lists_its_sub_channels_too() {
    let s = store(&[
        ("x1", "xinzhou", "2020-01-01 08:00"),
        ("h1", "huangpi", "2021-01-01 08:00"),
        ("p1", "pufa", "2019-01-01 08:00"),
        ("f1", "fagui", "2022-01-01 08:00"),
        ("x2", "xinzhou2", "2023-01-01 08:00"),
    ]);
    assert_eq!(ids(s.in_channel("pufa")), ["x2", "h1", "x1", "p1"]);
    assert_eq!(ids(s.in_channel("xinzhou")), ["x2", "x1"]);
    assert_eq!(ids(s.in_channel("fagui")), ["f1"]);
    assert!(s.in_channel("nowhere").is_empty());
    let top: Vec<&str> = s.catalog.top_channels().map(|c| c.name.as_str()).collect();
    assert_eq!(top, ["普法动态", "法律法规"]);
}

#[test]
fn neighbours_stay_in_the_channel_and_end_with_none() {
    let s = store(&[
        ("old", "xinzhou", "2019-01-01 08:00"),
        ("mid", "xinzhou", "2020-01-01 08:00"),
        ("other", "huangpi", "2020-06-01 08:00"),
        ("new", "xinzhou", "2021-01-01 08:00"),
    ]);
    let pair = |id| {
        let (p, n) = s.neighbours(id);
        (p.map(|b| b.id.as_str()), n.map(|b| b.id.as_str()))
    };
    // 上一篇 is the one published before, 下一篇 the one after.
    assert_eq!(pair("mid"), (Some("old"), Some("new")));
    assert_eq!(pair("old"), (None, Some("mid")));
    assert_eq!(pair("new"), (Some("mid"), None));
    assert_eq!(pair("other"), (None, None));
    assert_eq!(pair("missing"), (None, None));
}

#[test]
fn channel_trail_links_all_but_the_last() {
    let s = store(&[]);
    assert_eq!(
        channel_trail(&s.catalog, "huangpi"),
        [
            crumb("主页", Some(Target::Home)),
            crumb("普法动态", Some(Target::Channel("pufa".into()))),
            crumb("黄陂区", None),
        ]
    );
    assert_eq!(channel_trail(&s.catalog, "nowhere"), [crumb("主页", None)]);
}

#[test]
fn a_name_repeated_in_the_tree_is_shown_once() {
    // The old CMS showed 主页 > 普法动态 > 新洲区 > 新洲区.
    let s = store(&[]);
    assert_eq!(
        channel_trail(&s.catalog, "xinzhou2"),
        [
            crumb("主页", Some(Target::Home)),
            crumb("普法动态", Some(Target::Channel("pufa".into()))),
            crumb("新洲区", None),
        ]
    );
    assert_eq!(
        article_trail(&s.catalog, "xinzhou2"),
        [
            crumb("主页", Some(Target::Home)),
            crumb("普法动态", Some(Target::Channel("pufa".into()))),
            crumb("新洲区", Some(Target::Channel("xinzhou2".into()))),
            crumb("正文", None),
        ]
    );
}

#[test]
fn pages_outside_the_tree_get_a_two_crumb_trail() {
    assert_eq!(
        page_trail("页面未找到"),
        [crumb("主页", Some(Target::Home)), crumb("页面未找到", None)]
    );
}

#[test]
fn summary_cuts_the_first_paragraph() {
    let s = store(&[("a", "fagui", "2020-01-01 08:00")]);
    let b = s.bulletin("a").unwrap();
    assert_eq!(b.summary(10), "正文");
    assert_eq!(b.summary(1), "正…");
}
