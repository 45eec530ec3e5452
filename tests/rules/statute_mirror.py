"""Reading the statute mirror (/work/shared/domain/statutes/) in the rule tests: articles with their 款 and 项,
the normalised text, and the articles a ``source`` string cites, so each VERIFIED-PRIMARY row can be checked
against the law it names."""

import re
from pathlib import Path

import pytest

_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九")}
NUM = "[一二三四五六七八九十百零]+"
REF = re.compile(rf"(第{NUM}条)(?:第({NUM})款)?(?:第（({NUM})）项)?")
_HEADING = re.compile(rf"(第{NUM}条)\s")


def cn(text: str) -> int:
    """Chinese numerals 1–999 to int."""
    total, hundreds = 0, text.partition("百")
    if hundreds[1]:
        total += (_DIGITS[hundreds[0]] if hundreds[0] else 1) * 100
        text = hundreds[2].lstrip("零")
    if not text:
        return total
    if "十" not in text:
        return total + _DIGITS[text]
    tens, _, ones = text.partition("十")
    return total + (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def normalise(text: str) -> str:
    """Whitespace removed; half-width brackets as full-width (the 条例 mirror writes 「(一)」, the others
    「（一）」)."""
    return re.sub(r"\s", "", text).replace("(", "（").replace(")", "）")


def parse_statute(path: Path) -> dict[str, list[int]]:
    """{'第六十四条': [items in paragraph 1, items in paragraph 2, …]} from a mirrored statute."""
    articles: dict[str, list[int]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("<!--"):
            continue
        if line.startswith("#"):
            current = None
            continue
        m = _HEADING.match(line)
        if m:
            current = m.group(1)
            assert current not in articles, f"article {current} twice"
            articles[current] = [0]
        elif current is None:
            continue
        elif line.startswith(("（", "(")):
            articles[current][-1] += 1
        else:
            articles[current].append(0)
    return articles


def load_mirror(laws: dict[str, str]) -> dict[str, tuple[dict[str, list[int]], str]]:
    """{law: (articles, normalised text)}; skips the test when a mirrored file is absent."""
    out = {}
    for law, path in laws.items():
        path = Path(path)
        if not path.exists():
            pytest.skip(f"statute mirror absent: {path}")
        out[law] = (parse_statute(path), normalise(path.read_text(encoding="utf-8")))
    return out


def citations(source: str, laws) -> list[tuple[str, str, str | None, str | None]]:
    """[(law, article, paragraph, item)] for every article of a mirrored law cited in ``source``."""
    out = []
    for law in laws:
        for m in re.finditer(re.escape(law), source):
            segment = re.split("[《；]", source[m.end() :], maxsplit=1)[0]
            out.extend((law, *ref.groups()) for ref in REF.finditer(segment))
    return out


def assert_cited_articles_exist(code: str, source: str, mirror, laws) -> None:
    """Each article, 款 and 项 that ``source`` cites exists in the mirrored law."""
    for law, article, paragraph, item in citations(source, laws):
        articles = mirror[law][0]
        assert article in articles, f"{code}: {law}{article} is not in the mirror"
        paragraphs = articles[article]
        if paragraph:
            assert cn(paragraph) <= len(paragraphs), f"{code}: {law}{article} has {len(paragraphs)} 款"
        if item:
            items = paragraphs[cn(paragraph) - 1] if paragraph else sum(paragraphs)
            assert cn(item) <= items, f"{code}: {law}{article} has no 第（{item}）项"


def assert_quotes_in_mirror(code: str, source: str, note: str, mirror, laws) -> None:
    """The note quotes something, and every 「quote」 is in the text of a law the source names."""
    texts = [mirror[law][1] for law in laws if law in source]
    quotes = re.findall("「(.+?)」", note)
    assert quotes, f"{code}: note quotes nothing"
    for quote in quotes:
        assert any(normalise(quote) in text for text in texts), (
            f"{code}: 「{quote}」 not found in the cited mirror text"
        )
