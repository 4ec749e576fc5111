//! A real SMTP server for the mail tests: aiosmtpd (Python), started by the test on a port of
//! its own, writing each message it accepts to a file. The test tells it to refuse the next
//! messages for now (451) or an address for good (550), by files in the same folder.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct SmtpServer {
    pub port: u16,
    folder: tempfile::TempDir,
    child: Child,
}

/// The Python that has aiosmtpd: Debian's (`python3-aiosmtpd`, as `.ci/run` installs it), or
/// the first `python3` on the path.
fn python() -> PathBuf {
    let debian = Path::new("/usr/bin/python3");
    let has = |p: &Path| {
        Command::new(p)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if has(debian) {
        debian.to_owned()
    } else {
        PathBuf::from("python3")
    }
}

impl SmtpServer {
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let folder = tempfile::tempdir().expect("a folder for the messages");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("smtp/server.py");
        let mut child = Command::new(python())
            .arg(script)
            .arg(port.to_string())
            .arg(folder.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (apt-get install python3-aiosmtpd)");
        let stdout = child.stdout.take().expect("its output");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the server says it is ready");
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Self {
            port,
            folder,
            child,
        }
    }

    /// The next `n` messages are refused for now (451), then accepted again.
    pub fn refuse_next(&self, n: u32) {
        std::fs::write(self.folder.path().join("refuse-next"), n.to_string())
            .expect("the instruction is written");
    }

    /// The next `n` messages are refused for good by the relay's policy (554).
    pub fn refuse_for_good(&self, n: u32) {
        std::fs::write(self.folder.path().join("refuse-for-good"), n.to_string())
            .expect("the instruction is written");
    }

    /// Mail to this address is refused for good (550); an empty one refuses nobody.
    pub fn reject(&self, address: &str) {
        std::fs::write(self.folder.path().join("reject"), address).expect("written");
    }

    /// The messages accepted so far, oldest first, as received (headers and body).
    pub fn messages(&self) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.folder.path())
            .expect("the folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("a message"))
            .collect()
    }

    /// Waits a little for `n` messages in all. The server writes each before it accepts it, so
    /// a message a run sent is there when the run returns: the wait is only a margin.
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        for _ in 0..10 {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.messages()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
