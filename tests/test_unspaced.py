"""The bigram segmenter for scripts written without spaces (kb/text/unspaced.py)."""

from __future__ import annotations

from kb.answerability.text import TermIndex, terms
from kb.storage.sqlite_fts import query_terms
from kb.text.unspaced import segment_unspaced, unspaced_terms
from kb.text.words import content_words, tokens


def test_latin_and_other_spaced_text_is_returned_unchanged() -> None:
    for text in ["Reset your password!", "Contraseña: ¿cómo?", "Größe 10,5 kg", "Пароль", ""]:
        assert segment_unspaced(text) is text


def test_japanese_and_chinese_runs_become_overlapping_bigrams() -> None:
    assert unspaced_terms("パスワード") == ["パス", "スワ", "ワー", "ード"]
    assert segment_unspaced("更改密码") == " 更改 改密 密码 "
    assert unspaced_terms("东京") == ["东京"]
    assert unspaced_terms("人々") == ["人々"]


def test_mixed_scripts_split_at_the_run_and_punctuation_separates_runs() -> None:
    assert (
        segment_unspaced("Zoom会議を予約。Email: a@b.c")
        == "Zoom 会議 議を を予 予約 。Email: a@b.c"
    )
    assert unspaced_terms("「設定」、保存") == ["設定", "保存"]
    assert unspaced_terms("円") == ["円"], "a lone letter stays a unigram"


def test_korean_words_between_spaces_are_bigrams_each() -> None:
    assert segment_unspaced("예약을 취소") == " 예약 약을   취소 "
    assert unspaced_terms("예약을 취소") == ["예약", "약을", "취소"]


def test_thai_drops_its_combining_marks_then_makes_bigrams() -> None:
    # ยกเลิกการจอง (cancel a booking): the mark on ล (U+0E34) goes
    assert unspaced_terms("ยกเลิก") == ["ยก", "กเ", "เล", "ลก"]
    assert unspaced_terms("ที่") == ["ท"]
    assert segment_unspaced("฿100") == "฿100", "Thai currency sign and digits are not letters"


def test_query_terms_segment_only_the_unspaced_runs() -> None:
    assert query_terms("How do I reset my password?") == ["reset", "password"]
    assert query_terms("パスワードを reset") == ["パス", "スワ", "ワー", "ード", "ドを", "reset"]
    assert query_terms("密码 密码") == ["密码"]


def test_answerability_and_content_words_read_unspaced_runs_as_the_index_does() -> None:
    question = "パスワードを忘れた"
    passage = TermIndex.of("ログイン画面から新しいパスワードを設定できます。")
    assert terms(question) == ["パス", "スワ", "ワー", "ード", "ドを", "を忘", "忘れ", "れた"]
    assert passage.has("パス") and passage.has("ドを") and not passage.has("忘れ")
    assert terms("How do I reset my Password?") == ["reset", "password"]
    assert content_words("更改密码 passwords") == ["更改", "改密", "密码", "passwor"]
    assert tokens("Don't worry, two días") == ["do", "nt", "worry", "2", "dias"]
