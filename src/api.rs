//! The only network code: fetch the data files and build the [`Store`].
//!
//! Every failure becomes an [`AppError`] with a sentence for residents and a
//! precise detail for the operator; nothing here panics.

use std::sync::Arc;

use gloo_net::http::Request;
use pufa_core::{DataError, Store, BULLETINS_FILE, SITE_FILE};

use crate::paths;

#[derive(Clone, Debug, PartialEq)]
pub enum AppError {
    /// The request did not complete (offline, DNS, CORS, aborted).
    Network { file: String, detail: String },
    /// The server answered with an error status.
    Status { file: String, status: u16 },
    /// The file arrived but is not valid data.
    Data(DataError),
}

impl AppError {
    /// Heading of the error view.
    pub fn title(&self) -> &'static str {
        match self {
            AppError::Network { .. } => "网络连接失败",
            AppError::Status { .. } => "暂时无法获取数据",
            AppError::Data(_) => "数据文件有误",
        }
    }

    /// What a resident should know and do.
    pub fn reader_message(&self) -> &'static str {
        match self {
            AppError::Network { .. } => "无法连接到网站服务器，请检查网络后点击“重试”。",
            AppError::Status { .. } => "网站服务器暂时无法提供数据，请稍后点击“重试”。",
            AppError::Data(_) => {
                "网站数据文件有误，暂时无法显示内容。请稍后重试，或联系网站管理员。"
            }
        }
    }

    /// What the operator needs to fix it: file, field, line.
    pub fn detail(&self) -> String {
        match self {
            AppError::Network { file, detail } => format!("{file}：请求失败：{detail}"),
            AppError::Status { file, status } => format!("{file}：服务器返回 HTTP {status}"),
            AppError::Data(e) => e.to_string(),
        }
    }
}

async fn fetch_text(file: &str) -> Result<String, AppError> {
    let network = |e: gloo_net::Error| AppError::Network {
        file: file.to_string(),
        detail: e.to_string(),
    };
    let response = Request::get(&paths::data_file(file))
        .send()
        .await
        .map_err(network)?;
    if !response.ok() {
        return Err(AppError::Status {
            file: file.to_string(),
            status: response.status(),
        });
    }
    response.text().await.map_err(network)
}

/// How long a view may take to record before the page keeps the data's
/// count: the counter is a nicety, never a reason to wait.
const COUNTER_TIMEOUT_MS: i32 = 3000;

/// Resolves after `ms` milliseconds (at once where there is no window).
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| match web_sys::window() {
        Some(w) => {
            if w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                .is_err()
            {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            }
        }
        None => {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Record one view of bulletin `id` at the counter service and return its
/// live total. `None` on any failure (unreachable, slow, error status, odd
/// answer): the caller then shows the count from the data, silently.
pub async fn record_view(endpoint: &str, id: &str) -> Option<u64> {
    let url = format!("{}/{id}", endpoint.trim_end_matches('/'));
    let request = async {
        let response = Request::post(&url).send().await.ok()?;
        if !response.ok() {
            return None;
        }
        let body: serde_json::Value = serde_json::from_str(&response.text().await.ok()?).ok()?;
        body.get("views")?.as_u64()
    };
    let timeout = sleep(COUNTER_TIMEOUT_MS);
    futures::pin_mut!(request, timeout);
    match futures::future::select(request, timeout).await {
        futures::future::Either::Left((views, _)) => views,
        futures::future::Either::Right(_) => None,
    }
}

/// Fetch both data files at once and decode them.
pub async fn load_store() -> Result<Arc<Store>, AppError> {
    let (site, bulletins) = futures::join!(fetch_text(SITE_FILE), fetch_text(BULLETINS_FILE));
    Store::from_json(&site?, &bulletins?)
        .map(Arc::new)
        .map_err(AppError::Data)
}
