"""A throwaway PostgreSQL cluster for the test run: initdb into a temp dir, pg_ctl on a free port.

Runs the server binaries as the ``postgres`` user via ``runuser`` when the tests run as root
(PostgreSQL refuses to run as root). Fails loudly when PostgreSQL cannot be started.
"""
import glob
import os
import shutil
import socket
import subprocess
import tempfile


class PostgresUnavailable(RuntimeError):
    pass


def _bin_dir():
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if candidates:
        return os.path.dirname(candidates[-1])
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(initdb)
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found; `make test` installs Debian's "
        "postgresql package — run it through make, or install postgresql."
    )


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayPostgres:
    def __init__(self):
        self.bin = _bin_dir()
        self.as_root = os.geteuid() == 0
        self.dir = tempfile.mkdtemp(prefix="birge-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = _free_port()
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args):
        command = [os.path.join(self.bin, args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise PostgresUnavailable(
                f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
            )
        return result

    def start(self):
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-locale")
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        try:
            self._run("pg_ctl", "-D", self.data, "-o", options, "-l",
                      os.path.join(self.dir, "server.log"), "-w", "-t", "60", "start")
        except PostgresUnavailable as error:
            log = os.path.join(self.dir, "server.log")
            details = open(log).read() if os.path.exists(log) else ""
            raise PostgresUnavailable(f"{error}\n{details}") from None
        return self

    def url(self, database="postgres"):
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name):
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)

    def stop(self):
        try:
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
