#!/usr/bin/env bash
# Builds the JNI library (the redwood-jdbc crate) with cargo and copies it where the jar takes it from.
#   build-native.sh PROFILE OUTDIR     PROFILE: release or dev
# Maven runs it (generate-resources); -Dexec.skip=true skips it (the tests then need -Dredwood.library.path).
set -euo pipefail
profile="$1"
out="$2"
cd "$(dirname "$0")/.."
case "$profile" in
  release) cargo build --release -p redwood-jdbc; dir=release ;;
  dev) cargo build -p redwood-jdbc; dir=debug ;;
  *) echo "build-native.sh: profile must be release or dev, not $profile" >&2; exit 2 ;;
esac
mkdir -p "$out"
cp "${CARGO_TARGET_DIR:-target}/$dir/libredwood_jdbc.so" "$out/"
