//! How WebKit paints the window on this computer.
//!
//! WebKitGTK composites the page with OpenGL and paints it with Skia on the
//! GPU. On a computer with no GPU that OpenGL is Mesa's software renderer
//! (llvmpipe), and emulating a GPU on the processor costs far more than
//! painting on it directly: with 10,000 badges a fling dropped to 7 frames a
//! second and the first painted grid came seconds late. So when the system
//! has no GPU render node (`/dev/dri/renderD*`) the window asks WebKit to
//! paint without compositing, unless the learner chose a mode themselves.

use std::ffi::OsString;
use std::path::Path;

/// Where the kernel lists the GPUs' device nodes.
pub const DRI_DIR: &str = "/dev/dri";

/// The WebKitGTK variable that turns compositing off (any value but "0").
pub const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// The WebKitGTK variable that keeps compositing on; a learner's choice.
const FORCE_COMPOSITING: &str = "WEBKIT_FORCE_COMPOSITING_MODE";

/// True when WebKit should paint without compositing: `dri` holds no GPU
/// render node and `var` (the environment) sets neither of WebKit's
/// compositing switches.
pub fn without_compositing(dri: &Path, var: impl Fn(&str) -> Option<OsString>) -> bool {
    if var(DISABLE_COMPOSITING).is_some() || var(FORCE_COMPOSITING).is_some() {
        return false;
    }
    let has_render_node = std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    });
    !has_render_node
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unset(_: &str) -> Option<OsString> {
        None
    }

    #[test]
    fn paints_without_compositing_only_when_there_is_no_gpu() {
        let dri = tempfile::tempdir().unwrap();
        assert!(without_compositing(&dri.path().join("absent"), unset));
        std::fs::write(dri.path().join("card0"), "").unwrap();
        assert!(
            without_compositing(dri.path(), unset),
            "a card without a render node"
        );
        std::fs::write(dri.path().join("renderD128"), "").unwrap();
        assert!(!without_compositing(dri.path(), unset));
    }

    #[test]
    fn the_learners_own_choice_stands() {
        let none = Path::new("/nonexistent/dri");
        for chosen in [DISABLE_COMPOSITING, FORCE_COMPOSITING] {
            let var = |name: &str| (name == chosen).then(|| OsString::from("1"));
            assert!(!without_compositing(none, var), "{chosen}");
        }
    }
}
