//! The responsibility record: for each joint service, an append-only chain of entries naming
//! the caisse ultimately responsible from a given moment. Each entry carries the hash of the one
//! before it and its own hash over all its facts, so that a rewritten, removed or reordered
//! entry shows when the chain is recomputed.
//!
//! The hash is SHA-256 over a canonical encoding that an auditor can reproduce from an export:
//! the tag `commons/responsibility-entry/v1`, then each field in the order of [`EntryFacts`],
//! each as its length in bytes (4 bytes, big-endian) followed by its UTF-8 text. Numbers are
//! written in decimal, times in RFC 3339 UTC with microseconds (`2026-03-01T09:00:00.000000Z`),
//! an absent previous hash as 64 zeros.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

const TAG: &str = "commons/responsibility-entry/v1";

/// The previous hash of a chain's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Everything an entry says; its hash covers all of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryFacts {
    pub joint_service_id: i64,
    /// 1 for the entry that opened the record, then one more for each transfer.
    pub sequence: i32,
    pub caisse_id: i64,
    /// From when the caisse is responsible.
    pub effective_from: DateTime<Utc>,
    /// The user who recorded it, and that user's organisation.
    pub recorded_by: i64,
    pub recorded_by_organisation_id: i64,
    pub recorded_at: DateTime<Utc>,
    pub reason: String,
    pub previous_hash: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub facts: EntryFacts,
    pub hash: String,
}

pub fn timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn canonical(f: &EntryFacts) -> Vec<u8> {
    let fields = [
        TAG.to_owned(),
        f.joint_service_id.to_string(),
        f.sequence.to_string(),
        f.caisse_id.to_string(),
        timestamp(f.effective_from),
        f.recorded_by.to_string(),
        f.recorded_by_organisation_id.to_string(),
        timestamp(f.recorded_at),
        f.reason.clone(),
        f.previous_hash.clone(),
    ];
    let mut out = Vec::new();
    for field in fields {
        // A field is at most a reason's 2 000 characters: its length fits four bytes.
        let len = u32::try_from(field.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(field.as_bytes());
    }
    out
}

pub fn hash(facts: &EntryFacts) -> String {
    let digest = Sha256::digest(canonical(facts));
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// What the next entry after `last` must carry: its sequence number and previous hash.
pub fn next_link(last: Option<&Entry>) -> (i32, String) {
    match last {
        None => (1, GENESIS.to_owned()),
        Some(e) => (e.facts.sequence + 1, e.hash.clone()),
    }
}

/// Why an entry does not verify.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Break {
    /// Its content no longer matches its own hash: it was rewritten.
    HashMismatch,
    /// It does not point at the entry before it: one was removed, inserted or rewritten.
    BrokenLink,
    /// Its number is not the next one: an entry is missing or the record was reordered.
    OutOfSequence { expected: i32 },
    /// It takes effect before the entry it follows.
    BackInTime,
    /// It belongs to another service's record.
    WrongService,
}

impl Break {
    pub fn describe(&self) -> String {
        match self {
            Break::HashMismatch => "the entry does not match its own hash: it was altered".into(),
            Break::BrokenLink => "the entry does not carry the hash of the entry before it".into(),
            Break::OutOfSequence { expected } => {
                format!("expected entry number {expected}: an entry is missing or out of order")
            }
            Break::BackInTime => "the entry takes effect before the entry it follows".into(),
            Break::WrongService => "the entry belongs to another joint service".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verification {
    Intact {
        entries: usize,
    },
    /// The first entry, in record order, that does not verify.
    Broken {
        entries: usize,
        index: usize,
        problem: Break,
    },
}

/// Recomputes the chain of one service's record, given in sequence order.
pub fn verify(joint_service_id: i64, entries: &[Entry]) -> Verification {
    let mut previous: Option<&Entry> = None;
    for (index, entry) in entries.iter().enumerate() {
        let f = &entry.facts;
        let (expected, previous_hash) = next_link(previous);
        let problem = if f.joint_service_id != joint_service_id {
            Some(Break::WrongService)
        } else if hash(f) != entry.hash {
            Some(Break::HashMismatch)
        } else if f.sequence != expected {
            Some(Break::OutOfSequence { expected })
        } else if f.previous_hash != previous_hash {
            Some(Break::BrokenLink)
        } else if previous.is_some_and(|p| f.effective_from < p.facts.effective_from) {
            Some(Break::BackInTime)
        } else {
            None
        };
        if let Some(problem) = problem {
            return Verification::Broken {
                entries: entries.len(),
                index,
                problem,
            };
        }
        previous = Some(entry);
    }
    Verification::Intact {
        entries: entries.len(),
    }
}

/// The caisse responsible at `at`: the last entry in effect by then. `None` before the
/// service's record begins.
pub fn responsible_at(entries: &[Entry], at: DateTime<Utc>) -> Option<i64> {
    entries
        .iter()
        .rev()
        .find(|e| e.facts.effective_from <= at)
        .map(|e| e.facts.caisse_id)
}

/// The reason recorded for the first entry of a service born of an accepted proposal. It is
/// hashed into the record as written, so its words never change; pages say it in the reader's
/// language ([`accepted_proposal`]).
pub fn proposal_accepted_reason(proposal_id: i64) -> String {
    format!("{PROPOSAL_ACCEPTED} {proposal_id}")
}

const PROPOSAL_ACCEPTED: &str = "accepted collaboration proposal";

/// The proposal a recorded reason names, when it is the one [`proposal_accepted_reason`] wrote.
pub fn accepted_proposal(reason: &str) -> Option<i64> {
    reason
        .strip_prefix(PROPOSAL_ACCEPTED)?
        .strip_prefix(' ')?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn chain(caisses: &[i64]) -> Vec<Entry> {
        let mut entries: Vec<Entry> = Vec::new();
        for (i, caisse) in caisses.iter().enumerate() {
            let (sequence, previous_hash) = next_link(entries.last());
            let at = start() + Duration::days(i as i64 * 30);
            let facts = EntryFacts {
                joint_service_id: 7,
                sequence,
                caisse_id: *caisse,
                effective_from: at,
                recorded_by: 100 + i as i64,
                recorded_by_organisation_id: *caisse,
                recorded_at: at,
                reason: format!("step {i}"),
                previous_hash,
            };
            entries.push(Entry {
                id: i as i64 + 1,
                hash: hash(&facts),
                facts,
            });
        }
        entries
    }

    #[test]
    fn the_encoding_is_stable() {
        // Pinned: a change of encoding would break every stored record, so it must be a new
        // version tag, never an edit.
        let e = &chain(&[10])[0];
        assert_eq!(e.facts.previous_hash, GENESIS);
        // The same value as Python's
        // `sha256(b"".join(pack(">I", len(x)) + x for x in fields))` over the fields.
        assert_eq!(
            e.hash,
            "7a34fdea4f76046b92bfd7ae09d4d502690ed314cff8637ce773c6d109b82d41"
        );
        assert_eq!(e.hash.len(), 64);
        assert_eq!(timestamp(start()), "2026-03-01T09:00:00.000000Z");
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(
            verify(7, &chain(&[10, 11, 10])),
            Verification::Intact { entries: 3 }
        );
        assert_eq!(verify(7, &[]), Verification::Intact { entries: 0 });
    }

    #[test]
    fn a_rewritten_entry_is_named() {
        let mut entries = chain(&[10, 11, 12]);
        entries[1].facts.caisse_id = 13;
        assert_eq!(
            verify(7, &entries),
            Verification::Broken {
                entries: 3,
                index: 1,
                problem: Break::HashMismatch
            }
        );
    }

    #[test]
    fn a_rewritten_entry_with_a_recomputed_hash_breaks_the_next_link() {
        let mut entries = chain(&[10, 11, 12]);
        entries[1].facts.reason = "nothing happened".into();
        entries[1].hash = hash(&entries[1].facts);
        assert_eq!(
            verify(7, &entries),
            Verification::Broken {
                entries: 3,
                index: 2,
                problem: Break::BrokenLink
            }
        );
    }

    #[test]
    fn a_removed_entry_is_noticed() {
        let mut entries = chain(&[10, 11, 12]);
        entries.remove(1);
        assert_eq!(
            verify(7, &entries),
            Verification::Broken {
                entries: 2,
                index: 1,
                problem: Break::OutOfSequence { expected: 2 }
            }
        );
    }

    #[test]
    fn every_field_is_covered_by_the_hash() {
        let base = chain(&[10])[0].facts.clone();
        let changes: [fn(&mut EntryFacts); 9] = [
            |f| f.joint_service_id += 1,
            |f| f.sequence += 1,
            |f| f.caisse_id += 1,
            |f| f.effective_from += Duration::microseconds(1),
            |f| f.recorded_by += 1,
            |f| f.recorded_by_organisation_id += 1,
            |f| f.recorded_at += Duration::microseconds(1),
            |f| f.reason.push('.'),
            |f| f.previous_hash = "1".repeat(64),
        ];
        for (i, change) in changes.iter().enumerate() {
            let mut f = base.clone();
            change(&mut f);
            assert_ne!(hash(&f), hash(&base), "field {i} is not covered");
        }
    }

    #[test]
    fn fields_cannot_run_into_each_other() {
        // Length prefixes: moving text from one field to the next changes the hash.
        let mut a = chain(&[10])[0].facts.clone();
        let mut b = a.clone();
        a.reason = "ab".into();
        a.previous_hash = "c".into();
        b.reason = "a".into();
        b.previous_hash = "bc".into();
        assert_ne!(hash(&a), hash(&b));
    }

    #[test]
    fn responsibility_at_a_moment_is_the_last_entry_in_effect() {
        let entries = chain(&[10, 11, 12]);
        assert_eq!(
            responsible_at(&entries, start() - Duration::seconds(1)),
            None
        );
        assert_eq!(responsible_at(&entries, start()), Some(10));
        assert_eq!(
            responsible_at(
                &entries,
                start() + Duration::days(30) - Duration::microseconds(1)
            ),
            Some(10)
        );
        assert_eq!(
            responsible_at(&entries, start() + Duration::days(30)),
            Some(11)
        );
        assert_eq!(
            responsible_at(&entries, start() + Duration::days(999)),
            Some(12)
        );
    }

    /// Over many random records: whatever entry is altered, and however, verification names
    /// that entry (or, for a forger who rehashed it, the one after); and at every instant from
    /// the first entry on, exactly the caisse of the entry in effect is responsible.
    #[test]
    fn random_records_verify_and_name_exactly_one_caisse_at_every_instant() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(20_261_126);
        for _ in 0..500 {
            let length = rng.gen_range(1..12);
            let mut entries: Vec<Entry> = Vec::new();
            let mut at = start();
            for i in 0..length {
                let (sequence, previous_hash) = next_link(entries.last());
                at += Duration::microseconds(rng.gen_range(0..5_000_000));
                let facts = EntryFacts {
                    joint_service_id: 7,
                    sequence,
                    caisse_id: rng.gen_range(10..15),
                    effective_from: at,
                    recorded_by: rng.gen_range(1..100),
                    recorded_by_organisation_id: rng.gen_range(10..15),
                    recorded_at: at,
                    reason: format!("reason {i}"),
                    previous_hash,
                };
                entries.push(Entry {
                    id: i64::from(i) + 1,
                    hash: hash(&facts),
                    facts,
                });
            }
            assert_eq!(
                verify(7, &entries),
                Verification::Intact {
                    entries: length as usize
                }
            );
            // Exactly one caisse from the first entry on: the last one in effect.
            let probes = [
                Duration::microseconds(-1),
                Duration::zero(),
                Duration::microseconds(1),
            ];
            for (i, e) in entries.iter().enumerate() {
                for d in probes {
                    let t = e.facts.effective_from + d;
                    let expected = entries.iter().rev().find(|x| x.facts.effective_from <= t);
                    assert_eq!(
                        responsible_at(&entries, t),
                        expected.map(|x| x.facts.caisse_id),
                        "entry {i}"
                    );
                }
            }
            assert_eq!(
                responsible_at(
                    &entries,
                    entries[0].facts.effective_from - Duration::microseconds(1)
                ),
                None
            );
            // Tamper with one field of one entry.
            let victim = rng.gen_range(0..entries.len());
            let rehash = rng.gen_bool(0.5);
            let mut forged = entries.clone();
            {
                let f = &mut forged[victim].facts;
                match rng.gen_range(0..4) {
                    0 => f.caisse_id += 100,
                    1 => f.reason.push_str(" (edited)"),
                    2 => f.recorded_by += 1,
                    _ => f.effective_from += Duration::seconds(1),
                }
            }
            if rehash {
                forged[victim].hash = hash(&forged[victim].facts);
            }
            match verify(7, &forged) {
                Verification::Broken { index, .. } => {
                    let last = victim + 1 == forged.len();
                    if rehash && last {
                        // Nothing follows a rehashed last entry: only the time order or the
                        // service's own record of its responsible caisse can betray it.
                        assert!(index == victim, "{index} vs {victim}");
                    } else if rehash {
                        assert!(
                            index == victim || index == victim + 1,
                            "{index} vs {victim}"
                        );
                    } else {
                        assert_eq!(index, victim);
                    }
                }
                Verification::Intact { .. } => {
                    assert!(
                        rehash && victim + 1 == forged.len(),
                        "a forgery went unseen"
                    );
                }
            }
        }
    }

    #[test]
    fn an_accepted_proposal_is_read_back_from_its_reason() {
        assert_eq!(accepted_proposal(&proposal_accepted_reason(12)), Some(12));
        assert_eq!(accepted_proposal("accepted collaboration proposal x"), None);
        assert_eq!(accepted_proposal("a transfer agreed at the board"), None);
    }
}
