//! Component tests in headless Chromium (wasm-bindgen-test): the breadcrumb
//! and the article as a reader's browser renders them (issue #2), and the
//! error view's mark for data out of reach (`pufa_portal::boot` keeps the page).
#![cfg(target_arch = "wasm32")]

use chrono::DateTime;
use leptos::prelude::*;
use pufa_core::{Block, Bulletin, Crumb, Target};
use pufa_portal::components::article::{ArticleView, Neighbour};
use pufa_portal::components::breadcrumb::Breadcrumb;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mount a view into a fresh container and return the container.
fn mount<V: IntoView + 'static>(f: impl FnOnce() -> V + 'static) -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), f);
    std::mem::forget(handle);
    container
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .text_content()
        .unwrap_or_default()
}

fn crumb(label: &str, target: Option<Target>) -> Crumb {
    Crumb {
        label: label.into(),
        target,
    }
}

#[wasm_bindgen_test]
fn breadcrumb_reads_like_the_seed_and_links_all_but_the_last() {
    let root = mount(|| {
        view! {
            <Breadcrumb crumbs=vec![
                crumb("主页", Some(Target::Home)),
                crumb("普法动态", Some(Target::Channel("pufa".into()))),
                crumb("新洲区", None),
            ]/>
        }
    });
    let nav = root.query_selector("nav.breadcrumb").unwrap().unwrap();
    assert_eq!(nav.get_attribute("aria-label").as_deref(), Some("当前位置"));
    assert_eq!(
        nav.text_content().unwrap(),
        "您当前所在的位置：主页 > 普法动态 > 新洲区"
    );
    let links: Vec<(String, String)> = all(&nav, "ol > li > a")
        .iter()
        .map(|a| (a.text_content().unwrap(), a.get_attribute("href").unwrap()))
        .collect();
    assert_eq!(
        links,
        [
            ("主页".to_string(), "/".to_string()),
            ("普法动态".to_string(), "/channel/pufa".to_string()),
        ]
    );
    let current = all(&nav, "[aria-current=page]");
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].text_content().unwrap(), "新洲区");
    // The separators are decoration, hidden from screen readers.
    assert!(all(&nav, ".sep")
        .iter()
        .all(|s| s.get_attribute("aria-hidden").as_deref() == Some("true")));
}

fn bulletin(views: Option<u64>, sample: bool) -> Bulletin {
    Bulletin {
        id: "b1".into(),
        title: "新洲区委办公室“七五”普法工作总结".into(),
        channel: "xinzhou".into(),
        published: DateTime::parse_from_rfc3339("2021-07-26T01:33:00Z").unwrap(),
        source: None,
        views,
        sample,
        body: vec![
            Block::Paragraph("根据中央、省、市的总体要求。".into()),
            Block::Heading("一、建章立制".into()),
            Block::Paragraph("<script>alert(1)</script>".into()),
            Block::Heading("二、固本强基".into()),
        ],
    }
}

#[wasm_bindgen_test]
fn article_shows_title_time_source_views_and_structure() {
    let root = mount(|| {
        view! {
            <ArticleView
                bulletin=bulletin(Some(1234), false)
                prev=Some(Neighbour { id: "old".into(), title: "较早的一篇".into() })
                next=None
            />
        }
    });
    assert_eq!(text(&root, "h1"), "新洲区委办公室“七五”普法工作总结");
    // Stored in UTC, shown in Beijing time.
    assert_eq!(text(&root, ".published"), "发布时间：2021-07-26 09:33");
    let time = root.query_selector(".published time").unwrap().unwrap();
    assert_eq!(
        time.get_attribute("datetime").as_deref(),
        Some("2021-07-26T09:33:00+08:00")
    );
    assert_eq!(text(&root, ".source"), "来源：未注明");
    assert_eq!(text(&root, ".views"), "浏览次数：1234");
    let headings: Vec<String> = all(&root, ".article-body h2")
        .iter()
        .map(|h| h.text_content().unwrap())
        .collect();
    assert_eq!(headings, ["一、建章立制", "二、固本强基"]);
    assert_eq!(all(&root, ".article-body p").len(), 2);
    // Text from data is text: no element is made from it.
    assert!(all(&root, ".article-body script").is_empty());
    assert_eq!(
        all(&root, ".article-body p")[1].text_content().unwrap(),
        "<script>alert(1)</script>"
    );
    assert_eq!(text(&root, ".prev"), "上一篇：较早的一篇");
    assert_eq!(
        root.query_selector(".prev a")
            .unwrap()
            .unwrap()
            .get_attribute("href")
            .as_deref(),
        Some("/article/old")
    );
    assert_eq!(text(&root, ".next"), "下一篇：没有了");
    assert!(
        root.query_selector(".sample-tag").unwrap().is_none(),
        "a real bulletin has no 示例 tag"
    );
}

#[wasm_bindgen_test]
fn unknown_view_count_is_shown_as_unknown_and_samples_are_tagged() {
    let root = mount(|| view! { <ArticleView bulletin=bulletin(None, true) prev=None next=None/> });
    assert_eq!(text(&root, ".views"), "浏览次数：未知");
    assert_eq!(text(&root, ".sample-tag"), "示例");
    assert_eq!(text(&root, ".prev"), "上一篇：没有了");
}

#[wasm_bindgen_test]
fn lists_and_a_described_picture_render_as_structure() {
    let mut b = bulletin(None, false);
    b.body = vec![
        Block::List {
            ordered: false,
            items: vec!["宪法单行本".into(), "<b>民法典</b>问答".into()],
        },
        Block::List {
            ordered: true,
            items: vec!["登记".into(), "分发".into()],
        },
        Block::Image {
            src: "media/zhanban-0123456789.png".into(),
            alt: "宣传现场的展板".into(),
        },
    ];
    let root = mount(move || view! { <ArticleView bulletin=b prev=None next=None/> });
    let bullets: Vec<String> = all(&root, ".article-body ul > li")
        .iter()
        .map(|li| li.text_content().unwrap())
        .collect();
    assert_eq!(bullets, ["宪法单行本", "<b>民法典</b>问答"]);
    assert!(
        all(&root, ".article-body li b").is_empty(),
        "item text stays text"
    );
    assert_eq!(all(&root, ".article-body ol > li").len(), 2);
    let img = root.query_selector(".article-body img").unwrap().unwrap();
    assert_eq!(img.get_attribute("alt").as_deref(), Some("宣传现场的展板"));
    assert_eq!(
        img.get_attribute("src").as_deref(),
        Some("media/zhanban-0123456789.png")
    );
}

/// The next task of the event loop (a zero timeout: timers of the same
/// delay run in the order they were set).
async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Beside a pre-rendered page the app is drawn out of sight, and `Later`
/// draws its part a task after the page (the takeover waits until no part
/// is pending); anywhere else the part is there at once.
#[wasm_bindgen_test]
async fn later_parts_come_a_task_after_the_page_only_out_of_sight() {
    use pufa_portal::boot::{Later, Pending};
    let root =
        mount(|| view! { <p class="page">"正文"</p><Later><p class="tools">"工具"</p></Later> });
    assert_eq!(all(&root, ".tools").len(), 1, "not out of sight: at once");

    // What boot::start makes of a pre-rendered page: the page, and the
    // hidden holder the app is drawn in.
    let document = web_sys::window().unwrap().document().unwrap();
    let page = document.create_element("div").unwrap();
    page.set_id("boot");
    page.set_attribute("data-prerendered", "").unwrap();
    let holder: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    holder.set_id("app");
    holder.set_hidden(true);
    let body = document.body().unwrap();
    body.append_child(&page).unwrap();
    body.append_child(&holder).unwrap();

    let pending = RwSignal::new(0u32);
    let root = mount(move || {
        provide_context(Pending(pending));
        view! { <p class="page">"正文"</p><Later><p class="later">"工具"</p></Later> }
    });
    assert_eq!(all(&root, ".page").len(), 1);
    assert_eq!(all(&root, ".later").len(), 0, "drawn a task later");
    assert_eq!(pending.get_untracked(), 1, "the takeover waits for it");
    next_task().await;
    assert_eq!(all(&root, ".later").len(), 1);
    assert_eq!(pending.get_untracked(), 0);
    page.remove();
    holder.remove();
}

#[wasm_bindgen_test]
fn an_error_view_marks_data_out_of_reach_apart_from_wrong_data() {
    use pufa_portal::api::AppError;
    use pufa_portal::components::error_view::ErrorView;
    let shown = |error: AppError| {
        let root = mount(move || view! { <ErrorView error=error on_retry=|| ()/> });
        let view = root
            .query_selector(".error-view")
            .unwrap()
            .expect("an error view");
        (text(&root, "h1"), view.has_attribute("data-unreachable"))
    };
    // Out of reach: a pre-rendered page the reader has is kept instead.
    let offline = AppError::NotCached {
        file: "v/1/home.json".into(),
    };
    assert_eq!(shown(offline), ("离线时无法打开此页".to_string(), true));
    let failed = AppError::Network {
        file: "v/1/home.json".into(),
        detail: "reset".into(),
    };
    assert_eq!(shown(failed), ("网络连接失败".to_string(), true));
    // Wrong or missing on the server: said, for the operator to see.
    let missing = AppError::Status {
        file: "v/1/home.json".into(),
        status: 404,
    };
    assert_eq!(shown(missing), ("暂时无法获取数据".to_string(), false));
}
