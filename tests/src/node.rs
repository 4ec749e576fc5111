//! The Node tools some tests run (each a folder of `tests/` with its pinned `package-lock.json`):
//! `.ci/run` installs them first; a fresh checkout installs them here, on first use.

use std::path::PathBuf;

/// The folder of a test tool, with `module` installed in it from its lock file.
pub async fn tool(folder: &str, module: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(folder);
    if !dir.join("node_modules").join(module).exists() {
        let installed = tokio::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .output()
            .await
            .unwrap_or_else(|e| panic!("npm runs (Node 20 and npm are needed for {folder}): {e}"));
        assert!(
            installed.status.success(),
            "npm ci in {folder} failed: {}",
            String::from_utf8_lossy(&installed.stderr)
        );
    }
    dir
}
