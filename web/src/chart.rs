//! Charts drawn on the server as SVG: no script, nothing fetched, readable by a screen reader
//! through its title and description (each chart is shown beside a table of the same figures).

use std::fmt::Write;

/// One bar: its label, its value and whether it is drawn as required (the law's mandatory
/// categories).
pub(super) struct Bar {
    pub label: String,
    pub value: i64,
    pub emphasis: bool,
}

const WIDTH: i64 = 640;
const LABEL_WIDTH: i64 = 260;
const BAR_HEIGHT: i64 = 24;
const GAP: i64 = 10;
const VALUE_WIDTH: i64 = 40;

/// A horizontal bar chart of `bars`, with `title` and `description` for assistive technology.
/// Labels are escaped; the scale is the largest value (at least 1, so zeros draw no bar).
pub(super) fn bar_chart(id: &str, title: &str, description: &str, bars: &[Bar]) -> String {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let height = bars.len() as i64 * (BAR_HEIGHT + GAP) + GAP;
    // Room for the largest value's digits after its bar, so that a large figure is not cut.
    let value_width = (max.to_string().len() as i64 * 8 + 10).max(VALUE_WIDTH);
    let room = WIDTH - LABEL_WIDTH - value_width;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(description),
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = GAP + i as i64 * (BAR_HEIGHT + GAP);
        let length = bar.value.max(0) * room / max;
        let class = if bar.emphasis { "bar mandatory" } else { "bar" };
        let _ = write!(
            svg,
            r#"<text x="{x}" y="{ty}" text-anchor="end" class="label">{label}</text><rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" class="{class}"/><text x="{vx}" y="{ty}" class="value">{value}</text>"#,
            x = LABEL_WIDTH - 8,
            ty = y + BAR_HEIGHT - 7,
            label = escape(&bar.label),
            vx = LABEL_WIDTH + length + 6,
            value = bar.value,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Text as SVG (XML) content or attribute value.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<Bar> {
        vec![
            Bar {
                label: "Awareness & <promotion>".into(),
                value: 4,
                emphasis: true,
            },
            Bar {
                label: "Early detection".into(),
                value: 2,
                emphasis: false,
            },
            Bar {
                label: "Front-line training".into(),
                value: 0,
                emphasis: false,
            },
        ]
    }

    #[test]
    fn bars_are_drawn_to_scale_with_the_largest_filling_the_room() {
        let svg = bar_chart("c", "Offerings", "per category", &bars());
        let room = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
        assert!(svg.contains(&format!("width=\"{room}\"")), "{svg}");
        assert!(svg.contains(&format!("width=\"{}\"", room / 2)), "{svg}");
        assert!(svg.contains("width=\"0\""), "a zero draws no bar: {svg}");
        assert_eq!(svg.matches("<rect").count(), 3);
        assert_eq!(svg.matches("class=\"bar mandatory\"").count(), 1);
    }

    #[test]
    fn a_large_value_keeps_room_for_its_digits() {
        let bars = [Bar {
            label: "2024".into(),
            value: 1_234_567,
            emphasis: false,
        }];
        let svg = bar_chart("c", "People", "per year", &bars);
        // Seven digits take 66 units after the bar, which ends that much before the edge.
        let room = WIDTH - LABEL_WIDTH - (7 * 8 + 10);
        assert!(svg.contains(&format!("width=\"{room}\"")), "{svg}");
        assert!(
            svg.contains(&format!("x=\"{}\"", LABEL_WIDTH + room + 6)),
            "{svg}"
        );
    }

    #[test]
    fn labels_and_titles_are_escaped() {
        let svg = bar_chart("c", "A \"title\" <b>", "x", &bars());
        assert!(svg.contains("Awareness &amp; &lt;promotion&gt;"), "{svg}");
        assert!(svg.contains("A &quot;title&quot; &lt;b&gt;"), "{svg}");
        assert!(!svg.contains("<promotion>") && !svg.contains("<b>"));
    }

    #[test]
    fn an_empty_chart_is_still_a_valid_picture() {
        let svg = bar_chart("c", "t", "d", &[]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("viewBox=\"0 0 640 10\""), "{svg}");
    }
}
