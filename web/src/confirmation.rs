//! What a page says after a change went through: a success banner naming what happened and
//! what comes next (the public-service pattern of a confirmation after every action), carried
//! by the redirect's `done` parameter. Only the changes named here have words; any other value
//! shows nothing, so a link cannot make a page say something of its own.

use commons_domain::lang::Lang;

use super::i18n::Translations;

/// The changes a page confirms.
const CHANGES: [&str; 24] = [
    "saved",
    "submitted",
    "confirmed",
    "attached",
    "adopted",
    "stopped",
    "reviewed",
    "reported",
    "resolved",
    "appealed",
    "appeal_decided",
    "translations_asked",
    "translation_offered",
    "translation_accepted",
    "translation_declined",
    "mail_saved",
    "decided_APPROVE",
    "decided_REQUEST_CHANGES",
    "decided_REJECT",
    "indicators_saved",
    "evaluation_recorded",
    "evaluation_approved",
    "evaluation_published",
    "advice_recorded",
];

/// A success banner: what happened, and what happens next.
pub(super) struct Banner {
    pub title: String,
    pub next: String,
}

/// The address to send the browser to after `change`: `path` with `done=change`, before any
/// `#fragment`.
pub(super) fn after(path: &str, change: &str) -> String {
    let (address, fragment) = path
        .split_once('#')
        .map_or((path, None), |(a, f)| (a, Some(f)));
    let joiner = if address.contains('?') { '&' } else { '?' };
    match fragment {
        Some(f) => format!("{address}{joiner}done={change}#{f}"),
        None => format!("{address}{joiner}done={change}"),
    }
}

/// The banner for a `done` parameter, if it names a change this module knows.
pub(super) fn banner(t: &Translations, lang: Lang, done: Option<&str>) -> Option<Banner> {
    let change = CHANGES.into_iter().find(|c| Some(*c) == done)?;
    Some(Banner {
        title: t.get(lang, &format!("done_{change}_title")).to_owned(),
        next: t.get(lang, &format!("done_{change}_next")).to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_change_goes_before_the_fragment() {
        assert_eq!(after("/tools/1", "saved"), "/tools/1?done=saved");
        assert_eq!(
            after("/tools/1#files-title", "attached"),
            "/tools/1?done=attached#files-title"
        );
        assert_eq!(
            after("/moderation?after=x", "decided_REJECT"),
            "/moderation?after=x&done=decided_REJECT"
        );
    }

    #[test]
    fn every_change_has_words_in_four_languages_and_nothing_else_shows() {
        let t = match Translations::load() {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        for lang in Lang::ALL {
            for change in CHANGES {
                let banner = banner(&t, lang, Some(change)).unwrap_or_else(|| panic!("{change}"));
                assert!(!banner.title.starts_with("done_"), "{lang:?} {change}");
                assert!(!banner.next.starts_with("done_"), "{lang:?} {change}");
            }
            assert!(banner(&t, lang, Some("<script>")).is_none());
            assert!(banner(&t, lang, None).is_none());
        }
    }
}
