//! Home: the newest bulletins, then a section per top-level channel.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::app::use_store;
use crate::components::bulletin_list::{BulletinList, ListItem};
use crate::components::meta::{site_root, PageMeta};
use crate::paths;

const NEWEST: usize = 10;
const PER_SECTION: usize = 6;

#[component]
pub fn HomePage() -> impl IntoView {
    let store = use_store();
    let newest: Vec<ListItem> = store
        .bulletins()
        .iter()
        .take(NEWEST)
        .map(|b| ListItem::new(b, store.channel_name(&b.channel), false))
        .collect();
    let sections = store
        .top_channels()
        .map(|c| {
            let items: Vec<ListItem> = store
                .in_channel(&c.id)
                .into_iter()
                .take(PER_SECTION)
                .map(|b| ListItem::new(b, store.channel_name(&b.channel), false))
                .collect();
            let heading_id = format!("section-{}", c.id);
            let labelled_by = heading_id.clone();
            view! {
                <section class="home-section" aria-labelledby=labelled_by>
                    <h2 id=heading_id>
                        <a href=paths::channel(&c.id, 1)>{c.name.clone()}</a>
                    </h2>
                    <BulletinList items=items/>
                    <a class="more" href=paths::channel(&c.id, 1)>
                        {format!("更多{}", c.name)}
                    </a>
                </section>
            }
        })
        .collect_view();
    view! {
        <Title text=store.site.name.clone()/>
        <PageMeta
            title=store.site.name.clone()
            description=store.site.description.clone()
            url=site_root().home()
            site_name=store.site.name.clone()
        />
        <div class="wrap home">
            <h1 class="visually-hidden">{store.site.name.clone()}</h1>
            <section class="home-section newest" aria-labelledby="section-newest">
                <h2 id="section-newest">"最新动态"</h2>
                <BulletinList items=newest/>
            </section>
            <div class="home-channels">{sections}</div>
        </div>
    }
}
