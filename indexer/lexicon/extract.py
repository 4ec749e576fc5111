#!/usr/bin/env python3
"""Derives `translations.tsv` from the FreeDict bilingual dictionaries that Debian packages, and
`wordlist.tsv` from the Hunspell dictionaries' word lists.

Run after `apt-get install dict-freedict-{fra-nld,nld-fra,deu-nld,nld-deu,fra-deu,deu-fra,
eng-fra,fra-eng,eng-nld,nld-eng,eng-deu,deu-eng}`:

    python3 indexer/lexicon/extract.py /usr/share/dictd > indexer/lexicon/translations.tsv
    python3 indexer/lexicon/extract.py --words /usr/share/hunspell > indexer/lexicon/wordlist.tsv

(`apt-get install hunspell-nl hunspell-de-de hunspell-fr-classical hunspell-en-us` for the
second: their stems without affixes, the words a compound may be cut into.)

Only one-word headwords and one-word translations are kept (a search term is one word); each
line holds a word, a language it is translated into and its first translations there, in the
dictionary's order. Both directions of a pair are kept: the engine reads them symmetrically.
"""
import gzip
import re
import sys
import unicodedata

LANGS = {"fra": "fr", "nld": "nl", "deu": "de", "eng": "en"}
# At most this many translations of one word into one language: dictionaries list the common
# senses first, and a long tail of rare senses only adds noise to a search.
MAX_TRANSLATIONS = 4
BIG_PAIR = {"de", "en"}
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
WORD = re.compile(r"^[^\W\d_]+(?:[-'’][^\W\d_]+)*$")


def b64(s):
    n = 0
    for c in s:
        n = n * 64 + B64.index(c)
    return n


def normal(text):
    return unicodedata.normalize("NFKC", text).strip().lower()


def one_word(text):
    text = normal(text)
    return text if WORD.match(text) and 2 <= len(text) <= 40 else None


def translations(entry):
    lines = entry.split("\n")[1:]
    numbered = [l for l in lines if re.match(r"^\d+\. ", l)]
    if numbered:
        chosen = [re.sub(r"^\d+\. ", "", l) for l in numbered]
    else:
        first = next((l for l in lines if l.strip()), "")
        chosen = [first]
    out = []
    for line in chosen:
        line = re.sub(r"<[^>]*>|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}", " ", line)
        for item in re.split(r"[,;]", line):
            word = one_word(item)
            if word and word not in out:
                out.append(word)
    return out


def main(folder):
    table = {}
    for src in LANGS:
        for tgt in LANGS:
            if src == tgt:
                continue
            name = f"{folder}/freedict-{src}-{tgt}"
            data = gzip.open(name + ".dict.dz").read()
            for line in open(name + ".index", encoding="utf-8"):
                head, offset, length = line.rstrip("\n").split("\t")
                if head.startswith("00database"):
                    continue
                word = one_word(head)
                if not word:
                    continue
                start = b64(offset)
                entry = data[start : start + b64(length)].decode("utf-8", "replace")
                slot = table.setdefault((LANGS[src], word, LANGS[tgt]), [])
                for t in translations(entry):
                    if t != word and t not in slot and len(slot) < MAX_TRANSLATIONS:
                        slot.append(t)
    # German-English is the large Ding dictionary, with every inflected form as a headword:
    # of it, only the words that the other dictionaries know too (the common vocabulary).
    known = {}
    for (src, word, tgt), words in table.items():
        if {src, tgt} != BIG_PAIR:
            known.setdefault(src, set()).add(word)
            known.setdefault(tgt, set()).update(words)
    for (src, word, tgt), words in sorted(table.items()):
        if words and ({src, tgt} != BIG_PAIR or word in known.get(src, ())):
            print(f"{src}\t{word}\t{tgt}\t{' '.join(words)}")


HUNSPELL = {"nl": "nl", "de": "de_DE", "fr": "fr", "en": "en_US"}


def words(folder):
    out = set()
    for lang, name in HUNSPELL.items():
        with open(f"{folder}/{name}.dic", encoding="utf-8", errors="replace") as dic:
            next(dic)  # the number of entries
            for line in dic:
                if line.startswith(("\t", "#")):
                    continue
                word = one_word(line.split("/")[0])
                if word and len(word) >= 4 and "-" not in word:
                    out.add((lang, word))
    for lang, word in sorted(out):
        print(f"{lang}\t{word}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--words"]:
        words(sys.argv[2] if len(sys.argv) > 2 else "/usr/share/hunspell")
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/dictd")
