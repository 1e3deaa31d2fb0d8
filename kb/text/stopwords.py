"""Stopword lists, one place for every layer: three lists because three uses differ.

- `STOPWORDS` (en/es/de/fr/it/pt/nl/pl/tr): what content words drop in answers and flags (the
  support check, claims, duplicate topics); negations are separate (`kb.text.words.NEGATIONS`).
  Polish and Turkish are written folded, as the flags compare them, and leave out the ones
  that are English words or numbers ("ten", "ben", "var").
- `KEYWORD_STOPWORDS`: what a keyword query drops before FTS5 / PostgreSQL full-text search;
  short on purpose, en/es/de only (with "no", "not", "nicht"). Russian, Arabic, Chinese and
  Japanese function words were tried and not kept: eval/RESULTS.md, issue 17.
- `DECISION_STOPWORDS`: function words and generic request words ("need", "possible") the
  answerability decision neither counts as covered nor as missing; `CONVERSATION_WORDS`, the
  decision's too: when a customer writes and how they type ("yesterday", "we're", "dont").

Each list is measured where it is used (retrieval and hand-off figures in eval/RESULTS.md);
merging two would change those figures, so it is a change of its own, not a clean-up.
"""

from __future__ import annotations

_STOPWORDS_TEXT = """
a an the and or but if then than so to of in on at by for with from into onto about as is are
was were be been being am do does did done have has had having i me my mine we us our you your
yours he him his she her it its they them their this that these those there here what which who
whom whose when where why how can could will would shall should may might must just also too
very really please thanks thank hi hello dear get got make made use used go going want need like
let know sure okay ok yes any some all each every other more most such only own same again
further once out up down over under off new one ll ve re s t d m don isn aren wasn doesn didn
via e g ie eg etc
el la los las un una unos unas y o pero si de del al en con por para que como es son fue ser
esta este estos estas eso esa ese lo le les se su sus mi mis tu tus te me nos os ya muy mas
hay tiene tienen puede puedes hola gracias desde cuando donde tambien sobre entre hasta
der die das den dem des ein eine einen einem einer und oder aber wenn dann als auf aus bei mit
nach von vor zu zum zur im am ist sind war waren sein hat haben du sie er es wir ihr ich mich
dich dir mir uns euch sich auch noch nur schon sehr bitte danke hallo dein deine ihre ihr kann
konnen wird werden wie was wo
le la les un une des du de et ou mais si dans en sur par pour avec que qui est sont etre
avoir ce cet cette ces il elle ils elles nous vous je tu me te se son sa ses leur leurs mon ma
mes ton ta tes au aux plus tres aussi bonjour merci comment
il lo gli uno e di da con per che come sono ciao grazie del della dei delle al alla allo ai
nel nella sul sulla mio mia tuo tua suo sua nostro vostro questo questa quello quella ho hai ha
abbiamo avete hanno posso puoi può essere anche molto ma se quando dove
o os as um uma e do da dos das em no na nos nas com por para que como ola obrigado
de het een en of maar als dan op uit bij met naar van voor te is zijn was waren je jij u we wij
ik hij zij ze mijn jouw hoe wat
i w z na do to sie jest sa czy jak za od po ze dla ale lub oraz przy przez jako juz tylko
bardzo mozna moze te tego tej tym jego jej ich mnie mi ci nam wam gdy gdzie kiedy dobry prosze
pani
ve bir bu su o da de ile icin mi mı mu mü ne cok daha ama veya ya gibi olarak ise her hem sonra
kadar icinde merhaba tesekkurler lutfen siz sizin biz bizim benim bey hanım
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


KEYWORD_STOPWORDS = frozenset(
    """a an and are as at be but by can could did do does for from had has have how i i'm if in
    into is it its me my no not of on or our please so that the their them then there these
    they this to was we were what when where which who why will with would you your hi hello
    thanks el la los las de del y que en un una por para con es al lo se su hola gracias der
    die das und ist ein eine zu mit von den dem im nicht ich wie hallo danke""".split()  # noqa: SIM905
)


# Function words and generic request words of en/es/de/fr: they say nothing about *what* is
# asked, so they neither count as covered nor as missing.
DECISION_STOPWORDS = frozenset(
    """a an and are as at be been but by can could did do does doing done for from get got had
    has have having how i i'm if in into is it its it's just me my no not of on or our please
    so some that the their them then there these they this those to too was we were what when
    where which who whom why will with would you your yours hi hello hey thanks thank any also
    still way want wanted need needed like know tell let lets make possible able use using used
    there's here anyone someone something anything about one should may might am us etc via
    el la los las de del y que en un una unos unas por para con es al lo se su sus mi mis hola
    gracias como puedo puede hay esta este esto estos eso son ser tengo tiene quiero necesito
    hacer donde cuando cual qué cómo o si no ya le les me te nos tu vuestro vuestra teneis
    der die das und ist ein eine einen einem zu mit von den dem des im in nicht ich wie hallo
    danke kann ich man gibt es auch auf fur für mein meine meinen wir sie oder wo wann was
    le les des et est une pour pas je il elle nous vous avec dans sur mon ma mes comment ou
    quand quel quelle puis peux faire bonjour merci""".split()  # noqa: SIM905
)


# When the customer writes and how they type, not what they ask ("it's 11am now", "we're",
# "dont"; the apostrophe splits "we're" into "we" + "re"): the answerability decision reads
# them, with kb.text.lexicon.CALENDAR_WORDS, as neither covered nor missing. Kept out of
# DECISION_STOPWORDS, which the flags' gap detector shares.
CONVERSATION_WORDS = frozenset(
    """today tonight tomorrow yesterday now ago re ve ll nt dont didnt doesnt cant wont isnt
    arent wasnt werent havent hasnt couldnt wouldnt shouldnt im ive youre theyre weve theres
    thats whats ok okay yeah yep hey guys""".split()  # noqa: SIM905
)
