//! What dictionaries know of the four languages, applied when a tool is indexed rather than
//! each time someone searches: the parts of a Dutch or German compound, the word a derived form
//! comes from, and each word's translations into the other languages.
//!
//! Every word of a tool's texts adds, to a field of its own ([`crate::schema::Fields`]
//! `lexicon_title` and `lexicon_text`), tokens a query can ask for as one term each:
//! - `nl:stem` — the word's own stem, its root's stem (`lusteloosheid` → `lusteloos`) and its
//!   parts' stems (`werkstress` → `werk`, `stress`), so that a word is found inside a compound
//!   and a derived form finds its root, in the word's language;
//! - `fr>stem` — the stem of a translation (`eenzaamheid` → `solitude`), so that a French
//!   query finds a Dutch tool by the one French word a dictionary gives for its word;
//! - `fr=stem` besides, when the translation is confirmed: each language's dictionary gives
//!   the other's word (`slapen` → `dormir` and `dormir` → `slapen`), where a link found one way
//!   only is often a rarer sense or a stem two words share (`slap`, the stem of `slapen`, is
//!   also the adjective "slack", which one dictionary gives as `flau`). A query counts a
//!   confirmed translation nearly as a word.
//!
//! The translations are FreeDict's bilingual dictionaries (`lexicon/SOURCES.md`), taken apart
//! by `lexicon/extract.py` into `lexicon/translations.tsv` and stemmed here into
//! `lexicon/links.tsv` and `lexicon/words.tsv`; a test fails when those two drift from the
//! analysers. The compiled tables are sorted lines searched in place: nothing is parsed or
//! stemmed when a server starts.

use std::collections::HashMap;
use std::sync::LazyLock;

use tantivy::tokenizer::TextAnalyzer;

use crate::Lang;
use crate::analysis::{self, tokens};

const LINKS: &str = include_str!("../lexicon/links.tsv");
const WORDS: &str = include_str!("../lexicon/words.tsv");

/// A compound is cut only into parts of at least this many letters, and only when it is at
/// least twice that long: shorter parts are mostly prefixes (`ver`, `be`, `on`).
const PART_MIN_LETTERS: usize = 4;
/// Longer words are not cut (each cut costs two lookups).
const MAX_COMPOUND_LETTERS: usize = 40;
/// At most this many translations of one stem into one language: the dictionaries' first.
const MAX_TRANSLATIONS: usize = 4;

/// Linking letters between the parts of compounds (arbeid·s·ongeval, Arbeit·s·amt,
/// Schlaf·en·s·zeit): tried longest first.
fn links(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Nl => &["en", "s", "e"],
        Lang::De => &["es", "en", "er", "s", "n", "e"],
        Lang::Fr | Lang::En => &[],
    }
}

/// Derivational endings whose removal leaves the word a form comes from: a noun of quality
/// or action to its adjective or verb (lusteloos·heid, Erschöpf·ung, épuise·ment), a
/// participle to its verb (erschöpf·t). Snowball stemmers remove inflection, not these. Written
/// folded (`ite` for `ité`), as the words they are taken from.
fn derivations(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Nl => &["heid", "ing", "igheid", "lijkheid", "te"],
        Lang::De => &["ung", "heit", "keit", "igkeit", "lichkeit", "t", "et"],
        Lang::Fr => &["ement", "ment", "ation", "ite", "ee", "e", "es", "ees"],
        Lang::En => &["ness", "ment", "ation", "ity", "ed"],
    }
}

fn verb_endings(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Nl | Lang::De => &["en", "n"],
        Lang::Fr => &["er", "ir", "re"],
        Lang::En => &["e"],
    }
}

/// The compiled tables, as sorted lines of the embedded text.
struct Tables {
    /// `lang:stem<TAB>lang:stem lang:stem …`: a stem and the stems of its translations.
    links: Vec<&'static str>,
    /// `lang:word`: the folded words a compound may be cut into and a root may be.
    words: Vec<&'static str>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| Tables {
    links: sorted_lines(LINKS),
    words: sorted_lines(WORDS),
});

fn sorted_lines(text: &'static str) -> Vec<&'static str> {
    // The files are written sorted; sorting again costs nothing then and keeps lookups right
    // if a hand edit broke the order.
    let mut lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    lines.sort_unstable();
    lines
}

pub(crate) fn is_word(lang: Lang, word: &str) -> bool {
    let key = format!("{}:{word}", lang.code());
    TABLES
        .words
        .binary_search_by(|l| (*l).cmp(key.as_str()))
        .is_ok()
}

/// Plural endings: the word lists hold the singular (klant·en, Problem·e).
fn plurals(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Nl => &["en", "s", "n"],
        Lang::De => &["en", "e", "n", "er", "s"],
        Lang::Fr | Lang::En => &["s"],
    }
}

/// The singulars a plural may come from, before the dictionaries are asked: the plural's
/// ending taken off, and in Dutch the spelling the ending changed put back first — a long vowel
/// written single before it (`problemen` → `probleem`, `scholen` → `school`, not `schol`), a
/// consonant doubled (`gesprekken` → `gesprek`), `z` and `v` for `s` and `f` (`huizen` →
/// `huis`, `brieven` → `brief`).
fn singular_forms(lang: Lang, word: &str) -> Vec<String> {
    let mut out = Vec::new();
    for p in plurals(lang) {
        let Some(base) = word.strip_suffix(p) else {
            continue;
        };
        if lang == Lang::Nl && *p == "en" {
            out.extend(dutch_spelling(base));
        }
        out.push(base.to_owned());
    }
    out
}

fn dutch_spelling(base: &str) -> Option<String> {
    let chars: Vec<char> = base.chars().collect();
    let vowel = |c: char| "aeiouy".contains(c);
    let but_last = || chars[..chars.len() - 1].iter().collect::<String>();
    let respelt = |c: char| match c {
        'z' => 's',
        'v' => 'f',
        other => other,
    };
    match chars.as_slice() {
        [.., a, b] if a == b && !vowel(*b) => Some(but_last()),
        [.., c, v, last] if !vowel(*c) && "aeou".contains(*v) && !vowel(*last) => {
            Some(format!("{}{v}{}", but_last(), respelt(*last)))
        }
        [.., last @ ('z' | 'v')] => Some(format!("{}{}", but_last(), respelt(*last))),
        _ => None,
    }
}

/// A word of the dictionaries or its plural.
fn is_word_or_plural(lang: Lang, word: &str) -> bool {
    is_word(lang, word) || singular(lang, word).is_some()
}

/// A word of the dictionaries, its plural, or a form derived from one (`uberlastung` from
/// `uberlast`).
fn is_known(lang: Lang, word: &str) -> bool {
    is_word_or_plural(lang, word) || root(lang, word).is_some()
}

/// Whether a dictionary of any of the four languages knows the folded word (or its plural, a
/// form derived from it, or the words a compound is cut into): such a word is no typo, even
/// where no tool holds it.
pub(crate) fn in_some_dictionary(folded: &str) -> bool {
    Lang::ALL
        .into_iter()
        .any(|lang| is_known(lang, folded) || !parts(lang, folded).is_empty())
}

/// Words longer than this are not looked up one edit away (each letter costs some fifty
/// lookups per language).
pub(crate) const MAX_NEAR_LETTERS: usize = 20;
/// At most this many words one edit away are proposed.
const MAX_NEAR_WORDS: usize = 16;

/// The strings one edit from a folded word: a letter left out, two swapped, one changed, one
/// added (Damerau's edits, over the letters folded words are written in).
fn one_edit(word: &str) -> impl Iterator<Item = String> + '_ {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    let text = move |v: &[char]| v.iter().collect::<String>();
    let deletions = {
        let chars = chars.clone();
        (0..n).map(move |i| text(&[&chars[..i], &chars[i + 1..]].concat()))
    };
    let swaps = {
        let chars = chars.clone();
        (1..n).filter_map(move |i| {
            let mut v = chars.clone();
            v.swap(i - 1, i);
            (v != chars).then(|| text(&v))
        })
    };
    let changes = {
        let chars = chars.clone();
        (0..n).flat_map(move |i| {
            let chars = chars.clone();
            let typed = chars[i];
            ('a'..='z').filter(move |c| *c != typed).map(move |c| {
                let mut v = chars.clone();
                v[i] = c;
                text(&v)
            })
        })
    };
    let additions = (0..=n).flat_map(move |i| {
        let chars = chars.clone();
        ('a'..='z').map(move |c| {
            let mut v = chars.clone();
            v.insert(i, c);
            text(&v)
        })
    });
    deletions.chain(swaps).chain(changes).chain(additions)
}

/// The words of the dictionaries a misspelt word may stand for, whether or not a tool holds
/// them: the words one edit from it, and the Dutch or German compounds one of whose two parts
/// is one edit from a word (`slaapprobelmen` → `slaapproblemen`). Bounded: words of at most
/// [`MAX_NEAR_LETTERS`], at most [`MAX_NEAR_WORDS`] proposed.
pub(crate) fn near_words(folded: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let letters = folded.chars().count();
    if !(PART_MIN_LETTERS..=MAX_NEAR_LETTERS).contains(&letters) {
        return out;
    }
    let add = |out: &mut Vec<String>, word: String| {
        if !out.contains(&word) {
            out.push(word);
        }
        out.len() >= MAX_NEAR_WORDS
    };
    for lang in Lang::ALL {
        for near in one_edit(folded) {
            if is_word_or_plural(lang, &near) && add(&mut out, near) {
                return out;
            }
        }
        if links(lang).is_empty() || letters < 2 * PART_MIN_LETTERS {
            continue;
        }
        for (cut, _) in folded.char_indices().skip(PART_MIN_LETTERS) {
            let (head, tail) = folded.split_at(cut);
            if tail.chars().count() < PART_MIN_LETTERS {
                break;
            }
            if is_word(lang, head) {
                for near in one_edit(tail) {
                    if near.chars().count() >= PART_MIN_LETTERS
                        && is_word_or_plural(lang, &near)
                        && add(&mut out, format!("{head}{near}"))
                    {
                        return out;
                    }
                }
            } else if is_word_or_plural(lang, tail) {
                for near in one_edit(head) {
                    if near.chars().count() >= PART_MIN_LETTERS
                        && is_word(lang, &near)
                        && add(&mut out, format!("{near}{tail}"))
                    {
                        return out;
                    }
                }
            }
        }
    }
    out
}

/// The stems of a stem's translations, as `lang:stem`, each with whether it is confirmed (the
/// dictionaries give it both ways; `=lang:stem` in the table).
fn translations(lang: Lang, stem: &str) -> impl Iterator<Item = (&'static str, bool)> {
    let key = format!("{}:{stem}", lang.code());
    let found = TABLES
        .links
        .binary_search_by(|l| l.split('\t').next().unwrap_or(l).cmp(key.as_str()))
        .ok()
        .and_then(|i| TABLES.links.get(i))
        .and_then(|l| l.split_once('\t'))
        .map(|(_, v)| v)
        .unwrap_or("");
    found
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(|t| match t.strip_prefix('=') {
            Some(confirmed) => (confirmed, true),
            None => (t, false),
        })
}

/// The stems of a stem's translations that the dictionaries give both ways, as a language and
/// a stem: what a word shares with the words of any language that translate to the same.
pub(crate) fn confirmed_translations(
    lang: Lang,
    stem: &str,
) -> impl Iterator<Item = (Lang, &'static str)> {
    // As a tool holds at most the first few of each language, a query asks no more.
    let mut per_lang = [0; 4];
    translations(lang, stem)
        .filter(|(_, both_ways)| *both_ways)
        .filter_map(|(t, _)| {
            let (to, s) = t.split_once(':')?;
            Some((Lang::from_code(to)?, s))
        })
        .filter(move |(to, _)| {
            per_lang.get_mut(*to as usize).is_some_and(|n| {
                *n += 1;
                *n <= MAX_TRANSLATIONS
            })
        })
}

/// The singular of a plural the dictionaries know (`boulangers` → `boulanger`).
fn singular(lang: Lang, folded: &str) -> Option<String> {
    singular_forms(lang, folded)
        .into_iter()
        .find(|one| one.chars().count() >= PART_MIN_LETTERS && is_word(lang, one))
}

/// The folded word a derived form comes from, when taking off its derivational ending leaves
/// a word the dictionaries know.
pub(crate) fn root(lang: Lang, folded: &str) -> Option<String> {
    derivations(lang).iter().find_map(|ending| {
        let base = folded.strip_suffix(ending)?;
        // The root is a word, or the stem of a verb (erschöpf·en, uitput·ten, épuis·er).
        let known = is_word(lang, base)
            || verb_endings(lang)
                .iter()
                .any(|v| is_word(lang, &format!("{base}{v}")));
        (base.chars().count() >= PART_MIN_LETTERS && known).then(|| base.to_owned())
    })
}

/// The parts of a Dutch or German compound, each a word the dictionaries know, cut where both
/// sides are longest (`werkstress` → `werk`, `stress`; `arbeitsuberlastung` → `arbeit`,
/// `uberlastung`); a third part when no two-part cut holds and the tail after the longest
/// head is itself a two-part compound. Bounded: two passes over the word's cuts, never a
/// search of every way to cut it (which a long word of short words would make explode).
pub(crate) fn parts(lang: Lang, folded: &str) -> Vec<String> {
    if let Some((head, tail)) = two_parts(lang, folded) {
        return vec![head, tail];
    }
    let links = links(lang);
    let heads = folded
        .char_indices()
        .skip(PART_MIN_LETTERS)
        .map(|(cut, _)| cut);
    let Some(cut) = heads.filter(|cut| is_word(lang, &folded[..*cut])).last() else {
        return Vec::new();
    };
    let (head, rest) = folded.split_at(cut);
    std::iter::once("")
        .chain(links.iter().copied())
        .filter_map(|link| rest.strip_prefix(link))
        .find_map(|tail| two_parts(lang, tail))
        .map(|(middle, tail)| vec![head.to_owned(), middle, tail])
        .unwrap_or_default()
}

/// An English word a Dutch or German compound may start with, as both borrow them
/// (`burnoutpreventie`, `Stalkingberatung`): only when no cut with a head of the language's own
/// holds, and only from this many letters (shorter English words are too often the start of a
/// native word: `vert·aling`, `hers·endood`).
const ENGLISH_HEAD_MIN_LETTERS: usize = 6;

/// The two-part cut of a compound where both sides are longest; a cut with a head of the
/// language's own first, else one with an English head.
fn two_parts(lang: Lang, folded: &str) -> Option<(String, String)> {
    cut_in_two(lang, folded, |head| is_word(lang, head)).or_else(|| {
        cut_in_two(lang, folded, |head| {
            head.chars().count() >= ENGLISH_HEAD_MIN_LETTERS && is_word(Lang::En, head)
        })
    })
}

/// The cut where both sides are longest, of those whose head `is_head` accepts and whose tail
/// the language knows.
fn cut_in_two(
    lang: Lang,
    folded: &str,
    is_head: impl Fn(&str) -> bool,
) -> Option<(String, String)> {
    let links = links(lang);
    let letters = folded.chars().count();
    if links.is_empty() || !(2 * PART_MIN_LETTERS..=MAX_COMPOUND_LETTERS).contains(&letters) {
        return None;
    }
    let mut best: Option<(usize, &str, &str)> = None;
    for (cut, _) in folded.char_indices().skip(PART_MIN_LETTERS) {
        let (head, rest) = folded.split_at(cut);
        if !is_head(head) {
            continue;
        }
        for link in std::iter::once("").chain(links.iter().copied()) {
            let Some(tail) = rest.strip_prefix(link) else {
                continue;
            };
            let shorter = head.chars().count().min(tail.chars().count());
            if tail.chars().count() < PART_MIN_LETTERS || best.is_some_and(|b| b.0 >= shorter) {
                continue;
            }
            if is_known(lang, tail) {
                best = Some((shorter, head, tail));
            }
        }
    }
    best.map(|(_, head, tail)| (head.to_owned(), tail.to_owned()))
}

/// The analysers a tool's words go through, made once per thread.
pub(crate) struct Analysers {
    unstemmed: Vec<(Lang, TextAnalyzer)>,
    stemmers: Vec<(Lang, TextAnalyzer)>,
    /// The lexicon tokens of words met before: a catalogue's words repeat from tool to tool,
    /// and cutting a word and looking up its root and translations costs far more than this.
    known_words: HashMap<(Lang, String), Box<str>>,
}

/// At most this many words' tokens are kept per indexing thread; past it they start over.
const MAX_KNOWN_WORDS: usize = 65_536;

impl Default for Analysers {
    fn default() -> Self {
        Self {
            unstemmed: Lang::ALL
                .into_iter()
                .map(|l| (l, analysis::unstemmed_analyser(l)))
                .collect(),
            stemmers: Lang::ALL
                .into_iter()
                .map(|l| (l, analysis::stemmer(l)))
                .collect(),
            known_words: HashMap::new(),
        }
    }
}

impl Analysers {
    pub(crate) fn stem(&mut self, lang: Lang, folded: &str) -> Option<String> {
        let (_, stemmer) = self.stemmers.iter_mut().find(|(l, _)| *l == lang)?;
        tokens(stemmer, folded).into_iter().next().map(|(_, t)| t)
    }

    /// The words of a text in a language: lower-cased, folded, stop words left out.
    pub(crate) fn words(&mut self, lang: Lang, text: &str) -> Vec<String> {
        self.unstemmed
            .iter_mut()
            .find(|(l, _)| *l == lang)
            .map(|(_, a)| tokens(a, text).into_iter().map(|(_, t)| t).collect())
            .unwrap_or_default()
    }

    /// The stems a folded word leads to in its language besides its own: its root's and its
    /// parts'.
    pub(crate) fn derived_stems(&mut self, lang: Lang, folded: &str) -> Derived {
        let own = self.stem(lang, folded);
        // A derived form's root, or else a plural's singular: stemmers do not always bring the
        // two to one stem (`boulangers` → `boulanger`, `boulanger` → `boulang`).
        let root = root(lang, folded)
            .or_else(|| singular(lang, folded))
            .and_then(|r| self.stem(lang, &r))
            .filter(|r| Some(r) != own.as_ref());
        let parts = parts(lang, folded)
            .iter()
            .filter_map(|p| self.stem(lang, p))
            .collect();
        Derived { own, root, parts }
    }

    /// The tokens a text of a tool adds to its lexicon field, space-separated: the stems its
    /// words lead to besides their own, and the stems of their translations. (A word's own
    /// stem is in the language's fields already.)
    pub(crate) fn tokens_of(&mut self, lang: Lang, text: &str, out: &mut String) {
        for word in self.words(lang, text) {
            let key = (lang, word);
            let tokens = match self.known_words.get(&key) {
                Some(tokens) => tokens.clone(),
                None => {
                    let tokens: Box<str> = self.word_tokens(lang, &key.1).into();
                    if self.known_words.len() >= MAX_KNOWN_WORDS {
                        self.known_words.clear();
                    }
                    self.known_words.insert(key, tokens.clone());
                    tokens
                }
            };
            if !tokens.is_empty() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&tokens);
            }
        }
    }

    /// The lexicon tokens of one folded word, space-separated.
    fn word_tokens(&mut self, lang: Lang, word: &str) -> String {
        let mut out = String::new();
        let derived = self.derived_stems(lang, word);
        for stem in derived.all() {
            if Some(stem) != derived.own.as_ref() {
                push(&mut out, own(lang, stem));
            }
            let mut per_lang = [0; 4];
            for (t, both_ways) in translations(lang, stem) {
                if let Some((to, s)) = t.split_once(':')
                    && let Some(to) = Lang::from_code(to)
                    && let Some(n) = per_lang.get_mut(to as usize)
                    && *n < MAX_TRANSLATIONS
                {
                    *n += 1;
                    push(&mut out, translated(to, s));
                    if both_ways {
                        push(&mut out, confirmed(to, s));
                    }
                }
            }
        }
        out
    }
}

/// A word's stem, its root's and its parts'.
pub(crate) struct Derived {
    pub own: Option<String>,
    pub root: Option<String>,
    pub parts: Vec<String>,
}

impl Derived {
    pub(crate) fn all(&self) -> impl Iterator<Item = &String> {
        self.own.iter().chain(&self.root).chain(&self.parts)
    }
}

fn push(out: &mut String, token: String) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(&token);
}

/// The token of a stem in its own language.
pub(crate) fn own(lang: Lang, stem: &str) -> String {
    format!("{}:{stem}", lang.code())
}

/// The token a tool holds when one of its words translates to this stem of `lang`.
pub(crate) fn translated(lang: Lang, stem: &str) -> String {
    format!("{}>{stem}", lang.code())
}

/// The token a tool holds besides [`translated`] when the dictionaries give the translation
/// both ways.
pub(crate) fn confirmed(lang: Lang, stem: &str) -> String {
    format!("{}={stem}", lang.code())
}

thread_local! {
    pub(crate) static ANALYSERS: std::cell::RefCell<Analysers> =
        std::cell::RefCell::new(Analysers::default());
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    const TRANSLATIONS: &str = include_str!("../lexicon/translations.tsv");
    const WORDLIST: &str = include_str!("../lexicon/wordlist.tsv");

    fn lang(code: &str) -> Lang {
        Lang::from_code(code).unwrap()
    }

    /// The compiled tables from `translations.tsv`, through today's analysers.
    fn compile() -> (String, String) {
        let mut a = Analysers::default();
        let one = |a: &mut Analysers, lang: Lang, word: &str| -> Option<(String, String)> {
            let words = a.words(lang, word);
            let [w] = words.as_slice() else { return None };
            Some((w.clone(), a.stem(lang, w)?))
        };
        // Each stem's translations in the order the dictionaries give them (the common senses
        // first), then those whose translation it is, then those found through both other
        // languages: a tool holds the first few of each language.
        let mut forward: Vec<(String, String)> = Vec::new();
        let mut derived: Vec<(String, String)> = Vec::new();
        // The stem of the root a derived form comes from, when it is another stem.
        let rooted = |a: &mut Analysers, lang: Lang, word: &str, stem: &str| -> Option<String> {
            root(lang, word)
                .and_then(|r| a.stem(lang, &r))
                .filter(|r| r != stem)
        };
        let mut words: BTreeSet<String> = BTreeSet::new();
        for line in TRANSLATIONS.lines() {
            let mut cols = line.split('\t');
            let (Some(from), Some(word), Some(to), Some(list)) =
                (cols.next(), cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let (from, to) = (lang(from), lang(to));
            let Some((w, stem)) = one(&mut a, from, word) else {
                continue;
            };
            if w.chars().count() >= PART_MIN_LETTERS {
                words.insert(own(from, &w));
            }
            let from_root = rooted(&mut a, from, &w, &stem);
            for t in list.split(' ') {
                let Some((tw, tstem)) = one(&mut a, to, t) else {
                    continue;
                };
                if tw.chars().count() >= PART_MIN_LETTERS {
                    words.insert(own(to, &tw));
                }
                forward.push((own(from, &stem), own(to, &tstem)));
                // A derived form's translation is its root's too, across word classes
                // (`épuisé` → `erschöpft` reaches `Erschöpfung`, whose root is `erschöpfen`):
                // never confirmed, as no dictionary gave it.
                if let Some(root) = rooted(&mut a, to, &tw, &tstem) {
                    derived.push((own(from, &stem), own(to, &root)));
                }
                if let Some(root) = &from_root {
                    derived.push((own(from, root), own(to, &tstem)));
                }
            }
        }
        let mut links: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let link = |links: &mut BTreeMap<String, Vec<String>>, k: &str, t: &str| {
            let slot = links.entry(k.to_owned()).or_default();
            if !slot.iter().any(|x| x == t) {
                slot.push(t.to_owned());
            }
        };
        for (k, t) in &forward {
            link(&mut links, k, t);
        }
        for (k, t) in &forward {
            link(&mut links, t, k);
        }
        // A link the dictionaries give both ways is confirmed.
        let given: BTreeSet<(&str, &str)> = forward
            .iter()
            .map(|(k, t)| (k.as_str(), t.as_str()))
            .collect();
        for line in WORDLIST.lines() {
            if let Some((code, word)) = line.split_once('\t')
                && let Some((w, _)) = one(&mut a, lang(code), word)
                && w.chars().count() >= PART_MIN_LETTERS
            {
                words.insert(own(lang(code), &w));
            }
        }
        // Where a dictionary gives a word no translation into a language, the translations
        // that both other languages lead to (fr:travail → de:arbeit, en:work → nl:werk).
        let lang_of = |token: &str| token.split(':').next().unwrap_or("").to_owned();
        let mut pivoted: Vec<(String, String)> = Vec::new();
        for (key, direct) in &links {
            let from = lang_of(key);
            for target in Lang::ALL.map(|l| l.code()) {
                if target == from || direct.iter().any(|t| lang_of(t) == target) {
                    continue;
                }
                let mut reached: Vec<(&String, BTreeSet<String>)> = Vec::new();
                for pivot in direct {
                    for t in links.get(pivot).into_iter().flatten() {
                        if lang_of(t) == target {
                            match reached.iter_mut().find(|(r, _)| *r == t) {
                                Some((_, pivots)) => {
                                    pivots.insert(lang_of(pivot));
                                }
                                None => reached.push((t, BTreeSet::from([lang_of(pivot)]))),
                            }
                        }
                    }
                }
                pivoted.extend(
                    reached
                        .into_iter()
                        .filter(|(_, pivots)| pivots.len() >= 2)
                        .map(|(t, _)| (key.clone(), t.clone())),
                );
            }
        }
        for (key, t) in pivoted {
            link(&mut links, &key, &t);
            link(&mut links, &t, &key);
        }
        // The roots' links last, after the inference through other languages, which reads
        // what the dictionaries gave only.
        for (k, t) in &derived {
            link(&mut links, k, t);
            link(&mut links, t, k);
        }
        let mut l = String::from(
            "# The stems of each word's translations, compiled from translations.tsv by the\n\
             # indexer's test `the_compiled_lexicon_is_current` (COMMONS_WRITE_LEXICON=1 rewrites it).\n",
        );
        for (k, v) in &links {
            l.push_str(k);
            l.push('\t');
            let marked: Vec<String> = v
                .iter()
                .map(|t| {
                    let both = given.contains(&(k.as_str(), t.as_str()))
                        && given.contains(&(t.as_str(), k.as_str()));
                    if both { format!("={t}") } else { t.clone() }
                })
                .collect();
            l.push_str(&marked.join(" "));
            l.push('\n');
        }
        let mut w = String::from(
            "# The folded words a compound is cut into and a derived form's root may be, compiled from\n\
             # translations.tsv by the indexer's test `the_compiled_lexicon_is_current`.\n",
        );
        for word in &words {
            w.push_str(word);
            w.push('\n');
        }
        (l, w)
    }

    #[test]
    fn the_compiled_lexicon_is_current() {
        let (links, words) = compile();
        if std::env::var_os("COMMONS_WRITE_LEXICON").is_some() {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/lexicon");
            std::fs::write(format!("{dir}/links.tsv"), &links).unwrap();
            std::fs::write(format!("{dir}/words.tsv"), &words).unwrap();
            return;
        }
        assert!(
            links == LINKS && words == WORDS,
            "lexicon/links.tsv or words.tsv differ from what translations.tsv and today's \
             analysers give: rewrite them with COMMONS_WRITE_LEXICON=1 cargo test -p \
             commons-indexer the_compiled_lexicon_is_current (and bump SCHEMA_VERSION)"
        );
    }

    #[test]
    fn compounds_are_cut_into_words_the_dictionaries_know() {
        let mut a = Analysers::default();
        let mut stems = |lang: Lang, words: &[&str]| -> Vec<String> {
            words.iter().map(|w| a.stem(lang, w).unwrap()).collect()
        };
        let (werk_stress, arbeit_uberlast) = (
            stems(Lang::Nl, &["werk", "stress"]),
            stems(Lang::De, &["arbeit", "uberlastung"]),
        );
        let mut a = Analysers::default();
        assert_eq!(a.derived_stems(Lang::Nl, "werkstress").parts, werk_stress);
        assert_eq!(
            a.derived_stems(Lang::De, "arbeitsuberlastung").parts,
            arbeit_uberlast
        );
        assert!(parts(Lang::Fr, "surendettement").is_empty());
        assert!(parts(Lang::Nl, "werk").is_empty());
        // A long run of short words is cut in two passes, not searched every way.
        assert!(parts(Lang::Nl, &"werk".repeat(10)).len() <= 3);
    }

    #[test]
    fn the_endings_are_written_folded() {
        for lang in Lang::ALL {
            for ending in derivations(lang)
                .iter()
                .chain(plurals(lang))
                .chain(links(lang))
            {
                assert_eq!(analysis::fold(ending), *ending, "{lang:?}");
            }
        }
    }

    #[test]
    fn a_dutch_plural_leads_to_its_singular_as_spelt() {
        assert_eq!(singular(Lang::Nl, "problemen").as_deref(), Some("probleem"));
        assert_eq!(singular(Lang::Nl, "brieven").as_deref(), Some("brief"));
        assert_eq!(singular(Lang::Nl, "scholen").as_deref(), Some("school"));
        assert_eq!(
            parts(Lang::Nl, "slaapproblemen"),
            vec!["slaap".to_owned(), "problemen".to_owned()]
        );
    }

    #[test]
    fn a_misspelt_word_is_near_the_words_it_may_stand_for() {
        assert!(near_words("slaapprobelmen").contains(&"slaapproblemen".to_owned()));
        assert!(near_words("solitdue").contains(&"solitude".to_owned()));
        // Bounded: a long string is not looked at, a short one proposes a few words at most.
        assert!(near_words(&"x".repeat(21)).is_empty());
    }

    #[test]
    fn a_derived_form_leads_to_its_root() {
        assert_eq!(
            root(Lang::Nl, "lusteloosheid").as_deref(),
            Some("lusteloos")
        );
        assert_eq!(root(Lang::De, "erschopfung").as_deref(), Some("erschopf"));
    }

    #[test]
    fn a_word_is_linked_to_its_translations_both_ways() {
        let mut a = Analysers::default();
        let fr = a.stem(Lang::Fr, "solitude").unwrap();
        let nl = a.stem(Lang::Nl, "eenzaamheid").unwrap();
        assert!(translations(Lang::Nl, &nl).any(|(t, _)| t == own(Lang::Fr, &fr)));
        assert!(translations(Lang::Fr, &fr).any(|(t, _)| t == own(Lang::Nl, &nl)));
    }

    #[test]
    fn a_translation_both_dictionaries_give_is_confirmed_and_a_sense_given_one_way_is_not() {
        let mut a = Analysers::default();
        let slapen = a.stem(Lang::Nl, "slapen").unwrap();
        let dormir = own(Lang::Fr, &a.stem(Lang::Fr, "dormir").unwrap());
        let flau = own(Lang::De, &a.stem(Lang::De, "flau").unwrap());
        let links: Vec<(&str, bool)> = translations(Lang::Nl, &slapen).collect();
        assert!(links.contains(&(dormir.as_str(), true)), "{links:?}");
        assert!(links.contains(&(flau.as_str(), false)), "{links:?}");
    }
}
