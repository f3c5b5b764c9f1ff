//! Entry point of the worker's wasm: Trunk builds it with
//! `data-type="worker"`; wasm-bindgen runs `main` once the worker loaded it.

fn main() {
    #[cfg(target_arch = "wasm32")]
    pufa_search_worker::web::start();
}
