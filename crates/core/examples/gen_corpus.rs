//! Write a generated `bulletins.json` to stdout:
//! `cargo run -p pufa-core --example gen_corpus -- COUNT [SEED] > bulletins.json`

fn main() {
    let mut args = std::env::args().skip(1);
    let count = args.next().and_then(|a| a.parse().ok());
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let Some(count) = count else {
        eprintln!("usage: gen_corpus COUNT [SEED]  (writes bulletins.json to stdout)");
        std::process::exit(2);
    };
    println!("{}", pufa_core::corpus::bulletins_json(count, seed));
}
