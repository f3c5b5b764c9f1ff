//! Per-route metadata (issue #5): description, canonical URL, OpenGraph,
//! the government article tags and JSON-LD. Values come from
//! `pufa_core::meta`; leptos_meta puts them in `<head>` and removes them when
//! the route changes.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Script, Title};
use pufa_core::meta::{site_tags, SiteRoot};
use pufa_core::Site;

use crate::paths;

/// `https://host` + deployment path, for absolute URLs: the page's own
/// origin in the browser. Pre-rendered pages take the site's public
/// address (`site.url`) instead, as their origin is only known once served;
/// without it their URLs stay site paths.
pub fn site_root() -> SiteRoot {
    let origin = crate::dom::window()
        .and_then(|w| w.location().origin().ok())
        .or_else(|| use_context::<PublicOrigin>().map(|o| o.0))
        .unwrap_or_default();
    SiteRoot(format!("{origin}{}", paths::base()))
}

/// The origin (`https://host`) pre-rendered pages use for absolute URLs.
#[derive(Clone, Debug)]
pub struct PublicOrigin(pub String);

/// The document title. When pre-rendering, leptos_meta writes the text
/// into `<title>` as it is given, so it is escaped first there (a title
/// holding `</title>` must stay text); the browser sets it as text anyway.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let text = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    view! { <Title text=text/> }
}

/// Metadata every page has. `url` is absolute.
#[component]
pub fn PageMeta(
    title: String,
    description: String,
    url: String,
    #[prop(default = "website")] kind: &'static str,
    #[prop(optional)] site_name: String,
) -> impl IntoView {
    view! {
        <Meta name="description" content=description.clone()/>
        <Link rel="canonical" href=url.clone()/>
        <Meta property="og:type" content=kind/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:url" content=url/>
        <Meta property="og:site_name" content=site_name/>
        <Meta property="og:locale" content="zh_CN"/>
        <Meta property="og:image" content=site_root().logo()/>
    }
}

/// Government meta tags (`<meta name=… content=…>`) as given.
#[component]
pub fn GovTags(tags: Vec<(&'static str, String)>) -> impl IntoView {
    tags.into_iter()
        .map(|(name, content)| view! { <Meta name=name content=content/> })
        .collect_view()
}

/// The tags of every page (`SiteName`, `SiteDomain`, `SiteIDCode`), from
/// the frame, so each is there once whatever the route.
#[component]
pub fn SiteMeta(site: Site) -> impl IntoView {
    view! { <GovTags tags=site_tags(&site)/> }
}

/// A page's schema.org description: a data block, never executed. `json`
/// comes from `pufa_core::meta::script_json`, safe inside `<script>`.
#[component]
pub fn JsonLd(json: String) -> impl IntoView {
    view! { <Script type_="application/ld+json">{json}</Script> }
}

/// The government article tags and the JSON-LD of an article page.
#[component]
pub fn ArticleMeta(tags: Vec<(&'static str, String)>, json_ld: String) -> impl IntoView {
    view! {
        <GovTags tags=tags/>
        <JsonLd json=json_ld/>
    }
}
