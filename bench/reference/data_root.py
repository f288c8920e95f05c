"""Finds the shared data the way CxrVL.Runtime.DataRoots does: CXRVL_DATA_ROOT, else shared/data above this folder."""
import os


def data_root():
    configured = os.environ.get("CXRVL_DATA_ROOT")
    if configured:
        return os.path.abspath(configured)
    folder = os.path.abspath(os.path.dirname(__file__))
    while True:
        candidate = os.path.join(folder, "shared", "data")
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            raise SystemExit("no data root: set CXRVL_DATA_ROOT or place the data at shared/data beside the repository")
        folder = parent


def covid_images():
    return os.path.join(data_root(), "covid-chestxray", "images")
