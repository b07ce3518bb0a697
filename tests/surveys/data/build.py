"""Writes the gallery of survey files shaped as real tools write them, for the demo's questionnaire.

Run once (python tests/surveys/data/build.py); the files are committed and read by tests/surveys/test_real_tools.py.
Shapes follow the tools' documentation and exports:
- LimeSurvey 6 "Export responses" CSV: every field quoted, `id`, `submitdate` (empty = not finished), `lastpage`,
  `startlanguage`, `seed`, `startdate`, `datestamp`, then one column per question, `G01Q01[SQ001]` for an
  array's subquestion; answers as codes (A1…A6, `-oth-` for "Other") or full texts; headings as codes or
  "code & question text" (`G01Q01[SQ001]. Question ? [Subquestion]`). Structure file: the tab-separated
  "Survey structure (.txt)" with rows of class S, G, Q, SQ, A.
- KoboToolbox "XML values and headers" XLSX: `start`, `end`, `group_x/question`, `_id`, `_uuid`,
  `_submission_time`, `_validation_status`, `_index`; its XLSForm (sheets `survey`, `choices`, `settings`).
  "Labels" export: headings `Group label/Question label`, answers as labels.
- Google Forms CSV: `Horodateur`, question titles, `Question [Row]` for a grid, answers as the columns' texts;
  a linear scale answers 1-5.
- Excel "CSV (séparateur : point-virgule)" on Windows: Windows-1252, `;`, no BOM.
"""

import csv
import io
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
INDICATORS = [
    "Avoir un travail", "Un logement digne", "Boucler les fins de mois", "Se soigner et être aidé",
    "Un quartier propre et respecté", "Se déplacer facilement", "Se sentir en sécurité",
    "Être bien reçu par les services publics", "Des relations familiales de qualité", "Ne pas être seul",
    "Respect et égalité de traitement", "Santé et moral", "Confiance en l'avenir", "Loisirs, culture et sport",
    "S'engager et s'entraider", "Apprendre et se former",
]  # fmt: skip
LEVELS = ["Situation très insatisfaisante", "Situation insatisfaisante", "Situation moyenne", "Bonne situation",
          "Situation idéale"]  # fmt: skip
PROFILES = ["Jeunes 16-25 ans", "Personnes âgées", "Parents seuls", "Demandeurs d'emploi", "Commerçants",
            "Personnes en situation de handicap"]  # fmt: skip
AGES = ["16-25", "26-40", "41-60", "61-75", "76+"]
PLACES = ["Vieux bourg", "Les Écluses", "Château d'eau"]
QUESTION = "Comment jugez-vous votre situation, aujourd'hui ?"
# Eight finished respondents: profile, place, age, and 16 levels (0 = don't know, None = not answered).
PEOPLE = [
    (0, 0, 0, [1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4]),
    (1, 1, 3, [5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5]),
    (2, 2, 1, [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]),
    (3, 0, 2, [2, 2, 1, 1, 0, 0, 2, 2, 1, 1, None, None, 2, 2, 1, 1]),
    (4, 1, 2, [4, 4, 4, 5, 5, 5, 4, 4, 4, 5, 5, 5, 4, 4, 4, 5]),
    (5, 2, 4, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
    (0, 1, 0, [2, 3, 4, 0, 2, 3, 4, 0, 2, 3, 4, 0, 2, 3, 4, 0]),
    (1, 2, 4, [5, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2]),
]


def _csv(rows: list[list[str]], *, separator: str = ",", quote_all: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=separator, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\r\n"
    )
    writer.writerows(rows)
    return buffer.getvalue()


def limesurvey(*, texts: bool) -> str:
    """Codes and code headings, or full texts under "code & question text" headings, `;` as Excel in France."""
    meta = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp"]
    codes = [f"G01Q01[SQ{n:03d}]" for n in range(1, 17)]
    if texts:
        meta = ["Response ID", "Date submitted", "Last page", "Start language", "Seed", "Date started",
                "Date last action"]  # fmt: skip
        indicators = [f"{c}. {QUESTION} [{name}]" for c, name in zip(codes, INDICATORS, strict=True)]
        profile = ["G02Q02. Votre profil", "G02Q03. Votre quartier", "G02Q04. Votre âge"]
    else:
        indicators, profile = codes, ["G02Q02", "G02Q03", "G02Q04"]
    rows = [meta + indicators + profile]
    for number, (who, place, age, levels) in enumerate(PEOPLE, start=101):
        answers = [
            "" if lvl is None else (("Ne sait pas" if lvl == 0 else LEVELS[lvl - 1]) if texts else f"A{lvl or 6}")
            for lvl in levels
        ]
        people = [PROFILES[who], PLACES[place], AGES[age]] if texts else [f"A{who + 1}", PLACES[place], f"A{age + 1}"]
        stamp = f"2026-05-02 10:{number - 100:02d}:00"
        rows.append([str(number), stamp, "3", "fr", "12345", stamp, stamp, *answers, *people])
    half = ["A2"] * 5 + [""] * 11  # gave up after a few questions: no submitdate
    rows.append(["109", "", "1", "fr", "777", "2026-05-02 11:00:00", "2026-05-02 11:02:00", *half,
                 ("A1" if not texts else PROFILES[0]), "", ""])  # fmt: skip
    rows.append(["110", "", "0", "fr", "778", "2026-05-02 11:05:00", "2026-05-02 11:05:00", *[""] * 19])  # opened only
    return _csv(rows, separator=";", quote_all=True)


def limesurvey_structure() -> str:
    """The tab-separated survey structure: answer options A1…A6 of the array, codes of the lists."""
    header = ["id", "related_id", "class", "type/scale", "name", "relevance", "text", "help", "language",
              "validation", "mandatory", "encrypted", "other"]  # fmt: skip
    rows = [header, ["", "", "S", "", "sid", "", "123456", "", "", "", "", "", ""],
            ["1", "", "G", "", "Situation", "1", "", "", "fr", "", "", "", ""],
            ["2", "", "Q", "F", "G01Q01", "1", f"<p>{QUESTION}</p>", "", "fr", "", "Y", "N", "N"]]  # fmt: skip
    rows += [
        ["", "", "SQ", "0", f"SQ{n:03d}", "1", name, "", "fr", "", "", "", ""] for n, name in enumerate(INDICATORS, 1)
    ]
    rows += [["", "", "A", "0", f"A{n}", "", text, "", "fr", "", "", "", ""]
             for n, text in enumerate([*LEVELS, "Ne sait pas"], 1)]  # fmt: skip
    rows.append(["3", "", "Q", "L", "G02Q02", "1", "Votre profil", "", "fr", "", "Y", "N", "Y"])
    rows += [["", "", "A", "0", f"A{n}", "", text, "", "fr", "", "", "", ""] for n, text in enumerate(PROFILES, 1)]
    rows.append(["4", "", "Q", "S", "G02Q03", "1", "Votre quartier", "", "fr", "", "N", "N", "N"])
    rows.append(["5", "", "Q", "L", "G02Q04", "1", "Votre âge", "", "fr", "", "N", "N", "N"])
    rows += [["", "", "A", "0", f"A{n}", "", text, "", "fr", "", "", "", ""] for n, text in enumerate(AGES, 1)]
    return "\n".join("\t".join(r) for r in rows) + "\n"


KOBO_LEVELS = ["n1", "n2", "n3", "n4", "n5", "nsp"]
KOBO_PROFILES = ["jeunes_16_25", "personnes_agees", "parents_seuls", "demandeurs_emploi", "commercants", "handicap"]
KOBO_AGES = ["a16_25", "a26_40", "a41_60", "a61_75", "a76_plus"]
KOBO_PLACES = ["vieux_bourg", "les_ecluses", "chateau_d_eau"]


def kobo(*, labels: bool) -> pd.DataFrame:
    rows = []
    for number, (who, place, age, levels) in enumerate(PEOPLE):
        row = {
            "start": f"2026-05-01T10:{number:02d}:00.000+02:00",
            "end": f"2026-05-01T10:{number + 5:02d}:00.000+02:00",
        }
        if labels:
            row |= {"Profil/Votre profil": PROFILES[who], "Profil/Quartier": PLACES[place],
                    "Profil/Votre âge": AGES[age]}  # fmt: skip
            row |= {
                f"Situation/{name}": "" if lvl is None else ("Ne sait pas" if lvl == 0 else LEVELS[lvl - 1])
                for name, lvl in zip(INDICATORS, levels, strict=True)
            }
        else:
            row |= {"group_pr34/profil": KOBO_PROFILES[who], "group_pr34/quartier": KOBO_PLACES[place],
                    "group_pr34/age": KOBO_AGES[age]}  # fmt: skip
            row |= {
                f"group_ab12/indicateur_{n}": "" if lvl is None else KOBO_LEVELS[(lvl or 6) - 1]
                for n, lvl in enumerate(levels, 1)
            }
        row |= {"_id": 48_213_550 + number, "_uuid": f"5c1e7a2b-0d4f-4c8e-9a1b-00000000000{number}",
                "_submission_time": f"2026-05-01T08:{number + 6:02d}:12", "_validation_status": "",
                "_notes": "", "_status": "submitted_via_web", "_submitted_by": "", "__version__": "vHx7",
                "_tags": "", "_index": number + 1}  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows)


def xlsform() -> dict[str, pd.DataFrame]:
    survey = [("start", "start", "", ""), ("end", "end", "", ""),
              ("begin_group", "group_pr34", "Profil", "Profile"),
              ("select_one profils", "profil", "Votre profil", "Your profile"),
              ("select_one quartiers", "quartier", "Quartier", "Neighbourhood"),
              ("select_one ages", "age", "Votre âge", "Your age"), ("end_group", "", "", ""),
              ("begin_group", "group_ab12", "Situation", "Situation")]  # fmt: skip
    survey += [("select_one niveaux", f"indicateur_{n}", name, "") for n, name in enumerate(INDICATORS, 1)]
    survey.append(("end_group", "", "", ""))
    choices = [("niveaux", n, t, "") for n, t in zip(KOBO_LEVELS, [*LEVELS, "Ne sait pas"], strict=True)]
    choices += [("profils", n, t, "") for n, t in zip(KOBO_PROFILES, PROFILES, strict=True)]
    choices += [("quartiers", n, t, "") for n, t in zip(KOBO_PLACES, PLACES, strict=True)]
    choices += [("ages", n, t, "") for n, t in zip(KOBO_AGES, AGES, strict=True)]
    columns = ["type", "name", "label::Français (fr)", "label::English (en)"]
    return {
        "survey": pd.DataFrame(survey, columns=columns),
        "choices": pd.DataFrame(choices, columns=["list_name", "name", "label::Français (fr)", "label::English (en)"]),
        "settings": pd.DataFrame({"form_title": ["Baromètre du bien-être"], "default_language": ["Français (fr)"]}),
    }


def google_forms(*, scale: bool) -> str:
    """A grid ("Question [Row]", answers as column texts) or one linear scale per indicator (1-5)."""
    header = ["Horodateur", "Profil", "Quartier", "Âge"]
    header += INDICATORS if scale else [f"{QUESTION} [{name}]" for name in INDICATORS]
    rows = [header]
    for number, (who, place, age, levels) in enumerate(PEOPLE):
        stamp = f"02/05/2026 10:{number:02d}:31"
        if scale:
            answers = ["" if not lvl else str(lvl) for lvl in levels]  # a scale has no "don't know": left blank
        else:
            answers = ["" if lvl is None else ("Je ne sais pas" if lvl == 0 else LEVELS[lvl - 1]) for lvl in levels]
        rows.append([stamp, PROFILES[who], PLACES[place], AGES[age], *answers])
    return _csv(rows)


def excel_cp1252() -> bytes:
    """Typed in Excel and saved as "CSV (séparateur : point-virgule)": Windows-1252, `;`, NSP for don't know."""
    rows = [["Code", "Profil", "Quartier", "Âge", *INDICATORS]]
    for number, (who, place, age, levels) in enumerate(PEOPLE, 1):
        answers = ["" if lvl is None else ("NSP" if lvl == 0 else str(lvl)) for lvl in levels]
        rows.append([f"Q{number:03d}", PROFILES[who], PLACES[place], AGES[age], *answers])
    rows.append([""] * (4 + len(INDICATORS)))  # Excel keeps a formatted empty line
    return _csv(rows, separator=";").encode("cp1252")


def main() -> None:
    (HERE / "limesurvey6_codes.csv").write_text(limesurvey(texts=False), encoding="utf-8", newline="")
    (HERE / "limesurvey6_texts.csv").write_text("\ufeff" + limesurvey(texts=True), encoding="utf-8", newline="")
    (HERE / "limesurvey6_structure.txt").write_text(limesurvey_structure(), encoding="utf-8")
    kobo(labels=False).to_excel(HERE / "kobo_xml_values.xlsx", index=False, sheet_name="Baromètre")
    kobo(labels=True).to_excel(HERE / "kobo_labels.xlsx", index=False, sheet_name="Baromètre")
    with pd.ExcelWriter(HERE / "kobo_xlsform.xlsx") as writer:
        for name, frame in xlsform().items():
            frame.to_excel(writer, sheet_name=name, index=False)
    (HERE / "google_forms_grid.csv").write_text(google_forms(scale=False), encoding="utf-8", newline="")
    (HERE / "google_forms_scale.csv").write_text(google_forms(scale=True), encoding="utf-8", newline="")
    (HERE / "excel_cp1252.csv").write_bytes(excel_cp1252())


if __name__ == "__main__":
    main()
