//! Relevance in each language: accents, stemming, typos, phrases, exclusions, facets, filters
//! and visibility, on a small index built here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_indexer::{
    IndexHome, Lang, LangText, Scope, SearchFilter, SearchRequest, Sort, ToolDocument, ToolIndex,
    Variant,
};

fn doc(id: u64, lang: Lang, title: &str, body: &str) -> ToolDocument {
    ToolDocument {
        tool_id: id,
        variant: Variant::Published,
        owner_id: 10,
        owner_name: "Acerta".into(),
        kind: "WORKSHOP_FORMAT".into(),
        categories: vec!["AWARENESS_PROMOTION".into()],
        audiences: vec!["ALL_SELF_EMPLOYED".into()],
        texts: vec![LangText {
            lang,
            title: title.into(),
            summary: String::new(),
            body: body.into(),
        }],
        tags: vec![],
        attachments: vec![],
        latest_visibility: "PUBLIC".into(),
        published_visibility: Some("PUBLIC".into()),
        lifecycle: "ACTIVE".into(),
        updated_at: id as i64,
        adoptions: 0,
        reviewed_at: commons_indexer::NEVER_DUE,
    }
}

fn corpus() -> Vec<ToolDocument> {
    vec![
        doc(
            1,
            Lang::Fr,
            "Prévenir l'épuisement professionnel",
            "Un atelier pour les indépendants qui se sentent épuisés.",
        ),
        doc(
            2,
            Lang::Fr,
            "Gestion du stress",
            "Des exercices de respiration contre le stress au travail.",
        ),
        doc(
            3,
            Lang::Nl,
            "Lotgenotengroepen voor ondernemers",
            "Ondernemers delen hun ervaringen met stress en eenzaamheid.",
        ),
        doc(
            4,
            Lang::Nl,
            "Burn-out voorkomen",
            "Een workshop over het herkennen van signalen van uitputting.",
        ),
        doc(
            5,
            Lang::De,
            "Stressbewältigung für Selbständige",
            "Übungen gegen Müdigkeit und Überlastung im Betrieb.",
        ),
        doc(
            6,
            Lang::De,
            "Selbsthilfegruppen",
            "Selbständige treffen sich monatlich in kleinen Gruppen.",
        ),
        doc(
            7,
            Lang::En,
            "Preventing burn-out",
            "A workshop on recognising exhaustion and taking breaks.",
        ),
        doc(
            8,
            Lang::En,
            "Peer groups for entrepreneurs",
            "Entrepreneurs meeting every month to share experiences.",
        ),
    ]
}

fn index_of(docs: &[ToolDocument]) -> (tempfile::TempDir, ToolIndex) {
    let dir = tempfile::tempdir().unwrap();
    let index = IndexHome::new(dir.path()).open().unwrap().index;
    for d in docs {
        index.replace(d.tool_id, std::slice::from_ref(d)).unwrap();
    }
    index.commit(docs.len() as i64).unwrap();
    (dir, index)
}

fn public() -> Scope {
    Scope {
        organisation_id: None,
        moderator: false,
        published_visibilities: vec!["PUBLIC".into()],
    }
}

fn ids(index: &ToolIndex, query: &str) -> Vec<u64> {
    let req = SearchRequest {
        query: query.into(),
        limit: 20,
        scope: public(),
        ..Default::default()
    };
    index
        .search(&req)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.tool_id)
        .collect()
}

/// The tool in the query's language first: tools in other languages may follow, found through
/// their words' translations.
fn first(index: &ToolIndex, q: &str) -> Option<u64> {
    ids(index, q).first().copied()
}

#[test]
fn accents_are_optional_in_every_language() {
    let (_d, index) = index_of(&corpus());
    assert_eq!(first(&index, "epuisement"), Some(1));
    assert_eq!(first(&index, "EPUISEMENT"), Some(1));
    assert_eq!(first(&index, "stressbewaltigung"), Some(5));
    assert_eq!(first(&index, "mudigkeit"), Some(5));
    assert_eq!(first(&index, "uberlastung"), Some(5));
}

#[test]
fn plurals_and_conjugations_meet_their_stem() {
    let (_d, index) = index_of(&corpus());
    assert_eq!(
        first(&index, "indépendant"),
        Some(1),
        "fr singular finds plural"
    );
    assert_eq!(first(&index, "épuisé"), Some(1), "fr participle");
    assert_eq!(
        first(&index, "ondernemer"),
        Some(3),
        "nl singular finds plural"
    );
    assert_eq!(first(&index, "gruppe"), Some(6), "de singular finds plural");
    assert_eq!(
        first(&index, "entrepreneur"),
        Some(8),
        "en singular finds plural"
    );
    assert_eq!(first(&index, "recognised"), Some(7), "en conjugation");
}

#[test]
fn typos_are_forgiven_by_length_and_exact_matches_rank_first() {
    let (_d, index) = index_of(&corpus());
    // The misspelt word is found as typed would be, first; then as its correction is, through
    // a dictionary (`épuisement` → `exhaustion`), below it.
    assert_eq!(
        ids(&index, "epuisemnt"),
        [1, 7],
        "one edit in a 9-letter word"
    );
    assert_eq!(
        ids(&index, "epuisemmnt"),
        [1, 7],
        "two edits in a 10-letter word"
    );
    assert_eq!(ids(&index, "lotgenotengroepn"), [3]);
    assert!(
        ids(&index, "strs").is_empty(),
        "no edit allowed under 5 letters"
    );
    let workshops = ids(&index, "workshp");
    assert_eq!(workshops.len(), 3, "{workshops:?}");
    let mut literal = workshops[..2].to_vec();
    literal.sort();
    assert_eq!(literal, [4, 7], "one edit in a 7-letter word");
    // Then the French tool's `atelier`, a translation of the correction.
    assert_eq!(workshops[2..], [1]);
    // An exact match outranks one that needs an edit.
    let both = {
        let mut docs = corpus();
        docs.push(doc(9, Lang::En, "Exhausted", "exhaustion"));
        docs.push(doc(10, Lang::En, "Exhaustiom", "a typo in the title"));
        index_of(&docs)
    };
    assert_eq!(ids(&both.1, "exhaustion").first(), Some(&9));
}

#[test]
fn phrases_match_words_in_order() {
    let (_d, index) = index_of(&corpus());
    assert_eq!(ids(&index, "\"burn-out voorkomen\""), [4]);
    assert!(ids(&index, "\"voorkomen burn-out\"").is_empty());
    assert_eq!(ids(&index, "\"share experiences\""), [8]);
}

#[test]
fn excluded_words_remove_results() {
    let (_d, index) = index_of(&corpus());
    let mut with = ids(&index, "stress");
    with.sort();
    // Stressbewältigung holds stress as the start of a compound.
    assert_eq!(with, [2, 3, 5]);
    // A compound in a title ranks above the word in a body.
    assert_eq!(ids(&index, "stress -respiration"), [5, 3]);
    assert_eq!(ids(&index, "stress -\"exercices de respiration\""), [5, 3]);
}

#[test]
fn an_empty_query_browses_with_filters_and_facets_honour_the_other_filters() {
    let (_d, index) = index_of(&corpus());
    let req = |filter: SearchFilter| SearchRequest {
        facets: true,
        query: String::new(),
        filter,
        limit: 20,
        scope: public(),
        sort: Sort::Newest,
        ..Default::default()
    };
    let all = index.search(&req(SearchFilter::default())).unwrap();
    assert_eq!(all.total, 8);
    assert_eq!(all.hits[0].tool_id, 8, "newest first");
    let french = index
        .search(&req(SearchFilter {
            languages: vec![Lang::Fr],
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(french.total, 2);
    // The language facet still counts every language, so the person can switch.
    let langs: Vec<(String, u64)> = french.facets.languages.clone();
    assert_eq!(langs.len(), 4, "{langs:?}");
    assert!(langs.contains(&("nl".into(), 2)));
    // Other facets count within French.
    assert_eq!(french.facets.kinds, vec![("WORKSHOP_FORMAT".into(), 2)]);
}

#[test]
fn snippets_show_the_matched_words() {
    let (_d, index) = index_of(&corpus());
    let req = SearchRequest {
        query: "respiration".into(),
        limit: 5,
        scope: public(),
        snippets: true,
        ..Default::default()
    };
    let hit = &index.search(&req).unwrap().hits[0];
    assert!(
        hit.text_html.contains("<b>respiration</b>"),
        "{}",
        hit.text_html
    );
    assert_eq!(hit.title_html, "Gestion du stress");
    let plain = index
        .search(&SearchRequest {
            snippets: false,
            ..req
        })
        .unwrap();
    assert!(
        !plain.hits[0].text_html.contains("<b>"),
        "no highlight when none is asked for"
    );
}

fn variant(
    id: u64,
    owner: u64,
    variant: Variant,
    latest: &str,
    published: Option<&str>,
    title: &str,
) -> ToolDocument {
    let mut d = doc(id, Lang::Fr, title, "");
    d.owner_id = owner;
    d.variant = variant;
    d.latest_visibility = latest.into();
    d.published_visibility = published.map(Into::into);
    d
}

#[test]
fn each_caller_finds_each_tool_once_as_they_may_see_it() {
    let docs = [
        // a public tool with a newer draft
        variant(
            1,
            10,
            Variant::Published,
            "PUBLIC",
            Some("PUBLIC"),
            "ancien titre",
        ),
        variant(
            1,
            10,
            Variant::Latest,
            "PUBLIC",
            Some("PUBLIC"),
            "nouveau titre",
        ),
        // a network tool
        variant(
            2,
            10,
            Variant::Published,
            "NETWORK",
            Some("NETWORK"),
            "titre réseau",
        ),
        variant(
            2,
            10,
            Variant::Latest,
            "NETWORK",
            Some("NETWORK"),
            "titre réseau",
        ),
        // a draft kept to its organisation
        variant(
            3,
            10,
            Variant::Latest,
            "ORGANISATION",
            None,
            "titre interne",
        ),
        // a draft of another organisation
        variant(4, 20, Variant::Latest, "PUBLIC", None, "titre brouillon"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let index = IndexHome::new(dir.path()).open().unwrap().index;
    for id in 1..=4u64 {
        let of: Vec<ToolDocument> = docs.iter().filter(|d| d.tool_id == id).cloned().collect();
        index.replace(id, &of).unwrap();
    }
    index.commit(1).unwrap();
    let seen = |scope: Scope| -> Vec<String> {
        let req = SearchRequest {
            query: "titre".into(),
            limit: 20,
            scope,
            sort: Sort::Newest,
            ..Default::default()
        };
        let mut titles: Vec<String> = index
            .search(&req)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.title_html.replace("<b>", "").replace("</b>", ""))
            .collect();
        titles.sort();
        titles
    };
    let network = vec!["PUBLIC".to_owned(), "NETWORK".to_owned()];
    assert_eq!(seen(public()), ["ancien titre"]);
    assert_eq!(
        seen(Scope {
            organisation_id: Some(30),
            moderator: false,
            published_visibilities: network.clone()
        }),
        ["ancien titre", "titre réseau"]
    );
    assert_eq!(
        seen(Scope {
            organisation_id: Some(10),
            moderator: false,
            published_visibilities: network.clone()
        }),
        ["nouveau titre", "titre interne", "titre réseau"]
    );
    assert_eq!(
        seen(Scope {
            organisation_id: Some(1),
            moderator: true,
            published_visibilities: network
        }),
        ["nouveau titre", "titre brouillon", "titre réseau"]
    );
}

#[test]
fn suggestions_complete_the_last_word_of_titles() {
    let (_d, index) = index_of(&corpus());
    let titles: Vec<String> = index
        .suggest("lotgeno", &public(), None, 10)
        .unwrap()
        .into_iter()
        .map(|s| s.title)
        .collect();
    assert_eq!(titles, ["Lotgenotengroepen voor ondernemers"]);
    let titles: Vec<String> = index
        .suggest("preventing bu", &public(), None, 10)
        .unwrap()
        .into_iter()
        .map(|s| s.title)
        .collect();
    assert_eq!(titles, ["Preventing burn-out"]);
    assert!(index.suggest("", &public(), None, 10).unwrap().is_empty());
}

#[test]
fn a_compacted_index_has_a_segment_per_core_and_finds_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let home = IndexHome::new(dir.path());
    let index = home.open().unwrap().index;
    let docs = corpus();
    // One commit per tool: as many segments as tools.
    for (i, d) in docs.iter().enumerate() {
        index.replace(d.tool_id, std::slice::from_ref(d)).unwrap();
        index.commit(i as i64 + 1).unwrap();
    }
    let cores = std::thread::available_parallelism().unwrap().get();
    assert!(index.segments() > cores, "{} segments", index.segments());
    let queries = ["stress", "burnout", "ondernemers", "épuisement"];
    let before: Vec<Vec<u64>> = queries.iter().map(|q| ids(&index, q)).collect();
    index.compact().unwrap();
    assert!(index.segments() <= cores, "{} segments", index.segments());
    assert_eq!(index.num_docs(), docs.len() as u64);
    let after: Vec<Vec<u64>> = queries.iter().map(|q| ids(&index, q)).collect();
    assert_eq!(after, before);
    assert!(after.iter().all(|found| !found.is_empty()));
    drop(index);
    // The cursor of the last commit is kept.
    assert_eq!(
        home.open().unwrap().index.cursor().unwrap(),
        Some(docs.len() as i64)
    );
}

#[test]
fn the_cursor_travels_with_the_commit_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let home = IndexHome::new(dir.path());
    let opened = home.open().unwrap();
    assert!(opened.rebuilt_because.is_some(), "a new index says why");
    assert_eq!(opened.index.cursor().unwrap(), None);
    opened.index.replace(1, &corpus()[..1]).unwrap();
    opened.index.commit(42).unwrap();
    drop(opened);
    let reopened = home.open().unwrap();
    assert!(reopened.rebuilt_because.is_none());
    assert_eq!(reopened.index.cursor().unwrap(), Some(42));
    assert_eq!(reopened.index.num_docs(), 1);
}

#[test]
fn an_unreadable_index_is_replaced_by_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let home = IndexHome::new(dir.path());
    let opened = home.open().unwrap();
    opened.index.replace(1, &corpus()[..1]).unwrap();
    opened.index.commit(7).unwrap();
    let active = home.active().unwrap();
    drop(opened);
    std::fs::write(active.join("meta.json"), b"{ not json").unwrap();
    let reopened = home.open().unwrap();
    assert!(reopened.rebuilt_because.is_some());
    assert_eq!(reopened.index.cursor().unwrap(), None);
}

#[test]
fn an_index_of_an_older_schema_is_replaced_by_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let home = IndexHome::new(dir.path());
    let opened = home.open().unwrap();
    opened.index.replace(1, &corpus()[..1]).unwrap();
    opened.index.commit(7).unwrap();
    let meta_path = home.active().unwrap().join("meta.json");
    drop(opened);
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta_path).unwrap()).unwrap();
    meta["payload"] = serde_json::Value::from(r#"{"schema_version":0,"cursor":7}"#);
    std::fs::write(&meta_path, meta.to_string()).unwrap();
    let reopened = home.open().unwrap();
    let why = reopened.rebuilt_because.unwrap();
    assert!(why.contains("schema version"), "{why}");
    assert_eq!(reopened.index.cursor().unwrap(), None);
}

/// The four behaviours of the issue, checked in each of the four languages.
#[test]
fn every_language_gets_accents_stems_typos_and_phrases() {
    let mut docs = corpus();
    docs.push(doc(
        11,
        Lang::Nl,
        "Coördinatie van zorg",
        "Zorgverleners werken samen rond de zelfstandige.",
    ));
    docs.push(doc(
        12,
        Lang::En,
        "Café conversations",
        "Entrepreneurs meet in a café to talk about their worries.",
    ));
    docs.push(doc(
        13,
        Lang::De,
        "Gespräche im Café",
        "Unternehmerinnen sprechen über ihre Sorgen.",
    ));
    let (_d, index) = index_of(&docs);
    let cases: [(&str, &str, u64); 16] = [
        // accents
        ("fr accents", "epuises", 1),
        ("nl accents", "coordinatie", 11),
        ("de accents", "gesprache", 13),
        ("en accents", "cafe conversations", 12),
        // stems
        ("fr stems", "prévenir épuisements", 1),
        ("nl stems", "lotgenotengroep ondernemer", 3),
        ("de stems", "Gespräch", 13),
        ("en stems", "preventing burn-outs", 7),
        // typos
        ("fr typo", "respirtion", 2),
        ("nl typo", "eenzamheid", 3),
        ("de typo", "Stressbewaltigumg", 5),
        ("en typo", "recogising", 7),
        // phrases
        ("fr phrase", "\"gestion du stress\"", 2),
        ("nl phrase", "\"signalen van uitputting\"", 4),
        ("de phrase", "\"in kleinen Gruppen\"", 6),
        ("en phrase", "\"share experiences\"", 8),
    ];
    for (case, query, expected) in cases {
        let found = ids(&index, query);
        assert_eq!(
            found.first(),
            Some(&expected),
            "{case}: {query} gave {found:?}"
        );
    }
}
