//! 您当前所在的位置：主页 > 普法动态 > 新洲区
//!
//! A `nav` with an ordered list; every crumb but the last is a link, the last
//! carries `aria-current="page"`. The `>` separators are hidden from screen
//! readers, which announce the list structure instead.

use leptos::prelude::*;
use pufa_core::Crumb;

use crate::paths;

#[component]
pub fn Breadcrumb(crumbs: Vec<Crumb>) -> impl IntoView {
    let items = crumbs
        .into_iter()
        .enumerate()
        .map(|(i, crumb)| {
            let sep = (i > 0).then(|| view! { <span class="sep" aria-hidden="true">" > "</span> });
            let label = crumb.label;
            match crumb.target {
                Some(target) => view! {
                    <li>{sep}<a href=paths::target(&target)>{label}</a></li>
                }
                .into_any(),
                None => view! {
                    <li>{sep}<span aria-current="page">{label}</span></li>
                }
                .into_any(),
            }
        })
        .collect_view();
    view! {
        <nav class="breadcrumb" aria-label="当前位置">
            <span class="breadcrumb-label">"您当前所在的位置："</span>
            <ol>{items}</ol>
        </nav>
    }
}
