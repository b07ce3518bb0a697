"""The survey tool's own label file, read beside its data file: what each question and choice code means.

KoboToolbox's "XML values and headers" export holds choice names (`jeunes_16_25`) under question names
(`group_ab12/indicateur_1`); the form's XLSForm (sheets `survey` and `choices`) gives their labels.
LimeSurvey's "answer codes" export holds `A1`…`A6` under `G01Q01[SQ001]`; its survey structure file
(.txt, tab-separated, rows of class Q, SQ and A) gives the question, subquestion and answer texts.
With the labels, the import reads the file as if it had been exported with the labels.
"""

import io
import re
from dataclasses import dataclass, field

import pandas as pd

from workshop import uploads
from workshop.errors import SpiraleError

MAX_BYTES = 5 * 1024 * 1024
_LIME_CODE = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)(?:\[([^\]]*)\])?")


@dataclass
class Labels:
    """Question titles by question name, and choice labels by question name then code."""

    titles: dict[str, str] = field(default_factory=dict)
    choices: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str = ""  # "xlsform" or "limesurvey"

    def key(self, column: str) -> tuple[str, str]:
        """A data column's question and subquestion names: `group/name` -> (name, ""), `Q[SQ]` -> (Q, SQ)."""
        head = str(column).strip().rsplit("/", 1)[-1].strip()
        match = _LIME_CODE.match(head)  # also the start of LimeSurvey's "code & question text" headings
        if head not in self.choices and match and (match.group(1) in self.titles or match.group(1) in self.choices):
            return match.group(1), match.group(2) or ""
        return head, ""

    def title(self, column: str) -> str:
        question, sub = self.key(column)
        return self.titles.get(f"{question}[{sub}]" if sub else question, "")

    def relabel(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Choice codes replaced by their labels, column by column; a cell with no known code is kept."""
        result = frame.copy()
        for column in frame.columns:
            codes = self.choices.get(self.key(column)[0])
            if codes:
                result[column] = frame[column].map(lambda v, c=codes: c.get(str(v).strip(), v))
        result.attrs.update(frame.attrs)
        return result


def read_labels(data: bytes, filename: str, lang: str = "fr") -> Labels:
    """An XLSForm (.xlsx with `survey` and `choices` sheets) or a LimeSurvey structure file (.txt/.tsv)."""
    if len(data) > MAX_BYTES:
        raise SpiraleError("error.file_too_big", size=round(len(data) / 1_048_576, 1), limit=MAX_BYTES // 1_048_576)
    if uploads.suffix(filename) in uploads.XLSX_SUFFIXES:
        return _xlsform(data, lang)
    if uploads.suffix(filename) in (".txt", ".tsv"):
        return _limesurvey(data, lang)
    raise SpiraleError("error.labels_type")


def _label_column(frame: pd.DataFrame, lang: str) -> str:
    """XLSForm's `label`, or `label::Français (fr)` style columns: the user's language first."""
    columns = [c for c in frame.columns if str(c).lower().startswith("label")]
    if not columns:
        raise SpiraleError("error.labels_unreadable")
    own = [c for c in columns if f"({lang})" in str(c).lower()]
    return (own or columns)[0]


def _xlsform(data: bytes, lang: str) -> Labels:
    try:
        book = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str, engine="openpyxl")
    except Exception as error:  # openpyxl raises many kinds of error for a damaged workbook
        raise SpiraleError("error.labels_unreadable") from error
    sheets = {str(name).strip().lower(): frame.fillna("") for name, frame in book.items()}
    if "survey" not in sheets or "choices" not in sheets:
        raise SpiraleError("error.labels_unreadable")
    survey, choices = sheets["survey"], sheets["choices"]
    if not {"type", "name"} <= set(survey.columns) or not {"list_name", "name"} <= set(choices.columns):
        raise SpiraleError("error.labels_unreadable")
    survey_label, choice_label = _label_column(survey, lang), _label_column(choices, lang)
    lists: dict[str, dict[str, str]] = {}
    for row in choices.to_dict("records"):
        if str(row["list_name"]).strip() and str(row["name"]).strip():
            lists.setdefault(str(row["list_name"]).strip(), {})[str(row["name"]).strip()] = str(row[choice_label])
    labels = Labels(source="xlsform")
    for row in survey.to_dict("records"):
        name, kind = str(row["name"]).strip(), str(row["type"]).split()
        if not name:
            continue
        labels.titles[name] = str(row[survey_label]).strip()
        if len(kind) > 1 and kind[0] in ("select_one", "select_multiple") and kind[1] in lists:
            labels.choices[name] = lists[kind[1]]
    return labels


def _limesurvey(data: bytes, lang: str) -> Labels:
    try:
        text = data.decode("utf-8-sig")
        frame = pd.read_csv(io.StringIO(text), sep="\t", dtype=str, keep_default_na=False, quoting=3)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise SpiraleError("error.labels_unreadable") from error
    if not {"class", "name", "text"} <= set(frame.columns):
        raise SpiraleError("error.labels_unreadable")
    if "language" in frame.columns and lang in set(frame["language"]):
        frame = frame[frame["language"].isin([lang, ""])]
    elif "language" in frame.columns and len(set(frame["language"]) - {""}) > 1:
        first = next(v for v in frame["language"] if v)
        frame = frame[frame["language"].isin([first, ""])]
    labels = Labels(source="limesurvey")
    question = ""
    for row in frame.to_dict("records"):
        kind, name, label = row["class"].strip(), row["name"].strip(), _plain_html(row["text"])
        if kind == "Q":
            question = name
            labels.titles.setdefault(name, label)
        elif kind == "SQ" and question:
            labels.titles.setdefault(f"{question}[{name}]", label)
        elif kind == "A" and question:
            labels.choices.setdefault(question, {}).setdefault(name, label)
    return labels


def _plain_html(text: str) -> str:
    """LimeSurvey keeps question texts as HTML: the words only."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(text))).strip()
