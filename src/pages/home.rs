//! Home: the newest bulletins, then a section per top-level channel, from
//! the version's `home.json`.

use leptos::prelude::*;
use pufa_core::compiled::HomeFile;

use super::show_page;
use crate::api;
use crate::components::bulletin_list::{BulletinList, ListItem};
use crate::components::meta::{site_root, JsonLd, PageMeta, PageTitle};
use crate::paths;
use crate::state::{load_page, SharedEdition};

#[component]
pub fn HomePage() -> impl IntoView {
    show_page(
        || load_page(|edition| async move { api::home(&edition).await }),
        |edition, home| view! { <Home edition=edition home=home/> },
    )
}

#[component]
pub fn Home(edition: SharedEdition, home: HomeFile) -> impl IntoView {
    let catalog = &edition.catalog;
    let newest: Vec<ListItem> = home
        .newest
        .iter()
        .map(|e| ListItem::new(e, catalog.channel_name(&e.channel)))
        .collect();
    let sections = home
        .sections
        .iter()
        .filter_map(|s| {
            let c = catalog.channel(&s.channel)?;
            let items: Vec<ListItem> = s
                .items
                .iter()
                .map(|e| ListItem::new(e, catalog.channel_name(&e.channel)))
                .collect();
            let heading_id = format!("section-{}", c.id);
            let labelled_by = heading_id.clone();
            Some(view! {
                <section class="home-section" aria-labelledby=labelled_by>
                    <h2 id=heading_id>
                        <a href=paths::channel(&c.id, 1)>{c.name.clone()}</a>
                    </h2>
                    <BulletinList items=items/>
                    <a class="more" href=paths::channel(&c.id, 1)>
                        {format!("更多{}", c.name)}
                    </a>
                </section>
            })
        })
        .collect_view();
    let site = &catalog.site;
    let root = site_root();
    view! {
        <PageTitle text=site.name.clone()/>
        <PageMeta
            title=site.name.clone()
            description=site.description.clone()
            url=root.home()
            site_name=site.name.clone()
        />
        <JsonLd json=pufa_core::meta::script_json(&pufa_core::meta::home_json_ld(catalog, &root))/>
        <div class="wrap home">
            <h1 class="visually-hidden">{site.name.clone()}</h1>
            <section class="home-section newest" aria-labelledby="section-newest">
                <h2 id="section-newest">"最新动态"</h2>
                <BulletinList items=newest/>
            </section>
            <div class="home-channels">{sections}</div>
        </div>
    }
}
