"""Benchmark of the document coder: 5,000 documents of about 500 words, every mode.

The documents are made of board-paper sentences with no option in them and, in each
document, four passages of the gold set's training half (so the coder has real cues to read,
about one sentence in five). Paragraphs of three to five sentences, about 500 words a
document, seeded (``--seed``).

Reports, for each coder, the wall and CPU time of ``coder.code(texts)`` in one process,
after the coder was built; building it (loading spaCy and the codebook, and for the learned
and combined coders training the default model from the gold set) is reported apart.

``--shape salad`` measures the pathological case instead: the documents ``make bench`` used
before 2026-12-03, 500 words drawn at random from a partnership vocabulary with no full stop,
so that every passage is one 120-word "sentence" in which almost every rule can match.

Usage: ``python benchmarks/bench_coder.py [--docs 5000] [--models dictionary,rules,combined] [--shape salad]``
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import pandas as pd

FILLER = [
    "The chair welcomed members and officers to the meeting.",
    "Apologies were received from two members of the committee.",
    "The minutes of the previous meeting were agreed as a correct record.",
    "Officers presented the quarterly performance report and answered questions.",
    "Members noted the update on the capital programme and the timetable for the next phase.",
    "The report sets out the background, the legal implications and the equality impact assessment.",
    "A member asked for more detail on the figures in table three, which officers agreed to circulate.",
    "The committee noted the risk register and the actions taken since the last meeting.",
    "The next meeting will be held in the council chamber at the usual time.",
    "Members discussed the number of planning applications received in the last quarter.",
    "The head of service explained how the figures had been collected and checked.",
    "There were no declarations of interest and no questions from the public.",
    "The annual governance statement will be presented to the audit committee in July.",
    "Officers were thanked for the clear and thorough report.",
    "The item was deferred to the next meeting to allow further information to be gathered.",
    "The chair reminded members that the meeting was being broadcast.",
]


def make_documents(n: int, seed: int = 0) -> pd.DataFrame:
    from analysis.coder import load_gold

    rng = np.random.default_rng(seed)
    gold = load_gold()
    cues = gold.loc[gold["split"] == "train", "text"].tolist()
    docs = []
    for _ in range(n):
        sentences = [FILLER[i] for i in rng.integers(0, len(FILLER), 30)]
        for j in rng.integers(0, len(cues), 4):
            sentences.insert(int(rng.integers(0, len(sentences))), cues[j])
        words, paras, para = 0, [], []
        for s in sentences:
            para.append(s)
            words += len(s.split())
            if len(para) >= int(rng.integers(3, 6)):
                paras.append(" ".join(para))
                para = []
            if words >= 500:
                break
        if para:
            paras.append(" ".join(para))
        docs.append("\n\n".join(paras))
    return pd.DataFrame({"document_id": [f"D{i:05d}" for i in range(n)], "text": docs})


def make_salad(n: int, seed: int = 0, words: int = 500) -> pd.DataFrame:
    """``n`` documents of ``words`` words drawn from ``generate.VOCAB``, with no punctuation."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import VOCAB

    rng = np.random.default_rng(seed)
    drawn = rng.choice(VOCAB, (n, words))
    return pd.DataFrame({"document_id": [f"D{i:05d}" for i in range(n)], "text": [" ".join(w) for w in drawn]})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--models", default="dictionary,rules,combined")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shape", choices=("papers", "salad"), default="papers")
    args = parser.parse_args(argv)
    texts = make_documents(args.docs, args.seed) if args.shape == "papers" else make_salad(args.docs, args.seed)
    n_words = int(texts["text"].str.split().str.len().sum())
    print(f"{len(texts)} documents, {n_words / len(texts):.0f} words each on average; "
          f"{os.cpu_count()} CPUs, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}; "
          f"Python {platform.python_version()}")
    print("| coder | build (s) | code: wall (s) | code: CPU (s) | documents with an option |")
    print("|---|---:|---:|---:|---:|")
    for name in args.models.split(","):
        t0 = time.perf_counter()
        if name == "dictionary":
            from analysis.coding import DictionaryCoder

            coder = DictionaryCoder()
        else:
            from analysis.coder import Coder

            coder = Coder(name)
        build = time.perf_counter() - t0
        t1, c1 = time.perf_counter(), time.process_time()
        out = coder.code(texts)
        wall, cpu = time.perf_counter() - t1, time.process_time() - c1
        coded = int((out["primary"] != "none").sum())
        print(f"| {name} | {build:.1f} | {wall:.1f} | {cpu:.1f} | {coded:,} of {len(out):,} |")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
