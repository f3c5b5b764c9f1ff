//! The worker's side of the conversation: fetch for the engine, and one
//! task per message from the page.
//!
//! Handshake: once the handler is in place the worker posts `"ready"`; the
//! page holds its messages until then (a message arriving while the wasm
//! still loads would find no handler and be lost).

use std::cell::RefCell;
use std::rc::Rc;

use pufa_core::search::wire::{self, Answer, Ask, Failure, Reply, What};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Response};

use crate::engine::{Engine, Fetch};

/// Status the service worker answers with when offline and uncached.
const OFFLINE_STATUS: u16 = 504;

/// Fetch of `data/v/<version>/…`, relative to the worker's script (which
/// sits beside the app's shell, so a sub-path deployment just works).
pub struct Web {
    version: String,
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn detail(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

impl Fetch for Web {
    async fn get(&self, path: &str) -> Result<Vec<u8>, Failure> {
        let file = format!("v/{}/{path}", self.version);
        let network = |e: JsValue| Failure::Network {
            file: file.clone(),
            detail: detail(&e),
        };
        let response: Response = JsFuture::from(scope().fetch_with_str(&format!("data/{file}")))
            .await
            .map_err(network)?
            .unchecked_into();
        let status = response.status();
        if status == OFFLINE_STATUS && response.status_text() == "offline" {
            return Err(Failure::NotCached { file });
        }
        if !response.ok() {
            return Err(Failure::Status { file, status });
        }
        let buffer = JsFuture::from(response.array_buffer().map_err(network)?)
            .await
            .map_err(network)?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    }
}

thread_local! {
    /// The engine of the version searched last (a publish starts a new one).
    static ENGINE: RefCell<Option<Rc<Engine<Web>>>> = const { RefCell::new(None) };
}

fn engine_for(version: &str) -> Rc<Engine<Web>> {
    ENGINE.with(|e| {
        let mut e = e.borrow_mut();
        match &*e {
            Some(engine) if engine.version() == version => engine.clone(),
            _ => {
                let engine = Rc::new(Engine::new(
                    version,
                    Web {
                        version: version.to_string(),
                    },
                ));
                *e = Some(engine.clone());
                engine
            }
        }
    })
}

fn post(id: u64, answer: Answer) {
    let text = wire::encode(&Reply { id, answer });
    // Posting a string to the page cannot fail.
    let _ = scope().post_message(&JsValue::from_str(&text));
}

/// Whether a version string is safe to put in a path (it came in a message).
fn well_formed(version: &str) -> bool {
    !version.is_empty() && version.len() <= 64 && version.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn handle(text: String) {
    let ask: Ask = match wire::decode(&text) {
        Ok(a) => a,
        Err(f) => return post(0, Answer::Failed(f)),
    };
    let id = ask.id;
    if !well_formed(&ask.version) {
        return post(id, Answer::Failed(Failure::protocol("数据版本号不合规")));
    }
    let engine = engine_for(&ask.version);
    let answer = match ask.what {
        What::About => match engine.about().await {
            Ok(a) => Answer::About(a),
            Err(f) => Answer::Failed(f),
        },
        What::Find { params } => engine.find(id, params).await,
        What::Snippet { id, marks } => engine.snippet(&id, &marks).await,
        What::Suggest { text } => Answer::Suggest {
            terms: engine.suggest(&text).await,
        },
        What::Download { channels } => {
            match engine
                .download(&channels, |done, total| {
                    post(id, Answer::Progress { done, total })
                })
                .await
            {
                Ok(()) => Answer::Downloaded,
                Err(f) => Answer::Failed(f),
            }
        }
    };
    post(id, answer);
}

/// Install the message handler and tell the page the worker is ready.
pub fn start() {
    console_error_panic_hook::set_once();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|e: MessageEvent| {
        if let Some(text) = e.data().as_string() {
            wasm_bindgen_futures::spawn_local(handle(text));
        }
    });
    let scope = scope();
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}
