"""The 26 municipalities of Stockholm county (names are proper nouns: not translated), with
their SCB codes (kommunkoder). Fields store the name; the code is looked up here.

Source of the codes: SCB's regional division codes (kommunkoder), as printed in SCB's table
"Folkmängd i riket, län och kommuner 31 december 2024 och befolkningsförändringar 2024"
(https://scb.se/hitta-statistik/statistik-efter-amne/befolkning-och-levnadsforhallanden/
befolkningens-sammansattning-och-utveckling/befolkningsstatistik/), checked against SCB's
list "Län och kommuner i kodnummerordning" as reproduced in public code lists; retrieved
2026-11-28. The county's 26 municipalities have had these codes since Nykvarn (0140) was
formed in 1999."""

MUNICIPALITIES = [
    "Botkyrka", "Danderyd", "Ekerö", "Haninge", "Huddinge", "Järfälla", "Lidingö", "Nacka",
    "Norrtälje", "Nykvarn", "Nynäshamn", "Salem", "Sigtuna", "Sollentuna", "Solna", "Stockholm",
    "Sundbyberg", "Södertälje", "Tyresö", "Täby", "Upplands Väsby", "Upplands-Bro", "Vallentuna",
    "Vaxholm", "Värmdö", "Österåker",
]  # fmt: skip

MUNICIPALITY_CHOICES = [(name, name) for name in MUNICIPALITIES]

COUNTY_CODE = "01"
COUNTY_NAME = "Stockholms län"

# SCB's four-digit municipality codes: the county code "01" followed by two digits.
MUNICIPALITY_CODES = {
    "Upplands Väsby": "0114", "Vallentuna": "0115", "Österåker": "0117", "Värmdö": "0120",
    "Järfälla": "0123", "Ekerö": "0125", "Huddinge": "0126", "Botkyrka": "0127", "Salem": "0128",
    "Haninge": "0136", "Tyresö": "0138", "Upplands-Bro": "0139", "Nykvarn": "0140",
    "Täby": "0160", "Danderyd": "0162", "Sollentuna": "0163", "Stockholm": "0180",
    "Södertälje": "0181", "Nacka": "0182", "Sundbyberg": "0183", "Solna": "0184",
    "Lidingö": "0186", "Vaxholm": "0187", "Norrtälje": "0188", "Sigtuna": "0191",
    "Nynäshamn": "0192",
}  # fmt: skip

_NAMES_BY_CODE = {code: name for name, code in MUNICIPALITY_CODES.items()}


def municipality_code(name):
    """SCB's code of the municipality called `name`, e.g. "0181" for Södertälje; "" if unknown."""
    return MUNICIPALITY_CODES.get((name or "").strip(), "")


def municipality_name(code):
    """The name of the municipality with SCB code `code`; "" if it is not in the county."""
    return _NAMES_BY_CODE.get((code or "").strip(), "")
