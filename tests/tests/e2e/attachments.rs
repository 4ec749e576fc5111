//! Attachments end to end, each behaviour on the local folder and on an S3-compatible endpoint:
//! upload, download (range, ETag, 304), every refusal, visibility for every caller, one copy
//! per content, text found by search, and the sweep of unused objects.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use commons_tests::files::{executable, pdf_with_text, png, unknown_binary};
use commons_tests::storage::{BACKENDS, Backend, spawn_app_on};
use commons_tests::tools::{
    DECIDE, SUBMIT, UPDATE, WITHDRAW, content, draft_tool, ok, published_tool,
};
use commons_tests::{Caller, TestApp};
use serde_json::{Value, json};

async fn app(backend: Backend) -> TestApp {
    spawn_app_on(backend, |_| {}).await
}

/// Uploads as staff of `org`; returns the payload of `addAttachment`.
async fn attach(app: &TestApp, org: &str, tool: &str, name: &str, bytes: Vec<u8>) -> Value {
    let token = app.login_as(org, "STAFF");
    let response = app
        .upload(Some(&token), tool, name, bytes, "Document")
        .await;
    let body: Value = response.json().await.unwrap();
    body["data"]["addAttachment"].clone()
}

async fn attached(app: &TestApp, org: &str, tool: &str, name: &str, bytes: Vec<u8>) -> Value {
    let payload = attach(app, org, tool, name, bytes).await;
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    payload["attachment"].clone()
}

async fn attachment_rows(app: &TestApp) -> i64 {
    use sea_orm::ConnectionTrait;
    let row = app
        .services
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.services.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM attachments",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

#[tokio::test]
async fn an_uploaded_file_downloads_with_its_headers() {
    for backend in BACKENDS {
        let app = app(backend).await;
        let tool = draft_tool(&app, "acerta", "Auto-test", "PUBLIC").await;
        let text = "Plan d'action : respirer, dormir, parler.\n".repeat(20);
        let a = attached(
            &app,
            "acerta",
            &tool,
            "../plan d'action.txt",
            text.clone().into_bytes(),
        )
        .await;
        assert_eq!(a["fileName"], "plan d_action.txt", "{backend:?}");
        assert_eq!(a["mediaType"], "text/plain; charset=utf-8");
        assert_eq!(a["sizeBytes"], text.len());
        let token = app.login_as("acerta", "STAFF");
        let response = app
            .get_with(Some(&token), a["url"].as_str().unwrap(), &[])
            .await;
        assert_eq!(response.status(), 200, "{backend:?}");
        let h = response.headers().clone();
        assert_eq!(h["content-type"], "text/plain; charset=utf-8");
        assert_eq!(h["content-length"], text.len().to_string().as_str());
        assert_eq!(
            h["etag"],
            format!("\"{}\"", a["sha256"].as_str().unwrap()).as_str()
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(
            h["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment; filename=\"plan d_action.txt\""),
        );
        assert_eq!(response.text().await.unwrap(), text);
        assert_eq!(app.stored_objects().await.len(), 1);
    }
}

#[tokio::test]
async fn ranges_etags_and_not_modified() {
    for backend in BACKENDS {
        let app = app(backend).await;
        let tool = draft_tool(&app, "acerta", "Auto-test", "PUBLIC").await;
        let bytes: Vec<u8> = pdf_with_text("Range test");
        let a = attached(&app, "acerta", &tool, "scan.pdf", bytes.clone()).await;
        let url = a["url"].as_str().unwrap();
        let etag = format!("\"{}\"", a["sha256"].as_str().unwrap());
        let token = app.login_as("acerta", "STAFF");
        let size = bytes.len();

        let first = app
            .get_with(Some(&token), url, &[("range", "bytes=0-9")])
            .await;
        assert_eq!(first.status(), 206, "{backend:?}");
        assert_eq!(
            first.headers()["content-range"],
            format!("bytes 0-9/{size}").as_str()
        );
        assert_eq!(first.bytes().await.unwrap().as_ref(), &bytes[..10]);

        let tail = app
            .get_with(Some(&token), url, &[("range", "bytes=-6")])
            .await;
        assert_eq!(tail.status(), 206);
        assert_eq!(tail.bytes().await.unwrap().as_ref(), &bytes[size - 6..]);

        let outside = app
            .get_with(Some(&token), url, &[("range", &format!("bytes={size}-"))])
            .await;
        assert_eq!(outside.status(), 416);
        assert_eq!(
            outside.headers()["content-range"],
            format!("bytes */{size}").as_str()
        );

        let cached = app
            .get_with(Some(&token), url, &[("if-none-match", &etag)])
            .await;
        assert_eq!(cached.status(), 304);
        assert_eq!(cached.headers()["etag"], etag.as_str());
        assert!(cached.bytes().await.unwrap().is_empty());

        let stale = app
            .get_with(Some(&token), url, &[("if-none-match", "\"other\"")])
            .await;
        assert_eq!(stale.status(), 200);
        assert_eq!(stale.bytes().await.unwrap().as_ref(), &bytes[..]);
    }
}

#[tokio::test]
async fn the_same_content_is_stored_once() {
    for backend in BACKENDS {
        let app = app(backend).await;
        let first = draft_tool(&app, "acerta", "Premier", "PUBLIC").await;
        let second = draft_tool(&app, "ucm", "Second", "PUBLIC").await;
        let a = attached(&app, "acerta", &first, "guide.pdf", pdf_with_text("Same")).await;
        let b = attached(&app, "ucm", &second, "copie.pdf", pdf_with_text("Same")).await;
        assert_eq!(a["sha256"], b["sha256"]);
        assert_ne!(a["id"], b["id"]);
        assert_eq!(app.stored_objects().await.len(), 1, "{backend:?}");
        for (org, att) in [("acerta", &a), ("ucm", &b)] {
            let token = app.login_as(org, "STAFF");
            let r = app
                .get_with(Some(&token), att["url"].as_str().unwrap(), &[])
                .await;
            assert_eq!(r.status(), 200);
        }
    }
}

#[tokio::test]
async fn refused_files_leave_nothing_behind() {
    for backend in BACKENDS {
        let app = spawn_app_on(backend, |c| {
            c.limits.upload_bytes = 16 * 1024;
            c.limits.attachments_per_tool = 1;
        })
        .await;
        let tool = draft_tool(&app, "acerta", "Auto-test", "PUBLIC").await;
        let staff = app.login_as("acerta", "STAFF");

        let too_large = app
            .upload(Some(&staff), &tool, "big.txt", vec![b'a'; 20 * 1024], "Big")
            .await;
        assert_eq!(too_large.status(), 413, "{backend:?}");
        let body: Value = too_large.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");

        for (name, bytes, code) in [
            ("guide.pdf", executable(), "NOT_ALLOWED"),
            ("photo.png", unknown_binary(), "NOT_ALLOWED"),
            ("vide.txt", Vec::new(), "REQUIRED"),
        ] {
            let payload = attach(&app, "acerta", &tool, name, bytes).await;
            assert_eq!(payload["userErrors"][0]["code"], code, "{name}: {payload}");
            assert_eq!(payload["userErrors"][0]["field"], json!(["file"]));
        }

        // Another organisation's draft does not exist for the caller; a moderator sees it
        // but may not edit it.
        let other = app.login_as("ucm", "STAFF");
        let hidden = app.upload(Some(&other), &tool, "x.png", png(), "X").await;
        let body: Value = hidden.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
        let moderator = app.login_as("inasti", "MODERATOR");
        let forbidden = app
            .upload(Some(&moderator), &tool, "x.png", png(), "X")
            .await;
        let body: Value = forbidden.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
        let anonymous = app.upload(None, &tool, "x.png", png(), "X").await;
        let body: Value = anonymous.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");

        assert_eq!(attachment_rows(&app).await, 0);
        assert!(app.stored_objects().await.is_empty(), "{backend:?}");

        // The limit of files per tool.
        attached(&app, "acerta", &tool, "a.png", png()).await;
        let second = attach(&app, "acerta", &tool, "b.txt", b"deux".to_vec()).await;
        assert_eq!(second["userErrors"][0]["code"], "OUT_OF_RANGE");
        assert_eq!(attachment_rows(&app).await, 1);
        assert_eq!(app.stored_objects().await.len(), 1);
    }
}

#[tokio::test]
async fn an_upload_cut_off_halfway_leaves_nothing_behind() {
    use tokio::io::AsyncWriteExt;
    for backend in BACKENDS {
        let app = app(backend).await;
        let tool = draft_tool(&app, "acerta", "Auto-test", "PUBLIC").await;
        let token = app.login_as("acerta", "STAFF");
        let boundary = "commons-boundary";
        let operations = json!({
            "query": "mutation($input: AddAttachmentInput!) { addAttachment(input: $input) { attachment { id } } }",
            "variables": { "input": { "toolId": tool, "file": null, "title": "Cut", "language": "FR" } }
        });
        let head = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\":[\"variables.input.file\"]}}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"cut.txt\"\r\nContent-Type: text/plain\r\n\r\n"
        );
        let file = "x".repeat(10_000);
        let tail = format!("\r\n--{boundary}--\r\n");
        let full_length = head.len() + file.len() + tail.len();
        let address = app.address.trim_start_matches("http://").to_owned();
        let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
        let request = format!(
            "POST /graphql HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {full_length}\r\n\r\n{head}{}",
            &file[..5_000]
        );
        socket.write_all(request.as_bytes()).await.unwrap();
        socket.shutdown().await.unwrap();
        drop(socket);
        // The server sees the body end early; give it a moment to drop the request.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(attachment_rows(&app).await, 0, "{backend:?}");
        assert!(app.stored_objects().await.is_empty());
        // And it still takes a whole upload.
        attached(&app, "acerta", &tool, "whole.txt", file.into_bytes()).await;
        assert_eq!(attachment_rows(&app).await, 1);
    }
}

/// Who may download the file of a tool at each stage: the same answer as for the tool itself.
#[tokio::test]
async fn files_follow_the_visibility_of_their_tool_for_every_caller() {
    for backend in BACKENDS {
        let app = app(backend).await;
        let draft = draft_tool(&app, "acerta", "Brouillon", "PUBLIC").await;
        let network = draft_tool(&app, "acerta", "Réseau", "NETWORK").await;
        let public = draft_tool(&app, "acerta", "Public", "PUBLIC").await;
        let private = draft_tool(&app, "acerta", "Interne", "ORGANISATION").await;
        let mut urls = Vec::new();
        for tool in [&draft, &network, &public, &private] {
            let a = attached(
                &app,
                "acerta",
                tool,
                "doc.txt",
                tool.to_string().into_bytes(),
            )
            .await;
            urls.push(a["url"].as_str().unwrap().to_owned());
        }
        let staff = app.login_as("acerta", "STAFF");
        let moderator = app.login_as("inasti", "MODERATOR");
        for tool in [&network, &public] {
            ok(
                &app,
                &staff,
                SUBMIT,
                "submitTool",
                json!({ "toolId": tool, "revision": 1 }),
            )
            .await;
            ok(
                &app,
                &moderator,
                DECIDE,
                "decideOnTool",
                json!({ "toolId": tool, "revision": 1, "decision": "APPROVE" }),
            )
            .await;
        }
        // (caller, [draft, network, public, organisation-only])
        let expected: [(Caller, [u16; 4]); 6] = [
            (None, [404, 404, 200, 404]),
            (Some(("acerta", "STAFF")), [200, 200, 200, 200]),
            (Some(("acerta", "ORG_ADMIN")), [200, 200, 200, 200]),
            (Some(("ucm", "STAFF")), [404, 200, 200, 404]),
            (Some(("unizo", "STAFF")), [404, 200, 200, 404]),
            (Some(("inasti", "MODERATOR")), [200, 200, 200, 404]),
        ];
        for (caller, statuses) in expected {
            let token = caller.map(|(org, role)| app.login_as(org, role));
            for (url, status) in urls.iter().zip(statuses) {
                let r = app.get_with(token.as_deref(), url, &[]).await;
                assert_eq!(r.status(), status, "{backend:?} {caller:?} {url}");
            }
        }
        // Withdrawn: only the owner and moderators.
        ok(
            &app,
            &moderator,
            WITHDRAW,
            "withdrawTool",
            json!({ "toolId": public, "reason": "outdated" }),
        )
        .await;
        let ucm = app.login_as("ucm", "STAFF");
        assert_eq!(app.get_with(Some(&ucm), &urls[2], &[]).await.status(), 404);
        assert_eq!(app.get_with(None, &urls[2], &[]).await.status(), 404);
        assert_eq!(
            app.get_with(Some(&staff), &urls[2], &[]).await.status(),
            200
        );
        // Not an ID at all, or one of nothing.
        assert_eq!(
            app.get_with(Some(&staff), "/files/nothing", &[])
                .await
                .status(),
            404
        );
        let missing = format!("/files/{}", commons_tests::global_id("Attachment", 9999));
        assert_eq!(
            app.get_with(Some(&staff), &missing, &[]).await.status(),
            404
        );
    }
}

#[tokio::test]
async fn a_published_revision_keeps_its_files_while_a_new_one_is_reviewed() {
    let app = app(Backend::Local).await;
    let tool = draft_tool(&app, "acerta", "Auto-test", "PUBLIC").await;
    let first = attached(&app, "acerta", &tool, "v1.txt", b"version une".to_vec()).await;
    let staff = app.login_as("acerta", "STAFF");
    let moderator = app.login_as("inasti", "MODERATOR");
    ok(
        &app,
        &staff,
        SUBMIT,
        "submitTool",
        json!({ "toolId": tool, "revision": 1 }),
    )
    .await;
    ok(
        &app,
        &moderator,
        DECIDE,
        "decideOnTool",
        json!({ "toolId": tool, "revision": 1, "decision": "APPROVE" }),
    )
    .await;
    // A published revision's files stay as they are.
    let frozen = attach(&app, "acerta", &tool, "v2.txt", b"version deux".to_vec()).await;
    assert_eq!(frozen["userErrors"][0]["code"], "INVALID_STATE", "{frozen}");
    // A new revision starts with the files of the one it is based on.
    ok(
        &app,
        &staff,
        UPDATE,
        "updateTool",
        json!({ "toolId": tool, "baseRevision": 1, "content": content("Auto-test v2", "PUBLIC") }),
    )
    .await;
    let second = attached(&app, "acerta", &tool, "v2.txt", b"version deux".to_vec()).await;
    let removed = app
        .graphql_as(
            &staff,
            "mutation($id: ID!) { removeAttachment(input: { attachmentId: $id }) { userErrors { code } } }",
            json!({ "id": first["id"] }),
        )
        .await;
    assert_eq!(
        removed["data"]["removeAttachment"]["userErrors"],
        json!([]),
        "{removed}"
    );
    let files = |token: Option<String>| {
        let app = &app;
        let tool = tool.clone();
        async move {
            let q =
                "query($id: ID!) { node(id: $id) { ... on Tool { attachments { fileName } } } }";
            let body = match token {
                Some(t) => app.graphql_as(&t, q, json!({ "id": tool })).await,
                None => app.graphql(q, json!({ "id": tool })).await,
            };
            body["data"]["node"]["attachments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["fileName"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(files(None).await, ["v1.txt"]);
    assert_eq!(files(Some(staff.clone())).await, ["v2.txt"]);
    assert_eq!(
        app.get_with(None, first["url"].as_str().unwrap(), &[])
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get_with(None, second["url"].as_str().unwrap(), &[])
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get_with(Some(&staff), second["url"].as_str().unwrap(), &[])
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn words_inside_an_attached_pdf_find_the_tool_and_name_the_file() {
    for backend in BACKENDS {
        let app = app(backend).await;
        let tool = published_tool(&app, "acerta", "Auto-test du stress", "PUBLIC").await;
        let staff = app.login_as("acerta", "STAFF");
        ok(
            &app,
            &staff,
            UPDATE,
            "updateTool",
            json!({ "toolId": tool, "baseRevision": 1, "content": content("Auto-test du stress", "PUBLIC") }),
        )
        .await;
        let pdf = attached(
            &app,
            "acerta",
            &tool,
            "questionnaire.pdf",
            pdf_with_text("Questionnaire de resilience entrepreneuriale"),
        )
        .await;
        let notes = attached(
            &app,
            "acerta",
            &tool,
            "notes.md",
            b"# Notes\n\nsommeil et fatigue".to_vec(),
        )
        .await;
        app.wait_for_index().await;
        let q = "query($q: String!) { searchTools(query: $q) { totalCount edges { node {
            tool { id } matchedAttachments { attachment { id fileName } text } } } } }";
        let found = app
            .graphql_as(&staff, q, json!({ "q": "resilience" }))
            .await;
        let hits = &found["data"]["searchTools"];
        assert_eq!(hits["totalCount"], 1, "{backend:?}: {found}");
        let node = &hits["edges"][0]["node"];
        assert_eq!(node["tool"]["id"], tool);
        assert_eq!(node["matchedAttachments"][0]["attachment"]["id"], pdf["id"]);
        assert!(
            node["matchedAttachments"][0]["text"]
                .as_str()
                .unwrap()
                .contains("<b>resilience</b>"),
            "{found}"
        );
        assert_eq!(node["matchedAttachments"].as_array().unwrap().len(), 1);
        let markdown = app.graphql_as(&staff, q, json!({ "q": "fatigue" })).await;
        assert_eq!(
            markdown["data"]["searchTools"]["edges"][0]["node"]["matchedAttachments"][0]["attachment"]
                ["id"],
            notes["id"]
        );
        // The published revision has no such file: the public does not find the tool by it.
        let public = app.graphql(q, json!({ "q": "resilience" })).await;
        assert_eq!(public["data"]["searchTools"]["totalCount"], 0, "{public}");
    }
}

#[tokio::test]
async fn the_sweep_removes_objects_no_revision_uses_after_the_grace_period() {
    for backend in BACKENDS {
        let app = app(backend).await;
        let tool = draft_tool(&app, "acerta", "Auto-test", "PUBLIC").await;
        let kept = attached(&app, "acerta", &tool, "kept.png", png()).await;
        let gone = attached(&app, "acerta", &tool, "gone.txt", b"temporary".to_vec()).await;
        let staff = app.login_as("acerta", "STAFF");
        app.graphql_as(
            &staff,
            "mutation($id: ID!) { removeAttachment(input: { attachmentId: $id }) { userErrors { code } } }",
            json!({ "id": gone["id"] }),
        )
        .await;
        assert_eq!(app.stored_objects().await.len(), 2, "{backend:?}");
        // Within the grace period nothing goes.
        let swept = commons_service::attachments::sweep(&app.services, Duration::from_secs(3600))
            .await
            .unwrap();
        assert_eq!((swept.unused, swept.strays), (0, 0));
        // A stray object (stored, never recorded) goes too once old enough.
        let stray = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(stray.path(), b"stray").unwrap();
        let stray_sha = "ab".repeat(32);
        app.services
            .files
            .put_file(
                &stray_sha,
                tokio::fs::File::open(stray.path()).await.unwrap(),
                5,
            )
            .await
            .unwrap();
        let swept = commons_service::attachments::sweep(&app.services, Duration::ZERO)
            .await
            .unwrap();
        assert_eq!((swept.unused, swept.strays), (1, 1), "{backend:?}");
        assert_eq!(
            app.stored_objects().await,
            [kept["sha256"].as_str().unwrap().to_owned()]
        );
        let r = app
            .get_with(Some(&staff), kept["url"].as_str().unwrap(), &[])
            .await;
        assert_eq!(r.status(), 200);
    }
}

#[tokio::test]
async fn an_unreachable_store_is_a_clear_error_and_nothing_is_written() {
    let app = spawn_app_on(Backend::Local, |c| {
        // Nothing listens on the discard port.
        let (url, options) = commons_tests::storage::s3_settings("http://127.0.0.1:9");
        c.storage.url = Some(url);
        c.storage.options = options;
        c.storage.timeout_ms = 2_000;
    })
    .await;
    let tool = draft_tool(&app, "acerta", "Auto-test", "PUBLIC").await;
    let token = app.login_as("acerta", "STAFF");
    let response = app.upload(Some(&token), &tool, "a.png", png(), "A").await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAVAILABLE",
        "{body}"
    );
    assert!(
        !body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("127.0.0.1"),
        "no internals: {body}"
    );
    assert_eq!(attachment_rows(&app).await, 0);
}

#[tokio::test]
async fn the_demo_tools_carry_files_that_search_reads() {
    let app = commons_tests::spawn_app().await.with_demo().await;
    app.wait_for_index().await;
    let found = app
        .graphql(
            "{ searchTools(query: \"slaapproblemen\") { totalCount edges { node {
                tool { title } matchedAttachments { attachment { fileName url } text } } } } }",
            json!({}),
        )
        .await;
    let hits = &found["data"]["searchTools"];
    assert_eq!(hits["totalCount"], 1, "{found}");
    let matched = &hits["edges"][0]["node"]["matchedAttachments"][0];
    assert_eq!(
        matched["attachment"]["fileName"],
        "handleiding-stresstest.md"
    );
    let url = matched["attachment"]["url"].as_str().unwrap();
    let file = app.get_with(None, url, &[]).await;
    assert_eq!(file.status(), 200);
    assert_eq!(
        file.headers()["content-type"],
        "text/markdown; charset=utf-8"
    );
}

#[tokio::test]
async fn a_list_of_tools_shows_each_its_own_files() {
    let app = app(Backend::Local).await;
    let first = draft_tool(&app, "acerta", "Premier", "PUBLIC").await;
    let second = draft_tool(&app, "acerta", "Second", "PUBLIC").await;
    attached(&app, "acerta", &first, "premier.txt", b"un".to_vec()).await;
    attached(&app, "acerta", &second, "second.txt", b"deux".to_vec()).await;
    attached(&app, "acerta", &second, "image.png", png()).await;
    let staff = app.login_as("acerta", "STAFF");
    let body = app
        .graphql_as(
            &staff,
            "{ tools { edges { node { id attachments { fileName mediaType } } } } }",
            json!({}),
        )
        .await;
    let files: Vec<(String, Vec<String>)> = body["data"]["tools"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["id"].as_str().unwrap().to_owned(),
                e["node"]["attachments"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a["fileName"].as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            (
                second,
                vec!["second.txt".to_owned(), "image.png".to_owned()]
            ),
            (first, vec!["premier.txt".to_owned()]),
        ],
        "{body}"
    );
}

#[tokio::test]
async fn parallel_uploads_never_exceed_the_files_a_revision_may_carry() {
    let app = spawn_app_on(Backend::Local, |c| c.limits.attachments_per_tool = 3).await;
    let tool = draft_tool(&app, "acerta", "Auto-test", "PUBLIC").await;
    let token = app.login_as("acerta", "STAFF");
    for round in 0..3 {
        // Each file differs, so that none is the same stored object.
        let uploads = (0..8).map(|i| {
            let (app, token, tool) = (&app, &token, &tool);
            async move {
                let text = format!("Fiche {round}-{i}: questions sur le stress et le sommeil.");
                let response = app
                    .upload(
                        Some(token),
                        tool,
                        &format!("fiche-{round}-{i}.txt"),
                        text.into_bytes(),
                        "Fiche",
                    )
                    .await;
                response.json::<Value>().await.unwrap()
            }
        });
        let answers = futures_util::future::join_all(uploads).await;
        let added = answers
            .iter()
            .filter(|b| b["data"]["addAttachment"]["userErrors"] == json!([]))
            .count();
        for body in &answers {
            let errors = &body["data"]["addAttachment"]["userErrors"];
            assert!(
                *errors == json!([]) || errors[0]["code"] == "OUT_OF_RANGE",
                "{body}"
            );
        }
        let carried = app
            .graphql_as(
                &token,
                "query($id: ID!) { node(id: $id) { ... on Tool { current { attachments { id } } } } }",
                json!({ "id": tool }),
            )
            .await;
        let count = carried["data"]["node"]["current"]["attachments"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(count, 3, "round {round}: {carried}");
        assert!(round > 0 || added == 3, "{added} added in the first round");
        assert!(round == 0 || added == 0);
    }
}

#[tokio::test]
async fn a_file_is_stored_under_a_name_that_says_what_it_is() {
    let app = app(Backend::Local).await;
    let tool = draft_tool(&app, "acerta", "Auto-test", "PUBLIC").await;
    let text = "Questions pour faire le point sur le stress."
        .as_bytes()
        .to_vec();
    for name in [
        "guide.hta",
        "lancer.js",
        "setup.bat",
        "script.ps1",
        "page.html",
    ] {
        let payload = attach(&app, "acerta", &tool, name, text.clone()).await;
        assert_eq!(
            payload["userErrors"][0]["code"], "NOT_ALLOWED",
            "{name}: {payload}"
        );
        assert_eq!(payload["attachment"], Value::Null);
    }
    // Shown as "rapport.pdf" with the override; really a script.
    let disguised = attach(
        &app,
        "acerta",
        &tool,
        "rapport\u{202E}fdp.exe",
        text.clone(),
    )
    .await;
    assert_eq!(
        disguised["userErrors"][0]["code"], "NOT_ALLOWED",
        "{disguised}"
    );
    for (name, stored) in [
        ("notes", "notes.txt"),
        ("fiche.docx", "fiche.txt"),
        ("gu\u{200B}ide\u{2066}.md\u{2069}", "guide.md"),
        ("questionnaire.pdf", "questionnaire.txt"),
    ] {
        let attachment = attached(&app, "acerta", &tool, name, text.clone()).await;
        assert_eq!(attachment["fileName"], stored, "{name}");
    }
    let pdf = attached(
        &app,
        "acerta",
        &tool,
        "auto-test.txt",
        pdf_with_text("Stress"),
    )
    .await;
    assert_eq!(pdf["fileName"], "auto-test.pdf");
    assert_eq!(pdf["mediaType"], "application/pdf");
}

#[tokio::test]
async fn a_file_only_a_private_draft_carried_stays_with_its_organisation() {
    let app = app(Backend::Local).await;
    let tool = draft_tool(&app, "acerta", "Brouillon interne", "ORGANISATION").await;
    let file = attached(
        &app,
        "acerta",
        &tool,
        "interne.txt",
        b"Notes internes.".to_vec(),
    )
    .await;
    let owner = app.login_as("acerta", "STAFF");
    // The next revision is for the network, and no longer carries the file.
    ok(
        &app,
        &owner,
        commons_tests::tools::UPDATE,
        "updateTool",
        json!({ "toolId": tool, "baseRevision": 1, "content": content("Pour le réseau", "NETWORK") }),
    )
    .await;
    let removed = app
        .graphql_as(
            &owner,
            "mutation($id: ID!) { removeAttachment(input: { attachmentId: $id }) { userErrors { code } } }",
            json!({ "id": file["id"] }),
        )
        .await;
    assert_eq!(
        removed["data"]["removeAttachment"]["userErrors"],
        json!([]),
        "{removed}"
    );
    let moderator = app.login_as("inasti", "MODERATOR");
    let url = file["url"].as_str().unwrap();
    let read = |token: String| {
        let app = &app;
        let url = url.to_owned();
        async move {
            app.client
                .get(format!("{}{url}", app.address))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(read(moderator.clone()).await, 404);
    assert_eq!(read(owner.clone()).await, 200);
    let node = app
        .graphql_as(
            &moderator,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": file["id"] }),
        )
        .await;
    assert_eq!(node["data"]["node"], Value::Null, "{node}");
}
