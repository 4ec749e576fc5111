//! Peer learning from a tool's page: another organisation records that it uses the tool (or
//! stops), and reviews it. Each is one mutation run as the visitor; errors are shown next to
//! their fields on the tool's page.

use std::net::SocketAddr;

use super::confirmation;
use super::forms::{TextForm, error_text, mutate, place_errors, posted};
use super::operations as ops;
use super::pages::{Failure, failure_page, percent, see_other};
use super::tool_page::{Problems, review_form, tool_page};
use crate::WebState;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

/// `use`: the visitor's organisation uses the tool as published, with an optional note;
/// `stop`: it no longer does.
pub async fn adoption(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = format!("/tools/{}", percent(&id));
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let t = &state.web.translations;
    let lang = visit.lang;
    let note = fields.one("note");
    let mut form = TextForm {
        action: format!("{path}/adoption"),
        text: note.clone(),
        error: None,
    };
    let stopping = fields.one("action") == "stop";
    let done = if stopping {
        let input = ops::withdraw_adoption::WithdrawAdoptionInput {
            tool_id: id.clone(),
        };
        let variables = ops::withdraw_adoption::Variables { input };
        mutate::<ops::WithdrawAdoption>(&state, &visit, variables).await
    } else {
        let input = ops::adopt_tool::AdoptToolInput {
            tool_id: id.clone(),
            mode: ops::adopt_tool::AdoptionMode::AS_IS,
            note: Some(note).filter(|n| !n.trim().is_empty()),
            derived_tool_id: None,
        };
        mutate::<ops::AdoptTool>(&state, &visit, ops::adopt_tool::Variables { input }).await
    };
    let mut problems = Problems::default();
    match done {
        Ok(errors) if errors.is_empty() => {
            let change = if stopping { "stopped" } else { "adopted" };
            return see_other(&confirmation::after(&path, change), &visit.set_cookies);
        }
        Ok(errors) => {
            let (beside, top) = place_errors(t, lang, &errors, "note");
            form.error = beside;
            problems.notice = top;
        }
        Err(Failure::Input(message)) => problems.notice = Some(message),
        Err(other) => return failure_page(&state, &visit, other, &path),
    }
    problems.adopt = Some(form);
    tool_page(&state, &visit, &id, problems, StatusCode::BAD_REQUEST).await
}

/// A review in the page's language; a second one from the same organisation replaces it.
pub async fn review(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let path = format!("/tools/{}", percent(&id));
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let t = &state.web.translations;
    let lang = visit.lang;
    let rating = fields.one("rating");
    let comment = fields.one("comment");
    let mut form = review_form(t, lang, &id);
    form.comment = comment.clone();
    for c in &mut form.ratings {
        c.checked = c.value == rating;
    }
    let mut problems = Problems::default();
    match rating.parse::<i64>().ok().filter(|r| (1..=5).contains(r)) {
        None => form.rating_error = Some(t.get(lang, "error_REQUIRED").to_owned()),
        Some(rating) => {
            let input = ops::review_tool::ReviewToolInput {
                tool_id: id.clone(),
                rating,
                comment: Some(comment).filter(|c| !c.trim().is_empty()),
                lang,
            };
            let variables = ops::review_tool::Variables { input };
            match mutate::<ops::ReviewTool>(&state, &visit, variables).await {
                Ok(errors) if errors.is_empty() => {
                    let reviewed =
                        confirmation::after(&format!("{path}#reviews-title"), "reviewed");
                    return see_other(&reviewed, &visit.set_cookies);
                }
                Ok(errors) => {
                    for e in &errors {
                        let text = error_text(t, lang, e);
                        if e.concerns("comment") {
                            form.comment_error = Some(text);
                        } else if e.concerns("rating") {
                            form.rating_error = Some(text);
                        } else {
                            problems.notice = Some(text);
                        }
                    }
                }
                Err(Failure::Input(message)) => problems.notice = Some(message),
                Err(other) => return failure_page(&state, &visit, other, &path),
            }
        }
    }
    problems.review = Some(form);
    tool_page(&state, &visit, &id, problems, StatusCode::BAD_REQUEST).await
}
