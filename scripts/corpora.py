"""The 4-class clips of the shared corpora, as the scripts here need them:
(path, speaker, gender, label) rows with emo-pipe's speaker names
(emodb-NN, ravdess-NN), read from the corpora's own file names as
emo-corpus reads them (see ../shared/README.md for the naming)."""
import os

# EmoDB: emotion letter at index 5 of the file name; speakers' genders
EMODB = {"W": "anger", "F": "happiness", "T": "sadness", "N": "neutral"}
EMODB_MALE = {"03", "10", "11", "12", "15"}
# RAVDESS: the third field of the file name; odd actors are male
RAVDESS = {"01": "neutral", "03": "happiness", "04": "sadness", "05": "anger"}


def emodb(shared):
    d = os.path.join(shared, "corpora", "emodb", "wav")
    rows = []
    for f in sorted(os.listdir(d)):
        if f.endswith(".wav") and len(f) > 5 and f[5] in EMODB:
            s = f[:2]
            rows.append((os.path.abspath(os.path.join(d, f)), f"emodb-{s}", "m" if s in EMODB_MALE else "f", EMODB[f[5]]))
    return rows


def ravdess(shared, actors=range(1, 13)):
    rows = []
    for a in actors:
        d = os.path.join(shared, "corpora", "ravdess", f"Actor_{a:02d}")
        for f in sorted(os.listdir(d)):
            p = f[:-4].split("-")
            if f.endswith(".wav") and len(p) == 7 and p[2] in RAVDESS:
                rows.append((os.path.abspath(os.path.join(d, f)), f"ravdess-{a:02d}", "m" if a % 2 else "f", RAVDESS[p[2]]))
    return rows


def write_manifest(path, rows):
    """A manifest emo-pipe reads: path,speaker,gender,label (its reader splits
    on every comma, so a field holding one is refused)."""
    for r in rows:
        if any("," in v for v in r):
            raise ValueError(f"{path}: a comma in {r!r} cannot be written to a manifest")
    with open(path, "w") as f:
        f.write("path,speaker,gender,label\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def ravdess_classify_uar(lines):
    """UAR in % and clip count of `emo-pipe classify --json` output (one JSON
    object per line) on RAVDESS clips, the truth read from the file names;
    lines without a label (failed clips, the summary) are skipped."""
    import json

    rec = {}
    for line in lines:
        v = json.loads(line)
        t = RAVDESS.get(os.path.basename(v["file"]).split("-")[2]) if "label" in v else None
        if t is None:
            continue
        r = rec.setdefault(t, [0, 0])
        r[0] += v["label"] == t
        r[1] += 1
    return 100 * sum(a / n for a, n in rec.values()) / max(1, len(rec)), sum(n for _, n in rec.values())
