"""Command line tools that need no database.

    python -m social_crm.cli match --partners PARTNERS.jsonl < PROFILES.jsonl > OUT.jsonl
    python -m social_crm.cli classify < POSTS.jsonl > OUT.jsonl
    python -m social_crm.cli classify --corrections CORRECTIONS.jsonl < POSTS.jsonl

``classify --corrections`` first fits the adaptation the addon fits for a
company from its agents' corrections (lines like ``{"text": ..., "intent":
"complaint"}``, ``sentiment`` and ``lang`` optional; social_crm.adapt.fit)
and classifies with it; a bad corrections line stops it (exit code 2).

``match`` is a dry run of identity matching on exported data: one JSON object
per input line, one result per output line, in input order. A bad line is
reported on stderr with its line number and answered with an ``"error"``
object, so that no input line is silently lost; the exit code is then 1.
"""

import argparse
import json
import sys

# adapt, classify and matching are imported by the command that needs them:
# ``classify`` starts without loading the matcher

#: json.dumps(obj, ensure_ascii=False), without a new encoder for every line
_encode = json.JSONEncoder(ensure_ascii=False).encode


def _read_jsonl(stream, name):
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as error:
            yield number, None, f"{name} line {number}: not valid JSON ({error})"
            continue
        if not isinstance(data, dict):
            yield number, None, f"{name} line {number}: expected a JSON object"
            continue
        yield number, data, None


def _answer_each(stdin, stdout, stderr, check, answer):
    """Answer every input line in order: ``answer(data)`` for good lines, an
    error object (also on stderr) for bad ones. Returns the number of errors."""
    errors = 0
    for number, data, error in _read_jsonl(stdin, "stdin"):
        problem = error or check(data)
        if problem:
            message = error or f"stdin line {number}: {problem}"
            errors += 1
            stderr.write(message + "\n")
            result = {"id": (data or {}).get("id"), "line": number, "error": message}
        else:
            result = answer(data)
        stdout.write(_encode(result) + "\n")
    return errors


def cmd_match(args, stdin, stdout, stderr):
    from . import matching  # noqa: PLC0415 (classify starts without the matcher)

    errors = 0
    partners = []
    with open(args.partners, encoding="utf-8") as handle:
        for _number, data, error in _read_jsonl(handle, args.partners):
            if error or not isinstance(data.get("id"), int):
                errors += 1
                stderr.write((error or f"{args.partners}: partner without an integer id") + "\n")
                continue
            partners.append(matching.Partner.from_dict(data))
    index = matching.PartnerIndex(partners)
    errors += _answer_each(
        stdin,
        stdout,
        stderr,
        lambda data: None if "id" in data else "profile without an id",
        lambda data: matching.match(
            matching.Profile.from_dict(data), index, rejected=data.get("rejected") or ()
        ).as_dict(),
    )
    return 1 if errors else 0


def cmd_classify(args, stdin, stdout, stderr):
    from . import classify  # noqa: PLC0415 (match starts without the classifier)

    adaptation = None
    if args.corrections:
        from . import adapt  # noqa: PLC0415 (only with --corrections)

        try:
            with open(args.corrections, encoding="utf-8") as handle:
                adaptation = adapt.fit(adapt.read_corrections(handle, args.corrections))
        except (OSError, adapt.CorrectionError) as error:
            stderr.write(f"{error}\n")
            return 2
    errors = _answer_each(
        stdin,
        stdout,
        stderr,
        lambda data: None if isinstance(data.get("text"), str) else 'no "text" string',
        lambda data: {
            "id": data.get("id"),
            **classify.classify(data["text"], adaptation=adaptation),
        },
    )
    return 1 if errors else 0


def main(argv=None, stdin=None, stdout=None, stderr=None):
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    parser = argparse.ArgumentParser(prog="python -m social_crm.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    match = commands.add_parser("match", help="match social profiles to partners (dry run)")
    match.add_argument("--partners", required=True, help="partners as JSON lines")
    match.set_defaults(func=cmd_match)
    classify_cmd = commands.add_parser(
        "classify", help="language, sentiment and intent of posts (JSON lines)"
    )
    classify_cmd.add_argument(
        "--corrections", help="agents' corrections as JSON lines: adapt before classifying"
    )
    classify_cmd.set_defaults(func=cmd_classify)
    args = parser.parse_args(argv)
    return args.func(args, stdin, stdout, stderr)


if __name__ == "__main__":
    sys.exit(main())
