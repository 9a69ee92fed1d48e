"""Benchmark: quote splitting, the project's own patterns against reply-parsing libraries.

Runs every approach on the project's table of replies (tests/quote_cases.py: each client and
language, HTML bodies as intake's html2text makes them) and, when their repositories are given,
on the public fixtures of talon: its plain-text test cases (harvested by running
tests/text_quotations_test.py with the splitter replaced by a recorder) and its standard
replies. Reports per approach: cases agreed (the new text line for line), cases where a word of
the sender's new text was lost (the worst error), and the CPU time per message, on the project
set and on the seed corpus's bodies (mostly prose, as the detection benchmark sends them).

    .venv/bin/pip install mail-parser-reply email-reply-parser talon quotequail unquotemail \\
        email-reply-extractor
    .venv/bin/python bench/quote_splitting.py [--before <git revision>] \\
        [--talon <talon git directory>] [--repeat 20] [--show <approach name prefix>]

An approach whose package is not installed is left out. Nothing is written; the fixtures are
read from the given git directory and never copied. The talon test file is executed (with its
splitter stubbed out), so pass only a clone of github.com/mailgun/talon you trust. --show
prints the cases an approach gets wrong.
"""

from __future__ import annotations

import argparse
import contextlib
import email
import email.policy
import importlib.util
import re
import subprocess
import sys
import tempfile
import time
import types
import unittest.mock
from collections.abc import Callable
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

import classify  # noqa: E402
from intake.parse import html_to_text  # noqa: E402
from rules.quoting import new_text  # noqa: E402
from tests.quote_cases import CASES, normalised  # noqa: E402

Splitter = Callable[[str], str]
Sample = tuple[str, str, str]  # name, text as the splitter sees it, expected new text


def approaches(before: str | None) -> dict[str, Splitter]:
    found: dict[str, Splitter] = {"klachtenbus (this branch)": new_text}
    if before:
        found[f"klachtenbus before ({before[:8]})"] = _from_revision(before)
    try:
        from mailparser_reply import EmailReplyParser as MultiLanguage

        parser = MultiLanguage(languages=["nl", "en", "de", "fr", "pl"])
        found["mail-parser-reply 1.36 (nl, en, de, fr, pl)"] = lambda t: parser.parse_reply(t) or ""
    except ImportError:
        pass
    try:
        from email_reply_parser import EmailReplyParser

        found["email-reply-parser 0.5.12"] = EmailReplyParser.parse_reply
    except ImportError:
        pass
    try:
        from talon import quotations

        found["talon 1.4.4 (extract_from_plain)"] = quotations.extract_from_plain
    except ImportError:
        pass
    try:
        import quotequail

        found["quotequail 0.5.4"] = lambda t: "\n".join(
            part for expanded, part in quotequail.quote(t) if expanded
        )
    except ImportError:
        pass
    try:
        from unquotemail import Unquote

        found["unquotemail 1.0.11"] = lambda t: Unquote(None, t).get_text() or ""
    except ImportError:
        pass
    try:
        from email_reply_extractor import extract_new_text

        found["email-reply-extractor 1.1.1"] = lambda t: extract_new_text(t).text or ""
    except ImportError:
        pass
    return found


def _from_revision(revision: str) -> Splitter:
    source = subprocess.run(
        ["git", "show", f"{revision}:rules/quoting.py"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as file:
        file.write(source)
    spec = importlib.util.spec_from_file_location("quoting_before", file.name)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.new_text


def own_samples() -> list[Sample]:
    return [(c.name, html_to_text(c.body) if c.html else c.body, c.new) for c in CASES]


def talon_text_samples(git_dir: Path) -> list[Sample]:
    """(input, expected) of every extract_from_plain call in talon's plain-text tests."""
    source = _git_show(git_dir, "tests/text_quotations_test.py")
    source = re.sub(r"^from \. ?(fixtures )?import \*$", "", source, flags=re.MULTILINE)
    source = source.replace("from talon import quotations", "")
    recorded: list[Sample] = []
    pending: list[str] = []

    class Token:
        pass

    def extract_from_plain(text: str) -> Token:
        pending.append(text)
        return Token()

    def eq_(expected: object, got: object, *_: object) -> None:
        if isinstance(got, Token) and isinstance(expected, str) and pending:
            recorded.append((f"talon-{len(recorded)}", pending[-1], expected))
        elif isinstance(expected, Token) and isinstance(got, str) and pending:
            recorded.append((f"talon-{len(recorded)}", pending[-1], got))

    stub = types.SimpleNamespace(
        extract_from_plain=extract_from_plain,
        extract_from=lambda text, content_type="text/plain": extract_from_plain(text),
        MAX_LINES_COUNT=1000,
    )
    namespace: dict[str, object] = {
        "__name__": "talon_text_tests",
        "quotations": stub,
        "eq_": eq_,
        "ok_": lambda *_: None,
        "patch": unittest.mock.patch,
        "Mock": unittest.mock.Mock,
        "STANDARD_REPLIES": "",
    }
    exec(compile(source, "text_quotations_test.py", "exec"), namespace)  # noqa: S102
    for name, test in list(namespace.items()):
        if name.startswith("test_") and callable(test):
            pending.clear()
            with contextlib.suppress(Exception):  # a test of another function: no case
                test()
    return recorded


def talon_standard_samples(git_dir: Path) -> list[Sample]:
    """talon's standard replies: every client's reply is "Hello" unless a reply_text says else."""
    listing = subprocess.run(
        ["git", f"--git-dir={git_dir}", "ls-tree", "--name-only", "HEAD",
         "tests/fixtures/standard_replies/"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    out: list[Sample] = []
    for path in sorted(p for p in listing if p.endswith(".eml")):
        message = email.message_from_string(_git_show(git_dir, path), policy=email.policy.default)
        body = message.get_body(("plain",))
        if body is None:
            continue
        text = body.get_content()  # type: ignore[attr-defined]
        expected_path = path[: -len(".eml")] + "_reply_text"
        expected = _git_show(git_dir, expected_path) if expected_path in listing else "Hello"
        out.append((Path(path).stem, text, expected))
    return out


def _git_show(git_dir: Path, path: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"HEAD:{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def score(splitter: Splitter, samples: list[Sample], repeat: int) -> dict[str, float]:
    agreed = lost = failed = 0
    for _, text, expected in samples:
        try:
            got = normalised(splitter(text))
        except Exception:
            failed += 1
            lost += 1
            continue
        want = normalised(expected)
        agreed += got == want
        lost += bool(_words("\n".join(want)) - _words("\n".join(got)))
    milliseconds = cpu_time(splitter, [text for _, text, _ in samples], repeat)
    return {"agreed": agreed, "lost": lost, "failed": failed, "ms": milliseconds}


def _words(text: str) -> set[str]:
    """The words of a text: a line kept whole but glued to a header loses none of them."""
    return set(re.findall(r"\w+", text.lower()))


def cpu_time(splitter: Splitter, bodies: list[str], repeat: int) -> float:
    """CPU milliseconds per body, the best of `repeat` passes: other processes only add."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for body in bodies:
            with contextlib.suppress(Exception):
                splitter(body)
        best = min(best, (time.process_time() - started) / len(bodies))
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--before", help="git revision whose rules/quoting.py to compare")
    parser.add_argument("--talon", type=Path, help="git directory of mailgun/talon")
    parser.add_argument("--repeat", type=int, default=20, help="timing passes over each set")
    parser.add_argument("--show", help="print the failures of the approach with this prefix")
    args = parser.parse_args()

    sets = {"project (tests/quote_cases.py)": own_samples()}
    if args.talon:
        sets["talon text tests"] = talon_text_samples(args.talon)
        sets["talon standard replies"] = talon_standard_samples(args.talon)
    found = approaches(args.before)
    seed = [e.body for e in classify.load_corpus()]
    header = "| approach | " + " | ".join(f"{n} ({len(s)})" for n, s in sets.items())
    print(header + f" | ms per message: project set / seed corpus ({len(seed)}) |")
    print("|---" * (len(sets) + 2) + "|")
    for name, splitter in found.items():
        cells = []
        timing = 0.0
        for set_name, samples in sets.items():
            result = score(splitter, samples, args.repeat if set_name.startswith("project") else 1)
            cells.append(f"{result['agreed']:.0f} agreed, {result['lost']:.0f} lost")
            if set_name.startswith("project"):
                timing = result["ms"]
        seed_ms = cpu_time(splitter, seed, max(1, args.repeat // 4))
        print(f"| {name} | " + " | ".join(cells) + f" | {timing:.3f} / {seed_ms:.3f} |")
        if args.show and name.startswith(args.show):
            for set_name, samples in sets.items():
                for sample_name, text, expected in samples:
                    try:
                        got = normalised(splitter(text))
                    except Exception as exc:
                        got = [f"<{exc!r}>"]
                    if got != normalised(expected):
                        print(f"  {set_name} / {sample_name}: got {got[:4]}", file=sys.stderr)


if __name__ == "__main__":
    main()
