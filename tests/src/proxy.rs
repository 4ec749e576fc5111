//! The shipped `deploy/haproxy.cfg` run by Debian's HAProxy in front of local replicas, with
//! only what a local run must change: the address it binds, and the replicas' addresses in
//! place of the compose service names. The load bench and the tests run this same file.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::TestApp;

/// A child process killed when dropped.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Haproxy {
    pub url: String,
    _process: Process,
}

fn shipped_config() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../deploy/haproxy.cfg")
}

/// The shipped configuration for local replicas (`host:port`, or a name that may not
/// resolve). `per_client_limit: false` drops the request rate per client address, for a load
/// bench whose clients all come from one address.
pub fn local_config(port: u16, backends: &[String], per_client_limit: bool) -> String {
    let shipped = std::fs::read_to_string(shipped_config()).expect("deploy/haproxy.cfg");
    let mut out = String::new();
    for line in shipped.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("bind ") {
            out.push_str(&format!("    bind 127.0.0.1:{port}\n"));
        } else if trimmed.starts_with("server ") {
            // The compose services' names: replaced by the local replicas below.
        } else if !per_client_limit
            && (trimmed.starts_with("http-request ") || trimmed.starts_with("stick-table "))
        {
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    for (i, backend) in backends.iter().enumerate() {
        out.push_str(&format!(
            "    server r{i} {} check\n",
            backend.trim_start_matches("http://")
        ));
    }
    out
}

/// Starts HAProxy with [`local_config`] in `dir`; returns when it accepts connections.
pub fn start(dir: &Path, backends: &[String], per_client_limit: bool) -> Haproxy {
    let port = crate::oidc::free_port();
    let path = dir.join("haproxy.cfg");
    std::fs::write(&path, local_config(port, backends, per_client_limit)).unwrap();
    let child = Command::new("haproxy")
        .args(["-db", "-f"])
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("haproxy runs (apt-get install haproxy; .ci/run does)");
    let process = Process(child);
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Haproxy {
                url: format!("http://127.0.0.1:{port}"),
                _process: process,
            };
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("haproxy did not start with {}", path.display());
}

/// A second replica of `app`: `commons serve` in a process of its own, on the same database
/// and signing secret, with its own index folder; its process and address.
pub fn second_replica(app: &TestApp, name: &str) -> (Process, String) {
    let mut command = Command::new(crate::commons_binary());
    command
        .args(["serve", "--log-format", "json"])
        .env("COMMONS_DATA_DIR", app.data_dir.path())
        .env(
            "COMMONS_INDEX__DIR",
            app.data_dir.path().join(format!("index-{name}")),
        )
        .env("COMMONS_LISTEN", "127.0.0.1:0")
        .env("COMMONS_AUTH__HS256_SECRET", crate::TEST_SECRET)
        .env("COMMONS_AUTH__ISSUER", crate::ISSUER)
        .env("COMMONS_AUTH__AUDIENCE", crate::AUDIENCE)
        .env("COMMONS_RATE_LIMIT__ENABLED", "false")
        .env("RUST_LOG", "warn,commons_api::app=info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(url) = app.database_url() {
        command.env("COMMONS_DATABASE_URL", url);
    }
    let mut replica = Process(command.spawn().expect("the commons binary runs"));
    let mut log = BufReader::new(replica.0.stderr.take().unwrap());
    let mut line = String::new();
    while log.read_line(&mut line).unwrap_or(0) > 0 {
        let event: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        if event["message"] == "serving" {
            let address = event["addr"].as_str().unwrap().to_owned();
            // Keep reading its log, or it would block once the pipe is full.
            std::thread::spawn(move || for _ in log.lines() {});
            return (replica, format!("http://{address}"));
        }
        line.clear();
    }
    panic!("the second replica ended before it served");
}
