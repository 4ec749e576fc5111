//! What the pages' forms share: reading a posted form, running its mutation as the visitor
//! and turning the payload's `userErrors` into words next to the fields they name.

use graphql_client::GraphQLQuery;

use super::i18n::Translations;
use super::operations::UserErrors;
use super::pages::{Failure, run};
use super::visit::Visit;
use crate::WebState;
use commons_domain::lang::Lang;

/// The fields of a form, as sent (`application/x-www-form-urlencoded`; repeated names kept).
pub(super) struct Fields(Vec<(String, String)>);

impl Fields {
    pub(super) fn parse(body: &[u8]) -> Self {
        Self(
            url::form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub(super) fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every field as posted, in order.
    pub(super) fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    pub(super) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// One of a mutation's `userErrors`.
pub(super) struct UserErrorData {
    pub field: Vec<String>,
    pub code: String,
    pub message: String,
}

impl UserErrorData {
    /// Whether the error concerns the input field `name`.
    pub(super) fn concerns(&self, name: &str) -> bool {
        self.field.iter().any(|f| f == name)
    }
}

/// The API's user errors where a one-field form shows them: the first about `field` next to
/// it, the first about anything else at the top of the page.
pub(super) fn place_errors(
    t: &Translations,
    lang: Lang,
    errors: &[UserErrorData],
    field: &str,
) -> (Option<String>, Option<String>) {
    let mut beside = None;
    let mut top = None;
    for e in errors {
        let slot = if e.concerns(field) {
            &mut beside
        } else {
            &mut top
        };
        slot.get_or_insert_with(|| error_text(t, lang, e));
    }
    (beside, top)
}

/// A form posted to change something: the visit and its fields once the session's token is
/// checked, or the answer to give (sign in first, or the form has expired).
pub(super) async fn posted(
    state: &WebState,
    headers: &axum::http::HeaderMap,
    peer: std::net::SocketAddr,
    body: &[u8],
    path: &str,
) -> Result<(Visit, Fields), axum::response::Response> {
    let visit = super::visit::visit(state, headers, peer, None).await;
    let fields = Fields::parse(body);
    match super::pages::checked(state, &visit, &fields.one("csrf"), path) {
        Some(refused) => Err(refused),
        None => Ok((visit, fields)),
    }
}

/// A user error in the page's language when we have words for its code, else the API's.
pub(super) fn error_text(t: &Translations, lang: Lang, e: &UserErrorData) -> String {
    t.find(lang, &format!("error_{}", e.code))
        .map_or_else(|| e.message.clone(), str::to_owned)
}

/// Every user error of a mutation in the page's words, as one sentence after another.
pub(super) fn errors_text(t: &Translations, lang: Lang, errors: &[UserErrorData]) -> String {
    errors
        .iter()
        .map(|e| error_text(t, lang, e))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs one of the pages' mutations as the visitor: its user errors, none when it took effect.
pub(super) async fn mutate<Q>(
    state: &WebState,
    visit: &Visit,
    variables: Q::Variables,
) -> Result<Vec<UserErrorData>, Failure>
where
    Q: GraphQLQuery,
    Q::ResponseData: UserErrors,
{
    Ok(run::<Q>(state, visit, variables).await?.user_errors())
}

/// A form of one text field (a message, a reason), with what was typed and what was wrong.
#[derive(Default)]
pub(super) struct TextForm {
    pub action: String,
    pub text: String,
    pub error: Option<String>,
}

/// One option of a `<select>` or a radio group whose values come from the data.
pub(super) struct Pick {
    pub value: String,
    pub label: String,
    pub selected: bool,
}
