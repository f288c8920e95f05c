# Prints "name width height" for every file in a folder, as PIL reads it (the reference for header-read sizes).
import os
import sys

from PIL import Image

folder = sys.argv[1]
for name in sorted(os.listdir(folder)):
    with Image.open(os.path.join(folder, name)) as image:
        print(name, image.size[0], image.size[1])
