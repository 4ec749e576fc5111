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
}
