"""Benchmark of the two deployments side by side: SQLite + the embedded search engine, and
PostgreSQL + Elasticsearch (osmem-server, or a real cluster when ELASTICSEARCH_URL is set).

Not a test: it builds the same data on both, serves each in turn with gunicorn and loads it with
wrk, and prints a side-by-side table with the ratio PostgreSQL+Elasticsearch / embedded for each
page, and the verdict of issue 15's target: a project page on PostgreSQL + Elasticsearch reaches at
least 60% of the embedded deployment's requests/s in the same run. Run from the project root:

    .venv/bin/python bench/deployment.py                          # demo data, 10 s per wrk run
    .venv/bin/python bench/deployment.py --duration 15 --results bench/RESULTS.md
    ELASTICSEARCH_URL=http://127.0.0.1:9200 .venv/bin/python bench/deployment.py   # a real cluster

Steps:

1. build    A throwaway PostgreSQL cluster (tests/pgcluster.py: initdb from /usr/lib/postgresql/*/bin
            into a temporary directory, fsync off) and osmem-server (as the tests start it), unless
            ELASTICSEARCH_URL names a cluster (then the indices get a prefix of their own, so the
            cluster's other indices are left alone). On each deployment: migrations, reference data
            and `flask demo`'s data (load_demo_data); on PostgreSQL the worker drains the outbox so
            the Elasticsearch index holds every document. Both indices are checked to hold every
            public project.
2. pages    In this process, through Flask's test client, each kind of page on each deployment:
            mean time per request, SQL statements and search-engine requests per request.
3. HTTP     Both deployments under gunicorn at once, each with the project's gunicorn.conf.py (2 sync
            workers, as bin/serve-production runs it) on loopback; an idle one costs nothing. For
            each page, wrk -t2 -c32 runs against one, the other, the other again and the first
            again (half of --duration each: A B B A), so a change in the machine's other load
            during the run weighs on both alike; requests/s is the pages' total over the time.
            Pages: /healthz, the home page, the project pages (cycled over every public project)
            and varied search URLs (500 distinct ones, cycled). The CPU time of gunicorn's
            processes, PostgreSQL's and the search engine's during the runs is read from /proc
            (workers gunicorn replaced meanwhile, after max_requests, are not counted).

--results FILE writes the section "Deployments side by side" into FILE (replacing the one an
earlier run wrote, keeping the rest of the file); by default the table is only printed.

Figures of one run only are comparable; wrk, gunicorn, PostgreSQL and osmem all share the machine's
CPUs, so on a 2-CPU box the PostgreSQL side pays for two more servers than the embedded one. The
script waits (up to 15 minutes, --no-wait-quiet skips it) for other processes to leave the CPUs
alone before the HTTP runs, and reports the CPU time they used meanwhile.
"""
import argparse
import contextlib
import importlib.util
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_PROJECT_RATIO = 0.60
PAGES = ("healthz", "home", "project", "search")
LABELS = {"healthz": "/healthz", "home": "home page", "project": "a project page (cycled)",
          "search": "varied searches (500 URLs cycled)"}
SECTION_START = "<!-- bench/deployment.py: start -->"
SECTION_END = "<!-- bench/deployment.py: end -->"


def _load_search_bench():
    """bench/search.py's helpers (wrk output, free ports, the search URLs, the load watch)."""
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sb = _load_search_bench()


# ----------------------------------------------------------------------------------- processes


def _cpu_seconds(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _tree(pid):
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo += sb._children(current)
    return pids


class CpuWatch:
    """CPU seconds a set of process trees (PostgreSQL's postmaster, osmem) used between two samples;
    processes born meanwhile count from zero, processes gone meanwhile are lost (few: pools keep them)."""

    def __init__(self, roots):
        self.roots = {name: pid for name, pid in roots.items() if pid}
        self.started = self._sample()

    def _sample(self):
        return {name: {p: _cpu_seconds(p) for p in _tree(pid)} for name, pid in self.roots.items()}

    def stop(self):
        now = self._sample()
        return {name: sum(cpu - self.started[name].get(p, 0.0) for p, cpu in procs.items())
                for name, procs in now.items()}


class Servers:
    """PostgreSQL and the search engine for the run; stopped when the run ends."""

    def __init__(self, scratch):
        from tests.pgcluster import ThrowawayPostgres

        self.pg = ThrowawayPostgres().start()
        self.pg_url = self.pg.create_database("birge")
        self.osmem = None
        if os.environ.get("ELASTICSEARCH_URL"):
            self.es_url = os.environ["ELASTICSEARCH_URL"]
            self.prefix = f"birge-bench-{secrets.token_hex(3)}"
            self.engine_name = f"Elasticsearch at {self.es_url}"
        else:
            from osmem_server import OsmemServer

            self.osmem = OsmemServer.start()
            self.es_url, self.prefix, self.engine_name = self.osmem.url, "birge", "osmem-server"
        self.sqlite_path = scratch / "birge.db"

    def postmaster_pid(self):
        return int(Path(self.pg.data, "postmaster.pid").read_text().split()[0])

    def roots(self):
        return {"postgresql": self.postmaster_pid(), "search engine": self.osmem.pid if self.osmem else None}

    def stop(self):
        if self.osmem:
            self.osmem.close()
        self.pg.stop()


# ----------------------------------------------------------------------------------- deployments


class Deployment:
    def __init__(self, key, title, env):
        self.key, self.title, self.env = key, title, env

    def app(self):
        from app import create_app

        overrides = {"SQLALCHEMY_DATABASE_URI": self.env["DATABASE_URL"], "SEARCH_BACKEND": self.env["SEARCH_BACKEND"]}
        if "ELASTICSEARCH_URL" in self.env:
            overrides.update(ELASTICSEARCH_URL=self.env["ELASTICSEARCH_URL"],
                             SEARCH_INDEX_PREFIX=self.env["SEARCH_INDEX_PREFIX"])
        app = create_app(overrides=overrides)
        logging.getLogger().setLevel(logging.ERROR)  # the demo's mail is printed to the log
        return app


def deployments(servers, scratch):
    common = {"SECRET_KEY": secrets.token_hex(32), "BIRGE_INSTANCE_DIR": str(scratch),
              "UPLOAD_DIR": str(scratch / "uploads"), "PYTHONDONTWRITEBYTECODE": "1"}
    return [
        Deployment("embedded", "SQLite + embedded search",
                   {**common, "DATABASE_URL": f"sqlite:///{servers.sqlite_path}", "SEARCH_BACKEND": "sqlite"}),
        Deployment("pg_es", f"PostgreSQL + {servers.engine_name}",
                   {**common, "DATABASE_URL": servers.pg_url, "SEARCH_BACKEND": "elasticsearch",
                    "ELASTICSEARCH_URL": servers.es_url, "SEARCH_INDEX_PREFIX": servers.prefix}),
    ]


def build(deployment):
    """Migrations, reference data and the demo data; the outbox drained into the search engine."""
    from flask_migrate import upgrade

    from app import worker
    from app.extensions import db
    from app.models import PUBLIC_STATUSES, Project
    from app.search import backend
    from app.search.query import SearchQuery
    from app.services.demo import load_demo_data
    from app.services.reference import seed_reference_data

    app = deployment.app()
    with app.app_context():
        upgrade()
        seed_reference_data()
        db.session.commit()
        with contextlib.redirect_stdout(sys.stderr):
            load_demo_data()
        db.session.commit()
        if deployment.env["SEARCH_BACKEND"] == "elasticsearch":
            worker.drain()
        ids = db.session.scalars(db.select(Project.id).where(Project.status.in_(PUBLIC_STATUSES))
                                 .order_by(Project.id)).all()
        indexed = backend().search(SearchQuery()).total
        paths = sb.tail_paths(app, n=500, seed=15)
        db.session.remove()
        db.engine.dispose()
    return {"project_ids": ids, "indexed": indexed, "search_paths": paths}


# ----------------------------------------------------------------------------------- in process


def page_paths(data):
    return {"healthz": ["/healthz"], "home": ["/"], "project": [f"/projects/{i}" for i in data["project_ids"]],
            "search": data["search_paths"]}


def in_process(deployment, paths, rounds=5):
    """Each kind of page through the test client: ms, SQL statements and engine requests per request."""
    import elastic_transport
    from sqlalchemy import event

    from app.extensions import db

    app = deployment.app()
    with app.app_context():
        engine = db.engine
    counts = {"sql": 0, "engine": 0}

    def statement(*args, **kwargs):
        counts["sql"] += 1

    real = elastic_transport.Transport.perform_request

    def engine_request(self, *args, **kwargs):
        counts["engine"] += 1
        return real(self, *args, **kwargs)

    event.listen(engine, "before_cursor_execute", statement)
    elastic_transport.Transport.perform_request = engine_request
    client = app.test_client()
    result = {}
    try:
        for page, urls in paths.items():
            urls = urls[:60]
            failures = [u for u in urls if client.get(u).status_code != 200]  # warm-up: templates, caches
            counts.update(sql=0, engine=0)
            started = time.perf_counter()
            n = 0
            for _ in range(rounds if len(urls) < 20 else 1):
                for url in urls:
                    client.get(url)
                    n += 1
            result[page] = {"ms": (time.perf_counter() - started) / n * 1000, "sql": counts["sql"] / n,
                            "engine": counts["engine"] / n, "failures": len(failures)}
    finally:
        elastic_transport.Transport.perform_request = real
        event.remove(engine, "before_cursor_execute", statement)
        with app.app_context():
            db.engine.dispose()
    return result


# ----------------------------------------------------------------------------------- HTTP


class Served:
    """One deployment under gunicorn (the project's gunicorn.conf.py: 2 sync workers) on loopback."""

    def __init__(self, deployment, servers):
        self.deployment, self.servers = deployment, servers
        port = sb.free_port()
        self.base = f"http://127.0.0.1:{port}"
        env = {**os.environ, **deployment.env, "BIRGE_CONFIG": "production", "PUBLIC_URL": self.base,
               "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"}
        self.log_path = Path(tempfile.gettempdir()) / f"birge-deployment-{deployment.key}.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "app:create_app()"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.result = {"notes": []}
        for _ in range(150):
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
                time.sleep(0.2)

    def warm(self, urls):
        for url in (urls * 20)[:max(20, min(len(urls), 60))]:  # both workers: templates, caches
            urllib.request.urlopen(self.base + url, timeout=30).read()

    def load(self, page, command, path):
        """One wrk run; its figures are added to the page's (requests and seconds summed)."""
        watch = CpuWatch(self.servers.roots())
        workers = CpuWatch({"gunicorn": self.process.pid})
        started = time.monotonic()
        run = subprocess.run(command + [self.base + path], capture_output=True, text=True)
        seconds = time.monotonic() - started
        w = sb.parse_wrk(run.stdout)
        cpu = {**watch.stop(), **workers.stop()}
        total = self.result.setdefault(page, {"requests": 0, "seconds": 0.0, "non_2xx": 0, "socket_errors": 0,
                                              "p50": [], "p99": [], "cpu": {}, "raw": []})
        total["requests"] += w["requests"]
        total["seconds"] += w["requests"] / w["rps"] if w["rps"] else seconds
        total["rps"] = total["requests"] / total["seconds"] if total["seconds"] else 0.0
        total["non_2xx"] += w["non_2xx"]
        total["socket_errors"] += w["socket_errors"]
        total["p50"].append(w["latency_p50_ms"] or 0.0)
        total["p99"].append(w["latency_p99_ms"] or 0.0)
        for name, value in cpu.items():
            total["cpu"][name] = total["cpu"].get(name, 0.0) + value
        total["raw"].append(run.stdout)

    def stop(self):
        self.result["worker_peak_rss_mb"] = [round(m) for m in map(sb._vm_hwm_mb, sb._children(self.process.pid)) if m]
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        text = self.log_path.read_text()
        if "Traceback" in text or "WORKER TIMEOUT" in text:
            self.result["notes"].append(f"errors in the gunicorn log ({self.log_path})")
        self.result["worker_restarts"] = text.count("Booting worker") - 2
        for page in PAGES:
            w = self.result.get(page)
            if w and (w["non_2xx"] or w["socket_errors"]):
                self.result["notes"].append(f"{page}: {w['non_2xx']} non-2xx, {w['socket_errors']} socket errors")
        return self.result


def serve_both(targets, servers, paths, duration, connections, threads):
    """Both deployments up at once (an idle one costs nothing), and for each page the wrk runs in the
    order A B B A, half the duration each, so a change of the machine's other load during the run
    weighs on both sides alike."""
    wrk = shutil.which("wrk")
    if not (Path(sys.executable).parent / "gunicorn").exists() or not wrk:
        skipped = {"skipped": f"needs {'wrk (apt-get install -y wrk)' if not wrk else 'gunicorn'}"}
        return [dict(skipped) for _ in targets]
    served, scripts = [], []
    try:
        for deployment in targets:
            served.append(Served(deployment, servers))
        for page in PAGES:
            urls = paths[page]
            for s in served:
                s.warm(urls)
            base_command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, duration // 2)}s", "--latency",
                            "--timeout", "10s"]
            if len(urls) > 1:
                script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
                script.write(sb.WRK_CYCLE % ", ".join(f'"{u}"' for u in urls))
                script.close()
                scripts.append(script.name)
                base_command += ["-s", script.name]
            for s in served + served[::-1]:
                s.load(page, base_command, urls[0])
    finally:
        results = [s.stop() for s in served]
        for name in scripts:
            Path(name).unlink(missing_ok=True)
    return results


# ----------------------------------------------------------------------------------- report


def table(report):
    emb, pg = report["deployments"]
    rows = [("Page", emb["title"], pg["title"], "ratio")]
    for page in PAGES:
        a, b = emb["http"].get(page), pg["http"].get(page)
        if not a or not b:
            continue
        ratio = b["rps"] / a["rps"] if a["rps"] else float("nan")
        rows.append((LABELS[page], _cell(a), _cell(b), f"{ratio:.0%}"))
    rows.append(("", "", "", ""))
    rows.append(("In process (test client)", "ms · SQL statements · engine requests per page", "", ""))
    for page in PAGES:
        a, b = emb["pages"][page], pg["pages"][page]
        rows.append((LABELS[page], _page_cell(a), _page_cell(b), f"×{b['ms'] / a['ms']:.1f} time"))
    return rows


def _cell(w):
    cpu = w.get("cpu", {})
    extra = "".join(f", {name} {seconds:.1f} CPU-s" for name, seconds in cpu.items() if name != "gunicorn")
    return (f"{w['rps']:.0f} req/s (p50 {max(w['p50']):.0f} ms, p99 {max(w['p99']):.0f} ms; "
            f"gunicorn {cpu.get('gunicorn', 0):.1f} CPU-s{extra})")


def _page_cell(p):
    return f"{p['ms']:.1f} ms · {p['sql']:.1f} SQL · {p['engine']:.1f} engine"


def project_verdict(report):
    emb, pg = (d["http"].get("project") for d in report["deployments"])
    if not emb or not pg:
        return None, "no HTTP figures"
    ratio = pg["rps"] / emb["rps"]
    ok = ratio >= TARGET_PROJECT_RATIO
    return ok, f"{ratio:.0%} of the embedded deployment's req/s (target ≥ {TARGET_PROJECT_RATIO:.0%}): " + (
        "ok" if ok else "MISSED")


def print_table(rows):
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    print(line)
    for i, row in enumerate(rows):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))
        if i == 0:
            print(line)
    print(line)


def section(report, command):
    rows = table(report)
    _ok, verdict = project_verdict(report)
    emb, pg = report["deployments"]
    lines = [
        SECTION_START,
        "## Deployments side by side (bench/deployment.py)",
        "",
        f"- **Command:** `{command}`",
        f"- **Date:** {report['date']}; **code:** `{report['code']['commit']}`"
        + (f" with uncommitted changes to {', '.join(report['code']['changed'])}" if report["code"]["changed"] else ""),
        f"- **Machine:** {report['machine']['nproc']} CPUs ({report['machine']['cpu']}); wrk, gunicorn, PostgreSQL "
        "and the search engine share them",
        f"- **Data:** the demo data (`flask demo`): {len(report['data']['project_ids'])} public projects, "
        f"indexed {emb['indexed']} (embedded) / {pg['indexed']} ({pg['title']})",
        f"- **Load:** gunicorn.conf.py with 2 sync workers; wrk -t{report['threads']} -c{report['connections']} "
        f", {report['duration']} s per page and deployment in halves run A B B A; CPU used by other processes during the HTTP runs: "
        f"{report['others_cpu_s']:.0f} s in {report['http_wall_s']:.0f} s",
        "",
        f"**A project page on PostgreSQL + Elasticsearch: {verdict}**",
        "",
        "| " + " | ".join(rows[0]) + " |",
        "|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:] if any(r)]
    notes = [f"{d['title']}: {n}" for d in report["deployments"] for n in d["http"].get("notes", [])]
    if notes:
        lines += ["", "Notes: " + "; ".join(notes)]
    return "\n".join(lines + ["", SECTION_END, ""])


def write_section(path, text):
    path = Path(path)
    old = path.read_text() if path.exists() else ""
    if SECTION_START in old and SECTION_END in old:
        before, rest = old.split(SECTION_START, 1)
        new = before + text.rstrip("\n") + rest.split(SECTION_END, 1)[1]
    else:
        new = old.rstrip("\n") + ("\n\n" if old else "") + text
    path.write_text(new)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-http", action="store_true", help="only the in-process figures")
    parser.add_argument("--no-wait-quiet", dest="wait_quiet", action="store_false")
    parser.add_argument("--results", help="write this run's section into this file (e.g. bench/RESULTS.md)")
    args = parser.parse_args()
    command = " ".join([os.path.relpath(sys.executable), os.path.relpath(sys.argv[0]), *sys.argv[1:]])
    scratch = Path(tempfile.mkdtemp(prefix="birge-deployment-"))
    os.environ.update({"BIRGE_INSTANCE_DIR": str(scratch), "PYTHONDONTWRITEBYTECODE": "1"})
    sys.dont_write_bytecode = True
    report = {"date": datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": sb.machine(), "code": sb.code_version(),
              "duration": args.duration, "connections": args.connections, "threads": args.threads,
              "deployments": [], "others_cpu_s": 0.0, "http_wall_s": 0.0}
    servers = Servers(scratch)
    try:
        targets = deployments(servers, scratch)
        for deployment in targets:
            print(f"1. Building {deployment.title} …", flush=True)
            data = build(deployment)
            report.setdefault("data", data)
            if data["project_ids"] != report["data"]["project_ids"]:
                raise SystemExit(f"the deployments hold different projects: {data['project_ids']} "
                                 f"!= {report['data']['project_ids']}")
            report["deployments"].append({"title": deployment.title, "indexed": data["indexed"]})
            if data["indexed"] != len(data["project_ids"]):
                print(f"   warning: the index holds {data['indexed']} of {len(data['project_ids'])} public projects")
        paths = page_paths(report["data"])
        for deployment, entry in zip(targets, report["deployments"]):
            print(f"2. In process: {deployment.title} …", flush=True)
            entry["pages"] = in_process(deployment, paths)
        for entry in report["deployments"]:
            entry["http"] = {}
        if not args.no_http:
            sb.wait_quiet(args.wait_quiet)
            print(f"3. HTTP: both deployments, wrk -t{args.threads} -c{args.connections}, {args.duration} s per page "
                  "each (A B B A) …", flush=True)
            watch = sb.OtherLoad()
            results = serve_both(targets, servers, paths, args.duration, args.connections, args.threads)
            seen = watch.stop()
            # OtherLoad counts PostgreSQL and the search engine as other processes: take them out.
            ours = sum(seconds for http in results for page in PAGES
                       for name, seconds in http.get(page, {}).get("cpu", {}).items() if name != "gunicorn")
            report["others_cpu_s"], report["http_wall_s"] = max(0.0, seen["others_cpu_s"] - ours), seen["wall_s"]
            for entry, http in zip(report["deployments"], results):
                entry["http"] = http
    finally:
        servers.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    print()
    print_table(table(report))
    ok, verdict = project_verdict(report)
    print(f"\nA project page on PostgreSQL + Elasticsearch: {verdict}")
    for entry in report["deployments"]:
        http = entry["http"]
        if "skipped" in http:
            print(f"{entry['title']}: HTTP skipped ({http['skipped']})")
        for note in http.get("notes", []):
            print(f"Note, {entry['title']}: {note}")
        if http.get("worker_restarts"):
            print(f"Note, {entry['title']}: gunicorn replaced {http['worker_restarts']} workers (max_requests)")
    if args.results:
        write_section(args.results, section(report, command))
        print(f"Wrote the section into {args.results}")
    return 0 if ok in (True, None) else 1


if __name__ == "__main__":
    sys.exit(main())
