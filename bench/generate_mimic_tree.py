"""Generates a synthetic MIMIC-CXR-JPG 2.0.0 tree at full size for the MIMIC-scale benchmark (bench/run-mimic-scale.sh).

usage: generate_mimic_tree.py [OUT] [--scale S] [--seed N] [--gzip]
  OUT      the tree to write (default /work/bench-data/mimic); never inside the repository
  --scale  fraction of the full size (default 1: 377,110 images, 227,835 studies, 65,379 patients)
  --gzip   write the tables as .csv.gz, as PhysioNet ships them (default plain .csv)

The layout and tables are those of the release: OUT/files/pXX/pNNNNNNNN/sNNNNNNNN/<dicom_id>.jpg (hard links to the
shared COVID JPEGs, so the tree costs directory entries, not image bytes), OUT/mimic-cxr-2.0.0-metadata.csv (the
release's 12 columns, StudyTime as the release writes it: hhmmss.fff without leading zeros), -split.csv (per image,
by patient, train / validate / test in the release's 97.8 / 0.8 / 1.4 % of images), -chexpert.csv and -negbio.csv
(per study, 1.0 / 0.0 / -1.0 / blank), and the MIMIC-CXR report texts (mimic-cxr-reports.zip's layout) under
OUT/reports/files/pXX/pNNNNNNNN/sNNNNNNNN.txt: FINAL REPORT with EXAMINATION, INDICATION, TECHNIQUE, COMPARISON,
FINDINGS and IMPRESSION sections filled from the shared IU X-ray reports (XXXX de-identification as MIMIC's ___),
wrapped at 78 columns as MIMIC-CXR's are; like IU's, some reports have no FINDINGS.

Distributions follow the release: studies per patient heavy-tailed (mean 3.5, many patients with one study, a few
with over a hundred), images per study 1 to 4 (mean 1.65), ViewPosition AP 39 %, PA 25 %, LATERAL 22 %, LL 9 %,
blank 4 % and a few rare views, portable AP studies mostly one image and PA-and-lateral studies two.

Idempotent: OUT/GENERATED.json records the parameters; a tree that matches them is left as is. Otherwise the tree is
written next to OUT and renamed into place. Prints its own time. Standard library only.
"""
import argparse
import datetime
import gzip
import json
import os
import random
import re
import shutil
import sys
import textwrap
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference"))
from data_root import data_root  # noqa: E402

FULL = {"images": 377_110, "studies": 227_835, "patients": 65_379}
# Images per split in the release (train / validate / test), as shares of all images.
SPLITS = (("validate", 2_991 / 377_110), ("test", 5_159 / 377_110))
# The release's chexpert.csv has a few studies fewer than the metadata (227,827 of 227,835).
UNLABELLED = 8 / 227_835
LABELS = ("Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Enlarged Cardiomediastinum", "Fracture", "Lung Lesion",
          "Lung Opacity", "No Finding", "Pleural Effusion", "Pleural Other", "Pneumonia", "Pneumothorax", "Support Devices")
# Per finding: probability of 1.0, 0.0, -1.0 (blank otherwise), near the release's CheXpert-labeler prevalences.
PREVALENCE = {
    "Atelectasis": (0.20, 0.01, 0.05), "Cardiomegaly": (0.20, 0.07, 0.03), "Consolidation": (0.05, 0.12, 0.02),
    "Edema": (0.12, 0.11, 0.06), "Enlarged Cardiomediastinum": (0.03, 0.09, 0.04), "Fracture": (0.02, 0.02, 0.002),
    "Lung Lesion": (0.03, 0.003, 0.005), "Lung Opacity": (0.23, 0.02, 0.02), "Pleural Effusion": (0.24, 0.12, 0.03),
    "Pleural Other": (0.01, 0.0005, 0.004), "Pneumonia": (0.07, 0.11, 0.08), "Pneumothorax": (0.05, 0.19, 0.005),
    "Support Devices": (0.29, 0.004, 0.001),
}
METADATA_COLUMNS = ("dicom_id,subject_id,study_id,PerformedProcedureStepDescription,ViewPosition,Rows,Columns,StudyDate,"
                    "StudyTime,ProcedureCodeSequence_CodeMeaning,ViewCodeSequence_CodeMeaning,"
                    "PatientOrientationCodeSequence_CodeMeaning")
VIEW_MEANING = {"PA": "postero-anterior", "AP": "antero-posterior", "LATERAL": "lateral", "LL": "left lateral",
                "AP AXIAL": "antero-posterior", "PA LLD": "postero-anterior", "AP LLD": "antero-posterior",
                "LAO": "left anterior oblique", "RAO": "right anterior oblique", "SWIMMERS": "lateral",
                "XTABLE LATERAL": "lateral", "": ""}
RARE_VIEWS = ("AP AXIAL", "PA LLD", "AP LLD", "LAO", "RAO", "SWIMMERS", "XTABLE LATERAL")
SIZES = {"frontal": ((3056, 2544), (2544, 3056), (3050, 2539), (2539, 3050), (2022, 2022), (2705, 2539)),
         "lateral": ((3056, 2544), (2544, 3056), (3050, 2539))}
VERSION = 1
# Shifted dates, as the release's (2105 to 2212).
FIRST_DAY = datetime.date(2110, 1, 1)


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", nargs="?", default="/work/bench-data/mimic")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--gzip", action="store_true")
    return parser.parse_args()


def studies_per_patient(rng, patients, studies):
    """Heavy-tailed counts (P(k) proportional to k^-2.1 up to 180) adjusted to sum exactly to `studies`."""
    ks = range(1, 181)
    weights = [k ** -2.1 for k in ks]
    counts = rng.choices(ks, weights, k=patients)
    adjust(rng, counts, studies, minimum=1)
    return counts


def adjust(rng, counts, total, minimum):
    """Adds or removes one at random positions (never below `minimum`) until `counts` sums to `total`."""
    difference = total - sum(counts)
    while difference:
        i = rng.randrange(len(counts))
        if difference > 0:
            counts[i] += 1
            difference -= 1
        elif counts[i] > minimum:
            counts[i] -= 1
            difference += 1


def study_views(rng):
    """(procedure, views, orientation) of one study, before the image count is adjusted."""
    kind = rng.random()
    if kind < 0.52:
        frontal = "PA" if rng.random() < 0.72 else "AP"
        views = [frontal, "LATERAL" if rng.random() < 0.70 else "LL"]
        if rng.random() < 0.06:
            views.append(rng.choice(views))
        return "CHEST (PA AND LAT)", views, "Erect"
    if kind < 0.95:
        views = ["AP"] * (2 if rng.random() < 0.12 else 1)
        return "CHEST (PORTABLE AP)", views, rng.choice(("Erect", "Recumbent", ""))
    return "CHEST (SINGLE VIEW)", [rng.choice(("PA", "AP"))], "Erect"


def iu_reports(folder):
    reports = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".xml"):
            continue
        sections = {a.get("Label"): (a.text or "").strip() for a in ET.parse(os.path.join(folder, name)).getroot().iter("AbstractText")}
        if sections.get("IMPRESSION"):
            reports.append({k: re.sub(r"X{2,}", "___", v) for k, v in sections.items() if v})
    return reports


def report_text(procedure, report, technique):
    def block(label, text):
        wrapped = textwrap.wrap(text, 77) or [""]
        return f" {label}: \n \n" + "".join(f" {line}\n" for line in wrapped) + " \n"

    lines = [" " * 33 + "FINAL REPORT\n", f" EXAMINATION:  {procedure}\n", " \n",
             f" INDICATION:  {report.get('INDICATION', '___ with dyspnea')}\n", " \n",
             f" TECHNIQUE:  {technique}\n", " \n", f" COMPARISON:  {report.get('COMPARISON', 'None.')}\n", " \n"]
    if "FINDINGS" in report:
        lines.append(block("FINDINGS", report["FINDINGS"]))
    lines.append(block("IMPRESSION", report["IMPRESSION"]))
    return "".join(lines)


def label_cells(rng):
    values = {}
    for name, (positive, negative, uncertain) in PREVALENCE.items():
        draw = rng.random()
        values[name] = "1.0" if draw < positive else "0.0" if draw < positive + negative else \
            "-1.0" if draw < positive + negative + uncertain else ""
    values["No Finding"] = "" if any(v == "1.0" for v in values.values()) else "1.0"
    return values


def negbio_cells(rng, chexpert):
    """NegBio agrees with the CheXpert labeler on most cells; a few uncertain ones differ."""
    return {name: ("" if value == "-1.0" and rng.random() < 0.3 else value) for name, value in chexpert.items()}


def generate(out, scale, seed, gzipped):
    rng = random.Random(seed)
    counts = {k: max(1, round(v * scale)) for k, v in FULL.items()}
    shared = data_root()
    pool = sorted(os.path.join(shared, "covid-chestxray", "images", n) for n in os.listdir(os.path.join(shared, "covid-chestxray", "images")))
    reports = iu_reports(os.path.join(shared, "iu-xray", "ecgen-radiology"))

    subjects = sorted(rng.sample(range(10_000_000, 20_000_000), counts["patients"]))
    per_patient = studies_per_patient(rng, counts["patients"], counts["studies"])
    study_ids = rng.sample(range(50_000_000, 60_000_000), counts["studies"])
    studies = []  # (subject, study, procedure, views, orientation, date, time)
    next_study = iter(study_ids)
    for subject, n in zip(subjects, per_patient):
        day = rng.randrange(365 * 90)  # days after FIRST_DAY
        for _ in range(n):
            procedure, views, orientation = study_views(rng)
            studies.append([subject, next(next_study), procedure, views, orientation, day, rng.randrange(86400)])
            day += 1 + int(rng.expovariate(1 / 45))
    # Exact image total: add a repeat of a study's first view, or drop its last image.
    difference = counts["images"] - sum(len(s[3]) for s in studies)
    while difference:
        views = studies[rng.randrange(len(studies))][3]
        if difference > 0 and len(views) < 4:
            views.append(views[0])
            difference -= 1
        elif difference < 0 and len(views) > 1:
            views.pop()
            difference += 1
    for study in studies:
        study[3] = [("" if rng.random() < 0.042 else rng.choice(RARE_VIEWS) if rng.random() < 0.0001 else v) for v in study[3]]

    # Split by patient: test and validate patients drawn until their share of images is reached.
    images_of = {}
    for s in studies:
        images_of[s[0]] = images_of.get(s[0], 0) + len(s[3])
    order = subjects[:]
    rng.shuffle(order)
    split_of, position = {}, 0
    for name, share in SPLITS:
        taken = 0
        while taken < share * counts["images"] and position < len(order):
            split_of[order[position]] = name
            taken += images_of[order[position]]
            position += 1

    temporary = out.rstrip("/") + ".partial"
    shutil.rmtree(temporary, ignore_errors=True)
    os.makedirs(temporary)
    suffix = ".csv.gz" if gzipped else ".csv"
    opener = (lambda p: gzip.open(p, "wt", compresslevel=6, newline="")) if gzipped else (lambda p: open(p, "w", newline=""))
    table = lambda name: opener(os.path.join(temporary, f"mimic-cxr-2.0.0-{name}{suffix}"))
    unlabelled = set(rng.sample(range(len(studies)), round(UNLABELLED * len(studies))))
    with table("metadata") as metadata, table("split") as splits, table("chexpert") as chexpert, table("negbio") as negbio:
        metadata.write(METADATA_COLUMNS + "\n")
        splits.write("dicom_id,study_id,subject_id,split\n")
        label_header = "subject_id,study_id," + ",".join(LABELS) + "\n"
        chexpert.write(label_header)
        negbio.write(label_header)
        last_patient = None
        for index, (subject, study, procedure, views, orientation, day, seconds) in enumerate(studies):
            patient = f"p{subject}"
            folder = os.path.join("files", patient[:3], patient)
            if subject != last_patient:
                os.makedirs(os.path.join(temporary, "reports", folder))
                last_patient = subject
            study_folder = os.path.join(temporary, folder, f"s{study}")
            os.makedirs(study_folder)
            date = f"{FIRST_DAY + datetime.timedelta(days=day):%Y%m%d}"
            study_time = f"{seconds // 3600 * 10000 + seconds // 60 % 60 * 100 + seconds % 60}.{rng.randrange(1000):03d}"
            for view in views:
                dicom = "-".join(f"{rng.getrandbits(32):08x}" for _ in range(5))
                os.link(rng.choice(pool), os.path.join(study_folder, dicom + ".jpg"))
                rows, columns = rng.choice(SIZES["lateral" if view in ("LATERAL", "LL") else "frontal"])
                metadata.write(f"{dicom},{subject},{study},{procedure},{view},{rows},{columns},{date},{study_time},"
                               f"{procedure},{VIEW_MEANING[view]},{orientation}\n")
                splits.write(f"{dicom},{study},{subject},{split_of.get(subject, 'train')}\n")
            if index not in unlabelled:
                cells = label_cells(rng)
                chexpert.write(f"{subject},{study}," + ",".join(cells[n] for n in LABELS) + "\n")
                negbio_values = negbio_cells(rng, cells)
                negbio.write(f"{subject},{study}," + ",".join(negbio_values[n] for n in LABELS) + "\n")
            technique = "Chest PA and lateral" if procedure == "CHEST (PA AND LAT)" else "Single frontal view of the chest"
            with open(os.path.join(temporary, "reports", folder, f"s{study}.txt"), "w") as report:
                report.write(report_text(procedure, rng.choice(reports), technique))
    return counts, temporary


def main():
    args = arguments()
    out = os.path.abspath(args.out)
    stamp = os.path.join(out, "GENERATED.json")
    wanted = {"version": VERSION, "scale": args.scale, "seed": args.seed, "gzip": args.gzip}
    start = time.time()
    if os.path.exists(stamp) and {k: v for k, v in json.load(open(stamp)).items() if k in wanted} == wanted:
        print(f"{out} is up to date ({json.load(open(stamp))['counts']}); checked in {time.time() - start:.1f} s")
        return
    counts, temporary = generate(out, args.scale, args.seed, args.gzip)
    with open(os.path.join(temporary, "GENERATED.json"), "w") as f:
        json.dump({**wanted, "counts": counts, "seconds": round(time.time() - start, 1)}, f)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.rename(temporary, out)
    print(f"wrote {out}: {counts['images']:,} images, {counts['studies']:,} studies, {counts['patients']:,} patients "
          f"in {time.time() - start:.1f} s")


if __name__ == "__main__":
    main()
