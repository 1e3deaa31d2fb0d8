"""A customer who asks for a person, or raises a sensitive topic, is handed off in every
language we answer in, and ordinary questions of a booking app are not."""

from __future__ import annotations

import pytest

from copilot.handoff import handoff_message, handoff_reason
from copilot.messages import message

ASKS_FOR_A_PERSON = {
    "en": "Can I talk to a real person please?",
    "es": "Quiero hablar con una persona",
    "de": "Ich möchte mit einem Mitarbeiter sprechen",
    "fr": "Je voudrais parler à un humain",
    "pt": "Quero falar com um atendente",
    "it": "Posso parlare con un operatore?",
    "nl": "Kan ik met een mens praten?",
    "pl": "Chcę porozmawiać z konsultantem",
    "tr": "Müşteri temsilcisiyle görüşmek istiyorum",
    "ru": "Можно поговорить с живым человеком?",
    "ar": "أريد التحدث مع موظف خدمة العملاء",
    "ja": "担当者と話したいです",
    "zh": "我要转人工客服",
    "ko": "상담원 연결해 주세요",
    "th": "ขอคุยกับเจ้าหน้าที่หน่อย",
}
SENSITIVE = {
    "pt": "Minha conta foi hackeada e meu cartão roubado",
    "it": "Il mio account è stato hackerato, è una truffa",
    "nl": "Dit is oplichting, ik ga naar de politie",
    "pl": "Moje konto zostało zhakowane",
    "tr": "Hesabım hacklendi, avukatımla görüşeceğim",
    "ru": "Мой аккаунт взломали, это мошенничество",
    "ar": "تم اختراق حسابي وسأتصل بالشرطة",
    "ja": "アカウントが乗っ取られました。警察に相談します",
    "zh": "我的账户被盗了，我要报警",
    "ko": "계정이 해킹당했어요",
    "th": "บัญชีของฉันถูกแฮก",
}
ORDINARY = [
    "How do I polish my booking page?",
    "Comment partager un planning avec un collègue ?",
    "Hoe deel ik een agenda met een medewerker?",
    "Как поделиться расписанием с сотрудником?",
    "Jak udostępnić kalendarz współpracownikowi?",
    "Ekip üyelerine nasıl randevu atarım?",
    "予約に担当者を割り当てるには？",
    "如何使用人工智能安排会议？",
    "팀원에게 예약을 배정하려면 어떻게 하나요?",
    "จะเปลี่ยนเวลานัดหมายได้อย่างไร",
    "كيف أغير موعد الحجز؟",
    "O calendário dava erro quando eu tentava sincronizar",  # "dava": Turkish for lawsuit
]


@pytest.mark.parametrize("lang", sorted(ASKS_FOR_A_PERSON))
def test_asking_for_a_person_hands_off_in_that_language(lang: str) -> None:
    assert handoff_reason(ASKS_FOR_A_PERSON[lang]) == "asked_for_human"
    assert handoff_message("asked_for_human", lang) == message("asked_for_human", lang)


@pytest.mark.parametrize("lang", sorted(SENSITIVE))
def test_a_sensitive_topic_hands_off_in_that_language(lang: str) -> None:
    assert handoff_reason(SENSITIVE[lang]) == "sensitive"


@pytest.mark.parametrize("question", ORDINARY)
def test_ordinary_questions_are_not_handed_off(question: str) -> None:
    assert handoff_reason(question) is None


def test_a_reason_without_a_line_of_its_own_reads_as_unsure() -> None:
    assert handoff_message("verifier_no", "ko") == message("low_confidence", "ko")
