//! The pages in a real browser: headless Chromium driven over WebDriver against a real server
//! with the demo data. Each test saves screenshots under `target/screenshots/`; axe-core checks
//! the main pages for serious or critical WCAG 2.1 AA violations.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use commons_tests::browser::Browser;
use commons_tests::spawn_app;
use fantoccini::key::Key;

async fn active(browser: &Browser) -> serde_json::Value {
    browser
        .script(
            "const e = document.activeElement;
             const style = getComputedStyle(e);
             return { tag: e.tagName, id: e.id, cls: e.className, href: e.getAttribute('href'),
                      outline: style.outlineStyle, outlineWidth: style.outlineWidth };",
        )
        .await
}

async fn tab(browser: &Browser) {
    browser
        .client
        .active_element()
        .await
        .unwrap()
        .send_keys(&String::from(char::from(Key::Tab)))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_visitor_searches_and_opens_a_tool() {
    let app = spawn_app().await.with_demo().await;
    app.wait_for_index().await;
    let mut browser = Browser::start("search-and-tool", 1280, 900).await;
    browser.goto(&format!("{}/?lang=en", app.address)).await;
    browser.shot("search").await;
    let violations = browser.serious_accessibility_violations().await;
    assert!(
        violations.is_empty(),
        "the empty search page: {violations:#?}"
    );
    let q = browser.find("#q").await;
    q.send_keys("aide psychologique").await.unwrap();
    q.send_keys(&String::from(char::from(Key::Enter)))
        .await
        .unwrap();
    let first = browser.find("ol.results li h3 a").await;
    let results = browser
        .script("return document.querySelectorAll('ol.results > li').length")
        .await;
    assert!(results.as_i64().unwrap() >= 3, "{results}");
    // The words found are marked in the titles and passages.
    let marked = browser
        .script("return document.querySelectorAll('ol.results b').length")
        .await;
    assert!(marked.as_i64().unwrap() > 0);
    let facets = browser
        .script("return document.querySelectorAll('.facets input[type=checkbox]').length")
        .await;
    assert!(facets.as_i64().unwrap() >= 3, "facets with counts");
    browser.shot("results").await;
    let violations = browser.serious_accessibility_violations().await;
    assert!(violations.is_empty(), "the results page: {violations:#?}");
    let title = first.text().await.unwrap();
    first.click().await.unwrap();
    let h1 = browser.find("main h1").await;
    assert_eq!(h1.text().await.unwrap(), title);
    let url = browser.client.current_url().await.unwrap();
    assert!(url.path().starts_with("/tools/"), "{url}");
    browser.find("#history-title").await;
    browser.shot("tool").await;
    let violations = browser.serious_accessibility_violations().await;
    assert!(violations.is_empty(), "the tool page: {violations:#?}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_is_switched_on_any_page_and_remembered() {
    let app = spawn_app().await.with_demo().await;
    app.wait_for_index().await;
    let mut browser = Browser::start("language", 1280, 900).await;
    browser.goto(&format!("{}/?q=burnout", app.address)).await;
    let label = browser.find("label[for=q]").await;
    assert_eq!(label.text().await.unwrap(), "What are you looking for?");
    browser.find("a[hreflang=nl]").await.click().await.unwrap();
    browser.find("html[lang=nl]").await;
    let label = browser.find("label[for=q]").await;
    assert_eq!(label.text().await.unwrap(), "Wat zoekt u?");
    // Back where the visitor was: the same search.
    let q = browser.find("#q").await;
    assert_eq!(q.prop("value").await.unwrap().as_deref(), Some("burnout"));
    browser.shot("dutch").await;
    // Remembered on the next visit.
    browser.goto(&format!("{}/", app.address)).await;
    browser.find("html[lang=nl]").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_page_is_used_with_the_keyboard_only() {
    let app = spawn_app().await.with_demo().await;
    app.wait_for_index().await;
    let mut browser = Browser::start("keyboard", 1280, 900).await;
    browser.goto(&format!("{}/?lang=en", app.address)).await;
    browser.find("#q").await;
    // The first stop is the link that skips to the content, and it shows its focus.
    tab(&browser).await;
    let first = active(&browser).await;
    assert_eq!(first["cls"], "skip", "{first}");
    assert_ne!(first["outline"], "none", "focus is visible: {first}");
    // On to the search box, by Tab alone.
    let mut reached = false;
    for _ in 0..20 {
        tab(&browser).await;
        if active(&browser).await["id"] == "q" {
            reached = true;
            break;
        }
    }
    assert!(reached, "the search box is reached with Tab");
    let q = browser.client.active_element().await.unwrap();
    q.send_keys("stress des indépendants").await.unwrap();
    q.send_keys(&String::from(char::from(Key::Enter)))
        .await
        .unwrap();
    browser.find("ol.results li h3 a").await;
    // On to the first result, by Tab alone, then Enter opens it.
    let mut on_result = false;
    for _ in 0..60 {
        tab(&browser).await;
        let now = active(&browser).await;
        if now["href"]
            .as_str()
            .is_some_and(|h| h.starts_with("/tools/"))
        {
            assert_ne!(
                now["outline"], "none",
                "focus is visible on a result: {now}"
            );
            on_result = true;
            break;
        }
    }
    assert!(on_result, "a result is reached with Tab");
    browser.shot("result-focused").await;
    browser
        .client
        .active_element()
        .await
        .unwrap()
        .send_keys(&String::from(char::from(Key::Enter)))
        .await
        .unwrap();
    browser.find("#history-title").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_error_is_shown_next_to_its_field() {
    let app = spawn_app().await;
    let mut browser = Browser::start("form-error", 1280, 900).await;
    browser.goto(&format!("{}/?lang=en", app.address)).await;
    let q = browser.find("#q").await;
    q.send_keys(&vec!["stress"; 40].join(" ")).await.unwrap();
    q.send_keys(&String::from(char::from(Key::Enter)))
        .await
        .unwrap();
    let error = browser.find("#q-error").await;
    assert!(error.text().await.unwrap().contains("32"));
    let q = browser.find("#q").await;
    assert_eq!(
        q.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    assert!(
        q.attr("aria-describedby")
            .await
            .unwrap()
            .unwrap()
            .contains("q-error")
    );
    browser.shot("error").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caisse_staff_sign_in_and_out_and_the_page_fits_a_phone() {
    let app = spawn_app().await.with_demo().await;
    app.wait_for_index().await;
    let mut browser = Browser::start("sign-in-phone", 360, 800).await;
    browser
        .goto(&format!("{}/sign-in?lang=en", app.address))
        .await;
    browser.shot("sign-in").await;
    let violations = browser.serious_accessibility_violations().await;
    assert!(violations.is_empty(), "the sign-in page: {violations:#?}");
    browser
        .find("form[aria-labelledby=org-acerta] button[value=STAFF]")
        .await
        .click()
        .await
        .unwrap();
    let who = browser.find(".who").await;
    assert!(who.text().await.unwrap().contains("Acerta"));
    browser.goto(&format!("{}/?q=stress", app.address)).await;
    browser.find("ol.results").await;
    // No horizontal scroll at 360 px.
    let fits = browser
        .script("return document.documentElement.scrollWidth <= window.innerWidth")
        .await;
    assert_eq!(fits, serde_json::Value::Bool(true));
    // The header keeps to a few lines: the menu button, not the list of pages.
    let header = browser
        .script("return document.querySelector('header.top').getBoundingClientRect().height")
        .await;
    assert!(header.as_f64().unwrap() <= 160.0, "header {header} px");
    browser.shot("results-phone").await;
    browser
        .find("form[action='/sign-out'] button")
        .await
        .click()
        .await
        .unwrap();
    browser.find("a[href='/sign-in']").await;
    let who = browser
        .script("return document.querySelectorAll('.who').length")
        .await;
    assert_eq!(who, serde_json::json!(0));
    browser.close().await;
}

/// Chromium as people run it, back/forward cache on: every signed-in page listens to its live
/// stream, and a page kept in the cache must not keep its connection, or after six pages (the
/// six connections per site of HTTP/1.1) the seventh never loads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_in_browsing_goes_on_past_six_pages_and_back() {
    let app = spawn_app().await.with_demo().await;
    let browser = Browser::start("bfcache", 1280, 900).await;
    sign_in(&browser, &app.address, "acerta", "STAFF").await;
    let header = [
        "/collaborations",
        "/notifications",
        "/organisations/acerta",
        "/",
        "/tools/new",
    ];
    for (n, href) in header.iter().cycle().take(12).enumerate() {
        let link = browser.find(&format!("nav a[href='{href}']")).await;
        browser.click_to_new_page(link).await;
        let at = browser.script("return location.pathname").await;
        assert_eq!(at, serde_json::json!(href), "page {}", n + 1);
    }
    // The pages the cache keeps hold no stream: the server has one open, this page's.
    assert!(
        live_connections_settle_at_most(&app, 1).await,
        "streams of hidden pages stay open"
    );
    // Back through pages the cache kept, then on again: each shown page listens again, and
    // the next page still loads.
    for _ in 0..3 {
        browser.client.back().await.unwrap();
        browser.find("a[data-unread][data-live=open]").await;
    }
    for href in ["/collaborations", "/notifications"] {
        let link = browser.find(&format!("nav a[href='{href}']")).await;
        browser.click_to_new_page(link).await;
    }
    // The page shown listens to its stream again.
    browser.find("a[data-unread][data-live=open]").await;
    browser.close().await;
}

/// Whether the server's open live connections fall to `most` within 10 s.
async fn live_connections_settle_at_most(app: &commons_tests::TestApp, most: u64) -> bool {
    for _ in 0..100 {
        let metrics = app.get("/metrics").await.text().await.unwrap();
        let open: u64 = metrics
            .lines()
            .find_map(|l| l.strip_prefix("commons_live_connections "))
            .and_then(|v| v.trim().parse().ok())
            .expect("the gauge commons_live_connections");
        if open <= most {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

async fn sign_in(browser: &Browser, address: &str, organisation: &str, role: &str) {
    browser.goto(&format!("{address}/sign-in?lang=en")).await;
    browser
        .find(&format!(
            "form[aria-labelledby=org-{organisation}] button[value={role}]"
        ))
        .await
        .click()
        .await
        .unwrap();
    browser.find(".who").await;
}

async fn sign_out(browser: &Browser) {
    browser
        .find("form[action='/sign-out'] button")
        .await
        .click()
        .await
        .unwrap();
    browser.find("a[href='/sign-in']").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tool_goes_from_one_caisse_through_moderation_to_another() {
    let app = spawn_app().await.with_demo().await;
    app.wait_for_index().await;
    let folder = tempfile::tempdir().unwrap();
    let pdf = folder.path().join("facilitator-guide.pdf");
    std::fs::write(
        &pdf,
        commons_tests::files::pdf_with_text("Facilitator guide: breathing and planning the week"),
    )
    .unwrap();
    let title = "Evening workshop: stress and the family business";
    let mut browser = Browser::start("share-moderate-find", 1280, 900).await;

    // Acerta's staff shares a tool; a first save without a kind is refused next to the field
    // and keeps what was typed.
    sign_in(&browser, &app.address, "acerta", "STAFF").await;
    browser
        .find("a[href='/tools/new']")
        .await
        .click()
        .await
        .unwrap();
    browser
        .find("#title_en")
        .await
        .send_keys(title)
        .await
        .unwrap();
    browser
        .find("#summary_en")
        .await
        .send_keys("Two hours for self-employed couples: what stress does at home and at work.")
        .await
        .unwrap();
    browser
        .find("input[name=category][value=AWARENESS_PROMOTION]")
        .await
        .click()
        .await
        .unwrap();
    browser
        .find("form.tool-form button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    let error = browser.find("#kind-error").await;
    assert!(!error.text().await.unwrap().is_empty());
    let kind = browser.find("#kind").await;
    assert_eq!(
        kind.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(
        browser
            .find("#title_en")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(title)
    );
    browser.shot("form-error").await;
    let violations = browser.serious_accessibility_violations().await;
    assert!(violations.is_empty(), "the tool form: {violations:#?}");
    browser
        .find("#kind")
        .await
        .select_by_value("WORKSHOP_FORMAT")
        .await
        .unwrap();
    browser
        .find("form.tool-form button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    // Saved, the next step reads every answer back, with its documents and the submission.
    browser.find("#attach-file").await;
    let answers = browser.find("dl.answers").await.text().await.unwrap();
    assert!(answers.contains(title), "{answers}");
    assert!(
        browser
            .find(".banner.success")
            .await
            .text()
            .await
            .unwrap()
            .contains("Saved")
    );
    browser.shot("check-answers").await;
    let violations = browser.serious_accessibility_violations().await;
    assert!(violations.is_empty(), "check your answers: {violations:#?}");

    // A PDF attached with the upload form (sent by the script, with its progress).
    browser
        .find("#attach-title")
        .await
        .send_keys("Facilitator's guide")
        .await
        .unwrap();
    browser
        .find("#attach-file")
        .await
        .send_keys(pdf.to_str().unwrap())
        .await
        .unwrap();
    browser
        .find("form[data-upload] button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    let download = browser.find("ul.files a[download]").await;
    assert!(
        download
            .text()
            .await
            .unwrap()
            .contains("Facilitator's guide")
    );
    browser.shot("draft-with-file").await;
    // The same step on a phone: the answers one under the other, nothing wider than it.
    browser.resize(360, 800).await;
    let fits = browser
        .script("return document.documentElement.scrollWidth <= window.innerWidth")
        .await;
    assert_eq!(fits, serde_json::Value::Bool(true));
    browser.shot("check-answers-phone").await;
    browser.resize(1280, 900).await;
    // Submitted from the check: wait for the tool's page the submission answers with.
    let submit = browser.find("form[action$='/submit'] button").await;
    browser.click_to_new_page(submit).await;
    browser.find("#history-title").await;
    let meta = browser.find(".tool-head .meta").await.text().await.unwrap();
    assert!(meta.contains("in review"), "{meta}");
    sign_out(&browser).await;

    // INASTI's moderator sees it in the queue with what it says, and approves it there.
    sign_in(&browser, &app.address, "inasti", "MODERATOR").await;
    browser
        .find("a[href='/moderation']")
        .await
        .click()
        .await
        .unwrap();
    let entry = format!("//ol[@class='queue']/li[.//h2/a[normalize-space()=\"{title}\"]]");
    let diff = browser
        .client
        .wait()
        .for_element(fantoccini::Locator::XPath(&format!(
            "{entry}//table[contains(@class,'changes')]"
        )))
        .await
        .unwrap();
    assert!(diff.text().await.unwrap().contains(title));
    browser.shot("moderation-queue").await;
    let violations = browser.serious_accessibility_violations().await;
    assert!(
        violations.is_empty(),
        "the moderation queue: {violations:#?}"
    );
    browser
        .client
        .find(fantoccini::Locator::XPath(&format!(
            "{entry}//input[@value='APPROVE']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let decide = browser
        .client
        .find(fantoccini::Locator::XPath(&format!(
            "{entry}//button[@type='submit']"
        )))
        .await
        .unwrap();
    browser.click_to_new_page(decide).await;
    let still_there = browser
        .client
        .find_all(fantoccini::Locator::XPath(&entry))
        .await
        .unwrap();
    assert!(still_there.is_empty(), "the decided tool left the queue");
    sign_out(&browser).await;

    // Liantis's staff finds it by searching and downloads the file.
    app.wait_for_index().await;
    sign_in(&browser, &app.address, "liantis", "STAFF").await;
    browser
        .goto(&format!("{}/?q=stress+family+business", app.address))
        .await;
    let result = browser
        .client
        .wait()
        .for_element(fantoccini::Locator::XPath(&format!(
            "//ol[@class='results']//h3/a[normalize-space()=\"{title}\"]"
        )))
        .await
        .unwrap();
    result.click().await.unwrap();
    browser.find("ul.files a[download]").await;
    browser.shot("found-by-another-caisse").await;
    let fetched = browser
        .script(
            "return fetch(document.querySelector('ul.files a[download]').href)
               .then(r => r.arrayBuffer().then(b => [r.status, r.headers.get('content-type'),
                 new TextDecoder().decode(new Uint8Array(b).slice(0, 5))]));",
        )
        .await;
    assert_eq!(
        fetched,
        serde_json::json!([200, "application/pdf", "%PDF-"])
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_sign_in_through_the_organisations_openid_provider() {
    let provider_port = commons_tests::oidc::free_port();
    let app_port = commons_tests::oidc::free_port();
    let issuer = format!("http://127.0.0.1:{provider_port}");
    let app = commons_tests::spawn_app_with(|c| {
        c.listen = format!("127.0.0.1:{app_port}").parse().unwrap();
        c.web.oidc = Some(commons_tests::oidc::config(&issuer));
    })
    .await
    .with_organisations()
    .await;
    let _provider = commons_tests::oidc::OidcProvider::start(
        provider_port,
        &format!("{}/sign-in/callback", app.address),
    )
    .await;
    let mut browser = Browser::start("openid-sign-in", 1280, 900).await;
    browser.goto(&format!("{}/?lang=en", app.address)).await;
    browser
        .find("a[href='/sign-in']")
        .await
        .click()
        .await
        .unwrap();
    // The provider's own login page, then its consent page.
    let login = browser.find("input[name=login]").await;
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.port(), Some(provider_port), "{url}");
    login.send_keys("acerta:STAFF").await.unwrap();
    browser
        .find("input[name=password]")
        .await
        .send_keys("any")
        .await
        .unwrap();
    browser.shot("provider-login").await;
    browser
        .find("button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    // The consent page replaces the login page: wait for it before pressing its button.
    browser.find("input[name=prompt][value=consent]").await;
    browser.shot("provider-consent").await;
    browser
        .find("button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    // Back on Commons, signed in as the ID token says.
    let who = browser.find(".who").await;
    assert!(who.text().await.unwrap().contains("Acerta"));
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.port(), Some(app_port));
    assert_eq!(url.path(), "/");
    browser.shot("signed-in").await;
    sign_out(&browser).await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caisse_answers_a_proposal_and_runs_the_joint_service_it_creates() {
    let app = spawn_app().await.with_demo().await;
    let mut browser = Browser::start("collaborations", 1280, 900).await;
    sign_in(&browser, &app.address, "securex", "STAFF").await;

    // The header leads to the proposals received: IFAPME's training waits for an answer.
    browser
        .find("a[href='/collaborations']")
        .await
        .click()
        .await
        .unwrap();
    browser.find("#proposals-title").await;
    browser.shot("collaborations").await;
    let violations = browser.serious_accessibility_violations().await;
    assert!(
        violations.is_empty(),
        "the collaborations page: {violations:#?}"
    );
    // The form to propose one, sent empty: its errors by their fields, still accessible.
    browser
        .goto(&format!("{}/collaborations/new", app.address))
        .await;
    let send = browser
        .find("form[action='/collaborations/new'] button")
        .await;
    browser.click_to_new_page(send).await;
    browser.find("#title-error").await;
    browser.shot("proposal-form-errors").await;
    let violations = browser.serious_accessibility_violations().await;
    assert!(violations.is_empty(), "the proposal form: {violations:#?}");
    browser
        .goto(&format!("{}/collaborations", app.address))
        .await;
    browser
        .find("ul.cards a[href^='/collaborations/proposals/']")
        .await
        .click()
        .await
        .unwrap();
    browser.find("#answer-title").await;
    let violations = browser.serious_accessibility_violations().await;
    assert!(violations.is_empty(), "a proposal's page: {violations:#?}");

    // A question in the thread, then the answer.
    let question = "Can twelve case managers take part in the first session?";
    browser
        .find("#message-body")
        .await
        .send_keys(question)
        .await
        .unwrap();
    browser
        .find("form[action$='/messages'] button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    let thread = browser.find("ol.thread").await;
    assert!(thread.text().await.unwrap().contains(question));
    browser
        .find("input[name=answer][value=accept]")
        .await
        .click()
        .await
        .unwrap();
    browser
        .find("#answer-message")
        .await
        .send_keys("Securex takes responsibility for the service.")
        .await
        .unwrap();
    browser
        .find("form[action$='/answer'] button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    browser.shot("proposal-answered").await;

    // The acceptance created the joint service, Securex responsible, its record verified.
    browser
        .find("a[href^='/collaborations/services/']")
        .await
        .click()
        .await
        .unwrap();
    let verification = browser.find("#verification.verified").await;
    assert!(
        verification
            .text()
            .await
            .unwrap()
            .contains("Record verified: 1 entry, the hash chain is intact")
    );
    let responsible = browser
        .find(".tool-head a[href='/organisations/securex']")
        .await;
    browser.shot("joint-service").await;
    let violations = browser.serious_accessibility_violations().await;
    assert!(
        violations.is_empty(),
        "a joint service's page: {violations:#?}"
    );

    // The caisse's page shows its yearly account with the chart of its offerings.
    responsible.click().await.unwrap();
    browser.find("#account-title").await;
    browser.find("svg.chart[role=img]").await;
    browser.shot("organisation").await;
    let violations = browser.serious_accessibility_violations().await;
    assert!(
        violations.is_empty(),
        "an organisation's page: {violations:#?}"
    );
    // The same pages fit a phone.
    browser.resize(360, 800).await;
    let fits = browser
        .script("return document.documentElement.scrollWidth <= window.innerWidth")
        .await;
    assert_eq!(
        fits,
        serde_json::Value::Bool(true),
        "the organisation page at 360 px"
    );
    browser.close().await;
}

/// A page's key for the crawl: its path with ids (long or numeric segments) as `{id}`.
fn page_kind(path: &str) -> String {
    path.split('?')
        .next()
        .unwrap_or_default()
        .split('/')
        .map(|part| {
            if part.len() > 12 || (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())) {
                "{id}"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every page a visitor reaches by following links from the home page, two of each kind at
/// most: those wider than the window, as `path: width`.
async fn pages_wider_than_the_window(browser: &Browser, address: &str) -> (usize, Vec<String>) {
    use std::collections::{HashMap, HashSet, VecDeque};
    let not_pages = [
        "/lang/",
        "/files/",
        "/exports/",
        "/reports/",
        "/graphiql",
        "/assets/",
        "/go/",
        "/sign-",
    ];
    let mut queue = VecDeque::from(["/".to_owned()]);
    let mut queued = HashSet::from(["/".to_owned()]);
    let mut kinds: HashMap<String, usize> = HashMap::new();
    let mut visited = 0;
    let mut wide = Vec::new();
    while let Some(path) = queue.pop_front() {
        browser.goto(&format!("{address}{path}")).await;
        visited += 1;
        let sizes = browser
            .script("return [document.documentElement.scrollWidth, window.innerWidth]")
            .await;
        if sizes[0].as_u64() > sizes[1].as_u64() {
            // What sticks out: the innermost elements past the window's right edge.
            let culprits = browser
                .script(
                    "const w = window.innerWidth;
                     return [...document.querySelectorAll('body *')]
                       .filter(e => e.getBoundingClientRect().right > w + 1)
                       .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > w + 1))
                       .slice(0, 4)
                       .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' + Math.round(e.getBoundingClientRect().right) + ' px');",
                )
                .await;
            wide.push(format!("{path}: {} px, {culprits}", sizes[0]));
        }
        let links = browser
            .script(
                "return [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))",
            )
            .await;
        for href in links
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|h| h.as_str())
        {
            let href = href.split('#').next().unwrap_or_default().to_owned();
            if !href.starts_with('/')
                || href.starts_with("//")
                || not_pages.iter().any(|p| href.starts_with(p))
            {
                continue;
            }
            let seen = kinds.entry(page_kind(&href)).or_default();
            if *seen < 2 && queued.insert(href.clone()) {
                *seen += 1;
                queue.push_back(href);
            }
        }
    }
    (visited, wide)
}

/// On a 320 px phone no page scrolls sideways: wide tables scroll inside themselves, long
/// words (a digest, a date) wrap. Every page reachable by links, for a caisse's admin (its
/// yearly account and report), a moderator, and a caisse's staff running joint services.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_scrolls_sideways_on_a_320_px_phone() {
    let app = spawn_app().await.with_demo().await;
    let browser = Browser::start("phone-320", 320, 700).await;
    let mut all = 0;
    let mut wide = Vec::new();
    for (organisation, role) in [
        ("acerta", "ORG_ADMIN"),
        ("inasti", "MODERATOR"),
        ("ucm", "STAFF"),
        ("cgg", "CGG_MEMBER"),
    ] {
        sign_in(&browser, &app.address, organisation, role).await;
        let (visited, too_wide) = pages_wider_than_the_window(&browser, &app.address).await;
        all += visited;
        wide.extend(
            too_wide
                .into_iter()
                .map(|w| format!("{organisation} {role} {w}")),
        );
        sign_out(&browser).await;
    }
    assert!(all > 40, "{all} pages visited");
    assert!(wide.is_empty(), "pages wider than 320 px: {wide:#?}");
    browser.close().await;
}

/// The evaluation's pages in a browser, on the demo: a caisse's staff with the year's indicators
/// to fill in, a moderator with the evaluation form of an accepted report, INASTI's year page and
/// the three-year view with its charts, and the CGG's view — none with a serious or critical
/// WCAG 2.1 AA violation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_evaluation_pages_pass_axe() {
    let app = spawn_app().await.with_demo().await;
    let year = chrono::Datelike::year(&app.services.now()) - 1;
    let mut browser = Browser::start("evaluation", 1280, 900).await;
    let address = &app.address;
    // Liantis's draft still lacks the demo's required values.
    sign_in(&browser, address, "liantis", "ORG_ADMIN").await;
    let liantis = format!("/organisations/liantis?year={year}&lang=fr");
    check_page(
        &mut browser,
        address,
        &liantis,
        "indicators",
        "#indicators-missing",
    )
    .await;
    sign_out(&browser).await;

    // Acerta's report, accepted through the API, waits for its evaluation.
    let token = app.login_as("inasti", "MODERATOR");
    let acerta = app.organisation_id("acerta").await;
    let body = app
        .graphql_as(
            &token,
            "query($id: ID!, $year: Int!) { activityReport(caisseId: $id, year: $year) { id } }",
            serde_json::json!({ "id": acerta, "year": year }),
        )
        .await;
    let report = body["data"]["activityReport"]["id"].clone();
    let accepted = app
        .graphql_as(
            &token,
            "mutation($input: ReviewActivityReportInput!) { reviewActivityReport(input: $input) { userErrors { code } } }",
            serde_json::json!({ "input": { "reportId": report, "decision": "ACCEPT" } }),
        )
        .await;
    assert_eq!(
        accepted["data"]["reviewActivityReport"]["userErrors"],
        serde_json::json!([]),
        "{accepted}"
    );
    sign_in(&browser, address, "inasti", "MODERATOR").await;
    let acerta_page = format!("/organisations/acerta?year={year}&lang=nl");
    check_page(
        &mut browser,
        address,
        &acerta_page,
        "evaluation-form",
        "input[name='score:QUALITY']",
    )
    .await;
    let year_page = format!("/evaluations?year={year}&lang=de");
    check_page(&mut browser, address, &year_page, "year", "#progress-title").await;
    check_page(
        &mut browser,
        address,
        "/evaluations/trend?lang=en",
        "trend",
        "svg.chart",
    )
    .await;
    sign_out(&browser).await;

    // The demo's year before last is published: the CGG reads it and may give its advice.
    sign_in(&browser, address, "cgg", "CGG_MEMBER").await;
    let cgg_page = format!("/evaluations?year={}&lang=fr", year - 1);
    check_page(
        &mut browser,
        address,
        &cgg_page,
        "cgg",
        "#advice-text-input",
    )
    .await;
    let open_year = format!("/evaluations?year={year}&lang=fr");
    check_page(
        &mut browser,
        address,
        &open_year,
        "cgg-open-year",
        "#not-published",
    )
    .await;
    browser.close().await;
}

/// Opens `path`, waits for `expect`, keeps a screenshot and insists axe-core finds nothing
/// serious or critical.
async fn check_page(browser: &mut Browser, address: &str, path: &str, label: &str, expect: &str) {
    browser.goto(&format!("{address}{path}")).await;
    browser.find(expect).await;
    browser.shot(label).await;
    let violations = browser.serious_accessibility_violations().await;
    assert!(violations.is_empty(), "{label}: {violations:#?}");
}
