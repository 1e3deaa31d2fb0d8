# ruff: noqa: SIM905  (word tables read best as one string per language)
"""Words that carry no topic, and the phrases that qualify a number or lead into a menu path,
in en/es/de/fr/pt (the languages the help center answers in)."""

from __future__ import annotations

import re

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """a able about above after again all also am an and any are aren as at be because
        been before being below between both but by can could couldn did didn do does doesn
        doing don done down during each either else even ever every few for from further get
        gets got had has hasn have haven having he hello made make makes her here hers hi him
        his how however
        i if in into is isn it its itself just know let like may me might more most much must
        my need needs new no nor not now of off ok okay on once one only or other our ours out
        over own per please same she should shouldn since so some sorry still such sure than
        thank thanks that the their theirs them then there these they this those though
        through to too under until up us use used using very via want was wasn way we were
        what when where whether which while who whom why will with within without won would
        yes yet you your yours""".split()
    ),
    "es": frozenset(
        """a al algo algun alguna algunas alguno algunos ante antes aqui asi aun bien cada
        como con contra cual cuales cuando de del desde donde dos el ella ellas ellos en entre
        era eres es esa esas ese eso esos esta estaba estan estar este esto estos estoy fue
        gracias ha hace hacer hacen hay hola la las le les lo los mas me mi mis mucho muy nada
        ni no nos nosotros o os otra otro para pero poco por porque puede pueden puedo que
        quiero se ser si sin sobre solo son su sus tambien te tengo tiene tienen todo todos tu
        tus un una uno unos unas usted ustedes y ya yo""".split()
    ),
    "de": frozenset(
        """aber alle als also am an auch auf aus bei bin bis bitte da dann das dass dein dem den
        der des dich die dir doch du ein eine einem einen einer es fur gibt hallo hat haben ich
        ihr ihre im in ist ja jetzt kann kein keine man mein meine mich mit muss nach nicht noch
        nur ob oder schon sehr sein sich sie sind so uber um und uns unser unter vom von vor
        war was wenn wer wie wir wird wo zu zum zur danke""".split()
    ),
    "fr": frozenset(
        """a au aux avec avoir bonjour ce cela ces cet cette comme comment dans de des du elle
        en est et etre il ils je la le les leur lui ma mais me merci mes moi mon ne nous on ou
        par pas peut peux pour quand que quel quelle qui sa sans se ses si son sont sur ta
        te tes toi ton tous tout tu un une vos votre vous y""".split()
    ),
    "pt": frozenset(
        """a ao aos as com como da das de do dos e ela ele eles em entre era esta este eu foi
        isso isto ja la mais mas me meu minha muito na nao nas no nos o obrigado obrigada ola os
        ou para pela pelo pode por porque posso que quero se sem ser seu sua tambem tem tenho
        um uma voce""".split()
    ),
}
ALL_STOPWORDS = frozenset().union(*STOPWORDS.values())

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
        ),
    ),
    ("after", ("after", "every", "each", "once a", "después de", "cada", "nach", "alle",
               "après", "chaque", "tous les", "depois de", "a cada")),
    ("before", ("before", "ahead of", "in advance of", "prior to", "antes de", "vor",
                "avant", "antes")),
)  # fmt: skip


def _qualifier_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alts = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?:^|[^\w])(?:{alts})\s*$", re.IGNORECASE)


_QUALIFIER_PATTERNS = tuple((name, _qualifier_pattern(ph)) for name, ph in QUALIFIERS)


def qualifier(before: str) -> str:
    """ "max", "min", "after", "before" or "" for the text right before a number."""
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
)  # fmt: skip
LEAD_VERB = re.compile(
    r"^(?:"
    + "|".join(re.escape(v) for v in sorted(MENU_LEAD_VERBS, key=len, reverse=True))
    + r")\s+"
)
# Lower-case words allowed inside a capitalised menu label ("Métodos de pago").
PATH_CONNECTORS = ("de", "del", "da", "do", "das", "dos", "des", "du", "la", "le", "les", "et",
                   "y", "e", "und", "von", "der", "of", "and", "&")  # fmt: skip

# A resolution saying something changed ("now", "renamed", "ahora", "jetzt", "désormais").
CHANGE_CUES = (
    "now", "renamed", "moved", "no longer", "instead", "replaced", "new name", "has changed",
    "changed", "updated", "since the", "recently", "recent", "these days", "nowadays",
    "anymore",
    "ahora", "ya no", "desde", "se llama", "cambiado", "cambió", "nuevo", "nueva",
    "actualmente", "renombrado", "movido",
    "jetzt", "nun", "seit", "nicht mehr", "umbenannt", "verschoben", "neu", "heißt",
    "désormais", "maintenant", "depuis", "ne plus", "renommé", "déplacé", "nouveau",
    "nouvelle", "s'appelle",
    "agora", "já não", "passou", "passou a", "mudou", "renomeado", "novo", "nova",
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
)  # fmt: skip


def phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-phrase, case-insensitive alternation of `phrases`."""
    alts = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE)
