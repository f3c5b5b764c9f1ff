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

/// Fetch both data files at once and decode them.
pub async fn load_store() -> Result<Arc<Store>, AppError> {
    let (site, bulletins) = futures::join!(fetch_text(SITE_FILE), fetch_text(BULLETINS_FILE));
    Store::from_json(&site?, &bulletins?)
        .map(Arc::new)
        .map_err(AppError::Data)
}
