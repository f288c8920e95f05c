"""pandas reference for NumpyRandomState: the row order of df.sample(frac=1, random_state=seed).

Arguments: pairs "seed:rows". Prints a JSON list of the original row positions, in shuffled order, per pair.
"""
import json
import sys

import pandas as pd

orders = []
for case in sys.argv[1:]:
    seed, rows = (int(v) for v in case.split(":"))
    frame = pd.DataFrame({"position": range(rows)})
    orders.append(frame.sample(frac=1, random_state=seed)["position"].tolist())
print(json.dumps(orders))
