"""Writes JSON inputs for the NLG benchmark and the labeler check from the IU X-ray report XML.

usage: iu_texts.py ECGEN_RADIOLOGY_DIR OUT_DIR (or imported by nlg_bench.py)
  findings.json     id -> FINDINGS text      (reports with both sections)
  impressions.json  id -> IMPRESSION text    (same ids)
  reports.json      id -> FINDINGS + IMPRESSION, for every report with either
  mesh.json         id -> MeSH major and automatic terms
Standard library only (the benchmark runs anywhere).
"""
import json
import os
import sys
import xml.etree.ElementTree as ET


def main(source, out):
    findings, impressions, reports, mesh = {}, {}, {}, {}
    for name in sorted(os.listdir(source), key=lambda n: (len(n), n)):
        if not name.endswith(".xml"):
            continue
        root = ET.parse(os.path.join(source, name)).getroot()
        sections = {a.get("Label"): (a.text or "").strip() for a in root.iter("AbstractText")}
        key = name[:-4]
        f, i = sections.get("FINDINGS", ""), sections.get("IMPRESSION", "")
        if f and i:
            findings[key], impressions[key] = f, i
        if f or i:
            reports[key] = " ".join(t for t in (f, i) if t)
        terms = [(e.text or "").strip() for tag in ("major", "automatic") for e in root.iter(tag)]
        mesh[key] = [t for t in terms if t]
    os.makedirs(out, exist_ok=True)
    for file, data in (("findings.json", findings), ("impressions.json", impressions),
                       ("reports.json", reports), ("mesh.json", mesh)):
        with open(os.path.join(out, file), "w") as handle:
            json.dump(data, handle)
    print(f"{len(findings)} findings/impression pairs, {len(reports)} reports -> {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
