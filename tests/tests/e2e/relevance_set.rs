//! Relevance is measured like speed: each judged set of `commons_tests::relevance` is searched
//! the way `searchTools` searches it, and recall and MRR must stay at or above their floors,
//! overall and for each trait of query. `cargo run --release -p commons-tests --bin
//! bench-relevance` prints the same figures beside SQLite FTS5's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use commons_tests::relevance::{self, JudgedSet};

#[test]
fn the_in_repo_set_is_large_enough_and_every_query_is_about_something() {
    let set = relevance::first_set();
    assert!(set.tools.len() >= 300, "{} tools", set.tools.len());
    assert!(set.cases.len() >= 80, "{} queries", set.cases.len());
    for case in &set.cases {
        assert!(
            !case.relevant.is_empty(),
            "{} is about no tool of the set",
            case.query
        );
    }
}

#[test]
fn the_outside_sets_are_as_their_evaluators_wrote_them() {
    for set in relevance::outside::sets() {
        is_as_written(&set);
    }
}

fn is_as_written(set: &JudgedSet) {
    assert!(set.tools.len() >= 60, "{} tools", set.tools.len());
    assert!(set.cases.len() >= 100, "{} queries", set.cases.len());
    let cross = set
        .cases
        .iter()
        .filter(|c| c.traits == "cross-language")
        .count();
    assert!(cross * 5 >= set.cases.len(), "{cross} cross-language");
    for case in &set.cases {
        assert!(!case.relevant.is_empty(), "{} is about nothing", case.query);
        for id in &case.relevant {
            assert!(set.tools.iter().any(|t| t.id == *id), "{id} is no tool");
        }
    }
}

struct Floors {
    recall_10: f64,
    mrr: f64,
    trait_recall_10: f64,
    trait_mrr: f64,
}

fn stays_above(set: &JudgedSet, floors: Floors) {
    let report = relevance::evaluate_commons(set);
    println!(
        "{}: recall@10 {:.3}  recall@3 {:.3}  MRR {:.3}  over {} queries",
        set.name,
        report.overall.recall_10,
        report.overall.recall_3,
        report.overall.reciprocal_rank,
        report.queries
    );
    for (name, (s, n)) in &report.by_trait {
        println!(
            "  {name:<18} n={n:<3} recall@10 {:.3}  recall@3 {:.3}  MRR {:.3}",
            s.recall_10, s.recall_3, s.reciprocal_rank
        );
    }
    let misses = if relevance::outside::UNREAD.contains(&set.name) {
        &[][..]
    } else {
        &report.misses[..]
    };
    for (q, s, first) in misses {
        println!(
            "  miss: {q:<45} recall@10 {:.2}  RR {:.2}",
            s.recall_10, s.reciprocal_rank
        );
        for id in first {
            if let Some(t) = set.tools.iter().find(|t| t.id == *id) {
                println!("      {id:>4} {:?} {}", t.lang, t.title);
            }
        }
    }
    assert!(
        report.overall.recall_10 >= floors.recall_10,
        "recall@10 fell"
    );
    assert!(report.overall.reciprocal_rank >= floors.mrr, "MRR fell");
    for (name, (s, _)) in &report.by_trait {
        assert!(
            s.recall_10 >= floors.trait_recall_10,
            "recall@10 of {name} fell to {:.3}",
            s.recall_10
        );
        assert!(
            s.reciprocal_rank >= floors.trait_mrr,
            "MRR of {name} fell to {:.3}",
            s.reciprocal_rank
        );
    }
}

/// Floors, just under what the set measures today (docs/benchmarks.md records the figures): the
/// issue's targets are recall@10 ≥ 0.97 and MRR ≥ 0.92.
#[test]
fn recall_and_mrr_on_the_in_repo_set_stay_above_their_floors() {
    stays_above(
        &relevance::first_set(),
        Floors {
            recall_10: 0.98,
            mrr: 0.97,
            trait_recall_10: 0.95,
            trait_mrr: 0.85,
        },
    );
}

/// Floors, just under what the outside set measures: recall@10 0.931, recall@3 0.803, MRR
/// 0.908 (written before the engine learnt from dictionaries, when it measured 0.649 / 0.532
/// / 0.704; 0.863 / 0.724 / 0.864 before the session that wrote the blind set, 0.889 / 0.739 /
/// 0.875 before the one that wrote the sealed set, 0.904 / 0.745 / 0.893 before that session's
/// concepts).
#[test]
fn recall_and_mrr_on_the_outside_set_stay_above_their_floors() {
    stays_above(
        &relevance::outside::set(),
        Floors {
            recall_10: 0.92,
            mrr: 0.89,
            trait_recall_10: 0.80,
            trait_mrr: 0.75,
        },
    );
}

/// Floors, just under what the fresh set measured on the engine it was written against
/// (2026-12-07, before any change it was to judge): recall@10 0.928, recall@3 0.818, MRR 0.798;
/// cross-language recall@10 0.85, MRR 0.56. Today: 0.955 / 0.887 / 0.885.
#[test]
fn recall_and_mrr_on_the_fresh_set_stay_above_their_floors() {
    stays_above(
        &relevance::outside::fresh_set(),
        Floors {
            recall_10: 0.94,
            mrr: 0.87,
            trait_recall_10: 0.88,
            trait_mrr: 0.70,
        },
    );
}

/// Floors, just under what the blind set measures: written on 2026-12-07 by a third evaluator,
/// it measured 0.816 / 0.735 / 0.794 on the engine it was written against (across the language
/// border 0.79 / 0.64, questions 0.63 / 0.63); today 0.893 / 0.824 / 0.872 (across the border
/// 0.94 / 0.83, questions 0.75 / 0.65).
#[test]
fn recall_and_mrr_on_the_blind_set_stay_above_their_floors() {
    stays_above(
        &relevance::outside::blind_set(),
        Floors {
            recall_10: 0.88,
            mrr: 0.85,
            trait_recall_10: 0.70,
            trait_mrr: 0.60,
        },
    );
}

/// Floors, just under what the sealed set measures: written on 2026-12-07 by a fourth evaluator,
/// after the blind set's misses had once been printed, it measured 0.836 / 0.685 / 0.748 on the
/// engine it was written against (across the language border 0.79 / 0.66, inflection 0.73 /
/// 0.74, questions 0.76 / 0.63); today 0.891 / 0.734 / 0.775 (across the border 0.84 / 0.70,
/// questions 0.89 / 0.62).
#[test]
fn recall_and_mrr_on_the_sealed_set_stay_above_their_floors() {
    stays_above(
        &relevance::outside::sealed_set(),
        Floors {
            recall_10: 0.88,
            mrr: 0.76,
            trait_recall_10: 0.70,
            trait_mrr: 0.58,
        },
    );
}

/// Floors, just under what the fifth set measures: written on 2026-12-07 by a fifth evaluator,
/// it measured 0.905 / 0.822 / 0.782 on the engine it was written against (across the language
/// border 0.84 / 0.63, questions 0.90 / 0.78); 0.886 / 0.794 / 0.761 on that engine with a word
/// found in a tool's text counted as one found in its title, as before the change it did not
/// choose. Today 0.922 / 0.847 / 0.802 (across the border 0.87 / 0.68).
#[test]
fn recall_and_mrr_on_the_fifth_set_stay_above_their_floors() {
    stays_above(
        &relevance::outside::fifth_set(),
        Floors {
            recall_10: 0.91,
            mrr: 0.79,
            trait_recall_10: 0.80,
            trait_mrr: 0.62,
        },
    );
}

/// Floors, just under what the sixth set measures: written on 2026-12-07 by a sixth evaluator,
/// after the fifth set had judged a change, it measured 0.976 / 0.913 / 0.876 on the engine it
/// was written against (across the language border 0.98 / 0.79, questions 0.91 / 0.77).
#[test]
fn recall_and_mrr_on_the_sixth_set_stay_above_their_floors() {
    stays_above(
        &relevance::outside::sixth_set(),
        Floors {
            recall_10: 0.96,
            mrr: 0.86,
            trait_recall_10: 0.89,
            trait_mrr: 0.75,
        },
    );
}
