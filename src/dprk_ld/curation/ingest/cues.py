"""Cue phrases: words of the reports that suggest an id although no label of it says them.

Each key is ``(family, id)``: family ``entity`` for an entity of data/entities, else a concept
scheme. The phrases are matched like labels (see :mod:`~.lexicon`: case, punctuation and a
plural ``s`` aside). They are kept short and literal so that a curator can see why a suggestion
was made: ``why`` names the cue. A new report that words a violation otherwise needs a new cue
here, or a new alt label in its vocabulary.
"""

from __future__ import annotations

_V = "violation-types"

CUES: dict[tuple[str, str], tuple[str, ...]] = {
    # entities
    ("entity", "dprk-government"): (
        "the government",
        "government",
        "authorities",
        "state authorities",
        "the state",
        "Pyongyang",
    ),
    ("entity", "dprk-courts"): ("a court", "court", "courts"),
    ("entity", "dprk-border-guards"): ("border guards",),
    ("entity", "media-with-contacts-in-north-korea"): (
        "media with contacts inside the country",
        "media outlets with contacts inside the country",
    ),
    ("entity", "northern-border"): ("the border", "border regions", "border region"),
    ("entity", "south-korea"): ("the south",),
    # violation types
    (_V, "censorship"): (
        "expression",
        "access to information",
        "unsanctioned media",
        "unsanctioned content",
        "unsanctioned information",
        "independent media",
        "media is strictly controlled",
        "jams",
        "ideological control",
        "anti-socialist behavior",
        "foreign media",
        "South Korean movies",
        "South Korean media",
        "mobile phones",
        "cell phones",
    ),
    (_V, "restriction-of-freedoms"): (
        "basic freedoms",
        "basic liberties",
        "civil and political liberties",
        "freedom of thought",
        "restricting universal human rights",
        "fundamental freedoms",
    ),
    (_V, "disproportionate-restrictions"): (
        "pretext of Covid-19",
        "pretext of protecting",
        "pretext of preventing",
        "Covid-19-related restrictions",
        "unnecessary measures",
        "unnecessary restrictions",
        "lockdown",
        "border closures",
    ),
    (_V, "movement-restriction"): (
        "freedom of movement",
        "travel",
        "without permission",
        "without prior approval",
        "border buffer zones",
        "road checkpoints",
        "inter-district movements",
        "closing international borders",
        "escaping the country",
    ),
    (_V, "shooting-at-border"): ("shoot", "shooting", "shoot on sight", "shoot-to-kill"),
    (_V, "refoulement"): (
        "forcibly returned",
        "forcibly return",
        "forcibly repatriated",
        "forced repatriation",
        "non-refoulement",
        "return them to North Korea",
        "returned to North Korea",
        "seek asylum",
        "refugee law",
    ),
    (_V, "arbitrary-detention"): ("arrest", "arrests", "arrested", "detain", "detentions", "internment"),
    (_V, "trafficking"): ("trafficking", "trafficked", "traffickers"),
    (_V, "denial-of-health-care"): (
        "health care",
        "healthcare",
        "medicine",
        "medicines",
        "vaccination program",
        "medical care",
    ),
    (_V, "food-deprivation"): (
        "hunger",
        "lack of food",
        "access to food",
        "malnourished",
        "malnutrition",
        "food shortages",
    ),
    (_V, "livelihood-deprivation"): ("livelihoods", "livelihood", "sources of income", "breadwinners"),
    (_V, "discrimination"): ("songbun", "discriminates", "discriminating", "discriminated"),
    (_V, "abduction"): ("abducted", "abductees", "abducting"),
    (_V, "forced-labor"): ("hard labor", "labor sentence", "years of labor", "mobilized", "unpaid work"),
    (_V, "overseas-forced-labor"): ("overseas forced labor", "deployed abroad", "workers abroad"),
    (_V, "sexual-violence"): ("sexual and domestic",),
    (_V, "sexual-and-gender-based-violence"): ("gender-based abuses", "gender-based violence"),
    (_V, "persecution"): ("politically suspect",),
    (_V, "due-process-violation"): ("without trial", "is arbitrary", "arbitrary punishments"),
    (_V, "aid-obstruction"): (
        "diversion of aid",
        "offers of vaccines",
        "unresponsiveness to introduce vaccines",
        "humanitarian access",
    ),
    (_V, "death-penalty"): ("punishable by death", "sentenced to death", "death sentence"),
    (_V, "religious-repression"): ("religion", "religious freedom"),
    (_V, "suppression-of-civil-society"): (
        "civil society",
        "trade unions",
        "pluralism",
        "political opposition",
    ),
    (_V, "surveillance"): ("scrutiny", "monitored", "informants"),
    (_V, "deprivation-of-subsistence"): ("economic rights",),
    (_V, "enforced-disappearance"): ("disappearance", "disappearances", "disappeared"),
    (_V, "corruption"): ("bribes", "bribery"),
}
