"""The 26 municipalities of Stockholm county (names are proper nouns: not translated)."""

MUNICIPALITIES = [
    "Botkyrka", "Danderyd", "Ekerö", "Haninge", "Huddinge", "Järfälla", "Lidingö", "Nacka",
    "Norrtälje", "Nykvarn", "Nynäshamn", "Salem", "Sigtuna", "Sollentuna", "Solna", "Stockholm",
    "Sundbyberg", "Södertälje", "Tyresö", "Täby", "Upplands Väsby", "Upplands-Bro", "Vallentuna",
    "Vaxholm", "Värmdö", "Österåker",
]  # fmt: skip

MUNICIPALITY_CHOICES = [(name, name) for name in MUNICIPALITIES]
