//! Entry point of the wasm app: install the panic hook and start the app
//! (on the plain shell, or taking over a pre-rendered page: see `boot`).

fn main() {
    console_error_panic_hook::set_once();
    pufa_portal::boot::start();
}
