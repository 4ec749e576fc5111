//! The storage backends the attachment tests run on: the local folder (the embedded default)
//! and an S3-compatible endpoint served in this process by `s3s-fs`, so that the object_store
//! S3 client is exercised over real HTTP.

use std::collections::BTreeMap;

use hyper_util::rt::TokioIo;
use tempfile::TempDir;
use tokio::net::TcpListener;

use crate::TestApp;

pub const ACCESS_KEY: &str = "commons-test-access";
pub const SECRET_KEY: &str = "commons-test-secret";
pub const BUCKET: &str = "commons";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Local,
    S3,
}

pub const BACKENDS: [Backend; 2] = [Backend::Local, Backend::S3];

/// An S3-compatible endpoint on an ephemeral port, storing under a temporary folder.
pub struct S3Endpoint {
    pub url: String,
    _root: TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for S3Endpoint {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn start_s3() -> S3Endpoint {
    let root = tempfile::tempdir().expect("a folder for the S3 endpoint");
    std::fs::create_dir_all(root.path().join(BUCKET)).expect("the bucket");
    let fs = s3s_fs::FileSystem::new(root.path()).expect("s3s-fs");
    let mut builder = s3s::service::S3ServiceBuilder::new(fs);
    builder.set_auth(s3s::auth::SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
    let service = builder.build();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let task = tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            let _ = socket.set_nodelay(true);
            let service = service.clone();
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    });
    S3Endpoint {
        url,
        _root: root,
        task,
    }
}

/// The storage settings that point Commons at an S3 endpoint.
pub fn s3_settings(endpoint: &str) -> (String, BTreeMap<String, secrecy::SecretString>) {
    let options = [
        ("aws_endpoint", endpoint),
        ("aws_allow_http", "true"),
        ("aws_access_key_id", ACCESS_KEY),
        ("aws_secret_access_key", SECRET_KEY),
        ("aws_region", "us-east-1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned().into()))
    .collect();
    (format!("s3://{BUCKET}/attachments"), options)
}

/// A server with the demo organisations whose attachments go to `backend`; the test adjusts
/// the configuration further.
pub async fn spawn_app_on(
    backend: Backend,
    adjust: impl FnOnce(&mut commons_api::Config),
) -> TestApp {
    let endpoint = match backend {
        Backend::Local => None,
        Backend::S3 => Some(start_s3().await),
    };
    let settings = endpoint.as_ref().map(|e| s3_settings(&e.url));
    let mut app = crate::spawn_app_with(|c| {
        if let Some((url, options)) = settings {
            c.storage.url = Some(url);
            c.storage.options = options;
        }
        adjust(c);
    })
    .await
    .with_organisations()
    .await;
    let store = format!("{:?}", app.services.files);
    match backend {
        Backend::S3 => assert!(store.contains("s3://"), "attachments go to S3: {store}"),
        Backend::Local => {}
    }
    app.s3 = endpoint;
    app
}

impl TestApp {
    /// The objects in the store, by hash, whatever the database says.
    pub async fn stored_objects(&self) -> Vec<String> {
        let mut shas: Vec<String> = self
            .services
            .files
            .list()
            .await
            .expect("the store lists")
            .into_iter()
            .map(|o| o.sha256)
            .collect();
        shas.sort();
        shas
    }

    /// Uploads a file to a tool with `addAttachment`, as the GraphQL multipart request spec
    /// says; returns the response body.
    pub async fn upload(
        &self,
        token: Option<&str>,
        tool_id: &str,
        file_name: &str,
        content: Vec<u8>,
        title: &str,
    ) -> reqwest::Response {
        let operations = serde_json::json!({
            "query": "mutation($input: AddAttachmentInput!) { addAttachment(input: $input) {
                attachment { id title fileName mediaType sizeBytes sha256 url lang }
                tool { id } userErrors { field code message } } }",
            "variables": { "input": { "toolId": tool_id, "file": null, "title": title, "language": "FR" } }
        });
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", r#"{ "0": ["variables.input.file"] }"#)
            .part(
                "0",
                reqwest::multipart::Part::bytes(content).file_name(file_name.to_owned()),
            );
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .multipart(form);
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        request.send().await.expect("the server answers")
    }

    /// GET of a path with an optional token and extra headers.
    pub async fn get_with(
        &self,
        token: Option<&str>,
        path: &str,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.address));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        request.send().await.expect("the server answers")
    }
}
