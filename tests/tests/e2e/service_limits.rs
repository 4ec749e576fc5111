//! `limits`: a client reads every bound before it sends. What it reads is what the server
//! enforces, as configured: one past a bound it read is refused, the bound itself is not.

use commons_tests::tools::{CREATE, content, outcome};
use commons_tests::{error_code, spawn_app_with};
use serde_json::{Value, json};

const LIMITS: &str = "{ limits {
  request { queryDepth queryComplexity bodyBytes batchSize pageSize defaultPageSize timeoutMs }
  budgets { enabled queryCostPerMinute mutationsPerMinute fileRouteCost }
  uploads { fileBytes filesPerRequest attachmentsPerTool titleChars fileNameChars }
  search { queryChars queryWords phraseWords filterOwners prefixChars suggestions maxOffset }
  tool { titleChars summaryChars bodyBytes tags tagChars sectors shortTextChars qualityChars reasonChars }
  collaboration { titleChars messageChars targets replyDays messages }
  yearlyAccount { offeringTitleChars affiliateCountsPerCall reportNarrativeChars fundingWeights }
  peerLearning { reviewCommentChars collectionTools follows }
} }";

const SEARCH: &str = "query($q: String, $first: Int) {
  searchTools(query: $q, first: $first) { totalCount }
}";

fn int(limits: &Value, group: &str, field: &str) -> usize {
    limits["data"]["limits"][group][field]
        .as_u64()
        .unwrap_or_else(|| panic!("limits.{group}.{field}: {limits}")) as usize
}

#[tokio::test]
async fn a_client_reads_every_bound_and_the_server_enforces_what_it_read() {
    let app = spawn_app_with(|c| {
        c.limits.search_query_chars = 77;
        // Below the default page size: the default is no larger than the bound.
        c.limits.page_size = 13;
        c.limits.upload_files = 4;
        c.rate_limit.mutations_per_minute = 54_321;
    })
    .await
    .with_organisations()
    .await;

    // Anyone may ask, signed in or not.
    let limits = app.graphql(LIMITS, json!({})).await;
    assert!(limits.get("errors").is_none(), "{limits}");
    assert_eq!(int(&limits, "search", "queryChars"), 77);
    assert_eq!(int(&limits, "request", "pageSize"), 13);
    assert_eq!(int(&limits, "request", "defaultPageSize"), 13);
    assert_eq!(int(&limits, "uploads", "filesPerRequest"), 4);
    assert_eq!(int(&limits, "budgets", "mutationsPerMinute"), 54_321);
    assert_eq!(limits["data"]["limits"]["budgets"]["enabled"], true);

    // A search's text: the bound passes, one character more is refused.
    let chars = int(&limits, "search", "queryChars");
    let at_bound = app.graphql(SEARCH, json!({ "q": "a".repeat(chars) })).await;
    assert!(at_bound.get("errors").is_none(), "{at_bound}");
    let past = app
        .graphql(SEARCH, json!({ "q": "a".repeat(chars + 1) }))
        .await;
    assert_eq!(error_code(&past), Some("BAD_USER_INPUT"), "{past}");

    // A page: `first` up to the bound, not one more.
    let page = int(&limits, "request", "pageSize");
    let full = app.graphql(SEARCH, json!({ "first": page })).await;
    assert!(full.get("errors").is_none(), "{full}");
    let over = app.graphql(SEARCH, json!({ "first": page + 1 })).await;
    assert_eq!(error_code(&over), Some("BAD_USER_INPUT"), "{over}");

    // A tool's title, from the domain's own rule: the bound is a valid title, one more is not.
    let title_chars = int(&limits, "tool", "titleChars");
    let staff = app.login_as("acerta", "STAFF");
    let create = |title: String| {
        let app = &app;
        let staff = &staff;
        async move {
            let body = app
                .graphql_as(
                    staff,
                    CREATE,
                    json!({ "input": { "content": content(&title, "PUBLIC") } }),
                )
                .await;
            outcome(&body, "createTool")
        }
    };
    assert_eq!(create("t".repeat(title_chars)).await, "OK");
    assert_eq!(create("t".repeat(title_chars + 1)).await, "TOO_LONG");
}
