//! Entry point of the `pufa-counter` binary: parses flags and environment,
//! runs the service, and turns a startup error into one clear line and a
//! non-zero exit status (what systemd and scripts look at).

use clap::Parser;

fn main() -> std::process::ExitCode {
    let config = pufa_counter::config::Config::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("pufa-counter: error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(pufa_counter::run(config)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("pufa-counter: error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
