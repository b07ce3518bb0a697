"""Issue 13, points 4 and 5: words people would write (cluster names, drafted situations to rewrite)
and the diversity of voices (notes no indicator carries, groups an indicator carries)."""

import pytest

from groups import service as groups_service
from groups.models import ACTION, ILLBEING, WELLBEING
from indicators import board, engine, scales, transfer
from indicators import service as indicators_service
from indicators.board import SuggestedGroup
from indicators.models import ACTIVE, DRAFT
from surveys import service as surveys_service
from workshop.errors import SpiraleError

# ---------- names ----------


@pytest.mark.parametrize(
    ("note", "phrase"),
    [
        ("avoir un taf qui me plaît et pas juste pour payer le loyer", "Avoir un taf"),
        ("L'isolement, on perd ses collègues et ses copains", "L'isolement"),
        ("Des bancs pour se reposer quand on va au marché", "Des bancs pour se reposer"),
        ("Le dossier MDPH, 8 mois d'attente", "Le dossier MDPH"),
        ("se loger dignement", "Se loger dignement"),
        ("A job that I like and not just to pay the rent", "A job that I like"),
    ],
)
def test_a_note_gives_a_short_phrase_of_its_own_words(note, phrase):
    assert engine.note_phrase(note) == phrase


@pytest.mark.parametrize(
    ("note", "phrase"),
    [
        # A verb or a noun keeps its complement: cut at the last preposition within reach, not the first.
        ("Accepter de venir aux réunions avec les habitants du quartier", "Accepter de venir aux réunions"),
        ("Créer une bourse aux vêtements d'enfants", "Créer une bourse aux vêtements d'enfants"),
        # ... unless a verb follows it: a clause starts there.
        ("Boucler le mois sans être dans le rouge", "Boucler le mois"),
        ("Aller voir les entreprises directement plutôt qu'attendre", "Aller voir les entreprises directement"),
        # What one does, not who said it: the first person becomes an infinitive, "my" becomes "one's".
        ("Je garde mes petits-enfants le mercredi", "Garder ses petits-enfants le mercredi"),
        ("Je fais du bénévolat à l'épicerie solidaire pour le lien", "Faire du bénévolat à l'épicerie solidaire"),
        ("Je me forme sur internet le soir (tutos, mooc)", "Se former sur internet le soir"),
        ("Je m'occupe de ma mère", "S'occuper de sa mère"),
        ("J'accueille les nouveaux arrivants", "Accueillir les nouveaux arrivants"),
        ("Je trie mes déchets", "Trier ses déchets"),
        ("J'ai un travail", "Avoir un travail"),
        ("Je pourrais apprendre l'ordinateur si quelqu'un avait la patience", "Pouvoir apprendre l'ordinateur"),
        ("Rester chez moi jusqu'au bout", "Rester chez soi jusqu'au bout"),
        ("Pouvoir me déplacer seul en ville", "Pouvoir se déplacer seul en ville"),
        # Unsure: left in the note's words (a negation, an object pronoun).
        ("Je ne sors plus le soir", "Je ne sors plus le soir"),
        ("Je leur rends visite", "Je leur rends visite"),
    ],
)
def test_a_name_reads_as_a_citizen_would_write_it_not_a_fragment(note, phrase):
    assert engine.note_phrase(note) == phrase


@pytest.mark.parametrize(
    ("texts", "central", "name"),
    [
        # Cut at "que", a request says nothing of what is asked: another note names the cluster.
        (["Demander à la mairie que la garderie ferme plus tard", "Une mairie qui nous consulte avant de faire des "
          "travaux", "Les bâtiments publics pas accessibles"], [0, 1, 2], "Une mairie qui nous consulte"),
        # Cut at "comme", a complaint reads as a wish ("Qu'on nous parle").
        (["Qu'on nous parle comme à des enfants au guichet", "Être bien reçu au guichet de la mairie"], [0, 1],
         "Être bien reçu"),
    ],
)
def test_a_cut_that_loses_the_notes_point_gives_way_to_another_note(texts, central, name):
    assert engine.phrase_name(texts, central, ["mairie", "guichet"]) == name


def test_the_demo_clusters_get_no_fragment_for_a_name():
    """The names drafted for the demo's notes at every finesse: none stops on a preposition's object or a
    first person ("Accepter de venir", "Créer une bourse", "Je garde mes petits-enfants" were drafted once)."""
    import re

    import pandas as pd

    from demo import DEMO_DIR
    from indicators.text import fold

    texts = pd.read_csv(DEMO_DIR / "criteria.csv")["text"].tolist()
    notes = list(enumerate(texts, start=1))
    names = {g.name for threshold in (0.54, 0.66, 0.78) for g in board.suggest_groups(notes, threshold=threshold)}
    assert len(names) > 20
    assert [n for n in names if re.match(r"(?i)(je\b|j['’])", n)] == []
    fragments = {"Accepter de venir", "Créer une bourse", "Aller voir les entreprises directement plutôt",
                 # a request without what is asked, a complaint without its judgement, a head without its idea
                 "Demander à la mairie", "Qu'on nous parle", "Signaler à la mairie les endroits"}  # fmt: skip
    assert not names & fragments, names & fragments
    dangling = [n for n in names if fold(n.split()[-1]) in ("plutot", "sans", "comme", "pour", "avec")]
    assert dangling == []


def test_a_cluster_is_named_by_a_phrase_from_its_central_notes_not_a_keyword_list():
    texts = [
        "Avoir un travail stable",
        "Trouver un travail près de chez moi",
        "Le chômage des jeunes",
        "Un travail qui paie correctement",
    ]
    clustering = engine.cluster_notes(texts, settings=engine.ClusterSettings(threshold=0.99))
    [cluster] = [c for c in clustering.clusters if c.size == len(texts)]
    assert cluster.name[0].isupper() and ", " not in cluster.name
    assert any(cluster.name.casefold() in t.casefold() for t in texts)  # the notes' own words
    assert "chômage" not in cluster.name  # said positively when a note says it so


def test_a_phrase_prefers_the_clusters_words_and_a_positive_wording():
    texts = ["Le chômage des jeunes", "Avoir un travail", "Pas de travail depuis deux ans"]
    assert engine.phrase_name(texts, [2, 0, 1], ["travail", "chomage"]) == "Avoir un travail"


def test_the_representative_note_is_the_one_closest_to_the_others(no_embedding):
    clusters = [["Un loyer trop cher", "Le loyer est trop cher pour nous", "Un loyer cher"], [], ["Des amis"]]
    reps = board.representatives(clusters)
    assert reps[1] is None and reps[2] == 0
    assert clusters[0][reps[0]] in ("Un loyer trop cher", "Un loyer cher")


def test_an_indicator_name_is_drafted_from_its_clusters_phrases():
    assert scales.draft_name(["Avoir un travail"]) == "Avoir un travail"
    assert scales.draft_name(["Avoir un travail", "Se loger dignement", "Des amis"]) == (
        "Avoir un travail et se loger dignement"
    )
    assert scales.draft_name(["Les papiers", "CAF plus rapide"]) == "Les papiers et CAF plus rapide"
    assert scales.draft_name([" ", ""]) == ""


# ---------- situations that read as sentences ----------

NOTES = [
    ("un loyer trop cher pour moi", ILLBEING),
    ("Logement humide.", ILLBEING),
    ("Avoir un logement à soi", WELLBEING),
    ("Un appartement lumineux et calme", WELLBEING),
    ("je demande une aide au logement", ACTION),
]


def test_drafted_situations_are_sentences_in_the_notes_words_without_quotes_or_form_letters():
    levels = scales.draft_levels(NOTES, "fr")
    assert levels[1] == "Logement humide. Un loyer trop cher pour moi."
    assert levels[2] == "Un loyer trop cher pour moi, trop souvent."
    assert levels[3] == "Un appartement lumineux et calme, parfois oui, parfois non. Je demande une aide au logement."
    assert levels[4] == "Un appartement lumineux et calme, la plupart du temps."
    assert levels[5] == "Avoir un logement à soi. Un appartement lumineux et calme, et ça dure."
    for text in levels.values():
        assert text[0].isupper() and text.endswith(".") and "«" not in text and "Rien de ce qui" not in text


def test_one_sided_notes_still_make_five_sentences():
    good = scales.draft_levels([("des voisins qui se parlent", WELLBEING)], "fr")
    assert good[1] == "Des voisins qui se parlent ? Jamais." and good[5] == "Des voisins qui se parlent, et ça dure."
    bad = scales.draft_levels([("La solitude", ILLBEING)], "en")
    assert bad[1] == "La solitude." and bad[5] == "La solitude? Never again."
    done = scales.draft_levels([("je vais au club du jeudi", ACTION)], "fr")  # found by the robustness test
    assert done[1] == "Je vais au club du jeudi ? Jamais." and done[5] == "Je vais au club du jeudi, et ça dure."


# ---------- to rewrite: kept off phones and exports ----------


@pytest.fixture
def housing(session, project):
    young = groups_service.create_group(session=session, project_id=project.id, profile="Jeunes")
    old = groups_service.create_group(session=session, project_id=project.id, profile="Aînés")
    lone = groups_service.create_group(session=session, project_id=project.id, profile="Parents solos")
    rows = [
        (young, ILLBEING, "Un loyer trop cher"),
        (old, WELLBEING, "Un logement à soi"),
        (old, ACTION, "Demander une aide au logement"),
        (lone, WELLBEING, "Une place en crèche"),
    ]
    ids = [
        groups_service.add_criterion(session=session, project_id=project.id, group_id=g.id, question=q, text=t).id
        for g, q, t in rows
    ]
    view = board.load_board(session=session, project_id=project.id)
    board.apply_suggestion(
        session=session,
        project_id=project.id,
        groups=[SuggestedGroup("Un logement à soi", ids[:3])],
        seen=view.versions,
    )
    cluster = board.load_board(session=session, project_id=project.id).clusters[0]
    draft = indicators_service.draft_from_clusters(session=session, project_id=project.id, cluster_ids=[cluster.id])
    return project.id, ids, draft


def make(session, pid, draft, levels=None, accepted=()):
    return indicators_service.create_indicator(
        session=session,
        project_id=pid,
        name_fr=draft.name_fr,
        levels=levels or draft.levels,
        criterion_ids=draft.criterion_ids,
        drafts=draft.levels,
        accepted=accepted,
    )


def test_drafted_situations_saved_as_they_are_stay_to_rewrite_and_off_phones_and_exports(session, housing):
    pid, _, draft = housing
    made = make(session, pid, draft)
    assert made.status == DRAFT  # five situations, but nobody has read them
    rewrite = indicators_service.levels_to_rewrite(session=session, project_id=pid, indicator_id=made.id)
    assert rewrite == {1, 2, 3, 4, 5}
    assert indicators_service.usable_levels_of(session=session, project_id=pid, indicator_id=made.id) == {}
    assert indicators_service.questionnaire_indicators(session=session, project_id=pid) == []
    assert surveys_service.usable_indicator_ids(session=session, project_id=pid) == set()
    row = indicators_service.indicators_frame(session=session, project_id=pid).iloc[0]
    assert row["to_rewrite"] == 5 and all(row[f"level{level}"] == "" for level in range(1, 6))
    assert draft.levels[1] not in transfer.export_indicators(session=session, project_id=pid, fmt="csv").decode()


def test_an_edited_or_accepted_situation_is_the_groups_and_five_of_them_make_the_indicator_usable(session, housing):
    pid, _, draft = housing
    levels = {**draft.levels, 1: "Je n'ai pas de logement à moi."}
    made = make(session, pid, draft, levels=levels, accepted=[2])
    assert indicators_service.levels_to_rewrite(session=session, project_id=pid, indicator_id=made.id) == {3, 4, 5}
    usable = indicators_service.usable_levels_of(session=session, project_id=pid, indicator_id=made.id)
    assert usable == {1: "Je n'ai pas de logement à moi.", 2: draft.levels[2]}
    with pytest.raises(SpiraleError) as error:
        indicators_service.accept_levels(session=session, project_id=pid, indicator_id=made.id, levels=[3],
                                         expected_version=made.version + 1)  # fmt: skip
    assert error.value.key == "error.stale_indicator"
    edited = indicators_service.update_indicator(
        session=session,
        project_id=pid,
        indicator_id=made.id,
        name_fr="Un logement digne",
        levels={**levels, 3: "Un logement correct, mais humide."},
        expected_version=made.version,
    )
    assert edited.status == DRAFT  # 4 and 5 unchanged, still the machine's
    assert indicators_service.levels_to_rewrite(session=session, project_id=pid, indicator_id=made.id) == {4, 5}
    accepted = indicators_service.accept_levels(
        session=session, project_id=pid, indicator_id=made.id, levels=[4, 5], expected_version=edited.version
    )
    assert accepted.status == ACTIVE and accepted.version == edited.version + 1
    [asked] = indicators_service.questionnaire_indicators(session=session, project_id=pid)
    assert asked.indicator.id == made.id and sorted(asked.levels) == [1, 2, 3, 4, 5]
    assert surveys_service.usable_indicator_ids(session=session, project_id=pid) == {made.id}
    with pytest.raises(SpiraleError) as error:
        indicators_service.accept_levels(session=session, project_id=pid, indicator_id=made.id, levels=[])
    assert error.value.key == "error.accept_none"


def test_situations_written_by_people_are_never_to_rewrite(session, housing):
    pid, _, _ = housing
    written = {level: f"Situation {level}" for level in range(1, 6)}
    made = indicators_service.create_indicator(session=session, project_id=pid, name_fr="Logement", levels=written)
    assert made.status == ACTIVE
    assert indicators_service.levels_to_rewrite(session=session, project_id=pid, indicator_id=made.id) == set()


# ---------- diversity ----------


def test_diversity_shows_notes_no_indicator_carries_and_whose_voices_an_indicator_carries(session, housing):
    pid, ids, draft = housing
    before = indicators_service.diversity(session=session, project_id=pid)
    assert before.uncarried_ids == frozenset(ids) and sorted(before.unheard) == ["Aînés", "Jeunes", "Parents solos"]
    made = make(session, pid, draft)
    after = indicators_service.diversity(session=session, project_id=pid)
    assert after.uncarried_ids == frozenset([ids[3]])
    assert after.unheard == ["Parents solos"]  # a minority view no indicator carries yet
    assert [(g.group, g.notes, g.carried) for g in after.groups] == [
        ("Aînés", 2, 2),
        ("Jeunes", 1, 1),
        ("Parents solos", 1, 0),
    ]
    [voices] = after.indicators
    assert voices.indicator_id == made.id and voices.groups == {"Aînés": 2, "Jeunes": 1}
    assert voices.silent == ["Parents solos"]
    indicators_service.retire_indicator(session=session, project_id=pid, indicator_id=made.id)
    assert indicators_service.diversity(session=session, project_id=pid).uncarried_ids == frozenset(ids)
