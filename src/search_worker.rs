//! The page's side of the search worker (`crates/search-worker`).
//!
//! The search engine runs in a Web Worker of its own: typing never waits
//! for it, and this wasm does not carry the index code, the aids or the
//! folding tables. The worker is started on first use (or when the search
//! box gets focus), from the script named by the shell's
//! `<meta name="pufa-search-worker">` (written by scripts/post-build.mjs
//! with the script's hashed name). Messages are the JSON of
//! `pufa_core::search::wire`; each request has an id and a callback.
//!
//! If the worker cannot start or dies, every waiting request fails with an
//! [`AppError`] (the page shows 重试), and the next request starts a new one.

use std::cell::RefCell;
use std::collections::HashMap;

use futures::channel::oneshot;
use pufa_core::search::wire::{self, Answer, Ask, Reply, What};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::AppError;

/// The shell's `<meta>` naming the worker's script.
const META_NAME: &str = "pufa-search-worker";
/// What an error names when the worker's script is not known.
const WORKER_FILE: &str = "search worker";

/// Called with each answer to one request; returns `true` when it was the
/// last (a download answers with progress first).
type Callback = Box<dyn FnMut(Result<Answer, AppError>) -> bool>;

#[derive(Default)]
struct Client {
    worker: Option<web_sys::Worker>,
    /// The script, for error messages.
    script: String,
    /// The worker said "ready": messages may be posted.
    ready: bool,
    /// Messages held until then.
    outbox: Vec<String>,
    next_id: u64,
    pending: HashMap<u64, Callback>,
}

thread_local! {
    static CLIENT: RefCell<Client> = RefCell::new(Client::default());
}

fn script_url() -> Option<String> {
    let document = crate::dom::window()?.document()?;
    let meta = document
        .query_selector(&format!("meta[name=\"{META_NAME}\"]"))
        .ok()??;
    meta.get_attribute("content").filter(|s| !s.is_empty())
}

fn broken(script: &str, detail: impl Into<String>) -> AppError {
    AppError::Network {
        file: script.to_string(),
        detail: detail.into(),
    }
}

/// Start the worker if it is not running. Its script and wasm start
/// downloading at once, so a reader's first search does not wait for them.
pub fn warm() {
    let _ = start();
}

fn start() -> Result<(), AppError> {
    if CLIENT.with(|c| c.borrow().worker.is_some()) {
        return Ok(());
    }
    let Some(script) = script_url() else {
        return Err(broken(
            WORKER_FILE,
            "网页没有指明搜索程序（meta pufa-search-worker）",
        ));
    };
    let worker = web_sys::Worker::new(&script).map_err(|e| broken(&script, format!("{e:?}")))?;
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|e: web_sys::MessageEvent| {
            if let Some(text) = e.data().as_string() {
                received(&text);
            }
        });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(|e: web_sys::ErrorEvent| {
        e.prevent_default();
        died(e.message());
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        c.worker = Some(worker);
        c.script = script;
        c.ready = false;
    });
    Ok(())
}

/// The worker could not start or failed: fail every request waiting, and
/// let the next request start a new worker.
fn died(detail: String) {
    let (worker, script, pending) = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        c.ready = false;
        c.outbox.clear();
        (
            c.worker.take(),
            c.script.clone(),
            std::mem::take(&mut c.pending),
        )
    });
    if let Some(w) = worker {
        w.terminate();
    }
    for (_, mut callback) in pending {
        callback(Err(broken(&script, detail.clone())));
    }
}

fn received(text: &str) {
    if text == "ready" {
        CLIENT.with(|c| {
            let mut c = c.borrow_mut();
            c.ready = true;
            let outbox = std::mem::take(&mut c.outbox);
            if let Some(w) = &c.worker {
                for m in outbox {
                    let _ = w.post_message(&JsValue::from_str(&m));
                }
            }
        });
        return;
    }
    if let Some(detail) = text.strip_prefix("boot-failed:") {
        died(detail.to_string());
        return;
    }
    let (id, result) = match wire::decode::<Reply>(text) {
        Ok(Reply {
            id,
            answer: Answer::Failed(f),
        }) => (id, Err(AppError::from(f))),
        Ok(Reply { id, answer }) => (id, Ok(answer)),
        // A reply this page cannot read (worker and page of different
        // builds should not happen: both come with one shell): fail the
        // request it answers.
        Err(f) => match wire::reply_id(text) {
            Some(id) => (id, Err(AppError::from(f))),
            None => return,
        },
    };
    // The callback runs outside the borrow: it may ask again.
    let Some(mut callback) = CLIENT.with(|c| c.borrow_mut().pending.remove(&id)) else {
        return;
    };
    let last = callback(result);
    if !last {
        CLIENT.with(|c| c.borrow_mut().pending.insert(id, callback));
    }
}

/// Send `what` about data `version`; `callback` gets the answers.
pub fn ask_with(
    version: &str,
    what: What,
    mut callback: impl FnMut(Result<Answer, AppError>) -> bool + 'static,
) {
    if let Err(e) = start() {
        callback(Err(e));
        return;
    }
    CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        c.next_id += 1;
        let id = c.next_id;
        let text = wire::encode(&Ask {
            id,
            version: version.to_string(),
            what,
        });
        c.pending.insert(id, Box::new(callback));
        match (&c.worker, c.ready) {
            (Some(w), true) => {
                let _ = w.post_message(&JsValue::from_str(&text));
            }
            _ => c.outbox.push(text),
        }
    });
}

/// Send `what` and wait for its one answer.
pub async fn ask(version: &str, what: What) -> Result<Answer, AppError> {
    let (tx, rx) = oneshot::channel();
    let mut tx = Some(tx);
    ask_with(version, what, move |answer| {
        if let Some(tx) = tx.take() {
            let _ = tx.send(answer);
        }
        true
    });
    rx.await
        .unwrap_or_else(|_| Err(broken(WORKER_FILE, "搜索程序没有回答")))
}
