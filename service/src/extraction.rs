//! Text extraction from PDFs, out of the server's process. A PDF's streams are compressed, and a
//! 3 MB file can inflate to gigabytes; the reader (`pdf-extract`) holds what it inflates. So
//! the server hands each PDF to a child process — the `commons` binary itself, `commons
//! extract-pdf` — whose address space and CPU time are limited before it reads a byte, waits
//! for it a bounded time, and keeps a bounded amount of what it prints. A PDF that exceeds a
//! limit is a file without text: the upload succeeds, and the log says why.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncReadExt;

use commons_domain::attachment::{EXTRACTED_TEXT_MAX_CHARS, bounded_text};

/// How a PDF is read.
#[derive(Clone, Debug)]
pub struct PdfExtraction {
    /// The `commons` binary to run; `None` runs the one serving.
    pub program: Option<PathBuf>,
    /// The child's address space.
    pub max_memory_bytes: u64,
    /// The child's CPU time, and (with a second's grace) how long it is waited for.
    pub max_seconds: u64,
}

/// The words of a PDF, or `None` when it has none or the reader failed or exceeded a limit.
pub async fn pdf_text(settings: &PdfExtraction, pdf: std::fs::File) -> Option<String> {
    let program = match &settings.program {
        Some(p) => p.clone(),
        None => match std::env::current_exe() {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "cannot find the commons binary to read a PDF");
                return None;
            }
        },
    };
    let mut child = match tokio::process::Command::new(&program)
        .arg("extract-pdf")
        .arg("--max-memory-bytes")
        .arg(settings.max_memory_bytes.to_string())
        .arg("--max-seconds")
        .arg(settings.max_seconds.to_string())
        .env_clear()
        .stdin(Stdio::from(pdf))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, program = %program.display(), "cannot start the PDF reader");
            return None;
        }
    };
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return None;
    };
    // UTF-8 takes at most four bytes a character: more than that is not kept anyway.
    let most = (EXTRACTED_TEXT_MAX_CHARS * 4) as u64;
    let wall = Duration::from_secs(settings.max_seconds.saturating_add(1));
    let finished = tokio::time::timeout(wall, async {
        let mut text = Vec::new();
        let mut why = Vec::new();
        let mut stdout = stdout.take(most);
        let mut stderr = stderr.take(4096);
        let (read, _) = tokio::join!(stdout.read_to_end(&mut text), stderr.read_to_end(&mut why));
        let status = child.wait().await;
        (read.map(|_| text), status, why)
    })
    .await;
    match finished {
        Err(_) => {
            tracing::warn!(
                limit_s = settings.max_seconds,
                "the PDF reader took too long and was stopped; the file is kept without text"
            );
            None
        }
        Ok((Ok(text), Ok(status), _)) if status.success() => {
            let text = String::from_utf8_lossy(&text);
            let bounded = bounded_text(&text);
            (!bounded.is_empty()).then_some(bounded)
        }
        Ok((_, status, why)) => {
            tracing::warn!(
                status = ?status.ok(),
                reason = %String::from_utf8_lossy(&why).trim(),
                limit_mb = settings.max_memory_bytes / (1024 * 1024),
                limit_s = settings.max_seconds,
                "the PDF reader failed or exceeded its memory or time; the file is kept without text"
            );
            None
        }
    }
}

/// `commons extract-pdf`: limits itself, reads a PDF on standard input, prints its text.
/// Runs before any runtime or thread is started, so that the limits bound all it does.
pub fn child(max_memory_bytes: u64, max_seconds: u64) -> anyhow::Result<()> {
    use rustix::process::{Resource, Rlimit, setrlimit};
    let limit = |resource, value: u64| {
        setrlimit(
            resource,
            Rlimit {
                current: Some(value),
                maximum: Some(value),
            },
        )
    };
    limit(Resource::As, max_memory_bytes)?;
    limit(Resource::Cpu, max_seconds.max(1))?;
    // No file needs opening beyond the standard streams.
    limit(Resource::Nofile, 16)?;
    let mut pdf = Vec::new();
    std::io::stdin().read_to_end(&mut pdf)?;
    let text = pdf_extract::extract_text_from_mem(&pdf)?;
    let bounded = bounded_text(&text);
    std::io::stdout().write_all(bounded.as_bytes())?;
    Ok(())
}
