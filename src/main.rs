//! Entry point of the wasm app: install the panic hook, mount [`App`], and
//! take away the static loading notice of `index.html`.

use pufa_portal::App;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
    // The static "正在加载" of index.html has done its job.
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
}
