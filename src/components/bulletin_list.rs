//! A list of bulletins: title, channel, date, and optionally a summary.

use leptos::prelude::*;
use pufa_core::compiled::Entry;
use pufa_core::date::{format_day, format_iso};

use crate::components::article::SampleTag;
use crate::paths;

/// One row of a list, as plain values.
#[derive(Clone, Debug, PartialEq)]
pub struct ListItem {
    pub id: String,
    pub title: String,
    pub channel_id: String,
    pub channel_name: String,
    pub date: String,
    pub iso: String,
    pub sample: bool,
    pub summary: Option<String>,
}

impl ListItem {
    /// A row from a compiled list entry (with its summary when the list
    /// file has one).
    pub fn new(e: &Entry, channel_name: &str) -> Self {
        ListItem {
            id: e.id.clone(),
            title: e.title.clone(),
            channel_id: e.channel.clone(),
            channel_name: channel_name.to_string(),
            date: format_day(&e.published),
            iso: format_iso(&e.published),
            sample: e.sample,
            summary: e.summary.clone(),
        }
    }
}

#[component]
pub fn BulletinList(items: Vec<ListItem>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="empty">"暂无内容。"</p> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|item| {
            view! {
                <li>
                    <a class="item-title" href=paths::article(&item.id)>{item.title}</a>
                    {item.sample.then(|| view! { <SampleTag/> })}
                    <span class="item-meta">
                        <a class="item-channel" href=paths::channel(&item.channel_id, 1)>{item.channel_name}</a>
                        <time datetime=item.iso>{item.date}</time>
                    </span>
                    {item.summary.map(|s| view! { <p class="item-summary">{s}</p> })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="bulletin-list">{rows}</ul> }.into_any()
}
