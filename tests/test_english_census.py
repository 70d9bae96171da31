"""The English census: a page in English speaks English, or this test names the string that does not.

The UI is written in Chinese (the msgids are Chinese) and has an English catalogue per app (`make messages`
compiles them). Three ways a page shows Chinese to a user who chose English, each a test here:
- a string marked for translation (a template's translate tags, gettext in Python) with no English entry;
- Chinese text in a template that is not marked at all (an element with `lang="zh-CN"` is Chinese on purpose: the
  column names an imported workbook must use, say);
- a model's verbose name, help text or choice label in plain Chinese (forms, filters, the change-history panel and
  the API's labels show them).
And one way it speaks two Englishes: a msgid that two catalogues translate differently (Django merges them, and which
one wins depends on LOCALE_PATHS and the order of INSTALLED_APPS, not on the page).
Data stays Chinese (names of streets, compounds, categories, what people typed), and so do the official documents:
the PDFs and the printed QR poster (PRINTED below).
"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.utils import translation
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "compounds", "reports", "workorders", "funding", "ratings", "staffing", "portal", "config")
HAN = re.compile(r"[\u3400-\u9fff]")

# Official documents: rendered to PDF or printed, in Chinese whatever the reader's language.
PRINTED = {
    "templates/reports/_base.html",
    "templates/reports/_chart.html",
    "templates/workorders/intake/poster.html",
    *(str(path.relative_to(ROOT)) for path in ROOT.glob("templates/*/reports/*.html")),
}

# Chinese that is right on an English page: the text, and what it is.
ALLOWED = {
    "末": "the brand's mark, a glyph in the logo (aria-hidden)",
    "中文": "the language switch names Chinese in Chinese",
}

# What templatize() writes for each marked string: gettext('…'), ngettext('…', '…', count), pgettext('…', '…').
LITERAL = r"""(?:u?'(?:[^'\\]|\\.)*'|u?"(?:[^"\\]|\\.)*")"""
MARKED = re.compile(rf"(?<![\w.])(n?p?gettext|_)\(\s*({LITERAL})\s*(?:,\s*({LITERAL}))?\s*(?:,\s*({LITERAL}))?")
TRANSLATE_TAGS = ("translate", "trans", "blocktranslate", "blocktrans")


def templates() -> list[Path]:
    found = [*ROOT.glob("templates/**/*.html")]
    for app in APPS:
        found += (ROOT / app).glob("templates/**/*.html")
    return sorted(path for path in found if str(path.relative_to(ROOT)) not in PRINTED)


def python_files() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "management" not in path.parts and path.name != "demo.py"
    )


def marked_in_template(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(function, its string arguments) of every string the template marks, as makemessages reads them."""
    found = []
    for function, *literals in MARKED.findall(templatize(path.read_text(encoding="utf-8"), origin=str(path))):
        function = "gettext" if function == "_" else function  # _("…") in a tag's or filter's argument
        found.append((function, tuple(ast.literal_eval(literal) for literal in literals if literal)))
    return found


GETTEXT_CALLS = {
    "_": "gettext",
    "gettext": "gettext",
    "gettext_lazy": "gettext",
    "ngettext": "ngettext",
    "ngettext_lazy": "ngettext",
    "pgettext": "pgettext",
    "pgettext_lazy": "pgettext",
    "npgettext": "npgettext",
    "npgettext_lazy": "npgettext",
}


def marked_in_python(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT_CALLS:
            continue
        literals = tuple(arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str))
        if literals:
            found.append((GETTEXT_CALLS[name], literals))
    return found


def untranslated(function: str, literals: tuple[str, ...]) -> str | None:
    """The Chinese msgid when English has no entry for it."""
    if function == "gettext":
        (msgid,) = literals[:1]
        english = translation.gettext(msgid)
    elif function == "ngettext":
        msgid = literals[0]
        english = translation.ngettext(literals[0], literals[1], 1) if len(literals) > 1 else msgid
    elif function == "pgettext":
        msgid = literals[1] if len(literals) > 1 else literals[0]
        english = translation.pgettext(literals[0], msgid) if len(literals) > 1 else msgid
    else:  # npgettext
        msgid = literals[1] if len(literals) > 1 else literals[0]
        english = translation.npgettext(literals[0], msgid, literals[2], 1) if len(literals) > 2 else msgid
    return msgid if HAN.search(msgid) and english == msgid else None


def test_every_string_marked_for_translation_has_its_english(english):
    missing = []
    with translation.override("en"):
        for path in templates():
            missing += [
                f"{path.relative_to(ROOT)}: {m!r}" for call in marked_in_template(path) if (m := untranslated(*call))
            ]
        for path in python_files():
            missing += [
                f"{path.relative_to(ROOT)}: {m!r}" for call in marked_in_python(path) if (m := untranslated(*call))
            ]
    assert not missing, f"{len(missing)} marked strings have no English entry:\n" + "\n".join(sorted(set(missing)))


def unmarked_in_template(path: Path) -> list[str]:
    """Chinese page text outside translate tags: text, and string literals in variables and tags that are not
    `_("…")`. Comments are not page text."""
    relative = str(path.relative_to(ROOT))
    found, skipping = [], None
    for token in Lexer(path.read_text(encoding="utf-8")).tokenize():
        contents = token.contents
        if token.token_type == TokenType.BLOCK:
            tag = contents.split(maxsplit=1)[0] if contents else ""
            if skipping:
                if tag == skipping:
                    skipping = None
                continue
            if tag in ("blocktranslate", "blocktrans"):
                skipping = f"end{tag}"
                continue
            if tag == "comment":
                skipping = "endcomment"
                continue
            if tag in TRANSLATE_TAGS or tag in ("if", "elif"):  # a condition's literals are compared, not shown
                continue
        elif skipping or token.token_type == TokenType.COMMENT:
            continue
        if token.token_type in (TokenType.VAR, TokenType.BLOCK):
            contents = re.sub(rf"_\(\s*{LITERAL}\s*\)", "", contents)  # _("…") is marked
        for match in re.finditer(r"[\u3400-\u9fff][^<>{}\n]*", contents):
            opening = contents[contents.rfind("<", 0, match.start()) : match.start()]
            if 'lang="zh' in opening and ">" in opening:
                continue  # an element marked as Chinese on purpose: a name a file or a form must use, say
            if match.group().strip() not in ALLOWED:
                line = token.lineno + contents[: match.start()].count("\n")
                found.append(f"{relative}:{line}: {match.group().strip()[:40]!r}")
    return found


def test_templates_have_no_unmarked_chinese():
    found = [line for path in templates() for line in unmarked_in_template(path)]
    assert not found, f"{len(found)} pieces of Chinese page text are not marked for translation:\n" + "\n".join(found)


def model_texts(model) -> list[tuple[str, object]]:
    """What of a model a page shows by its name: the model's names, its fields' verbose names, help texts and
    choice labels."""
    texts = [("verbose_name", model._meta.verbose_name), ("verbose_name_plural", model._meta.verbose_name_plural)]
    for field in model._meta.get_fields():
        if field.auto_created and not field.concrete:
            continue
        texts += [
            (f"{field.name}.verbose_name", getattr(field, "verbose_name", "")),
            (f"{field.name}.help_text", getattr(field, "help_text", "")),
        ]
        for value, label in getattr(field, "flatchoices", None) or []:
            texts.append((f"{field.name}={value}", label))
    return texts


@pytest.mark.parametrize("app_label", [app for app in APPS if app != "config"])
def test_model_names_and_choices_read_in_english(app_label, english):
    untranslated_texts = []
    with translation.override("en"):
        for model in apps.get_app_config(app_label).get_models():
            if model.__module__.startswith("pghistory") or model.__name__.endswith("Event"):
                continue  # the history's copies carry the tracked model's (lazy) names
            untranslated_texts += [
                f"{model.__name__}.{where}: {str(text)!r}"
                for where, text in model_texts(model)
                if HAN.search(str(text))
            ]
    assert not untranslated_texts, f"{len(untranslated_texts)} names shown in Chinese on English pages:\n" + "\n".join(
        untranslated_texts
    )


def catalogue(path: Path) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) → msgstr of a .po file (a plural entry by its singular and first form, apart)."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):

        def field(name: str, block: str = block) -> str | None:
            found = re.search(rf'^{name} ((?:".*"\n?)+)', block + "\n", re.MULTILINE)
            return "".join(re.findall(r'"(.*)"', found.group(1))) if found else None

        msgid = field("msgid")
        if msgid and field("msgid_plural") is not None:  # ngettext's entry: not the one gettext reads
            entries[(field("msgctxt"), f"{msgid} (plural)")] = field(r"msgstr\[0\]") or ""
        elif msgid:
            entries[(field("msgctxt"), msgid)] = field("msgstr") or ""
    return entries


def test_no_msgid_has_two_englishes():
    translations: dict[tuple[str | None, str], dict[str, str]] = {}
    for path in sorted([*ROOT.glob("*/locale/en/LC_MESSAGES/django.po"), ROOT / "locale/en/LC_MESSAGES/django.po"]):
        for key, english in catalogue(path).items():
            translations.setdefault(key, {})[str(path.relative_to(ROOT))] = english
    differing = {key: where for key, where in translations.items() if len(set(where.values())) > 1}
    assert not differing, "\n".join(f"{key}: {where}" for key, where in differing.items())
