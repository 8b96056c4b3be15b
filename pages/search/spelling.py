"""Spelling suggestions: the words of the indexed texts, and the nearest to a misspelling.

Each searched language has a vocabulary (SearchWord: the words of its indexed texts, as
written). A query that finds nothing has each of its words looked up there: the nearest
words by trigrams (an index on either database, read best first, a few words a query word),
then the nearest of those by edit distance, at most 1 for a short word and 2 for a longer one.
"""

import unicodedata

from .query import WORD

# The fewest letters of a word suggestions are made for, and of a word the vocabulary holds.
SHORTEST = 3
LONGEST = 40
# Nearest words read from the trigram index for each word of a query, and of those, the
# nearest that a published item has.
CANDIDATES = 50
NEAREST = 20


def lowered_words(text):
    """The words of a text, lower-cased, in order."""
    return [word.lower() for word in WORD.findall(unicodedata.normalize("NFC", text))]


def held(word):
    """Whether the vocabulary holds a (lower-cased) word: letters only, not too short."""
    return SHORTEST <= len(word) <= LONGEST and word.isalpha()


def vocabulary(*word_lists):
    """The distinct words of lists of lower-cased words that the vocabulary holds."""
    return {word for word in set().union(*word_lists) if held(word)}


def most_edits(word):
    return 1 if len(word) <= 5 else 2


def distance(a, b, most):
    """The edit distance of a and b (a letter added, left out, changed, or two swapped), or
    most + 1 as soon as it is sure to be more than `most`."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > most:
            return most + 1
        previous2, previous = previous, current
    return min(previous[-1], most + 1)


def trigram_query(word):
    """An FTS5 query (trigram tokenizer) matching words that share a trigram with `word`, its
    ends marked as in the index ("^^word$"): each trigram quoted, and the word of letters
    only, so no operator can be injected."""
    marked = f"^^{word}$"
    return " OR ".join(f'"{marked[i : i + 3]}"' for i in range(len(marked) - 2))


def corrected(words, nearest):
    """The query with each word missing from the vocabulary replaced by the nearest word in
    `nearest` (word -> candidates read from the index, best first), or None."""
    changed, suggestion = False, []
    for word in words:
        lowered = unicodedata.normalize("NFC", word).lower()
        candidates = nearest.get(lowered, [])
        if lowered not in nearest or lowered in candidates:
            suggestion.append(word)
            continue
        most = most_edits(lowered)
        scored = [(distance(lowered, c, most), i, c) for i, c in enumerate(candidates)]
        best = min((s for s in scored if s[0] <= most), default=None)
        if best:
            changed = True
            suggestion.append(best[2])
        else:
            suggestion.append(word)
    return " ".join(suggestion) if changed else None


def looked_up(words):
    """The distinct query words worth looking up in the vocabulary."""
    return list(dict.fromkeys(w for w in lowered_words(" ".join(words)) if held(w)))
