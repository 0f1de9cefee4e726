//! Prints `contract/functions.ts` (see the library): `cargo run -p contract`, which
//! `npm run types` runs.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    match contract::module() {
        Ok(module) => match std::io::stdout().write_all(module.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("contract: {err}");
                ExitCode::FAILURE
            }
        },
        Err(clashes) => {
            eprintln!(
                "contract: different Rust types share these TypeScript names (give one a \
                 `ts(rename = ...)`): {}",
                clashes.join(", ")
            );
            ExitCode::FAILURE
        }
    }
}
