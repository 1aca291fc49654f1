"""False-positive rate of name search on generated distinct names, current rules against version 1.

    .venv/bin/python -m bench.bench_names [--count 12000] [--seed 9]

Builds ``count`` distinct fictional names by combining given names and surnames from many
backgrounds (one, two or no middle names; a third double-barrelled; some with titles, some
with a stray invisible character or a look-alike letter from another script, as records
really arrive). Each is indexed as the exchange indexes it: the HMACs (random key) of
``index_tokens``. Then each name is searched twice:

* as stored: how many *other* names does the query find (false positives)?
* as a person would type it (no title, no stray characters; sometimes ASCII with umlauts
  spelt out or dropped, lower case, hyphens as spaces, or "Surname, Given"): does it still
  find its own name?

False positives are split into records that are the query plus more middle names (found on
purpose: NAMES.md) and everything else. The pools are small (about 12 given names and 12
surnames per background), so two people sharing a first and last name is far more common here
than among real speakers: read the figures as a comparison of the rules, not a forecast.

The same names go through the frozen version-1 rules (bench/names_v1.py) in the same run.
Needs no database.
"""

from __future__ import annotations

import argparse
import random
import secrets
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable

from bench import names_v1
from core.crypto import blind_index
from sharing import names as names_v2

# Fictional combinations only: common given names and surnames, never a real person's pairing.
POOLS: dict[str, tuple[list[str], list[str]]] = {
    "arabic": (
        "Ahmed Yusuf Khalid Omar Layla Mariam Nour Huda Samir Rania Tariq Aisha Hassan Ali".split(),
        "Haddad Al-Masri Nasser Khoury Saleh Mansour Darwish Qasim Hamdan El-Sayed Abbas Ali Hassan".split(),
    ),
    "persian": (
        ["علی", "رضا", "مریم", "زهرا", "کریم", "سارا", "مهدی", "نرگس", "فرهاد", "لیلا", "یاسمن", "کاوه"],
        ["رضاییان", "کریمی", "نوروزی", "یزدانی", "کاظمی", "رحیمی", "باقری", "سلیمانی", "حیدری", "اکبری"],
    ),
    "urdu": (
        "Imran Ayesha Bilal Sana Faisal Hina Usman Zainab Kamran Rabia Asif Nadia".split(),
        "Qureshi Malik Chaudhry Butt Siddiqui Rana Mirza Sheikh Baig Abbasi Awan Khan".split(),
    ),
    "polish": (
        "Łukasz Zofia Piotr Agnieszka Michał Katarzyna Rafał Małgorzata Tomasz Ewa Paweł Marta".split(),
        "Wróbel Kowalewsky Sobczyński Węgrzyn Kaczmarek Nowicki Zielińska Wiśniewski Dąbrowska Lewandowski".split(),
    ),
    "german": (
        "Jörg Zoë Jürgen Käthe Björn Greta Lukas Anneliese Dieter Ursula Matthias Sören".split(),
        "Müller Häberlein Schröder Köhler Krüger Weiß Straße Böhm Günther Mueller Schulze Fuchs".split(),
    ),
    "vietnamese": (
        "Minh Thu Hằng Khoa Lan Bảo Châu Tuấn Ngọc Phương Dũng Linh".split(),
        "Nguyễn Trần Lê Phạm Hoàng Vũ Đặng Bùi Đỗ Hồ Ngô Dương".split(),
    ),
    "chinese": (
        "Lianhua Wei Xiaoyan Jiahui Mei Jun Haoran Yutong Zihan Ming Fang Lei".split(),
        "Zhou Zhang Wang Liu Chen Yang Huang Zhao Wu Xu Sun Lü".split(),
    ),
    "yoruba": (
        "Títílọlá Adébáyọ̀ Olúwaseun Folake Ayọ̀dèjì Bùsọ́lá Kúnlé Yétúndé Dàmilọ́lá Tèmítọ́pẹ́".split(),
        "Adéyẹmí Ọláṣebìkan Ogunbiyi Adebowale Balogun Okonjo Ayọ̀ọlá Fáṣọlá Akínyẹmí".split(),
    ),
    "igbo": (
        "Chioma Ngozi Chukwuemeka Ifeoma Obinna Adaeze Nnamdi Chinwe Ikenna Uchenna".split(),
        "Nwachukwu Ezeọkafọ̀r Okafor Okoro Nwosu Obiọra Eze Okonkwo Anyanwu Okwuosa".split(),
    ),
    "irish": (
        "Aoife Siobhán Niamh Cormac Pádraig Caoimhe Oisín Róisín Seán Eoin Máire Ciarán".split(),
        "Brennick Ó Dálaigh Mac Giolla Ní Bhraonáin O'Brennick Fairhallow Grennard Kavanagh Ó Súilleabháin".split(),
    ),
    "welsh": (
        "Siôn Eluned Rhys Gwenllian Dafydd Catrin Iwan Ffion Gethin Nia Owain Bethan".split(),
        "Llewelyn Parry Pritchard Rhydderch Evans Prys Bowen Gruffydd Morgan Vaughan".split(),
    ),
    "greek": (
        "Νικόλαος Ελένη Γιώργος Μαρία Sophia Dimitris Eleni Kostas Anna Yannis Katerina Christos".split(),
        "Παπαδημάκης Καρατζόγλου Alexandrou Papadakis Georgiou Nikolaidis Vlachou Konstantinou Petridis".split(),
    ),
    "turkish": (
        "Kemal Gülşen Ünal Kerem Elif Emre Zeynep Burak Ayşe Oğuz Selin Murat".split(),
        "Kılıçaslan Yıldırımoğlu Özdemir Sarıgöllü Demir Demirci Aydın Çelik Şahin Yılmaz Öztürk Koç".split(),
    ),
    "hindi": (
        "Priya Anil Sunita Rahul Deepa Vikram Kavita Arjun Meera Sanjay Pooja Rohan".split(),
        "Natarajan Varghese Sharma Iyer Kulkarni Reddy Menon Chatterjee Bhatt Deshpande Nair Joshi".split(),
    ),
    "somali": (
        "Hodan Abdi Faadumo Cabdullaahi Hibo Maxamed Sahra Ayaan Ilhan Liban Ubah Warsame".split(),
        "Warsame Cabdi Jaamac Xuseen Faarax Cali Yuusuf Guuleed Ismaaciil Aadan".split(),
    ),
    "hebrew": (
        "Eitan Tamar Lior Yael Noa Avraham Shira Dov Chaim Rivka Itzchak Maayan".split(),
        "Shalev Abarbanel Kaplinsky Rosenthal Levinsohn Ben-Ami Feldbaum Moran Adler Katz".split(),
    ),
    "russian": (
        "Сергей Ольга Алёна Dmitri Sergei Olena Tatiana Yuri Natalia Mikhail Olga Ivan".split(),
        "Берестова Зимницкая Velichko Petrenkova Orlovsky Sokolova Volkov Lebedeva Morozov".split(),
    ),
}
TITLES = ["Dr", "Prof.", "Imam", "Rabbi", "Rev.", "Sheikh", "Dame", "Sir"]
LOOK_ALIKES = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441"}
INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u2060", "\ufeff"]


def _pick_surname(rng: random.Random, background: str) -> str:
    surname = rng.choice(POOLS[background][1])
    if rng.random() < 0.3:  # double-barrelled, often across backgrounds
        other = rng.choice(POOLS[rng.choice(list(POOLS))][1] if rng.random() < 0.5 else POOLS[background][1])
        if other != surname and " " not in other + surname:
            surname = f"{surname}-{other}"
    return surname


def generate(count: int, rng: random.Random) -> tuple[list[str], list[str]]:
    """``count`` distinct names as records might store them, and each name's clean form."""
    seen: set[tuple[str, ...]] = set()
    out: list[str] = []
    clean: list[str] = []
    backgrounds = list(POOLS)
    while len(out) < count:
        background = rng.choice(backgrounds)
        given_pool = POOLS[background][0]
        given = rng.choice(given_pool)
        middles = rng.sample([g for g in given_pool if g != given], k=rng.choices([0, 1, 2], [60, 30, 10])[0])
        identity = (given, *middles, _pick_surname(rng, background))
        if identity in seen:
            continue
        seen.add(identity)
        name = " ".join(identity)
        clean.append(name)
        if rng.random() < 0.1:
            name = f"{rng.choice(TITLES)} {name}"
        roll = rng.random()
        if roll < 0.02:
            i = rng.randrange(1, len(name))
            name = name[:i] + rng.choice(INVISIBLE) + name[i:]
        elif roll < 0.04 and (spots := [i for i, ch in enumerate(name) if ch in LOOK_ALIKES]):
            i = rng.choice(spots)
            name = name[:i] + LOOK_ALIKES[name[i]] + name[i + 1 :]
        out.append(name)
    return out, clean


def typed(text: str, rng: random.Random) -> str:
    """How a searcher might type a clean name: maybe ASCII, lower case, hyphens as spaces, reordered."""
    if rng.random() < 0.6:  # typed on a UK keyboard
        if rng.random() < 0.5:
            for umlaut, spelt in (("ü", "ue"), ("ö", "oe"), ("ä", "ae"), ("Ü", "Ue"), ("Ö", "Oe"), ("Ä", "Ae")):
                text = text.replace(umlaut, spelt)
        text = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ł", "l").replace("Ł", "L"))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    if rng.random() < 0.3:
        text = text.lower()
    if rng.random() < 0.2:
        text = text.replace("-", " ")
    if rng.random() < 0.1 and len(text.split()) >= 2:
        *given, surname = text.split()
        text = f"{surname}, {' '.join(given)}"
    return text


def _index(stored: list[str], index_tokens: Callable[[str], Iterable[str]], key: bytes) -> dict[str, set[int]]:
    index: dict[str, set[int]] = defaultdict(set)
    for i, name in enumerate(stored):
        try:
            for token in index_tokens(name):
                index[blind_index(key, token)].add(i)
        except names_v2.NameQueryError:
            continue
    return index


def _found(
    query: str, query_tokens: Callable[[str], Iterable[str]], index: dict[str, set[int]], key: bytes
) -> set[int]:
    try:
        tokens = query_tokens(query)
    except names_v2.NameQueryError:
        return set()
    hits: set[int] = set()
    for token in tokens:
        hits |= index.get(blind_index(key, token), set())
    return hits


def _has_more_names(record: str, query: str) -> bool:
    """True if ``record`` is ``query`` with more middle names (the documented middle-name rule)."""
    q, r = query.split(), record.split()
    return len(r) > len(q) and q[0] == r[0] and q[-1] == r[-1] and set(q) <= set(r)


def measure(stored: list[str], clean: list[str], queries: list[str], rules: object, key: bytes) -> dict[str, float]:
    started = time.perf_counter()
    index = _index(stored, rules.index_tokens, key)  # type: ignore[attr-defined]
    n = len(stored)
    false_matches = queries_with_false = recalled = with_more_names = 0
    for i, name in enumerate(stored):
        others = _found(name, rules.query_tokens, index, key) - {i}  # type: ignore[attr-defined]
        false_matches += len(others)
        with_more_names += sum(_has_more_names(clean[j], clean[i]) for j in others)
        queries_with_false += bool(others)
        recalled += i in _found(queries[i], rules.query_tokens, index, key)  # type: ignore[attr-defined]
    return {
        "queries finding another name": queries_with_false / n,
        "other names per query": false_matches / n,
        "  of which: record has more names": with_more_names / n,
        "  of which: anything else": (false_matches - with_more_names) / n,
        "pairwise false-positive rate": false_matches / (n * (n - 1)),
        "typed query finds its own name": recalled / n,
        "tokens per name": sum(len(v) for v in index.values()) / n,
        "seconds": time.perf_counter() - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    stored, clean = generate(args.count, rng)
    queries = [typed(name, rng) for name in clean]
    key = secrets.token_bytes(32)
    results = {
        label: measure(stored, clean, queries, rules, key)
        for label, rules in (("v1", names_v1), (f"v{names_v2.NAMES_VERSION}", names_v2))
    }
    print(f"{len(stored):,} distinct generated names from {len(POOLS)} backgrounds (seed {args.seed})")
    print(f"{'measure':<34}" + "".join(f"{label:>14}" for label in results))
    for measure_name in results["v1"]:
        row = "".join(
            f"{values[measure_name]:>14.6f}" if "pairwise" in measure_name else f"{values[measure_name]:>14.4f}"
            for values in results.values()
        )
        print(f"{measure_name:<34}{row}")


if __name__ == "__main__":
    main()
