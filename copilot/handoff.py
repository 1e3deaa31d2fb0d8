"""When a customer must reach a human: they asked for one, or the topic is sensitive."""

from __future__ import annotations

import re

from copilot.messages import has_message, message

_ASKED_FOR_HUMAN = re.compile(
    r"\b(human|real person|live (agent|person|chat)|talk to (an? )?(agent|someone|person)"
    r"|speak (to|with) (an? )?(agent|someone|person|representative)|representative"
    r"|persona real|hablar con (un|una) (agente|persona)|agente humano"
    r"|mensch|mitarbeiter(in)? sprechen|echte[nr]? person|parler à (un|une) (agent|humain)"
    r"|falar com (um|uma) (atendente|pessoa|humano)|atendente humano|pessoa real"
    r"|parlare con (un|una) (operatore|operatrice|persona)|operatore umano|persona reale"
    r"|echte persoon|(spreken|praten) met een (mens|medewerker)|met een mens (spreken|praten)"
    r"|medewerker spreken|z konsultantem|(po)?rozmawiać z człowiekiem|prawdziw[aą] osob[aąę]"
    r"|müşteri temsilcisi\w*|canlı destek|insanla|gerçek bir kişi\w*"
    r"|(поговорить|связаться|говорить) с (живым )?(человеком|оператором)|живо(й|го) человека?"
    r"|позов\w* оператора|شخص حقيقي|موظف (خدمة|الدعم)|ممثل خدمة العملاء"
    r"|(التحدث|أتحدث|اتحدث) (مع|إلى|الى) (موظف|شخص|إنسان))\b",
    re.IGNORECASE,
)
# Japanese, Chinese, Korean and Thai: no spaces, so no word boundaries to anchor on.
_ASKED_FOR_HUMAN_UNSPACED = re.compile(
    r"オペレーター|担当者(と|に)(話|相談|つな|繋)|人間と話|人と話|有人(チャット|対応)"
    r"|人工客服|转人工|人工服务|真人客服|真人"
    r"|상담원|상담사|사람과 (대화|통화|이야기)|실제 사람"
    r"|คุยกับ(เจ้าหน้าที่|พนักงาน|คนจริง)|ขอสายเจ้าหน้าที่"
)
_SENSITIVE = re.compile(
    r"\b(lawyer|attorney|legal action|sue|lawsuit|court|chargeback|fraud|scam|stolen|hacked"
    r"|compromised|identity theft|harass\w*|threat\w*|suicid\w*|self-harm|police"
    r"|abogado|demanda|fraude|estafa|robad[oa]|hackead[oa]|denuncia"
    r"|anwalt|klage|betrug|gehackt|gestohlen|polizei|avocat|plainte|piraté"
    r"|advogado|processo judicial|roubad[oa]|polícia"
    r"|avvocato|causa legale|frode|truffa|hackerat[oa]|rubat[oa]|polizia"
    r"|advocaat|rechtszaak|oplichting|politie"
    r"|prawnik|adwokat|pozew|oszust\w*|zhakowan\w*|skradzion\w*|policj\w*"
    r"|avukat|dava (aç|aça|açaca)\w*|dolandırıcı\w*|hacklendi|çalındı|polis(e|i|in|ten)?"
    r"|адвокат\w*|суд(а|е|ом)?|мошенни\w*|взлом\w*|украл\w*|полици\w*"
    r"|محام[يٍ]?|دعوى قضائية|احتيال|اختراق|مخترق|مسروق|سرقة|الشرطة)\b",
    re.IGNORECASE,
)
_SENSITIVE_UNSPACED = re.compile(
    r"弁護士|訴訟|詐欺|不正利用|乗っ取られ|ハッキング|警察|盗まれ"
    r"|律师|起诉|诈骗|欺诈|被盗|盗刷|被黑|报警"
    r"|변호사|소송|사기|해킹|도용|도난|경찰"
    r"|ทนาย|ฟ้อง|ฉ้อโกง|หลอกลวง|ถูกแฮก|โดนแฮก|ถูกขโมย|ตำรวจ"
)


def handoff_reason(question: str) -> str | None:
    """`asked_for_human` or `sensitive` when the question itself calls for a person."""
    if _ASKED_FOR_HUMAN.search(question) or _ASKED_FOR_HUMAN_UNSPACED.search(question):
        return "asked_for_human"
    if _SENSITIVE.search(question) or _SENSITIVE_UNSPACED.search(question):
        return "sensitive"
    return None


def handoff_message(reason: str, lang: str) -> str:
    """The customer-facing line; a reason without its own (e.g. verifier_no) reads as unsure."""
    return message(reason if has_message(reason) else "low_confidence", lang)
