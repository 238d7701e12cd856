#!/usr/bin/python3
"""safetensors interoperability, in plain numpy (Debian has no safetensors package).

    /usr/bin/python3 tools/golden/safetensors_check.py write
        writes core/src/test/resources/golden/numpy.safetensors: tensors of known values
        (F32, F64 and I64, as PyTorch state dicts hold) in the exact format, which a JUnit
        test reads.
    /usr/bin/python3 tools/golden/safetensors_check.py read FILE
        parses a file Wengert wrote with the same rules and prints each tensor's name,
        dtype, shape and sum, exiting 1 on any violation of the format.
"""

import json
import struct
import sys

import numpy as np

OUT = "core/src/test/resources/golden/numpy.safetensors"
DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "I64": np.dtype("<i8"), "I32": np.dtype("<i4")}


def tensors():
    return {
        "conv.weight": np.arange(24, dtype="<f4").reshape(2, 1, 3, 4) / 8,
        "conv.bias": np.array([-1.5, 2.25], dtype="<f4"),
        "bn.running_var": np.linspace(0.5, 2.0, 4, dtype="<f8"),
        "bn.num_batches_tracked": np.array(12, dtype="<i8"),
    }


def write(path):
    header = {"__metadata__": {"format": "pt", "source": "tools/golden/safetensors_check.py"}}
    blobs = []
    offset = 0
    for name, array in tensors().items():
        code = next(k for k, v in DTYPES.items() if v == array.dtype)
        data = np.ascontiguousarray(array).tobytes()
        header[name] = {"dtype": code, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - (len(text) + 8) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    print("wrote", path)


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8:
        sys.exit("header length %d beyond the file" % n)
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    covered = 0
    for name, entry in sorted(((k, v) for k, v in header.items() if k != "__metadata__"),
                              key=lambda kv: kv[1]["data_offsets"][0]):
        begin, end = entry["data_offsets"]
        if begin != covered:
            sys.exit("tensor %s starts at %d, expected %d" % (name, begin, covered))
        dtype = DTYPES[entry["dtype"]]
        count = int(np.prod(entry["shape"], dtype=np.int64))
        if count * dtype.itemsize != end - begin:
            sys.exit("tensor %s: %d bytes for shape %s" % (name, end - begin, entry["shape"]))
        array = np.frombuffer(data[begin:end], dtype=dtype).reshape(entry["shape"])
        print("%s %s %s sum=%r" % (name, entry["dtype"], list(array.shape), float(array.sum())))
        covered = end
    if covered != len(data):
        sys.exit("%d bytes of data, tensors cover %d" % (len(data), covered))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "write":
        write(OUT)
    elif len(sys.argv) == 3 and sys.argv[1] == "read":
        read(sys.argv[2])
    else:
        sys.exit(__doc__)
