//! Attachments: the files behind a tool (a self-scan's PDF, a facilitator's guide, slides, an
//! e-learning package). What a file is gets decided by its content, never by its name.

use chrono::{DateTime, Utc};

use super::lang::Lang;

pub const TITLE_MAX_CHARS: usize = 200;
pub const FILE_NAME_MAX_CHARS: usize = 120;
/// Extracted text kept for search per file: enough for any self-scan or guide, bounded for
/// the index.
pub const EXTRACTED_TEXT_MAX_CHARS: usize = 200_000;
/// How much of the head of a file the type is decided on.
pub const SNIFF_BYTES: usize = 8 * 1024;

/// The kinds of file Commons accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    /// Word, Excel, PowerPoint: OOXML and the older binary formats.
    Office,
    /// Text, spreadsheet and presentation documents of OpenDocument.
    OpenDocument,
    PlainText,
    Markdown,
    Png,
    Jpeg,
    WebP,
    Mp4,
    /// E-learning packages (SCORM and the like).
    Zip,
}

impl FileKind {
    /// Text that search can read: extracted from PDFs, taken as it is from text files.
    pub fn has_searchable_text(self) -> bool {
        matches!(
            self,
            FileKind::Pdf | FileKind::PlainText | FileKind::Markdown
        )
    }
}

/// The media types Commons serves, as decided from the content.
const ALLOWED: &[(&str, FileKind)] = &[
    ("application/pdf", FileKind::Pdf),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        FileKind::Office,
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        FileKind::Office,
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        FileKind::Office,
    ),
    ("application/msword", FileKind::Office),
    ("application/vnd.ms-excel", FileKind::Office),
    ("application/vnd.ms-powerpoint", FileKind::Office),
    (
        "application/vnd.oasis.opendocument.text",
        FileKind::OpenDocument,
    ),
    (
        "application/vnd.oasis.opendocument.spreadsheet",
        FileKind::OpenDocument,
    ),
    (
        "application/vnd.oasis.opendocument.presentation",
        FileKind::OpenDocument,
    ),
    ("image/png", FileKind::Png),
    ("image/jpeg", FileKind::Jpeg),
    ("image/webp", FileKind::WebP),
    ("video/mp4", FileKind::Mp4),
    ("application/zip", FileKind::Zip),
];

/// What the content turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sniffed {
    pub kind: FileKind,
    pub media_type: String,
}

/// Decides a file's type from what its content says: `detected` is the media type its magic
/// bytes name, if any; `utf8_text` whether the whole file is UTF-8 text without NUL bytes.
/// Returns `Err` with what was found when the type is not accepted.
pub fn decide_type(
    detected: Option<&str>,
    utf8_text: bool,
    file_name: &str,
) -> Result<Sniffed, String> {
    if let Some(media_type) = detected {
        return ALLOWED
            .iter()
            .find(|(m, _)| *m == media_type)
            .map(|(m, kind)| Sniffed {
                kind: *kind,
                media_type: (*m).to_owned(),
            })
            .ok_or_else(|| media_type.to_owned());
    }
    if utf8_text {
        let lower = file_name.to_lowercase();
        let markdown = lower.ends_with(".md") || lower.ends_with(".markdown");
        return Ok(if markdown {
            Sniffed {
                kind: FileKind::Markdown,
                media_type: "text/markdown; charset=utf-8".to_owned(),
            }
        } else {
            Sniffed {
                kind: FileKind::PlainText,
                media_type: "text/plain; charset=utf-8".to_owned(),
            }
        });
    }
    Err("unrecognised binary content".to_owned())
}

/// A file name safe to store and to send back in `Content-Disposition`: no directories, no
/// control or quoting characters, no leading dots, bounded length; `file` if nothing is left.
pub fn sanitise_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_control()
                || matches!(
                    c,
                    '"' | '\'' | '<' | '>' | ':' | '|' | '?' | '*' | ';' | '%'
                )
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    let bounded: String = if trimmed.chars().count() > FILE_NAME_MAX_CHARS {
        // Keep the extension: it is what people recognise.
        let (stem, ext) = match trimmed.rsplit_once('.') {
            Some((s, e)) if e.chars().count() <= 10 => (s, Some(e)),
            _ => (trimmed, None),
        };
        let room = FILE_NAME_MAX_CHARS - ext.map_or(0, |e| e.chars().count() + 1);
        let stem: String = stem.chars().take(room).collect();
        match ext {
            Some(e) => format!("{stem}.{e}"),
            None => stem,
        }
    } else {
        trimmed.to_owned()
    };
    if bounded.is_empty() {
        "file".to_owned()
    } else {
        bounded
    }
}

/// A file attached to one or more revisions of a tool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub id: i64,
    pub tool_id: i64,
    /// The SHA-256 of the content, hex: the object's key and the download's ETag.
    pub sha256: String,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub title: String,
    pub lang: Lang,
    pub uploaded_by: i64,
    pub uploaded_at: DateTime<Utc>,
}

/// An attachment with the text search reads in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentText {
    pub attachment_id: i64,
    pub lang: Lang,
    pub text: String,
}

/// Cuts extracted text to the size kept for search, on a character boundary.
pub fn bounded_text(text: &str) -> String {
    let normalised: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    normalised.chars().take(EXTRACTED_TEXT_MAX_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_decides_the_type_not_the_name() {
        assert_eq!(
            decide_type(Some("application/pdf"), false, "guide.exe").map(|s| s.kind),
            Ok(FileKind::Pdf)
        );
        assert_eq!(
            decide_type(Some("application/x-executable"), false, "guide.pdf"),
            Err("application/x-executable".to_owned())
        );
        assert_eq!(
            decide_type(
                Some("application/vnd.microsoft.portable-executable"),
                false,
                "x.pdf"
            ),
            Err("application/vnd.microsoft.portable-executable".to_owned())
        );
        assert!(decide_type(None, false, "notes.txt").is_err());
    }

    #[test]
    fn text_is_markdown_by_its_extension_and_plain_otherwise() {
        assert_eq!(
            decide_type(None, true, "README.md").map(|s| s.kind),
            Ok(FileKind::Markdown)
        );
        assert_eq!(
            decide_type(None, true, "notes").map(|s| s.kind),
            Ok(FileKind::PlainText)
        );
    }

    #[test]
    fn file_names_lose_paths_and_dangerous_characters() {
        assert_eq!(sanitise_file_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitise_file_name("C:\\Users\\x\\guide.pdf"), "guide.pdf");
        assert_eq!(sanitise_file_name("a\"b\r\nc;d.pdf"), "a_b__c_d.pdf");
        assert_eq!(sanitise_file_name("..."), "file");
        assert_eq!(sanitise_file_name(".htaccess"), "htaccess");
        assert_eq!(
            sanitise_file_name("Auto-test du stress.pdf"),
            "Auto-test du stress.pdf"
        );
        let long = format!("{}.pdf", "é".repeat(300));
        let s = sanitise_file_name(&long);
        assert_eq!(s.chars().count(), FILE_NAME_MAX_CHARS);
        assert!(s.ends_with(".pdf"));
    }

    #[test]
    fn extracted_text_is_bounded_and_its_spacing_normalised() {
        assert_eq!(bounded_text("  a \n\n b\tc "), "a b c");
        let long = "mot ".repeat(EXTRACTED_TEXT_MAX_CHARS);
        assert_eq!(
            bounded_text(&long).chars().count(),
            EXTRACTED_TEXT_MAX_CHARS
        );
    }
}
