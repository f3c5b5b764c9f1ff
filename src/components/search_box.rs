//! The search box in the header of every page.
//!
//! Typing shows results at once: each keystroke updates the URL of the
//! search page (the first one adds a history entry, later ones replace it,
//! so Back leaves the search in one step). `/` anywhere focuses the box.
//!
//! While typing, the archive's frequent terms that complete the last word
//! (or that its pinyin stands for, `pf` → 普法) are offered in a list
//! under the box (issue #14): a combobox with a listbox, ↓/↑ to move,
//! Enter to choose, Escape to close; the suggestion files are fetched only
//! when the reader types. Suggestions, like search, are answered by the
//! search worker (`crate::search_worker`).

use leptos::ev;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use pufa_core::search::wire::{Answer, What};
use pufa_core::search::SearchParams;

use crate::paths;
use crate::search_worker;
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
        let next = SearchParams {
            q,
            page: 1,
            exact: false,
            ..base
        };
        navigate(&paths::search(&next.to_query()), search_nav(replace));
    };
    // Suggestions for what is in the box; an answer for older text is
    // dropped.
    let suggestions = RwSignal::new(Vec::<String>::new());
    let active = RwSignal::new(None::<usize>);
    let edition = use_edition();
    let suggest_for = move |value: String| {
        active.set(None);
        let Some(edition) = edition.get_untracked() else {
            return;
        };
        if value.trim().is_empty() {
            suggestions.set(Vec::new());
            return;
        }
        leptos::task::spawn_local(async move {
            let what = What::Suggest {
                text: value.clone(),
            };
            let list = match search_worker::ask(&edition.version.version, what).await {
                Ok(Answer::Suggest { terms }) => terms,
                _ => Vec::new(),
            };
            if text.get_untracked() == value {
                suggestions.set(list);
            }
        });
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
                suggest_for(value.clone());
                search_for(value, on_search_page.get_untracked());
            }
        }
    };
    let on_composed = {
        let search_for = search_for.clone();
        move |ev: ev::CompositionEvent| {
            let value = event_target_value(&ev);
            text.set(value.clone());
            suggest_for(value.clone());
            search_for(value, on_search_page.get_untracked());
        }
    };
    // A suggestion replaces the last word and is searched at once.
    let choose = {
        let search_for = search_for.clone();
        move |i: usize| {
            let Some(word) = suggestions.with_untracked(|s| s.get(i).cloned()) else {
                return;
            };
            let typed = text.get_untracked();
            let kept = typed.trim_end();
            let cut = kept
                .char_indices()
                .filter(|(_, c)| c.is_whitespace())
                .map(|(at, c)| at + c.len_utf8())
                .next_back()
                .unwrap_or(0);
            let next = format!("{}{word}", &kept[..cut]);
            text.set(next.clone());
            suggestions.set(Vec::new());
            active.set(None);
            search_for(next, on_search_page.get_untracked());
        }
    };
    let open = move || suggestions.with(|s| !s.is_empty());
    let input: NodeRef<Input> = NodeRef::new();
    // The words in the box itself: on a pre-rendered page they may have been
    // typed before the app took over (`crate::boot`), with no input event.
    let on_submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let q = input
            .get_untracked()
            .map(|el| el.value())
            .unwrap_or_else(|| text.get_untracked());
        search_for(q, on_search_page.get_untracked());
    };

    // (Not when pre-rendering: there is no window to listen to.)
    let listen = crate::dom::window().is_some();
    let handle = listen.then(|| {
        window_event_listener(ev::keydown, move |ev| {
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
        })
    });
    on_cleanup(move || {
        if let Some(handle) = handle {
            handle.remove();
        }
    });

    let on_keydown = {
        let choose = choose.clone();
        move |ev: ev::KeyboardEvent| {
            let count = suggestions.with_untracked(Vec::len);
            match ev.key().as_str() {
                "ArrowDown" | "ArrowUp" if count > 0 => {
                    ev.prevent_default();
                    let down = ev.key() == "ArrowDown";
                    active.update(|a| {
                        *a = Some(match (*a, down) {
                            (None, true) => 0,
                            (None, false) => count - 1,
                            (Some(i), true) => (i + 1) % count,
                            (Some(i), false) => (i + count - 1) % count,
                        })
                    });
                }
                "Enter" => {
                    if let Some(i) = active.get_untracked().filter(|&i| i < count) {
                        ev.prevent_default();
                        choose(i);
                    }
                }
                // Escape closes the suggestions, then leaves the box, back
                // to reading the page.
                "Escape" if count > 0 => {
                    suggestions.set(Vec::new());
                    active.set(None);
                }
                "Escape" => {
                    if let Some(el) = input.get_untracked() {
                        let _ = el.blur();
                    }
                }
                _ => {}
            }
        }
    };
    let options = move || {
        let choose = choose.clone();
        suggestions
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, word)| {
                let choose = choose.clone();
                let selected = move || active.get() == Some(i);
                view! {
                    <li
                        id=format!("search-suggestion-{i}")
                        class="search-suggestion"
                        role="option"
                        aria-selected=move || selected().to_string()
                        // Keep the focus in the box while choosing with the mouse.
                        on:mousedown=|ev: ev::MouseEvent| ev.prevent_default()
                        on:click=move |_| choose(i)
                    >
                        {word}
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <form class="site-search" role="search" action=paths::search("") on:submit=on_submit>
            <label class="visually-hidden" for="site-search-input">"搜索文章"</label>
            <div class="search-combo">
                <input
                    id="site-search-input"
                    node_ref=input
                    type="search"
                    name="q"
                    role="combobox"
                    aria-autocomplete="list"
                    aria-controls="search-suggestions"
                    aria-expanded=move || open().to_string()
                    aria-activedescendant=move || active.get().map(|i| format!("search-suggestion-{i}"))
                    autocomplete="off"
                    placeholder="搜索文章（按 / 键）"
                    maxlength="200"
                    prop:value=move || text.get()
                    on:input=on_input
                    on:compositionend=on_composed
                    on:keydown=on_keydown
                    // The search engine starts loading as the reader comes
                    // to the box, so the first words do not wait for it.
                    on:focus=move |_| search_worker::warm()
                    on:blur=move |_| {
                        suggestions.set(Vec::new());
                        active.set(None);
                    }
                />
                <ul
                    id="search-suggestions"
                    class="search-suggestions"
                    role="listbox"
                    aria-label="搜索建议"
                    hidden=move || !open()
                >
                    {options}
                </ul>
            </div>
            <button type="submit">"搜索"</button>
        </form>
    }
}
