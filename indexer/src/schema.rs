use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::Lang;
use crate::analysis::{FALLBACK, LEXICON, analyser_name};

/// Bumped whenever the schema or the analysers change: an index of another version is rebuilt.
pub const SCHEMA_VERSION: u32 = 10;

#[derive(Clone, Copy)]
pub struct LangFields {
    pub title: Field,
    pub summary: Field,
    pub body: Field,
    /// Text read in the attachments written in this language (not stored: see
    /// `Fields::attachment_texts`).
    pub attachments: Field,
}

/// Every field of the index, resolved once.
#[derive(Clone)]
pub struct Fields {
    pub tool_id: Field,
    pub variant: Field,
    pub main_lang: Field,
    pub owner_id: Field,
    pub owner_name: Field,
    pub latest_visibility: Field,
    pub published_visibility: Field,
    pub lifecycle: Field,
    pub readable_by: Field,
    pub facets: Field,
    pub langs: [(Lang, LangFields); 4],
    pub title_folded: Field,
    pub text_folded: Field,
    pub tags: Field,
    /// What dictionaries say of the words of the titles, and of the summaries and bodies:
    /// the stems of their roots, parts and translations ([`crate::lexicon`]).
    pub lexicon_title: Field,
    pub lexicon_text: Field,
    /// Each attachment's id, language and text, stored side by side so that a hit can say
    /// which attachment matched.
    pub attachment_ids: Field,
    pub attachment_langs: Field,
    pub attachment_texts: Field,
    pub updated_at: Field,
    pub adoptions: Field,
    /// When the published content was last known current: a search may leave out tools past
    /// their review date.
    pub reviewed_at: Field,
}

impl Fields {
    pub fn lang(&self, lang: Lang) -> LangFields {
        self.langs
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, f)| *f)
            .unwrap_or(self.langs[0].1)
    }
}

fn text(analyser: &str, stored: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analyser)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored {
        options.set_stored()
    } else {
        options
    }
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let id = NumericOptions::default()
        .set_indexed()
        .set_fast()
        .set_stored();
    let tool_id = b.add_u64_field("tool_id", id.clone());
    let variant = b.add_text_field("variant", STRING | STORED);
    let main_lang = b.add_text_field("main_lang", STRING | STORED);
    let owner_id = b.add_u64_field("owner_id", id);
    let owner_name = b.add_text_field("owner_name", text(FALLBACK, true));
    let latest_visibility = b.add_text_field("latest_visibility", STRING);
    let published_visibility = b.add_text_field("published_visibility", STRING);
    let lifecycle = b.add_text_field("lifecycle", STRING);
    let readable_by = b.add_text_field("readable_by", STRING);
    let facets = b.add_facet_field("facets", FacetOptions::default());
    let langs = Lang::ALL.map(|lang| {
        let name = analyser_name(lang);
        let code = lang.code();
        (
            lang,
            LangFields {
                title: b.add_text_field(&format!("title_{code}"), text(name, true)),
                summary: b.add_text_field(&format!("summary_{code}"), text(name, true)),
                body: b.add_text_field(&format!("body_{code}"), text(name, true)),
                attachments: b.add_text_field(&format!("attachments_{code}"), text(name, false)),
            },
        )
    });
    let title_folded = b.add_text_field("title_folded", text(FALLBACK, false));
    let text_folded = b.add_text_field("text_folded", text(FALLBACK, false));
    let tags = b.add_text_field("tags", text(FALLBACK, true));
    // Frequencies without positions: a lexicon token is asked alone, never in a phrase.
    let lexicon = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(LEXICON)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let lexicon_title = b.add_text_field("lexicon_title", lexicon.clone());
    let lexicon_text = b.add_text_field("lexicon_text", lexicon);
    let attachment_ids = b.add_u64_field("attachment_ids", NumericOptions::default().set_stored());
    let attachment_langs = b.add_text_field("attachment_langs", STORED);
    let attachment_texts = b.add_text_field("attachment_texts", STORED);
    let updated_at = b.add_i64_field("updated_at", NumericOptions::default().set_fast());
    let adoptions = b.add_u64_field("adoptions", NumericOptions::default().set_fast());
    let reviewed_at = b.add_i64_field(
        "reviewed_at",
        NumericOptions::default().set_fast().set_indexed(),
    );
    let fields = Fields {
        tool_id,
        variant,
        main_lang,
        owner_id,
        owner_name,
        latest_visibility,
        published_visibility,
        lifecycle,
        readable_by,
        facets,
        langs,
        title_folded,
        text_folded,
        tags,
        lexicon_title,
        lexicon_text,
        attachment_ids,
        attachment_langs,
        attachment_texts,
        updated_at,
        adoptions,
        reviewed_at,
    };
    (b.build(), fields)
}
