#!/usr/bin/env bash
# Builds Redwood's ODBC driver and registers it with unixODBC as "Redwood" (in odbcinst.ini:
# /etc by default, or the directory $ODBCSYSINI names), so that applications connect with
#   Driver=Redwood;Database=/path/to/db                                    (embedded)
#   Driver=Redwood;Server=host;Port=5439;Database=dev;UID=..;PWD=..        (a `redwood serve`)
#
#   odbc-driver/install.sh [--debug] [--dsn NAME [--database PATH | --server HOST [--port N]]]
#
# Threading=0: the driver is thread-safe (and SQLCancel must reach it while another thread executes).
# --dsn also adds a user data source (~/.odbc.ini, or $ODBCINI) with those settings.
# Needs cargo, unixODBC's odbcinst and its development files (Debian: unixodbc unixodbc-dev).
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
dsn=""
dsn_settings=()
while [ $# -gt 0 ]; do
  case "$1" in
    --debug) profile=debug ;;
    --dsn) dsn="$2"; shift ;;
    --database) dsn_settings+=("Database=$2"); shift ;;
    --server) dsn_settings+=("Server=$2"); shift ;;
    --port) dsn_settings+=("Port=$2"); shift ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$profile" = release ]; then cargo build --release -p redwood-odbc; else cargo build -p redwood-odbc; fi
library="$(cd "${CARGO_TARGET_DIR:-target}/$profile" && pwd)/libredwoododbc.so"

odbcinst -i -d -r <<INI
[Redwood]
Description=Redwood ODBC driver (Amazon Redshift-compatible)
Driver=$library
Threading=0
INI
echo "Registered the Redwood ODBC driver: $library"

if [ -n "$dsn" ]; then
  {
    echo "[$dsn]"
    echo "Driver=Redwood"
    for setting in "${dsn_settings[@]}"; do echo "$setting"; done
  } | odbcinst -i -s -h -r
  echo "Added the data source $dsn"
fi
