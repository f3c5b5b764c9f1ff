//! A channel's list: `/channel/{id}` is page 1, `/channel/{id}/{n}` page n.
//! Bulletins of sub-channels are included; an unknown channel or a page past
//! the end is "not found", not silently another page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use pufa_core::trail::channel_trail;
use pufa_core::Pager;

use super::{page_title, NotFound};
use crate::app::use_store;
use crate::components::breadcrumb::Breadcrumb;
use crate::components::bulletin_list::{BulletinList, ListItem};
use crate::components::meta::{site_root, PageMeta};
use crate::components::pager::PagerNav;
use crate::paths;

pub const PER_PAGE: usize = 10;

#[component]
pub fn ChannelPage() -> impl IntoView {
    let params = use_params_map();
    let store = use_store();
    move || {
        let (id, page) = params.with(|p| (p.get("id").unwrap_or_default(), p.get("page")));
        let page = match page.as_deref().map(str::parse::<usize>) {
            None => Some(1),
            Some(Ok(n)) => Some(n),
            Some(Err(_)) => None,
        };
        let Some(channel) = store.channel(&id) else {
            return view! { <NotFound/> }.into_any();
        };
        let all = store.in_channel(&id);
        let Some(pager) = page.and_then(|p| Pager::new(all.len(), PER_PAGE, p)) else {
            return view! { <NotFound/> }.into_any();
        };
        let items: Vec<ListItem> = all[pager.start..pager.end]
            .iter()
            .map(|b| ListItem::new(b, store.channel_name(&b.channel), true))
            .collect();
        let sub_channels = store.children(&id);
        let has_children = !sub_channels.is_empty();
        let children = sub_channels
            .into_iter()
            .map(|c| view! { <li><a href=paths::channel(&c.id, 1)>{c.name.clone()}</a></li> })
            .collect_view();
        let title = if pager.page > 1 {
            format!("{}（第{}页）", channel.name, pager.page)
        } else {
            channel.name.clone()
        };
        let channel_id = id.clone();
        let url = site_root().channel_page(&id, pager.page);
        let description = format!("{}「{}」栏目文章列表。", store.site.name, channel.name);
        view! {
            <Title text=page_title(&title, &store.site.name)/>
            <PageMeta
                title=page_title(&title, &store.site.name)
                description=description
                url=url
                site_name=store.site.name.clone()
            />
            <div class="wrap">
                <Breadcrumb crumbs=channel_trail(&store, &id)/>
                <h1 class="channel-title">{channel.name.clone()}</h1>
                {has_children.then(|| view! {
                    <nav class="sub-channels" aria-label="下级栏目"><ul>{children}</ul></nav>
                })}
                <BulletinList items=items/>
                <PagerNav pager=pager href=move |n| paths::channel(&channel_id, n)/>
            </div>
        }
        .into_any()
    }
}
