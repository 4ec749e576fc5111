//! A word of a search: the best of its alternatives, a share of the others, and a lift by the
//! word's worth. Summed over the words, the lifts rank documents by what the words they hold
//! are worth before anything else — all words above any fewer, and a rare, specific word above
//! common ones (its worth is its idf, as BM25 weighs it) — while the alternatives' own scores
//! order the documents within a tier. Meilisearch's "words" rule, weighted as partial matches
//! should be.
//!
//! An alternative may earn only a share of the lift (a translation, a word found only in a
//! tool's text: `ranking::Clause::share`); a document gets the largest share among the
//! alternatives it holds. The union that scores the word knows which alternatives hold the
//! document it stands on, so the share costs no lookup of its own. [`crate::ranking`] computes
//! the same score for a top-k without visiting every match.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// The most a word a document holds adds; a tier's own scores stay far below it.
pub const TIER: Score = 10_000.0;
/// The least share of [`TIER`] a word adds, however common: every word counts a little.
pub const MIN_LIFT: Score = 0.2;

/// What a word is worth: [`MIN_LIFT`] of a tier for a word every document holds, a whole tier
/// for a word one document holds, by the word's idf between (`held_by` of `documents`).
pub fn lift(held_by: u64, documents: u64) -> Score {
    let n = documents.max(1) as f64;
    let df = (held_by as f64).min(n);
    let idf = |df: f64| (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
    let worth = (idf(df) / idf(1.0)).clamp(0.0, 1.0) as Score;
    TIER * (MIN_LIFT + (1.0 - MIN_LIFT) * worth)
}

/// What a word of this `lift` is worth, between 0 (every document holds it) and 1 (one does):
/// [`lift`] read backwards.
pub fn worth(lift: Score) -> Score {
    ((lift / TIER - MIN_LIFT) / (1.0 - MIN_LIFT)).clamp(0.0, 1.0)
}

/// One word's alternatives, each with the share of the lift it earns.
pub struct TierQuery {
    alternatives: Vec<(Box<dyn Query>, Score)>,
    lift: Score,
    tie_breaker: Score,
}

impl TierQuery {
    /// `alternatives` with their shares; a document scores the best alternative it holds,
    /// `tie_breaker` of the others, and `lift` times the largest share among them.
    pub fn new(
        alternatives: Vec<(Box<dyn Query>, Score)>,
        lift: Score,
        tie_breaker: Score,
    ) -> Self {
        Self {
            alternatives,
            lift,
            tie_breaker,
        }
    }
}

impl Clone for TierQuery {
    fn clone(&self) -> Self {
        Self {
            alternatives: self
                .alternatives
                .iter()
                .map(|(q, share)| (q.box_clone(), *share))
                .collect(),
            lift: self.lift,
            tie_breaker: self.tie_breaker,
        }
    }
}

impl fmt::Debug for TierQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Tier(")?;
        for (i, (q, share)) in self.alternatives.iter().enumerate() {
            if i > 0 {
                write!(f, " | ")?;
            }
            write!(f, "{q:?} × {share}")?;
        }
        write!(f, " lifted {})", self.lift)
    }
}

impl Query for TierQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let alternatives = self
            .alternatives
            .iter()
            .map(|(q, share)| Ok((q.weight(enable_scoring)?, *share)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(TierWeight {
            alternatives,
            lift: self.lift,
            tie_breaker: self.tie_breaker,
            scoring: enable_scoring.is_scoring_enabled(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (q, _) in &self.alternatives {
            q.query_terms(visitor);
        }
    }
}

struct TierWeight {
    alternatives: Vec<(Box<dyn Weight>, Score)>,
    lift: Score,
    tie_breaker: Score,
    /// Off for a count or a sort by a field: the alternatives' scores are not read.
    scoring: bool,
}

impl TierWeight {
    fn tier_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<TierScorer> {
        let mut alternatives = Vec::with_capacity(self.alternatives.len());
        for (weight, share) in &self.alternatives {
            let scorer = weight.scorer(reader, boost)?;
            // What this segment does not hold is left out.
            if scorer.doc() != TERMINATED {
                alternatives.push((scorer, *share));
            }
        }
        let mut scorer = TierScorer {
            alternatives,
            held: Box::new([0; WINDOW_WORDS]),
            slots: vec![Slot::default(); WINDOW as usize].into_boxed_slice(),
            cursor: WINDOW_WORDS,
            offset: 0,
            doc: 0,
            score: 0.0,
            lift: self.lift * boost,
            tie_breaker: self.tie_breaker,
            scoring: self.scoring,
        };
        if scorer.refill() {
            scorer.advance();
        } else {
            scorer.doc = TERMINATED;
        }
        Ok(scorer)
    }
}

impl Weight for TierWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.tier_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.tier_scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut explanation = Explanation::new("Tier", scorer.score());
        let mut held =
            Explanation::new("the alternatives holding it: max + tie × (sum − max)", 0.0);
        let mut share: Score = 0.0;
        for (weight, s) in &self.alternatives {
            // An alternative that does not hold the document has nothing to explain.
            if weight.scorer(reader, 1.0)?.seek(doc) == doc {
                held.add_detail(weight.explain(reader, doc)?);
                share = share.max(*s);
            }
        }
        explanation.add_detail(Explanation::new(
            "the word's lift × the largest share among them",
            self.lift * share,
        ));
        explanation.add_detail(held);
        Ok(explanation)
    }
}

/// Documents are gathered a window at a time, as tantivy's own unions do: each alternative's
/// postings in the window are read in one run and marked in a bitset, so a document held by
/// one alternative of a dozen costs one step of one list, not a look at every list.
const WINDOW_WORDS: usize = 64;
const WINDOW: DocId = 64 * WINDOW_WORDS as DocId;

/// What the alternatives holding one document of the window give it.
#[derive(Clone, Copy, Default)]
struct Slot {
    max: Score,
    sum: Score,
    share: Score,
}

/// The union of a word's alternatives in one segment.
struct TierScorer {
    /// The alternatives not yet spent, each with its share, standing past what `held` holds.
    alternatives: Vec<(Box<dyn Scorer>, Score)>,
    /// The window's documents not yet visited, one bit each from `offset`.
    held: Box<[u64; WINDOW_WORDS]>,
    slots: Box<[Slot]>,
    /// The word of `held` being visited.
    cursor: usize,
    offset: DocId,
    doc: DocId,
    score: Score,
    lift: Score,
    tie_breaker: Score,
    scoring: bool,
}

impl TierScorer {
    /// Gathers the window from the least document any alternative stands on; false when
    /// they are all spent.
    fn refill(&mut self) -> bool {
        let Some(offset) = self.alternatives.iter().map(|(s, _)| s.doc()).min() else {
            return false;
        };
        self.offset = offset;
        self.cursor = 0;
        // A spent alternative stands on TERMINATED, which no window may reach.
        let end = offset.saturating_add(WINDOW).min(TERMINATED);
        let (held, slots, scoring) = (&mut self.held, &mut self.slots, self.scoring);
        self.alternatives.retain_mut(|(scorer, share)| {
            let mut doc = scorer.doc();
            while doc < end {
                let at = (doc - offset) as usize;
                held[at / 64] |= 1 << (at % 64);
                let score = if scoring { scorer.score() } else { 0.0 };
                let slot = &mut slots[at];
                slot.max = Score::max(slot.max, score);
                slot.sum += score;
                slot.share = Score::max(slot.share, *share);
                doc = scorer.advance();
            }
            doc != TERMINATED
        });
        true
    }

    /// Moves to the window's next document; false when the window is spent.
    fn next_in_window(&mut self) -> bool {
        while self.cursor < WINDOW_WORDS {
            let bits = &mut self.held[self.cursor];
            if *bits != 0 {
                let at = self.cursor * 64 + bits.trailing_zeros() as usize;
                *bits &= *bits - 1;
                self.doc = self.offset + at as DocId;
                let slot = std::mem::take(&mut self.slots[at]);
                self.score =
                    self.lift * slot.share + slot.max + self.tie_breaker * (slot.sum - slot.max);
                return true;
            }
            self.cursor += 1;
        }
        false
    }

    /// Forgets the window's documents before word `until` of `held`.
    fn skip_to(&mut self, until: usize) {
        while self.cursor < until {
            let bits = &mut self.held[self.cursor];
            while *bits != 0 {
                let at = self.cursor * 64 + bits.trailing_zeros() as usize;
                *bits &= *bits - 1;
                self.slots[at] = Slot::default();
            }
            self.cursor += 1;
        }
    }
}

impl DocSet for TierScorer {
    fn advance(&mut self) -> DocId {
        if self.next_in_window() || (self.refill() && self.next_in_window()) {
            self.doc
        } else {
            self.doc = TERMINATED;
            TERMINATED
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let gap = target - self.offset;
        if gap < WINDOW {
            self.skip_to(gap as usize / 64);
        } else {
            self.skip_to(WINDOW_WORDS);
            self.alternatives.retain_mut(|(scorer, _)| {
                if scorer.doc() < target {
                    scorer.seek(target);
                }
                scorer.doc() != TERMINATED
            });
        }
        let mut doc = self.advance();
        while doc < target {
            doc = self.advance();
        }
        doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.alternatives
            .iter()
            .map(|(s, _)| s.size_hint())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for TierScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::collections::BTreeMap;

    use tantivy::query::{EnableScoring, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, TantivyDocument, doc};

    use super::*;

    /// Three windows' worth of documents; `rare` in every 97th, `common` in every 3rd,
    /// `other` in every 5th.
    fn index() -> (Index, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 20_000_000).unwrap();
        for i in 0..(3 * WINDOW + 123) {
            let mut words = vec!["filler"];
            if i % 97 == 0 {
                words.push("rare");
            }
            if i % 3 == 0 {
                words.push("common");
            }
            if i % 5 == 0 {
                words.extend(["other", "other"]);
            }
            let document: TantivyDocument = doc!(body => words.join(" "));
            writer.add_document(document).unwrap();
        }
        writer.commit().unwrap();
        (index, body)
    }

    #[test]
    fn each_document_gets_the_best_alternative_a_share_of_the_others_and_its_largest_share() {
        let (index, body) = index();
        let searcher = index.reader().unwrap().searcher();
        let segment = searcher.segment_reader(0);
        let scoring = EnableScoring::enabled_from_searcher(&searcher);
        // `absent` is in no document: the segment leaves it out.
        let words = [
            ("rare", 1.0),
            ("common", 0.3),
            ("other", 0.5),
            ("absent", 0.9),
        ];
        let term = |w: &str| {
            Box::new(TermQuery::new(
                Term::from_field_text(body, w),
                IndexRecordOption::WithFreqs,
            )) as Box<dyn Query>
        };
        // Each alternative's own scores, document by document.
        let mut expected: BTreeMap<DocId, (Score, Score, Score)> = BTreeMap::new();
        for (w, share) in words {
            let mut scorer = term(w)
                .weight(scoring)
                .unwrap()
                .scorer(segment, 1.0)
                .unwrap();
            while scorer.doc() != TERMINATED {
                let e = expected.entry(scorer.doc()).or_default();
                let s = scorer.score();
                *e = (e.0.max(s), e.1 + s, e.2.max(share));
                scorer.advance();
            }
        }
        let tier = TierQuery::new(
            words.iter().map(|(w, share)| (term(w), *share)).collect(),
            TIER,
            0.1,
        );
        let weight = tier.weight(scoring).unwrap();
        let mut scorer = weight.scorer(segment, 1.0).unwrap();
        let mut seen = Vec::new();
        while scorer.doc() != TERMINATED {
            seen.push((scorer.doc(), scorer.score()));
            scorer.advance();
        }
        assert_eq!(seen.len(), expected.len());
        for ((doc, score), (e_doc, (max, sum, share))) in seen.iter().zip(&expected) {
            assert_eq!(doc, e_doc);
            let want = TIER * share + max + 0.1 * (sum - max);
            assert!((score - want).abs() < 1e-3, "{doc}: {score} against {want}");
        }
        // Seeking, within a window and past it, lands where advancing does.
        for step in [1, 7, 64, 500, WINDOW - 1, WINDOW + 3] {
            let mut scorer = weight.scorer(segment, 1.0).unwrap();
            let mut target = 0;
            while scorer.doc() != TERMINATED {
                target += step;
                let doc = scorer.seek(target);
                let want = expected.range(target..).next();
                assert_eq!(doc, want.map_or(TERMINATED, |(d, _)| *d), "seek {target}");
                if let Some((_, (max, sum, share))) = want {
                    let want = TIER * share + max + 0.1 * (sum - max);
                    assert!((scorer.score() - want).abs() < 1e-3);
                    // What the seek skipped leaves nothing behind for the next document.
                    let next = scorer.advance();
                    let after = expected.range(doc + 1..).next();
                    assert_eq!(next, after.map_or(TERMINATED, |(d, _)| *d));
                    if let Some((_, (max, sum, share))) = after {
                        let want = TIER * share + max + 0.1 * (sum - max);
                        assert!((scorer.score() - want).abs() < 1e-3, "after {doc}");
                    }
                    target = target.max(next);
                }
            }
            assert_eq!(scorer.seek(TERMINATED), TERMINATED);
        }
    }
}
