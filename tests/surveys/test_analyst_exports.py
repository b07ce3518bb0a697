"""What an analyst reads in the exports (issue 15 point 7): the wave and the filter in every file, labelled
numbers in SPSS and Stata (read back with pyreadstat, as R's haven reads them), the wave in the chosen language."""

import io

import pandas as pd
import pyreadstat
import pytest

from surveys import exports, service


def dataset(session, demo, **filters):
    pid, wid = demo
    return service.export_dataset(session=session, project_id=pid, wave_id=wid, **filters)


@pytest.mark.parametrize("kind", ["sav", "dta"])
def test_spss_and_stata_files_hold_labelled_numbers_the_wave_and_the_filter(session, demo, tmp_path, kind):
    data = dataset(session, demo, profiles=["Commerçants"])
    path = tmp_path / f"wave.{kind}"
    path.write_bytes(exports.to_sav(data, lang="en") if kind == "sav" else exports.to_dta(data, lang="en"))
    read = pyreadstat.read_sav if kind == "sav" else pyreadstat.read_dta
    frame, meta = read(str(path))
    labelled, _ = read(str(path), apply_value_formats=True)
    assert len(frame) == 30 and list(frame.columns[:3]) == ["wave_id", "wave", "code"]
    assert set(frame["wave_id"]) == {data.wave_id} and set(frame["wave"]) == {data.wave_name("en")}
    assert meta.variable_value_labels["profile"] == {1: "Commerçants"} and set(labelled["profile"]) == {"Commerçants"}
    assert set(labelled["age_band"]) <= set(service.AGE_BANDS)
    wide = exports.wide_frame(data)
    assert sorted(labelled["place"]) == sorted(wide["place"])  # every place, as a label of its number
    indicator = next(c for c in frame.columns if c.startswith("ind"))
    assert meta.variable_value_labels[indicator][9] == "Don't know"
    assert set(frame[indicator].dropna()) <= {1, 2, 3, 4, 5, 9}
    if kind == "sav":
        assert meta.variable_measure["profile"] == "nominal" and meta.variable_measure[indicator] == "ordinal"
        assert meta.original_variable_types[indicator] == "F1.0"
        assert "Commerçants" in " ".join(meta.notes) and "WEIGHT BY weight" in " ".join(meta.notes)
    else:
        assert "Commerçants" in meta.file_label


def test_every_file_says_which_wave_in_the_chosen_language(session, demo):
    data = dataset(session, demo)
    assert data.wave_en and data.wave_en != data.wave
    long_en = pd.read_csv(io.BytesIO(exports.to_csv(exports.long_frame(data, lang="en"))), encoding="utf-8-sig")
    assert set(long_en["wave"]) == {data.wave_en} and set(long_en["wave_id"]) == {data.wave_id}
    wide_fr = exports.wide_frame(data, lang="fr")
    assert set(wide_fr["wave"]) == {data.wave} and list(wide_fr.columns[:2]) == ["wave_id", "wave"]
    book = pd.read_excel(io.BytesIO(exports.to_xlsx(data, lang="en")), sheet_name="data")
    assert set(book["wave"]) == {data.wave_en}


def test_a_filtered_dataset_says_its_filter(session, demo):
    assert dataset(session, demo).filters == ""
    assert dataset(session, demo, profiles=["Commerçants"], places=["Le Vieux-Bourg"]).filters == (
        "Commerçants | Le Vieux-Bourg"
    )


def test_spss_opens_the_file_weighted_by_weight(session, demo, tmp_path):
    """The header's case-weight index points at `weight`: one record per numeric variable, one per 8 bytes of a
    string (counted here from pyreadstat's own reading of the file)."""
    content = exports.to_sav(dataset(session, demo), lang="fr")
    path = tmp_path / "weighted.sav"
    path.write_bytes(content)
    frame, meta = pyreadstat.read_sav(str(path))
    records = 0
    for name in meta.column_names:
        records += 1
        if name == "weight":
            break
        if meta.readstat_variable_types[name] == "string":  # its continuation records
            records += max(0, -(-meta.variable_storage_width[name] // 8) - 1)
    assert exports.weight_index(content) == records and records > 1
    assert len(frame) == 232 and frame["weight"].notna().all()


def test_the_workbook_leaves_dont_know_blank_flags_it_and_says_what_the_wave_is(session, demo):
    data = dataset(session, demo)
    book = pd.read_excel(io.BytesIO(exports.to_xlsx(data, lang="fr")), sheet_name=None)
    assert list(book) == ["data", "wave", "codebook", "values", "choices"]
    sheet, answers = book["data"], data.answers
    indicator = exports.variable(int(answers.loc[answers["level"].isna(), "indicator_id"].iloc[0]))
    dont_know = answers[answers["indicator_id"] == int(indicator[3:])]["level"].isna().sum()
    assert sheet[f"{indicator}_dk"].sum() == dont_know > 0 and 9 not in set(sheet[indicator].dropna())
    known = answers[answers["indicator_id"] == int(indicator[3:])]["level"].dropna()
    assert sheet[indicator].mean() == pytest.approx(known.mean())  # what an Excel AVERAGE gives: no 9 in it
    wave = book["wave"].iloc[0]
    assert wave["wave_id"] == data.wave_id and wave["respondents"] == 232 and wave["kind"]
    assert str(wave["opened_on"]).startswith("20") and "UTC" in wave["exported_at"]
    assert wave["filter"] == "tous les répondants" and "9 = ne sait pas" in wave["missing"]
    choices = book["choices"]
    assert set(choices.loc[choices["variable"] == "profile", "label"]) == set(data.respondents["profile"]) - {""}


def test_families_and_components_are_named_in_the_long_file_the_codebook_and_the_sav(session, demo, tmp_path):
    data = dataset(session, demo)
    long = exports.long_frame(data, lang="en")
    named = long[long["family"] != ""]
    assert len(named) and (named["family_name"] != "").all() and (named["family_name"] != named["family"]).all()
    assert set(named["family_name"]) <= {en or fr for fr, en in data.grid.values()}
    with_component = long[long["component"] != ""]
    assert (with_component["component_name"] != "").all()
    variables, _ = exports.codebook(data)
    indicators = variables[variables["variable"].str.fullmatch(r"ind\d+")]
    assert (indicators.loc[indicators["family"] != "", "family_name_fr"] != "").all()
    path = tmp_path / "named.sav"
    path.write_bytes(exports.to_sav(data, lang="fr"))
    _, meta = pyreadstat.read_sav(str(path))
    first = indicators[indicators["family"] != ""].iloc[0]
    label = meta.column_names_to_labels[first["variable"]]
    assert label.startswith(first["label_fr"]) and first["family"] in label and first["family_name_fr"] in label


def test_several_waves_export_stacked_each_row_keeping_its_wave(session, demo, tmp_path):
    pid, first = demo
    iid = sorted(service.usable_indicator_ids(session=session, project_id=pid))[0]
    second = service.create_wave(session=session, project_id=pid, name="Vague 2", name_en="Wave 2", kind="ex-post").id
    service.add_response(session=session, project_id=pid, wave_id=second, levels={iid: 5}, code="n1", source="typed")
    data = service.export_waves(session=session, project_id=pid, wave_ids=[first, second])
    wide = exports.wide_frame(data, lang="en")
    assert wide.groupby("wave_id").size().to_dict() == {first: 232, second: 1}
    assert set(wide.loc[wide["wave_id"] == second, "wave"]) == {"Wave 2"}
    long = exports.long_frame(data, lang="fr")
    assert set(long.loc[long["code"] == "n1", "wave"]) == {"Vague 2"} and len(long) == len(data.answers)
    path = tmp_path / "stacked.sav"
    path.write_bytes(exports.to_sav(data, lang="en"))
    frame, _ = pyreadstat.read_sav(str(path), apply_value_formats=True)
    assert frame.groupby("wave_id").size().to_dict() == {first: 232, second: 1}
    assert set(frame.loc[frame["code"] == "n1", "source"]) == {"typed"}
    sheet = pd.read_excel(io.BytesIO(exports.to_xlsx(data, lang="en")), sheet_name="wave")
    assert list(sheet["wave_id"]) == [first, second] and list(sheet["respondents"]) == [232, 1]


def test_each_response_says_when_and_how_it_came(session, demo):
    pid, wid = demo
    iid = sorted(service.usable_indicator_ids(session=session, project_id=pid))[0]
    token = service.create_tokens(session=session, project_id=pid, wave_id=wid, count=1)[0]
    service.submit_token(session=session, token=token, levels={iid: 3}, profile={})
    frame = pd.read_csv(io.BytesIO(exports.to_csv(exports.wide_frame(dataset(session, demo)))), encoding="utf-8-sig")
    phone = frame[frame["source"] == "phone"]
    assert len(phone) == 1 and phone["code"].iloc[0].startswith("web-")
    assert pd.to_datetime(frame["submitted_at"], utc=True).notna().all()
