"""The posts the ingestion benches generate (self-written, Dutch and English,
every intent): bench/ingest.py, bench/backlog.py and the bench-only addon
social_crm_bench_fake. No imports, so the addon can load it by path."""

TEXTS = [
    "Mijn pakket is nog steeds niet geleverd @shop, wat is er aan de hand?",
    "Thanks @shop, great service today!",
    "Is the store open on Sunday?",
    "Wat een mooie jas gekocht bij @shop #benchlooks",
    "Terrible: charged twice for one order and no reply from @shop",
    "Kan ik mijn bestelling nog wijzigen?",
    "Love the new collection 😍 #benchlooks",
    "De kassa was dicht en niemand hielp ons. Belachelijk.",
]
