"""Bank CSV layouts declared as data, so a new bank is about fifteen lines.

A ``CsvSpec`` says how to find a layout (a header signature, or a line pattern
for banks that export no header) and which columns hold the date, the amount
(one signed column, debit/credit columns, or an amount plus a credit/debit
indicator) and the texts. ``csvbank.CsvImporter`` does the reading; this module
holds only the declarations, the registry ``SPECS`` and ``spec_from_mapping``
for a layout typed on the command line.

Columns are named by their header text (matched case-insensitively) or, for
headerless layouts, by 0-based position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..errors import Invalid
from ..model import AccountKind

Col = str | int
Cols = Col | tuple[Col, ...]

US = ("%m/%d/%Y", "%m/%d/%y")
UK = ("%d/%m/%Y",)
DE = ("%d.%m.%Y", "%d.%m.%y")
ISO = ("%Y-%m-%d",)
CARD = AccountKind.CREDIT_CARD


@dataclass(frozen=True, slots=True)
class CsvSpec:
    """One bank's CSV layout.

    ``payee`` is the counterparty's name, ``description`` the statement line
    (counterparty and purpose when the bank splits them), ``memo`` any further
    detail. Text fields may name several columns; their non-empty values are
    joined with a space. Without a payee column the payee is the description.
    """

    name: str                                   # also the new account's name
    institution: str = ""
    header: tuple[str, ...] = ()                # columns that identify the layout
    exact: bool = False                         # header must be exactly ``header``
    line_pattern: str = ""                      # headerless: regex the first data lines match
    delimiter: str = ""                         # "" = sniff , ; tab |
    encoding: str = ""                          # legacy encoding when not UTF-8 ("" = cp1252)
    skip: int = 0                               # lines before the header (or data when headerless)
    footer: str = ""                            # regex: the first matching line after the header ends the data
    date: Col = "Date"
    date_formats: tuple[str, ...] = US          # per file, the one reading the most dates wins (ties: first)
    date_pattern: str = ""                      # regex whose group 1 is the date ("2018-02-25 12:34" ...)
    amount: Col | None = None                   # signed, or unsigned with ``indicator``
    debit: Col | None = None                    # money out (sign ignored)
    credit: Col | None = None                   # money in
    indicator: Col | None = None                # says whether ``amount`` is money in or out
    debit_values: tuple[str, ...] = ()          # indicator values for money out (empty: anything not credit)
    credit_values: tuple[str, ...] = ()         # indicator values for money in (empty: anything not debit)
    fee: Col | None = None                      # charged on top of ``amount``
    blank_is_zero: bool = False                 # an empty amount means 0 (QuickBooks writes zero that way)
    decimal_comma: bool = False
    flip_sign: bool = False                     # cards that show charges as positive
    description: Cols = ()
    payee: Cols = ()
    memo: Cols = ()
    check_number: Col | None = None
    bank_id: Col | None = None
    type: Col | None = None
    currency_column: Col | None = None
    account_number: Col | None = None           # one account per file: more than one value is refused
    account_name: Col | None = None
    skip_rows: tuple[tuple[Col, str], ...] = () # (column, regex): lines that are not transactions
    pending: tuple[Col, str] | None = None      # (column, regex): not yet booked; skipped with a warning
    continuation: bool = False                  # dateless lines continue the previous row's memo
    ragged: bool = False                        # rows may carry more fields than the header names
    kind: AccountKind = AccountKind.CHECKING
    currency: str | None = None

    @property
    def headerless(self) -> bool:
        """No header line: columns are positions and ``line_pattern`` recognises the data."""
        return bool(self.line_pattern)


def cols(value: Cols | None) -> tuple[Col, ...]:
    if value is None or value == "":
        return ()
    return value if isinstance(value, tuple) else (value,)


def norm(text: str) -> str:
    """Header cell as compared: trimmed, quotes and BOM removed, case-folded."""
    return text.replace("\ufeff", "").strip().strip('"').strip().casefold()


# Real layouts. The comment names the corpus file (../shared/corpus) each was read from.
SPECS: tuple[CsvSpec, ...] = (
    # QuickBooks Online bank upload formats; the date form is detected per file.
    CsvSpec("QuickBooks Online 3-column", header=("Date", "Description", "Amount"), exact=True,
            delimiter=",", date_formats=("%m/%d/%Y", "%Y-%m-%d"), amount="Amount", blank_is_zero=True,
            description="Description"),
    CsvSpec("QuickBooks Online 4-column", header=("Date", "Description", "Credit", "Debit"), exact=True,
            delimiter=",", date_formats=("%m/%d/%Y", "%Y-%m-%d"), credit="Credit", debit="Debit",
            blank_is_zero=True, description="Description"),
    # Xero's "Import a Statement" template (US and international headings); Reference is free text
    CsvSpec("Xero statement", header=("*Date", "*Amount", "Payee", "Description", "Reference", "Check Number"),
            date="*Date", date_formats=("%m/%d/%Y", "%d/%m/%Y", "%Y-%m-%d"), amount="*Amount", payee="Payee",
            description="Description", memo="Reference", check_number="Check Number"),
    CsvSpec("Xero statement (international)", header=("*Date", "*Amount", "Payee", "Description", "Reference",
                                                      "Cheque Number"),
            date="*Date", date_formats=("%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d"), amount="*Amount", payee="Payee",
            description="Description", memo="Reference", check_number="Cheque Number"),
    # --- United States ---
    # beangulp/examples/tests/csvbank/statement.csv
    CsvSpec("Chase checking", "Chase", ("Details", "Posting Date", "Description", "Amount", "Type",
                                        "Check or Slip #"),
            date="Posting Date", amount="Amount", description="Description", type="Type",
            check_number="Check or Slip #", currency="USD"),
    # (no corpus file; layout of Chase card activity downloads)
    CsvSpec("Chase credit card", "Chase", ("Transaction Date", "Post Date", "Description", "Category", "Type",
                                           "Amount"),
            date="Post Date", amount="Amount", description="Description", memo="Memo", type="Type",
            kind=CARD, currency="USD"),
    # reckon/data_fixtures/chase.csv, yyyymmdd_date_example.csv: old headerless download
    CsvSpec("Chase (legacy download)", "Chase", line_pattern=r'[A-Z_]+,\d{8}(\d{6}(\[[^\]]*\])?)?,".*",[-+]?[\d.]+$',
            delimiter=",", date=1, date_pattern=r"^(\d{8})", date_formats=("%Y%m%d",), amount=3,
            description=2, type=0, currency="USD"),
    # csv2ofx/test/schwab-checking*.csv, reds-importers/importers/schwab/tests/schwab_csv_checking/
    CsvSpec("Schwab checking", "Charles Schwab", ("Date", "Status", "Type", "CheckNumber", "Description",
                                                  "Withdrawal", "Deposit"),
            debit="Withdrawal", credit="Deposit", description="Description", type="Type",
            check_number="CheckNumber", pending=("Status", r"(?i)^pending$"), currency="USD"),
    # beancount-import/testdata/source/schwab_csv/.../EAC_Checking_Transactions_*.CSV
    CsvSpec("Schwab checking (2020)", "Charles Schwab", ("Date", "Type", "Check #", "Description",
                                                         "Withdrawal (-)", "Deposit (+)"),
            debit="Withdrawal (-)", credit="Deposit (+)", description="Description", type="Type",
            check_number="Check #", skip_rows=(("Date", r"(?i)transactions"),), currency="USD"),
    # reds-importers/importers/dcu/tests/Main_Checking_Account_Transactions.csv
    CsvSpec("DCU checking", "Digital Federal Credit Union", ("DATE", "TRANSACTION TYPE", "DESCRIPTION",
                                                             "AMOUNT", "ID", "MEMO"),
            date="DATE", amount="AMOUNT", description="DESCRIPTION", memo="MEMO", bank_id="ID",
            type="TRANSACTION TYPE", currency="USD"),
    # csv2ofx/test/capitalone.csv
    CsvSpec("Capital One card", "Capital One", ("Transaction Date", "Posted Date", "Card No.", "Description",
                                                "Category", "Debit", "Credit"),
            date="Posted Date", date_formats=("%Y-%m-%d", "%m/%d/%Y"), debit="Debit", credit="Credit",
            description="Description", kind=CARD, currency="USD"),
    # (no corpus file; Amex activity download: charges are positive)
    CsvSpec("American Express card", "American Express", ("Date", "Description", "Card Member", "Account #",
                                                          "Amount"),
            amount="Amount", flip_sign=True, description="Description", kind=CARD, currency="USD"),
    # (no corpus file; Wells Fargo's headerless download: date, amount, "*", check number, description)
    CsvSpec("Wells Fargo", "Wells Fargo", line_pattern=r'"\d{2}/\d{2}/\d{4}","[-+]?[\d.]+","\*","\d*","',
            delimiter=",", date=0, amount=1, check_number=3, description=4, currency="USD"),
    # reds-importers/importers/fidelity/fidelity_cma_csv_examples/History_for_Account_X8YYYYYYY.csv
    CsvSpec("Fidelity cash management", "Fidelity", ("Run Date", "Action", "Symbol", "Security Description",
                                                     "Security Type", "Amount ($)"),
            date="Run Date", amount="Amount ($)", description="Action", footer=r"^[,\s]*$", currency="USD"),
    # beancount-import/testdata/source/mint/mint.csv, ledger-autosync/mint.csv (aggregator, one account per file)
    CsvSpec("Mint", "Mint", ("Date", "Description", "Original Description", "Amount", "Transaction Type",
                             "Account Name"),
            amount="Amount", indicator="Transaction Type", debit_values=("debit",), credit_values=("credit",),
            payee="Description", description="Original Description", memo="Notes", account_name="Account Name"),
    # --- Canada ---
    # csv2ofx/test/pcmastercard.csv: charges are positive
    CsvSpec("PC Financial Mastercard", "PC Financial", ("Merchant Name", "Card Used For Transaction", "Date",
                                                        "Time", "Amount"),
            amount="Amount", flip_sign=True, description="Merchant Name", kind=CARD, currency="CAD"),
    # --- United Kingdom and Ireland ---
    # bank2ynab/MonzoDataExport_February2018_2018-02-26_174335.csv
    CsvSpec("Monzo", "Monzo", ("id", "created", "amount", "currency", "local_amount", "local_currency",
                               "category", "description"),
            date="created", date_pattern=r"^(\d{4}-\d{2}-\d{2})", date_formats=ISO, amount="amount",
            description="description", memo="notes", bank_id="id", currency_column="currency", currency="GBP"),
    # bank2ynab/20180226_12345678.csv
    CsvSpec("first direct", "first direct", ("Date", "Description", "Amount", "Balance"), exact=True,
            date_formats=UK, amount="Amount", description="Description", currency="GBP"),
    # ofxstatement-lloyds/sample-statement.csv
    CsvSpec("Lloyds Bank", "Lloyds Bank", ("Transaction Date", "Transaction Type", "Sort Code", "Account Number",
                                           "Transaction Description", "Debit Amount", "Credit Amount"),
            date="Transaction Date", date_formats=UK, debit="Debit Amount", credit="Credit Amount",
            description="Transaction Description", type="Transaction Type", account_number="Account Number",
            currency="GBP"),
    # bank2ynab/MS_JANE_SMITH_01-12-2019_14-12-2019.csv: charges positive, refunds marked CR in a nameless column
    CsvSpec("John Lewis Partnership Card", "John Lewis Finance", ("Date Processed", "Description", "Amount"),
            date="Date Processed", date_formats=("%d-%b-%Y",), amount="Amount", indicator=3,
            credit_values=("cr",), description="Description", pending=("Date Processed", r"(?i)^pending$"),
            kind=CARD, currency="GBP"),
    # (no corpus file with its header; reckon/data_fixtures/nationwide.csv is the same rows without it)
    CsvSpec("Nationwide", "Nationwide", ("Date", "Transaction type", "Description", "Paid out", "Paid in",
                                         "Balance"),
            date_formats=("%d %b %Y",), debit="Paid out", credit="Paid in", description="Description",
            type="Transaction type", currency="GBP"),
    # reckon/data_fixtures/nationwide.csv
    CsvSpec("Nationwide (no header)", "Nationwide",
            line_pattern=r"\d\d [A-Z][a-z]{2} \d{4},[^,]*,[^,]*,(£[\d,.]+)?,(£[\d,.]+)?,",
            delimiter=",", date=0, date_formats=("%d %b %Y",), debit=3, credit=4, description=2, type=1,
            currency="GBP"),
    # bank2ynab/test_BOI_TransactionExport.csv
    CsvSpec("Bank of Ireland", "Bank of Ireland", ("Date", "Details", "Debit", "Credit", "Balance"), exact=True,
            date_formats=UK, debit="Debit", credit="Credit", description="Details", currency="EUR"),
    # --- France ---
    # the demo firm's EUR account (sample_data/firm/cedar-street-bakery): French online-banking export
    CsvSpec("Banque du Rhône (FR)", "Banque du Rhône", ("Date", "Date de valeur", "Libellé", "Montant", "Devise"),
            delimiter=";", date_formats=UK, amount="Montant", decimal_comma=True, description="Libellé",
            currency_column="Devise", currency="EUR"),
    # --- Germany ---
    # bank2ynab/20180226-1000594757-umsatz.CSV, ofxstatement-sparkasse-freiburg/simple*.csv (CSV-CAMT and MT940)
    CsvSpec("Sparkasse", "Sparkasse", ("Auftragskonto", "Buchungstag", "Valutadatum", "Buchungstext",
                                       "Verwendungszweck", "Beguenstigter/Zahlungspflichtiger", "Betrag", "Info"),
            date="Buchungstag", date_formats=DE, amount="Betrag", decimal_comma=True,
            payee="Beguenstigter/Zahlungspflichtiger", description="Verwendungszweck", type="Buchungstext",
            account_number="Auftragskonto", currency_column="Waehrung", pending=("Info", r"(?i)vorgemerkt"),
            currency="EUR"),
    # bank2ynab/umsatz-1234________1234-20180227.CSV
    CsvSpec("Sparkasse credit card", "Sparkasse", ("Umsatz getätigt von", "Belegdatum", "Buchungsdatum",
                                                   "Buchungsbetrag", "Transaktionsbeschreibung"),
            date="Buchungsdatum", date_formats=DE, amount="Buchungsbetrag", decimal_comma=True,
            description="Transaktionsbeschreibung", memo="Transaktionsbeschreibung Zusatz",
            currency_column="Buchungswährung", kind=CARD, currency="EUR"),
    # bank2ynab/Umsaetze_KtoNr538917600_EUR_02-03-2018_1503.CSV
    CsvSpec("Commerzbank", "Commerzbank", ("Buchungstag", "Wertstellung", "Umsatzart", "Buchungstext", "Betrag",
                                           "Auftraggeberkonto"),
            date="Buchungstag", date_formats=DE, amount="Betrag", decimal_comma=True, description="Buchungstext",
            type="Umsatzart", currency_column="Währung", account_number="Auftraggeberkonto", currency="EUR"),
    # ofxstatement-de-ing/test_with*_saldo_*.csv (with a preamble)
    CsvSpec("ING (DE)", "ING", ("Buchung", "Wertstellungsdatum", "Auftraggeber/Empfänger", "Buchungstext",
                                "Verwendungszweck", "Betrag"),
            date="Buchung", date_formats=DE, amount="Betrag", decimal_comma=True,
            payee="Auftraggeber/Empfänger", description="Verwendungszweck", type="Buchungstext", currency="EUR"),
    # bank2ynab/20171001-20171106.csv
    CsvSpec("N26", "N26", ("Datum", "Empfänger", "Kontonummer", "Transaktionstyp", "Verwendungszweck",
                           "Betrag (EUR)"),
            date="Datum", date_formats=ISO, amount="Betrag (EUR)", payee="Empfänger",
            description=("Empfänger", "Verwendungszweck"), type="Transaktionstyp",
            currency="EUR"),
    # csv2ofx/test/n26-fr.csv
    CsvSpec("N26 (English)", "N26", ("Booking Date", "Value Date", "Partner Name", "Partner Iban", "Type",
                                     "Payment Reference", "Amount (EUR)"),
            date="Booking Date", date_formats=ISO, amount="Amount (EUR)", payee="Partner Name",
            description=("Partner Name", "Payment Reference"), type="Type",
            currency="EUR"),
    # csv2ofx/test/gls.csv
    CsvSpec("GLS Bank", "GLS Bank", ("Kontonummer", "Buchungstag", "Wertstellung", "Auftraggeber/Empfänger",
                                     "Buchungstext", "VWZ1", "Betrag", "Kontostand"),
            date="Buchungstag", date_formats=DE, amount="Betrag", decimal_comma=True,
            payee="Auftraggeber/Empfänger", description="Auftraggeber/Empfänger",
            memo=tuple(f"VWZ{i}" for i in range(1, 15)), type="Buchungstext", account_number="Kontonummer",
            currency_column="Währung", currency="EUR"),
    # --- Austria and Switzerland ---
    # bank2ynab/test_raiffeisen_01.csv, ofxstatement-austrian/raiffeisen.csv (no header)
    CsvSpec("Raiffeisen (AT)", "Raiffeisen", line_pattern=r'\d\d\.\d\d\.\d{4};.*;\d\d\.\d\d\.\d{4};[-+]?[\d.]*\d,\d\d;[A-Z]{3};',
            delimiter=";", date=0, date_formats=DE, amount=3, decimal_comma=True, description=1,
            currency_column=4, currency="EUR"),
    # ofxstatement-austrian/easybank-*.csv, reckon/data_fixtures/austrian_example.csv (no header)
    CsvSpec("easybank", "easybank", line_pattern=r'(AT\d{18}|\d{11});.*;\d\d\.\d\d\.\d{4};\d\d\.\d\d\.\d{4};[-+][\d.]*\d,\d\d;[A-Z]{3}$',
            delimiter=";", date=2, date_formats=DE, amount=4, decimal_comma=True, description=1,
            currency_column=5, account_number=0, currency="EUR"),
    # ofxstatement-austrian/ing-diba.csv
    CsvSpec("ING-DiBa (AT)", "ING-DiBa", ("Kontonummer", "Text", "Datum", "Währung", "Soll", "Haben"),
            date="Datum", date_formats=DE, debit="Soll", credit="Haben", decimal_comma=True, description="Text",
            currency_column="Währung", account_number="Kontonummer", currency="EUR"),
    # ofxstatement-austrian/oberbank.csv
    CsvSpec("Oberbank", "Oberbank", ("Buchungsdatum", "Wertstellung", "Betrag", "Währung", "Auftraggebername",
                                     "Empfängername", "Text", "Verwendungszweck"),
            date="Buchungsdatum", date_formats=DE, amount="Betrag", decimal_comma=True, description="Text",
            memo="Verwendungszweck", currency_column="Währung", currency="EUR"),
    # ofxstatement-austrian/livebank.csv
    CsvSpec("Livebank", "Livebank", ("Kontonummer", "Auszugsnummer", "Buchungsdatum", "Valutadatum",
                                     "Umsatzzeit", "Zahlungsreferenz", "Waehrung", "Betrag", "Buchungstext"),
            date="Buchungsdatum", date_formats=ISO, amount="Betrag", decimal_comma=True,
            description="Buchungstext", memo=("Umsatztext", 10, 11, 12, 13), account_number="Kontonummer",
            currency_column="Waehrung", ragged=True, currency="EUR"),
    # csv2ofx/test/ubs-ch-fr_trimmed.csv
    CsvSpec("UBS", "UBS", ("Produit", "Monn.", "Description", "Date de valeur", "Description 1", "Débit",
                           "Crédit", "Solde"),
            date="Date de valeur", date_formats=DE, debit="Débit", credit="Crédit", payee="Description 2",
            description=("Description 1", "Description 2"), memo="Description 3", bank_id="N° de transaction",
            type="Description 1",
            account_number="Produit", currency_column="Monn.", currency="CHF"),
    # --- Benelux ---
    # bank2ynab/2018-04-14_10-52-13_bunq-transactieoverzicht.csv
    CsvSpec("bunq", "bunq", ("Datum", "Bedrag", "Rekening", "Tegenrekening", "Naam", "Omschrijving"),
            date="Datum", date_formats=ISO, amount="Bedrag", decimal_comma=True, payee="Naam",
            description="Omschrijving", account_number="Rekening", currency="EUR"),
    # bank2ynab/2019-03-02_11-50-46_bunq-statement.csv
    CsvSpec("bunq (English)", "bunq", ("Date", "Amount", "Account", "Counterparty", "Name", "Description"),
            date_formats=ISO, amount="Amount", decimal_comma=True, payee="Name", description="Description",
            account_number="Account", currency="EUR"),
    # bank2ynab/CSV_A_20180414_112204.csv
    CsvSpec("Rabobank", "Rabobank", ("IBAN/BBAN", "Munt", "BIC", "Volgnr", "Datum", "Bedrag", "Naam tegenpartij"),
            date="Datum", date_formats=ISO, amount="Bedrag", decimal_comma=True, payee="Naam tegenpartij",
            description=("Omschrijving-1", "Omschrijving-2", "Omschrijving-3"), bank_id="Volgnr", type="Code",
            account_number="IBAN/BBAN", currency_column="Munt", currency="EUR"),
    # ofxstatement-dutch/ing_ok*.csv
    CsvSpec("ING (NL)", "ING", ("Datum", "Naam / Omschrijving", "Rekening", "Tegenrekening", "Code", "Af Bij",
                                "Bedrag (EUR)"),
            date="Datum", date_formats=("%Y%m%d", "%Y-%m-%d", "%d-%m-%Y"), amount="Bedrag (EUR)",
            decimal_comma=True, indicator="Af Bij", debit_values=("af",), credit_values=("bij",),
            payee="Naam / Omschrijving", description="Naam / Omschrijving", memo="Mededelingen",
            type="Mutatiesoort", account_number="Rekening", currency="EUR"),
    # reckon/data_fixtures/ing.csv: the same columns without a header
    CsvSpec("ING (NL, no header)", "ING", line_pattern=r'\d{8},[^,]*,[^,]*,[^,]*,[A-Z]{2},(Af|Bij),"[\d.]*\d,\d\d"',
            delimiter=",", date=0, date_formats=("%Y%m%d",), amount=6, decimal_comma=True, indicator=5,
            debit_values=("af",), credit_values=("bij",), payee=1, description=1, memo=8, type=7,
            account_number=2, currency="EUR"),
    # ofxstatement-dutch/Knab_transactieoverzicht_ok.csv (one preamble line)
    CsvSpec("Knab", "Knab", ("Rekeningnummer", "Transactiedatum", "Valutacode", "CreditDebet", "Bedrag",
                             "Tegenrekeninghouder"),
            date="Transactiedatum", date_formats=("%d-%m-%Y",), amount="Bedrag", decimal_comma=True,
            indicator="CreditDebet", debit_values=("d",), credit_values=("c",), payee="Tegenrekeninghouder",
            description=("Tegenrekeninghouder", "Omschrijving"), type="Betaalwijze",
            bank_id="Referentie", account_number="Rekeningnummer", currency_column="Valutacode", currency="EUR"),
    # ofxstatement-dutch/transactie-historie_*.csv (no header)
    CsvSpec("ASN Bank", "ASN Bank", line_pattern=r"\d\d-\d\d-\d{4},NL\d\d[A-Z]{4}\d{10},",
            delimiter=",", date=0, date_formats=("%d-%m-%Y",), amount=10, payee=3, description=(3, 17),
            type=14, bank_id=15, account_number=1, currency_column=9, currency="EUR"),
    # bank2ynab/export_BE11123456789012_20180304_1422.csv
    CsvSpec("KBC", "KBC", ("Rekeningnummer", "Rubrieknaam", "Naam", "Munt", "Afschriftnummer", "Datum",
                           "Omschrijving", "Valuta", "Bedrag", "Saldo"),
            date="Datum", date_formats=UK, amount="Bedrag", decimal_comma=True, payee="Naam tegenpartij",
            description="Omschrijving", memo=("Vrije mededeling", "gestructureerde mededeling"),
            account_number="Rekeningnummer", currency_column="Munt", currency="EUR"),
    # bank2ynab/export_KBC-Mastercard Business Essential_20200204_1604.csv
    CsvSpec("KBC credit card", "KBC", ("kredietkaart", "kaarthouder", "datum verrichting", "bedrag", "credit",
                                       "debet", "Handelaar"),
            date="datum verrichting", date_formats=UK, amount="bedrag", decimal_comma=True, payee="Handelaar",
            description=("Handelaar", "locatie"), memo="toelichting", currency_column="munt", kind=CARD,
            currency="EUR"),
    # moneyguru/csv/fortis.csv
    CsvSpec("BNP Paribas Fortis", "BNP Paribas Fortis", ("ANNEE + REFERENCE", "DATE DE L'EXECUTION",
                                                         "DATE VALEUR", "MONTANT", "DEVISE DU COMPTE", "DETAIL"),
            date="DATE DE L'EXECUTION", date_formats=UK, amount="MONTANT", decimal_comma=True,
            payee="CONTREPARTIE DE L'OPERATION", description="DETAIL", bank_id="ANNEE + REFERENCE",
            account_number="NUMERO DE COMPTE", currency_column="DEVISE DU COMPTE", currency="EUR"),
    # --- Central and northern Europe ---
    # bank2ynab/Movements_1234512345_201805271848.csv (cp1250)
    CsvSpec("Raiffeisenbank (CZ)", "Raiffeisenbank", ("Datum provedení", "Datum zaúčtování", "Číslo účtu",
                                                      "Název protiúčtu", "Zaúčtovaná částka"),
            encoding="cp1250", date="Datum provedení", date_formats=DE, amount="Zaúčtovaná částka",
            decimal_comma=True, payee="Název protiúčtu", description=("Název protiúčtu", "Zpráva"),
            memo="Poznámka", type="Typ transakce", bank_id="Id transakce", account_number="Číslo účtu",
            currency_column="Měna účtu", currency="CZK"),
    # bank2ynab/TH_20180521-20180523.csv, TH_*_page_1.csv
    CsvSpec("Česká spořitelna", "Česká spořitelna", ("Item", "Posting date", "Amount CZK", "Bank account details",
                                                     "Counteraccount name"),
            date="Posting date", date_formats=("%Y/%m/%d",), amount="Amount CZK", decimal_comma=True,
            payee="Counteraccount name", description=("Counteraccount name", "Message for payee"),
            memo="Message for me", bank_id="Transaction reference number", currency="CZK"),
    # bank2ynab/TH_*_strana_1.csv (Czech headers, cp1250)
    CsvSpec("Česká spořitelna (Czech)", "Česká spořitelna", ("Položka", "Datum zaúčtování", "Částka CZK",
                                                             "Název protiúčtu"),
            encoding="cp1250", date="Datum zaúčtování", date_formats=("%Y/%m/%d",), amount="Částka CZK",
            decimal_comma=True, payee="Název protiúčtu", description=("Název protiúčtu", "Zpráva pro příjemce"),
            memo="Zpráva pro mě", bank_id="Referenční číslo transakce", currency="CZK"),
    # bank2ynab/W80844_EBH_201945.202122.csv
    CsvSpec("Erste Bank (HU)", "Erste Bank", ("Tranzakció dátuma", "Partner neve", "Tranzakció összege",
                                              "Tranzakció devizaneme", "Bevétel/Kiadás"),
            date="Tranzakció dátuma", date_formats=("%Y.%m.%d.", "%Y.%m.%d"), amount="Tranzakció összege",
            payee="Partner neve", description=("Partner neve", "Közlemény"), memo="Részletek",
            type="Tranzakció típusa", account_number="Számlaszám", currency_column="Tranzakció devizaneme",
            currency="HUF"),
    # ofxstatement-lithuanian/swedbank.csv: balance and turnover lines are typed 10, 82, 86
    CsvSpec("Swedbank (LT)", "Swedbank", ("Sąskaitos Nr.", "Data", "Gavėjas", "Paaiškinimai", "Suma", "Valiuta",
                                          "D/K"),
            date="Data", date_formats=ISO, amount="Suma", indicator="D/K", debit_values=("d",),
            credit_values=("k",), payee="Gavėjas", description=("Gavėjas", "Paaiškinimai"),
            bank_id="Įrašo Nr.", account_number="Sąskaitos Nr.", currency_column="Valiuta",
            skip_rows=((1, r"^(10|82|86)$"),), currency="EUR"),
    # ofxstatement-lithuanian/danske.csv (cp1257, multi-line fields). The rows pack Address, City and
    # Country into one field, so everything after it sits two places left of its header name.
    CsvSpec("Danske Bank (LT)", "Danske Bank", ("Date", "Bank", "Branch", "Address", "City", "Country", "Name",
                                                "Memo", "Amount"),
            encoding="cp1257", date_formats=("%Y:%m:%d",), amount=8, payee=4, description=(4, 5), memo=(6, 7),
            currency="EUR"),
    # reckon/data_fixtures/danish_kroner_nordea_example.csv (no header: date, text, value date, amount, balance)
    CsvSpec("Nordea (DK)", "Nordea", line_pattern=r"\d\d-\d\d-\d{4};.*;\d\d-\d\d-\d{4};-?[\d.]*\d,\d\d;-?[\d.]*\d,\d\d$",
            delimiter=";", date=0, date_formats=("%d-%m-%Y",), amount=3, decimal_comma=True, description=1,
            currency="DKK"),
    # ofxstatement-revolut/*.csv
    CsvSpec("Revolut", "Revolut", ("Type", "Product", "Started Date", "Completed Date", "Description", "Amount",
                                   "Fee", "Currency", "State"),
            date="Completed Date", date_pattern=r"^(\d{4}-\d{2}-\d{2})", date_formats=ISO, amount="Amount",
            fee="Fee", description="Description", type="Type", currency_column="Currency",
            pending=("State", r"(?i)^(pending|reverted|declined|failed)$"), currency="EUR"),
    # --- Latin America ---
    # reckon/data_fixtures/extratofake.csv: the first row is the opening balance
    CsvSpec("Banco do Brasil", "Banco do Brasil", ("Data", "Dependencia Origem", "Histórico", "Data do Balancete",
                                                   "Número do documento", "Valor"),
            date="Data", date_formats=("%d/%m/%Y", "%m/%d/%Y"), amount="Valor", description="Histórico",
            skip_rows=(("Histórico", r"(?i)^(saldo|s a l d o)"),), currency="BRL"),
    # --- Asia ---
    # bank2ynab/TransactionHistory_20180418043121.csv: preamble, and details on a second dateless line
    CsvSpec("OCBC", "OCBC Bank", ("Transaction date", "Value date", "Description", "Withdrawals (SGD)",
                                  "Deposits (SGD)"),
            date="Transaction date", date_formats=UK, debit="Withdrawals (SGD)", credit="Deposits (SGD)",
            description="Description", continuation=True, currency="SGD"),
    # bank2ynab/dba33fceecd62c3c727893361e0ba4d3.P000000027355791.csv (no header)
    CsvSpec("POSB", "POSB", line_pattern=r"\d{1,2} [A-Z][a-z]{2} \d{4},[^,]*, *[\d.]* *, *[\d.]* *,",
            delimiter=",", date=0, date_formats=("%d %b %Y",), debit=2, credit=3, description=(4, 5, 6), type=1,
            kind=AccountKind.SAVINGS, currency="SGD"),
)


def by_name(name: str) -> CsvSpec:
    """A registered layout by name (case and punctuation ignored)."""
    key = re.sub(r"[\W_]+", "", name.casefold())
    for spec in SPECS:
        if re.sub(r"[\W_]+", "", spec.name.casefold()) == key:
            return spec
    raise Invalid(f"unknown CSV layout {name!r}; known: {', '.join(s.name for s in SPECS)}")


_COLUMN_KEYS = {"date", "amount", "debit", "credit", "indicator", "fee", "check", "check_number", "bank_id",
                "id", "type", "currency_column"}
_TEXT_KEYS = {"description", "payee", "memo"}
_FLAG_KEYS = {"decimal_comma", "flip_sign", "header"}
_OTHER_KEYS = {"date_format", "skip", "delimiter", "encoding", "footer", "debit_values", "credit_values", "kind",
               "currency", "name", "institution"}
_DELIMITERS = {"comma": ",", ",": ",", "semicolon": ";", ";": ";", "tab": "\t", "\\t": "\t", "pipe": "|", "|": "|"}
_PAIR = re.compile(r'\s*(\w+)\s*=\s*("(?:[^"]*)"|[^,]*)\s*(?:,|$)')


def spec_from_mapping(text: str) -> CsvSpec:
    """A layout typed on the command line.

    ``"date=Posting Date,amount=Amount,description=Description,date_format=%m/%d/%Y,decimal_comma=no,skip=0"``

    Columns are header names, or 1-based positions when written as digits (use
    ``header=no`` for files without a header line). ``description``, ``payee``
    and ``memo`` join several columns with ``+``. ``date_format`` may list
    alternatives with ``|``. A value containing a comma is written in double
    quotes. Raises ``Invalid`` with a message for the user.
    """
    pairs: dict[str, str] = {}
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _PAIR.match(text, pos)
        if not m or m.end() == pos:
            raise Invalid(f"cannot read the mapping near {text[pos:pos + 30]!r}: write key=value pairs "
                          f"separated by commas")
        key, value = m.group(1).casefold(), m.group(2).strip()
        if value.startswith('"') and value.endswith('"') and len(value) >= 2:
            value = value[1:-1]
        elif "=" in value:
            raise Invalid(f"cannot read the mapping near {value!r}: separate key=value pairs with commas "
                          f"(and quote a value that holds a comma or '=')")
        if key in pairs:
            raise Invalid(f"mapping gives {key!r} twice")
        pairs[key] = value
        pos = m.end()
    unknown = set(pairs) - _COLUMN_KEYS - _TEXT_KEYS - _FLAG_KEYS - _OTHER_KEYS
    if unknown:
        raise Invalid(f"unknown mapping key(s) {', '.join(sorted(unknown))}; use "
                      f"{', '.join(sorted(_COLUMN_KEYS | _TEXT_KEYS | _FLAG_KEYS | _OTHER_KEYS))}")
    flags = {k: _flag(k, pairs[k]) for k in _FLAG_KEYS if k in pairs}
    header = flags.pop("header", True)

    def col(value: str) -> Col:
        value = value.strip()
        if not value:
            raise Invalid("mapping names an empty column")
        if value.isdigit():
            if int(value) < 1:
                raise Invalid("column positions start at 1")
            return int(value) - 1
        if not header:
            raise Invalid(f"column {value!r} is a name but the mapping says header=no; give its position (1, 2 ...)")
        return value

    fields: dict = {}
    for key, value in pairs.items():           # in the order typed, so messages list columns that way
        if key in _COLUMN_KEYS:
            fields[{"check": "check_number", "id": "bank_id"}.get(key, key)] = col(value)
        elif key in _TEXT_KEYS:
            parts = tuple(col(p) for p in value.split("+"))
            fields[key] = parts if len(parts) > 1 else parts[0]
    if "date" not in fields:
        raise Invalid("the mapping needs date=<column>")
    if not ({"amount", "debit", "credit"} & set(fields)):
        raise Invalid("the mapping needs amount=<column>, or debit=<column> and/or credit=<column>")
    if "amount" in fields and ({"debit", "credit"} & set(fields)):
        raise Invalid("give either amount= or debit=/credit=, not both")
    if "indicator" in fields and "amount" not in fields:
        raise Invalid("indicator= goes with amount=")
    if "date_format" in pairs:
        formats = tuple(f.strip() for f in pairs["date_format"].split("|") if f.strip())
        if not formats or any("%" not in f for f in formats):
            raise Invalid(f"date_format {pairs['date_format']!r} is not a strftime format such as %m/%d/%Y")
        fields["date_formats"] = formats
    else:
        fields["date_formats"] = ("%m/%d/%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")
    if "skip" in pairs:
        if not pairs["skip"].isdigit():
            raise Invalid(f"skip must be a number of lines, not {pairs['skip']!r}")
        fields["skip"] = int(pairs["skip"])
    if "delimiter" in pairs:
        d = _DELIMITERS.get(pairs["delimiter"].casefold())
        if d is None:
            raise Invalid(f"delimiter must be one of comma, semicolon, tab, pipe (not {pairs['delimiter']!r})")
        fields["delimiter"] = d
    if "kind" in pairs:
        try:
            fields["kind"] = AccountKind(pairs["kind"].casefold().replace(" ", "_"))
        except ValueError:
            raise Invalid(f"kind must be one of {', '.join(k.value for k in AccountKind)}") from None
    if "currency" in pairs:
        cur = pairs["currency"].upper()
        if not re.fullmatch(r"[A-Z]{3}", cur):
            raise Invalid(f"not a currency code: {pairs['currency']!r}")
        fields["currency"] = cur
    for key in ("debit_values", "credit_values"):
        if key in pairs:
            fields[key] = tuple(v.strip().casefold() for v in pairs[key].split("|") if v.strip())
    if "footer" in pairs:
        try:
            re.compile(pairs["footer"])
        except re.error as e:
            raise Invalid(f"footer is not a regular expression: {e}") from None
        fields["footer"] = pairs["footer"]
    for key in ("encoding", "institution"):
        if key in pairs:
            fields[key] = pairs[key]
    if "encoding" in fields:
        import codecs
        try:
            codecs.lookup(fields["encoding"])
        except LookupError:
            raise Invalid(f"unknown encoding {fields['encoding']!r}") from None
    names = tuple(v for k, v in fields.items() if k in {"date", "amount", "debit", "credit", "indicator"}
                  and isinstance(v, str))
    spec = CsvSpec(pairs.get("name") or "CSV import", header=names if header else (), **fields, **flags)
    # header=no: every line is data; header=yes without names: the header is the line after ``skip``
    return replace(spec, line_pattern=".") if not header else spec


def _flag(key: str, value: str) -> bool:
    v = value.strip().casefold()
    if v in {"yes", "y", "true", "1", "on"}:
        return True
    if v in {"no", "n", "false", "0", "off"}:
        return False
    raise Invalid(f"{key} must be yes or no, not {value!r}")
