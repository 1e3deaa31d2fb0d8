"""The phrases that qualify a number or lead into a menu path, and change/exception cues, in
en/es/de/fr/pt/it (the languages kb.text reads claims in). Stopwords: `kb.text.words`."""

from __future__ import annotations

import re

# Phrases right before a number that make it a bound (matched at the end of the text before).
QUALIFIERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "max",
        (
            "up to", "at most", "maximum", "max", "no more than", "limit of", "limited to",
            "limit to", "within", "until", "only",
            "hasta", "como máximo", "máximo de", "un máximo de", "no más de", "dentro de",
            "en un plazo de", "en un máximo de",
            "bis zu", "höchstens", "maximal", "max.", "innerhalb von", "innerhalb",
            "nicht mehr als",
            "jusqu'à", "jusqu’à", "au maximum", "au plus", "dans un délai de", "pas plus de",
            "até", "no máximo", "máximo", "no prazo de", "não mais de", "um máximo de",
            "fino a", "al massimo", "massimo", "non più di", "entro", "entro i", "solo",
        ),
    ),
    (
        "min",
        (
            "at least", "minimum", "min", "more than", "over", "longer than", "from",
            "al menos", "como mínimo", "mínimo de", "más de", "a partir de", "desde",
            "mindestens", "mehr als", "ab",
            "au moins", "au minimum", "plus de", "à partir de", "dès",
            "pelo menos", "no mínimo", "mais de", "mínimo",
            "almeno", "minimo", "più di", "a partire da",
        ),
    ),
    ("after", ("after", "every", "each", "once a", "después de", "cada", "nach", "alle",
               "après", "chaque", "tous les", "depois de", "a cada", "dopo", "ogni")),
    ("before", ("before", "ahead of", "in advance of", "prior to", "antes de", "vor",
                "avant", "antes", "prima di", "prima")),
    # a value said not to hold any more ("3 working days, not 48 hours"): the old value,
    # neither the ticket's claim nor an agreement with the article
    ("not", ("not", "no longer", "instead of", "rather than", "nicht", "nicht mehr", "statt",
             "anstatt", "anstelle von", "ya no", "en lugar de", "en vez de", "y no", "au lieu de",
             "et non", "et pas", "ne plus", "já não", "em vez de", "em lugar de", "e não",
             "non", "non più", "invece di", "anziché", "e non")),
)  # fmt: skip


def _qualifier_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alts = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?:^|[^\w])(?:{alts})\s*$", re.IGNORECASE)


_QUALIFIER_PATTERNS = tuple((name, _qualifier_pattern(ph)) for name, ph in QUALIFIERS)


def qualifier(before: str) -> str:
    """ "max", "min", "after", "before", "not" or "" for the text right before a number."""
    tail = before[-40:]
    for name, pattern in _QUALIFIER_PATTERNS:
        if pattern.search(tail):
            return name
    return ""


# Verbs that lead into a menu path ("Go to Settings > Billing", "Abre Perfil > Pedidos").
MENU_LEAD_VERBS = (
    "Open", "Go to", "Go", "Click", "Tap", "Select", "Choose", "Navigate to", "Visit",
    "Head to", "Under", "In",
    "Abre", "Abra", "Ve a", "Vaya a", "Entra en", "Pulsa", "Haz clic en", "Selecciona",
    "Elige", "En",
    "Öffne", "Öffnen Sie", "Gehe zu", "Gehen Sie zu", "Klicke auf", "Klicken Sie auf",
    "Tippe auf", "Wähle", "Wählen Sie", "Unter",
    "Ouvrez", "Ouvre", "Allez dans", "Va dans", "Cliquez sur", "Appuyez sur",
    "Sélectionnez", "Choisissez", "Dans",
    "Vá para", "Vai a", "Aceda a", "Acesse", "Toque em", "Clique em", "Selecione",
    "Escolha", "Em",
    "Apri", "Vai a", "Vai su", "Vai in", "Tocca", "Seleziona", "Scegli", "Clicca su", "Premi",
)  # fmt: skip
LEAD_VERB = re.compile(
    r"^(?:"
    + "|".join(re.escape(v) for v in sorted(MENU_LEAD_VERBS, key=len, reverse=True))
    + r")\s+"
)
# Lower-case words allowed inside a capitalised menu label ("Métodos de pago").
PATH_CONNECTORS = ("de", "del", "da", "do", "das", "dos", "des", "du", "la", "le", "les", "et",
                   "y", "e", "und", "von", "der", "of", "and", "&")  # fmt: skip

# Month names and abbreviations -> number, so "16 December", "16 Dec" and "16 dic." are one
# date.
MONTHS = {
    name: n
    for n, names in enumerate(
        (
            "january jan enero ene januar jän janvier janv janeiro gennaio gen",
            "february feb febrero februar février févr fevereiro fev febbraio",
            "march mar marzo märz mär mars março",
            "april apr abril avril avr aprile",
            "may mayo mai maio maggio mag",
            "june jun junio juni juin junho giugno giu",
            "july jul julio juli juillet juil julho luglio lug",
            "august aug agosto ago août",
            "september sep sept septiembre septembre setembro set settembre",
            "october oct octubre oktober okt octobre outubro out ottobre ott",
            "november nov noviembre novembre novembro",
            "december dec diciembre dic dezember dez décembre déc dezembro dicembre",
        ),
        start=1,
    )
    for name in names.split()
}
# Question openings whose answer is a bare count ("How many devices? Three at a time."): the
# counted noun is the word after them.
HOW_MANY = ("how many", "wie viele", "wie viel", "cuántos", "cuántas", "combien de",
            "combien d'", "quantos", "quantas", "quanti", "quante")  # fmt: skip

# Words that chain one control to the next ("tap **Account**, then **Profile**"): bold labels
# joined by them are a menu path written out.
SEQUENCE_WORDS = (
    "then", "and then", "after that", "followed by",
    "luego", "y luego", "después", "y después", "y a continuación",
    "dann", "und dann", "danach", "anschließend",
    "puis", "et puis", "ensuite", "et ensuite",
    "depois", "e depois", "em seguida", "e em seguida",
    "poi", "e poi", "quindi",
)  # fmt: skip

# Verbs a control's name follows when it is written plainly ("tap Add visitor", "pulsa
# Guardar", "the button is called Check in"): a capitalised phrase after one is a label.
PRESS_VERBS = (
    "tap", "tap on", "click", "click on", "press", "select", "choose", "called", "named",
    "renamed to",
    "pulsa", "pulse", "toca", "toque", "haz clic en", "selecciona", "elige", "se llama",
    "tippe auf", "tippen Sie auf", "klicke auf", "klicken Sie auf", "wähle", "heißt",
    "appuyez sur", "cliquez sur", "touchez", "sélectionnez", "choisissez", "s'appelle",
    "toque em", "clique em", "selecione", "escolha", "chama-se", "se chama",
    "tocca", "premi", "clicca su", "seleziona", "scegli", "si chiama",
)  # fmt: skip
# Words that end a plainly written label ("tap Add visitor on the Today card").
LABEL_STOPS = (
    "on", "in", "at", "to", "and", "or", "then", "from", "for", "with", "of", "the", "a", "an",
    "if", "when", "again", "now", "instead", "button", "y", "en", "de", "la", "el", "o",
    "luego", "et", "sur", "dans", "puis", "und", "auf", "im", "oder", "dann", "em", "no",
    "na", "e", "di", "su", "per", "poi",
)  # fmt: skip

# A resolution saying something changed ("now", "renamed", "ahora", "jetzt", "désormais").
CHANGE_CUES = (
    "now", "renamed", "moved", "no longer", "instead", "replaced", "new name", "has changed",
    "changed", "updated", "since the", "recently", "recent", "these days", "nowadays",
    "anymore", "is called", "is now called", "are now called",
    "ahora", "ya no", "desde", "se llama", "cambiado", "cambió", "nuevo", "nueva",
    "actualmente", "renombrado", "movido",
    "jetzt", "nun", "seit", "nicht mehr", "umbenannt", "verschoben", "neu", "heißt",
    "désormais", "maintenant", "depuis", "ne plus", "renommé", "déplacé", "nouveau",
    "nouvelle", "s'appelle",
    "agora", "já não", "passou", "passou a", "mudou", "renomeado", "novo", "nova",
    "ora", "adesso", "non più", "rinominato", "rinominata", "spostato", "spostata", "nuovo",
    "nuova", "si chiama", "da quando", "cambiato", "aggiornato", "dal",
    "in the current app", "in the current version", "in the latest version", "in the new app",
    "nu", "niet meer", "hernoemd", "verplaatst", "sinds", "nieuwe", "heet nu", "veranderd",
    "teraz", "już nie", "zmieniono", "przeniesiono", "nowa nazwa", "obecnie",
    "artık", "yeni", "değişti", "taşındı", "şimdi",
)  # fmt: skip
# A resolution granting an exception says nothing about how the product works.
EXCEPTION_CUES = (
    "as a one-off", "as an exception", "as a courtesy", "as a goodwill", "one-off", "one off",
    "one-time", "one time", "this time", "goodwill", "courtesy", "extended your",
    "extend your", "manually", "for you", "on your behalf", "just this once",
    "como excepción", "de forma excepcional", "excepcionalmente", "por esta vez",
    "como gesto", "por cortesía",
    "ausnahmsweise", "kulanz", "einmalig", "dieses eine mal",
    "à titre exceptionnel", "exceptionnellement", "geste commercial", "pour cette fois",
    "como exceção", "excecionalmente", "excepcionalmente", "desta vez", "como cortesia",
    "in via eccezionale", "eccezionalmente", "per questa volta", "come gesto", "per cortesia",
    "a titolo di cortesia",
    "eenmalig", "bij wijze van uitzondering", "uitzonderlijk", "uit coulance",
    "wyjątkowo", "jednorazowo", "w drodze wyjątku",
    "istisnai olarak", "bir defaya mahsus", "jest olarak",
)  # fmt: skip


def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-phrase, case-insensitive alternation of `phrases`."""
    alts = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE)


# Weekday and month names (and English weekday plurals): capitalised by orthography in
# English and German, not because they name a thing; a text's names leave them out.
CALENDAR_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays
    thursdays fridays saturdays sundays january february march april may june july august
    september october november december
    lunes martes miércoles jueves viernes sábado domingo enero febrero marzo abril mayo junio
    julio agosto septiembre octubre noviembre diciembre
    montag dienstag mittwoch donnerstag freitag samstag sonntag montags dienstags mittwochs
    donnerstags freitags samstags sonntags januar februar märz mai juni juli oktober dezember
    lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril mai juin
    juillet août septembre octobre novembre décembre
    segunda terça quarta quinta sexta sábado domingo janeiro fevereiro março abril maio junho
    julho agosto setembro outubro novembro dezembro
    lunedì martedì mercoledì giovedì venerdì sabato domenica gennaio febbraio marzo aprile
    maggio giugno luglio agosto settembre ottobre novembre dicembre""".split()  # noqa: SIM905
)
