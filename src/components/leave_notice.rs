//! 您即将离开本网站 (issue #14): a link to another site first shows a notice
//! naming the address, with 继续访问 and 留在本站, as government sites are
//! expected to.
//!
//! One listener on the document, in the capture phase, sees every
//! activation of a link (mouse, Enter, a middle click) before the router or
//! the browser acts on it. A link whose resolved origin is not this page's
//! and whose scheme is http(s) is held back and the notice opens: a native
//! `<dialog>` shown with `showModal()`, so the rest of the page is inert and
//! Escape closes it. Focus starts on 留在本站 (the safe choice), Tab moves
//! between the two buttons only, and closing returns focus to the link.
//! 继续访问 goes where the link pointed, in a new tab when the link or the
//! click asked for one (`target="_blank"`, Ctrl/⌘/Shift or a middle click).
//!
//! `leave_notice = false` in `site.toml` turns it off: links then behave as
//! plain links.

use leptos::ev;
use leptos::html::{Button, Dialog};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlAnchorElement, MouseEvent};

use crate::state::use_edition;

/// Where a held-back link was going.
#[derive(Clone, Debug, PartialEq)]
struct Leaving {
    url: String,
    new_tab: bool,
}

/// The link an event activated, and its address, when it leaves this site.
fn leaving_link(ev: &MouseEvent) -> Option<(HtmlAnchorElement, String)> {
    let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
    let link: HtmlAnchorElement = target.closest("a[href]").ok()??.dyn_into().ok()?;
    if !matches!(link.protocol().as_str(), "http:" | "https:") {
        return None; // mailto:, tel: and the like leave no site
    }
    let here = crate::dom::window()?.location().origin().ok()?;
    if link.origin() == here {
        return None;
    }
    let url = link.href();
    Some((link, url))
}

#[component]
pub fn LeaveNotice() -> impl IntoView {
    let edition = use_edition();
    let leaving = RwSignal::new(None::<Leaving>);
    let link = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let dialog: NodeRef<Dialog> = NodeRef::new();
    let stay: NodeRef<Button> = NodeRef::new();
    let go: NodeRef<Button> = NodeRef::new();

    // Until the site settings are loaded (no frame, so hardly any link yet)
    // the notice is on, its default.
    let enabled = move || {
        edition
            .try_get_untracked()
            .flatten()
            .is_none_or(|e| e.catalog.site.leave_notice)
    };
    let site_name = move || {
        edition
            .get()
            .map_or_else(|| "本网站".to_string(), |e| e.catalog.site.name.clone())
    };

    // The frame is mounted once for the page's life, so the listener is
    // too; it only uses try_ reads, which are quiet if the frame is gone.
    let on_activate = move |ev: MouseEvent| {
        let middle = ev.type_() == "auxclick";
        if (middle && ev.button() != 1) || ev.default_prevented() || !enabled() {
            return;
        }
        let Some((a, url)) = leaving_link(&ev) else {
            return;
        };
        ev.prevent_default();
        let new_tab =
            middle || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || a.target() == "_blank";
        link.try_set_value(Some(a.unchecked_into()));
        leaving.try_set(Some(Leaving { url, new_tab }));
        if let Some(d) = dialog.try_get_untracked().flatten() {
            if !d.open() {
                let _ = d.show_modal();
            }
        }
        if let Some(b) = stay.try_get_untracked().flatten() {
            let _ = b.focus();
        }
    };
    // (None when pre-rendering: there are no clicks to catch.)
    if let Some(doc) = crate::dom::window().and_then(|w| w.document()) {
        let on_activate = Closure::<dyn FnMut(MouseEvent)>::new(on_activate);
        for kind in ["click", "auxclick"] {
            let _ = doc.add_event_listener_with_callback_and_bool(
                kind,
                on_activate.as_ref().unchecked_ref(),
                true,
            );
        }
        on_activate.forget();
    }

    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    // Every way of closing (留在本站, Escape, 继续访问 in a new tab) ends
    // here: focus goes back to the link.
    let on_close = move |_: ev::Event| {
        leaving.set(None);
        if let Some(a) = link.get_value() {
            let _ = a.focus();
        }
        link.set_value(None);
    };
    let proceed = move |_: ev::MouseEvent| {
        let Some(to) = leaving.get_untracked() else {
            return;
        };
        let Some(window) = crate::dom::window() else {
            return;
        };
        if to.new_tab {
            let _ = window.open_with_url_and_target_and_features(
                &to.url,
                "_blank",
                "noopener,noreferrer",
            );
            close();
        } else {
            link.set_value(None);
            close();
            let _ = window.location().assign(&to.url);
        }
    };
    // Two buttons: Tab and Shift+Tab move from one to the other and never
    // out of the notice (a modal dialog alone would let focus reach the
    // browser's own controls).
    let on_keydown = move |ev: ev::KeyboardEvent| {
        if ev.key() != "Tab" {
            return;
        }
        ev.prevent_default();
        let active = crate::dom::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element());
        let (stay, go) = (stay.get_untracked(), go.get_untracked());
        let on_stay = matches!((&active, &stay), (Some(a), Some(s)) if a == s.unchecked_ref::<web_sys::Element>());
        let next = if on_stay { go } else { stay };
        if let Some(b) = next {
            let _ = b.focus();
        }
    };

    view! {
        <dialog
            class="leave-notice"
            node_ref=dialog
            aria-labelledby="leave-notice-title"
            aria-describedby="leave-notice-text"
            // For public/prefs.js: whether a pre-rendered page hands the app
            // a click on a link that leaves the site.
            data-off=move || (!enabled()).then_some("")
            on:close=on_close
            on:keydown=on_keydown
        >
            <h2 id="leave-notice-title">"您即将离开本网站"</h2>
            <div id="leave-notice-text">
                <p>"您访问的链接即将离开“" {site_name} "”，前往："</p>
                <p class="leave-url">{move || leaving.get().map(|l| l.url).unwrap_or_default()}</p>
                <p>"该网站的内容由其主办单位负责。"</p>
            </div>
            <div class="leave-actions">
                <button type="button" class="leave-go" node_ref=go on:click=proceed>"继续访问"</button>
                <button type="button" class="leave-stay" node_ref=stay on:click=move |_| close()>"留在本站"</button>
            </div>
        </dialog>
    }
}
