"""Benchmark of step 3: dashboard computations, exports and import validation per number of respondents.

Usage: python bench/survey_speed.py [--sizes 1000 10000 30000] [--indicators 60] [--db]

Answers are synthesised (levels 1-5 with about 6% "don't know" and 3% not answered, six profiles,
five neighbourhoods, weights 0.5-1.5). The dashboard figure is one full recomputation of what the
dashboard page shows for a wave, plus wave against wave. Exports run on the same data; the import
validates our own wide CSV export (the part that grows with the file). With --db, the wave is also
written to a fresh SQLite database through the service and read back (what a page rerun reads).
Each timing is the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from surveys import analysis, exports, imports  # noqa: E402

PROFILES = ["Jeunes", "Aînés", "Parents seuls", "Demandeurs d'emploi", "Commerçants", "Handicap"]
PLACES = ["Gare", "Centre", "Vieux-Bourg", "Plateau", "Rives"]
FAMILIES = list("ABCDEFGH")


def synthesise(respondents: int, indicators: int, seed: int = 1) -> exports.Dataset:
    rng = np.random.default_rng(seed)
    ids = np.arange(1, indicators + 1)
    people = pd.DataFrame(
        {
            "respondent": np.arange(1, respondents + 1),
            "code": [f"r{i:06d}" for i in range(1, respondents + 1)],
            "profile": rng.choice(PROFILES, respondents),
            "place": rng.choice(PLACES, respondents),
            "age_band": rng.choice(["16-25", "26-40", "41-60", "61-75", "76+"], respondents),
            "weight": rng.uniform(0.5, 1.5, respondents).round(3),
        }
    )
    levels = rng.integers(1, 6, (respondents, indicators)).astype(float)
    levels[rng.random(levels.shape) < 0.06] = np.nan
    answered = rng.random(levels.shape) >= 0.03
    rows, cols = np.nonzero(answered)
    answers = pd.DataFrame(
        {"respondent": people["respondent"].to_numpy()[rows], "indicator_id": ids[cols], "level": levels[rows, cols]}
    )
    frame = pd.DataFrame(
        {
            "id": ids,
            "name_fr": [f"Indicateur {i}" for i in ids],
            "name_en": [f"Indicator {i}" for i in ids],
            "family": [FAMILIES[i % len(FAMILIES)] for i in ids],
            **{f"level{k}": [f"Situation {k} de l'indicateur {i}" for i in ids] for k in range(1, 6)},
        }
    )
    questions = [("profile", "Profil", "Profile"), ("place", "Quartier", "Neighbourhood"), ("age_band", "Âge", "Age")]
    return exports.Dataset(wave="Bench", respondents=people, answers=answers, indicators=frame, questions=questions)


def tidy(data: exports.Dataset) -> pd.DataFrame:
    """The dashboard's input, as service.answers_frame returns it."""
    return data.answers.merge(data.respondents, on="respondent")


def best(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def target(data: exports.Dataset) -> imports.Target:
    indicators = {int(r["id"]): {k: str(v) for k, v in r.items()} for r in data.indicators.to_dict("records")}
    return imports.Target(indicators=indicators, questions=[(*q, []) for q in data.questions])


def _levels(group: pd.DataFrame, by_id: dict[int, int]) -> dict[int, int | None]:
    pairs = zip(group["indicator_id"], group["level"], strict=True)
    return {by_id[i]: (None if np.isnan(v) else int(v)) for i, v in pairs}


def database_round(data: exports.Dataset) -> tuple[float, float]:
    """Write the wave through the service (bulk, all or nothing) and read it back as the dashboard does."""
    from indicators import service as indicators_service
    from surveys import service
    from workshop import database, projects

    folder = tempfile.mkdtemp(prefix="spirale-bench-")
    url = f"sqlite:///{os.path.join(folder, 'bench.db')}"
    database.prepare(url)
    with database.session_scope(url) as session:
        pid = projects.create_project(session=session, name="Bench", place="Bench").id
        ids = [
            indicators_service.create_indicator(
                session=session, project_id=pid, name_fr=f"Indicateur {i}", levels={k: f"S{k}" for k in range(1, 6)}
            ).id
            for i in data.indicators["id"]
        ]
        wave = service.create_wave(session=session, project_id=pid, name="Bench")
        by_id = dict(zip(data.indicators["id"], ids, strict=True))
        grouped = data.answers.groupby("respondent")
        responses = [
            service.ResponseIn(
                levels=_levels(g, by_id),
                code=code,
                profile=profile,
                place=place,
                weight=weight,
            )
            for (rid, g), code, profile, place, weight in zip(
                grouped, data.respondents["code"], data.respondents["profile"], data.respondents["place"],
                data.respondents["weight"], strict=True,
            )
        ]  # fmt: skip
        start = time.perf_counter()
        service.add_responses(session=session, project_id=pid, wave_id=wave.id, responses=responses)
        session.commit()
        write = time.perf_counter() - start
        start = time.perf_counter()
        service.answers_frame(session=session, project_id=pid, wave_id=wave.id)
        read = time.perf_counter() - start
    return write, read


def run(respondents: int, indicators: int, repeat: int, with_db: bool) -> dict[str, float]:
    data = synthesise(respondents, indicators)
    before = synthesise(respondents, indicators, seed=2)
    answers, previous = tidy(data), tidy(before)
    families = dict(zip(data.indicators["id"], data.indicators["family"], strict=True))
    wide_csv = exports.to_csv(exports.wide_frame(data))
    figures = {
        "answers": len(answers),
        "dashboard": best(lambda: analysis.dashboard(answers, families), repeat),
        "dashboard+filter+waves": best(
            lambda: (
                analysis.dashboard(analysis.filter_answers(answers, profiles=PROFILES[:3]), families),
                analysis.compare_waves(previous, answers),
            ),
            repeat,
        ),
        "long_csv": best(lambda: exports.to_csv(exports.long_frame(data)), repeat),
        "wide_csv": best(lambda: exports.to_csv(exports.wide_frame(data, labels=True)), repeat),
        "xlsx": best(lambda: exports.to_xlsx(data), repeat),
        "sav": best(lambda: exports.to_sav(data), repeat),
        "import_check": best(
            lambda: imports.validate(
                frame := imports.read_table(wide_csv, "wide.csv"),
                imports.guess_mapping(list(frame.columns), target(data)),
                target(data),
            ),
            1,
        ),
    }
    if with_db:
        figures["db_write"], figures["db_read"] = database_round(data)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 30000])
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", action="store_true", help="also write and read the wave through SQLite")
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"{args.indicators} indicators; seconds, best of {args.repeat}")
    header = None
    for size in args.sizes:
        figures = run(size, args.indicators, args.repeat, args.db)
        if header is None:
            header = ["respondents", *figures]
            print("  ".join(f"{h:>22}" for h in header))
        cells = [f"{size:>22}", f"{figures.pop('answers'):>22}", *[f"{v:>22.3f}" for v in figures.values()]]
        print("  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
