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
