"""Command-line commands of the exporters (export, batches, export-settings).

``register(sub)`` adds the subcommands to the main parser; each command is a
thin call into the Session (see ``ledgerkit.cli`` for the shared helpers).

    ledgerkit export --client C --format qbo|iif|qbo-csv|xero-csv|qif|ofx|beancount|ledger
                     [--account ID] [--from DATE] [--to DATE] [--reexport BATCH] --out PATH [--json]
    ledgerkit batches --client C [--json] [--download BATCH --out DIR]
    ledgerkit export-settings --client C --account A [--bid N] [--org X] [--fid X] ... [--json]
"""

from __future__ import annotations

from pathlib import Path

from .export import FORMATS


def cmd_export(args) -> int:
    from .cli import _json, _session
    s = _session(args)
    res = s.export(args.client, args.format, args.out, account=args.account, date_from=args.date_from,
                   date_to=args.date_to, reexport=args.reexport, date_order=args.date_order, lists=args.lists)
    if args.json:
        _json(res.to_json())
        return 0
    kind = f"re-export of batch {res.reexport_of}" if res.reexport_of else "export"
    print(f"batch {res.batch} ({kind}, {res.format}): {res.transactions} transactions, total {res.total}")
    for f in res.files:
        print(f"  {f.path}  {f.transactions:>6} txns  sha256 {f.sha256}")
    for n in res.notes:
        print(f"  note: {n}")
    for w in res.warnings:
        print(f"  warning: {w}")
    return 0


def cmd_batches(args) -> int:
    from .cli import _json, _session
    s = _session(args)
    if args.download is not None:
        out = Path(args.out or ".")
        out.mkdir(parents=True, exist_ok=True)
        rows = [b for b in s.batches(args.client) if b["batch"] == args.download]
        if not rows:
            from .errors import NotFound
            raise NotFound(f"no export batch {args.download} for client {args.client!r}")
        written = []
        for f in rows[0]["files"]:
            name = s.batch_file_name(args.download, f["seq"], client=args.client)
            target = out / name
            target.write_bytes(s.batch_file(args.download, f["seq"], client=args.client))
            written.append({"path": str(target), "sha256": f["sha256"]})
        if args.json:
            _json({"batch": args.download, "files": written})
        else:
            for w in written:
                print(w["path"])
        return 0
    rows = s.batches(args.client)
    if args.json:
        _json(rows)
        return 0
    for b in rows:
        again = f" (re-export of {b['reexport_of']})" if b["reexport_of"] else ""
        print(f"{b['batch']:>5}  {b['created_at']}  {b['format']:<9} {b['transactions']:>7} txns "
              f"{b['total']:>14}  {b['actor']}{again}")
        for f in b["files"]:
            print(f"{'':>7}{f['path']}  {f['sha256'][:12]}")
    return 0


def cmd_export_settings(args) -> int:
    from .cli import _json, _session
    s = _session(args)
    values = {k: getattr(args, k) for k in ("intu_bid", "org", "fid", "bank_id", "acct_id", "book_account")
              if getattr(args, k) is not None}
    res = s.set_export_settings(args.client, args.account, **values) if values else \
        s.export_settings(args.client, args.account)
    if args.json:
        _json(res)
    else:
        for k, v in res.items():
            print(f"{k:>14}: {'' if v is None else v}")
    return 0


def register(sub) -> None:
    ex = sub.add_parser("export", help="export approved transactions as a recorded batch")
    ex.add_argument("--client", required=True)
    ex.add_argument("--format", choices=list(FORMATS),
                    help="qbo (Web Connect), iif, qbo-csv, xero-csv, qif, ofx (OFX 2), beancount, ledger "
                         "(required unless --reexport, which defaults to the batch's format)")
    ex.add_argument("--account", help="only this account (id or name)")
    ex.add_argument("--from", dest="date_from", metavar="DATE", help="first posting date, YYYY-MM-DD")
    ex.add_argument("--to", dest="date_to", metavar="DATE", help="last posting date, YYYY-MM-DD")
    ex.add_argument("--reexport", type=int, metavar="BATCH",
                    help="export the transactions of an earlier batch again (same FITIDs)")
    ex.add_argument("--out", required=True, metavar="PATH", help="file to write, or a folder (existing, or ending in /)")
    ex.add_argument("--date-order", choices=["mdy", "dmy", "ymd"], default="mdy",
                    help="date order for CSV and QIF (default mdy: MM/DD/YYYY)")
    ex.add_argument("--lists", action="store_true",
                    help="IIF: add !ACCNT/!VEND/!CUST rows for accounts and names the register does not "
                         "know; journals: open/commodity/account directives")
    ex.add_argument("--json", action="store_true")
    ex.set_defaults(func=cmd_export)

    ba = sub.add_parser("batches", help="a client's export batches (and download one again)")
    ba.add_argument("--client", required=True)
    ba.add_argument("--download", type=int, metavar="BATCH", help="write this batch's files again")
    ba.add_argument("--out", help="folder for --download (default: current folder)")
    ba.add_argument("--json", action="store_true")
    ba.set_defaults(func=cmd_batches)

    st = sub.add_parser("export-settings", help="an account's Web Connect identity (INTU.BID, ORG/FID, ...)")
    st.add_argument("--client", required=True)
    st.add_argument("--account", required=True)
    st.add_argument("--bid", dest="intu_bid", help="INTU.BID (default 3000, or the one in the bank's own files)")
    st.add_argument("--org", help="FI ORG in Web Connect files")
    st.add_argument("--fid", help="FI FID in Web Connect files")
    st.add_argument("--bank-id", dest="bank_id", help="BANKID (routing number, 9 digits)")
    st.add_argument("--acct-id", dest="acct_id", help="ACCTID (the account number QuickBooks sees)")
    st.add_argument("--book-account", dest="book_account",
                    help="the account's name in the books (IIF, QIF, journals)")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_export_settings)
