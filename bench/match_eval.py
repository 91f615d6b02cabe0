"""Quality and speed of identity matching on the labelled development set.

    .venv/bin/python bench/match_eval.py [--seed 7] [--partners 5000] [--profiles 1000]

Prints the precision of "link", the share of true customers linked or
suggested with the right partner in the top 3, the false links on
non-customers, and matching throughput next to a baseline measured in the
same run (building the partner index, i.e. reading the same rows once).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from match_devset import make  # noqa: E402

from social_crm import matching  # noqa: E402


def evaluate(partners, profiles):
    index = matching.PartnerIndex(matching.Partner.from_dict(p) for p in partners)
    links = correct_links = found = customers = false_links = suggested_others = 0
    for row in profiles:
        result = matching.match(matching.Profile.from_dict(row), index)
        label = row["label"]
        top3 = [c.partner_id for c in result.candidates[:3]]
        if result.decision == "link":
            links += 1
            correct_links += result.partner_id == label
            false_links += label is None
        if label is not None:
            customers += 1
            found += result.decision in ("link", "suggest") and label in top3
        elif result.decision == "suggest":
            suggested_others += 1
    return {
        "link_precision": correct_links / links if links else 1.0,
        "links": links,
        "top3_recall": found / customers if customers else 0.0,
        "customers": customers,
        "false_links_non_customers": false_links,
        "non_customers_suggested": suggested_others,
        "non_customers": len(profiles) - customers,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--partners", type=int, default=5000)
    parser.add_argument("--profiles", type=int, default=1000)
    args = parser.parse_args()
    partners, profiles = make(args.partners, args.profiles, args.seed)
    start = time.perf_counter()
    matching.PartnerIndex(matching.Partner.from_dict(p) for p in partners)
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    figures = evaluate(partners, profiles)
    total = time.perf_counter() - start
    print(
        f"dev set: seed {args.seed}, {args.partners} partners, {len(profiles)} profiles "
        f"({figures['customers']} customers, {figures['non_customers']} non-customers)"
    )
    print(
        f"link precision:                  {figures['link_precision']:.3f} "
        f"({figures['links']} links; target >= 0.995)"
    )
    print(f"customers linked/suggested top3: {figures['top3_recall']:.3f} (target >= 0.9)")
    print(f"false links on non-customers:    {figures['false_links_non_customers']} (target 0)")
    print(f"non-customers given a suggestion: {figures['non_customers_suggested']}")
    per_profile = total / len(profiles)
    print(
        f"speed: {per_profile * 1e3:.3f} ms per profile (index + match), "
        f"{per_profile / (baseline / args.partners):.1f}x the time to index one partner row "
        f"(baseline {baseline * 1e3:.0f} ms for {args.partners} rows)"
    )


if __name__ == "__main__":
    main()
