"""A labelled development set for identity matching, generated from a seed.

Every name, handle and number is made up here. Partners look like a Dutch
retailer's customer base (with many shared common names); profiles are
social accounts of true customers, showing the kinds of evidence real posters
give (a stored handle, an e-mail or customer number in a DM, a nickname,
initials, diacritics, emoji, titles, reversed order, only a handle), and of
non-customers, some of whom share a customer's common name.

    python bench/match_devset.py OUTDIR [--partners N] [--profiles N] [--seed S]

writes OUTDIR/partners.jsonl and OUTDIR/profiles.jsonl; each profile carries
its answer in ``label`` (a partner id, or null for a non-customer).
"""

import argparse
import json
import random
import unicodedata
from pathlib import Path

FIRST = (
    "Jan Pieter Kees Henk Willem Johannes Klaas Gerrit Dirk Bram Daan Sem Lucas Levi Finn "
    "Thomas Ruud Bas Joost Martijn Sander Niels Koen Tim Wouter Maarten Robert Michael "
    "James William Richard David Daniel Anna Maria Sophie Emma Julia Lotte Fleur Sanne "
    "Anouk Lisa Eva Noor Zoë Iris Femke Marieke Johanna Elisabeth Margaretha Sarah Emily "
    "Katherine Jennifer Chloë Renée Inge Ellen Petra"
).split()
SURNAMES = (
    "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|"
    "de Boer|Mulder|de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|"
    "Dijkstra|Smits|de Graaf|van der Meer|van der Linden|Kok|Jacobs|de Haan|Vermeulen|"
    "van den Heuvel|van der Veen|van den Broek|de Bruijn|van der Heijden|Schouten|"
    "van Beek|Willems|van Vliet|van de Ven|Hoekstra|Maas|Verhoeven|Koster|van Dam|"
    "van der Wal|Prins|Blom|Huisman|Peeters|de Lange|Kuipers|van Wijk|Post|Kuiper|"
    "Veenstra|Kramer|van den Brink|Scholten|ten Hove|ter Horst|Oboema|Yılmaz|Öztürk|"
    "Müller|Nguyen|Smith|Brown|Taylor|Wilson|Evans|O'Brien|Kowalski|Haddou|El Amrani|"
    "Zwanenburg|Rijkaart|Timmermans|Wijnaldum|Beckers|Lammers|Gerritsen"
).split("|")
COMMON = ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser"]
# syllables for the long tail of rare surnames a real customer base has
ROOTS = (
    "Hoog Ooster Wester Noord Zuid Berg Brug Dijk Veld Hout Bosch Mole Kerk Hof Wijn "
    "Linde Esch Heuvel Steen Water Beuk Eike Riet Vlier Zand Klei Haver Rogge Gerst"
).split()
TAILS = (
    "hout veld kamp man mans ink ing sma stra huis dijk broek horst hof beek sloot "
    "land wijk berg er ers"
).split()
PARTICLE = ["", "", "", "van ", "van der ", "van de ", "de ", "ter "]


def rare_surname(rng):
    return rng.choice(PARTICLE) + rng.choice(ROOTS) + rng.choice(TAILS)


def draw_surname(rng, common, listed):
    """A common surname, a listed one, or one from the long tail."""
    draw = rng.random()
    if draw < common:
        return rng.choice(COMMON)
    return rng.choice(SURNAMES) if draw < listed else rare_surname(rng)


CITIES = (
    (
        "Amsterdam Rotterdam Utrecht Den-Haag Eindhoven Groningen Tilburg Almere Breda Nijmegen "
        "Zwolle Leiden Haarlem Arnhem Enschede Delft Maastricht Amersfoort"
    )
    .replace("-", " ")
    .split(" ")
)
CITIES = [c.replace("Den", "Den Haag") if c == "Den" else c for c in CITIES if c != "Haag"]
NICK = {
    "Johannes": "Hans",
    "Willem": "Wim",
    "Robert": "Bob",
    "Michael": "Mike",
    "William": "Bill",
    "Katherine": "Kate",
    "Elisabeth": "Liesbeth",
    "Jennifer": "Jenny",
    "Richard": "Rick",
    "Daniel": "Danny",
    "Margaretha": "Greet",
    "Johanna": "Hanneke",
}
MAIL = ["gmail.com", "hotmail.com", "outlook.com", "ziggo.nl", "kpnmail.nl", "icloud.com"]
EMOJI = ["🌷", "🚲", "☕", "⚽", "🇳🇱", "✨", "🐶"]
TITLES = ["Dr.", "Mr.", "Ir.", "Drs."]


def plain(text):
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isalnum() or c == " ").lower()


def make(n_partners=5000, n_profiles=1000, seed=7, customer_share=0.6):
    rng = random.Random(seed)
    partners = []
    for pid in range(1, n_partners + 1):
        first = rng.choice(FIRST)
        surname = draw_surname(rng, 0.08, 0.45)
        name = f"{first[0]}. {surname}" if rng.random() < 0.15 else f"{first} {surname}"
        local = f"{plain(first)}.{plain(surname).replace(' ', '')}{rng.randint(1, 99)}"
        partners.append(
            {
                "id": pid,
                "name": name,
                "email": f"{local}@{rng.choice(MAIL)}" if rng.random() < 0.85 else None,
                "phone": f"06{rng.randint(10000000, 99999999)}" if rng.random() < 0.6 else None,
                "mobile": None,
                "street": None,
                "zip": None,
                "city": rng.choice(CITIES),
                "country": "NL",
                "website": None,
                "ref": str(10000 + pid * 7),
                "is_company": False,
                "social": [],
                "_first": first,
                "_surname": surname,
            }
        )
    profiles = []
    n_customers = int(n_profiles * customer_share)
    used = set()
    handles = set()
    for i in range(n_profiles):
        customer = i < n_customers
        if customer:
            partner = rng.choice(partners)
            while partner["id"] in used:
                partner = rng.choice(partners)
            used.add(partner["id"])
            first, surname = partner["_first"], partner["_surname"]
        else:
            partner = None
            first = rng.choice(FIRST)
            surname = draw_surname(rng, 0.15, 0.6)
        handle = rng.choice(
            [
                f"{plain(first)}{plain(surname).replace(' ', '')}",
                f"{plain(first)[0]}{plain(surname).replace(' ', '')}{rng.randint(1, 99)}",
                f"{plain(first)}_{rng.randint(70, 99)}",
                f"{plain(surname).replace(' ', '')}_{plain(first)[0]}",
                f"user{rng.randint(1000, 99999)}",
            ]
        )
        while handle in handles:  # handles are unique on a platform
            handle += str(rng.randint(0, 9))
        handles.add(handle)
        style = rng.random()
        if style < 0.3:
            display = f"{first} {surname}"
        elif style < 0.45:
            display = f"{NICK.get(first, first)} {surname}"
        elif style < 0.55:
            display = f"{first[0]}. {surname}"
        elif style < 0.65:
            display = f"{plain(first).title()} {surname} {rng.choice(EMOJI)}"
        elif style < 0.72:
            display = f"{rng.choice(TITLES)} {first} {surname}"
        elif style < 0.8:
            display = f"{surname}, {first}"
        elif style < 0.9:
            display = first
        else:
            display = handle
        profile = {
            "id": f"p{i}",
            "platform": "x",
            "user_id": str(900000 + i),
            "handle": handle,
            "display_name": display,
            "bio": "",
            "location": "",
            "url": "",
            "followers": rng.randint(0, 3000),
            "verified": rng.random() < 0.05,
            "texts": [],
            "label": None,
        }
        if rng.random() < 0.5:
            profile["location"] = partner["city"] if customer else rng.choice(CITIES)
        texts = [
            rng.choice(
                [
                    "Waar blijft mijn bestelling? Order 88213 is al een week onderweg",
                    "Top service vandaag, dank jullie wel!",
                    "Kan ik mijn jas nog ruilen zonder bon?",
                    "Is the store open on Sunday?",
                ]
            )
        ]
        if customer:
            profile["label"] = partner["id"]
            kind = rng.random()
            if kind < 0.15:
                partner["social"].append({"platform": "x", "handle": handle})
            elif kind < 0.30 and partner["email"]:
                texts.append(f"Mijn mail is {partner['email']}, bel me maar terug")
            elif kind < 0.42:
                texts.append(
                    rng.choice(
                        [
                            f"my customer number is {partner['ref']}",
                            f"Mijn klantnummer: {partner['ref']}",
                        ]
                    )
                )
            elif kind < 0.50 and partner["phone"]:
                profile["bio"] = f"Bereikbaar op {partner['phone'][:2]} {partner['phone'][2:]}"
        elif rng.random() < 0.2:
            texts.append(f"klantnummer {rng.randint(100, 999)}")  # not anyone's
        profile["texts"] = texts
        profiles.append(profile)
    for partner in partners:
        partner.pop("_first")
        partner.pop("_surname")
    return partners, profiles


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--partners", type=int, default=5000)
    parser.add_argument("--profiles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    partners, profiles = make(args.partners, args.profiles, args.seed)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("partners", partners), ("profiles", profiles)):
        with open(out / f"{name}.jsonl", "w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
