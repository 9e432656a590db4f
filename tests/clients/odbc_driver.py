"""Shared helpers of the tests of Redwood's own ODBC driver (libredwoododbc.so, crate odbc-driver):
where the driver is, unixODBC configuration files registering it (odbcinst.ini) and data sources
for it (odbc.ini), and connection strings for an embedded database or a `redwood serve`.

The driver is $REDWOOD_ODBC_DRIVER, else libredwoododbc.so next to the redwood binary the other
client tests use ($REDWOOD_BIN, else $CARGO_TARGET_DIR/debug, else target/debug of the repository).

unixODBC reads $ODBCSYSINI (the directory of odbcinst.ini and the system odbc.ini) once per
process, at the first lookup, and keeps it: `use_private_ini()` points it at a directory of this
test session before anything in the process looks at it (it runs when this module is imported,
that is while pytest collects the tests, before any test connects). Data sources are added to that
odbc.ini under names never used before, since unixODBC caches lookups for 20 seconds.
"""

import atexit
import itertools
import os
import shutil
import tempfile
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DRIVER_NAME = "Redwood"
_names = itertools.count(1)


def unique(prefix):
    """A table name no other test (or other run against the shared server) uses."""
    return f"rwodbc_{prefix}_{os.getpid()}_{next(_names)}"


def target_dir():
    """The directory of the build the client tests use (as redwood_server.redwood_binary finds it)."""
    binary = os.environ.get("REDWOOD_BIN")
    if binary:
        return os.path.dirname(os.path.abspath(binary))
    return os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "debug")


def driver_path():
    """libredwoododbc.so, or None when it is not built."""
    explicit = os.environ.get("REDWOOD_ODBC_DRIVER")
    if explicit:
        return os.path.abspath(explicit) if os.path.exists(explicit) else None
    path = os.path.join(target_dir(), "libredwoododbc.so")
    return path if os.path.exists(path) else None


# ----------------------------------------------------------------------- configuration files


def ini_text(sections):
    """An .ini file: {section: {key: value}}."""
    lines = []
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines.extend(f"{k}={v}" for k, v in values.items())
        lines.append("")
    return "\n".join(lines)


def odbcinst_sections(driver):
    # Threading=0: no serialisation by the driver manager (SQLCancel from another thread must reach
    # the driver while the statement runs), as odbc-driver/install.sh registers it.
    return {DRIVER_NAME: {"Description": "Redwood ODBC driver (tests)", "Driver": driver, "Threading": "0"}}


def write_ini_files(directory, driver, dsns=None):
    """odbcinst.ini registering [Redwood] and odbc.ini with `dsns` ({name: attributes}, each
    using the Redwood driver) in `directory`; returns the environment variables that make unixODBC
    (in a new process) read them."""
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "odbcinst.ini"), "w") as f:
        f.write(ini_text(odbcinst_sections(driver)))
    with open(os.path.join(directory, "odbc.ini"), "w") as f:
        f.write(ini_text({name: {"Driver": DRIVER_NAME, **attrs} for name, attrs in (dsns or {}).items()}))
    return {"ODBCSYSINI": str(directory), "ODBCINI": os.path.join(str(directory), "odbc.ini")}


_private = {}
_dsn_numbers = itertools.count(1)


def use_private_ini(driver):
    """Points this process's unixODBC at odbcinst.ini/odbc.ini files of this test session (once)."""
    if "dir" not in _private:
        directory = tempfile.mkdtemp(prefix="redwood-odbc-ini-")
        atexit.register(shutil.rmtree, directory, True)
        os.environ.update(write_ini_files(directory, driver))
        _private["dir"] = directory
    return _private["dir"]


def add_dsn(attrs, prefix="redwood_dsn"):
    """Adds a data source with `attrs` to this process's odbc.ini; returns its (new) name."""
    directory = _private["dir"]
    name = f"{prefix}_{next(_dsn_numbers)}"
    with open(os.path.join(directory, "odbc.ini"), "a") as f:
        f.write(ini_text({name: {"Driver": DRIVER_NAME, **attrs}}))
    return name


# ------------------------------------------------------------------------ connection strings


def connection_string(attrs, driver):
    """`Driver=…;Key=value;…`, braces around values that need them."""
    def quote(value):
        value = str(value)
        return "{" + value.replace("}", "}}") + "}" if any(c in value for c in ";{}") or value != value.strip() else value
    # The driver goes in as given (a path, a registered name, or a name already in braces).
    return ";".join([f"Driver={driver}"] + [f"{k}={quote(v)}" for k, v in attrs.items()])


def embedded_attrs(database):
    """An embedded database: a directory, or ":memory:"."""
    return {"Database": str(database)}


def remote_attrs(server, **overrides):
    """A `redwood serve` (the `server` fixture of conftest.py, or a redwood_server.Server)."""
    attrs = {"Server": server.host, "Port": server.port, "Database": server.dbname, "UID": server.user,
             "PWD": server.password, "SSLMode": "disable"}
    attrs.update(overrides)
    return attrs


@dataclass
class Target:
    """Where a test connects: `kind` is "memory", "directory" or "remote"."""
    kind: str
    attrs: dict
    server: object = None

    @property
    def remote(self):
        return self.kind == "remote"

    @property
    def shares_data(self):
        """Whether two connections see one database (not so for :memory:, a new one each time)."""
        return self.kind != "memory"

    def conn_str(self, driver=None, **overrides):
        attrs = dict(self.attrs)
        attrs.update(overrides)
        return connection_string(attrs, driver or driver_path())
