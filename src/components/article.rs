//! The article itself: title, publish time, source, view count, body as
//! headings and paragraphs, and 上一篇/下一篇.
//!
//! Every string comes from the data file and is rendered as text, never as
//! HTML.

use leptos::prelude::*;
use pufa_core::compiled::NeighbourRef;
use pufa_core::date::{format_iso, format_minute};
use pufa_core::{Block, Bulletin};

use crate::paths;

/// A neighbouring article in the same channel.
#[derive(Clone, Debug, PartialEq)]
pub struct Neighbour {
    pub id: String,
    pub title: String,
}

impl From<NeighbourRef> for Neighbour {
    fn from(n: NeighbourRef) -> Self {
        Neighbour {
            id: n.id,
            title: n.title,
        }
    }
}

/// The 示例 tag every sample bulletin carries, so nobody mistakes it for an
/// official notice.
#[component]
pub fn SampleTag() -> impl IntoView {
    view! { <span class="sample-tag" title="示例内容，并非官方发布">"示例"</span> }
}

#[component]
pub fn ArticleView(
    bulletin: Bulletin,
    prev: Option<Neighbour>,
    next: Option<Neighbour>,
    /// The live total from the counter service, once it has answered.
    #[prop(optional, into)]
    live_views: Option<Signal<Option<u64>>>,
    /// Tools shown under the publish line (print, share).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let data_views = bulletin.views;
    let views = move || match live_views.and_then(|s| s.get()).or(data_views) {
        Some(n) => n.to_string(),
        None => "未知".to_string(),
    };
    let source = bulletin
        .source
        .clone()
        .unwrap_or_else(|| "未注明".to_string());
    let body = bulletin
        .body
        .iter()
        .map(|block| match block {
            Block::Heading(t) => view! { <h2>{t.clone()}</h2> }.into_any(),
            Block::Paragraph(t) => view! { <p>{t.clone()}</p> }.into_any(),
            Block::List { ordered, items } => {
                let items = items
                    .iter()
                    .map(|i| view! { <li>{i.clone()}</li> })
                    .collect_view();
                if *ordered {
                    view! { <ol>{items}</ol> }.into_any()
                } else {
                    view! { <ul>{items}</ul> }.into_any()
                }
            }
            // `src` passed check_media_src when decoded: `media/…` of this
            // deployment, relative to <base href> like the data.
            Block::Image { src, alt } => view! {
                <figure class="article-image">
                    <img src=src.clone() alt=alt.clone() loading="lazy"/>
                </figure>
            }
            .into_any(),
        })
        .collect_view();
    let sample = bulletin.sample;
    view! {
        <article class="article">
            <h1 class="article-title">{bulletin.title.clone()}</h1>
            {sample.then(|| view! {
                <p class="sample-note"><SampleTag/>" 本文为项目示例内容，并非官方发布。"</p>
            })}
            <p class="article-meta">
                <span class="published">
                    "发布时间："
                    <time datetime=format_iso(&bulletin.published)>{format_minute(&bulletin.published)}</time>
                </span>
                <span class="source">"来源：" {source}</span>
                <span class="views">"浏览次数：" {views}</span>
            </p>
            {children.map(|c| c())}
            <div class="article-body">{body}</div>
            <nav class="prev-next" aria-label="上一篇和下一篇">
                <p class="prev">"上一篇：" <NeighbourLink item=prev/></p>
                <p class="next">"下一篇：" <NeighbourLink item=next/></p>
            </nav>
        </article>
    }
}

#[component]
fn NeighbourLink(item: Option<Neighbour>) -> impl IntoView {
    match item {
        Some(n) => view! { <a href=paths::article(&n.id)>{n.title}</a> }.into_any(),
        None => view! { <span class="none">"没有了"</span> }.into_any(),
    }
}
