//! The words of mail: a notification, a week's digest and an address's confirmation, in the
//! person's language, from the pages' own translations (a notification says in a message what
//! it says on `/notifications`). Plain text: every mail client shows it, no markup to escape.

use std::sync::Arc;

use commons_domain::lang::Lang;
use commons_service::mail::{Letter, MailItem, MailWords};

use super::i18n::{Translations, fill};
use super::notifications::said;
use super::tool_page::day;

struct Words(Translations);

/// The words of mail, for the service to write messages with.
pub fn mail_words() -> anyhow::Result<Arc<dyn MailWords>> {
    Ok(Arc::new(Words(Translations::load()?)))
}

impl Words {
    /// One notification in a line or two: what happened, on which tool, and why.
    fn item(&self, lang: Lang, item: &MailItem) -> (String, Vec<String>) {
        let t = &self.0;
        let (text, reason) = said(t, lang, item.kind.as_str(), &item.details.to_string());
        let mut more = Vec::new();
        if let Some(title) = &item.tool_title {
            more.push(fill(t.get(lang, "mail_tool"), &[("title", title)]));
        }
        if let Some(reason) = reason {
            more.push(fill(t.get(lang, "mail_reason"), &[("reason", &reason)]));
        }
        (text, more)
    }
}

impl MailWords for Words {
    fn write(&self, lang: Lang, letter: &Letter<'_>) -> (String, String) {
        let t = &self.0;
        match letter {
            Letter::Notification {
                item,
                link,
                unsubscribe,
            } => {
                let (text, more) = self.item(lang, item);
                let subject = match &item.tool_title {
                    Some(title) => format!("Commons — {text} — {title}"),
                    None => format!("Commons — {text}"),
                };
                let mut body = vec![text];
                body.extend(more);
                body.push(String::new());
                body.push(fill(t.get(lang, "mail_open"), &[("link", link)]));
                body.push(String::new());
                body.push(t.get(lang, "mail_footer_immediate").to_owned());
                body.push((*unsubscribe).to_owned());
                (subject, body.join("\n") + "\n")
            }
            Letter::Digest {
                items,
                more,
                link,
                unsubscribe,
            } => {
                let total = items.len() as i64 + *more as i64;
                let subject = t.count(lang, "mail_digest_subject", total);
                let mut body = vec![t.get(lang, "mail_digest_intro").to_owned(), String::new()];
                for item in *items {
                    let (text, more) = self.item(lang, item);
                    body.push(format!(
                        "- {} — {text}",
                        day(t, lang, &item.at.to_rfc3339())
                    ));
                    body.extend(more.into_iter().map(|m| format!("  {m}")));
                }
                if *more > 0 {
                    body.push(String::new());
                    body.push(t.count(lang, "mail_digest_more", *more as i64));
                }
                body.push(String::new());
                body.push(fill(t.get(lang, "mail_open"), &[("link", link)]));
                body.push(String::new());
                body.push(t.get(lang, "mail_footer_digest").to_owned());
                body.push((*unsubscribe).to_owned());
                (subject, body.join("\n") + "\n")
            }
            Letter::Confirmation { link } => (
                t.get(lang, "mail_confirm_subject").to_owned(),
                format!(
                    "{}\n\n{link}\n\n{}\n",
                    t.get(lang, "mail_confirm_text"),
                    t.get(lang, "mail_confirm_ignore")
                ),
            ),
        }
    }
}
