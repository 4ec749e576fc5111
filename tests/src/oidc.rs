//! A real OpenID Connect provider for the sign-in tests: the certified `oidc-provider` npm
//! package (pinned in `tests/oidc-provider/`), run with Node on a free port, with one client
//! for Commons. Its development login page takes any account id; `acerta:STAFF` signs in as
//! staff of Acerta.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const CLIENT_ID: &str = "commons-web";
pub const CLIENT_SECRET: &str = "a-client-secret-for-the-tests-only";

pub struct OidcProvider {
    pub issuer: String,
    child: Child,
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl OidcProvider {
    /// Starts the provider on `port`, sending people back to `redirect_uri`.
    pub async fn start(port: u16, redirect_uri: &str) -> OidcProvider {
        let dir = crate::node::tool("oidc-provider", "oidc-provider").await;
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .current_dir(&dir)
            .env("OIDC_PORT", port.to_string())
            .env("OIDC_CLIENT_ID", CLIENT_ID)
            .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .env("OIDC_REDIRECT_URI", redirect_uri)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs the provider");
        let stdout = child.stdout.take().expect("the provider's output");
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(std::time::Duration::from_secs(60), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if line.trim() == "ready" {
                    return true;
                }
            }
            false
        })
        .await;
        assert_eq!(ready, Ok(true), "the OpenID provider started");
        // Whatever it prints later is read, or its writes would fail on a closed pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        OidcProvider {
            issuer: format!("http://127.0.0.1:{port}"),
            child,
        }
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// The configuration of Commons for this provider.
pub fn config(issuer: &str) -> commons_api::config::OidcConfig {
    commons_api::config::OidcConfig {
        issuer: issuer.to_owned(),
        client_id: CLIENT_ID.to_owned(),
        client_secret: secrecy::SecretString::from(CLIENT_SECRET.to_owned()),
        scopes: "profile email".to_owned(),
        timeout_ms: 10_000,
    }
}
