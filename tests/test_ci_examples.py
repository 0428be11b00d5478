"""The CI examples in examples/ci/ (a GitHub Actions workflow and a GitLab CI job) are valid YAML
of their platform's shape; every `summarizer` command line they run exists with the flags they
pass (checked against that command's `--help`); the paths they default to exist in this repo; the
eval step gates (nothing swallows its exit code) and the reporting steps run on failure too.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from builders import ROOT, invoke

CI = ROOT / "examples" / "ci"
GITHUB = CI / "github-eval.yml"
GITLAB = CI / "gitlab-eval.yml"
HELP_ENV = {"COLUMNS": "200", "NO_COLOR": "1"}  # wide: no option name is cut or wrapped
# What `summarizer eval --out DIR` writes that the examples hand on. report.html is uploaded
# too, but not required here (if-no-files-found: warn).
REPORTS = ("junit.xml", "report.md", "report.json")
GITLAB_KEYWORDS = {"default", "include", "stages", "variables", "workflow", "image", "cache"}
SHELL_OPERATORS = {"&&", "||", ";", "|", "&"}


# --- reading the files ----------------------------------------------------------------------


def load(path: Path) -> dict[Any, Any]:
    """The file as YAML (safe_load), which must be a mapping."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: not a YAML mapping"
    return data


def github_job() -> dict[str, Any]:
    """The workflow's one job."""
    jobs = load(GITHUB)["jobs"]
    assert isinstance(jobs, dict) and len(jobs) == 1, jobs
    job: dict[str, Any] = next(iter(jobs.values()))
    return job


def gitlab_job() -> dict[str, Any]:
    """The GitLab file's one job (a top-level key that is not a keyword or a hidden `.job`)."""
    data = load(GITLAB)
    jobs = [v for k, v in data.items() if k not in GITLAB_KEYWORDS and not str(k).startswith(".")]
    assert len(jobs) == 1 and isinstance(jobs[0], dict), data
    job: dict[str, Any] = jobs[0]
    return job


def github_env() -> dict[str, str]:
    """The workflow-level `env` with the job's on top."""
    return {**load(GITHUB).get("env", {}), **github_job().get("env", {})}


def gitlab_env() -> dict[str, str]:
    """The file's global `variables` with the job's on top."""
    return {**load(GITLAB).get("variables", {}), **gitlab_job().get("variables", {})}


def github_scripts() -> list[str]:
    """Every step's `run` block."""
    return [step["run"] for step in github_job()["steps"] if "run" in step]


def gitlab_scripts() -> list[str]:
    """Every line of the job's before_script, script and after_script (nested lists flattened)."""

    def flat(items: Any) -> Iterator[str]:
        for item in [items] if isinstance(items, str) else items:
            # A plain YAML line with ": " in it is a mapping, which GitLab rejects.
            assert isinstance(item, str | list), f"a script line that is not a string: {item!r}"
            yield from [item] if isinstance(item, str) else flat(item)

    job = gitlab_job()
    return [
        s for key in ("before_script", "script", "after_script") for s in flat(job.get(key, []))
    ]


# --- the command lines in a script ----------------------------------------------------------

GITHUB_EXPRESSION = re.compile(r"\$\{\{\s*env\.(\w+)\s*\}\}")
SHELL_VARIABLE = re.compile(r"\$\{?(\w+)\}?")


def logical_lines(script: str) -> list[str]:
    r"""The script's command lines: `\`-newline continuations joined, and so are continuations
    a YAML folded block (`>`) already joined into one line (`a \ b`); comments and blanks dropped.
    """
    joined = re.sub(r"\\\n", " ", script)
    joined = re.sub(r"(?<=\s)\\(?=\s)", " ", joined)
    lines = (line.strip() for line in joined.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def expand(text: str, env: Mapping[str, str]) -> str:
    """`${{ env.X }}`, `$X` and `${X}` replaced from `env`; unknown names are left as written."""
    text = GITHUB_EXPRESSION.sub(lambda m: env.get(m[1], m[0]), text)
    return SHELL_VARIABLE.sub(lambda m: env.get(m[1], m[0]), text)


def summarizer_commands(scripts: list[str], env: Mapping[str, str]) -> list[list[str]]:
    """Every `summarizer ...` command in `scripts` as argv (variables expanded from `env`), also
    one inside `a && summarizer ... | tee`.
    """
    found = []
    for line in (line for script in scripts for line in logical_lines(script)):
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        command: list[str] = []
        for token in [*lexer, ";"]:
            if token not in SHELL_OPERATORS:
                command.append(token)
                continue
            if command and command[0] == "summarizer":
                found.append([expand(arg, env) for arg in command])
            command = []
    return found


def option(argv: list[str], name: str) -> str:
    """The value after `name` in `argv` (the option must be there, with a value)."""
    assert name in argv[:-1], f"{name} missing from {argv}"
    return argv[argv.index(name) + 1]


# --- checking a command against the CLI -----------------------------------------------------


def cli_problems(argv: list[str]) -> list[str]:
    """What is wrong with `argv` (`summarizer ...`) for the current CLI, [] when nothing.

    The command line itself runs with `--help` added: click resolves the subcommands (and a
    group's default command, like `eval` -> `eval run`) and rejects an unknown option before the
    eager `--help` prints, so nothing is run. The help must be a command's, not a group's
    listing, and must name every `--flag` the line passes.
    """
    assert argv[0] == "summarizer", argv
    result = invoke(*argv[1:], "--help", env=HELP_ENV)
    if result.exit_code != 0:
        return [f"{shlex.join(argv)}: exit {result.exit_code}: {result.output.strip()}"]
    if re.search(r"^\W*Commands\b", result.output, re.MULTILINE):
        return [f"{shlex.join(argv)}: names a group, not a command"]
    flags = [arg.split("=", 1)[0] for arg in argv if arg.startswith("--")]
    return [
        f"{shlex.join(argv)}: {flag} is not in its --help"
        for flag in flags
        if not re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", result.output)
    ]


# --- the tests ------------------------------------------------------------------------------

EXAMPLES = {
    "github": (github_scripts, github_env),
    "gitlab": (gitlab_scripts, gitlab_env),
}


def commands_of(example: str) -> list[list[str]]:
    """The `summarizer` commands of one example file, variables expanded from its env."""
    scripts, env = EXAMPLES[example]
    return summarizer_commands(scripts(), env())


def gate_command(example: str) -> list[str]:
    """The example's one `summarizer eval` command."""
    evals = [argv for argv in commands_of(example) if argv[1] == "eval"]
    assert len(evals) == 1, evals
    return evals[0]


def test_the_github_workflow_has_the_shape_of_one() -> None:
    workflow = load(GITHUB)
    # YAML 1.1 reads the bare key `on` as True; GitHub reads it as "on".
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict) and {"push", "pull_request"} <= set(triggers)
    steps = github_job()["steps"]
    assert all(("run" in s) != ("uses" in s) for s in steps), steps
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert {"actions/checkout", "actions/setup-python", "actions/upload-artifact"} <= set(uses)
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "3.11" and setup["with"]["cache"] == "pip"


def test_the_gitlab_job_has_the_shape_of_one() -> None:
    job = gitlab_job()
    assert job["image"] == "python:3.11"
    assert job["script"] and job["artifacts"]["reports"]["junit"]


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_summarizer_command_exists_with_its_flags(example: str) -> None:
    commands = commands_of(example)
    assert commands, f"no summarizer command found in the {example} example"
    assert [problem for argv in commands for problem in cli_problems(argv)] == []


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_gate_replays_the_committed_recordings_against_the_baseline(example: str) -> None:
    argv = gate_command(example)
    assert "--record" not in argv and "--predictions" not in argv
    suite, replays, baseline = argv[2], option(argv, "--replay"), option(argv, "--baseline")
    assert not [a for a in argv if "$" in a], f"a variable the file does not set: {argv}"
    assert (ROOT / suite).is_file() and (ROOT / replays).is_dir(), argv
    assert "metrics" in json.loads((ROOT / baseline).read_text(encoding="utf-8"))


def test_the_checker_catches_a_renamed_flag_and_an_unknown_command() -> None:
    argv = gate_command("github")
    renamed = [("--replays" if a == "--replay" else a) for a in argv]
    assert "--replays" in renamed
    assert "No such option: --replays" in " ".join(cli_problems(renamed))
    assert "No such command 'evals'" in " ".join(cli_problems(["summarizer", "evals", "x"]))
    assert cli_problems(["summarizer", "eval", "compare", "a.json", "b.json"]) == []
    assert "names a group" in cli_problems(["summarizer", "eval"])[0]


def test_folded_and_continued_lines_are_read_as_one_command() -> None:
    scripts = [
        "set -e\nsummarizer eval s.yaml \\\n  --out o && echo done",
        "summarizer x \\ --y z\n",
    ]
    env = {"OUT": "eval-report"}
    assert summarizer_commands([*scripts, 'cd . ; summarizer a --o "$OUT"|tee l'], env) == [
        ["summarizer", "eval", "s.yaml", "--out", "o"],
        ["summarizer", "x", "--y", "z"],
        ["summarizer", "a", "--o", "eval-report"],
    ]


def test_the_github_gate_fails_the_job_and_the_reports_come_anyway() -> None:
    steps = github_job()["steps"]
    out = option(gate_command("github"), "--out")
    env = github_env()
    gate = next(i for i, s in enumerate(steps) if "summarizer eval" in s.get("run", ""))
    assert not steps[gate].get("continue-on-error") and "if" not in steps[gate]
    assert "||" not in steps[gate]["run"]
    summary = [i for i, s in enumerate(steps) if "GITHUB_STEP_SUMMARY" in s.get("run", "")]
    assert len(summary) == 1 and f"{out}/report.md" in expand(steps[summary[0]]["run"], env)
    uploads = [i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/upload-")]
    uploaded = [
        Path(p.strip()) for i in uploads for p in expand(steps[i]["with"]["path"], env).split("\n")
    ]
    assert {"junit.xml", "report.html"} <= {p.name for p in uploaded if p.parent == Path(out)}
    for i in [*summary, *uploads]:
        assert i > gate and steps[i].get("if") == "always()", steps[i]
    assert all(steps[i]["with"]["if-no-files-found"] == "warn" for i in uploads)


def test_the_gitlab_gate_fails_the_job_and_the_reports_come_anyway() -> None:
    job = gitlab_job()
    out = option(gate_command("gitlab"), "--out")
    assert not job.get("allow_failure") and not [s for s in job["script"] if "||" in s]
    artifacts = job["artifacts"]
    assert artifacts["when"] == "always"
    assert artifacts["reports"]["junit"] == f"{out}/junit.xml"
    assert {f"{out}/report.html", f"{out}/report.md"} <= set(artifacts["paths"])
    assert f"{out}/report.md" in " ".join(job["after_script"])  # after_script runs on failure


def test_the_github_gate_command_replays_one_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workflow's own eval command, on one composed case (`--cases`) and into tmp_path: the
    recordings answer (no replay miss, exit 2), the reports the workflow hands on are written,
    and a non-zero exit can only be the gate (exit 1 with the regressions listed: one case is
    not the baseline's suite, and the suite's `real` tag has no case in it).
    """
    monkeypatch.chdir(ROOT)  # where CI runs it: the checkout
    argv = gate_command("github")
    case = "evals/cases/01-generals-thursday-sidelines.yaml"
    out = tmp_path / "out"
    argv[argv.index("--out") + 1] = str(out)
    result = invoke(*argv[1:], "--cases", case, env=HELP_ENV)
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0 or "regressed:" in result.stdout
    assert all((out / name).is_file() for name in REPORTS)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in report["cases"]] == ["01-generals-thursday-sidelines"]
