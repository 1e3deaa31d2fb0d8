# ruff: noqa: SIM905  (word tables read best as one string per language)
"""Units in en/es/de/fr/pt/it (durations also in nl/pl/tr/ru): durations (to minutes, with
business-day families), data sizes (to MB), weights (to kg), lengths (to cm), currencies and
billing periods, so "30 kg" and "35 kilogramos", or "5 días hábiles" and "10 business days",
compare value for value.

Turkish adds its suffixes to the unit ("7 günlük", "24 saatte"): the forms a help center
writes after a number are listed. Dutch "uur" is also o'clock ("18.00 uur"): a clock time is
not a duration (kb.flags.claims reads it so).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kb.text.numbers import trie_pattern
from kb.text.words import fold


@dataclass(frozen=True)
class Unit:
    family: str  # what it can be compared with: "time", "business", "weight", "data", ...
    factor: float  # to the family's base (minutes, kg, MB, cm, px)
    name: str  # canonical short name for display ("day", "kg")


def _table(family: str, factor: float, name: str, words: str) -> dict[str, Unit]:
    return {w: Unit(family, factor, name) for w in words.split()}


DURATION_UNITS: dict[str, Unit] = {
    **_table("time", 1 / 60, "second", "second seconds sec secs s segundo segundos "
             "sekunde sekunden sek seconde secondes secondo secondi seconden sekunda sekundy "
             "sekund saniye saniyede секунда секунды секунд"),
    **_table("time", 1, "minute", "minute minutes min mins minuto minutos minuten minuti "
             "minuut minuta minuty minut dakika dakikada dakikalık dakikası минута минуты "
             "минут минуту мин"),
    **_table("time", 60, "hour", "hour hours hr hrs h hora horas stunde stunden std heure "
             "heures ora ore uur uren godzina godziny godzin godzinę saat saatte saatlik "
             "saati час часа часов"),
    **_table("time", 1440, "day", "day days día días dia dias tag tage tagen jour jours "
             "giorno giorni dag dagen dzień dni dnia gün günü günde günlük günden gündür "
             "день дня дней сутки суток"),
    **_table("time", 10080, "week", "week weeks semana semanas woche wochen semaine semaines "
             "settimana settimane weken tydzień tygodnie tygodni tygodnia hafta haftada "
             "haftalık неделя недели недель неделю"),
    **_table("time", 43200, "month", "month months mes meses monat monate monaten mois mês "
             "mese mesi maand maanden miesiąc miesiące miesięcy miesiąca ay ayda aylık ayı "
             "месяц месяца месяцев"),
    **_table("time", 525600, "year", "year years año años jahr jahre jahren an ans année "
             "années ano anos anno anni jaar jaren rok lata lat roku yıl yıllık yılda sene "
             "год года лет"),
    **_table("business", 1440, "day", "werktag werktage werktagen arbeitstag arbeitstage "
             "arbeitstagen werkdag werkdagen"),
}  # fmt: skip
# Fractions of an hour written as words, in minutes: "half an hour", "eine Viertelstunde",
# "een kwartier", "une demi-heure", "mezz'ora" (a number before them is not read).
DURATION_PHRASES: dict[str, float] = {
    **dict.fromkeys(("quarter of an hour", "quarter-hour", "quarter hour", "viertelstunde",
                     "kwartier", "quart d'heure", "cuarto de hora", "quarto d'ora",
                     "quarto de hora", "kwadrans"), 15.0),
    **dict.fromkeys(("half an hour", "half-hour", "half hour", "halbe stunde", "halben stunde",
                     "half uur", "halfuur", "demi-heure", "demi heure", "media hora",
                     "mezz'ora", "mezzora", "mezza ora", "meia hora", "pół godziny",
                     "yarım saat", "полчаса"), 30.0),
    **dict.fromkeys(("three quarters of an hour", "dreiviertelstunde", "drie kwartier",
                     "trois quarts d'heure", "tres cuartos de hora", "tre quarti d'ora",
                     "três quartos de hora"), 45.0),
    **dict.fromkeys(("an hour and a half", "one and a half hours", "anderthalb stunden",
                     "eineinhalb stunden", "anderhalf uur", "une heure et demie",
                     "una hora y media", "un'ora e mezza", "uma hora e meia",
                     "półtorej godziny", "bir buçuk saat", "полтора часа"), 90.0),
}  # fmt: skip
# "business" before the unit (en/tr/ru) or after it (es/fr/pt/it/pl): "5 business days",
# "5 iş günü", "5 рабочих дней", "5 días hábiles", "5 dni roboczych".
BUSINESS_BEFORE = ("business", "working", "iş", "рабочих", "рабочий", "рабочие", "рабочего")
CALENDAR_BEFORE = ("calendar",)
BUSINESS_AFTER = ("hábiles", "habiles", "laborables", "ouvrés", "ouvres", "ouvrables", "úteis",
                  "uteis", "lavorativi", "lavorativo", "roboczych", "robocze", "roboczy",
                  "roboczego")  # fmt: skip

MEASURE_UNITS: dict[str, Unit] = {
    **_table("weight", 0.001, "g", "g gram grams gramo gramos gramm gramme grammes grama "
             "gramas grammo grammi"),
    **_table("weight", 1, "kg", "kg kgs kilo kilos kilogram kilograms kilogramo kilogramos "
             "kilogramm kilogramme kilogrammes quilo quilos quilograma quilogramas chilo chili "
             "chilogrammo chilogrammi"),
    **_table("weight", 0.45359237, "lb", "lb lbs pound-weight"),
    **_table("data", 1 / 1024, "KB", "kb ko kilobyte kilobytes kilooctet kilooctets"),
    **_table("data", 1, "MB", "mb mo megabyte megabytes mégaoctet mégaoctets megaoctet "
             "megaoctets"),
    **_table("data", 1024, "GB", "gb go gigabyte gigabytes gigaoctet gigaoctets"),
    **_table("data", 1024 * 1024, "TB", "tb to terabyte terabytes"),
    **_table("length", 0.1, "mm", "mm millimetre millimetres millimeter millimeters "
             "milímetro milímetros millimètre millimètres milimetro milimetros millimetro "
             "millimetri"),
    **_table("length", 1, "cm", "cm centimetre centimetres centimeter centimeters centímetro "
             "centímetros zentimeter centimètre centimètres centimetro centimetros centimetri"),
    **_table("length", 2.54, "in", "inch inches pulgada pulgadas zoll pouce pouces polegada "
             "polegadas pollice pollici"),
    **_table("pixels", 1, "px", "px pixel pixels píxel píxeles pixeles"),
}  # fmt: skip
# French data units ("To", "Go", "Mo", "Ko") are English words in lower case: capitalised only.
CAPITALISED_ONLY = frozenset({"to", "go", "mo", "ko"})

CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "r$": "BRL", "₺": "TRY", "₽": "RUB"}
CURRENCY_WORDS = {
    "usd": "USD", "eur": "EUR", "gbp": "GBP", "brl": "BRL", "euro": "EUR", "euros": "EUR",
    "dollar": "USD", "dollars": "USD", "dólar": "USD", "dólares": "USD", "reais": "BRL",
    "real": "BRL", "pound": "GBP", "pounds": "GBP", "sterling": "GBP",
    "chf": "CHF", "pln": "PLN", "zł": "PLN", "złoty": "PLN", "złote": "PLN", "złotych": "PLN",
    "tl": "TRY", "lira": "TRY", "lirası": "TRY", "руб": "RUB", "рубль": "RUB",
    "рубля": "RUB", "рублей": "RUB",
}  # fmt: skip
# Billing periods after a price: "/month", "per month", "al mes", "pro Monat", "par mois".
PERIOD_WORDS = {
    **dict.fromkeys("month months mo mes meses monat mois mês mensal mensual monatlich "
                    "mensuel mese mensile monthly".split(), "month"),
    **dict.fromkeys("year years yr año años jahr an ano annual anual jährlich annuel anno "
                    "annuale yearly annually".split(), "year"),
    **dict.fromkeys("user users seat seats member members usuario usuarios nutzer benutzer "
                    "utilisateur utilisateurs usuário usuários utente utenti".split(), "user"),
    **dict.fromkeys("parcel parcels package packages paquete paquetes paket pakete colis "
                    "encomenda encomendas envío envio booking bookings".split(), "item"),
}  # fmt: skip
# Words before a price that give its period ("Monthly fee: €69", "cuota mensual de 69 €").
PERIOD_ADJECTIVES = {
    **dict.fromkeys("monthly mensual mensal monatlich monatliche monatlicher mensuel "
                    "mensuelle mensile".split(), "month"),
    **dict.fromkeys("yearly annual annually anual jährlich jährliche annuel annuelle "
                    "annuale".split(), "year"),
}  # fmt: skip
PERIOD_LEADS = ("per", "a", "an", "each", "/", "al", "por", "pro", "im", "par", "por", "ao",
                "cada", "je")  # fmt: skip


_FOLDED_DURATIONS = {fold(k): v for k, v in DURATION_UNITS.items()}
_MONTH = DURATION_UNITS["month"].factor  # 30 days
_YEAR = DURATION_UNITS["year"].factor  # 365 days
_MONTH_TOLERANCE = 0.02  # 12 months (360 days) vs a year (365): 1.4%


def whole_months(minutes: float) -> int | None:
    """The number of months a duration of four weeks or more is, when it is a whole number
    of months or years however written ("24 months", "two years", "365 days", "30 days"), so
    that "12 months" and "1 year" are one value although the table's month is 30 days and
    its year 365; None for other durations ("6 weeks")."""
    if minutes < 28 * 1440:
        return None
    for months in (minutes / _YEAR * 12, minutes / _MONTH):
        n = round(months)
        if n and abs(months - n) <= _MONTH_TOLERANCE * n:
            return n
    return None


def on_month_scale(minutes: float) -> float:
    """`minutes`, with a whole number of months or years (`whole_months`) counted as that
    many twelfths of a year, so that "12 months" and "1 year" compare equal."""
    months = whole_months(minutes)
    return minutes if months is None else months * _YEAR / 12


def duration_unit(word: str) -> Unit | None:
    """The unit of a duration word ("Stunden", "dias", "hrs"), or None."""
    w = word.rstrip(".")
    return DURATION_UNITS.get(w.lower()) or _FOLDED_DURATIONS.get(fold(w))


def measure_unit(word: str) -> Unit | None:
    """The unit of a measure ("KB", "kilos", "Mo"); "to"/"go"/"mo"/"ko" only capitalised."""
    w = word.rstrip(".")
    if w.lower() in CAPITALISED_ONLY and not w[:1].isupper():
        return None
    return MEASURE_UNITS.get(w.lower())


def words_pattern(words: Iterable[str]) -> str:
    """Regex source matching any of `words`, longest first (trie-factored)."""
    return trie_pattern(sorted(set(words), key=len, reverse=True))
