//! The yearly activity report from a caisse's page: its admins submit it with a narrative
//! (the figures frozen with their digest by the API), INASTI's moderators accept it or return
//! it with what to correct. Each is one mutation run as the visitor; errors are shown next to
//! their fields on the organisation's page.

use std::net::SocketAddr;

use super::forms::{TextForm, mutate, place_errors, posted};
use super::operations as ops;
use super::organisation_page::{
    OrganisationView, organisation_page, review_report_form, shown_year,
};
use super::pages::{Failure, failure_page, percent, see_other};
use crate::WebState;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

pub async fn submit(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    let path = format!("/organisations/{}", percent(&slug));
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let t = &state.web.translations;
    let lang = visit.lang;
    let year = shown_year(&state, fields.one("year").parse().ok());
    let narrative = fields.one("narrative");
    let mut form = TextForm {
        action: format!("{path}/report"),
        text: narrative.clone(),
        error: None,
    };
    let mut view = OrganisationView {
        year: Some(year),
        ..OrganisationView::default()
    };
    if narrative.trim().is_empty() {
        form.error = Some(t.get(lang, "error_REQUIRED").to_owned());
    } else {
        let input = ops::submit_activity_report::SubmitActivityReportInput {
            year: year.into(),
            narrative,
        };
        let variables = ops::submit_activity_report::Variables { input };
        match mutate::<ops::SubmitActivityReport>(&state, &visit, variables).await {
            Ok(errors) if errors.is_empty() => {
                return see_other(
                    &format!("{path}?year={year}#report-title"),
                    &visit.set_cookies,
                );
            }
            Ok(errors) => {
                let (beside, top) = place_errors(t, lang, &errors, "narrative");
                form.error = beside;
                view.notice = top;
            }
            Err(Failure::Input(message)) => view.notice = Some(message),
            Err(Failure::Conflict) => view.notice = Some(t.get(lang, "conflict_text").to_owned()),
            Err(other) => return failure_page(&state, &visit, other, &path),
        }
    }
    view.submit = Some(form);
    organisation_page(&state, &visit, &slug, view, StatusCode::BAD_REQUEST).await
}

pub async fn review(
    State(state): State<WebState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(slug): Path<String>,
    body: Bytes,
) -> Response {
    let path = format!("/organisations/{}", percent(&slug));
    let (visit, fields) = match posted(&state, &headers, peer, &body, &path).await {
        Ok(posted) => posted,
        Err(refused) => return refused,
    };
    let t = &state.web.translations;
    let lang = visit.lang;
    let year = shown_year(&state, fields.one("year").parse().ok());
    let report = fields.one("report");
    let decision = fields.one("decision");
    let comment = fields.one("comment");
    let mut form = review_report_form(t, lang, &path, &report);
    form.comment = comment.clone();
    for c in &mut form.decisions {
        c.checked = c.value == decision;
    }
    let mut view = OrganisationView {
        year: Some(year),
        ..OrganisationView::default()
    };
    use ops::review_activity_report::{ReportDecision, ReviewActivityReportInput, Variables};
    let decision = match decision.as_str() {
        "ACCEPT" => Some(ReportDecision::ACCEPT),
        "RETURN" => Some(ReportDecision::RETURN),
        _ => None,
    };
    if let Some(decision) = decision {
        let input = ReviewActivityReportInput {
            report_id: report,
            decision,
            comment: Some(comment).filter(|c| !c.trim().is_empty()),
        };
        match mutate::<ops::ReviewActivityReport>(&state, &visit, Variables { input }).await {
            Ok(errors) if errors.is_empty() => {
                return see_other(
                    &format!("{path}?year={year}#report-title"),
                    &visit.set_cookies,
                );
            }
            Ok(errors) => {
                let (beside, top) = place_errors(t, lang, &errors, "comment");
                form.comment_error = beside;
                view.notice = top;
            }
            Err(Failure::Input(message)) => view.notice = Some(message),
            Err(Failure::Conflict) => view.notice = Some(t.get(lang, "conflict_text").to_owned()),
            Err(other) => return failure_page(&state, &visit, other, &path),
        }
    } else {
        form.decision_error = Some(t.get(lang, "error_REQUIRED").to_owned());
    }
    view.review = Some(form);
    organisation_page(&state, &visit, &slug, view, StatusCode::BAD_REQUEST).await
}
