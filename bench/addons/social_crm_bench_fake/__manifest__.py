# Bench only, never installed: a server-wide module (--load=base,web,social_crm_bench_fake)
# that makes the demo platform serve generated pages to bench streams.
{
    "name": "social_crm bench: generated stream pages",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "depends": ["base"],
    "installable": False,
}
