//! The browser window, when there is one.
//!
//! The same components run in the browser and, natively, in the
//! pre-renderer (`prerender`). There every browser call is skipped: `window()`
//! is `None`, and each caller already does nothing without a window.

/// The page's window in the browser; `None` when pre-rendering.
pub fn window() -> Option<web_sys::Window> {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}
