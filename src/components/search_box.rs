//! The search box in the header of every page.
//!
//! Typing shows results at once: each keystroke updates the URL of the
//! search page (the first one adds a history entry, later ones replace it,
//! so Back leaves the search in one step). `/` anywhere focuses the box.

use leptos::ev;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use pufa_core::search::SearchParams;

use crate::paths;
use crate::state::use_edition;

/// The search state in the current URL (defaults when not on /search).
pub fn use_search_params() -> Memo<SearchParams> {
    let edition = use_edition();
    let query = use_query_map();
    Memo::new(move |_| {
        edition.with(|e| {
            query.with(|q| {
                SearchParams::from_pairs(q.into_iter().map(|(k, v)| (k.as_ref(), v)), |c| {
                    e.as_ref().is_some_and(|e| e.catalog.channel(c).is_some())
                })
            })
        })
    })
}

/// Options for moving between search states: `replace` keeps history short
/// while typing; the page does not jump to the top.
pub fn search_nav(replace: bool) -> NavigateOptions {
    NavigateOptions {
        resolve: false,
        replace,
        scroll: false,
        ..Default::default()
    }
}

#[component]
pub fn SearchBox() -> impl IntoView {
    let location = use_location();
    let params = use_search_params();
    let on_search_page = Memo::new(move |_| location.pathname.get() == paths::search(""));
    let text = RwSignal::new(String::new());
    // Back/Forward or a shared link: the box shows the words of the URL.
    // The URL keeps the words trimmed, so a space just typed before the next
    // word is not a difference (replacing the text would swallow it).
    Effect::new(move |_| {
        if on_search_page.get() {
            let q = params.with(|p| p.q.clone());
            if text.get_untracked().trim() != q.trim() {
                text.set(q);
            }
        }
    });
    let navigate = use_navigate();
    let search_for = move |q: String, replace: bool| {
        let base = if on_search_page.get_untracked() {
            params.get_untracked()
        } else {
            SearchParams::default()
        };
        let next = SearchParams { q, page: 1, ..base };
        navigate(&paths::search(&next.to_query()), search_nav(replace));
    };
    let on_input = {
        let search_for = search_for.clone();
        move |ev: ev::Event| {
            let value = event_target_value(&ev);
            text.set(value.clone());
            // While a Chinese input method is still composing (the box shows
            // pinyin such as "pu"), wait for the characters it commits.
            let composing = js_sys::Reflect::get(&ev, &"isComposing".into())
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if !composing {
                search_for(value, on_search_page.get_untracked());
            }
        }
    };
    let on_composed = {
        let search_for = search_for.clone();
        move |ev: ev::CompositionEvent| {
            let value = event_target_value(&ev);
            text.set(value.clone());
            search_for(value, on_search_page.get_untracked());
        }
    };
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        search_for(text.get_untracked(), on_search_page.get_untracked());
    };

    let input: NodeRef<Input> = NodeRef::new();
    let handle = window_event_listener(ev::keydown, move |ev| {
        if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || el.has_attribute("contenteditable")
            });
        if typing {
            return;
        }
        if let Some(el) = input.get_untracked() {
            ev.prevent_default();
            let _ = el.focus();
            el.select();
        }
    });
    on_cleanup(move || handle.remove());

    view! {
        <form class="site-search" role="search" action=paths::search("") on:submit=on_submit>
            <label class="visually-hidden" for="site-search-input">"搜索文章"</label>
            <input
                id="site-search-input"
                node_ref=input
                type="search"
                name="q"
                autocomplete="off"
                placeholder="搜索文章（按 / 键）"
                maxlength="200"
                prop:value=move || text.get()
                on:input=on_input
                on:compositionend=on_composed
                on:keydown=move |ev: ev::KeyboardEvent| {
                    // Escape leaves the box, back to reading the page.
                    if ev.key() == "Escape" {
                        if let Some(el) = input.get_untracked() {
                            let _ = el.blur();
                        }
                    }
                }
            />
            <button type="submit">"搜索"</button>
        </form>
    }
}
