//! Checks of the yearly account's figures written independently of Commons: amounts in
//! cents, Hamilton's method for shares, and the digests an auditor would compute.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The cents of a decimal string, read without floating point.
pub fn cents(s: &Value) -> i128 {
    let s = s.as_str().unwrap();
    let (whole, fraction) = s.split_once('.').unwrap();
    assert_eq!(fraction.len(), 2, "{s}");
    whole.parse::<i128>().unwrap() * 100 + fraction.parse::<i128>().unwrap()
}

/// Hamilton's method written independently: each caisse's exact quota of the pool is kept as
/// a fraction; one cent at a time goes to the caisse whose quota exceeds what it has by most
/// (compared by cross-multiplication), ties to the first in slug order of the input.
pub fn hamilton(pool: i128, claims: &[(String, i128)]) -> Vec<(String, i128)> {
    let total: i128 = claims.iter().map(|(_, c)| c).sum();
    let mut given: Vec<i128> = claims.iter().map(|(_, c)| pool * c / total).collect();
    let mut left = pool - given.iter().sum::<i128>();
    while left > 0 {
        // Excess of quota over what is given, as a numerator over `total`.
        let best = (0..claims.len())
            .max_by(|a, b| {
                let ea = pool * claims[*a].1 - given[*a] * total;
                let eb = pool * claims[*b].1 - given[*b] * total;
                ea.cmp(&eb).then(b.cmp(a))
            })
            .unwrap();
        given[best] += 1;
        left -= 1;
    }
    claims.iter().map(|(s, _)| s.clone()).zip(given).collect()
}

pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What an auditor's standard tool makes of a JSON document: the SHA-256 of its RFC 8785
/// canonical form (by `canonicalize`, pinned in `tests/jcs/`), and that form.
pub async fn jcs_digest(json: &str) -> (String, String) {
    use tokio::io::AsyncWriteExt;
    let dir = crate::node::tool("jcs", "canonicalize").await;
    let mut child = tokio::process::Command::new("node")
        .arg("digest.mjs")
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node runs");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(json.as_bytes()).await.unwrap();
    drop(stdin);
    let out = child.wait_with_output().await.unwrap();
    assert!(out.status.success());
    let out = String::from_utf8(out.stdout).unwrap();
    let (digest, canonical) = out.trim_end().split_once('\n').unwrap();
    (digest.to_owned(), canonical.to_owned())
}
