//! 打印本页, 分享 and 扫一扫在手机打开 (issue #5).
//!
//! Sharing uses the Web Share API where the browser has it and copies the
//! link otherwise. The QR code is computed on the device (qrcodegen) and
//! drawn as SVG: no network, no image service.

use leptos::prelude::*;
use leptos::task::spawn_local;
use qrcodegen::{QrCode, QrCodeEcc};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Call `navigator[object][method](arg)` if it exists, awaiting a promise.
/// Looked up dynamically: not every browser has share or clipboard.
async fn call_navigator(path: &[&str], arg: JsValue) -> Result<(), JsValue> {
    let window = crate::dom::window().ok_or(JsValue::NULL)?;
    let mut this: JsValue = window.navigator().into();
    let (method, objects) = path.split_last().ok_or(JsValue::NULL)?;
    for name in objects {
        this = js_sys::Reflect::get(&this, &JsValue::from_str(name))?;
        if this.is_undefined() {
            return Err(JsValue::NULL);
        }
    }
    let f: js_sys::Function =
        js_sys::Reflect::get(&this, &JsValue::from_str(method))?.dyn_into()?;
    let promise: js_sys::Promise = f.call1(&this, &arg)?.dyn_into()?;
    JsFuture::from(promise).await.map(|_| ())
}

fn can_share() -> bool {
    crate::dom::window().is_some_and(|w| {
        js_sys::Reflect::has(&w.navigator(), &JsValue::from_str("share")).unwrap_or(false)
    })
}

#[component]
pub fn ArticleTools(title: String, url: String) -> impl IntoView {
    let status = RwSignal::new(String::new());
    let share = {
        let (title, url) = (title.clone(), url.clone());
        move |_| {
            let (title, url) = (title.clone(), url.clone());
            spawn_local(async move {
                if can_share() {
                    let data = js_sys::Object::new();
                    let _ =
                        js_sys::Reflect::set(&data, &"title".into(), &JsValue::from_str(&title));
                    let _ = js_sys::Reflect::set(&data, &"url".into(), &JsValue::from_str(&url));
                    // A cancelled share sheet is not an error worth a message.
                    let _ = call_navigator(&["share"], data.into()).await;
                    return;
                }
                let copied =
                    call_navigator(&["clipboard", "writeText"], JsValue::from_str(&url)).await;
                status.set(match copied {
                    Ok(()) => "链接已复制，可以粘贴给亲友。".to_string(),
                    Err(_) => format!("请复制本页网址：{url}"),
                });
            });
        }
    };
    let print = |_| {
        if let Some(w) = crate::dom::window() {
            let _ = w.print();
        }
    };
    let share_label = if can_share() {
        "分享"
    } else {
        "复制链接"
    };
    view! {
        <div class="article-tools">
            <button type="button" on:click=print>"打印本页"</button>
            <button type="button" on:click=share>{share_label}</button>
            <span class="tool-status" role="status">{move || status.get()}</span>
        </div>
    }
}

/// Under the article: the address (shown only in print) and the QR code.
#[component]
pub fn ArticleAddress(url: String) -> impl IntoView {
    view! {
        <p class="print-url">"本文网址：" {url.clone()}</p>
        <QrCodeView url=url/>
    }
}

/// The page's URL as a QR code, for opening it on a phone.
#[component]
fn QrCodeView(url: String) -> impl IntoView {
    let Ok(code) = QrCode::encode_text(&url, QrCodeEcc::Medium) else {
        return ().into_any();
    };
    let size = code.size();
    let border = 4;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if code.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    let view_box = format!("0 0 {0} {0}", size + 2 * border);
    view! {
        <figure class="qr">
            <svg viewBox=view_box role="img" aria-label="本文网址的二维码" shape-rendering="crispEdges">
                <rect width="100%" height="100%" fill="#fff"/>
                <path d=path fill="#000"/>
            </svg>
            <figcaption>"扫一扫在手机打开"</figcaption>
        </figure>
    }
    .into_any()
}
