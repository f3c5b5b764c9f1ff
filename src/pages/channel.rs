//! A channel's list: `/channel/{id}` is page 1, `/channel/{id}/{n}` page n,
//! each from its own `list/{id}/{n}.json`. Bulletins of sub-channels are
//! included; an unknown channel or a page past the end is "not found", not
//! silently another page.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pufa_core::compiled::{list_file, ListFile};
use pufa_core::trail::channel_trail;
use pufa_core::Pager;

use super::{page_title, show_page, NotFound};
use crate::api;
use crate::components::breadcrumb::Breadcrumb;
use crate::components::bulletin_list::{BulletinList, ListItem};
use crate::components::meta::{site_root, GovTags, JsonLd, PageMeta, PageTitle};
use crate::components::pager::PagerNav;
use crate::paths;
use crate::state::{load_page, SharedEdition};

#[component]
pub fn ChannelPage() -> impl IntoView {
    let params = use_params_map();
    let source = move || {
        let (id, page) = params.with(|p| (p.get("id").unwrap_or_default(), p.get("page")));
        let page = match page.as_deref().map(str::parse::<usize>) {
            None => Some(1),
            Some(Ok(n)) if n >= 1 => Some(n),
            Some(_) => None,
        };
        load_page(move |edition| async move {
            match page {
                Some(n) if edition.catalog.channel(&id).is_some() => {
                    api::page::<ListFile>(&edition, &list_file(&id, n)).await
                }
                _ => Ok(None),
            }
        })
    };
    show_page(
        source,
        |edition, list| view! { <ChannelList edition=edition list=list/> },
    )
}

#[component]
pub fn ChannelList(edition: SharedEdition, list: ListFile) -> impl IntoView {
    let catalog = &edition.catalog;
    let (Some(channel), Some(pager)) = (
        catalog.channel(&list.channel),
        Pager::new(list.total, catalog.site.per_page, list.page),
    ) else {
        return view! { <NotFound edition=edition.clone()/> }.into_any();
    };
    let id = list.channel.clone();
    let items: Vec<ListItem> = list
        .items
        .iter()
        .map(|e| ListItem::new(e, catalog.channel_name(&e.channel)))
        .collect();
    let sub_channels = catalog.children(&id);
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
    let site_name = catalog.site.name.clone();
    let root = site_root();
    let url = root.channel_page(&id, pager.page);
    let description = pufa_core::meta::column_description(catalog, &id);
    let channel_id = id.clone();
    view! {
        <PageTitle text=page_title(&title, &site_name)/>
        <PageMeta
            title=page_title(&title, &site_name)
            description=description
            url=url
            site_name=site_name.clone()
        />
        <GovTags tags=pufa_core::meta::column_tags(catalog, &id)/>
        <JsonLd json=pufa_core::meta::script_json(&pufa_core::meta::channel_json_ld(catalog, &id, pager.page, &root))/>
        <div class="wrap">
            <Breadcrumb crumbs=channel_trail(catalog, &id)/>
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
