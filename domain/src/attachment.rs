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

impl FileKind {
    /// The extensions a file of this kind may be named with; the first is the one given to a
    /// file whose name has none of them.
    fn extensions(self, media_type: &str) -> &'static [&'static str] {
        match (self, media_type) {
            (FileKind::Pdf, _) => &["pdf"],
            (FileKind::Office, m) if m.ends_with("wordprocessingml.document") => &["docx"],
            (FileKind::Office, m) if m.ends_with("spreadsheetml.sheet") => &["xlsx"],
            (FileKind::Office, m) if m.ends_with("presentationml.presentation") => &["pptx"],
            (FileKind::Office, "application/msword") => &["doc"],
            (FileKind::Office, "application/vnd.ms-excel") => &["xls"],
            (FileKind::Office, _) => &["ppt"],
            (FileKind::OpenDocument, m) if m.ends_with(".text") => &["odt"],
            (FileKind::OpenDocument, m) if m.ends_with(".spreadsheet") => &["ods"],
            (FileKind::OpenDocument, _) => &["odp"],
            (FileKind::PlainText, _) => &["txt", "csv", "tsv", "text"],
            (FileKind::Markdown, _) => &["md", "markdown"],
            (FileKind::Png, _) => &["png"],
            (FileKind::Jpeg, _) => &["jpg", "jpeg"],
            (FileKind::WebP, _) => &["webp"],
            (FileKind::Mp4, _) => &["mp4", "m4v"],
            (FileKind::Zip, _) => &["zip"],
        }
    }
}

/// Extensions that make a system run or render the file rather than open it as a document:
/// programs, scripts, installers, shortcuts, and markup a browser would execute. A file named
/// so is refused whatever its content, so that nobody downloads `guide.hta` from the network.
const EXECUTABLE_EXTENSIONS: &[&str] = &[
    "exe",
    "com",
    "scr",
    "pif",
    "msi",
    "msp",
    "msc",
    "cpl",
    "dll",
    "sys",
    "drv",
    "ocx",
    "bat",
    "cmd",
    "ps1",
    "psm1",
    "psd1",
    "ps1xml",
    "vb",
    "vbs",
    "vbe",
    "js",
    "jse",
    "mjs",
    "cjs",
    "wsf",
    "wsh",
    "wsc",
    "sct",
    "hta",
    "htm",
    "html",
    "xhtml",
    "shtml",
    "svg",
    "xml",
    "xsl",
    "mht",
    "mhtml",
    "sh",
    "bash",
    "zsh",
    "csh",
    "ksh",
    "command",
    "app",
    "pkg",
    "dmg",
    "deb",
    "rpm",
    "apk",
    "appx",
    "msix",
    "jar",
    "class",
    "py",
    "pyw",
    "pl",
    "rb",
    "php",
    "lnk",
    "url",
    "inf",
    "reg",
    "scf",
    "application",
    "gadget",
    "iso",
    "img",
    "vhd",
    "vhdx",
    "chm",
    "hlp",
    "library-ms",
    "settingcontent-ms",
    "desktop",
    "appimage",
    "elf",
    "bin",
    "run",
    "swf",
];

/// Why a file name is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a file named .{0} could be run when opened; Commons does not keep programs or scripts")]
pub struct ExecutableName(pub String);

/// The name a file is stored and served under: the sanitised name, with an extension that
/// says what the content is. A name ending in a program's or script's extension is refused;
/// a name with another type's extension gets the content's instead (`notes.docx` holding a
/// PDF is `notes.pdf`), and a name with none gets one (`notes` holding text is `notes.txt`).
pub fn stored_file_name(sanitised: &str, sniffed: &Sniffed) -> Result<String, ExecutableName> {
    let allowed = sniffed.kind.extensions(&sniffed.media_type);
    let (stem, extension) = match sanitised.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => {
            (stem, Some(ext.to_lowercase()))
        }
        _ => (sanitised, None),
    };
    if let Some(ext) = &extension {
        if EXECUTABLE_EXTENSIONS.contains(&ext.as_str()) {
            return Err(ExecutableName(ext.clone()));
        }
        if allowed.contains(&ext.as_str()) {
            return Ok(sanitised.to_owned());
        }
    }
    let known_elsewhere = extension
        .as_deref()
        .is_some_and(|ext| ALL_EXTENSIONS.contains(&ext));
    let base = if known_elsewhere { stem } else { sanitised };
    let canonical = allowed.first().copied().unwrap_or("bin");
    let stem: String = base
        .chars()
        .take(FILE_NAME_MAX_CHARS - canonical.len() - 1)
        .collect();
    Ok(format!("{stem}.{canonical}"))
}

/// Every extension some accepted kind is named with.
const ALL_EXTENSIONS: &[&str] = &[
    "pdf", "docx", "xlsx", "pptx", "doc", "xls", "ppt", "odt", "ods", "odp", "txt", "csv", "tsv",
    "text", "md", "markdown", "png", "jpg", "jpeg", "webp", "mp4", "m4v", "zip",
];

/// Unicode format characters (category Cf) and other invisibles: bidirectional overrides and
/// isolates that make `gpj.exe` display as `exe.jpg`, zero-width characters, tags.
fn is_format_char(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x2028..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
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
/// control, format (bidirectional, zero-width) or quoting characters, no leading dots, bounded
/// length; `file` if nothing is left.
pub fn sanitise_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !is_format_char(*c))
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
    fn names_lose_bidirectional_and_invisible_characters() {
        // "invoice\u{202E}fdp.exe" displays as "invoiceexe.pdf".
        assert_eq!(
            sanitise_file_name("invoice\u{202E}fdp.exe"),
            "invoicefdp.exe"
        );
        assert_eq!(
            sanitise_file_name("gu\u{200B}ide\u{2066}.pdf\u{2069}"),
            "guide.pdf"
        );
        assert_eq!(sanitise_file_name("\u{FEFF}notes.txt"), "notes.txt");
    }

    fn sniffed(kind: FileKind, media_type: &str) -> Sniffed {
        Sniffed {
            kind,
            media_type: media_type.to_owned(),
        }
    }

    #[test]
    fn the_stored_name_says_what_the_content_is() {
        let text = sniffed(FileKind::PlainText, "text/plain; charset=utf-8");
        let pdf = sniffed(FileKind::Pdf, "application/pdf");
        assert_eq!(stored_file_name("notes.txt", &text), Ok("notes.txt".into()));
        assert_eq!(stored_file_name("notes", &text), Ok("notes.txt".into()));
        assert_eq!(stored_file_name("guide.docx", &pdf), Ok("guide.pdf".into()));
        assert_eq!(
            stored_file_name("guide.v2", &pdf),
            Ok("guide.v2.pdf".into())
        );
        assert_eq!(stored_file_name("Guide.PDF", &pdf), Ok("Guide.PDF".into()));
        for name in [
            "guide.hta",
            "run.js",
            "setup.bat",
            "x.ps1",
            "page.html",
            "a.SVG",
        ] {
            assert!(stored_file_name(name, &text).is_err(), "{name}");
        }
        assert_eq!(
            stored_file_name("x.ps1", &text),
            Err(ExecutableName("ps1".into()))
        );
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
