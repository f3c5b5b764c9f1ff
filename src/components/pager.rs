//! 共N页 首页 上一页 1 2 … 下一页 末页, each page a link of its own.

use leptos::prelude::*;
use pufa_core::{PageItem, Pager};

/// `href` makes the URL of a page number.
#[component]
pub fn PagerNav(pager: Pager, href: impl Fn(usize) -> String + 'static) -> impl IntoView {
    let link = |label: &'static str, page: Option<usize>, class: &'static str| match page {
        Some(p) => view! { <a class=class href=href(p)>{label}</a> }.into_any(),
        None => {
            view! { <span class=format!("{class} disabled") aria-disabled="true">{label}</span> }
                .into_any()
        }
    };
    let first = link("首页", (pager.page > 1).then_some(1), "first");
    let prev = link("上一页", pager.prev(), "prev");
    let next = link("下一页", pager.next(), "next");
    let last = link(
        "末页",
        (pager.page < pager.total_pages).then_some(pager.total_pages),
        "last",
    );
    let numbers = pager
        .items()
        .into_iter()
        .map(|item| match item {
            PageItem::Number(n) if n == pager.page => {
                view! { <span class="page current" aria-current="page">{n}</span> }.into_any()
            }
            PageItem::Number(n) => {
                view! { <a class="page" href=href(n) aria-label=format!("第{n}页")>{n}</a> }
                    .into_any()
            }
            PageItem::Gap => view! { <span class="gap" aria-hidden="true">"…"</span> }.into_any(),
        })
        .collect_view();
    view! {
        <nav class="pager" aria-label="分页">
            <span class="pager-total">
                {format!("共{}页 {}条", pager.total_pages, pager.total_items)}
            </span>
            {first}
            {prev}
            {numbers}
            {next}
            {last}
        </nav>
    }
}
