"""Command-line commands of the review engine (rules, register, review, code, approve, exclude).

``register(sub)`` adds the subcommands to the main parser; each command is a
thin call into the Session (see ``ledgerkit.cli`` for the shared helpers).

    ledgerkit rules import|export PATH.yaml      ledgerkit rules list [--client C] --json
    ledgerkit rules preview PATH.yaml --json     ledgerkit rules undo
    ledgerkit register import --client C PATH [--account ID] [--mapping M] [--json]
    ledgerkit review --client C [--account ID] [--state gold,red] --json
    ledgerkit code --client C TXN_ID --account NAME [--payee NAME] [--no-remember]
    ledgerkit code --client C --csv PATH          (columns id, account, payee)
    ledgerkit approve --client C [--state red,blue] [--ids ID ...]
    ledgerkit exclude|reopen --client C --ids ID ...
    ledgerkit undo --client C
"""

from __future__ import annotations

from .errors import Invalid


def _cli():
    from . import cli
    return cli


def _states(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [s.strip().lower() for s in text.split(",") if s.strip()]


def cmd_rules_import(args) -> int:
    cli = _cli()
    out = cli._session(args).import_rules(args.path)
    if args.json:
        cli._json(out)
    else:
        print(f"imported {out['imported']} rule(s) for {', '.join(out['scopes']) or 'no scope'}; "
              f"{out['rules']} rule(s) in all")
    return 0


def cmd_rules_export(args) -> int:
    cli = _cli()
    s = cli._session(args)
    s.export_rules(args.path, args.client)
    n = len(s.rules(args.client) if args.client else s.rules())
    print(f"wrote {n} rule(s) to {args.path}")
    return 0


def cmd_rules_list(args) -> int:
    cli = _cli()
    rows = cli._session(args).rules_list(args.client)
    if args.json:
        cli._json(rows)
    else:
        for r in rows:
            flag = " (remembered)" if r.get("remembered") else ""
            print(f"{r['id']:>5}  {r['scope']:<24} {r['name']}{flag}")
    return 0


def cmd_rules_preview(args) -> int:
    cli = _cli()
    out = cli._session(args).preview_rules(args.path)
    if args.json:
        cli._json(out)
    else:
        ch = out["changes"]
        print(f"{out['transactions']} transactions checked across {len(out['clients'])} client(s)")
        print(f"would change {ch['total']} open transaction(s): {ch['state']} change state, "
              f"{ch['coding']} change coding")
        for k, v in sorted(ch["by_state"].items()):
            print(f"  {k}: {v}")
        print(f"{out['history']['total']} approved/exported transaction(s) would have been coded differently")
        for ex in out["examples"][:10]:
            print(f"  e.g. {ex['client']} #{ex['id']} {ex['date']} {ex['amount']} {ex['description'][:40]}: "
                  f"{ex['before']['state']} {ex['before']['account'] or ''} -> {ex['after']['state']} "
                  f"{ex['after']['account'] or ''}")
        for w in out["warnings"]:
            print(f"warning: {w}")
    return 0


def cmd_rules_undo(args) -> int:
    out = _cli()._session(args).undo_rules()
    print(f"undid: {out['summary']}")
    return 0


def cmd_register_import(args) -> int:
    cli = _cli()
    s = cli._session(args)
    results = [s.import_register(args.client, p, args.account, mapping=args.mapping) for p in args.paths]
    if args.json:
        cli._json({"added": sum(r.added for r in results), "files": [r.to_dict() for r in results],
                   "counts": s.review(args.client)["counts"]})
    else:
        for r in results:
            if r.already:
                print(f"already imported  {r.path}")
                continue
            print(f"imported  {r.path}  ({r.format}: +{r.added}, {r.duplicates} already known)")
            for i in r.issues:
                print(f"          {i.severity}: {i.where + ': ' if i.where else ''}{i.message}")
    return 0


def cmd_review(args) -> int:
    cli = _cli()
    out = cli._session(args).review(args.client, args.account, _states(args.state))
    if args.json:
        cli._json(out)
    else:
        c = out["counts"]
        print("  ".join(f"{k.upper()} {v}" for k, v in c.items()))
        for t in out["transactions"]:
            print(f"{t['id']:>6} {t['state'].upper():<9} {t['date']} {t['amount']:>11}  {t['payee'][:28]:<28} "
                  f"{t['account'][:28]:<28} {t['explanation'][:90]}")
    return 0


def cmd_code(args) -> int:
    cli = _cli()
    s = cli._session(args)
    if args.csv:
        if args.id is not None:
            raise Invalid("give a transaction id or --csv, not both")
        out = s.code_csv(args.client, args.csv, remember=not args.no_remember)
        if args.json:
            cli._json(out)
        else:
            print(f"coded {out['coded']} transaction(s)")
        return 0
    if args.id is None or not (args.account or args.transfer_to):
        raise Invalid("give a transaction id and --account NAME (or --csv PATH)")
    row = s.code(args.client, args.id, args.account, args.payee, class_=args.class_, memo=args.memo,
                 transfer_to=args.transfer_to, remember=not args.no_remember)
    if args.json:
        cli._json(row)
    else:
        print(f"{row['id']}: {row['state'].upper()} {row['payee']} -> {row['account']}")
    return 0


def cmd_approve(args) -> int:
    cli = _cli()
    s = cli._session(args)
    n = s.approve(args.client, _states(args.state) or ("red", "blue"), args.ids)
    if args.json:
        cli._json({"approved": n, "counts": s.review(args.client)["counts"]})
    else:
        print(f"approved {n} transaction(s)")
    return 0


def cmd_exclude(args) -> int:
    cli = _cli()
    s = cli._session(args)
    n = s.exclude(args.client, args.ids)
    if args.json:
        cli._json({"excluded": n})
    else:
        print(f"excluded {n} transaction(s)")
    return 0


def cmd_reopen(args) -> int:
    cli = _cli()
    n = cli._session(args).reopen(args.client, args.ids)
    print(f"reopened {n} transaction(s)")
    return 0


def cmd_undo(args) -> int:
    out = _cli()._session(args).undo_last(args.client)
    print(f"undid: {out['summary']}")
    return 0


def cmd_window(args) -> int:
    _cli()._session(args).set_match_window(args.client, args.account, args.days)
    print(f"match window of account {args.account}: +-{args.days} days")
    return 0


def register(sub) -> None:
    ru = sub.add_parser("rules", help="bank rules: import, export, list, preview").add_subparsers(
        dest="sub", required=True)
    p = ru.add_parser("import", help="import rules from YAML (each scope in the file is replaced)")
    p.add_argument("path")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rules_import)
    p = ru.add_parser("export", help="export the rules as YAML")
    p.add_argument("path")
    p.add_argument("--client", help="only the rules that apply to this client")
    p.set_defaults(func=cmd_rules_export)
    p = ru.add_parser("list", help="list the rules in order")
    p.add_argument("--client")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rules_list)
    p = ru.add_parser("preview", help="what importing a rules file would change (changes nothing)")
    p.add_argument("path")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rules_preview)
    p = ru.add_parser("undo", help="undo your last rule change")
    p.set_defaults(func=cmd_rules_undo)

    rg = sub.add_parser("register", help="the client's books (QuickBooks IIF / CSV)").add_subparsers(
        dest="sub", required=True)
    p = rg.add_parser("import", help="import a register export (IIF, QuickBooks CSV, or CSV with --mapping)")
    p.add_argument("--client", required=True)
    p.add_argument("--account", help="the ledgerkit account (id or name) the register belongs to")
    p.add_argument("--mapping", help='CSV columns, e.g. "date=Date,amount=Amount,payee=Name,number=Num"')
    p.add_argument("--json", action="store_true")
    p.add_argument("paths", nargs="+")
    p.set_defaults(func=cmd_register_import)
    p = rg.add_parser("window", help="the date window for matching one account (default 5 days)")
    p.add_argument("--client", required=True)
    p.add_argument("--account", required=True)
    p.add_argument("days", type=int)
    p.set_defaults(func=cmd_window)

    p = sub.add_parser("review", help="transactions with their review state (GOLD/RED/BLUE/...)")
    p.add_argument("--client", required=True)
    p.add_argument("--account")
    p.add_argument("--state", help="only these states, e.g. gold,red")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("code", help="code transactions by hand (remembered for next time)")
    p.add_argument("--client", required=True)
    p.add_argument("id", nargs="?", type=int)
    p.add_argument("--account")
    p.add_argument("--payee")
    p.add_argument("--class", dest="class_")
    p.add_argument("--memo")
    p.add_argument("--transfer-to", help="another of the client's accounts (id or name)")
    p.add_argument("--csv", help="code many: a CSV with columns id, account, payee")
    p.add_argument("--no-remember", action="store_true", help="do not remember the payee's account")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_code)

    p = sub.add_parser("approve", help="approve RED/BLUE transactions")
    p.add_argument("--client", required=True)
    p.add_argument("--state", help="states to approve (default red,blue)")
    p.add_argument("--ids", nargs="+", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_approve)

    p = sub.add_parser("exclude", help="exclude transactions from review and export")
    p.add_argument("--client", required=True)
    p.add_argument("--ids", nargs="+", type=int, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_exclude)

    p = sub.add_parser("reopen", help="bring approved or excluded transactions back to review")
    p.add_argument("--client", required=True)
    p.add_argument("--ids", nargs="+", type=int, required=True)
    p.set_defaults(func=cmd_reopen)

    p = sub.add_parser("undo", help="undo your last review change for a client")
    p.add_argument("--client", required=True)
    p.set_defaults(func=cmd_undo)
