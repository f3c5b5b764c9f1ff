//! Starting the app, and taking over a pre-rendered page.
//!
//! `pufa render` writes every article, list page and home as HTML, inside
//! `<div id="boot" data-prerendered>`. The reader sees and can use that page
//! at once. The app starts only when the reader asks for something only it
//! does (`public/prefs.js`: the search box, 朗读, a link leaving the site,
//! 长辈模式, going offline; a press that asked for it is pressed again here
//! as the app takes over). Then the app is drawn into a hidden container, in short
//! tasks: the frame, the page, the top bar and the leave notice each in a
//! task of its own (`App`), and parts of a page wrapped in [`Later`] a task
//! after the page. When its first page and all those parts are there
//! (`<main>` no longer busy, nothing pending), [`take_over`] swaps the
//! two in one step, before the next paint: the pre-rendered page goes, the
//! app's identical page appears where it was, at the same scroll position,
//! with focus on the same control and the words typed in its search box.
//! Nothing moves, so nothing jumps. Until then `public/prefs.js` makes the
//! pre-rendered 字号 and 长辈模式 controls work; the app reads their choice
//! back as it takes over.
//!
//! The plain shell (the search page, a page never pre-rendered, the service
//! worker's offline copy) has a loading notice in `#boot` instead: the app
//! is drawn into the body and the notice removed, as before.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, HtmlInputElement};

use crate::dom::window;
use crate::App;

/// Marks the pre-rendered page and the `<head>` tags written with it.
pub const PRERENDERED: &str = "data-prerendered";
const BOOT: &str = "boot";
const HOLDER: &str = "app";
/// Set on `<html>` by `public/prefs.js` when the reader pressed, on the
/// pre-rendered page, a control only the app serves: the app presses it
/// again as it takes over.
const REPLAY: &str = "data-replay";
/// The app's error view when the page's data could not be reached
/// (`AppError::unreachable`).
const UNREACHABLE: &str = ".error-view[data-unreachable]";
/// Set on the pre-rendered page the app did not take over (`UNREACHABLE`).
const KEPT: &str = "data-kept";
/// What keyboard focus can rest on, in document order, less what only the
/// app shows (大鼠标, in a saved 长辈模式): counted alike on the page and in
/// the app, the n-th of the page is the n-th of the app.
const FOCUSABLE: &str = "a[href], button:not(.cursor-switch), input, select, textarea, [tabindex]";

fn document() -> Option<Document> {
    window()?.document()
}

fn prerendered_boot(doc: &Document) -> Option<Element> {
    doc.get_element_by_id(BOOT)
        .filter(|b| b.has_attribute(PRERENDERED))
}

/// Mount the app: into the body on the plain shell, into a hidden holder
/// on a pre-rendered page.
pub fn start() {
    let Some(doc) = document() else { return };
    let holder = prerendered_boot(&doc).and_then(|_| {
        let holder: HtmlElement = doc.create_element("div").ok()?.dyn_into().ok()?;
        holder.set_id(HOLDER);
        holder.set_hidden(true);
        doc.body()?.append_child(&holder).ok()?;
        Some(holder)
    });
    match holder {
        // The reader already has the page, so the app need not be drawn in
        // the task that instantiated the wasm: a task of its own keeps each
        // stretch the main thread is busy shorter (a tap in between is
        // answered sooner; Lighthouse's total blocking time counts only
        // what passes 50 ms per task).
        Some(holder) => leptos::prelude::set_timeout(
            move || leptos::mount::mount_to(holder, App).forget(),
            std::time::Duration::ZERO,
        ),
        None => {
            leptos::mount::mount_to_body(App);
            // The static "正在加载" of the shell has done its job.
            if let Some(boot) = doc.get_element_by_id(BOOT) {
                boot.remove();
            }
        }
    }
}

/// Whether the app is being drawn out of sight, beside a pre-rendered page
/// (before [`take_over`]): parts of it can then be drawn a task later.
pub fn out_of_sight() -> bool {
    document().is_some_and(|doc| {
        doc.get_element_by_id(HOLDER).is_some() && prerendered_boot(&doc).is_some()
    })
}

/// Parts of the page not yet drawn by [`Later`]: the app takes the page
/// over only when there are none.
#[derive(Clone, Copy)]
pub struct Pending(pub RwSignal<u32>);

/// Its children, drawn a task later while the app is drawn out of sight
/// (so the task that draws the page stays shorter), at once otherwise.
#[component]
pub fn Later(children: Children) -> impl IntoView {
    let pending = use_context::<Pending>().filter(|_| out_of_sight());
    let shown = RwSignal::new(pending.is_none());
    if let Some(Pending(count)) = pending {
        count.update(|n| *n += 1);
        set_timeout(
            move || {
                let _ = shown.try_set(true);
                let _ = count.try_update(|n| *n = n.saturating_sub(1));
            },
            std::time::Duration::ZERO,
        );
    }
    let mut children = Some(children);
    move || shown.get().then(|| children.take().map(|c| c())).flatten()
}

/// Position of `el` among the focusable elements of `root`.
fn focus_index(root: &Element, el: &Element) -> Option<u32> {
    let all = root.query_selector_all(FOCUSABLE).ok()?;
    (0..all.length()).find(|&i| all.get(i).is_some_and(|n| n.is_same_node(Some(el))))
}

/// Swap the pre-rendered page for the app's. Returns whether it did: only
/// the first call on a pre-rendered page does anything.
pub fn take_over() -> bool {
    let Some(doc) = document() else { return false };
    let (Some(boot), Some(holder)) = (prerendered_boot(&doc), doc.get_element_by_id(HOLDER)) else {
        return false;
    };
    // The app could not reach this page's data (offline, the page never
    // opened by the app, or the connection failed): the reader keeps the
    // page they are reading rather than be told so. 页面未找到 may be the
    // host's answer for a page that exists: there the app's word wins.
    if holder.query_selector(UNREACHABLE).ok().flatten().is_some()
        && boot.query_selector(".not-found").ok().flatten().is_none()
    {
        let _ = boot.set_attribute(KEPT, "");
        return false;
    }
    let Some(win) = window() else { return false };
    let (x, y) = (win.scroll_x().unwrap_or(0.0), win.scroll_y().unwrap_or(0.0));
    // The focused control by its id where it has one (the app may show a
    // control the page had not, 大鼠标, before it), else by its place.
    let active = doc.active_element().filter(|a| boot.contains(Some(a)));
    let focus_id = active.as_ref().map(Element::id).filter(|id| !id.is_empty());
    let focus = active.and_then(|a| focus_index(&boot, &a));
    // What the reader typed in the search box (the page's one text box).
    let typed = boot
        .query_selector("input[type=search][id]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .map(|e| (e.id(), e.value()))
        .filter(|(_, value)| !value.is_empty());
    let _ = holder.remove_attribute("hidden");
    boot.remove();
    // The pre-rendered page's <head> tags (marked with [`PRERENDERED`]):
    // the app has its own by now.
    if let Ok(tags) = doc.query_selector_all("head [data-prerendered]") {
        for i in 0..tags.length() {
            if let Some(el) = tags.get(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                el.remove();
            }
        }
    }
    // With the page gone, an id names the app's element. What was typed goes
    // into the app's box as it stands, without an input event: that would
    // search at once (the box searches as the reader types), taking a reader
    // who has since moved on to the results.
    if let Some((id, value)) = typed {
        if let Some(input) = doc
            .get_element_by_id(&id)
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        {
            input.set_value(&value);
        }
    }
    let target = focus_id
        .and_then(|id| doc.get_element_by_id(&id))
        .or_else(|| {
            holder
                .query_selector_all(FOCUSABLE)
                .ok()?
                .get(focus?)?
                .dyn_into()
                .ok()
        })
        .and_then(|n| n.dyn_into::<HtmlElement>().ok());
    // A press the page held for the app (`public/prefs.js`: 朗读, a link
    // that leaves the site), on the control focused above.
    let replay = doc
        .document_element()
        .filter(|root| root.has_attribute(REPLAY))
        .inspect(|root| {
            let _ = root.remove_attribute(REPLAY);
        })
        .is_some();
    if let Some(el) = target {
        // Focus without scrolling to it: the reader's scroll position wins.
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = el.focus_with_options(&options);
        if replay {
            el.click();
        }
    }
    if x != 0.0 || y != 0.0 {
        win.scroll_to_with_x_and_y(x, y);
    }
    true
}
