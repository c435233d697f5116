"""The ``ledgerkit`` command line: a thin layer over Session for scripts and schedulers.

Every command takes ``--json`` where scripts need it; amounts in JSON are
decimal strings ("-12.50"). Exit status: 0 success, 2 when a file was rejected
or a request could not be carried out (the message says why), 1 for internal
faults.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path

from .errors import LedgerkitError
from .model import FileResult, ImportStatus
from .money import from_minor


def _json(obj) -> None:
    def default(o):
        if isinstance(o, Decimal):
            return str(o)
        if hasattr(o, "isoformat"):
            return o.isoformat()
        raise TypeError(type(o).__name__)
    print(json.dumps(obj, indent=2, default=default, ensure_ascii=False))


def _session(args):
    from .session import Session
    return Session(args.workspace)


# -- commands --------------------------------------------------------------

def cmd_init(args) -> int:
    s = _session(args)
    print(f"workspace ready: {s.workspace.resolve()}")
    return 0


def cmd_clients_add(args) -> int:
    c = _session(args).add_client(args.name, args.email, args.invite)
    if args.json:
        _json({"id": c.id, "name": c.name, "email": c.email})
    else:
        print(f"added client {c.id}: {c.name}")
    return 0


def cmd_clients_list(args) -> int:
    rows = [{"id": c.id, "name": c.name, "email": c.email} for c in _session(args).clients()]
    if args.json:
        _json(rows)
    else:
        for r in rows:
            print(f"{r['id']:>4}  {r['name']}  <{r['email']}>")
    return 0


def _file_json(f: FileResult) -> dict:
    return {"path": f.path, "sha256": f.sha256, "status": f.status.value, "added": f.added,
            "duplicates": f.duplicates, "importer": f.importer,
            "issues": [{"where": i.where, "message": i.message, "severity": i.severity} for i in f.issues]}


def cmd_import(args) -> int:
    s = _session(args)
    options = {}
    if args.mapping:
        from .importers.csvspecs import spec_from_mapping
        options["spec"] = spec_from_mapping(args.mapping)
        options["importer"] = "csv"
    if args.round:
        options["round_amounts"] = True
    rec = s.import_files(args.client, args.paths, args.account, **options)
    if args.json:
        _json({"added": rec.added, "files": [_file_json(f) for f in rec.files]})
    else:
        for f in rec.files:
            line = f"{f.status.value:>16}  {f.path}"
            if f.status is ImportStatus.IMPORTED:
                line += f"  (+{f.added}, {f.duplicates} already known)"
            print(line)
            for i in f.issues:
                print(f"{'':>18}{i.severity}: {i.where + ': ' if i.where else ''}{i.message}")
        print(f"added {rec.added} transactions from {len(rec.files)} file(s)")
    return 2 if rec.rejected else 0


def cmd_accounts(args) -> int:
    s = _session(args)
    rows = []
    for b in s.balances(args.client):
        a = b["account"]
        rows.append({"id": a.id, "name": a.name, "kind": a.kind.value, "currency": a.currency,
                     "institution": a.institution, "number": a.masked_number,
                     "balance": str(b["balance"]), "balance_date": b["balance_date"],
                     "balance_source": b["source"], "transactions": b["transactions"]})
    if args.json:
        _json(rows)
    else:
        for r in rows:
            print(f"{r['id']:>4}  {r['name']:<32} {r['kind']:<12} {r['balance']:>14} {r['currency']}  "
                  f"{r['balance_date'] or ''}")
    return 0


def cmd_transactions(args) -> int:
    s = _session(args)
    frame = s.transactions_frame(args.client, args.account)
    rows = [{"id": r["id"], "account": r["account_id"], "date": r["posted"],
             "amount": str(from_minor(r["amount"], r["currency"])), "payee": r["payee"],
             "description": r["description"], "memo": r["memo"], "check_number": r["check_number"],
             "bank_id": r["bank_id"]} for r in frame.iter_rows(named=True)]
    if args.json:
        _json(rows)
    else:
        for r in rows:
            print(f"{r['id']:>6} {r['date']} {r['amount']:>12}  {r['description'][:60]}")
    return 0


def cmd_demo(args) -> int:
    from .demo import build_demo
    s = _session(args)
    summary = build_demo(s)
    print(summary)
    if args.serve:
        return _serve(s.workspace, args.port)
    return 0


def cmd_serve(args) -> int:
    from .session import resolve_workspace
    return _serve(resolve_workspace(args.workspace), args.port)


def _serve(workspace: Path, port: int) -> int:
    import os
    import subprocess
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    voila = Path(sys.executable).with_name("voila")
    # the ledgerkit template (no internet fonts, keyboard shortcuts, drop-to-upload) lives in notebooks/jupyter
    jupyter_path = os.pathsep.join(p for p in (str(notebooks / "jupyter"), os.environ.get("JUPYTER_PATH", "")) if p)
    env = dict(os.environ, LEDGERKIT_WORKSPACE=str(Path(workspace).resolve()), JUPYTER_PATH=jupyter_path)
    print(f"serving the dashboard at http://127.0.0.1:{port}/  (Ctrl-C to stop)", flush=True)
    cmd = [str(voila), str(notebooks / "dashboard.ipynb"), "--no-browser", f"--port={port}",
           "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--preheat_kernel=True", "--template=ledgerkit",
           # two kernels wait preheated, so a reload or a second tab opens at once; a used one is
           # replaced 30 s later, so that starting it does not compete with the first clicks
           "--pool_size=2", "--VoilaKernelManager.fill_delay=30"]
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0


# -- parser ----------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ledgerkit", description="Bank-feed review workbench")
    p.add_argument("--workspace", help="workspace folder (default: $LEDGERKIT_WORKSPACE or ./workspace)")
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("init", help="create the workspace").set_defaults(func=cmd_init)

    clients = sub.add_parser("clients", help="the firm's clients").add_subparsers(dest="sub", required=True)
    a = clients.add_parser("add", help="add a client")
    a.add_argument("name")
    a.add_argument("--email", default="")
    a.add_argument("--invite", choices=["default", "custom", "link", "none"], default="none")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_clients_add)
    ls = clients.add_parser("list", help="list clients")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_clients_list)

    im = sub.add_parser("import", help="import bank files (OFX/QFX/QBO, CSV, QIF, images, PDFs)")
    im.add_argument("--client", required=True)
    im.add_argument("--account", help="account id or name for files that do not name one (CSV, QIF)")
    im.add_argument("--mapping", help='generic CSV columns, e.g. "date=Date,amount=Amount,description=Memo"')
    im.add_argument("--round", action="store_true",
                    help="round amounts with more decimals than the currency has (recorded as warnings)")
    im.add_argument("--json", action="store_true")
    im.add_argument("paths", nargs="+")
    im.set_defaults(func=cmd_import)

    ac = sub.add_parser("accounts", help="a client's accounts and balances")
    ac.add_argument("--client", required=True)
    ac.add_argument("--json", action="store_true")
    ac.set_defaults(func=cmd_accounts)

    tx = sub.add_parser("transactions", help="a client's transactions")
    tx.add_argument("--client", required=True)
    tx.add_argument("--account")
    tx.add_argument("--json", action="store_true")
    tx.set_defaults(func=cmd_transactions)

    de = sub.add_parser("demo", help="build the demo workspace from sample_data (and serve it)")
    de.add_argument("--serve", action="store_true")
    de.add_argument("--port", type=int, default=8866)
    de.set_defaults(func=cmd_demo)

    se = sub.add_parser("serve", help="serve the dashboard with Voila on 127.0.0.1")
    se.add_argument("--port", type=int, default=8866)
    se.set_defaults(func=cmd_serve)

    # later stages add their commands from their own modules
    from . import cli_export, cli_review
    cli_review.register(sub)
    cli_export.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except LedgerkitError as e:
        print(f"ledgerkit: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
