"""Decode the bundled Flickr vcrpy cassettes (YAML, XML bodies) into the
``decoded/`` JSON the replay tests read: one list of exchanges per cassette,
``{method, uri, status, headers: {content-type}, raw}``, bodies unchanged.

    python scripts/flickr_decode_cassettes.py
"""

import json
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent.parent / "social_crm/tests/fixtures/recorded/flickr"


def decode(path):
    exchanges = []
    for interaction in yaml.safe_load(path.read_text())["interactions"]:
        request, response = interaction["request"], interaction["response"]
        status = response.get("status_code") or response["status"]["code"]
        body = response.get("content")
        if body is None:
            body = response["body"]["string"]
        headers = {k.lower(): v[0] for k, v in response.get("headers", {}).items()}
        exchanges.append(
            {
                "method": request["method"],
                "uri": request["uri"],
                "status": status,
                "headers": {"content-type": headers.get("content-type", "")},
                "raw": body,
            }
        )
    return exchanges


def main():
    for path in sorted((HERE / "cassettes").glob("*.yml")):
        target = HERE / "decoded" / (path.stem + ".json")
        target.write_text(json.dumps(decode(path), indent=1, ensure_ascii=False) + "\n")
        print(target.name)


if __name__ == "__main__":
    main()
