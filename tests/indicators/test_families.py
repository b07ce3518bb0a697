"""Family suggestions: shape, confidences, components, learning, grid file."""

import pandas as pd
import pytest

from indicators.families import FamilySuggester, load_grid, suggest_families


def test_grid_file_is_complete_and_readable() -> None:
    grid = load_grid()
    assert list(grid.columns[:2]) == ["code", "family"]
    assert set(grid[grid["code"] == grid["family"]]["code"]) == set("ABCDEFGH")
    for family in "CDEFGH":
        assert f"{family}00" in set(grid["code"]), family
    assert {"A00", "A01", "A11", "B00", "B01", "B02"} <= set(grid["code"])
    components = grid[grid["code"] != grid["family"]]
    assert (components["examples_fr"].str.count(r"\|") >= 3).all()
    assert (components["examples_en"].str.count(r"\|") >= 2).all()


def test_suggestions_shape_and_confidences() -> None:
    texts = ["Le loyer est trop cher pour un deux-pièces", "Being scared of what tomorrow brings", ""]
    suggestions = suggest_families(texts)
    assert len(suggestions) == 3
    for note in suggestions:
        assert len(note) == 3
        assert len({s.family for s in note}) == 3
        confidences = [s.confidence for s in note]
        assert confidences == sorted(confidences, reverse=True)
        assert all(0.0 <= c <= 1.0 for c in confidences) and sum(confidences) <= 1.0 + 1e-6
        for s in note:
            assert s.component is None or s.component.startswith(s.family)
            assert s.label_fr and s.label_en
    assert suggestions[0][0].family == "A" and suggestions[0][0].component == "A03"
    assert suggestions[1][0].family == "G"
    assert suggest_families([]) == []


def test_learning_from_confirmed_notes() -> None:
    text = "Les jeux de cartes au foyer du quartier le jeudi"
    before = suggest_families([text])[0]
    confirmed = [("Les jeux de cartes au foyer du quartier le mardi", "D02")]
    after = suggest_families([text], confirmed=confirmed)[0]
    assert after[0].family == "D" and after[0].component == "D02"
    assert after[0].confidence >= next((s.confidence for s in before if s.family == "D"), 0.0)


def test_grid_as_records_and_custom_component() -> None:
    records = load_grid().to_dict("records")
    records.append(
        {
            "code": "B09",
            "family": "B",
            "label_fr": "Animaux en ville",
            "label_en": "Animals in town",
            "description_fr": "Chiens, chats, pigeons, rats dans le quartier.",
            "description_en": "Dogs, cats, pigeons, rats in the area.",
            "examples_fr": "les rats près des poubelles | trop de pigeons",
            "examples_en": "rats near the bins | too many pigeons",
        }
    )
    top = FamilySuggester(records).suggest(["Des rats dans la cour de l'immeuble"])[0][0]
    assert top.family == "B" and top.component == "B09"


def test_fallback_without_embedding(no_embedding: None) -> None:
    top = suggest_families(["trouver du travail, un emploi stable"])[0][0]
    assert top.family == "A" and top.component == "A06"
    with pytest.raises(RuntimeError):
        FamilySuggester(pd.DataFrame(load_grid()), use_embedding=True)
