"""The C API (include/redwood.h, libredwood) from a C program compiled with `cc -Wall -Werror`:
embedded in memory, embedded in a directory, and against a `redwood serve`; the in-memory run
again under valgrind with no memory errors and no definite leaks."""

import os
import shutil
import subprocess

import pytest
from redwood_server import redwood_binary

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


@pytest.fixture(scope="module")
def client_test(tmp_path_factory):
    """tests/c/client_test.c built against the header and the shared library next to the binary."""
    if shutil.which("cc") is None:
        pytest.skip("no C compiler")
    lib_dir = os.path.dirname(os.path.abspath(redwood_binary()))
    if not os.path.exists(os.path.join(lib_dir, "libredwood.so")):
        pytest.fail(f"libredwood.so is not in {lib_dir}: build it with `cargo build -p redwood-ffi`")
    exe = str(tmp_path_factory.mktemp("c") / "client_test")
    subprocess.run(["cc", "-Wall", "-Werror", "-std=c11", "-D_DEFAULT_SOURCE", "-I", os.path.join(ROOT, "include"),
                    os.path.join(ROOT, "tests", "c", "client_test.c"), "-L", lib_dir, "-lredwood", "-lpthread",
                    f"-Wl,-rpath,{lib_dir}", "-o", exe], check=True)
    return exe


def run(command, timeout=300):
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stdout + result.stderr
    return result


def test_embedded_in_memory(client_test):
    run([client_test, ":memory:"])


def test_embedded_in_a_directory(client_test, tmp_path):
    run([client_test, str(tmp_path / "db")])


def test_remote(client_test, server):
    run([client_test, f"redwood://{server.user}:{server.password}@{server.host}:{server.port}/dev"])


def test_no_memory_errors_or_leaks_under_valgrind(client_test):
    if shutil.which("valgrind") is None:
        pytest.skip("valgrind is not installed")
    run(["valgrind", "--quiet", "--error-exitcode=9", "--leak-check=full", "--errors-for-leak-kinds=definite",
         "--show-leak-kinds=definite", client_test, ":memory:"], timeout=900)


def readme_example(tmp_path):
    readme = open(os.path.join(ROOT, "README.md")).read()
    source = tmp_path / "example.c"
    source.write_text(readme.split("```c\n", 1)[1].split("```", 1)[0])
    return str(source)


def run_example(exe):
    result = subprocess.run([exe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "42" in result.stdout


def test_the_readme_example_compiles_and_runs(tmp_path):
    """The C example in the README, as written, built as the README says."""
    lib_dir = os.path.dirname(os.path.abspath(redwood_binary()))
    exe = str(tmp_path / "example")
    subprocess.run(["cc", "-Wall", "-Werror", "-I", os.path.join(ROOT, "include"), readme_example(tmp_path), "-L", lib_dir,
                    "-lredwood", f"-Wl,-rpath,{lib_dir}", "-o", exe], check=True)
    run_example(exe)


def test_install_script_puts_a_usable_library_in_a_prefix(tmp_path):
    """ffi/install.sh PREFIX (the debug build here), then a program built with pkg-config."""
    prefix = tmp_path / "prefix"
    target_dir = os.path.dirname(os.path.dirname(os.path.abspath(redwood_binary())))
    env = dict(os.environ, REDWOOD_PROFILE="debug", CARGO_TARGET_DIR=target_dir)
    subprocess.run(["bash", os.path.join(ROOT, "ffi", "install.sh"), str(prefix)], check=True, env=env, timeout=1800)
    for installed in ["lib/libredwood.so", "lib/libredwood.a", "include/redwood.h", "lib/pkgconfig/redwood.pc"]:
        assert (prefix / installed).exists(), installed
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "redwood"], check=True, capture_output=True, text=True,
                           env=dict(os.environ, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))).stdout.split()
    exe = str(tmp_path / "example")
    subprocess.run(["cc", "-Wall", "-Werror", readme_example(tmp_path), *flags, f"-Wl,-rpath,{prefix / 'lib'}", "-o", exe],
                   check=True)
    run_example(exe)


@pytest.fixture(scope="module")
def privilege_runner(tmp_path_factory):
    """tests/c/privilege_runner.c, built as client_test is."""
    if shutil.which("cc") is None:
        pytest.skip("no C compiler")
    lib_dir = os.path.dirname(os.path.abspath(redwood_binary()))
    exe = str(tmp_path_factory.mktemp("c") / "privilege_runner")
    subprocess.run(["cc", "-Wall", "-Werror", "-std=c11", "-I", os.path.join(ROOT, "include"),
                    os.path.join(ROOT, "tests", "c", "privilege_runner.c"), "-L", lib_dir, "-lredwood",
                    f"-Wl,-rpath,{lib_dir}", "-o", exe], check=True)
    return exe


@pytest.mark.parametrize("where", ["embedded", "remote"])
def test_privilege_matrix(privilege_runner, where, tmp_path, request):
    """tests/clients/privilege_matrix.txt through the C API: remote, each user logs in; embedded,
    the session switches users."""
    from privilege_matrix import PASSWORD, STATEMENTS, USERS, check_matrix, setup_statements
    if where == "remote":
        server = request.getfixturevalue("server")
        target, mode = f"redwood://{server.host}:{server.port}/dev", "login"
        admin = f"redwood://{server.user}:{server.password}@{server.host}:{server.port}/dev"
    else:
        target = admin = str(tmp_path / "db")
        mode = "switch"
    cases = [(user, sql) for user in USERS for sql in STATEMENTS.values()]
    # Set-up runs once per database (the server is shared with the other clients' matrices).
    setup = subprocess.run([privilege_runner, admin, "switch", PASSWORD], capture_output=True, text=True,
                           input="".join(f"-\t{sql}\n" for sql in setup_statements()), timeout=120)
    assert setup.returncode == 0, setup.stderr
    assert set(setup.stdout.split()) <= {"ok", "42710"}, setup.stdout
    runner_target = target if mode == "login" else admin
    result = subprocess.run([privilege_runner, runner_target, mode, PASSWORD], capture_output=True, text=True,
                            input="".join(f"{user}\t{sql}\n" for user, sql in cases), timeout=300)
    assert result.returncode == 0, result.stderr
    outcomes = dict(zip(cases, result.stdout.split()))
    check_matrix(lambda user, sql: None if outcomes[(user, sql)] == "ok" else outcomes[(user, sql)])
