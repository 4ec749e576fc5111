//! Tools: what caisses and partners share (self-scans, workshop formats, training modules …),
//! their content, and the rules that content must follow.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};

use super::lang::{Lang, LocalisedText};
use super::validation::{self, FieldError, FieldErrorCode, Validator};

named_enum!(ToolKind {
    SelfScan = "SELF_SCAN",
    WorkshopFormat = "WORKSHOP_FORMAT",
    TrainingModule = "TRAINING_MODULE",
    ELearning = "E_LEARNING",
    CoachingProgramme = "COACHING_PROGRAMME",
    PeerGroup = "PEER_GROUP",
    Guide = "GUIDE",
    SurveyBarometer = "SURVEY_BAROMETER",
    Conference = "CONFERENCE",
    Other = "OTHER",
});

named_enum!(
    /// The five service categories of the law (art. 20 §1 al. 4 d) RD n° 38).
    ServiceCategory {
        AwarenessPromotion = "AWARENESS_PROMOTION",
        OrientationSupport = "ORIENTATION_SUPPORT",
        EarlyDetection = "EARLY_DETECTION",
        SecondaryPrevention = "SECONDARY_PREVENTION",
        FrontlineTraining = "FRONTLINE_TRAINING",
    }
);

impl ServiceCategory {
    /// Every caisse must offer the mandatory categories; at least one optional one besides.
    pub fn is_mandatory(self) -> bool {
        matches!(
            self,
            ServiceCategory::AwarenessPromotion | ServiceCategory::OrientationSupport
        )
    }
}

named_enum!(Audience {
    AllSelfEmployed = "ALL_SELF_EMPLOYED",
    /// The caisse's own front-line staff: training is a means for them, not a service to the
    /// self-employed.
    CaisseStaff = "CAISSE_STAFF",
    PrimoStarters = "PRIMO_STARTERS",
    HelpingSpouses = "HELPING_SPOUSES",
    SecondaryActivity = "SECONDARY_ACTIVITY",
    Sectors = "SECTORS",
});

named_enum!(DeliveryMode {
    Individual = "INDIVIDUAL",
    Group = "GROUP",
    PeerNetwork = "PEER_NETWORK",
});

named_enum!(DeliveryFormat {
    Online = "ONLINE",
    InPerson = "IN_PERSON",
    Hybrid = "HYBRID",
});

named_enum!(Scope {
    Local = "LOCAL",
    Regional = "REGIONAL",
    National = "NATIONAL",
});

named_enum!(
    /// Who may read a tool once it is published.
    Visibility {
        /// Anyone, also without signing in.
        Public = "PUBLIC",
        /// Every signed-in organisation of the network.
        Network = "NETWORK",
        /// The owner only: work in progress that is never submitted.
        Organisation = "ORGANISATION",
    }
);

named_enum!(
    /// Where one revision stands in the workflow.
    RevisionStatus {
        Draft = "DRAFT",
        InReview = "IN_REVIEW",
        ChangesRequested = "CHANGES_REQUESTED",
        Rejected = "REJECTED",
        Published = "PUBLISHED",
        /// A draft replaced by a later edit, or a published revision replaced by a later approval.
        Superseded = "SUPERSEDED",
    }
);

named_enum!(
    /// Where the tool as a whole stands: live, archived, withdrawn, or its latest revision's state.
    ToolStatus {
        Draft = "DRAFT",
        InReview = "IN_REVIEW",
        ChangesRequested = "CHANGES_REQUESTED",
        Rejected = "REJECTED",
        Published = "PUBLISHED",
        Archived = "ARCHIVED",
        Withdrawn = "WITHDRAWN",
    }
);

named_enum!(Lifecycle {
    Active = "ACTIVE",
    Archived = "ARCHIVED",
    Withdrawn = "WITHDRAWN",
});

named_enum!(Decision {
    Approve = "APPROVE",
    RequestChanges = "REQUEST_CHANGES",
    Reject = "REJECT",
    Withdraw = "WITHDRAW",
    /// A review of the tool hidden as abusive.
    HideReview = "HIDE_REVIEW",
    /// The tool marked out of date on a report: due for review now.
    MarkOutdated = "MARK_OUTDATED",
    /// An appeal against an earlier decision, decided: the decision stands.
    AppealUpheld = "APPEAL_UPHELD",
    /// An appeal against an earlier decision, decided: it is undone.
    AppealOverturned = "APPEAL_OVERTURNED",
    /// Reports of the tool or of one of its reviews looked at: nothing to change.
    DismissReports = "DISMISS_REPORTS",
});

/// The law's quality criteria, as the owner documents them. Every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QualityDocumentation {
    pub demand_driven: Option<String>,
    pub professional_and_private_context: Option<String>,
    pub cooperation_partners: Option<String>,
    pub accessibility: Option<String>,
    pub scientific_basis: Option<String>,
    pub references: Option<String>,
    pub evaluation_results: Option<String>,
}

impl QualityDocumentation {
    pub fn fields(&self) -> [(&'static str, &Option<String>); 7] {
        [
            ("demandDriven", &self.demand_driven),
            (
                "professionalAndPrivateContext",
                &self.professional_and_private_context,
            ),
            ("cooperationPartners", &self.cooperation_partners),
            ("accessibility", &self.accessibility),
            ("scientificBasis", &self.scientific_basis),
            ("references", &self.references),
            ("evaluationResults", &self.evaluation_results),
        ]
    }
}

/// The title, summary and body of a tool in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    pub lang: Lang,
    pub title: String,
    pub summary: String,
    /// Markdown.
    pub body: String,
}

/// How a tool is licensed for reuse by others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Licence {
    /// An SPDX licence identifier such as `CC-BY-4.0`.
    Spdx(String),
    /// Reuse by agreement with the owner.
    OnRequest,
}

impl Licence {
    pub const ON_REQUEST: &'static str = "ON_REQUEST";

    pub fn as_str(&self) -> &str {
        match self {
            Licence::Spdx(id) => id,
            Licence::OnRequest => Self::ON_REQUEST,
        }
    }

    pub fn parse(field: &[&str], raw: &str) -> Result<Licence, FieldError> {
        let raw = raw.trim();
        if raw == Self::ON_REQUEST {
            return Ok(Licence::OnRequest);
        }
        match spdx::license_id(raw) {
            Some(id) => Ok(Licence::Spdx(id.name.to_owned())),
            None => Err(FieldError::new(
                field,
                FieldErrorCode::InvalidFormat,
                format!(
                    "{raw} is not an SPDX licence identifier (such as CC-BY-4.0) nor ON_REQUEST"
                ),
            )),
        }
    }

    pub fn from_stored(s: String) -> Licence {
        if s == Self::ON_REQUEST {
            Licence::OnRequest
        } else {
            Licence::Spdx(s)
        }
    }
}

/// Everything an owner writes about a tool: the content of one revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolContent {
    pub kind: ToolKind,
    pub categories: BTreeSet<ServiceCategory>,
    pub translations: Vec<Translation>,
    pub audiences: BTreeSet<Audience>,
    pub sectors: Vec<String>,
    pub delivery_modes: BTreeSet<DeliveryMode>,
    pub delivery_formats: BTreeSet<DeliveryFormat>,
    pub scopes: BTreeSet<Scope>,
    pub duration: Option<String>,
    /// What the self-employed person pays, in euro with at most two decimals; `None` is free.
    pub cost_eur: Option<String>,
    pub quality: QualityDocumentation,
    pub licence: Licence,
    pub contact: Option<String>,
    pub tags: Vec<String>,
    pub visibility: Visibility,
}

impl ToolContent {
    pub fn languages(&self) -> BTreeSet<Lang> {
        self.translations.iter().map(|t| t.lang).collect()
    }

    fn text(&self, pick: impl Fn(&Translation) -> &str) -> LocalisedText {
        self.translations
            .iter()
            .map(|t| (t.lang, pick(t).to_owned()))
            .collect()
    }

    pub fn titles(&self) -> LocalisedText {
        self.text(|t| &t.title)
    }

    pub fn summaries(&self) -> LocalisedText {
        self.text(|t| &t.summary)
    }

    pub fn bodies(&self) -> LocalisedText {
        self.text(|t| &t.body)
    }
}

pub const TITLE_MAX_CHARS: usize = 200;
pub const SUMMARY_MAX_CHARS: usize = 1_000;
pub const BODY_MAX_BYTES: usize = 100 * 1024;
pub const TAGS_MAX: usize = 20;
pub const TAG_MAX_CHARS: usize = 50;
pub const SECTORS_MAX: usize = 20;
pub const SHORT_TEXT_MAX_CHARS: usize = 200;
pub const QUALITY_MAX_CHARS: usize = 10_000;

/// A tool's content as a caller sends it, before validation.
#[derive(Clone, Debug, Default)]
pub struct ToolDraft {
    pub kind: Option<ToolKind>,
    pub categories: Vec<ServiceCategory>,
    pub translations: Vec<Translation>,
    pub audiences: Vec<Audience>,
    pub sectors: Vec<String>,
    pub delivery_modes: Vec<DeliveryMode>,
    pub delivery_formats: Vec<DeliveryFormat>,
    pub scopes: Vec<Scope>,
    pub duration: Option<String>,
    pub cost_eur: Option<String>,
    pub quality: QualityDocumentation,
    pub licence: String,
    pub contact: Option<String>,
    pub tags: Vec<String>,
    pub visibility: Option<Visibility>,
}

/// Validates a whole draft; every mistake is reported, under `content.<field>`.
pub fn validate(draft: ToolDraft) -> Result<ToolContent, Vec<FieldError>> {
    let mut v = Validator::new();
    let at = |f: &'static str| -> [&'static str; 2] { ["content", f] };

    let kind = draft.kind;
    if kind.is_none() {
        v.push(FieldError::new(
            &at("kind"),
            FieldErrorCode::Required,
            "choose a kind of tool",
        ));
    }
    let categories: BTreeSet<ServiceCategory> = draft.categories.into_iter().collect();
    if categories.is_empty() {
        v.push(FieldError::new(
            &at("categories"),
            FieldErrorCode::Required,
            "name at least one service category",
        ));
    }
    let translations = validate_translations(&mut v, draft.translations);

    let sectors = clean_list(
        &mut v,
        "sectors",
        draft.sectors,
        SECTORS_MAX,
        SHORT_TEXT_MAX_CHARS,
    );
    let tags = clean_list(&mut v, "tags", draft.tags, TAGS_MAX, TAG_MAX_CHARS);
    let duration = v.check(validation::optional_text(
        &at("duration"),
        draft.duration.as_deref(),
        SHORT_TEXT_MAX_CHARS,
    ));
    let contact = v.check(validation::optional_text(
        &at("contact"),
        draft.contact.as_deref(),
        SHORT_TEXT_MAX_CHARS,
    ));
    let cost_eur = v.check(cost(&at("costEur"), draft.cost_eur.as_deref()));
    let licence = v.check(Licence::parse(&at("licence"), &draft.licence));
    let mut quality = QualityDocumentation::default();
    {
        let q = draft.quality;
        let mut field = |name: &'static str, value: Option<String>| {
            v.check(validation::optional_text(
                &["content", "quality", name],
                value.as_deref(),
                QUALITY_MAX_CHARS,
            ))
            .flatten()
        };
        quality.demand_driven = field("demandDriven", q.demand_driven);
        quality.professional_and_private_context = field(
            "professionalAndPrivateContext",
            q.professional_and_private_context,
        );
        quality.cooperation_partners = field("cooperationPartners", q.cooperation_partners);
        quality.accessibility = field("accessibility", q.accessibility);
        quality.scientific_basis = field("scientificBasis", q.scientific_basis);
        quality.references = field("references", q.references);
        quality.evaluation_results = field("evaluationResults", q.evaluation_results);
    }
    v.finish()?;
    match (kind, translations, duration, contact, cost_eur, licence) {
        (
            Some(kind),
            Some(translations),
            Some(duration),
            Some(contact),
            Some(cost_eur),
            Some(licence),
        ) => Ok(ToolContent {
            kind,
            categories,
            translations,
            audiences: draft.audiences.into_iter().collect(),
            sectors,
            delivery_modes: draft.delivery_modes.into_iter().collect(),
            delivery_formats: draft.delivery_formats.into_iter().collect(),
            scopes: draft.scopes.into_iter().collect(),
            duration,
            cost_eur,
            quality,
            licence,
            contact,
            tags,
            visibility: draft.visibility.unwrap_or(Visibility::Network),
        }),
        _ => Err(vec![FieldError::new(
            &["content"],
            FieldErrorCode::Required,
            "incomplete content",
        )]),
    }
}

fn validate_translations(
    v: &mut Validator,
    translations: Vec<Translation>,
) -> Option<Vec<Translation>> {
    if translations.is_empty() {
        v.push(FieldError::new(
            &["content", "translations"],
            FieldErrorCode::Required,
            "write the tool in at least one language",
        ));
        return None;
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(translations.len());
    let mut ok = true;
    for (i, t) in translations.into_iter().enumerate() {
        let index = i.to_string();
        let at = |f: &'static str| -> Vec<&str> { vec!["content", "translations", &index, f] };
        if !seen.insert(t.lang) {
            v.push(FieldError::new(
                &at("lang"),
                FieldErrorCode::Duplicate,
                format!("{} is given twice", t.lang),
            ));
            ok = false;
            continue;
        }
        let title = v.check(validation::required_text(
            &at("title"),
            &t.title,
            TITLE_MAX_CHARS,
        ));
        let summary = v.check(validation::required_text(
            &at("summary"),
            &t.summary,
            SUMMARY_MAX_CHARS,
        ));
        let body = t.body.trim().to_owned();
        if body.len() > BODY_MAX_BYTES {
            v.push(FieldError::new(
                &at("body"),
                FieldErrorCode::TooLong,
                format!("must be at most {} KiB", BODY_MAX_BYTES / 1024),
            ));
        }
        match (title, summary) {
            (Some(title), Some(summary)) if body.len() <= BODY_MAX_BYTES => out.push(Translation {
                lang: t.lang,
                title,
                summary,
                body,
            }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

/// Trims, drops blanks and case-insensitive repeats, and bounds the count and each length.
fn clean_list(
    v: &mut Validator,
    field: &'static str,
    items: Vec<String>,
    max: usize,
    max_chars: usize,
) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for item in items {
        let item = item.trim().to_owned();
        if item.is_empty() || !seen.insert(item.to_lowercase()) {
            continue;
        }
        if item.chars().count() > max_chars {
            v.push(FieldError::new(
                &["content", field],
                FieldErrorCode::TooLong,
                format!("each must be at most {max_chars} characters"),
            ));
            continue;
        }
        out.push(item);
    }
    if out.len() > max {
        v.push(FieldError::new(
            &["content", field],
            FieldErrorCode::TooLong,
            format!("at most {max}"),
        ));
    }
    out
}

/// A price in euro: digits with at most two decimals, `0` meaning free.
fn cost(field: &[&str], raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let bad = || {
        FieldError::new(
            field,
            FieldErrorCode::InvalidFormat,
            "must be an amount in euro such as 25 or 12.50",
        )
    };
    let (whole, cents) = raw.split_once('.').unwrap_or((raw, ""));
    if whole.is_empty() || whole.len() > 7 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if cents.len() > 2
        || !cents.bytes().all(|b| b.is_ascii_digit())
        || (raw.contains('.') && cents.is_empty())
    {
        return Err(bad());
    }
    let whole: u64 = whole.parse().map_err(|_| bad())?;
    let cents: u64 = format!("{cents:0<2}").parse().map_err(|_| bad())?;
    if whole == 0 && cents == 0 {
        return Ok(None);
    }
    Ok(Some(format!("{whole}.{cents:02}")))
}

/// A tool as the catalogue holds it: who owns it and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tool {
    pub id: i64,
    pub owner_id: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub lifecycle: Lifecycle,
    pub status: ToolStatus,
    pub latest_revision: i32,
    pub latest_status: RevisionStatus,
    pub latest_visibility: Visibility,
    pub published_revision: Option<i32>,
    pub published_visibility: Option<Visibility>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// When the published content was last known to be current: its publication, or the
    /// owner's later confirmation that it is still valid. `None` before a first publication.
    pub reviewed_at: Option<DateTime<Utc>>,
}

/// How long published content stays current before its owner is asked to look at it again,
/// and how long before that moment the owner is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReviewPeriod {
    pub after: chrono::Duration,
    pub notice: chrono::Duration,
}

impl Default for ReviewPeriod {
    fn default() -> Self {
        Self {
            after: chrono::Duration::days(365),
            notice: chrono::Duration::days(30),
        }
    }
}

impl Tool {
    /// When the tool is due for review: a period after it was last known current. Only a
    /// published, active tool is ever due.
    pub fn review_due(&self, period: ReviewPeriod) -> Option<DateTime<Utc>> {
        if self.lifecycle != Lifecycle::Active || self.published_revision.is_none() {
            return None;
        }
        self.reviewed_at.map(|at| at + period.after)
    }

    /// Past its review date at `now`: search and its page say it may be out of date.
    pub fn review_overdue(&self, period: ReviewPeriod, now: DateTime<Utc>) -> bool {
        self.review_due(period).is_some_and(|due| due <= now)
    }

    /// The tool's status, derived from its lifecycle and revisions.
    pub fn derive_status(
        lifecycle: Lifecycle,
        published: bool,
        latest: RevisionStatus,
    ) -> ToolStatus {
        match (lifecycle, published, latest) {
            (Lifecycle::Archived, ..) => ToolStatus::Archived,
            (Lifecycle::Withdrawn, ..) => ToolStatus::Withdrawn,
            (Lifecycle::Active, true, _) => ToolStatus::Published,
            (Lifecycle::Active, false, RevisionStatus::InReview) => ToolStatus::InReview,
            (Lifecycle::Active, false, RevisionStatus::ChangesRequested) => {
                ToolStatus::ChangesRequested
            }
            (Lifecycle::Active, false, RevisionStatus::Rejected) => ToolStatus::Rejected,
            (Lifecycle::Active, false, _) => ToolStatus::Draft,
        }
    }
}

/// One revision: immutable content, with the status the workflow gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    pub id: i64,
    pub tool_id: i64,
    pub number: i32,
    pub status: RevisionStatus,
    pub author_id: i64,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub content: ToolContent,
}

/// Narrows a list of tools; an empty list of values means "any". Values of one field are
/// alternatives (any of them), fields combine (all of them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ToolFilter {
    pub kinds: Vec<ToolKind>,
    pub categories: Vec<ServiceCategory>,
    pub languages: Vec<Lang>,
    pub audiences: Vec<Audience>,
    pub owners: Vec<i64>,
    pub statuses: Vec<ToolStatus>,
}

/// A moderator's decision, as the moderation log shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModerationDecision {
    pub id: i64,
    pub tool_id: i64,
    pub revision: i32,
    pub decision: Decision,
    /// For a decision on a review (hidden, or an appeal about it): the review.
    pub review_id: Option<i64>,
    pub reason: Option<String>,
    pub moderator_id: i64,
    pub decided_at: DateTime<Utc>,
}

/// One field that differs between two revisions. Values are shown as text; `None` is empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The content as named fields with text values, the shape in which revisions are compared.
fn flatten(c: &ToolContent) -> std::collections::BTreeMap<String, String> {
    fn join<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
        items
            .into_iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
    let mut m = std::collections::BTreeMap::new();
    let mut put = |k: String, v: String| {
        if !v.is_empty() {
            m.insert(k, v);
        }
    };
    put("kind".into(), c.kind.to_string());
    put("categories".into(), join(&c.categories));
    put("audiences".into(), join(&c.audiences));
    put("sectors".into(), c.sectors.join(", "));
    put("deliveryModes".into(), join(&c.delivery_modes));
    put("deliveryFormats".into(), join(&c.delivery_formats));
    put("scopes".into(), join(&c.scopes));
    put("duration".into(), c.duration.clone().unwrap_or_default());
    put("costEur".into(), c.cost_eur.clone().unwrap_or_default());
    put("licence".into(), c.licence.as_str().to_owned());
    put("contact".into(), c.contact.clone().unwrap_or_default());
    put("tags".into(), c.tags.join(", "));
    put("visibility".into(), c.visibility.to_string());
    for (name, value) in c.quality.fields() {
        put(format!("quality.{name}"), value.clone().unwrap_or_default());
    }
    for t in &c.translations {
        put(format!("translations.{}.title", t.lang), t.title.clone());
        put(
            format!("translations.{}.summary", t.lang),
            t.summary.clone(),
        );
        put(format!("translations.{}.body", t.lang), t.body.clone());
    }
    m
}

/// What changed from one content to another, field by field, in field order.
pub fn compare(before: &ToolContent, after: &ToolContent) -> Vec<FieldChange> {
    let (a, b) = (flatten(before), flatten(after));
    let fields: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    fields
        .into_iter()
        .filter(|f| a.get(*f) != b.get(*f))
        .map(|f| FieldChange {
            field: f.clone(),
            before: a.get(f).cloned(),
            after: b.get(f).cloned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparing_revisions_names_each_changed_field() {
        let before = validate(draft()).unwrap_or_else(|e| panic!("{e:?}"));
        let mut changed = draft();
        changed.translations[0].title = "Auto-test de stress (v2)".into();
        changed.tags = vec!["burn-out".into()];
        changed.licence = "CC-BY-SA-4.0".into();
        let after = validate(changed).unwrap_or_else(|e| panic!("{e:?}"));
        let changes = compare(&before, &after);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["licence", "tags", "translations.fr.title"]);
        assert_eq!(changes[1].before, None);
        assert_eq!(changes[1].after.as_deref(), Some("burn-out"));
        assert!(compare(&before, &before).is_empty());
    }

    fn draft() -> ToolDraft {
        ToolDraft {
            kind: Some(ToolKind::SelfScan),
            categories: vec![ServiceCategory::EarlyDetection],
            translations: vec![Translation {
                lang: Lang::Fr,
                title: "Auto-test de stress".into(),
                summary: "Mesurer son niveau de stress en dix minutes.".into(),
                body: "## Mode d'emploi".into(),
            }],
            licence: "CC-BY-4.0".into(),
            ..ToolDraft::default()
        }
    }

    fn codes(d: ToolDraft) -> Vec<&'static str> {
        validate(d)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| e.code.as_str())
            .collect()
    }

    #[test]
    fn a_complete_draft_is_valid() {
        let content = validate(draft()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(content.visibility, Visibility::Network);
        assert_eq!(content.licence, Licence::Spdx("CC-BY-4.0".into()));
    }

    #[test]
    fn kind_category_and_a_language_are_required() {
        assert_eq!(
            codes(ToolDraft {
                kind: None,
                ..draft()
            }),
            ["REQUIRED"]
        );
        assert_eq!(
            codes(ToolDraft {
                categories: vec![],
                ..draft()
            }),
            ["REQUIRED"]
        );
        assert_eq!(
            codes(ToolDraft {
                translations: vec![],
                ..draft()
            }),
            ["REQUIRED"]
        );
    }

    #[test]
    fn titles_and_bodies_are_bounded() {
        let mut d = draft();
        d.translations[0].title = "t".repeat(201);
        assert_eq!(codes(d), ["TOO_LONG"]);
        let mut d = draft();
        d.translations[0].body = "b".repeat(BODY_MAX_BYTES + 1);
        assert_eq!(codes(d), ["TOO_LONG"]);
        let mut d = draft();
        d.translations[0].title = "  ".into();
        assert_eq!(codes(d), ["REQUIRED"]);
    }

    #[test]
    fn licences_are_spdx_identifiers_or_on_request() {
        assert_eq!(
            codes(ToolDraft {
                licence: "CC-BY-SA-4.0".into(),
                ..draft()
            }),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes(ToolDraft {
                licence: "ON_REQUEST".into(),
                ..draft()
            }),
            Vec::<&str>::new()
        );
        assert_eq!(
            codes(ToolDraft {
                licence: "Free for all".into(),
                ..draft()
            }),
            ["INVALID_FORMAT"]
        );
    }

    #[test]
    fn at_most_twenty_tags() {
        let tags = (0..21).map(|i| format!("tag{i}")).collect();
        assert_eq!(codes(ToolDraft { tags, ..draft() }), ["TOO_LONG"]);
        let repeated = vec!["Stress".into(), "stress".into(), " ".into()];
        let content = validate(ToolDraft {
            tags: repeated,
            ..draft()
        })
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(content.tags, vec!["Stress"]);
    }

    #[test]
    fn costs_are_euro_amounts() {
        assert_eq!(cost(&["c"], Some("25")), Ok(Some("25.00".into())));
        assert_eq!(cost(&["c"], Some("12.5")), Ok(Some("12.50".into())));
        assert_eq!(cost(&["c"], Some("0")), Ok(None));
        assert_eq!(cost(&["c"], None), Ok(None));
        for bad in ["-1", "12.345", "1e3", "12.", ".5", "abc"] {
            assert!(cost(&["c"], Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_tool_status_follows_lifecycle_then_publication() {
        use RevisionStatus as R;
        assert_eq!(
            Tool::derive_status(Lifecycle::Active, false, R::Draft),
            ToolStatus::Draft
        );
        assert_eq!(
            Tool::derive_status(Lifecycle::Active, true, R::InReview),
            ToolStatus::Published
        );
        assert_eq!(
            Tool::derive_status(Lifecycle::Active, false, R::InReview),
            ToolStatus::InReview
        );
        assert_eq!(
            Tool::derive_status(Lifecycle::Withdrawn, true, R::Published),
            ToolStatus::Withdrawn
        );
        assert_eq!(
            Tool::derive_status(Lifecycle::Archived, true, R::Published),
            ToolStatus::Archived
        );
    }
}
