"""torchvision / PIL / pydicom references for tests/CxrVL.Tests/Imaging (ImageParityTests).

usage: transforms_reference.py IMAGE LARGE_IMAGE DICOM OUTDIR
Writes float32 (little-endian, C order) arrays to OUTDIR, one file per pipeline:
  decoded.f32       PIL decode, convert('L'), raw 0..255                        (H, W)
  prior_eval.f32    convert('L'), Resize((224, 224)) bilinear (PIL, antialiased), ToTensor, Normalize(0.4755, 0.3011)
  imagenet_eval.f32 convert('RGB'), Resize(256), CenterCrop(224), ToTensor, Normalize(ImageNet)   (3, 224, 224)
  crop_flip.f32     convert('L'), CenterCrop(200), hflip, ToTensor, Normalize(0.5, 0.25)           (1, 200, 200)
  resize_pil.f32    convert('L'), Resize((300, 300)) bilinear (PIL), ToTensor                        (1, 300, 300)
  resize_bicubic.f32 convert('L'), Resize((300, 300)) bicubic (PIL), ToTensor                        (1, 300, 300)
  resize_torch.f32  convert('L'), ToTensor, interpolate bilinear antialias=True to 300x300 (float)   (1, 300, 300)
  large_eval.f32    LARGE_IMAGE: convert('RGB'), Resize(256), CenterCrop(224), ToTensor, Normalize(ImageNet) (3, 224, 224)
  dicom.f32         pydicom pixel_array of the DICOM file, raw values                              (H, W)
and prints the shapes as JSON.
"""
import json
import os
import sys

import numpy as np
import pydicom
import torch
import torch.nn.functional as F
import torchvision.transforms as T
import torchvision.transforms.functional as TF
from PIL import Image


def save(outdir, name, array):
    array = np.ascontiguousarray(np.asarray(array, dtype=np.float32))
    array.tofile(os.path.join(outdir, name + ".f32"))
    return list(array.shape)


def main():
    image_path, large_path, dicom_path, outdir = sys.argv[1:5]
    shapes = {}
    with Image.open(image_path) as image:
        gray = image.convert("L")
        rgb = image.convert("RGB")
    shapes["decoded"] = save(outdir, "decoded", np.asarray(gray))
    prior = T.Compose([T.Resize((224, 224)), T.ToTensor(), T.Normalize([0.4755], [0.3011])])
    shapes["prior_eval"] = save(outdir, "prior_eval", prior(gray).numpy())
    imagenet = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(),
                          T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    shapes["imagenet_eval"] = save(outdir, "imagenet_eval", imagenet(rgb).numpy())
    with Image.open(large_path) as large:
        shapes["large_eval"] = save(outdir, "large_eval", imagenet(large.convert("RGB")).numpy())
    crop_flip = T.Compose([T.CenterCrop(200), T.RandomHorizontalFlip(p=1.0), T.ToTensor(), T.Normalize([0.5], [0.25])])
    shapes["crop_flip"] = save(outdir, "crop_flip", crop_flip(gray).numpy())
    shapes["resize_pil"] = save(outdir, "resize_pil", T.Compose([T.Resize((300, 300)), T.ToTensor()])(gray).numpy())
    bicubic = T.Compose([T.Resize((300, 300), interpolation=T.InterpolationMode.BICUBIC), T.ToTensor()])
    shapes["resize_bicubic"] = save(outdir, "resize_bicubic", bicubic(gray).numpy())
    resized = F.interpolate(TF.to_tensor(gray)[None], size=(300, 300), mode="bilinear", align_corners=False, antialias=True)[0]
    shapes["resize_torch"] = save(outdir, "resize_torch", resized.numpy())
    shapes["dicom"] = save(outdir, "dicom", pydicom.dcmread(dicom_path).pixel_array)
    print(json.dumps(shapes))


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
