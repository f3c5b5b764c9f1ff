//! Installable and offline (issue #4): registers `sw.js`, and tells the
//! reader when they are offline and when a newer version is waiting.
//!
//! The worker never activates itself: the reader presses 立即更新, the
//! waiting worker is told to take over, and the page reloads once it has,
//! so old and new files are never mixed.

use std::cell::Cell;

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState};

thread_local! {
    /// Set when the reader asked for the update; the next controller change
    /// then reloads. (The very first install also changes the controller,
    /// through `clients.claim()`, and must not reload.)
    static RELOAD_ON_CHANGE: Cell<bool> = const { Cell::new(false) };
}

fn has_service_workers() -> bool {
    crate::dom::window().is_some_and(|w| {
        js_sys::Reflect::has(&w.navigator(), &JsValue::from_str("serviceWorker")).unwrap_or(false)
    })
}

/// Register the worker and watch for a waiting new version.
fn register(update_ready: RwSignal<bool>) {
    if !has_service_workers() {
        return;
    }
    let Some(window) = crate::dom::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    let on_change = Closure::<dyn FnMut()>::new(move || {
        if RELOAD_ON_CHANGE.with(Cell::get) {
            if let Some(w) = crate::dom::window() {
                let _ = w.location().reload();
            }
        }
    });
    container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();
    spawn_local(async move {
        // Relative to <base href>, so the scope follows the deployment path.
        let Ok(reg) = JsFuture::from(container.register("sw.js")).await else {
            return;
        };
        // Browsers that refuse workers (a policy, a blocked context) may
        // resolve with nothing: then there is nothing to watch.
        let Ok(reg) = reg.dyn_into::<ServiceWorkerRegistration>() else {
            return;
        };
        let has_controller = move || {
            crate::dom::window()
                .is_some_and(|w| w.navigator().service_worker().controller().is_some())
        };
        if reg.waiting().is_some() && has_controller() {
            update_ready.set(true);
        }
        let reg_for_found = reg.clone();
        let on_found = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = reg_for_found.installing() else {
                return;
            };
            let worker = installing.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                // Installed while another version controls the page: an update.
                if worker.state() == ServiceWorkerState::Installed && has_controller() {
                    update_ready.set(true);
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        reg.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
        on_found.forget();
    });
}

/// Run `f` in a task of its own once the window's `load` has fired.
fn after_load(f: impl FnOnce() + 'static) {
    let Some(w) = crate::dom::window() else {
        return;
    };
    let later = move || set_timeout(f, std::time::Duration::ZERO);
    if w.document().is_some_and(|d| d.ready_state() == "complete") {
        later();
        return;
    }
    let on_load = Closure::once_into_js(later);
    let options = web_sys::AddEventListenerOptions::new();
    options.set_once(true);
    let _ = w.add_event_listener_with_callback_and_add_event_listener_options(
        "load",
        on_load.unchecked_ref(),
        &options,
    );
}

fn reload() {
    if let Some(w) = crate::dom::window() {
        let _ = w.location().reload();
    }
}

/// Resolves once `worker` has left the installing state.
async fn installed(worker: ServiceWorker) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        // It may have finished before anyone listened.
        if worker.state() != ServiceWorkerState::Installing {
            let _ = resolve.call0(&JsValue::NULL);
            return;
        }
        let w = worker.clone();
        let on_state = Closure::<dyn FnMut()>::new(move || {
            if w.state() != ServiceWorkerState::Installing {
                let _ = resolve.call0(&JsValue::NULL);
            }
        });
        // A listener, not `onstatechange`: the update watcher in
        // `register` uses that property on the same worker.
        let _ = worker
            .add_event_listener_with_callback("statechange", on_state.as_ref().unchecked_ref());
        on_state.forget();
    });
    let _ = JsFuture::from(promise).await;
}

/// Bring in the newest version: look for it on the server if none is
/// waiting yet, let it take over, and reload once it has. Used by 立即更新
/// and by a page whose data needs a newer app.
pub fn update_now() {
    let Some(window) = crate::dom::window() else {
        return;
    };
    if !has_service_workers() {
        reload();
        return;
    }
    spawn_local(async move {
        let container = window.navigator().service_worker();
        let Ok(reg) = JsFuture::from(container.get_registration()).await else {
            return reload();
        };
        let Ok(reg) = reg.dyn_into::<ServiceWorkerRegistration>() else {
            return reload();
        };
        if reg.waiting().is_none() {
            if let Ok(p) = reg.update() {
                let _ = JsFuture::from(p).await;
            }
            if let Some(worker) = reg.installing() {
                installed(worker).await;
            }
        }
        match reg.waiting() {
            Some(worker) => {
                RELOAD_ON_CHANGE.with(|r| r.set(true));
                let _ = worker.post_message(&JsValue::from_str("skip-waiting"));
            }
            None => reload(),
        }
    });
}

/// The offline and update notices, and the worker registration.
#[component]
pub fn PwaNotices() -> impl IntoView {
    let online = RwSignal::new(crate::dom::window().is_none_or(|w| w.navigator().on_line()));
    let update_ready = RwSignal::new(false);
    if crate::dom::window().is_some() {
        let on = window_event_listener(ev::online, move |_| online.set(true));
        let off = window_event_listener(ev::offline, move |_| online.set(false));
        on_cleanup(move || {
            on.remove();
            off.remove();
        });
    }
    // After the page has loaded, in a task of its own: the worker's install
    // fetches the whole shell, which must not compete with the first page's
    // data, and the registration need not lengthen the task that draws it.
    Effect::new(move |_| after_load(move || register(update_ready)));
    view! {
        <div class="notices">
            <Show when=move || !online.get()>
                <p class="notice offline" role="status">"当前处于离线状态，显示的是缓存内容"</p>
            </Show>
            <Show when=move || update_ready.get()>
                <p class="notice update" role="status">
                    "有新版本"
                    <button type="button" on:click=move |_| update_now()>"立即更新"</button>
                </p>
            </Show>
        </div>
    }
}
