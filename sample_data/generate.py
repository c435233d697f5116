#!/usr/bin/env python
"""Generate ledgerkit's demo firm: three clients, nine bank and card accounts,
January to June 2026, delivered in every file format ledgerkit imports.

    .venv/bin/python sample_data/generate.py            # rewrites sample_data/firm/
    .venv/bin/python sample_data/generate.py OUT_DIR    # writes somewhere else (tests)

The output is a pure function of this file: one fixed seed, ``random.Random``
per client, no wall-clock dates, money as ``Decimal`` only. Regenerating gives
identical bytes (text formats always; PNG and PDF with the same Pillow,
FreeType and matplotlib). See ``sample_data/README.md`` for what is where.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import io
import json
import logging
import random
import shutil
import sys
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

SEED = 20260131
YEAR = 2026
MONTHS = (1, 2, 3, 4, 5, 6)
NEXT_MONTH = 6                      # June is kept apart in firm/next_month/
FIRST = dt.date(YEAR, 1, 1)
LAST = dt.date(YEAR, 6, 30)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HOLIDAYS = {dt.date(2026, 1, 1), dt.date(2026, 1, 19), dt.date(2026, 2, 16), dt.date(2026, 5, 25)}
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "firm"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
TEXT_SUFFIXES = {".ofx", ".qfx", ".qbo", ".csv", ".qif", ".iif", ".json", ".yaml"}


# ---------------------------------------------------------------------------
# money and dates
# ---------------------------------------------------------------------------

def cents(rng: random.Random, lo: str, hi: str) -> Decimal:
    """A random amount between lo and hi (inclusive), exact to the cent."""
    a, b = int(Decimal(lo) * 100), int(Decimal(hi) * 100)
    return Decimal(rng.randint(a, b)).scaleb(-2).quantize(CENT)


def dollars(rng: random.Random, lo: int, hi: int) -> Decimal:
    """A random whole-dollar amount (deposited checks and invoices often are)."""
    return Decimal(rng.randint(lo, hi)).quantize(CENT)


def plain(d: Decimal) -> str:
    """``-1234.56``: what OFX, QBO CSV and metadata want."""
    return str(d.quantize(CENT))


def grouped(d: Decimal) -> str:
    """``-1,234.56`` (Decimal formats exactly; never via float)."""
    return f"{d.quantize(CENT):,}"


def eu(d: Decimal) -> str:
    """``-1.234,56``: continental European notation."""
    return grouped(d).replace(",", "_").replace(".", ",").replace("_", ".")


def is_business_day(d: dt.date) -> bool:
    return d.weekday() < 5 and d not in HOLIDAYS


def business_day(d: dt.date) -> dt.date:
    """``d`` or the next business day."""
    while not is_business_day(d):
        d += dt.timedelta(days=1)
    return d


def add_business_days(d: dt.date, n: int) -> dt.date:
    while n > 0:
        d += dt.timedelta(days=1)
        if is_business_day(d):
            n -= 1
    return d


def month_end(month: int) -> dt.date:
    return dt.date(YEAR, month, calendar.monthrange(YEAR, month)[1])


def last_business_day(month: int) -> dt.date:
    d = month_end(month)
    while not is_business_day(d):
        d -= dt.timedelta(days=1)
    return d


def days(month: int):
    d = dt.date(YEAR, month, 1)
    while d.month == month:
        yield d
        d += dt.timedelta(days=1)


def weekdays(month: int, weekday: int):
    return [d for d in days(month) if d.weekday() == weekday]


def aba(prefix8: str) -> str:
    """A routing number with a valid ABA check digit."""
    w = (3, 7, 1, 3, 7, 1, 3, 7)
    s = sum(int(c) * k for c, k in zip(prefix8, w, strict=True))
    return prefix8 + str((10 - s % 10) % 10)


def alnum(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(n))


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


# ---------------------------------------------------------------------------
# the firm's records
# ---------------------------------------------------------------------------

@dataclass
class Txn:
    posted: dt.date
    amount: Decimal              # signed from the customer's side: money out is negative
    text: str                    # the bank's description
    type: str                    # OFX TRNTYPE
    payee: str = ""              # how a bookkeeper names it
    category: str = ""           # the chart account it belongs to (ground truth)
    memo: str = ""
    check_number: str = ""
    written: dt.date | None = None        # date written on a check / slip
    check_memo: str = ""
    transfer: str = ""           # id shared by both legs of a transfer
    items: tuple[tuple[str, Decimal], ...] = ()   # checks and cash in a deposit
    order: int = 0
    fitid: str = ""
    balance: Decimal = ZERO      # running balance after this transaction
    register: str = ""           # id of the register entry that records it


@dataclass
class Account:
    slug: str
    name: str
    kind: str                    # checking | savings | credit_card
    currency: str
    institution: str
    number: str
    fmt: str                     # ofx | qfx | qbo | ofx2 | csv | qif
    opening: Decimal
    bank_id: str = ""
    org: str = ""
    fid: str = ""
    intu_bid: str = ""
    csv_layout: str = ""
    tz: str = "[-8:PST]"
    city: str = ""
    txns: list[Txn] = field(default_factory=list)
    windows: dict[int, tuple[dt.date, dt.date]] = field(default_factory=dict)   # month -> file range
    client: Client | None = None

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def masked(self) -> str:
        return "****" + self.last4

    def add(self, txn: Txn) -> Txn:
        if txn.posted < FIRST:        # a check written in December clears in January
            txn.posted = business_day(FIRST)
        txn.order = len(self.txns)
        self.txns.append(txn)
        return txn

    def finish(self) -> None:
        """Chronological order, running balances and stable FITIDs. What posts after
        June (a check written in late June) is still outstanding and left out."""
        self.txns = sorted((t for t in self.txns if t.posted <= LAST), key=lambda t: (t.posted, t.order))
        bal = self.opening
        per_day: dict[dt.date, int] = {}
        for t in self.txns:
            bal += t.amount
            t.balance = bal
            n = per_day[t.posted] = per_day.get(t.posted, 0) + 1
            t.fitid = f"{self.fid or self.last4}{t.posted:%Y%m%d}{n:03d}"

    def balance_at(self, day: dt.date) -> Decimal:
        """Balance at the end of ``day``."""
        bal = self.opening
        for t in self.txns:
            if t.posted <= day:
                bal += t.amount
        return bal

    def window(self, month: int) -> tuple[dt.date, dt.date]:
        return self.windows.get(month, (dt.date(YEAR, month, 1), month_end(month)))

    def between(self, start: dt.date, end: dt.date) -> list[Txn]:
        return [t for t in self.txns if start <= t.posted <= end]


@dataclass
class RegisterEntry:
    id: str
    date: dt.date
    type: str                    # CHECK | DEPOSIT | CREDIT CARD | CCARD REFUND | TRANSFER
    account: str                 # register (bank/card) account name
    name: str
    amount: Decimal              # signed, as the register account sees it
    splits: tuple[tuple[str, Decimal, str], ...]   # (account, amount as offset sees it, name)
    docnum: str = ""
    memo: str = ""
    cleared: str = "N"


@dataclass
class Client:
    slug: str
    name: str
    email: str
    contact: str
    address: tuple[str, str]
    accounts: list[Account] = field(default_factory=list)
    chart: list[tuple[str, str]] = field(default_factory=list)
    register: list[RegisterEntry] = field(default_factory=list)
    register_format: str = ""    # iif | csv
    register_accounts: dict[str, str] = field(default_factory=dict)   # register name -> account slug

    def account(self, slug: str) -> Account:
        return next(a for a in self.accounts if a.slug == slug)


def transfer(src: Account, dst: Account, posted: dt.date, amount: Decimal, src_text: str, dst_text: str,
             tid: str, *, src_type: str = "XFER", dst_type: str = "XFER", lag: int = 0,
             dst_amount: Decimal | None = None, payee: str = "") -> tuple[Txn, Txn]:
    """Both legs of a move between the client's own accounts."""
    a = src.add(Txn(posted, -amount, src_text, src_type, payee=payee or f"Transfer to {dst.name}",
                    category=dst.name, transfer=tid))
    b = dst.add(Txn(add_business_days(posted, lag) if lag else posted, dst_amount if dst_amount is not None else amount,
                    dst_text, dst_type, payee=payee or f"Transfer from {src.name}", category=src.name, transfer=tid))
    return a, b


def card_autopay(card: Account, bank: Account, month: int, day: int, bank_text: str, card_text: str,
                 tid_prefix: str) -> None:
    """Pay last month's statement balance of ``card`` from ``bank`` (both legs)."""
    prev_end = month_end(month - 1) if month > 1 else dt.date(YEAR - 1, 12, 31)
    owed = -sum((t.amount for t in card.txns if t.posted <= prev_end), card.opening)
    if owed <= 0:
        return
    posted = business_day(dt.date(YEAR, month, day))
    transfer(bank, card, posted, owed, bank_text, card_text, f"{tid_prefix}{month:02d}",
             src_type="PAYMENT", dst_type="PAYMENT", payee=card.institution)


def interest(acct: Account, month: int, apy_num: int, apy_den: int, text: str, category: str,
             type_: str = "INT") -> None:
    """Monthly interest on the average-free end-of-month balance (kept simple and exact)."""
    end = month_end(month)
    bal = acct.balance_at(end)
    amt = (bal * apy_num / apy_den / 12).quantize(CENT, rounding=ROUND_HALF_EVEN)
    if amt > 0:
        acct.add(Txn(end, amt, text, type_, payee=acct.institution, category=category))


# ---------------------------------------------------------------------------
# client 1: Acme Dental (OFX checking, QFX savings, QBO card; IIF register)
# ---------------------------------------------------------------------------

PATIENTS = ["R. Alvarez", "J. Okafor", "M. Chen", "D. Kowalski", "S. Patel", "T. Nguyen", "L. Haddad",
            "K. Johansson", "E. Moreau", "P. Castillo", "A. Lindqvist", "B. O'Neill", "C. Yamamoto",
            "F. Romano", "G. Mensah", "H. Varga"]


def build_acme() -> Client:
    rng = random.Random(f"{SEED}:acme-dental")
    c = Client("acme-dental", "Acme Dental", "office@acmedental.example", "Dr. Priya Nandakumar",
               ("1200 Harbor Blvd, Suite 4", "Bayview, CA 94017"))
    routing = aba("32107411")
    chk = Account("operating-checking", "Operating Checking", "checking", "USD", "First Harbor Bank",
                  "7302214821", "ofx", Decimal("48210.37"), bank_id=routing, org="FHB", fid="1776",
                  city="Bayview, CA")
    sav = Account("reserve-savings", "Reserve Savings", "savings", "USD", "First Harbor Bank",
                  "7302219067", "qfx", Decimal("62500.00"), bank_id=routing, org="FHB", fid="1776",
                  intu_bid="1776", city="Bayview, CA")
    visa = Account("practice-visa", "Practice Visa", "credit_card", "USD", "Summit Card Services",
                   "4485000011112093", "qbo", Decimal("-3187.42"), org="SUMMITCARD", fid="5550",
                   intu_bid="5550", city="Denver, CO", tz="[-7:MST]")
    c.accounts = [chk, sav, visa]
    # February's checking file starts on Jan 27: five days overlap January's file.
    chk.windows[2] = (dt.date(YEAR, 1, 27), month_end(2))

    check_no = 1041
    for m in MONTHS:
        # --- card purchases -------------------------------------------------
        for d in sorted(rng.sample(list(days(m)), 6)):
            visa.add(Txn(d, -cents(rng, "4.25", "16.80"), "STARBUCKS STORE 05521", "POS",
                         payee="Starbucks", category="Meals and Entertainment"))
        for _ in range(rng.randint(2, 4)):
            visa.add(Txn(dt.date(YEAR, m, rng.randint(1, 28)), -cents(rng, "12.99", "189.00"),
                         f"AMZN Mktp US*{alnum(rng, 9)}", "POS", payee="Amazon", category="Office Supplies"))
        for _ in range(2):
            visa.add(Txn(dt.date(YEAR, m, rng.randint(2, 27)), -cents(rng, "310.00", "1890.00"),
                         "PEARL <WHITE> DENTAL SUPPLY", "POS", payee="Pearl White Dental Supply",
                         category="Dental Supplies"))
        visa.add(Txn(dt.date(YEAR, m, 3), Decimal("-349.00"), "TOOTHSOFT CLOUD SUBSCRIPTION", "POS",
                     payee="ToothSoft", category="Software Subscriptions"))
        visa.add(Txn(dt.date(YEAR, m, 9), Decimal("-23.99"), "ADOBE *ACROPRO SUBS 408-536-6000 CA", "POS",
                     payee="Adobe", category="Software Subscriptions"))
        for _ in range(rng.randint(1, 2)):
            visa.add(Txn(dt.date(YEAR, m, rng.randint(4, 26)), -cents(rng, "28.00", "96.00"),
                         "SQ *BLUE BOTTLE COF 0423 SAN FRANCISCO CA", "POS", payee="Blue Bottle Coffee",
                         category="Meals and Entertainment"))
        visa.add(Txn(dt.date(YEAR, m, rng.randint(5, 25)), -cents(rng, "18.00", "64.00"),
                     "CAFÉ OLÉ #2 BAYVIEW CA", "POS", payee="Café Olé", category="Meals and Entertainment"))
        visa.add(Txn(dt.date(YEAR, m, rng.randint(2, 26)), -cents(rng, "8.40", "58.00"),
                     f"USPS PO {digits(rng, 10)}", "POS", payee="USPS", category="Postage and Delivery"))
        if m == 2:   # two identical coffees on one day
            for _ in range(2):
                visa.add(Txn(dt.date(YEAR, 2, 17), Decimal("-5.45"), "STARBUCKS STORE 05521", "POS",
                             payee="Starbucks", category="Meals and Entertainment"))
        if m == 3:
            visa.add(Txn(dt.date(YEAR, 3, 20), Decimal("64.19"), "AMZN Mktp US REFUND", "CREDIT",
                         payee="Amazon", category="Office Supplies"))

        # --- checking ---------------------------------------------------------
        # rent check, written on the 1st, cleared a few business days later
        written = business_day(dt.date(YEAR, m, 1)) - dt.timedelta(days=3)
        checks = [(written, Decimal("6450.00"), "Smith & Sons Property Mgmt", "Smith & Sons Property Management",
                   "Rent", f"Suite 4 rent {calendar.month_name[m]}")]
        checks.append((dt.date(YEAR, m, 14), Decimal("450.00"), "Sparkle Janitorial Services",
                       "Sparkle Janitorial", "Janitorial", "" if m == 3 else f"Cleaning {calendar.month_abbr[m]}"))
        for _ in range(rng.randint(1, 2)):
            checks.append((dt.date(YEAR, m, rng.randint(5, 24)), dollars(rng, 640, 2780), "Oakridge Dental Lab, Inc.",
                           "Oakridge Dental Lab", "Lab Fees", f"Case {digits(rng, 5)}"))
        for written, amt, on_check, book, cat, memo in checks:
            check_no += 1
            chk.add(Txn(add_business_days(written, rng.randint(1, 4)), -amt, f"CHECK #{check_no}", "CHECK",
                        payee=book, category=cat, check_number=str(check_no), written=written,
                        check_memo=memo, memo=on_check))
        # payroll: Gusto on the 15th and the last business day
        for d in (business_day(dt.date(YEAR, m, 15)), last_business_day(m)):
            ref = alnum(rng, 10)
            chk.add(Txn(d, -cents(rng, "14180.00", "16420.00"), f"GUSTO NET {d:%y%m%d} {ref} ACME DENTAL",
                        "DIRECTDEBIT", payee="Gusto", category="Payroll Expenses:Wages"))
            chk.add(Txn(d, -cents(rng, "4810.00", "5630.00"), f"GUSTO TAX {d:%y%m%d} {ref} ACME DENTAL",
                        "DIRECTDEBIT", payee="Gusto", category="Payroll Expenses:Taxes"))
        # insurance claim payments
        for d in days(m):
            if d.weekday() in (1, 3) and is_business_day(d):
                chk.add(Txn(d, cents(rng, "880.00", "4790.00"), "BRIGHTSMILE DENTAL INS HCCLAIMPMT", "CREDIT",
                            payee="BrightSmile Dental Insurance", category="Patient Revenue:Insurance"))
        # card processor settlements
        for d in days(m):
            if is_business_day(d) and rng.random() < 0.55:
                chk.add(Txn(d, cents(rng, "310.00", "2640.00"), f"CLEARPAY MERCH DEP {digits(rng, 7)}", "CREDIT",
                            payee="ClearPay Merchant Services", category="Patient Revenue:Card"))
        # patient checks deposited at the branch (deposit slips)
        for d in (business_day(dt.date(YEAR, m, 8)), business_day(dt.date(YEAR, m, 22))):
            items = tuple((rng.choice(PATIENTS), dollars(rng, 45, 650)) for _ in range(rng.randint(3, 6)))
            total = sum((a for _, a in items), ZERO)
            chk.add(Txn(d, total, f"BRANCH DEPOSIT {d:%m%d}", "DEP", payee="Patient checks",
                        category="Patient Revenue:Patient", items=items, written=d))
        # utilities
        d = business_day(dt.date(YEAR, m, 18))
        chk.add(Txn(d, -cents(rng, "382.00", "718.00"),
                    f"PACIFIC COAST GAS & ELECTRIC COMPANY ONLINE PMT {d:%y%m%d}", "DIRECTDEBIT",
                    payee="Pacific Coast Gas & Electric", category="Utilities:Electric"))
        if m % 2 == 1:
            chk.add(Txn(business_day(dt.date(YEAR, m, 11)), -cents(rng, "92.00", "178.00"),
                        "CITY OF BAYVIEW UTILITIES WEB PMT", "DIRECTDEBIT", payee="City of Bayview",
                        category="Utilities:Water"))
        chk.add(Txn(business_day(dt.date(YEAR, m, 6)), Decimal("-229.00"), "BAYNET FIBER BUSINESS AUTOPAY",
                    "DIRECTDEBIT", payee="BayNet Fiber", category="Utilities:Internet and Phone"))
        chk.add(Txn(last_business_day(m), Decimal("-30.00"), "MONTHLY SERVICE FEE", "SRVCHG",
                    payee="First Harbor Bank", category="Bank Service Charges"))
        # transfers to and (once) from savings
        ref = digits(rng, 10)
        transfer(chk, sav, business_day(dt.date(YEAR, m, 25)), Decimal("5000.00"),
                 f"ONLINE TRANSFER TO SAV ...9067 TRANSACTION#: {ref}",
                 f"ONLINE TRANSFER FROM CHK ...4821 TRANSACTION#: {ref}", f"acme-xfer-{m:02d}")
        if m == 4:
            ref = digits(rng, 10)
            transfer(sav, chk, dt.date(YEAR, 4, 7), Decimal("12000.00"),
                     f"ONLINE TRANSFER TO CHK ...4821 TRANSACTION#: {ref}",
                     f"ONLINE TRANSFER FROM SAV ...9067 TRANSACTION#: {ref}", "acme-xfer-04b")
            chk.add(Txn(dt.date(YEAR, 4, 9), Decimal("-11850.00"), "WIRE OUT DENTALTEK EQUIPMENT CO", "DEBIT",
                        payee="DentalTek Equipment", category="Equipment", memo="Sterilizer and compressor"))
            chk.add(Txn(dt.date(YEAR, 4, 9), Decimal("-30.00"), "WIRE TRANSFER FEE", "FEE",
                        payee="First Harbor Bank", category="Bank Service Charges"))
    # card payments need the card's month-end balances; savings interest its balances
    for m in MONTHS:
        card_autopay(visa, chk, m, 12, "SUMMIT CARD SVCS AUTOPAY PPD ID: 2223334445",
                     "AUTOPAY PAYMENT - THANK YOU", "acme-card-")
        interest(sav, m, 35, 1000, "INTEREST PAYMENT", "Interest Income")
    for a in c.accounts:
        a.finish()

    c.chart = [
        ("Operating Checking", "Bank"), ("Reserve Savings", "Bank"), ("Practice Visa", "Credit Card"),
        ("Equipment", "Fixed Asset"), ("Owner's Equity", "Equity"),
        ("Patient Revenue", "Income"), ("Patient Revenue:Insurance", "Income"),
        ("Patient Revenue:Card", "Income"), ("Patient Revenue:Patient", "Income"),
        ("Interest Income", "Other Income"),
        ("Dental Supplies", "Cost of Goods Sold"), ("Lab Fees", "Cost of Goods Sold"),
        ("Rent", "Expense"), ("Janitorial", "Expense"), ("Payroll Expenses", "Expense"),
        ("Payroll Expenses:Wages", "Expense"), ("Payroll Expenses:Taxes", "Expense"),
        ("Utilities", "Expense"), ("Utilities:Electric", "Expense"), ("Utilities:Water", "Expense"),
        ("Utilities:Internet and Phone", "Expense"), ("Software Subscriptions", "Expense"),
        ("Office Supplies", "Expense"), ("Postage and Delivery", "Expense"),
        ("Meals and Entertainment", "Expense"), ("Bank Service Charges", "Expense"),
        ("Uncategorized Expense", "Expense"), ("Uncategorized Income", "Income"),
    ]
    c.register_format = "iif"
    c.register_accounts = {"Operating Checking": chk.slug, "Practice Visa": visa.slug, "Reserve Savings": sav.slug}
    return c


# ---------------------------------------------------------------------------
# client 2: Birch & Co Landscaping (Chase-layout CSV, OFX 2 XML savings, debit/credit card CSV; CSV register)
# ---------------------------------------------------------------------------

CUSTOMERS = ["Margaret Lin", "Harold Brooks", "Westfield HOA", "Sunrise Senior Living", "Oak Hollow Apartments",
             "Dana Whitfield", "Pinecrest Dental Group", "Robert Iyer", "Lakeside Church", "Gloria Fenwick"]


def build_birch() -> Client:
    rng = random.Random(f"{SEED}:birch-co-landscaping")
    c = Client("birch-co-landscaping", "Birch & Co Landscaping", "books@birchco.example", "Marisol Birch",
               ("88 Quarry Road", "Ashford, OR 97520"))
    routing = aba("26400978")
    chk = Account("business-checking", "Business Checking", "checking", "USD", "Granite Ridge Bank",
                  "4410078830", "csv", Decimal("21406.18"), bank_id=routing, csv_layout="chase_checking",
                  city="Ashford, OR")
    sav = Account("equipment-reserve", "Equipment Reserve", "savings", "USD", "Granite Ridge Bank",
                  "4410095520", "ofx2", Decimal("15000.00"), bank_id=routing, org="GRB", fid="26400",
                  city="Ashford, OR")
    card = Account("business-mastercard", "Business Mastercard", "credit_card", "USD", "Meridian Card",
                   "5412750012347716", "csv", Decimal("-1942.60"), csv_layout="debit_credit_card",
                   city="Richmond, VA", tz="[-5:EST]")
    c.accounts = [chk, card, sav]
    # March's checking CSV starts on Feb 24 (overlaps February's by five days)
    chk.windows[3] = (dt.date(YEAR, 2, 24), month_end(3))

    check_no = 2210
    for m in MONTHS:
        season = 1 if m <= 2 else 2            # spring is busy
        # --- card ----------------------------------------------------------------
        for _ in range(rng.randint(6, 10)):
            name = rng.choice(["SHELL OIL 57442", "CHEVRON 0204511"])
            card.add(Txn(dt.date(YEAR, m, rng.randint(1, 28)), -cents(rng, "45.00", "142.00"), name, "POS",
                         payee=name.split()[0].title(), category="Automobile:Fuel"))
        for _ in range(rng.randint(3, 6)):
            card.add(Txn(dt.date(YEAR, m, rng.randint(1, 28)), -cents(rng, "24.00", "780.00"),
                         "THE HOME DEPOT #6612", "POS", payee="Home Depot", category="Job Materials"))
        for _ in range(rng.randint(2, 2 + 2 * season)):
            card.add(Txn(dt.date(YEAR, m, rng.randint(1, 28)), -cents(rng, "150.00", "1100.00" if season == 1 else "2200.00"),
                         "GREEN <LEAF> NURSERY SUPPLY", "POS", payee="Green Leaf Nursery", category="Plants and Soil"))
        for d in sorted(rng.sample(list(days(m)), 4)):
            card.add(Txn(d, -cents(rng, "3.95", "14.20"), "STARBUCKS STORE 05521", "POS", payee="Starbucks",
                         category="Meals and Entertainment"))
        for _ in range(rng.randint(1, 3)):
            card.add(Txn(dt.date(YEAR, m, rng.randint(1, 28)), -cents(rng, "9.99", "149.00"),
                         f"AMZN Mktp US*{alnum(rng, 9)}", "POS", payee="Amazon", category="Office Supplies"))
        card.add(Txn(dt.date(YEAR, m, rng.randint(3, 25)), -cents(rng, "18.00", "220.00"), "AUTOZONE #4410",
                     "POS", payee="AutoZone", category="Automobile:Repairs"))
        if m == 3:   # two identical coffees on one day
            for _ in range(2):
                card.add(Txn(dt.date(YEAR, 3, 11), Decimal("-4.85"), "STARBUCKS STORE 05521", "POS",
                             payee="Starbucks", category="Meals and Entertainment"))
        if m == 4:
            card.add(Txn(dt.date(YEAR, 4, 16), Decimal("86.40"), "THE HOME DEPOT #6612", "CREDIT",
                         payee="Home Depot", category="Job Materials", memo="Return"))

        # --- checking ---------------------------------------------------------------
        checks = [(dt.date(YEAR, m, 1) - dt.timedelta(days=2), Decimal("2800.00"), "Maple Yard Holdings LLC",
                   "Maple Yard Holdings", "Rent or Lease", f"Yard lease {calendar.month_abbr[m]} {YEAR}")]
        for _ in range(season):
            who = rng.choice([("Luis Ortega", "Luis Ortega", "Subcontractors", "Tree work"),
                              ("Greenway Tree Service LLC", "Greenway Tree Service", "Subcontractors", "Stump grinding")])
            checks.append((dt.date(YEAR, m, rng.randint(6, 24)), dollars(rng, 400, 2600), who[0], who[1], who[2], who[3]))
        checks.append((dt.date(YEAR, m, rng.randint(10, 20)), cents(rng, "88.00", "316.00"), "Ashford County Landfill",
                       "Ashford County", "Dump Fees", ""))
        for written, amt, on_check, book, cat, memo in checks:
            check_no += 1
            chk.add(Txn(add_business_days(written, rng.randint(1, 5)), -amt, f"CHECK {check_no}", "CHECK",
                        payee=book, category=cat, check_number=str(check_no), written=written, check_memo=memo,
                        memo=on_check))
        for d in weekdays(m, 4):   # Fridays: weekly payroll
            d = business_day(d) if is_business_day(d) else d - dt.timedelta(days=1)
            lo, hi = ("5200.00", "6900.00") if season == 1 else ("7400.00", "9800.00")
            chk.add(Txn(d, -cents(rng, lo, hi), f"ADP WAGE PAY WAGE PAY {digits(rng, 9)} BIRCH & CO", "DIRECTDEBIT",
                        payee="ADP", category="Payroll Expenses:Wages"))
            chk.add(Txn(d, -cents(rng, "1520.00", "2880.00"), f"ADP Tax ADP Tax {d:%y%m%d} {digits(rng, 6)}",
                        "DIRECTDEBIT", payee="ADP", category="Payroll Expenses:Taxes"))
        for i, d in enumerate(weekdays(m, 0)):   # every other Monday: checks from customers
            if i % 2:
                continue
            d = business_day(d)
            items = tuple((rng.choice(CUSTOMERS), dollars(rng, 180, 3600)) for _ in range(rng.randint(2, 5)))
            chk.add(Txn(d, sum((a for _, a in items), ZERO), f"DEPOSIT ID NUMBER {digits(rng, 6)}", "DEP",
                        payee="Customer checks", category="Landscaping Services", items=items, written=d))
        for _ in range(rng.randint(2, 4)):
            who = rng.choice(CUSTOMERS)
            chk.add(Txn(business_day(dt.date(YEAR, m, rng.randint(1, 27))), dollars(rng, 120, 640),
                        f"Zelle payment from {who.upper()} {digits(rng, 8)}", "CREDIT", payee=who,
                        category="Landscaping Services"))
        for d in weekdays(m, 2):   # Wednesdays: card payouts
            d = business_day(d)
            chk.add(Txn(d, cents(rng, "780.00", "2400.00" if season == 1 else "4200.00"),
                        f"STRIPE TRANSFER ST-{alnum(rng, 8)} BIRCH & CO LANDSC", "CREDIT", payee="Stripe",
                        category="Landscaping Services"))
        chk.add(Txn(business_day(dt.date(YEAR, m, 5)), Decimal("-1250.00"), "IRONWOOD EQUIP FIN LOAN PMT", "DIRECTDEBIT",
                    payee="Ironwood Equipment Finance", category="Equipment Loan"))
        chk.add(Txn(business_day(dt.date(YEAR, m, 20)), -cents(rng, "244.00", "392.00"),
                    f"PACIFIC COAST GAS & ELECTRIC COMPANY ONLINE PMT {m:02d}{YEAR}", "DIRECTDEBIT",
                    payee="Pacific Coast Gas & Electric", category="Utilities"))
        chk.add(Txn(business_day(dt.date(YEAR, m, 23)), -cents(rng, "288.00", "336.00"), "NORTHSTAR WIRELESS PAYMENT",
                    "DIRECTDEBIT", payee="Northstar Wireless", category="Telephone"))
        chk.add(Txn(business_day(dt.date(YEAR, m, 2)), Decimal("-612.00"), "HARTWELL MUTUAL INS PREM", "DIRECTDEBIT",
                    payee="Hartwell Mutual", category="Insurance"))
        if m <= 2:
            chk.add(Txn(last_business_day(m), Decimal("-15.00"), "MONTHLY SERVICE FEE", "SRVCHG",
                        payee="Granite Ridge Bank", category="Bank Service Charges"))
        ref = digits(rng, 8)
        d = business_day(dt.date(YEAR, m, 1) + dt.timedelta(days=1))
        transfer(chk, sav, d, Decimal("2000.00"), f"Online Transfer to SAV ...5520 transaction#: {ref} {d:%m/%d}",
                 f"ONLINE TRANSFER FROM CHK ...8830 REF {ref}", f"birch-xfer-{m:02d}", dst_type="XFER")
        if m == 5:
            ref = digits(rng, 8)
            transfer(sav, chk, dt.date(YEAR, 5, 12), Decimal("9500.00"), f"ONLINE TRANSFER TO CHK ...8830 REF {ref}",
                     f"Online Transfer from SAV ...5520 transaction#: {ref} 05/12", "birch-xfer-05b")
            chk.add(Txn(dt.date(YEAR, 5, 13), Decimal("-9380.00"), "ONLINE PAYMENT TO ASHFORD TRACTOR & MOWER",
                        "DEBIT", payee="Ashford Tractor & Mower", category="Equipment"))
    for m in MONTHS:
        card_autopay(card, chk, m, 8, "MERIDIAN CARD PMT AUTOPAY", "AUTOPAY PAYMENT RECEIVED - THANK YOU",
                     "birch-card-")
        interest(sav, m, 42, 1000, "INTEREST PAID", "Interest Income")
    for a in c.accounts:
        a.finish()
    c.chart = [
        ("Business Checking", "Bank"), ("Equipment Reserve", "Bank"), ("Business Mastercard", "Credit Card"),
        ("Equipment", "Fixed Asset"), ("Equipment Loan", "Long Term Liability"), ("Owner's Equity", "Equity"),
        ("Landscaping Services", "Income"), ("Interest Income", "Other Income"),
        ("Plants and Soil", "Cost of Goods Sold"), ("Job Materials", "Cost of Goods Sold"),
        ("Subcontractors", "Cost of Goods Sold"), ("Dump Fees", "Cost of Goods Sold"),
        ("Automobile", "Expense"), ("Automobile:Fuel", "Expense"), ("Automobile:Repairs", "Expense"),
        ("Payroll Expenses", "Expense"), ("Payroll Expenses:Wages", "Expense"), ("Payroll Expenses:Taxes", "Expense"),
        ("Rent or Lease", "Expense"), ("Insurance", "Expense"), ("Utilities", "Expense"), ("Telephone", "Expense"),
        ("Office Supplies", "Expense"), ("Meals and Entertainment", "Expense"), ("Bank Service Charges", "Expense"),
        ("Interest Expense", "Expense"), ("Uncategorized Expense", "Expense"), ("Uncategorized Income", "Income"),
    ]
    c.register_format = "csv"
    c.register_accounts = {"Business Checking": chk.slug}
    return c


# ---------------------------------------------------------------------------
# client 3: Cedar Street Bakery (QIF checking, QBO 3-column CSV card, EUR semicolon CSV)
# ---------------------------------------------------------------------------

def build_cedar() -> Client:
    rng = random.Random(f"{SEED}:cedar-street-bakery")
    c = Client("cedar-street-bakery", "Cedar Street Bakery", "hello@cedarstreetbakery.example", "Henri Dubois",
               ("412 Cedar Street", "Portwood, WA 98370"))
    chk = Account("checking", "Checking", "checking", "USD", "Cascade Community Credit Union", "61550032",
                  "qif", Decimal("18950.44"), bank_id=aba("32507020"), city="Portwood, WA")
    card = Account("rewards-card", "Business Rewards Card", "credit_card", "USD", "Cascade Community Credit Union",
                   "379155800720064", "csv", Decimal("-2210.15"), csv_layout="qbo_3col", city="Portwood, WA")
    eur = Account("eur-account", "Compte EUR", "checking", "EUR", "Banque du Rhône",
                  "FR7630004000031234567890143", "csv", Decimal("6500.00"), csv_layout="eu_semicolon",
                  city="Lyon, France", tz="[+1:CET]")
    c.accounts = [chk, card, eur]
    # June's card file starts on May 27 (overlaps May's)
    card.windows[6] = (dt.date(YEAR, 5, 27), month_end(6))

    check_no = 3300
    for m in MONTHS:
        # --- card -------------------------------------------------------------------
        for _ in range(rng.randint(2, 4)):
            card.add(Txn(dt.date(YEAR, m, rng.randint(1, 28)), -cents(rng, "180.00", "920.00"), "RESTAURANT DEPOT #12",
                         "POS", payee="Restaurant Depot", category="Cost of Goods Sold:Ingredients"))
        for _ in range(rng.randint(1, 2)):
            card.add(Txn(dt.date(YEAR, m, rng.randint(1, 28)), -cents(rng, "88.00", "610.00"), "WEBSTAURANTSTORE",
                         "POS", payee="WebstaurantStore", category="Kitchen Supplies"))
        for _ in range(2):
            card.add(Txn(dt.date(YEAR, m, rng.randint(2, 26)), -cents(rng, "120.00", "380.00"),
                         "SQ *BLUE BOTTLE COF 0423 SAN FRANCISCO CA", "POS", payee="Blue Bottle Coffee",
                         category="Cost of Goods Sold:Coffee"))
        for _ in range(rng.randint(2, 3)):
            card.add(Txn(dt.date(YEAR, m, rng.randint(1, 28)), -cents(rng, "9.99", "129.00"),
                         f"AMZN Mktp US*{alnum(rng, 9)}", "POS", payee="Amazon", category="Office Supplies"))
        for _ in range(rng.randint(2, 3)):
            card.add(Txn(dt.date(YEAR, m, rng.randint(1, 28)), -cents(rng, "150.00", "480.00"), "COSTCO WHSE #0481",
                         "POS", payee="Costco", category="Cost of Goods Sold:Ingredients"))
        for d in sorted(rng.sample(list(days(m)), 2)):
            card.add(Txn(d, -cents(rng, "4.10", "11.60"), "STARBUCKS STORE 05521", "POS", payee="Starbucks",
                         category="Meals and Entertainment"))
        card.add(Txn(dt.date(YEAR, m, 14), Decimal("-14.99"), f"CANVA* I0{digits(rng, 7)}", "POS", payee="Canva",
                     category="Advertising and Marketing"))
        if m == 4:   # two identical coffees on one day
            for _ in range(2):
                card.add(Txn(dt.date(YEAR, 4, 21), Decimal("-6.45"), "STARBUCKS STORE 05521", "POS",
                             payee="Starbucks", category="Meals and Entertainment"))

        # --- checking -------------------------------------------------------------
        for d in days(m):
            if is_business_day(d) and rng.random() < 0.7:
                chk.add(Txn(d, cents(rng, "640.00", "2380.00"),
                            f"SQUARE INC SQ{d:%y%m%d} L2{digits(rng, 6)} CEDAR STREET BAKERY", "CREDIT",
                            payee="Square", category="Sales"))
        for d in (business_day(dt.date(YEAR, m, 10)), business_day(dt.date(YEAR, m, 24))):
            items = [("Cash", dollars(rng, 240, 1100)), ("Coin", cents(rng, "12.00", "68.00"))]
            if rng.random() < 0.6:
                items.append((rng.choice(["Portwood Library Friends", "St. Anne School PTA", "Harbor Yoga Studio"]),
                              dollars(rng, 90, 420)))
            chk.add(Txn(d, sum((a for _, a in items), ZERO), "DEPOSIT", "DEP", payee="Cash and catering checks",
                        category="Sales", items=tuple(items), written=d))
        checks = [(dt.date(YEAR, m, 1) - dt.timedelta(days=4), Decimal("4200.00"), "Cedar Street Partners LP",
                   "Cedar Street Partners", "Rent", f"Rent {calendar.month_name[m]} {YEAR}")]
        for _ in range(2):
            checks.append((dt.date(YEAR, m, rng.randint(3, 25)), cents(rng, "610.00", "1840.00"),
                           "Columbia Mills Flour Co.", "Columbia Mills", "Cost of Goods Sold:Ingredients",
                           f"Inv {digits(rng, 5)}"))
        checks.append((dt.date(YEAR, m, rng.randint(5, 22)), cents(rng, "410.00", "880.00"), "Sunny Meadow Dairy",
                       "Sunny Meadow Dairy", "Cost of Goods Sold:Ingredients", "Butter and cream"))
        for written, amt, on_check, book, cat, memo in checks:
            check_no += 1
            chk.add(Txn(add_business_days(written, rng.randint(1, 4)), -amt, f"CHECK {check_no}", "CHECK",
                        payee=book, category=cat, check_number=str(check_no), written=written, check_memo=memo,
                        memo=on_check))
        fridays = weekdays(m, 4)
        for d in fridays[(m % 2)::2]:   # every other Friday
            chk.add(Txn(d, -cents(rng, "5820.00", "7380.00"), "PAYCHEX-RCX PAYROLL", "DIRECTDEBIT", payee="Paychex",
                        category="Payroll Expenses:Wages"))
            chk.add(Txn(d, -cents(rng, "1610.00", "2290.00"), "PAYCHEX TPS TAXES", "DIRECTDEBIT", payee="Paychex",
                        category="Payroll Expenses:Taxes"))
        chk.add(Txn(business_day(dt.date(YEAR, m, 16)), -cents(rng, "278.00", "642.00"), "CASCADIA NATURAL GAS WEBPAY",
                    "DIRECTDEBIT", payee="Cascadia Natural Gas", category="Utilities:Gas"))
        chk.add(Txn(business_day(dt.date(YEAR, m, 19)), -cents(rng, "512.00", "866.00"),
                    "PACIFIC COAST GAS & ELECTRIC COMPANY ONLINE PMT", "DIRECTDEBIT",
                    payee="Pacific Coast Gas & Electric", category="Utilities:Electric"))
        if m % 2 == 0:
            chk.add(Txn(business_day(dt.date(YEAR, m, 12)), -cents(rng, "140.00", "260.00"), "CITY OF PORTWOOD WATER",
                        "DIRECTDEBIT", payee="City of Portwood", category="Utilities:Water"))
        chk.add(Txn(last_business_day(m), Decimal("-10.00"), "ACCOUNT MAINTENANCE FEE", "SRVCHG",
                    payee="Cascade Community Credit Union", category="Bank Service Charges"))
        if m in (2, 5):   # fund the EUR account: USD out, EUR in (different amounts, both legs)
            d = business_day(dt.date(YEAR, m, 11))
            usd, eur_amt = (Decimal("5400.00"), Decimal("4968.00")) if m == 2 else (Decimal("4300.00"), Decimal("3973.20"))
            transfer(chk, eur, d, usd, f"INTL WIRE OUT {d:%y%m%d} BNF CEDAR STREET BAKERY EUR",
                     "VIR SEPA RECU /DE CEDAR STREET BAKERY /MOTIF FUNDING", f"cedar-wire-{m:02d}", src_type="DEBIT",
                     dst_type="CREDIT", lag=2, dst_amount=eur_amt)
            chk.add(Txn(d, Decimal("-45.00"), "INTL WIRE FEE", "FEE", payee="Cascade Community Credit Union",
                        category="Bank Service Charges"))

        # --- EUR ----------------------------------------------------------------------
        eur.add(Txn(business_day(dt.date(YEAR, m, 6)), -cents(rng, "380.00", "1240.00"),
                    "PRLV SEPA MOULIN DE LA VALLÉE SARL", "DIRECTDEBIT", payee="Moulin de la Vallée",
                    category="Cost of Goods Sold:Ingredients"))
        eur.add(Txn(business_day(dt.date(YEAR, m, 15)), -cents(rng, "260.00", "920.00"),
                    "VIR SEPA EMIS /A CHOCOLATERIE BELLEFOND", "DEBIT", payee="Chocolaterie Bellefond",
                    category="Cost of Goods Sold:Ingredients"))
        eur.add(Txn(business_day(dt.date(YEAR, m, 1) + dt.timedelta(days=2)), Decimal("-8.50"),
                    "FRAIS TENUE DE COMPTE", "SRVCHG", payee="Banque du Rhône", category="Bank Service Charges"))
        if m == 3:   # the buying trip to Lyon
            for d in (dt.date(YEAR, 3, 10), dt.date(YEAR, 3, 11), dt.date(YEAR, 3, 12)):
                eur.add(Txn(d, -cents(rng, "6.80", "24.50"), f"CB CAFÉ OLÉ LYON {d:%d/%m}", "POS", payee="Café Olé",
                            category="Travel"))
            eur.add(Txn(dt.date(YEAR, 3, 11), Decimal("-412.00"), "CB HOTEL DES CELESTINS LYON", "POS",
                        payee="Hôtel des Célestins", category="Travel"))
        if m in (3, 6):
            eur.add(Txn(month_end(m), (eur.balance_at(month_end(m)) * 5 / 1000 / 4).quantize(CENT),
                        "INTERETS CREDITEURS", "INT", payee="Banque du Rhône", category="Interest Income"))
        eur.add(Txn(business_day(dt.date(YEAR, m, 20)), Decimal("-1.20"), "COMMISSION VIREMENT SEPA", "FEE",
                    payee="Banque du Rhône", category="Bank Service Charges"))
    for m in MONTHS:
        card_autopay(card, chk, m, 15, "CASCADE CCU CARD PMT ONLINE", "PAYMENT RECEIVED - THANK YOU", "cedar-card-")
        interest(chk, m, 5, 1000, "DIVIDEND", "Interest Income", type_="INT")
    for a in c.accounts:
        a.finish()
    c.chart = [
        ("Checking", "Bank"), ("Compte EUR", "Bank"), ("Business Rewards Card", "Credit Card"),
        ("Owner's Equity", "Equity"), ("Sales", "Income"), ("Interest Income", "Other Income"),
        ("Cost of Goods Sold", "Cost of Goods Sold"), ("Cost of Goods Sold:Ingredients", "Cost of Goods Sold"),
        ("Cost of Goods Sold:Coffee", "Cost of Goods Sold"), ("Kitchen Supplies", "Expense"),
        ("Rent", "Expense"), ("Payroll Expenses", "Expense"), ("Payroll Expenses:Wages", "Expense"),
        ("Payroll Expenses:Taxes", "Expense"), ("Utilities", "Expense"), ("Utilities:Gas", "Expense"),
        ("Utilities:Electric", "Expense"), ("Utilities:Water", "Expense"), ("Office Supplies", "Expense"),
        ("Advertising and Marketing", "Expense"), ("Meals and Entertainment", "Expense"), ("Travel", "Expense"),
        ("Bank Service Charges", "Expense"), ("Uncategorized Expense", "Expense"), ("Uncategorized Income", "Income"),
    ]
    return c
