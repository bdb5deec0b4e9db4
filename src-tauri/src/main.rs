//! The `satchel-desktop` binary: starts the window (see the library docs).

use std::process::ExitCode;

fn main() -> ExitCode {
    match satchel_desktop::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("satchel: {e}");
            ExitCode::from(2)
        }
    }
}
