//! What a reader sees when the data cannot be shown: a plain Chinese
//! sentence, a retry button, and the operator's detail folded away.

use leptos::prelude::*;

use crate::api::AppError;

/// An error that a newer app cures (data of a newer format) offers
/// 立即更新 instead of 重试.
#[component]
pub fn ErrorView(error: AppError, on_retry: impl Fn() + 'static) -> impl IntoView {
    let update = error.needs_update();
    let unreachable = error.unreachable();
    let act = move |_| {
        if update {
            crate::pwa::update_now();
        } else {
            on_retry();
        }
    };
    view! {
        <section class="error-view" role="alert" data-unreachable=unreachable.then_some("")>
            <h1>{error.title()}</h1>
            <p>{error.reader_message()}</p>
            <button type="button" class="retry" on:click=act>
                {if update { "立即更新" } else { "重试" }}
            </button>
            <details>
                <summary>"技术信息（供网站管理员参考）"</summary>
                <p class="error-detail"><code>{error.detail()}</code></p>
            </details>
        </section>
    }
}
