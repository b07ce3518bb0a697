"""Text preparation: folding, stop words, cues, emoji, languages."""

from indicators.text import detect_language, fold, key_tokens, stop_words, topic_text


def test_fold_removes_case_accents_and_ligatures() -> None:
    assert fold("Œuvre ÉTÉ à l'Hôpital") == "oeuvre ete a l'hopital"


def test_stop_words_are_shipped_for_both_languages() -> None:
    assert {"le", "des", "pour"} <= stop_words("fr")
    assert {"the", "and", "of"} <= stop_words("en")


def test_lack_and_negation_cues_do_not_change_the_topic() -> None:
    assert key_tokens("Le manque de logement") == key_tokens("un logement")
    assert key_tokens("pas de travail") == key_tokens("du travail")
    assert key_tokens("sans emploi") == key_tokens("emploi")
    assert key_tokens("No job") == key_tokens("a job")
    assert topic_text("Il n'y a pas de médecin") == "médecin"
    assert topic_text("the lack of housing") == "housing"


def test_emoji_and_punctuation_are_dropped() -> None:
    assert key_tokens("Le bruit 😡😡 !!! ...") == ["bruit"]
    assert topic_text("🙂🙂") == ""


def test_plurals_and_elisions_meet() -> None:
    assert key_tokens("les trottoirs") == key_tokens("Trottoir")
    assert key_tokens("l'école") == ["ecole"]


def test_language_detection() -> None:
    assert detect_language("Un travail pour les jeunes du quartier") == "fr"
    assert detect_language("A job for the young people in my area") == "en"
    assert detect_language("L'ennui") == "fr"
