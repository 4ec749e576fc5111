//! The best tools of a search without scoring every tool that matches.
//!
//! A search scores each word of the query by the best of its alternatives (title, summary and
//! body in four languages, compounds, concepts, typos: a dozen posting lists or more), lifts a
//! tool a tier per word it holds ([`crate::tier`]), and adds what only ranks (words close
//! together, the query's language). Scored word by word and summed by tantivy's boolean query,
//! every tool holding any alternative of any word is scored, though only the first page is
//! shown.
//!
//! [`RankedQuery`] computes the same score with the MaxScore method (Turtle and Flood, 1995):
//! each alternative has a bound — the most BM25 can give its terms, or its constant score —
//! and once the page's last score is known, the alternatives whose bounds together cannot
//! reach it stop proposing candidates. They are still looked up for the tools the others
//! propose, so each tool shown is scored in full; a tool none of the others holds cannot reach
//! the page, and is not visited at all. For a word query, the long body lists stop proposing
//! as soon as the page holds tools with the word in their title or summary.
//!
//! The total count and the facets do not need scores: the search counts them with scoring off.

use std::fmt;

use tantivy::query::{Bm25StatisticsProvider, Bm25Weight, EnableScoring, Explanation, Query};
use tantivy::query::{Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

use std::sync::Arc;

use crate::impacts::ImpactCache;

/// The most a clause can add to a score.
#[derive(Clone, Debug)]
pub enum Bound {
    /// BM25 of these terms in one field (a term, or a phrase's terms), times a boost.
    Bm25 { terms: Vec<Term>, boost: Score },
    /// A clause whose score is a constant.
    Fixed(Score),
}

impl Bound {
    pub fn times(self, factor: Score) -> Self {
        match self {
            Bound::Bm25 { terms, boost } => Bound::Bm25 {
                terms,
                boost: boost * factor,
            },
            Bound::Fixed(score) => Bound::Fixed(score * factor),
        }
    }

    /// The most the clause can give in any segment and, for one term, its BM25 weight (for
    /// the most it gives in each segment from what the segment holds).
    fn max(
        &self,
        statistics: &dyn Bm25StatisticsProvider,
    ) -> tantivy::Result<(Score, Option<(Term, Bm25Weight)>)> {
        Ok(match self {
            Bound::Bm25 { terms, .. } if terms.is_empty() => (0.0, None),
            Bound::Bm25 { terms, boost } => {
                let weight = Bm25Weight::for_terms(statistics, terms)?.boost_by(*boost);
                let max = weight.max_score();
                let term = match terms.as_slice() {
                    [term] => Some((term.clone(), weight)),
                    _ => None,
                };
                (max, term)
            }
            Bound::Fixed(score) => (*score, None),
        })
    }
}

/// A query with the most it can add to a score.
pub struct Clause {
    pub query: Box<dyn Query>,
    pub bound: Bound,
    /// The share of its word's lift a tool gets when this is the only way it holds the word:
    /// 1, or less for a translation, so that a tool in another language holding the query's
    /// incidental words through a dictionary does not rise above one holding them as typed,
    /// and less for a common word found only in a tool's text, which it mentions in passing.
    pub share: Score,
}

impl Clone for Clause {
    fn clone(&self) -> Self {
        Self {
            query: self.query.box_clone(),
            bound: self.bound.clone(),
            share: self.share,
        }
    }
}

impl fmt::Debug for Clause {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{:?} ≤ {:?}", self.query, self.bound)
    }
}

/// What a ranked search scores: its words (each the best of its alternatives, plus a share of
/// the others), and what only adds to the score of a tool found.
#[derive(Clone, Debug)]
pub struct Ranking {
    pub words: Vec<Vec<Clause>>,
    /// What holding each word lifts a tool by ([`crate::tier::lift`]).
    pub lifts: Vec<Score>,
    pub extras: Vec<Clause>,
    pub tie_breaker: Score,
}

/// A ranked search: the tools that hold a word and pass the gate (who may read them, the
/// filters, the exclusions), scored as the query builder's query scores them.
pub struct RankedQuery {
    ranking: Ranking,
    gate: Box<dyn Query>,
    impacts: Arc<ImpactCache>,
}

impl Clone for RankedQuery {
    fn clone(&self) -> Self {
        Self {
            ranking: self.ranking.clone(),
            gate: self.gate.box_clone(),
            impacts: self.impacts.clone(),
        }
    }
}

impl RankedQuery {
    pub(crate) fn new(ranking: Ranking, gate: Box<dyn Query>, impacts: Arc<ImpactCache>) -> Self {
        Self {
            ranking,
            gate,
            impacts,
        }
    }
}

impl fmt::Debug for RankedQuery {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Ranked({:?} gated by {:?})", self.ranking, self.gate)
    }
}

/// Past this many documents, the alternatives seek to the next tool the gate lets through.
const GATE_JUMP: DocId = 512;

/// A safety margin on bounds: a score summed in another order may round a little higher.
fn loosened(bound: Score) -> Score {
    bound + bound.abs() * 8.0 * Score::EPSILON
}

impl Query for RankedQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.ranked_weight(enable_scoring)?))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in self.ranking.words.iter().flatten() {
            clause.query.query_terms(visitor);
        }
    }
}

impl RankedQuery {
    fn ranked_weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<RankedWeight> {
        let unscored = match enable_scoring.searcher() {
            Some(searcher) => EnableScoring::disabled_from_searcher(searcher),
            None => EnableScoring::disabled_from_schema(enable_scoring.schema()),
        };
        let bound_of = |clause: &Clause| -> tantivy::Result<(Score, Option<(Term, Bm25Weight)>)> {
            match enable_scoring {
                EnableScoring::Enabled {
                    statistics_provider,
                    ..
                } => {
                    let (max, term) = clause.bound.max(statistics_provider)?;
                    Ok((loosened(max), term))
                }
                EnableScoring::Disabled { .. } => Ok((Score::INFINITY, None)),
            }
        };
        let mut leaves = Vec::new();
        for (word, clauses) in self.ranking.words.iter().enumerate() {
            for clause in clauses {
                let (bound, term) = bound_of(clause)?;
                leaves.push(LeafWeight {
                    weight: clause.query.weight(enable_scoring)?,
                    bound,
                    term,
                    word,
                    share: clause.share,
                });
            }
        }
        // Least first: the alternatives that can add least are the first to stop proposing.
        leaves.sort_by(|a, b| a.bound.total_cmp(&b.bound));
        // What only adds to a score (words close together, the query's language) may add to
        // any tool: its bound counts for every one.
        let mut extras = Vec::new();
        for clause in &self.ranking.extras {
            extras.push(ExtraWeight {
                weight: clause.query.weight(enable_scoring)?,
                bound: bound_of(clause)?.0,
            });
        }
        Ok(RankedWeight {
            leaves,
            extras,
            impacts: self.impacts.clone(),
            gate: self.gate.weight(unscored)?,
            lifts: self.ranking.lifts.clone(),
            tie_breaker: self.ranking.tie_breaker,
        })
    }
}

struct LeafWeight {
    weight: Box<dyn Weight>,
    /// The most it can give in any segment.
    bound: Score,
    /// Its term and weight when it scores one term by BM25.
    term: Option<(Term, Bm25Weight)>,
    word: usize,
    share: Score,
}

struct ExtraWeight {
    weight: Box<dyn Weight>,
    bound: Score,
}

struct RankedWeight {
    leaves: Vec<LeafWeight>,
    extras: Vec<ExtraWeight>,
    impacts: Arc<ImpactCache>,
    gate: Box<dyn Weight>,
    lifts: Vec<Score>,
    tie_breaker: Score,
}

impl RankedWeight {
    fn ranked_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
        threshold: Score,
    ) -> tantivy::Result<RankedScorer> {
        // What this segment does not hold is left out.
        let mut leaves = Vec::with_capacity(self.leaves.len());
        for l in &self.leaves {
            let scorer = l.weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                // The most the term scores in this segment, when its postings tell.
                let bound = l
                    .term
                    .as_ref()
                    .and_then(|(term, weight)| self.impacts.max_score(reader, term, weight))
                    .map_or(l.bound, |b| loosened(b).min(l.bound));
                leaves.push(Leaf {
                    scorer,
                    bound: bound * boost,
                    word: l.word,
                    share: l.share,
                });
            }
        }
        leaves.sort_by(|a, b| a.bound.total_cmp(&b.bound));
        let mut extras = Vec::with_capacity(self.extras.len());
        for e in &self.extras {
            let scorer = e.weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                extras.push(Extra {
                    scorer,
                    bound: e.bound * boost,
                });
            }
        }
        let mut scorer = RankedScorer::new(
            leaves,
            extras,
            self.gate.scorer(reader, 1.0)?,
            self.lifts.iter().map(|l| l * boost).collect(),
            self.tie_breaker,
            threshold,
        );
        scorer.next();
        Ok(scorer)
    }
}

impl Weight for RankedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.ranked_scorer(
            reader,
            boost,
            Score::NEG_INFINITY,
        )?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.ranked_scorer(reader, 1.0, Score::NEG_INFINITY)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new(
            "ranked (tiers, then alternatives)",
            scorer.score,
        ))
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let mut scorer = self.ranked_scorer(reader, 1.0, threshold)?;
        while scorer.doc != TERMINATED {
            scorer.threshold = callback(scorer.doc, scorer.score);
            scorer.next();
        }
        Ok(())
    }
}

struct Leaf {
    scorer: Box<dyn Scorer>,
    bound: Score,
    word: usize,
    share: Score,
}

struct Extra {
    scorer: Box<dyn Scorer>,
    bound: Score,
}

#[derive(Clone, Copy, Default)]
struct WordState {
    max: Score,
    sum: Score,
    held: bool,
    /// The largest share of the lift among the alternatives that hold it.
    share: Score,
}

struct RankedScorer {
    /// The alternatives of every word, least bound first.
    leaves: Vec<Leaf>,
    /// Where each alternative stands, kept beside it: finding the next candidate reads them
    /// all, and a virtual call each would cost more than the rest of the search.
    docs: Vec<DocId>,
    extras: Vec<Extra>,
    gate: Box<dyn Scorer>,
    /// Each word's lift.
    lifts: Vec<Score>,
    tie_breaker: Score,
    /// `below[i]`: the most the alternatives before `i` can give a tool.
    below: Vec<Score>,
    /// The most the extras can add to any tool.
    extras_bound: Score,
    /// The alternatives from this one on propose candidates; those before are only looked up.
    essential: usize,
    threshold: Score,
    words: Vec<WordState>,
    doc: DocId,
    score: Score,
    /// Candidates scored so far.
    visited: u32,
}

impl RankedScorer {
    fn new(
        leaves: Vec<Leaf>,
        extras: Vec<Extra>,
        gate: Box<dyn Scorer>,
        lifts: Vec<Score>,
        tie_breaker: Score,
        threshold: Score,
    ) -> Self {
        let words = lifts.len();
        let extras_bound = extras.iter().map(|e| e.bound).sum();
        let docs = leaves.iter().map(|l| l.scorer.doc()).collect();
        let mut scorer = Self {
            below: Vec::new(),
            leaves,
            docs,
            extras,
            gate,
            lifts,
            tie_breaker,
            extras_bound,
            essential: 0,
            threshold,
            words: vec![WordState::default(); words],
            doc: 0,
            score: 0.0,
            visited: 0,
        };
        scorer.bounds();
        scorer
    }

    fn word_score(&self, word: usize, w: &WordState) -> Score {
        if w.held {
            self.lifts.get(word).copied().unwrap_or(0.0) * w.share
                + w.max
                + self.tie_breaker * (w.sum - w.max)
        } else {
            0.0
        }
    }

    /// The bounds of each run of alternatives from the first.
    fn bounds(&mut self) {
        let n = self.leaves.len();
        let mut states = vec![WordState::default(); self.words.len()];
        self.below = Vec::with_capacity(n + 1);
        for i in 0..=n {
            let words: Score = states
                .iter()
                .enumerate()
                .map(|(i, w)| self.word_score(i, w))
                .sum();
            self.below.push(words);
            if let Some(leaf) = self.leaves.get(i)
                && let Some(w) = states.get_mut(leaf.word)
            {
                w.held = true;
                w.max = w.max.max(leaf.bound);
                w.sum += leaf.bound;
                w.share = w.share.max(leaf.share);
            }
        }
    }

    fn total(&self) -> Score {
        self.words
            .iter()
            .enumerate()
            .map(|(i, w)| self.word_score(i, w))
            .sum()
    }

    fn add(&mut self, leaf: usize, score: Score) {
        let (word, share) = (self.leaves[leaf].word, self.leaves[leaf].share);
        if let Some(w) = self.words.get_mut(word) {
            w.held = true;
            w.max = w.max.max(score);
            w.sum += score;
            w.share = w.share.max(share);
        }
    }

    fn seek_leaf(&mut self, i: usize, target: DocId) -> DocId {
        if self.docs[i] < target {
            self.docs[i] = self.leaves[i].scorer.seek(target);
        }
        self.docs[i]
    }

    /// Moves to the next tool that passes the gate and scores above the threshold.
    fn next(&mut self) {
        let n = self.leaves.len();
        loop {
            // A tool none of the alternatives from `essential + 1` on holds cannot pass.
            while self.essential < n
                && self.below[self.essential + 1] + self.extras_bound <= self.threshold
            {
                self.essential += 1;
            }
            let doc = self.docs[self.essential..]
                .iter()
                .copied()
                .min()
                .unwrap_or(TERMINATED);
            if doc == TERMINATED {
                self.doc = TERMINATED;
                return;
            }
            let mut gate = self.gate.doc();
            if gate < doc {
                gate = self.gate.seek(doc);
            }
            if gate == TERMINATED {
                self.doc = TERMINATED;
                return;
            }
            // A tool the gate refuses: a long way to the next one it lets through is jumped by
            // seeking; a short way is walked, a seek costing more than a few steps.
            if gate - doc > GATE_JUMP {
                for i in self.essential..n {
                    self.seek_leaf(i, gate);
                }
                continue;
            }
            let scored = if gate == doc {
                self.score_doc(doc)
            } else {
                None
            };
            for i in self.essential..n {
                if self.docs[i] == doc {
                    self.docs[i] = self.leaves[i].scorer.advance();
                }
            }
            if let Some(score) = scored {
                self.doc = doc;
                self.score = score;
                return;
            }
        }
    }

    /// The score of a tool an essential alternative holds, or `None` when it cannot pass the
    /// threshold.
    fn score_doc(&mut self, doc: DocId) -> Option<Score> {
        self.visited += 1;
        for w in &mut self.words {
            *w = WordState::default();
        }
        for i in self.essential..self.leaves.len() {
            if self.docs[i] == doc {
                let score = self.leaves[i].scorer.score();
                self.add(i, score);
            }
        }
        // The others, most promising first, while the tool can still pass.
        for i in (0..self.essential).rev() {
            if self.total() + self.below[i + 1] + self.extras_bound <= self.threshold {
                return None;
            }
            if self.seek_leaf(i, doc) == doc {
                let score = self.leaves[i].scorer.score();
                self.add(i, score);
            }
        }
        let mut total = self.total();
        if total + self.extras_bound <= self.threshold {
            return None;
        }
        for extra in &mut self.extras {
            if extra.scorer.doc() < doc {
                extra.scorer.seek(doc);
            }
            if extra.scorer.doc() == doc {
                total += extra.scorer.score();
            }
        }
        (total > self.threshold).then_some(total)
    }
}

impl DocSet for RankedScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.next();
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        while self.doc < target {
            for i in self.essential..self.leaves.len() {
                self.seek_leaf(i, target);
            }
            self.next();
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.leaves
            .iter()
            .map(|l| l.scorer.size_hint())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for RankedScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use tantivy::collector::TopDocs;
    use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption, STRING, Schema, TEXT};
    use tantivy::{Index, TantivyDocument, doc};

    use super::*;
    use crate::tier::TIER;

    const TIE: Score = 0.1;

    fn clause(field: Field, word: &str, boost: Score) -> Clause {
        let term = Term::from_field_text(field, word);
        Clause {
            query: Box::new(BoostQuery::new(
                Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                boost,
            )),
            bound: Bound::Bm25 {
                terms: vec![term],
                boost,
            },
            share: 1.0,
        }
    }

    /// One word, `stress`, in a title and a body with their boosts.
    fn stress_in(title: Field, title_boost: Score, body: Field, body_boost: Score) -> Ranking {
        Ranking {
            words: vec![vec![
                clause(title, "stress", title_boost),
                clause(body, "stress", body_boost),
            ]],
            lifts: vec![TIER],
            extras: vec![],
            tie_breaker: TIE,
        }
    }

    /// How many tools a segment's scorer scores while a page of ten fills, the page's last
    /// score fed back as the threshold the way tantivy's top-k collector does.
    fn visited_for_a_page_of_ten(weight: &RankedWeight, segment: &SegmentReader) -> u32 {
        let mut scorer = weight.ranked_scorer(segment, 1.0, Score::MIN).unwrap();
        let mut best: Vec<Score> = Vec::new();
        while scorer.doc != TERMINATED {
            best.push(scorer.score);
            best.sort_by(|a, b| b.total_cmp(a));
            best.truncate(10);
            scorer.threshold = if best.len() == 10 {
                best[9]
            } else {
                Score::MIN
            };
            scorer.next();
        }
        scorer.visited
    }

    /// 40 tools with `stress` in their title, 2 000 with it in their body only.
    fn index() -> (Index, Field, Field) {
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", TEXT);
        let body = schema.add_text_field("body", TEXT);
        let _kind = schema.add_text_field("kind", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 20_000_000).unwrap();
        for i in 0..2_040 {
            let filler = ["atelier", "groupe", "sommeil", "fatigue"][i % 4];
            let document: TantivyDocument = if i % 51 == 0 {
                doc!(title => format!("stress {filler}"), body => "un atelier")
            } else {
                doc!(title => filler, body => format!("{filler} et stress, encore {filler}"))
            };
            writer.add_document(document).unwrap();
        }
        writer.commit().unwrap();
        (index, title, body)
    }

    #[test]
    fn tools_that_cannot_reach_the_page_are_not_visited_and_the_page_is_the_same() {
        let (index, title, body) = index();
        let searcher = index.reader().unwrap().searcher();
        let ranking = stress_in(title, 3.0, body, 1.0);
        let ranked = RankedQuery::new(ranking.clone(), Box::new(AllQuery), Arc::default());
        let top = TopDocs::with_limit(10);
        let pruned = searcher.search(&ranked, &top).unwrap();
        // The same scoring every match: the best alternative, a share of the others, a tier
        // for the word.
        let plain = BooleanQuery::new(vec![(
            tantivy::query::Occur::Must,
            Box::new(crate::tier::TierQuery::new(
                ranking.words[0]
                    .iter()
                    .map(|c| (c.query.box_clone(), c.share))
                    .collect(),
                TIER,
                TIE,
            )) as Box<dyn Query>,
        )]);
        let all = searcher.search(&plain, &top).unwrap();
        assert_eq!(pruned.len(), 10);
        for (p, a) in pruned.iter().zip(&all) {
            assert!((p.0 - a.0).abs() < 1e-2, "{} against {}", p.0, a.0);
        }
        let docs = |hits: &[(Score, tantivy::DocAddress)]| {
            let mut d: Vec<u32> = hits.iter().map(|h| h.1.doc_id).collect();
            d.sort();
            d
        };
        assert_eq!(docs(&pruned), docs(&all));
        assert!(pruned.iter().all(|h| h.1.doc_id % 51 == 0), "titles first");

        // Once ten title matches are in, the body-only tools stop being candidates.
        let weight = ranked
            .ranked_weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        let segment = searcher.segment_reader(0);
        let visited = visited_for_a_page_of_ten(&weight, segment);
        // Every tool up to the tenth title match (the 460th), then only the 30 title matches.
        assert!(visited <= 460 + 30, "{visited} of 2 040 tools visited");
        // Without a threshold, every tool holding the word is.
        let mut every = weight
            .ranked_scorer(segment, 1.0, Score::NEG_INFINITY)
            .unwrap();
        let mut n = 0;
        while every.doc != TERMINATED {
            n += 1;
            every.next();
        }
        assert_eq!(n, 2_040);
    }

    /// A list whose tools all have long texts stops proposing them once the page is full of
    /// better tools, though BM25's limit for the list is above the page: its bound in the
    /// segment is what its tools score there.
    #[test]
    fn a_list_stops_proposing_at_what_it_scores_in_the_segment() {
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", TEXT);
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 20_000_000).unwrap();
        let long: String = ["atelier", "groupe", "sommeil", "fatigue"]
            .iter()
            .cycle()
            .take(200)
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        // 100 tools with the word as title, 200 with it once in a long body.
        for i in 0..2_000 {
            let document: TantivyDocument = if i % 20 == 0 {
                doc!(title => "stress", body => long.clone())
            } else if i % 10 == 5 {
                doc!(title => "atelier", body => format!("stress {long}"))
            } else {
                doc!(title => "atelier", body => format!("groupe {long}"))
            };
            writer.add_document(document).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let ranking = stress_in(title, 4.0, body, 3.0);
        // The body list's limit is above what a title match scores; what it scores is below.
        let limit = Bm25Weight::for_terms(&searcher, &[Term::from_field_text(body, "stress")])
            .unwrap()
            .boost_by(3.0)
            .max_score();
        let ranked = RankedQuery::new(ranking, Box::new(AllQuery), Arc::default());
        let top = searcher.search(&ranked, &TopDocs::with_limit(10)).unwrap();
        assert!(top.iter().all(|(_, d)| d.doc_id % 20 == 0), "{top:?}");
        assert!(top[9].0 - TIER < limit, "{} against {limit}", top[9].0);
        let weight = ranked
            .ranked_weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        let visited = visited_for_a_page_of_ten(&weight, searcher.segment_reader(0));
        // The 10 title matches and the 18 body matches up to the tenth title match (the 181st
        // tool), then only the 90 other title matches; by BM25's limit, all 300 would be.
        assert!(
            visited <= 10 + 18 + 90,
            "{visited} of 300 tools holding the word visited"
        );
    }
}
