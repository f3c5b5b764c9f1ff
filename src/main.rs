//! Entry point of the wasm app: install the panic hook and mount [`App`].

use pufa_portal::App;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
