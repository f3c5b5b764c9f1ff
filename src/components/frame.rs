//! The frame around every page: date bar, site header with the channel
//! navigation, and the footer with 友情链接 and the identity block
//! (主办/承办, 联系方式, 网站标识码, 备案 numbers, 党政机关网站标识) that
//! Chinese government sites carry on every page.

use chrono::Utc;
use leptos::prelude::*;
use pufa_core::date::today_label;
use pufa_core::decode::police_record_code;
use pufa_core::model::{Identity, ICP_URL, POLICE_RECORD_URL};
use pufa_core::url::is_external;

use crate::components::meta::SiteMeta;
use crate::components::reading::ReadingControls;
use crate::components::search_box::SearchBox;
use crate::paths;
use crate::state::SharedEdition;

/// 今天是：2026年11月29日 星期日, in Asia/Shanghai whatever the reader's zone.
/// Checked every minute, so a page left open overnight turns the day too.
#[component]
pub fn DateBar() -> impl IntoView {
    // A pre-rendered page leaves the date out: it would be the day of the
    // build, not the reader's. The app fills it in when it takes over.
    let browser = crate::dom::window().is_some();
    let today = RwSignal::new(if browser {
        today_label(Utc::now())
    } else {
        String::new()
    });
    if !browser {
        // No clock to start.
    } else if let Ok(handle) = set_interval_with_handle(
        move || {
            let now = today_label(Utc::now());
            if today.get_untracked() != now {
                today.set(now);
            }
        },
        std::time::Duration::from_secs(60),
    ) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <div class="date-bar">
            <div class="wrap">
                <p class="today">"今天是：" {move || today.get()}</p>
                <ReadingControls/>
            </div>
        </div>
    }
}

#[component]
pub fn SiteHeader(edition: SharedEdition) -> impl IntoView {
    let store = &edition.catalog;
    let nav = store
        .top_channels()
        .map(|c| {
            view! { <li><a href=paths::channel(&c.id, 1)>{c.name.clone()}</a></li> }
        })
        .collect_view();
    view! {
        <header class="site-header">
            <div class="wrap">
                <div class="site-title">
                    <a class="site-name" href=paths::home()>{store.site.name.clone()}</a>
                    <p class="site-description">{store.site.description.clone()}</p>
                </div>
                <SearchBox/>
            </div>
            <nav class="channel-nav" aria-label="栏目导航">
                <ul class="wrap">
                    <li><a href=paths::home()>"首页"</a></li>
                    {nav}
                </ul>
            </nav>
        </header>
    }
}

#[component]
pub fn SiteFooter(edition: SharedEdition) -> impl IntoView {
    let store = &edition.catalog;
    let links = store
        .links
        .iter()
        .map(|l| {
            // Links were checked when the data was decoded; external ones
            // open in a new tab without giving it a handle on this page.
            let external = is_external(&l.url);
            view! {
                <li>
                    <a
                        href=paths::data_link(&l.url)
                        target=external.then_some("_blank")
                        rel=external.then_some("noopener noreferrer")
                    >
                        {l.name.clone()}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <SiteMeta site=store.site.clone()/>
        <footer class="site-footer">
            <div class="wrap">
                <nav class="friend-links" aria-label="友情链接">
                    <h2>"友情链接"</h2>
                    <ul>{links}</ul>
                </nav>
                <IdentityBlock identity=store.site.identity.clone()/>
                <p class="copyright">{store.site.name.clone()}</p>
            </div>
        </footer>
    }
}

/// A link from the settings (checked when decoded): external ones open in a
/// new tab without a handle on this page.
fn setting_link(url: &str, content: impl IntoView + 'static, class: &'static str) -> AnyView {
    let external = is_external(url);
    view! {
        <a
            class=class
            href=paths::data_link(url)
            target=external.then_some("_blank")
            rel=external.then_some("noopener noreferrer")
        >
            {content}
        </a>
    }
    .into_any()
}

/// One line of the identity block: only the items that are set, or nothing
/// at all (no empty line, no dangling separator: separators are borders of
/// the items themselves).
fn identity_line(class: &'static str, items: Vec<AnyView>) -> Option<AnyView> {
    (!items.is_empty()).then(|| {
        let items = items
            .into_iter()
            .map(|item| view! { <li>{item}</li> })
            .collect_view();
        view! { <ul class=format!("identity-line {class}")>{items}</ul> }.into_any()
    })
}

/// The identity block, in the order of Chinese government sites: 网站地图 ·
/// 我为政府网站找错 · 留言咨询; 主办单位 · 承办单位; 联系方式; 网站标识码 ·
/// ICP 备案 · 公安备案; the 党政机关网站标识 at the start. Every item comes
/// from the settings and is shown only when set; 网站地图 is the generated
/// `/sitemap` page and always there.
#[component]
pub fn IdentityBlock(identity: Identity) -> impl IntoView {
    let text = |label: &'static str, value: &Option<String>, class: &'static str| {
        value
            .clone()
            .map(|v| view! { <span class=class>{label}{v}</span> }.into_any())
    };
    let mut services = vec![view! {
        <a class="sitemap-link" href=paths::sitemap()>"网站地图"</a>
    }
    .into_any()];
    if let Some(url) = &identity.jiucuo_url {
        services.push(setting_link(url, "我为政府网站找错", "jiucuo-link"));
    }
    if let Some(contact) = &identity.contact {
        services.push(setting_link(
            &contact.url,
            contact.name.clone(),
            "contact-link",
        ));
    }
    let organisations: Vec<AnyView> = [
        text("主办单位：", &identity.sponsor, "sponsor"),
        text("承办单位：", &identity.organizer, "organizer"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let contact: Vec<AnyView> = [
        text("联系电话：", &identity.phone, "phone"),
        text("地址：", &identity.address, "address"),
        text("电子邮箱：", &identity.email, "email"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut codes: Vec<AnyView> = text("网站标识码：", &identity.site_code, "site-code")
        .into_iter()
        .collect();
    if let Some(icp) = &identity.icp {
        codes.push(setting_link(ICP_URL, icp.clone(), "icp-link"));
    }
    if let Some(police) = &identity.police {
        let url = format!("{POLICE_RECORD_URL}{}", police_record_code(police));
        // The emblem is decoration beside the number, which names the link.
        let emblem = identity.police_emblem.clone().map(|src| {
            view! { <img class="police-emblem" src=src alt="" width="20" height="20"/> }
        });
        codes.push(setting_link(
            &url,
            view! { {emblem}<span>{police.clone()}</span> },
            "police-link",
        ));
    }
    let badge = identity.dangzheng.clone().map(|b| {
        view! {
            <div class="dangzheng">
                {setting_link(
                    &b.url,
                    view! { <img src=b.image alt="党政机关网站标识"/> },
                    "dangzheng-link",
                )}
            </div>
        }
    });
    view! {
        <div class="identity">
            {badge}
            <div class="identity-text">
                <nav class="identity-services" aria-label="网站服务">
                    {identity_line("services", services)}
                </nav>
                {identity_line("organisations", organisations)}
                {identity_line("contact", contact)}
                {identity_line("codes", codes)}
            </div>
        </div>
    }
}
