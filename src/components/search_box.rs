//! The search box in the header of every page.
//!
//! Typing shows results at once. The first keystroke on another page opens
//! the search page (a history entry of its own, so Back leaves the search
//! in one step); on the search page the results follow the box at once and
//! the URL follows when typing pauses ([`Typing`]). `/` anywhere focuses
//! the box.
//!
//! While typing, the archive's frequent terms that complete the last word
//! (or that its pinyin stands for, `pf` → 普法) are offered in a list
//! under the box (issue #14): a combobox with a listbox, ↓/↑ to move,
//! Enter to choose, Escape to close; the suggestion files are fetched only
//! when the reader types. Suggestions, like search, are answered by the
//! search worker (`crate::search_worker`).

use std::time::Duration;

use leptos::ev;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use pufa_core::search::wire::{Answer, What};
use pufa_core::search::SearchParams;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::paths;
use crate::search_worker;
use crate::state::use_edition;

/// The search state in the current URL.
///
/// The router's own URL, which a navigation changes at once (a page's
/// `use_query_map` follows it a task later), so that every part of the
/// app, inside the page or not, sees the URL [`Typing`] writes at the same
/// moment. While the URL names another page, the last search state is
/// kept: the search page being left does not search again for nothing.
pub fn use_url_search_params() -> Memo<SearchParams> {
    let edition = use_edition();
    let location = use_location();
    Memo::new(move |last: Option<&SearchParams>| {
        let elsewhere = location.pathname.with(|p| *p != paths::search(""));
        if let (true, Some(last)) = (elsewhere, last) {
            return last.clone();
        }
        edition.with(|e| {
            location.query.with(|q| {
                SearchParams::from_pairs(q.into_iter().map(|(k, v)| (k.as_ref(), v)), |c| {
                    e.as_ref().is_some_and(|e| e.catalog.channel(c).is_some())
                })
            })
        })
    })
}

/// The search state the page shows: the URL's, with the words being typed
/// on the search page that the URL does not hold yet ([`Typing`]).
pub fn use_search_params() -> Memo<SearchParams> {
    let url = use_url_search_params();
    let typing = use_context::<Typing>();
    Memo::new(move |_| match typing.and_then(|t| t.words()) {
        Some(q) => url.with(|p| p.with_words(&q)),
        None => url.get(),
    })
}

/// How long typing pauses before the URL takes the words.
const PAUSE: Duration = Duration::from_millis(300);

/// Words typed on the search page that its URL does not hold yet.
///
/// Writing the URL on every keystroke (the router's navigation and the
/// browser's `history.replaceState`) took more of a keystroke's time than
/// the search itself (docs/search-benchmark.md). So on the search page the
/// results follow the box at once, and the URL (with the page title)
/// follows when typing pauses for [`PAUSE`], or at once when the reader
/// does anything else: presses Enter, clicks or taps anything (a result, a
/// page number, a link), changes a filter. The search's history entry
/// therefore holds the words the reader saw the results of. Any other
/// change of the URL (Back, Forward) leaves words not yet written behind.
#[derive(Clone, Copy)]
pub struct Typing {
    /// The URL's query string when the words were typed, and the words.
    pending: RwSignal<Option<(String, String)>>,
    url: Memo<SearchParams>,
    search: Memo<String>,
    path: Memo<String>,
}

impl Typing {
    /// Set up for the app (inside the router).
    pub fn provide() {
        let location = use_location();
        let typing = Typing {
            pending: RwSignal::new(None),
            url: use_url_search_params(),
            search: location.search,
            path: location.pathname,
        };
        provide_context(typing);
        // Capture: before the router follows a link, and before any
        // button's own handler.
        let Some(window) = crate::dom::window() else {
            return;
        };
        let navigate = use_navigate();
        let on_click = Closure::<dyn Fn()>::new(move || typing.flush(&navigate));
        let _ = window.add_event_listener_with_callback_and_bool(
            "click",
            on_click.as_ref().unchecked_ref(),
            true,
        );
        // The app's frame stays as long as the page: so does its listener.
        on_click.forget();
    }

    /// Whether words typed when the URL's query was `on` still apply: the
    /// URL has not changed since (Back or Forward drop them).
    fn holds(&self, on: &str) -> bool {
        self.path.with_untracked(|p| *p == paths::search(""))
            && self.search.with_untracked(|s| s == on)
    }

    /// The words typed and not yet in the URL (tracked).
    fn words(&self) -> Option<String> {
        self.search.track();
        self.path.track();
        self.pending.with(|p| {
            p.as_ref()
                .filter(|(on, _)| self.holds(on))
                .map(|(_, q)| q.clone())
        })
    }

    /// Show results for `q` now; write the URL when typing pauses.
    fn type_words(&self, q: String, navigate: impl Fn(&str, NavigateOptions) + 'static) {
        let on = self.search.get_untracked();
        self.pending.set(Some((on, q.clone())));
        let typing = *self;
        set_timeout(
            move || {
                // Each keystroke's timer: the words of a later one wait for
                // their own.
                let last = typing
                    .pending
                    .try_with_untracked(|p| p.as_ref().is_some_and(|(_, w)| *w == q));
                if last == Some(true) {
                    typing.flush(&navigate);
                }
            },
            PAUSE,
        );
    }

    /// Write the words typed into the URL now (replacing its entry).
    pub fn flush(&self, navigate: &impl Fn(&str, NavigateOptions)) {
        let Some((on, q)) = self.pending.get_untracked() else {
            return;
        };
        if self.holds(&on) {
            let next = self.url.with_untracked(|p| p.with_words(&q));
            navigate(&paths::search(&next.to_query()), search_nav(true));
        }
        self.pending.set(None);
    }

    /// Forget words not yet written (the URL is about to say otherwise).
    fn drop_words(&self) {
        if self.pending.with_untracked(Option::is_some) {
            self.pending.set(None);
        }
    }
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
    let typing = use_context::<Typing>();
    // `now`: write the URL at once (Enter, a suggestion chosen); otherwise
    // on the search page only when typing pauses.
    let search_for = move |q: String, now: bool| {
        let here = on_search_page.get_untracked();
        match typing {
            Some(typing) if here && !now => return typing.type_words(q, navigate.clone()),
            Some(typing) => typing.drop_words(),
            None => {}
        }
        let base = if here {
            params.get_untracked()
        } else {
            SearchParams::default()
        };
        let next = base.with_words(&q);
        navigate(&paths::search(&next.to_query()), search_nav(here));
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
            // The results are asked for first: the worker answers in turn.
            if !composing {
                search_for(value.clone(), false);
                suggest_for(value);
            }
        }
    };
    let on_composed = {
        let search_for = search_for.clone();
        move |ev: ev::CompositionEvent| {
            let value = event_target_value(&ev);
            text.set(value.clone());
            search_for(value.clone(), false);
            suggest_for(value);
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
            search_for(next, true);
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
        search_for(q, true);
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
