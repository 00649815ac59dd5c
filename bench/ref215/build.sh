#!/usr/bin/env bash
# Builds liburing 2.15 (the second C reference) into $1 from the sources vendored in the
# crates.io crate `axboe-liburing` 2.15.0. The crate is downloaded by cargo (its ordinary
# client, `cargo fetch` on ref215/Cargo.toml); nothing else touches the network. Only the
# shared library and the header are needed: the benchmarks link src/liburing.so.2.15 and
# include src/include/liburing.h (io_uring_version.h and compat.h come from configure).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="$1"
(cd "$here" && cargo fetch --quiet)
src="$(cd "$here" && cargo metadata --format-version 1 --quiet |
       python3 -c 'import json,sys,os; m=json.load(sys.stdin); print(next(os.path.dirname(p["manifest_path"]) for p in m["packages"] if p["name"]=="axboe-liburing"))')"
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
cp -r "$src" "$dest"
chmod -R u+w "$dest"
cd "$dest"
./configure >/dev/null 2>&1 || { tail -20 config.log; exit 1; }
make -s -C src liburing.so.2.15 >/dev/null
ln -sf liburing.so.2.15 src/liburing.so.2
echo "liburing 2.15 built in $dest from $src"
