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
    check_payee: str = ""        # payee as written on the check image
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
            checks.append((dt.date(YEAR, m, rng.randint(5, 24)), dollars(rng, 640, 2780), "Oakridge Dental Laboratory & Ceramics, Inc.",
                           "Oakridge Dental Lab", "Lab Fees", f"Case {digits(rng, 5)}"))
        for written, amt, on_check, book, cat, memo in checks:
            check_no += 1
            chk.add(Txn(add_business_days(written, rng.randint(1, 4)), -amt, f"CHECK #{check_no}", "CHECK",
                        payee=book, category=cat, check_number=str(check_no), written=written,
                        check_memo=memo, check_payee=on_check))
        # payroll: Gusto on the 15th and the last business day
        for d in (business_day(dt.date(YEAR, m, 15)), last_business_day(m)):
            ref = alnum(rng, 10)
            chk.add(Txn(d, -cents(rng, "11180.00", "12920.00"), f"GUSTO NET {d:%y%m%d} {ref} ACME DENTAL",
                        "DIRECTDEBIT", payee="Gusto", category="Payroll Expenses:Wages"))
            chk.add(Txn(d, -cents(rng, "3610.00", "4330.00"), f"GUSTO TAX {d:%y%m%d} {ref} ACME DENTAL",
                        "DIRECTDEBIT", payee="Gusto", category="Payroll Expenses:Taxes"))
        # insurance claim payments
        for d in days(m):
            if d.weekday() in (1, 3) and is_business_day(d):
                chk.add(Txn(d, cents(rng, "880.00", "4790.00"), "BRIGHTSMILE DENTAL INS HCCLAIMPMT", "CREDIT",
                            payee="BrightSmile Dental Insurance", category="Patient Revenue:Insurance"))
        # card processor settlements
        for d in days(m):
            if is_business_day(d) and rng.random() < 0.7:
                chk.add(Txn(d, cents(rng, "480.00", "3000.00"), f"CLEARPAY MERCH DEP {digits(rng, 7)}", "CREDIT",
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
                    payee="Pacific Coast Gas & Electric Company", category="Utilities:Electric"))
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
                        check_payee=on_check))
        for d in weekdays(m, 4):   # Fridays: weekly payroll
            d = business_day(d) if is_business_day(d) else d - dt.timedelta(days=1)
            lo, hi = ("2600.00", "3400.00") if season == 1 else ("3800.00", "5000.00")
            chk.add(Txn(d, -cents(rng, lo, hi), f"ADP WAGE PAY WAGE PAY {digits(rng, 9)} BIRCH & CO", "DIRECTDEBIT",
                        payee="ADP", category="Payroll Expenses:Wages"))
            chk.add(Txn(d, -cents(rng, "700.00", "1300.00"), f"ADP Tax ADP Tax {d:%y%m%d} {digits(rng, 6)}",
                        "DIRECTDEBIT", payee="ADP", category="Payroll Expenses:Taxes"))
        for i, d in enumerate(weekdays(m, 0)):   # every other Monday: checks from customers
            if i % 2:
                continue
            d = business_day(d)
            hi = 5200 if season == 1 else 7000
            items = tuple((rng.choice(CUSTOMERS), dollars(rng, 400, hi)) for _ in range(rng.randint(2, 5)))
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
                    payee="Pacific Coast Gas & Electric Company", category="Utilities:Electric"))
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
        ("Rent or Lease", "Expense"), ("Insurance", "Expense"), ("Utilities", "Expense"),
        ("Utilities:Electric", "Expense"), ("Telephone", "Expense"),
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
    # June's card file starts on May 25 (overlaps May's by a week)
    card.windows[6] = (dt.date(YEAR, 5, 25), month_end(6))

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
        if m == 5:   # a late-May purchase, repeated in June's overlapping file
            card.add(Txn(dt.date(YEAR, 5, 29), Decimal("-212.40"), "RESTAURANT DEPOT #12", "POS",
                         payee="Restaurant Depot", category="Cost of Goods Sold:Ingredients"))
        if m == 4:   # two identical coffees on one day
            for _ in range(2):
                card.add(Txn(dt.date(YEAR, 4, 21), Decimal("-6.45"), "STARBUCKS STORE 05521", "POS",
                             payee="Starbucks", category="Meals and Entertainment"))

        # --- checking -------------------------------------------------------------
        for d in days(m):
            if is_business_day(d) and rng.random() < 0.85:
                chk.add(Txn(d, cents(rng, "900.00", "2600.00"),
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
                        check_payee=on_check))
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
                    payee="Pacific Coast Gas & Electric Company", category="Utilities:Electric"))
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


# ---------------------------------------------------------------------------
# the accounting package's register (Jan-Mar), as a bookkeeper keyed it
# ---------------------------------------------------------------------------

REGISTER_END = dt.date(YEAR, 3, 31)


def build_register(c: Client) -> None:
    """Register entries for part of the history: every check (dated as written),
    every transfer and deposit, most other bank lines and some card lines, with
    dates sometimes one to three days off and payees as a bookkeeper spells them."""
    rng = random.Random(f"{SEED}:{c.slug}:register")
    names = {slug: name for name, slug in c.register_accounts.items()}
    by_slug = {a.slug: a for a in c.accounts}
    seen_transfers: set[str] = set()
    entries: list[tuple[dt.date, int, RegisterEntry, list[Txn]]] = []
    n = 0
    for slug in names:
        acct = by_slug[slug]
        card = acct.kind == "credit_card"
        for t in acct.txns:
            date = t.written or t.posted
            if not (FIRST <= date <= REGISTER_END):
                continue
            main, legs, account_name, amount = t, [t], names[slug], t.amount
            if t.transfer:
                if t.transfer in seen_transfers:
                    continue
                seen_transfers.add(t.transfer)
                other = next(a for a in c.accounts if a is not acct and any(x.transfer == t.transfer for x in a.txns))
                other_leg = next(x for x in other.txns if x.transfer == t.transfer)
                if other.slug in names:
                    legs.append(other_leg)
                    if t.amount > 0:          # written from the paying side
                        main, acct_main, off = other_leg, other, acct
                    else:
                        acct_main, off = acct, other
                else:
                    acct_main, off = acct, other
                account_name, amount, date = names[acct_main.slug], main.amount, main.posted
                entry_type = "CHECK" if off.kind == "credit_card" and amount < 0 else "TRANSFER"
                name = off.institution if off.kind == "credit_card" else ""
                splits = ((off.name, -amount, ""),)
            elif t.check_number:
                entry_type, name, splits = "CHECK", t.payee, ((t.category, -t.amount, ""),)
            elif t.items:
                entry_type, name = "DEPOSIT", ""
                splits = tuple((t.category, -a, who if who not in ("Cash", "Coin") else "") for who, a in t.items)
            else:
                if rng.random() > (0.45 if card else 0.8):
                    continue
                if card:
                    entry_type = "CREDIT CARD" if t.amount < 0 else "CCARD REFUND"
                else:
                    entry_type = "CHECK" if t.amount < 0 else "DEPOSIT"
                name, splits = t.payee, ((t.category, -t.amount, ""),)
                if rng.random() < 0.35:      # keyed from the bill or receipt, not the bank line
                    shifted = t.posted + dt.timedelta(days=rng.choice((-3, -2, -1, -1, 1, 1, 2, 3)))
                    date = shifted if FIRST <= shifted <= REGISTER_END else t.posted
            n += 1
            rid = f"{c.slug[:4].upper()}-{n:04d}"
            memo = main.check_memo if main.check_number else (main.memo if rng.random() < 0.5 else "")
            entry = RegisterEntry(rid, date, entry_type, account_name, name, amount, splits,
                                  docnum=main.check_number, memo=memo)
            for leg in legs:
                leg.register = rid
            entries.append((date, len(entries), entry, legs))
    entries.sort(key=lambda e: (e[0], e[1]))
    c.register = [e[2] for e in entries]


IIF_TYPES = {"Bank": "BANK", "Credit Card": "CCARD", "Income": "INC", "Other Income": "EXINC",
             "Cost of Goods Sold": "COGS", "Expense": "EXP", "Other Expense": "EXEXP", "Fixed Asset": "FIXASSET",
             "Equity": "EQUITY", "Long Term Liability": "LTLIAB"}


def write_iif(c: Client) -> bytes:
    """QuickBooks Desktop IIF: accounts, then TRNS/SPL/ENDTRNS (tab separated, cp1252, CRLF)."""
    rows = [["!ACCNT", "NAME", "ACCNTTYPE", "DESC"]]
    rows += [["ACCNT", name, IIF_TYPES[kind], ""] for name, kind in c.chart]
    rows += [["!TRNS", "TRNSID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "CLASS", "AMOUNT", "DOCNUM", "MEMO", "CLEAR",
              "TOPRINT"],
             ["!SPL", "SPLID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "CLASS", "AMOUNT", "DOCNUM", "MEMO", "CLEAR"],
             ["!ENDTRNS"]]
    tid = 1000
    for e in c.register:
        tid += 1
        date = f"{e.date:%m/%d/%Y}"
        clear = "Y" if e.date.month == 1 else "N"
        rows.append(["TRNS", str(tid), e.type, date, e.account, e.name, "", plain(e.amount), e.docnum, e.memo,
                     clear, "N"])
        for acct, amt, who in e.splits:
            tid += 1
            rows.append(["SPL", str(tid), e.type, date, acct, who, "", plain(amt), "", e.memo, clear])
        rows.append(["ENDTRNS"])
    return ("\r\n".join("\t".join(r) for r in rows) + "\r\n").encode("cp1252")


def write_register_csv(c: Client, acct: Account) -> bytes:
    """A QuickBooks Online-style account register export (payments and deposits as
    positive numbers with thousands separators, running balance)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["Date", "Ref No.", "Type", "Payee", "Account", "Memo", "Payment", "Deposit",
                "Reconciliation Status", "Balance"])
    posted = {t.register: t.posted for t in acct.txns if t.register}
    # a check written before January but cleared in January is already in the opening register balance
    bal = acct.opening + sum((t.amount for t in acct.txns if t.written and t.written < FIRST), ZERO)
    kinds = {"CHECK": "Check", "DEPOSIT": "Deposit", "TRANSFER": "Transfer"}
    for e in c.register:
        bal += e.amount
        kind = kinds[e.type] if e.docnum or e.type != "CHECK" else "Expense"
        if e.type == "CHECK" and not e.docnum and e.splits[0][0] in {a.name for a in c.accounts}:
            kind = "Credit Card Payment"
        split = e.splits[0][0] if len(e.splits) == 1 else "-Split-"
        cleared = posted.get(e.id)
        status = "" if cleared is None else ("Reconciled" if cleared <= dt.date(YEAR, 2, 28) else "Cleared")
        w.writerow([f"{e.date:%m/%d/%Y}", e.docnum, kind, e.name, split, e.memo,
                    grouped(-e.amount) if e.amount < 0 else "", grouped(e.amount) if e.amount > 0 else "",
                    status, grouped(bal)])
    return out.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------
# bank file writers
# ---------------------------------------------------------------------------

def ofx_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ofx_dt(d: dt.date, tz: str, hms: str = "120000") -> str:
    return f"{d:%Y%m%d}{hms}.000{tz}"


def ofx_elements(a: Account, start: dt.date, end: dt.date, *, intu_bid: bool) -> list:
    """The OFX tree as nested (tag, value-or-children) pairs, in spec element order."""
    def status():
        return ("STATUS", [("CODE", "0"), ("SEVERITY", "INFO")])

    sonrs = [status(), ("DTSERVER", ofx_dt(end + dt.timedelta(days=1), a.tz, "060000")), ("LANGUAGE", "ENG"),
             ("FI", [("ORG", a.org), ("FID", a.fid)])]
    if intu_bid:
        sonrs.append(("INTU.BID", a.intu_bid))
    trns = []
    for t in a.between(start, end):
        name, memo = t.text, t.memo
        if len(name) > 32:               # NAME is 32 characters at most: the rest goes to MEMO
            name, memo = name[:32].rstrip(), (t.text + (f" {memo}" if memo else ""))
        el = [("TRNTYPE", t.type), ("DTPOSTED", ofx_dt(t.posted, a.tz)), ("TRNAMT", plain(t.amount)),
              ("FITID", t.fitid)]
        if t.check_number:
            el.append(("CHECKNUM", t.check_number))
        el.append(("NAME", name))
        if memo:                         # never an empty element
            el.append(("MEMO", memo))
        trns.append(("STMTTRN", el))
    tranlist = ("BANKTRANLIST", [("DTSTART", ofx_dt(start, a.tz)), ("DTEND", ofx_dt(end, a.tz)), *trns])
    bal = plain(a.balance_at(end))
    ledger = ("LEDGERBAL", [("BALAMT", bal), ("DTASOF", ofx_dt(end, a.tz, "235959"))])
    if a.kind == "credit_card":
        rs = ("CCSTMTRS", [("CURDEF", a.currency), ("CCACCTFROM", [("ACCTID", a.number)]), tranlist, ledger])
        msgs = ("CREDITCARDMSGSRSV1", [("CCSTMTTRNRS", [("TRNUID", "1"), status(), rs])])
    else:
        acctfrom = ("BANKACCTFROM", [("BANKID", a.bank_id), ("ACCTID", a.number), ("ACCTTYPE", a.kind.upper())])
        avail = ("AVAILBAL", [("BALAMT", bal), ("DTASOF", ofx_dt(end, a.tz, "235959"))])
        rs = ("STMTRS", [("CURDEF", a.currency), acctfrom, tranlist, ledger, avail])
        msgs = ("BANKMSGSRSV1", [("STMTTRNRS", [("TRNUID", "1"), status(), rs])])
    return [("OFX", [("SIGNONMSGSRSV1", [("SONRS", sonrs)]), msgs])]


def render_sgml(tree: list) -> list[str]:
    lines = []
    for tag, value in tree:
        if isinstance(value, list):
            lines.append(f"<{tag}>")
            lines += render_sgml(value)
            lines.append(f"</{tag}>")
        else:
            lines.append(f"<{tag}>{ofx_escape(value)}")
    return lines


def render_xml(tree: list, depth: int = 0) -> list[str]:
    pad = "  " * depth
    lines = []
    for tag, value in tree:
        if isinstance(value, list):
            lines.append(f"{pad}<{tag}>")
            lines += render_xml(value, depth + 1)
            lines.append(f"{pad}</{tag}>")
        else:
            lines.append(f"{pad}<{tag}>{ofx_escape(value)}</{tag}>")
    return lines


OFX1_HEADER = ["OFXHEADER:100", "DATA:OFXSGML", "VERSION:102", "SECURITY:NONE", "ENCODING:USASCII",
               "CHARSET:1252", "COMPRESSION:NONE", "OLDFILEUID:NONE", "NEWFILEUID:NONE", ""]


def write_ofx1(a: Account, start: dt.date, end: dt.date) -> bytes:
    """OFX 1.0.2 SGML (.ofx; .qfx and .qbo add INTU.BID). CRLF, cp1252 as declared."""
    lines = OFX1_HEADER + render_sgml(ofx_elements(a, start, end, intu_bid=a.fmt in ("qfx", "qbo")))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def write_ofx2(a: Account, start: dt.date, end: dt.date) -> bytes:
    """OFX 2.2 XML."""
    head = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
            '<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>']
    return ("\n".join(head + render_xml(ofx_elements(a, start, end, intu_bid=False))) + "\n").encode("utf-8")


CHASE_TYPES = {"CHECK": "CHECK_PAID", "DEP": "DEPOSIT", "XFER": "ACCT_XFER", "PAYMENT": "ACH_DEBIT",
               "DIRECTDEBIT": "ACH_DEBIT", "SRVCHG": "FEE_TRANSACTION", "FEE": "FEE_TRANSACTION",
               "DEBIT": "MISC_DEBIT", "INT": "MISC_CREDIT"}

CARD_CATEGORIES = {"Automobile:Fuel": "Gas/Automotive", "Automobile:Repairs": "Gas/Automotive",
                   "Job Materials": "Merchandise", "Plants and Soil": "Merchandise", "Office Supplies": "Merchandise",
                   "Meals and Entertainment": "Dining"}


def write_chase_csv(a: Account, start: dt.date, end: dt.date) -> bytes:
    """Chase-style checking export: newest first, signed amount, running balance."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Details", "Posting Date", "Description", "Amount", "Type", "Balance", "Check or Slip #"])
    for t in reversed(a.between(start, end)):
        if t.type == "CHECK":
            details = "CHECK"
        elif t.type == "DEP":
            details = "DSLIP"
        else:
            details = "CREDIT" if t.amount > 0 else "DEBIT"
        if t.type == "CREDIT":
            kind = "QUICKPAY_CREDIT" if t.text.startswith("Zelle") else "ACH_CREDIT"
        else:
            kind = CHASE_TYPES[t.type]
        w.writerow([details, f"{t.posted:%m/%d/%Y}", t.text, plain(t.amount), kind, plain(t.balance),
                    t.check_number])
    return out.getvalue().encode("utf-8")


def transaction_dates(a: Account) -> dict[str, dt.date]:
    """Card transaction (swipe) dates, zero to two days before posting; fixed per FITID."""
    rng = random.Random(f"{SEED}:{a.slug}:swipe")
    return {t.fitid: t.posted - dt.timedelta(days=rng.choice((0, 1, 1, 2))) if t.type == "POS" else t.posted
            for t in a.txns}


def write_debit_credit_csv(a: Account, start: dt.date, end: dt.date) -> bytes:
    """Card export with separate Debit (charges) and Credit (payments, refunds) columns."""
    swiped = transaction_dates(a)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Transaction Date", "Posted Date", "Card No.", "Description", "Category", "Debit", "Credit"])
    for t in reversed(a.between(start, end)):
        cat = "Payment/Credit" if t.amount > 0 else CARD_CATEGORIES.get(t.category, "Other Services")
        w.writerow([f"{swiped[t.fitid]:%Y-%m-%d}", f"{t.posted:%Y-%m-%d}", a.last4, t.text, cat,
                    plain(-t.amount) if t.amount < 0 else "", plain(t.amount) if t.amount > 0 else ""])
    return out.getvalue().encode("utf-8")


def write_qbo_csv(a: Account, start: dt.date, end: dt.date) -> bytes:
    """The QuickBooks Online 3-column upload layout."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["Date", "Description", "Amount"])
    for t in a.between(start, end):
        w.writerow([f"{t.posted:%m/%d/%Y}", t.text, plain(t.amount)])
    return out.getvalue().encode("utf-8")


def write_eu_csv(a: Account, start: dt.date, end: dt.date) -> bytes:
    """A continental export: ';' separated, day-first dates, decimal comma, newest first."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(["Date", "Date de valeur", "Libellé", "Montant", "Devise"])
    for t in reversed(a.between(start, end)):
        value = t.posted + dt.timedelta(days=1) if t.amount > 0 and t.type == "CREDIT" else t.posted
        w.writerow([f"{t.posted:%d/%m/%Y}", f"{value:%d/%m/%Y}", t.text, eu(t.amount), a.currency])
    return out.getvalue().encode("utf-8")


def write_qif(a: Account, start: dt.date, end: dt.date) -> bytes:
    """Quicken QIF as banks export it: no ids, grouped amounts, check numbers in N."""
    kind = "CCard" if a.kind == "credit_card" else "Bank"
    lines = [f"!Type:{kind}"]
    first_fee = next((t for t in a.txns if t.type == "SRVCHG"), None)
    for t in a.between(start, end):
        lines += [f"D{t.posted:%m/%d/%Y}", f"T{grouped(t.amount)}"]
        if t.check_number:
            lines.append(f"N{t.check_number}")
        lines.append(f"P{t.text}")
        if t.memo or t is first_fee:       # one record carries an explicitly empty memo
            lines.append(f"M{t.memo}")
        lines.append("^")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def write_bank_file(a: Account, start: dt.date, end: dt.date) -> tuple[str, bytes]:
    if a.fmt in ("ofx", "qfx", "qbo"):
        return a.fmt, write_ofx1(a, start, end)
    if a.fmt == "ofx2":
        return "ofx", write_ofx2(a, start, end)
    if a.fmt == "qif":
        return "qif", write_qif(a, start, end)
    writer = {"chase_checking": write_chase_csv, "debit_credit_card": write_debit_credit_csv,
              "qbo_3col": write_qbo_csv, "eu_semicolon": write_eu_csv}[a.csv_layout]
    return "csv", writer(a, start, end)


CSV_LAYOUTS = {
    "chase_checking": {
        "label": "Chase-style checking export", "delimiter": ",", "encoding": "utf-8",
        "columns": ["Details", "Posting Date", "Description", "Amount", "Type", "Balance", "Check or Slip #"],
        "date": "Posting Date", "date_format": "%m/%d/%Y", "description": "Description", "amount": "Amount",
        "balance": "Balance", "check_number": "Check or Slip #", "type": "Type", "order": "newest_first",
        "ledgerkit_spec": "Chase checking"},
    "debit_credit_card": {
        "label": "Card export with separate Debit and Credit columns (Capital One style)",
        "delimiter": ",", "encoding": "utf-8",
        "columns": ["Transaction Date", "Posted Date", "Card No.", "Description", "Category", "Debit", "Credit"],
        "date": "Posted Date", "date_format": "%Y-%m-%d", "description": "Description",
        "debit": "Debit", "credit": "Credit", "debit_means": "money out (charges)",
        "credit_means": "money in (payments, refunds)", "order": "newest_first",
        "ledgerkit_spec": "Capital One card"},
    "qbo_3col": {
        "label": "QuickBooks Online 3-column bank upload", "delimiter": ",", "encoding": "utf-8",
        "columns": ["Date", "Description", "Amount"], "date": "Date", "date_format": "%m/%d/%Y",
        "description": "Description", "amount": "Amount", "order": "oldest_first",
        "ledgerkit_spec": "QuickBooks Online 3-column"},
    "eu_semicolon": {
        "label": "Continental export: ';' separated, day-first dates, decimal comma",
        "delimiter": ";", "encoding": "utf-8", "decimal_comma": True,
        "columns": ["Date", "Date de valeur", "Libellé", "Montant", "Devise"], "date": "Date",
        "date_format": "%d/%m/%Y", "description": "Libellé", "amount": "Montant", "currency": "Devise",
        "order": "newest_first", "ledgerkit_spec": "",
        "mapping": "date=Date,amount=Montant,description=Libellé,date_format=%d/%m/%Y,decimal_comma=yes,"
                   "delimiter=semicolon,currency_column=Devise,currency=EUR,name=Banque du Rhône (FR)"},
}


# ---------------------------------------------------------------------------
# check and deposit images (Pillow, grayscale like a bank's image archive)
# ---------------------------------------------------------------------------

_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else "")
    if n < 1000:
        return f"{_ONES[n // 100]} hundred" + (f" {number_words(n % 100)}" if n % 100 else "")
    for div, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand")):
        if n >= div:
            return f"{number_words(n // div)} {name}" + (f" {number_words(n % div)}" if n % div else "")
    raise AssertionError(n)


def amount_words(amount: Decimal) -> str:
    """``Decimal("450.00")`` -> ``Four hundred fifty and 00/100``."""
    q = abs(amount).quantize(CENT)
    whole, frac = divmod(int(q * 100), 100)
    w = number_words(whole)
    return f"{w[0].upper()}{w[1:]} and {frac:02d}/100"


_FONTS: dict[tuple, object] = {}


def font(size: int, *, bold: bool = False, mono: bool = False, serif: bool = False, italic: bool = False):
    from PIL import ImageFont

    key = (size, bold, mono, serif, italic)
    if key not in _FONTS:
        name = "DejaVuSansMono" if mono else ("DejaVuSerif" if serif else "DejaVuSans")
        style = ("Bold" if bold else "") + (("Italic" if serif else "Oblique") if italic else "")
        path = FONT_DIR / (f"{name}-{style}.ttf" if style else f"{name}.ttf")
        _FONTS[key] = ImageFont.truetype(str(path), size) if path.exists() else ImageFont.load_default(size)
    return _FONTS[key]


def draw_micr(draw, x: int, y: int, text: str, size: int = 26) -> None:
    """E-13B-ish MICR line. DejaVu has no transit/on-us glyphs, so those two are drawn."""
    f = font(size, mono=True)
    cell = int(f.getlength("0"))
    top, h = y + 4, size - 6
    for ch in text:
        if ch == "\u2446":       # transit: a bar and two blocks
            draw.rectangle([x + 2, top, x + 5, top + h], fill=0)
            draw.rectangle([x + 9, top, x + cell - 2, top + h // 3], fill=0)
            draw.rectangle([x + 9, top + h - h // 3, x + cell - 2, top + h], fill=0)
        elif ch == "\u2448":     # on-us: two bars and a base block
            draw.rectangle([x + 2, top, x + 5, top + h * 2 // 3], fill=0)
            draw.rectangle([x + 9, top, x + 12, top + h * 2 // 3], fill=0)
            draw.rectangle([x + 2, top + h - h // 4, x + cell - 2, top + h], fill=0)
        elif ch != " ":
            draw.text((x, y), ch, font=f, fill=0)
        x += cell


def scribble(draw, rng: random.Random, x0: int, y0: int, width: int) -> None:
    """A signature: a looping pen stroke (a trochoid with a wandering height), then an underline."""
    import math

    loops = rng.randint(7, 11)
    radius, height = rng.uniform(7, 11), rng.uniform(10, 16)
    speed = width / (loops * 2 * math.pi)
    phase = rng.uniform(0, math.pi)
    pts = []
    for i in range(loops * 24):
        a = i * 2 * math.pi / 24
        h = height * (0.6 + 0.4 * math.sin(a / 3 + phase))
        pts.append((round(x0 + speed * a - radius * math.sin(a)), round(y0 - 14 - h * math.cos(a))))
    draw.line(pts, fill=25, width=2, joint="curve")
    draw.line([(x0 + 10, y0 - 2), (x0 + width * 3 // 4, y0 - 6)], fill=25, width=2)


def _blank(width: int = 1000, height: int = 450):
    from PIL import Image, ImageDraw

    img = Image.new("L", (width, height), 247)
    d = ImageDraw.Draw(img)
    for y in range(14, height - 80, 16):            # faint security ruling
        d.line([(10, y), (width - 10, y)], fill=240)
    d.rectangle([5, 5, width - 6, height - 6], outline=110, width=2)
    return img, d


def check_image(c: Client, a: Account, t: Txn, rng: random.Random) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    amount = -t.amount
    img, d = _blank()
    d.text((40, 24), c.name, font=font(24, bold=True, serif=True), fill=0)
    d.text((40, 58), c.address[0], font=font(15), fill=30)
    d.text((40, 78), c.address[1], font=font(15), fill=30)
    d.text((430, 26), a.institution, font=font(17, bold=True), fill=20)
    d.text((430, 50), a.city, font=font(13), fill=40)
    d.text((430, 68), f"90-{a.bank_id[4:8]}/{a.bank_id[:4]}", font=font(12), fill=40)   # routing fraction
    d.text((955, 24), t.check_number, font=font(26, bold=True), fill=0, anchor="ra")
    d.text((640, 112), "DATE", font=font(12), fill=40)
    d.text((705, 103), f"{t.written:%m/%d/%Y}", font=font(21, italic=True, serif=True), fill=10)
    d.line([(698, 131), (900, 131)], fill=60, width=1)
    d.text((40, 162), "PAY TO THE", font=font(12), fill=40)
    d.text((40, 178), "ORDER OF", font=font(12), fill=40)
    d.text((142, 164), t.check_payee, font=font(23, italic=True, serif=True), fill=10)
    d.line([(135, 196), (762, 196)], fill=60, width=1)
    d.text((770, 166), "$", font=font(21, bold=True), fill=20)
    d.rectangle([792, 156, 962, 198], outline=60, width=2)
    d.text((877, 177), f"**{grouped(amount)}**", font=font(20, bold=True), fill=0, anchor="mm")
    words = amount_words(amount)
    wf = font(19, italic=True, serif=True)
    line = words + " "
    while wf.getlength(line + "*") < 820:
        line += "*"
    d.text((40, 230), line, font=wf, fill=10)
    d.line([(35, 258), (862, 258)], fill=60, width=1)
    d.text((872, 240), "DOLLARS", font=font(13, bold=True), fill=40)
    d.text((40, 318), "MEMO", font=font(12), fill=40)
    if t.check_memo:
        d.text((100, 310), t.check_memo, font=font(18, italic=True, serif=True), fill=10)
    d.line([(95, 338), (462, 338)], fill=60, width=1)
    scribble(d, rng, 600, 330, 320)
    d.line([(560, 338), (962, 338)], fill=60, width=1)
    d.text((761, 345), "AUTHORIZED SIGNATURE", font=font(10), fill=60, anchor="ma")
    draw_micr(d, 150, 392, f"\u2446{a.bank_id}\u2446 {a.number}\u2448 {t.check_number}")
    info = PngInfo()
    for key, value in (("ledgerkit:kind", "check"), ("check_number", t.check_number), ("amount", plain(amount)),
                       ("date", t.written.isoformat()), ("account", a.number), ("payee", t.check_payee),
                       ("memo", t.check_memo), ("Software", "ledgerkit sample_data/generate.py")):
        info.add_text(key, value)
    out = io.BytesIO()
    img.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def deposit_image(c: Client, a: Account, t: Txn) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    img, d = _blank()
    d.text((40, 24), "DEPOSIT TICKET", font=font(24, bold=True), fill=0)
    d.text((40, 62), c.name, font=font(18, bold=True, serif=True), fill=10)
    d.text((40, 86), c.address[0], font=font(14), fill=30)
    d.text((40, 104), c.address[1], font=font(14), fill=30)
    d.text((40, 150), a.institution, font=font(16, bold=True), fill=20)
    d.text((40, 172), a.city, font=font(13), fill=40)
    d.text((40, 222), "DATE", font=font(12), fill=40)
    d.text((92, 213), f"{t.posted:%m/%d/%Y}", font=font(20, italic=True, serif=True), fill=10)
    d.line([(88, 240), (300, 240)], fill=60, width=1)
    d.text((40, 280), "Deposits may not be available for immediate withdrawal.", font=font(11), fill=60)
    d.text((40, 298), "Sign here for cash received (if required) ____________________", font=font(11), fill=60)
    x0, x1, x2, y = 520, 830, 962, 26
    d.rectangle([x0, y - 4, x2, 340], outline=60, width=1)
    d.line([(x1, y - 4), (x1, 340)], fill=60, width=1)
    rows = [(who.upper() if who in ("Cash", "Coin") else f"CHECK  {who}", amt) for who, amt in t.items]
    step = min(34, 230 // max(len(rows), 1))
    for label, amt in rows:
        d.text((x0 + 10, y + 4), label, font=font(14), fill=20)
        d.text((x2 - 10, y + 2), grouped(amt), font=font(18, italic=True, serif=True), fill=10, anchor="ra")
        y += step
        d.line([(x0, y), (x2, y)], fill=150, width=1)
    d.text((x0 + 10, 270), "TOTAL", font=font(14, bold=True), fill=10)
    d.text((x2 - 10, 268), grouped(t.amount), font=font(18, italic=True, serif=True), fill=10, anchor="ra")
    d.text((x0 + 10, 306), "NET DEPOSIT  $", font=font(15, bold=True), fill=0)
    d.text((x2 - 10, 302), grouped(t.amount), font=font(20, bold=True), fill=0, anchor="ra")
    d.line([(x0, 296), (x2, 296)], fill=60, width=2)
    draw_micr(d, 200, 392, f"\u2446{a.bank_id}\u2446 {a.number}\u2448")
    info = PngInfo()
    for key, value in (("ledgerkit:kind", "deposit"), ("amount", plain(t.amount)), ("date", t.posted.isoformat()),
                       ("account", a.number), ("items", str(len(t.items))),
                       ("Software", "ledgerkit sample_data/generate.py")):
        info.add_text(key, value)
    out = io.BytesIO()
    img.save(out, "PNG", pnginfo=info)
    return out.getvalue()


# ---------------------------------------------------------------------------
# statement PDFs (matplotlib PdfPages, PDF core fonts: small and deterministic)
# ---------------------------------------------------------------------------

PAGE_W, PAGE_H = 8.5, 11.0
FIRST_PAGE_ROWS, PAGE_ROWS = 36, 50


def statement_meta(a: Account, start: dt.date, end: dt.date, opening: Decimal, closing: Decimal, n: int) -> dict:
    subject = (f"ledgerkit statement account={a.number} start={start.isoformat()} end={end.isoformat()} "
               f"opening={plain(opening)} closing={plain(closing)} currency={a.currency}")
    keywords = (f"ledgerkit; kind=statement; account={a.number}; currency={a.currency}; "
                f"client={a.client.slug}; transactions={n}")
    return {"Title": f"{a.institution} statement {a.masked} {start:%Y-%m}", "Author": a.institution,
            "Subject": subject, "Keywords": keywords, "Creator": "ledgerkit sample_data/generate.py",
            "Producer": "ledgerkit demo firm generator",
            "CreationDate": dt.datetime.combine(end + dt.timedelta(days=2), dt.time(6, 0), tzinfo=dt.UTC)}


def statement_pdf(a: Account, start: dt.date, end: dt.date) -> tuple[bytes, Decimal, Decimal]:
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    txns = a.between(start, end)
    opening = a.balance_at(start - dt.timedelta(days=1))
    closing = opening + sum((t.amount for t in txns), ZERO)
    fmt = eu if a.currency == "EUR" else grouped
    cur = a.currency
    credits = sum((t.amount for t in txns if t.amount > 0), ZERO)
    debits = sum((t.amount for t in txns if t.amount < 0), ZERO)
    rows = [(f"{start:%m/%d}", "Opening balance", "", "", fmt(opening))]
    rows += [(f"{t.posted:%m/%d}", t.text[:50], t.check_number, fmt(t.amount), fmt(t.balance)) for t in txns]
    rows.append((f"{end:%m/%d}", "Closing balance", "", "", fmt(closing)))
    pages = [rows[:FIRST_PAGE_ROWS]]
    rest = rows[FIRST_PAGE_ROWS:]
    while rest:
        pages.append(rest[:PAGE_ROWS])
        rest = rest[PAGE_ROWS:]
    out = io.BytesIO()
    rc = {"pdf.use14corefonts": True, "pdf.compression": 9, "font.family": "sans-serif",
          "font.sans-serif": ["Helvetica"], "font.monospace": ["Courier"], "text.usetex": False}
    with matplotlib.rc_context(rc), PdfPages(out, metadata=statement_meta(a, start, end, opening, closing,
                                                                           len(txns))) as pdf:
        for p, page in enumerate(pages, 1):
            fig = Figure(figsize=(PAGE_W, PAGE_H))

            def text(x, y, s, fig=fig, **kw):
                fig.text(x / PAGE_W, 1 - y / PAGE_H, s, parse_math=False, va="baseline", **kw)

            text(0.7, 0.8, a.institution, fontsize=16, weight="bold")
            text(0.7, 1.02, a.city, fontsize=9)
            text(7.8, 0.8, "Credit Card Statement" if a.kind == "credit_card" else "Account Statement",
                 fontsize=12, weight="bold", ha="right")
            text(7.8, 1.02, f"Statement period {start:%m/%d/%Y} - {end:%m/%d/%Y}", fontsize=9, ha="right")
            text(7.8, 1.2, f"{a.name}  {a.masked}  ({cur})", fontsize=9, ha="right")
            text(7.8, 1.38, f"Page {p} of {len(pages)}", fontsize=9, ha="right")
            y = 1.7
            if p == 1:
                for i, line in enumerate((a.client.name, *a.client.address)):
                    text(0.7, 1.9 + 0.18 * i, line, fontsize=10, weight="bold" if i == 0 else "normal")
                summary = [("Opening balance", fmt(opening)),
                           (f"Deposits and credits ({sum(1 for t in txns if t.amount > 0)})", fmt(credits)),
                           (f"Withdrawals and debits ({sum(1 for t in txns if t.amount < 0)})", fmt(debits)),
                           ("Closing balance", fmt(closing))]
                for i, (label, value) in enumerate(summary):
                    bold = "bold" if i in (0, 3) else "normal"
                    text(4.6, 1.9 + 0.2 * i, label, fontsize=9, weight=bold)
                    text(7.8, 1.9 + 0.2 * i, f"{value} {cur}", fontsize=9, weight=bold, ha="right")
                y = 3.0
            text(0.7, y, "Date", fontsize=8, weight="bold")
            text(1.3, y, "Description", fontsize=8, weight="bold")
            text(4.95, y, "Check #", fontsize=8, weight="bold")
            text(6.4, y, "Amount", fontsize=8, weight="bold", ha="right")
            text(7.8, y, "Balance", fontsize=8, weight="bold", ha="right")
            fig.add_artist(matplotlib.lines.Line2D([0.7 / PAGE_W, 7.8 / PAGE_W], [1 - (y + 0.06) / PAGE_H] * 2,
                                                   linewidth=0.6, color="black"))
            for i, (date, desc, checkno, amt, bal) in enumerate(page):
                yy = y + 0.22 + 0.165 * i
                for x, s, ha in ((0.7, date, "left"), (1.3, desc, "left"), (4.95, checkno, "left"),
                                 (6.4, amt, "right"), (7.8, bal, "right")):
                    if s:
                        text(x, yy, s, fontsize=7.5, family="monospace", ha=ha)
            note = "Sample statement for the ledgerkit demo: the bank and the customer are fictional."
            if a.kind == "credit_card":
                note += " Balances are signed from the customer's side: negative is the amount owed."
            text(0.7, 10.5, note, fontsize=6.5)
            pdf.savefig(fig)
    return out.getvalue(), opening, closing


# ---------------------------------------------------------------------------
# rules, charts, manifest
# ---------------------------------------------------------------------------

RULES_YAML = """\
# Starter bank rules for the ledgerkit demo firm (generated by sample_data/generate.py).
# scope: "firm" applies to every client; a client's name limits a rule to that client.
# fields: description, payee, memo, amount, direction (in/out), account, check_number
# ops: contains, not_contains, equals, starts_with, ends_with, regex, lt, gt, between, present
# then: payee, account, class, memo, split, transfer_to
# Amounts are decimal strings from the customer's side (money out is negative);
# split amounts carry the transaction's sign and add up to it exactly.
rules:
  - name: Coffee shops
    scope: firm
    when:
      all:
        - {field: description, op: contains, value: STARBUCKS}
        - {field: amount, op: lt, value: "0"}
    then:
      payee: Starbucks
      account: Meals and Entertainment

  - name: Amazon marketplace
    scope: firm
    when:
      all:
        - {field: description, op: starts_with, value: "AMZN Mktp US"}
        - {field: direction, op: equals, value: out}
    then:
      payee: Amazon
      account: Office Supplies

  - name: Electric utility
    scope: firm
    when:
      all:
        - {field: description, op: regex, value: "^PACIFIC COAST GAS & ELEC"}
    then:
      payee: Pacific Coast Gas & Electric Company
      account: "Utilities:Electric"

  - name: Bank fees
    scope: firm
    when:
      all:
        - {field: description, op: regex, value: "(SERVICE|MAINTENANCE) FEE|WIRE (TRANSFER )?FEE|^FRAIS TENUE|^COMMISSION VIREMENT"}
        - {field: direction, op: equals, value: out}
    then:
      account: Bank Service Charges

  - name: Interest earned
    scope: firm
    when:
      all:
        - {field: description, op: regex, value: "^(INTEREST (PAYMENT|PAID)|DIVIDEND|INTERETS CREDITEURS)$"}
        - {field: direction, op: equals, value: in}
    then:
      account: Interest Income

  - name: Gusto payroll (net pay)
    scope: Acme Dental
    when:
      all:
        - {field: description, op: starts_with, value: GUSTO NET}
    then:
      payee: Gusto
      account: "Payroll Expenses:Wages"

  - name: Gusto payroll (taxes)
    scope: Acme Dental
    when:
      all:
        - {field: description, op: starts_with, value: GUSTO TAX}
    then:
      payee: Gusto
      account: "Payroll Expenses:Taxes"

  - name: Dental insurance claims
    scope: Acme Dental
    when:
      all:
        - {field: description, op: contains, value: BRIGHTSMILE DENTAL INS}
        - {field: description, op: ends_with, value: HCCLAIMPMT}
        - {field: direction, op: equals, value: in}
    then:
      payee: BrightSmile Dental Insurance
      account: "Patient Revenue:Insurance"

  - name: Janitorial checks
    scope: Acme Dental
    when:
      all:
        - {field: check_number, op: present}
        - {field: amount, op: equals, value: "-450.00"}
    then:
      payee: Sparkle Janitorial
      account: Janitorial

  - name: Savings sweep
    scope: Acme Dental
    when:
      all:
        - {field: description, op: starts_with, value: "ONLINE TRANSFER TO SAV ...9067"}
    then:
      payee: Transfer to Reserve Savings
      transfer_to: Reserve Savings

  - name: ADP payroll
    scope: Birch & Co Landscaping
    when:
      all:
        - {field: description, op: regex, value: "^ADP (WAGE PAY|Tax)"}
        - {field: amount, op: lt, value: "0"}
    then:
      payee: ADP
      account: "Payroll Expenses:Wages"

  - name: Equipment loan payment
    scope: Birch & Co Landscaping
    when:
      all:
        - {field: description, op: equals, value: IRONWOOD EQUIP FIN LOAN PMT}
        - {field: amount, op: equals, value: "-1250.00"}
    then:
      payee: Ironwood Equipment Finance
      split:
        - {account: Equipment Loan, amount: "-1087.40"}
        - {account: Interest Expense, amount: "-162.60"}

  - name: Fuel
    scope: Birch & Co Landscaping
    when:
      all:
        - {field: description, op: regex, value: '^(SHELL OIL|CHEVRON) \\d+'}
        - {field: direction, op: equals, value: out}
    then:
      account: "Automobile:Fuel"

  - name: Nursery stock
    scope: Birch & Co Landscaping
    when:
      all:
        - {field: description, op: contains, value: "GREEN <LEAF> NURSERY"}
    then:
      payee: Green Leaf Nursery
      account: Plants and Soil

  - name: Small Home Depot purchases
    scope: Birch & Co Landscaping
    when:
      all:
        - {field: description, op: contains, value: HOME DEPOT}
        - {field: amount, op: between, value: ["-800.00", "-0.01"]}
    then:
      payee: Home Depot
      account: Job Materials
      class: Field crews

  - name: Paychex payroll
    scope: Cedar Street Bakery
    when:
      all:
        - {field: description, op: starts_with, value: PAYCHEX}
        - {field: direction, op: equals, value: out}
    then:
      payee: Paychex
      account: "Payroll Expenses:Wages"

  - name: Costco runs
    scope: Cedar Street Bakery
    when:
      all:
        - {field: description, op: starts_with, value: COSTCO WHSE}
    then:
      payee: Costco
      memo: Split between ingredients and kitchen supplies
      split:
        - {account: "Cost of Goods Sold:Ingredients", percent: 80}
        - {account: Kitchen Supplies, percent: 20}

  - name: Coffee beans
    scope: Cedar Street Bakery
    when:
      all:
        - {field: description, op: contains, value: BLUE BOTTLE}
        - {field: amount, op: gt, value: "-1000"}
        - {field: memo, op: not_contains, value: REFUND}
    then:
      payee: Blue Bottle Coffee
      account: "Cost of Goods Sold:Coffee"
"""


def write_chart(c: Client) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["name", "type"])
    w.writerows(c.chart)
    return out.getvalue().encode("utf-8")


def write_truth(clients: list[Client]) -> bytes:
    """Every generated transaction with what the generator knows about it (for tests)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["client", "account", "posted", "amount", "currency", "description", "memo", "check_number",
                "fitid", "type", "payee", "category", "transfer_id", "register_id", "next_month"])
    for c in clients:
        for a in c.accounts:
            for t in a.txns:
                w.writerow([c.slug, a.slug, t.posted.isoformat(), plain(t.amount), a.currency, t.text, t.memo,
                            t.check_number, t.fitid if a.fmt in ("ofx", "qfx", "qbo", "ofx2") else "", t.type,
                            t.payee, t.category, t.transfer, t.register, str(t.posted.month == NEXT_MONTH).lower()])
    return out.getvalue().encode("utf-8")


FORMAT_NAMES = {"ofx": "ofx1-sgml", "qfx": "qfx", "qbo": "qbo-web-connect", "ofx2": "ofx2-xml", "qif": "qif",
                "csv": "csv"}


class Writer:
    """Collects output files (path relative to the output folder -> bytes)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, rel: str, data: bytes) -> str:
        assert rel not in self.files, rel
        self.files[rel] = data
        return rel


def build(clients: list[Client]) -> dict[str, bytes]:
    w = Writer()
    manifest_clients = []
    for c in clients:
        if c.register_format:
            build_register(c)
        accounts = []
        for a in c.accounts:
            rng = random.Random(f"{SEED}:{a.slug}:signatures")
            entry: dict = {
                "name": a.name, "slug": a.slug, "kind": a.kind, "currency": a.currency,
                "institution": a.institution, "bank_id": a.bank_id, "number": a.number, "masked": a.masked,
                "format": FORMAT_NAMES[a.fmt],
            }
            if a.csv_layout:
                entry["csv_layout"] = a.csv_layout
            if a.org:
                entry["ofx"] = {"org": a.org, "fid": a.fid, **({"intu_bid": a.intu_bid} if a.intu_bid else {})}
            entry["opening_balance"] = {"date": (FIRST - dt.timedelta(days=1)).isoformat(), "amount": plain(a.opening)}
            files, next_files, overlaps, statements, checks, deposits = [], [], [], [], [], []
            for m in MONTHS:
                base = f"next_month/{c.slug}" if m == NEXT_MONTH else c.slug
                start, end = a.window(m)
                ext, data = write_bank_file(a, start, end)
                rel = w.put(f"{base}/bank/{a.slug}_{YEAR}-{m:02d}.{ext}", data)
                (next_files if m == NEXT_MONTH else files).append(rel)
                if start.month != m:
                    overlaps.append({"file": rel, "start": start.isoformat(), "end": end.isoformat(),
                                     "overlaps_previous_by_days": (dt.date(YEAR, m, 1) - start).days})
                mstart, mend = dt.date(YEAR, m, 1), month_end(m)
                pdf, opening, closing = statement_pdf(a, mstart, mend)
                rel = w.put(f"{base}/statements/statement_{a.last4}_{YEAR}-{m:02d}.pdf", pdf)
                statements.append({"path": rel, "start": mstart.isoformat(), "end": mend.isoformat(),
                                   "opening": plain(opening), "closing": plain(closing),
                                   "transactions": len(a.between(mstart, mend))})
                per_day: dict[dt.date, int] = {}
                for t in a.between(mstart, mend):
                    if t.check_number:
                        rel = w.put(f"{base}/checks/check_{a.last4}_{t.check_number}.png", check_image(c, a, t, rng))
                        checks.append({"path": rel, "check_number": t.check_number, "amount": plain(-t.amount),
                                       "date": t.written.isoformat(), "posted": t.posted.isoformat(),
                                       "payee": t.check_payee})
                    elif t.items:
                        n = per_day[t.posted] = per_day.get(t.posted, 0) + 1
                        rel = w.put(f"{base}/deposits/deposit_{a.last4}_{t.posted:%Y%m%d}_{n}.png",
                                    deposit_image(c, a, t))
                        deposits.append({"path": rel, "amount": plain(t.amount), "date": t.posted.isoformat()})
            entry.update(files=files, next_month_files=next_files, overlaps=overlaps, statements=statements,
                         checks=checks, deposits=deposits)
            entry["expected"] = {
                "transactions": sum(1 for t in a.txns if t.posted.month != NEXT_MONTH),
                "transactions_next_month": sum(1 for t in a.txns if t.posted.month == NEXT_MONTH),
                "closing_before_next_month": plain(a.balance_at(month_end(NEXT_MONTH - 1))),
                "closing": plain(a.balance_at(LAST)),
            }
            accounts.append(entry)
        chart = w.put(f"{c.slug}/chart_of_accounts.csv", write_chart(c))
        registers = []
        if c.register_format == "iif":
            registers.append({"path": w.put(f"{c.slug}/register/{c.slug}_register_{YEAR}-Q1.iif", write_iif(c)),
                              "format": "iif", "encoding": "cp1252"})
        elif c.register_format == "csv":
            acct = c.accounts[0]
            registers.append({"path": w.put(f"{c.slug}/register/{acct.slug}_register_{YEAR}-Q1.csv",
                                            write_register_csv(c, acct)),
                              "format": "csv", "csv_layout": "quickbooks_register", "encoding": "utf-8"})
        for r in registers:
            r.update(start=FIRST.isoformat(), end=REGISTER_END.isoformat(), accounts=c.register_accounts,
                     entries=len(c.register))
        manifest_clients.append({"name": c.name, "slug": c.slug, "email": c.email, "contact": c.contact,
                                 "address": list(c.address), "chart_of_accounts": chart, "accounts": accounts,
                                 "registers": registers})
    w.put("rules.yaml", RULES_YAML.encode("utf-8"))
    w.put("expected/transactions.csv", write_truth(clients))
    next_month = sorted(p for p in w.files if p.startswith("next_month/"))
    layouts = dict(CSV_LAYOUTS)
    layouts["quickbooks_register"] = {
        "label": "QuickBooks Online-style account register export", "delimiter": ",", "encoding": "utf-8",
        "columns": ["Date", "Ref No.", "Type", "Payee", "Account", "Memo", "Payment", "Deposit",
                    "Reconciliation Status", "Balance"],
        "date": "Date", "date_format": "%m/%d/%Y", "payment_means": "money out", "deposit_means": "money in",
        "thousands_separator": ","}
    manifest = {
        "format_version": 1,
        "firm": {"name": "Northwind Bookkeeping (demo)", "email": "team@northwind-books.example"},
        "generated_by": "sample_data/generate.py", "seed": SEED,
        "period": {"start": FIRST.isoformat(), "end": LAST.isoformat(),
                   "next_month": f"{YEAR}-{NEXT_MONTH:02d}"},
        "sign_convention": "amounts and balances are signed from the customer's side (money out and card "
                           "balances owed are negative)",
        "rules": "rules.yaml",
        "expected_transactions": "expected/transactions.csv",
        "csv_layouts": layouts,
        "clients": manifest_clients,
        "next_month": {"folder": "next_month", "month": f"{YEAR}-{NEXT_MONTH:02d}", "files": next_month},
    }
    w.put("firm.json", (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return w.files


def build_clients() -> list[Client]:
    clients = [build_acme(), build_birch(), build_cedar()]
    for c in clients:
        for a in c.accounts:
            a.client = c
    return clients


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT, help="output folder (default: sample_data/firm)")
    args = ap.parse_args(argv)
    out: Path = args.out
    if out.exists() and any(out.iterdir()) and not (out / "firm.json").exists():
        print(f"refusing to overwrite {out}: not empty and not a generated firm", file=sys.stderr)
        return 2
    files = build(build_clients())
    if out.exists():
        shutil.rmtree(out)
    for rel, data in sorted(files.items()):
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    total = sum(len(d) for d in files.values())
    print(f"wrote {len(files)} files, {total / 1e6:.2f} MB, to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
