//! What a reader sees when the data cannot be shown: a plain Chinese
//! sentence, a retry button, and the operator's detail folded away.

use leptos::prelude::*;

use crate::api::AppError;

#[component]
pub fn ErrorView(error: AppError, on_retry: impl Fn() + 'static) -> impl IntoView {
    view! {
        <section class="error-view" role="alert">
            <h1>{error.title()}</h1>
            <p>{error.reader_message()}</p>
            <button type="button" class="retry" on:click=move |_| on_retry()>"重试"</button>
            <details>
                <summary>"技术信息（供网站管理员参考）"</summary>
                <p class="error-detail"><code>{error.detail()}</code></p>
            </details>
        </section>
    }
}
