//! The `satchel-desktop` binary: starts the window (see the library docs).

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    use satchel_desktop::painting;
    satchel::allocator::reuse_large_buffers();
    if painting::without_compositing(Path::new(painting::DRI_DIR), |name| std::env::var_os(name)) {
        // SAFETY: no other thread exists yet; WebKit reads the variable when
        // it starts its web process, which inherits it.
        unsafe { std::env::set_var(painting::DISABLE_COMPOSITING, "1") };
    }
    match satchel_desktop::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("satchel: {e}");
            ExitCode::from(2)
        }
    }
}
