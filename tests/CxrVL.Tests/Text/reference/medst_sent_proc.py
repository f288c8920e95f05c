"""MedST's evaluation-time sentence processing, as temporal_test.py's sent_proc (SVT-Yang/MedST ed1f7b4) writes it:
nltk's RegexpTokenizer(r"\w+") is re.findall(r"\w+"). Reads one sentence per line of argv[1]; prints a JSON list."""
import json
import re
import sys


def sent_proc(captions):
    captions = captions.replace("\n", " ")
    splitter = re.compile(r"[0-9]+\.")
    captions = splitter.split(captions)
    captions = [point.split(".") for point in captions]
    captions = [sent for point in captions for sent in point]
    study_sent = []
    for cap in captions:
        if len(cap) == 0:
            continue
        cap = cap.replace("\ufffd\ufffd", " ")
        tokens = re.findall(r"\w+", cap.lower())
        if len(tokens) <= 1:
            continue
        included_tokens = []
        for t in tokens:
            t = t.encode("ascii", "ignore").decode("ascii")
            if len(t) > 0:
                included_tokens.append(t)
        if len(included_tokens) > 0:
            study_sent.append(" ".join(included_tokens))
    sent = ""
    for i in study_sent:
        sent = sent + i + ""
    return sent


lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
print(json.dumps([sent_proc(line) for line in lines]))
