//! A tool's description is Markdown written by its owner: shown as HTML built from the
//! Markdown alone. HTML in the text is shown as text, links go only to web, mail or this
//! site's addresses, images become links (the pages load nothing from elsewhere), and
//! headings start below the page's own.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Whether a link may be followed from a page: `http(s)`, `mailto`, or this site.
fn safe_destination(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
        || (lower.starts_with('/') && !lower.starts_with("//"))
        || lower.starts_with('#')
}

fn below_page_headings(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: below_page_headings(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => {
            Event::End(TagEnd::Heading(below_page_headings(level)))
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        })
        | Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: if safe_destination(&dest_url) {
                dest_url
            } else {
                CowStr::Borrowed("")
            },
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// A search passage (escaped text with the matched words in `<b>`, cut from a description's
/// Markdown) without the Markdown's marks: heading hashes, emphasis, code ticks and list
/// bullets, which read as noise out of their lines (`## Chiffres clés`).
pub fn passage_without_marks(passage: &str) -> String {
    let mut out = String::with_capacity(passage.len());
    let mut rest = passage;
    // At the passage's start or after a space or a tag, a line's marks may begin.
    let mut at_word_start = true;
    while let Some(c) = rest.chars().next() {
        if at_word_start {
            let hashes = rest.len() - rest.trim_start_matches('#').len();
            let after = &rest[hashes..];
            if (1..=6).contains(&hashes) && after.starts_with(' ') {
                rest = after.trim_start_matches(' ');
                continue;
            }
            if let Some(after) = rest.strip_prefix("* ").or_else(|| rest.strip_prefix("+ ")) {
                rest = after;
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix("**").or_else(|| rest.strip_prefix("__")) {
            rest = after;
            continue;
        }
        if let Some(after) = rest.strip_prefix('`') {
            rest = after;
            continue;
        }
        out.push(c);
        at_word_start = c.is_whitespace() || c == '>';
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_html_without_the_authors_html() {
        let html = to_html("## Au sommaire\n\n- un\n- **deux**\n\n<script>alert(1)</script>");
        assert!(html.contains("<h3>Au sommaire</h3>"), "{html}");
        assert!(html.contains("<li><strong>deux</strong></li>"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn only_safe_links_and_no_images_from_elsewhere() {
        let html = to_html(
            "[a](javascript:alert(1)) [b](https://inasti.be) ![c](https://x.example/p.png)",
        );
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"https://inasti.be\""), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("href=\"https://x.example/p.png\""), "{html}");
    }

    #[test]
    fn a_passage_loses_the_markdown_marks_and_keeps_its_words_and_highlights() {
        assert_eq!(
            passage_without_marks("## Chiffres clés **<b>stress</b>** au `travail` * un point"),
            "Chiffres clés <b>stress</b> au travail un point"
        );
        assert_eq!(passage_without_marks("### <b>Slaap</b>"), "<b>Slaap</b>");
        // Entities, numbers and hyphens are the text's own.
        assert_eq!(
            passage_without_marks("l&#x27;indépendant, n° 1813 - 24 h #1"),
            "l&#x27;indépendant, n° 1813 - 24 h #1"
        );
    }
}
