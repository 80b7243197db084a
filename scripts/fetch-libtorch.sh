#!/usr/bin/env bash
# Builds a CPU-only libtorch 2.4.0 directory from PyPI wheels, for `--features transformer`.
#
#   scripts/fetch-libtorch.sh DIR        (default DIR: .cache/libtorch)
#
# The PyPI `torch` wheel carries libtorch, but installing it pulls gigabytes of CUDA wheels.
# We download the torch wheel and the two small CUDA wheels that libtorch_cpu links against,
# keep only the headers and the CPU libraries, and replace libtorch.so (which wants
# libtorch_cuda.so) with an empty library that links libtorch_cpu. The result is ~530 MB.
# Build with `LIBTORCH=DIR LIBTORCH_CXX11_ABI=0` (the PyPI build uses the old C++ ABI).
#
# Idempotent: a DIR that already holds a complete build of this version is left as it is.
set -euo pipefail

VERSION=2.4.0
DIR=${1:-.cache/libtorch}
fail() { echo "fetch-libtorch: $*" >&2; exit 1; }

if [[ -f "$DIR/build-version" && "$(cat "$DIR/build-version")" == "$VERSION" \
      && -f "$DIR/lib/libtorch_cpu.so" && -f "$DIR/lib/libtorch.so" && -d "$DIR/include/torch" ]]; then
  echo "fetch-libtorch: $DIR already holds libtorch $VERSION"
  exit 0
fi

command -v python3 >/dev/null || fail "python3 with pip is needed to download the wheels"
command -v gcc >/dev/null || fail "gcc is needed to build the libtorch.so shim"
pyver=$(python3 -c 'import sys; print(f"{sys.version_info[0]}{sys.version_info[1]}")')

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetch-libtorch: downloading torch==$VERSION (CPU libraries only are kept) ..."
# The wheels are manylinux x86_64 builds; ask for them explicitly so that the interpreter's
# own version does not matter (the libraries inside are the same for every Python).
python3 -m pip download -q --no-deps --only-binary=:all: --platform manylinux1_x86_64 \
    --python-version "${TAHRID_TORCH_PYVER:-311}" -d "$work/dl" \
    "torch==$VERSION" nvidia-cuda-runtime-cu12==12.1.105 nvidia-cuda-cupti-cu12==12.1.105 \
  || fail "pip could not download the wheels (python $pyver; is PyPI reachable?)"

tmp="$DIR.partial"
rm -rf "$tmp"
mkdir -p "$tmp/lib" "$tmp/include"
python3 - "$work/dl" "$tmp" <<'EOF' || fail "could not unpack the wheels"
import fnmatch, os, shutil, sys, zipfile
dl, out = sys.argv[1], sys.argv[2]
keep_lib = ["torch/lib/libc10.so", "torch/lib/libtorch_cpu.so", "torch/lib/libgomp-*.so.1",
            "*/libcudart.so.12", "*/libcupti.so.12"]
found = set()
for name in sorted(os.listdir(dl)):
    with zipfile.ZipFile(os.path.join(dl, name)) as z:
        for info in z.infolist():
            n = info.filename
            if n.startswith("torch/include/") and not n.endswith("/"):
                dest = os.path.join(out, "include", n[len("torch/include/"):])
            elif any(fnmatch.fnmatch(n, p) for p in keep_lib):
                dest = os.path.join(out, "lib", os.path.basename(n))
                found.add(os.path.basename(n).split("-")[0].split(".so")[0])
            else:
                continue
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with z.open(info) as src, open(dest, "wb") as dst:
                shutil.copyfileobj(src, dst)
need = {"libc10", "libtorch_cpu", "libgomp", "libcudart", "libcupti"}
missing = need - found
if missing:
    sys.exit(f"missing from the wheels: {sorted(missing)}")
EOF

echo 'void tahrid_libtorch_shim(void) {}' > "$work/empty.c"
gcc -shared -fPIC "$work/empty.c" -Wl,--no-as-needed -L"$tmp/lib" -ltorch_cpu \
    -Wl,-rpath,'$ORIGIN' -o "$tmp/lib/libtorch.so" || fail "could not build the libtorch.so shim"
echo "$VERSION" > "$tmp/build-version"

rm -rf "$DIR"
mv "$tmp" "$DIR"
echo "fetch-libtorch: libtorch $VERSION (CPU) in $DIR ($(du -sh "$DIR" | cut -f1))"
