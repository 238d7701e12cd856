#!/usr/bin/python3
"""Makes the Fashion-MNIST subset embedded in the examples jar, reproducibly.

    apt-get install dataset-fashion-mnist
    /usr/bin/python3 tools/make_embedded_subset.py

reads /usr/share/datasets/fashion-mnist and writes a stratified subset (the first 600
images of each class from the training set, the first 100 of each class from the test
set, in file order) as gzipped IDX files under
examples/src/main/resources/dev/wengert/examples/data/fashion-mnist-subset/. The gzip
headers carry no time stamp or name, so running it twice gives identical bytes.
"""

import gzip
import os
import struct
import sys

SOURCE = "/usr/share/datasets/fashion-mnist"
TARGET = "examples/src/main/resources/dev/wengert/examples/data/fashion-mnist-subset"
PER_CLASS = {"train": 600, "t10k": 100}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return shape, data[4 + 4 * dims:]


def write_idx(path, magic, shape, payload):
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * len(shape), *shape)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(header + payload)


def main():
    if not os.path.isdir(SOURCE):
        sys.exit("missing %s: apt-get install dataset-fashion-mnist" % SOURCE)
    os.makedirs(TARGET, exist_ok=True)
    for split, per_class in PER_CLASS.items():
        (count, rows, cols), images = read_idx(os.path.join(SOURCE, split + "-images-idx3-ubyte.gz"))
        (label_count,), labels = read_idx(os.path.join(SOURCE, split + "-labels-idx1-ubyte.gz"))
        assert count == label_count
        taken = {c: 0 for c in range(10)}
        chosen = []
        for i in range(count):
            c = labels[i]
            if taken[c] < per_class:
                taken[c] += 1
                chosen.append(i)
        size = rows * cols
        out_images = b"".join(images[i * size:(i + 1) * size] for i in chosen)
        out_labels = bytes(labels[i] for i in chosen)
        write_idx(os.path.join(TARGET, split + "-images-idx3-ubyte.gz"), 0x00000803, (len(chosen), rows, cols), out_images)
        write_idx(os.path.join(TARGET, split + "-labels-idx1-ubyte.gz"), 0x00000801, (len(chosen),), out_labels)
        print("%s: %d images (%d per class)" % (split, len(chosen), per_class))


if __name__ == "__main__":
    main()
