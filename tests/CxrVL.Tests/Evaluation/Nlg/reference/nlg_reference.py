"""Independent re-derivation of the coco-caption BLEU (closest reference length), ROUGE-L and CIDEr-D formulas,
standard library only, used as a second check of CxrVL.Evaluation.Nlg.

usage: nlg_reference.py SAMPLES.json  ->  prints {"BLEU_1": ..., ..., "ROUGE_L": ..., "CIDEr": ...}
SAMPLES.json: [{"pred": "...", "refs": ["...", ...]}, ...]
"""
import json
import math
import sys
from collections import Counter


def ngrams(text, n):
    words = text.split()
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def bleu(samples, max_n=4):
    tiny, small = 1e-15, 1e-9
    correct, guess = [0] * max_n, [0] * max_n
    c_total = r_total = 0
    for s in samples:
        c = len(s["pred"].split())
        lengths = [len(r.split()) for r in s["refs"]]
        r = sorted(lengths, key=lambda l: (abs(l - c), l))[0]
        c_total += c
        r_total += r
        for n in range(1, max_n + 1):
            hyp = ngrams(s["pred"], n)
            best = Counter()
            for ref in s["refs"]:
                best |= ngrams(ref, n)
            guess[n - 1] += max(0, c - n + 1)
            correct[n - 1] += sum(min(k, best[g]) for g, k in hyp.items())
    out, product = [], 1.0
    for n in range(max_n):
        product *= (correct[n] + tiny) / (guess[n] + small)
        out.append(product ** (1.0 / (n + 1)))
    ratio = (c_total + tiny) / (r_total + small)
    if ratio < 1:
        out = [b * math.exp(1 - 1 / ratio) for b in out]
    return out


def lcs(a, b):
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = table[i - 1][j - 1] + 1 if a[i - 1] == b[j - 1] else max(table[i - 1][j], table[i][j - 1])
    return table[-1][-1]


def rouge_l(samples, beta=1.2):
    scores = []
    for s in samples:
        cand = s["pred"].split(" ")
        p = max(lcs(r.split(" "), cand) / len(cand) for r in s["refs"])
        r = max(lcs(ref.split(" "), cand) / len(ref.split(" ")) for ref in s["refs"])
        scores.append(0.0 if p == 0 or r == 0 else (1 + beta ** 2) * p * r / (r + beta ** 2 * p))
    return sum(scores) / len(scores)


def cider_d(samples, sigma=6.0):
    df = Counter()
    for s in samples:
        grams = set()
        for ref in s["refs"]:
            for n in range(1, 5):
                grams |= set(ngrams(ref, n))
        df.update(grams)
    log_n = math.log(len(samples))

    def vector(text):
        vec = {}
        for n in range(1, 5):
            for g, tf in ngrams(text, n).items():
                vec[g] = tf * (log_n - math.log(max(1.0, df[g])))
        bigram_length = sum(ngrams(text, 2).values())
        return vec, bigram_length

    total = 0.0
    for s in samples:
        hyp, hyp_length = vector(s["pred"])
        score = 0.0
        for ref_text in s["refs"]:
            ref, ref_length = vector(ref_text)
            penalty = math.exp(-((hyp_length - ref_length) ** 2) / (2 * sigma ** 2))
            for n in range(1, 5):
                h = {g: w for g, w in hyp.items() if len(g) == n}
                r = {g: w for g, w in ref.items() if len(g) == n}
                dot = sum(min(w, r.get(g, 0.0)) * r.get(g, 0.0) for g, w in h.items())
                norm_h = math.sqrt(sum(w * w for w in h.values()))
                norm_r = math.sqrt(sum(w * w for w in r.values()))
                if norm_h and norm_r:
                    dot /= norm_h * norm_r
                score += dot * penalty
        total += score / 4 / len(s["refs"]) * 10
    return total / len(samples)


def main(path):
    samples = json.load(open(path))
    result = {f"BLEU_{i + 1}": b for i, b in enumerate(bleu(samples))}
    result["ROUGE_L"] = rouge_l(samples)
    result["CIDEr"] = cider_d(samples)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
