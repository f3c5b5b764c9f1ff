//! The only network code: the version pointer, the site of a version, and
//! the per-page files of the compiled data tree (`pufa_core::compiled`).
//!
//! Every failure becomes an [`AppError`] with a sentence for residents and a
//! precise detail for the operator; nothing here panics. A page file that
//! is not there (404) is not an error but "no such page".

use std::sync::Arc;

use gloo_net::http::Request;
use pufa_core::compiled::{self, decode, DataVersion, FORMAT, VERSION_FILE};
use pufa_core::{decode_site, Catalog, DataError};
use serde::de::DeserializeOwned;
use web_sys::RequestCache;

use crate::paths;
use crate::state::{Edition, SharedEdition};

#[derive(Clone, Debug, PartialEq)]
pub enum AppError {
    /// The request did not complete (offline, DNS, CORS, aborted).
    Network { file: String, detail: String },
    /// The server answered with an error status.
    Status { file: String, status: u16 },
    /// Offline, and this page was never opened before (the service worker
    /// has no copy of it).
    NotCached { file: String },
    /// The file arrived but is not valid data.
    Data(DataError),
    /// The data was published for another version of the app.
    Format { data: u32 },
}

impl AppError {
    /// Heading of the error view.
    pub fn title(&self) -> &'static str {
        match self {
            AppError::Network { .. } => "网络连接失败",
            AppError::Status { .. } => "暂时无法获取数据",
            AppError::NotCached { .. } => "离线时无法打开此页",
            AppError::Data(_) => "数据文件有误",
            AppError::Format { data } if *data > FORMAT => "网站已更新",
            AppError::Format { .. } => "网站正在更新",
        }
    }

    /// What a resident should know and do.
    pub fn reader_message(&self) -> &'static str {
        match self {
            AppError::Network { .. } => "无法连接到网站服务器，请检查网络后点击“重试”。",
            AppError::Status { .. } => "网站服务器暂时无法提供数据，请稍后点击“重试”。",
            AppError::NotCached { .. } => {
                "当前处于离线状态，这一页以前没有打开过，还没有保存在本机。请连接网络后点击“重试”。"
            }
            AppError::Data(_) => {
                "网站数据文件有误，暂时无法显示内容。请稍后重试，或联系网站管理员。"
            }
            AppError::Format { data } if *data > FORMAT => {
                "网站已发布新版本，请点击“立即更新”后继续浏览。"
            }
            AppError::Format { .. } => "网站正在更新，请稍后点击“重试”。",
        }
    }

    /// What the operator needs to fix it: file, field, line.
    pub fn detail(&self) -> String {
        match self {
            AppError::Network { file, detail } => format!("{file}：请求失败：{detail}"),
            AppError::Status { file, status } => format!("{file}：服务器返回 HTTP {status}"),
            AppError::NotCached { file } => format!("{file}：离线且没有缓存"),
            AppError::Data(e) => e.to_string(),
            AppError::Format { data } => {
                format!("{VERSION_FILE}：数据格式 {data}，本程序读取格式 {FORMAT}")
            }
        }
    }

    /// Whether the data could not be reached (offline without a saved copy,
    /// or a request that failed), as opposed to data that is wrong: a
    /// pre-rendered page the reader has is then kept (`crate::boot`).
    pub fn unreachable(&self) -> bool {
        matches!(self, AppError::Network { .. } | AppError::NotCached { .. })
    }

    /// Whether the cure is a newer app rather than a retry.
    pub fn needs_update(&self) -> bool {
        matches!(self, AppError::Format { data } if *data > FORMAT)
    }
}

/// Status the service worker answers with when offline and uncached.
const OFFLINE_STATUS: u16 = 504;

/// GET a file of `data/`; `Ok(None)` on 404.
async fn fetch_response(
    file: &str,
    revalidate: bool,
) -> Result<Option<gloo_net::http::Response>, AppError> {
    let mut request = Request::get(&paths::data_file(file));
    if revalidate {
        request = request.cache(RequestCache::NoCache);
    }
    let response = request.send().await.map_err(|e| network(file, e))?;
    match response.status() {
        404 => return Ok(None),
        OFFLINE_STATUS if response.status_text() == "offline" => {
            return Err(AppError::NotCached {
                file: file.to_string(),
            })
        }
        _ => {}
    }
    if !response.ok() {
        return Err(AppError::Status {
            file: file.to_string(),
            status: response.status(),
        });
    }
    Ok(Some(response))
}

fn network(file: &str, e: gloo_net::Error) -> AppError {
    AppError::Network {
        file: file.to_string(),
        detail: e.to_string(),
    }
}

async fn fetch_text(file: &str, revalidate: bool) -> Result<Option<String>, AppError> {
    match fetch_response(file, revalidate).await? {
        None => Ok(None),
        Some(r) => r.text().await.map(Some).map_err(|e| network(file, e)),
    }
}

/// A file that must exist: 404 is an error.
async fn fetch_required(file: &str, revalidate: bool) -> Result<String, AppError> {
    fetch_text(file, revalidate)
        .await?
        .ok_or_else(|| AppError::Status {
            file: file.to_string(),
            status: 404,
        })
}

/// The current version's edition. `known` is the edition on screen: when
/// the version has not changed it is reused, and only the tiny version
/// file was fetched.
pub async fn edition(known: Option<SharedEdition>) -> Result<SharedEdition, AppError> {
    let src = fetch_required(VERSION_FILE, true).await?;
    let version: DataVersion = decode(VERSION_FILE, &src).map_err(AppError::Data)?;
    if version.format != FORMAT {
        return Err(AppError::Format {
            data: version.format,
        });
    }
    if !version.is_well_formed() {
        return Err(AppError::Data(DataError::new(
            VERSION_FILE,
            "version",
            "版本号无效",
        )));
    }
    if let Some(known) = known.filter(|k| k.version == version) {
        return Ok(known);
    }
    let file = version.file(compiled::SITE);
    let src = fetch_required(&file, false).await?;
    let data = decode_site(&src).map_err(|e| AppError::Data(DataError { file, ..e }))?;
    Ok(Arc::new(Edition {
        version,
        catalog: Catalog::new(data),
    }))
}

/// A page's JSON file of `edition`'s version, decoded; `None` when absent.
pub async fn page<T: DeserializeOwned>(
    edition: &Edition,
    name: &str,
) -> Result<Option<T>, AppError> {
    let file = edition.version.file(name);
    match fetch_text(&file, false).await? {
        None => Ok(None),
        Some(src) => decode::<T>(&file, &src).map(Some).map_err(AppError::Data),
    }
}

/// The home lists; unlike a page of a list, home must exist.
pub async fn home(edition: &Edition) -> Result<Option<compiled::HomeFile>, AppError> {
    match page(edition, compiled::HOME).await? {
        Some(home) => Ok(Some(home)),
        None => Err(AppError::Status {
            file: edition.version.file(compiled::HOME),
            status: 404,
        }),
    }
}

/// An article file, checked like any bulletin; an id that cannot exist is
/// "not found" without asking the server.
pub async fn article(
    edition: &Edition,
    id: &str,
) -> Result<Option<compiled::ArticleFile>, AppError> {
    if pufa_core::decode::check_id(id).is_err() {
        return Ok(None);
    }
    let file = edition.version.file(&compiled::article_file(id));
    match fetch_text(&file, false).await? {
        None => Ok(None),
        Some(src) => compiled::decode_article(&file, &src, &edition.catalog)
            .map(Some)
            .map_err(AppError::Data),
    }
}

/// How long a view may take to record before the page keeps the data's
/// count: the counter is a nicety, never a reason to wait.
const COUNTER_TIMEOUT_MS: i32 = 3000;

/// Resolves after `ms` milliseconds (at once where there is no window).
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| match crate::dom::window() {
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

/// Where the counter service at `endpoint` records views of bulletin `id`.
pub fn count_url(endpoint: &str, id: &str) -> String {
    format!("{}/{id}", endpoint.trim_end_matches('/'))
}

/// The view `public/prefs.js` recorded at `url` for the pre-rendered page
/// the app is being drawn beside: its answer, the live total or nothing.
/// `None` when the page recorded no view there (or the app is past that).
pub fn counted_by_page(url: &str) -> Option<impl std::future::Future<Output = Option<u64>>> {
    use wasm_bindgen::JsCast;
    if !crate::boot::out_of_sight() {
        return None;
    }
    let get = |from: &wasm_bindgen::JsValue, key: &str| {
        js_sys::Reflect::get(from, &wasm_bindgen::JsValue::from_str(key)).ok()
    };
    let counted = get(&crate::dom::window()?.into(), "pufaCounted")?;
    if get(&counted, "url")?.as_string()? != url {
        return None;
    }
    let answer: js_sys::Promise = get(&counted, "views")?.dyn_into().ok()?;
    Some(async move {
        let n = wasm_bindgen_futures::JsFuture::from(answer)
            .await
            .ok()?
            .as_f64()?;
        (n >= 0.0 && n.fract() == 0.0 && n <= u64::MAX as f64).then_some(n as u64)
    })
}

/// Record one view at `url` (see [`count_url`]) and return the bulletin's
/// live total. `None` on any failure (unreachable, slow, error status, odd
/// answer): the caller then shows the count from the data, silently.
pub async fn record_view(url: &str) -> Option<u64> {
    let request = async {
        let response = Request::post(url).send().await.ok()?;
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

impl From<pufa_core::search::wire::Failure> for AppError {
    fn from(f: pufa_core::search::wire::Failure) -> AppError {
        use pufa_core::search::wire::Failure;
        match f {
            Failure::Network { file, detail } => AppError::Network { file, detail },
            Failure::Status { file, status } => AppError::Status { file, status },
            Failure::NotCached { file } => AppError::NotCached { file },
            Failure::Data(e) => AppError::Data(e),
        }
    }
}
