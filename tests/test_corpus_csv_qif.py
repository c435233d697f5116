"""Every CSV and QIF file of the shared real-file corpus: imported or rejected, nothing else.

For each file the importer either returns an Extract (for CSV: a declared bank
layout recognised it) or raises ``ParseError``; no other exception may escape.
Many corpus CSVs are other tools' outputs, brokerage or payment-app exports, or
deliberately broken fixtures: those are rejected with a message. The bank
exports we recognise are listed below and must import. Run with ``-s`` for the
counts.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ledgerkit.importers.base import TXN_SCHEMA, ParseError
from ledgerkit.importers.csvbank import CsvImporter
from ledgerkit.importers.qif import QifImporter

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.slow,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS} (the shared/ folder beside the checkout)"),
]


def _files(suffix: str) -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() == suffix) \
        if CORPUS.is_dir() else []


CSV_FILES = _files(".csv")
QIF_FILES = _files(".qif")

# Real bank exports that must import, with the layout that reads them.
MUST_IMPORT_CSV = {
    "bank2ynab/20171001-20171106.csv": "N26",
    "bank2ynab/2018-04-14_10-52-13_bunq-transactieoverzicht.csv": "bunq",
    "bank2ynab/20180226-1000594757-umsatz.CSV": "Sparkasse",
    "bank2ynab/20180226_12345678.csv": "first direct",
    "bank2ynab/2019-03-02_11-50-46_bunq-statement.csv": "bunq (English)",
    "bank2ynab/MS_JANE_SMITH_01-12-2019_14-12-2019.csv": "John Lewis Partnership Card",
    "bank2ynab/MonzoDataExport_February2018_2018-02-26_174335.csv": "Monzo",
    "bank2ynab/Movements_1234512345_201805271848.csv": "Raiffeisenbank (CZ)",
    "bank2ynab/TransactionHistory_20180418043121.csv": "OCBC",
    "bank2ynab/Umsaetze_KtoNr538917600_EUR_02-03-2018_1503.CSV": "Commerzbank",
    "bank2ynab/W80844_EBH_201945.202122.csv": "Erste Bank (HU)",
    "bank2ynab/dba33fceecd62c3c727893361e0ba4d3.P000000027355791.csv": "POSB",
    "bank2ynab/export_BE11123456789012_20180304_1422.csv": "KBC",
    "bank2ynab/export_KBC-Mastercard Business Essential_20200204_1604.csv": "KBC credit card",
    "bank2ynab/test_BOI_TransactionExport.csv": "Bank of Ireland",
    "bank2ynab/umsatz-1234________1234-20180227.CSV": "Sparkasse credit card",
    "beancount-import/examples/data/importers/bank.csv": "QuickBooks Online 3-column",
    "beancount-import/testdata/source/schwab_csv/test_basic/transactions/EAC_Checking_Transactions_20201223-160009.CSV":
        "Schwab checking (2020)",
    "beangulp/examples/tests/csvbank/statement.csv": "Chase checking",
    "csv2ofx/test/capitalone.csv": "Capital One card",
    "csv2ofx/test/gls.csv": "GLS Bank",
    "csv2ofx/test/n26-fr.csv": "N26 (English)",
    "csv2ofx/test/pcmastercard.csv": "PC Financial Mastercard",
    "csv2ofx/test/schwab-checking.csv": "Schwab checking",
    "csv2ofx/test/ubs-ch-fr_trimmed.csv": "UBS",
    "ledger-autosync/mint.csv": "Mint",
    "moneyguru/csv/fortis.csv": "BNP Paribas Fortis",
    "moneyguru/csv/fortis_with_r_linesep.csv": "BNP Paribas Fortis",
    "ofxstatement-austrian/easybank-giro.csv": "easybank",
    "ofxstatement-austrian/ing-diba.csv": "ING-DiBa (AT)",
    "ofxstatement-austrian/livebank.csv": "Livebank",
    "ofxstatement-austrian/oberbank.csv": "Oberbank",
    "ofxstatement-austrian/raiffeisen.csv": "Raiffeisen (AT)",
    "ofxstatement-de-ing/test_with_saldo_1.csv": "ING (DE)",
    "ofxstatement-de-ing/test_without_saldo_1.csv": "ING (DE)",
    "ofxstatement-dutch/Knab_transactieoverzicht_ok.csv": "Knab",
    "ofxstatement-dutch/ing_ok.csv": "ING (NL)",
    "ofxstatement-dutch/ing_ok_Mutatiesoort_Extra_Unquoted.csv": "ING (NL)",
    "ofxstatement-dutch/transactie-historie_NL00ASNB9999999999_20220717204133.csv": "ASN Bank",
    "ofxstatement-lithuanian/danske.csv": "Danske Bank (LT)",
    "ofxstatement-lithuanian/swedbank.csv": "Swedbank (LT)",
    "ofxstatement-lloyds/sample-statement.csv": "Lloyds Bank",
    "ofxstatement-revolut/2022-january.csv": "Revolut",
    "ofxstatement-sparkasse-freiburg/simple2.csv": "Sparkasse",
    "reckon/data_fixtures/austrian_example.csv": "easybank",
    "reckon/data_fixtures/chase.csv": "Chase (legacy download)",
    "reckon/data_fixtures/danish_kroner_nordea_example.csv": "Nordea (DK)",
    "reckon/data_fixtures/extratofake.csv": "Banco do Brasil",
    "reckon/data_fixtures/nationwide.csv": "Nationwide (no header)",
    "reds-importers/importers/dcu/tests/Main_Checking_Account_Transactions.csv": "DCU checking",
    "reds-importers/importers/fidelity/fidelity_cma_csv_examples/History_for_Account_X8YYYYYYY.csv":
        "Fidelity cash management",
    "reds-importers/importers/schwab/tests/schwab_csv_checking/schwab_XXX234_Checking_Transactions_20220203.csv":
        "Schwab checking",
}

# Bank layouts we declare whose corpus file is refused on purpose, and why.
EXPECTED_CSV_REJECTIONS = {
    "bank2ynab/CSV_A_20180414_112204.csv": "unbalanced double quote",      # a line lost its opening quote
    "bank2ynab/TH_20180101-20180523_page_1.csv": "'1111/11/11'",          # anonymised into impossible dates
    "bank2ynab/TH_20180101-20180523_strana_1.csv": "'1111/11/11'",
    "bank2ynab/TH_20180521-20180523.csv": "'1111/11/11'",
    "bank2ynab/test_raiffeisen_01.csv": "A null transaction",            # a junk line bank2ynab skips
    "beancount-import/testdata/source/mint/mint.csv": "mixes accounts",  # two accounts in one file
    "csv2ofx/test/mint.csv": "mixes accounts",
    "ofxstatement-dutch/ing_fail.csv": "mixes accounts",                # ofxstatement refuses it too
    "ofxstatement-dutch/transactie-historie_fail.csv": "mixes accounts",
    "reckon/data_fixtures/ing.csv": "mixes accounts",
}

MUST_IMPORT_QIF_MIN = 50      # of 62; the rest are empty, headerless or broken fixtures


def _check_extract(ex) -> None:
    assert dict(ex.transactions.schema) == TXN_SCHEMA
    for amount in ex.transactions["amount"]:
        Decimal(amount)
    assert ex.transactions["posted"].null_count() == 0


def _run(importer, files: list[Path]) -> tuple[dict[str, object], dict[str, ParseError]]:
    imported, rejected = {}, {}
    for path in files:
        rel = str(path.relative_to(CORPUS))
        try:
            ex = importer.extract(path, path.read_bytes())
        except ParseError as e:        # the only exception allowed out
            assert e.message, rel
            rejected[rel] = e
            continue
        _check_extract(ex)
        imported[rel] = ex
    return imported, rejected


def test_every_corpus_csv_imports_or_is_rejected():
    imported, rejected = _run(CsvImporter(), CSV_FILES)
    print(f"\ncorpus CSV: {len(CSV_FILES)} files, {len(imported)} imported, {len(rejected)} rejected")
    for rel, e in sorted(rejected.items()):
        print(f"  rejected {rel}: {e.where + ': ' if e.where else ''}{e.message[:110]}")
    for rel, layout in MUST_IMPORT_CSV.items():
        assert rel in imported, f"{rel} should import as {layout}: {rejected.get(rel) and rejected[rel].message}"
        assert imported[rel].accounts[0].name_hint in {layout, *(
            a.name_hint for a in imported[rel].accounts)}, rel
        assert imported[rel].transactions.height > 0, rel
    for rel, why in EXPECTED_CSV_REJECTIONS.items():
        assert rel in rejected and why in rejected[rel].message, rel
    assert len(imported) >= len(MUST_IMPORT_CSV)


def test_every_corpus_qif_imports_or_is_rejected():
    imported, rejected = _run(QifImporter(), QIF_FILES)
    print(f"\ncorpus QIF: {len(QIF_FILES)} files, {len(imported)} imported, {len(rejected)} rejected")
    for rel, e in sorted(rejected.items()):
        print(f"  rejected {rel}: {e.where + ': ' if e.where else ''}{e.message[:110]}")
    assert len(imported) >= MUST_IMPORT_QIF_MIN
    # an independent count: every T line of the Microsoft Money export, less Quicken's opening balance
    path = CORPUS / "gnucash" / "ms-money.qif"
    t_lines = [Decimal(ln[1:].replace(",", "")) for ln in path.read_text().splitlines() if ln.startswith("T")]
    ms_money = imported["gnucash/ms-money.qif"].transactions
    assert ms_money.height == len(t_lines) - 1 == 346
    assert sum(Decimal(a) for a in ms_money["amount"]) == sum(t_lines) - Decimal("4706.57")


def test_layout_detection_agrees_with_identify():
    """Whatever a spec reads, identify claims (so ingest picks the CSV importer for it)."""
    imp = CsvImporter()
    for rel in MUST_IMPORT_CSV:
        path = CORPUS / rel
        assert imp.identify(path, path.read_bytes()[:65536]), rel
