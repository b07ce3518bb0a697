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
