//! The article itself: title, publish time, source, view count, body as
//! headings and paragraphs, and 上一篇/下一篇; the piece 语音阅读 is reading
//! is highlighted.
//!
//! Every string comes from the data file and is rendered as text, never as
//! HTML.

use leptos::prelude::*;
use pufa_core::compiled::NeighbourRef;
use pufa_core::date::{format_iso, format_minute};
use pufa_core::{Block, Bulletin};

use crate::components::read_aloud::block_pieces;
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
    /// Where this view is recorded, when a counter service is configured:
    /// written on the page for `public/prefs.js`, which records the view
    /// of a pre-rendered page the app has not started on.
    #[prop(default = None)]
    count_url: Option<String>,
    /// The piece 语音阅读 is reading (`read_aloud::pieces` numbering),
    /// highlighted.
    #[prop(optional, into)]
    reading: Option<Signal<Option<usize>>>,
    /// Tools shown under the publish line (read aloud, print, share).
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
    // Each element that 语音阅读 reads carries its piece number (the title
    // is 0, see `read_aloud::pieces`); the one being read is highlighted.
    let current = move || reading.and_then(|r| r.get());
    let mark = move |piece: Option<usize>| {
        let on = move || piece.is_some() && current() == piece;
        (piece.map(|i| i.to_string()), on, move || {
            on().then_some("true")
        })
    };
    let mut next_piece = 1;
    let mut number = move |said: &Option<String>| {
        said.as_ref().map(|_| {
            next_piece += 1;
            next_piece - 1
        })
    };
    let body = bulletin
        .body
        .iter()
        .map(|block| {
            let said = block_pieces(block);
            let pieces: Vec<Option<usize>> = said.iter().map(&mut number).collect();
            let first = pieces.first().copied().flatten();
            match block {
                Block::Heading(t) => {
                    let (n, on, aria) = mark(first);
                    view! { <h2 data-piece=n class:reading=on aria-current=aria>{t.clone()}</h2> }
                        .into_any()
                }
                Block::Paragraph(t) => {
                    let (n, on, aria) = mark(first);
                    view! { <p data-piece=n class:reading=on aria-current=aria>{t.clone()}</p> }
                        .into_any()
                }
                Block::List { ordered, items } => {
                    let items = items
                        .iter()
                        .zip(pieces)
                        .map(|(i, piece)| {
                            let (n, on, aria) = mark(piece);
                            view! { <li data-piece=n class:reading=on aria-current=aria>{i.clone()}</li> }
                        })
                        .collect_view();
                    if *ordered {
                        view! { <ol>{items}</ol> }.into_any()
                    } else {
                        view! { <ul>{items}</ul> }.into_any()
                    }
                }
                // `src` passed check_media_src when decoded: `media/…` of this
                // deployment, relative to <base href> like the data.
                Block::Image { src, alt } => {
                    let (n, on, aria) = mark(first);
                    view! {
                        <figure class="article-image" class:reading=on data-piece=n aria-current=aria>
                            <img src=src.clone() alt=alt.clone() loading="lazy"/>
                        </figure>
                    }
                    .into_any()
                }
            }
        })
        .collect_view();
    let (title_piece, title_on, title_current) = mark(Some(0));
    let sample = bulletin.sample;
    view! {
        <article class="article">
            <h1 class="article-title" class:reading=title_on data-piece=title_piece aria-current=title_current>
                {bulletin.title.clone()}
            </h1>
            {sample.then(|| view! {
                <p class="sample-note"><SampleTag/>" 本文为项目示例内容，并非官方发布。"</p>
            })}
            <p class="article-meta">
                <span class="published">
                    "发布时间："
                    <time datetime=format_iso(&bulletin.published)>{format_minute(&bulletin.published)}</time>
                </span>
                <span class="source">"来源：" {source}</span>
                <span class="views" data-count=count_url>"浏览次数：" {views}</span>
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
