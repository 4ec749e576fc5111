use tantivy::TantivyDocument;
use tantivy::schema::Facet;

use crate::Lang;
use crate::schema::Fields;

/// Which revision of a tool a document holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The newest revision, for the owner and moderators.
    Latest,
    /// The live published revision, for everyone its visibility allows.
    Published,
    /// The newest revision when it is also the live published one, as most tools are: one
    /// document serves both, so that a search reads each tool's words once, not twice.
    LatestPublished,
}

impl Variant {
    /// The terms of the `variant` field a document of this kind holds.
    pub fn terms(self) -> &'static [&'static str] {
        match self {
            Variant::Latest => &[LATEST],
            Variant::Published => &[PUBLISHED],
            Variant::LatestPublished => &[LATEST, PUBLISHED],
        }
    }

    pub fn is_published(self) -> bool {
        matches!(self, Variant::Published | Variant::LatestPublished)
    }
}

pub(crate) const LATEST: &str = "latest";
const PUBLISHED: &str = "published";

/// The title, summary and body of a revision in one language.
#[derive(Clone, Debug)]
pub struct LangText {
    pub lang: Lang,
    pub title: String,
    pub summary: String,
    pub body: String,
}

/// The text read in one attachment of a revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentText {
    pub attachment_id: u64,
    pub lang: Lang,
    pub text: String,
}

/// One revision of a tool, as the index holds it.
#[derive(Clone, Debug)]
pub struct ToolDocument {
    pub tool_id: u64,
    pub variant: Variant,
    pub owner_id: u64,
    pub owner_name: String,
    pub kind: String,
    pub categories: Vec<String>,
    pub audiences: Vec<String>,
    /// In the order the owner wrote them: the first is the tool's main language.
    pub texts: Vec<LangText>,
    pub tags: Vec<String>,
    pub attachments: Vec<AttachmentText>,
    pub latest_visibility: String,
    pub published_visibility: Option<String>,
    pub lifecycle: String,
    /// Seconds since the epoch.
    pub updated_at: i64,
    pub adoptions: u64,
    /// When the tool's published content was last known current, in seconds since the epoch;
    /// [`NEVER_DUE`] for a tool that is not published and active (never out of date).
    pub reviewed_at: i64,
}

/// The `reviewed_at` of a tool no review date applies to.
pub const NEVER_DUE: i64 = i64::MAX;

/// The sets of visibilities a reader who is not the owner may read: anonymous readers read
/// PUBLIC tools, signed-in ones PUBLIC and NETWORK tools. A live published document names each
/// set that includes its visibility, so that one term filters what such a reader may see.
pub const READER_SETS: [&[&str]; 2] = [&["PUBLIC"], &["NETWORK", "PUBLIC"]];

pub fn reader_set_key(visibilities: &[&str]) -> String {
    let mut v = visibilities.to_vec();
    v.sort_unstable();
    v.join("+")
}

pub fn facet(dimension: &str, value: &str) -> Facet {
    Facet::from_path([dimension, value])
}

/// The hyphenated words of a text written as one (`burn-out` → `burnout`), space-separated.
pub(crate) fn hyphenated_words_joined(text: &str) -> String {
    let mut out = String::new();
    for word in text.split(|c: char| !(c.is_alphanumeric() || is_hyphen(c))) {
        let pieces: Vec<&str> = word.split(is_hyphen).filter(|p| !p.is_empty()).collect();
        if pieces.len() > 1 {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(pieces);
        }
    }
    out
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

impl ToolDocument {
    pub(crate) fn to_tantivy(&self, f: &Fields) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        d.add_u64(f.tool_id, self.tool_id);
        for term in self.variant.terms() {
            d.add_text(f.variant, term);
        }
        if let Some(first) = self.texts.first() {
            d.add_text(f.main_lang, first.lang.code());
        }
        d.add_u64(f.owner_id, self.owner_id);
        d.add_text(f.owner_name, &self.owner_name);
        d.add_text(f.latest_visibility, &self.latest_visibility);
        if let Some(v) = &self.published_visibility {
            d.add_text(f.published_visibility, v);
        }
        d.add_text(f.lifecycle, &self.lifecycle);
        if let (true, Some(v)) = (self.variant.is_published(), &self.published_visibility)
            && self.lifecycle != "WITHDRAWN"
        {
            for set in READER_SETS.iter().filter(|set| set.contains(&v.as_str())) {
                d.add_text(f.readable_by, reader_set_key(set));
            }
        }
        d.add_facet(f.facets, facet("kind", &self.kind));
        d.add_facet(f.facets, facet("owner", &self.owner_id.to_string()));
        for c in &self.categories {
            d.add_facet(f.facets, facet("category", c));
        }
        for a in &self.audiences {
            d.add_facet(f.facets, facet("audience", a));
        }
        for t in &self.texts {
            d.add_facet(f.facets, facet("language", t.lang.code()));
            let lf = f.lang(t.lang);
            d.add_text(lf.title, &t.title);
            d.add_text(lf.summary, &t.summary);
            d.add_text(lf.body, &t.body);
            d.add_text(f.title_folded, &t.title);
            d.add_text(f.text_folded, &t.summary);
            d.add_text(f.text_folded, &t.body);
            // `burn-out` is also held as `burnout`, so that either spelling is one term.
            for (field, text) in [
                (f.title_folded, &t.title),
                (f.text_folded, &t.summary),
                (f.text_folded, &t.body),
            ] {
                let joined = hyphenated_words_joined(text);
                if !joined.is_empty() {
                    d.add_text(field, &joined);
                }
            }
        }
        crate::lexicon::ANALYSERS.with_borrow_mut(|a| {
            let (mut title, mut text) = (String::new(), String::new());
            for t in &self.texts {
                a.tokens_of(t.lang, &t.title, &mut title);
                a.tokens_of(t.lang, &t.summary, &mut text);
                a.tokens_of(t.lang, &t.body, &mut text);
            }
            d.add_text(f.lexicon_title, &title);
            d.add_text(f.lexicon_text, &text);
        });
        for tag in &self.tags {
            d.add_text(f.tags, tag);
            d.add_text(f.text_folded, tag);
        }
        for a in &self.attachments {
            d.add_text(f.lang(a.lang).attachments, &a.text);
            d.add_u64(f.attachment_ids, a.attachment_id);
            d.add_text(f.attachment_langs, a.lang.code());
            d.add_text(f.attachment_texts, &a.text);
        }
        d.add_i64(f.updated_at, self.updated_at);
        d.add_u64(f.adoptions, self.adoptions);
        d.add_i64(f.reviewed_at, self.reviewed_at);
        d
    }
}
