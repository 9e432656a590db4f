#!/usr/bin/env bash
# Installs the C API into a prefix: lib/libredwood.{so,a}, include/redwood.h and
# lib/pkgconfig/redwood.pc (then `cc app.c $(pkg-config --cflags --libs redwood)`).
# Usage: ffi/install.sh [PREFIX]   (default /usr/local; a release build, slow on 2 cores;
# REDWOOD_PROFILE=debug installs the debug build instead, as the tests do)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-/usr/local}"
profile="${REDWOOD_PROFILE:-release}"
case "$profile" in
  release) cargo build --release -p redwood-ffi ;;
  debug) cargo build -p redwood-ffi ;;
  *) echo "REDWOOD_PROFILE must be release or debug, not $profile" >&2; exit 2 ;;
esac
target_dir="${CARGO_TARGET_DIR:-target}/$profile"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
install -d "$prefix/lib/pkgconfig" "$prefix/include"
install -m 0755 "$target_dir/libredwood.so" "$prefix/lib/"
install -m 0644 "$target_dir/libredwood.a" "$prefix/lib/"
install -m 0644 include/redwood.h "$prefix/include/"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" ffi/redwood.pc.in > "$prefix/lib/pkgconfig/redwood.pc"
echo "installed Redwood $version's C API in $prefix"
