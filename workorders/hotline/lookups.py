"""Finding a district's compound and category from what an outside platform writes: a code or a name.

Used by the 12345 intake and by Open311. One index is built per district and reused for every row of an
import (a district has some hundreds of compounds and a few dozen categories)."""

from __future__ import annotations

import re
from collections import defaultdict

from django.core.exceptions import ValidationError

from compounds.models import Compound, District
from workorders.models import Category

COMPOUND_CODE = re.compile(r"^\d{15}$")
COMPOUND_CODE_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{15}(?![0-9])")
# A 12345 category is often a path such as "城市管理/楼道堆物" or "城建-路灯照明".
CATEGORY_SEPARATORS = re.compile(r"[/／\\>＞\-－—|｜]+")


class CompoundIndex:
    """The district's compounds by code and by name. `find` matches, in order: a 15-digit compound code,
    the exact name, or the longest compound name that the text starts with ("翠苑小区3号楼2单元")."""

    def __init__(self, district: District) -> None:
        self.district = district
        self.by_code: dict[str, Compound] = {}
        self.by_name: dict[str, list[Compound]] = defaultdict(list)
        for compound in Compound.objects.filter(district=district).select_related("community__street"):
            self.by_code[compound.code] = compound
            self.by_name[compound.name].append(compound)
        self.names_longest_first = sorted(self.by_name, key=len, reverse=True)

    def find(self, text: str, *, field: str = "compound") -> Compound:
        text = (text or "").strip()
        if not text:
            raise ValidationError({field: "请填写小区名称或小区编码。"}, code="compound_required")
        if COMPOUND_CODE.match(text):
            compound = self.by_code.get(text)
            if compound is None:
                raise ValidationError({field: f"本区没有编码为“{text}”的小区。"}, code="compound_unknown")
            return compound
        name = text if text in self.by_name else next((n for n in self.names_longest_first if text.startswith(n)), None)
        if name is None:
            raise ValidationError(
                {field: f"在{self.district.name}找不到小区“{text}”：请填写本区小区的名称或 15 位小区编码。"},
                code="compound_unknown",
            )
        matches = self.by_name[name]
        if len(matches) > 1:
            raise ValidationError(
                {field: f"{self.district.name}有 {len(matches)} 个名为“{name}”的小区，请改填小区编码。"},
                code="compound_ambiguous",
            )
        return matches[0]

    def find_in_text(self, text: str) -> Compound | None:
        """The compound whose code, or else whose longest unambiguous name, appears anywhere in `text` (spaces
        ignored): "西安市长安区 翠苑小区 东门" or an address as Open311 writes it. None when nothing fits."""
        squeezed = "".join((text or "").split())
        for code in COMPOUND_CODE_IN_TEXT.findall(squeezed):
            if code in self.by_code:
                return self.by_code[code]
        for name in self.names_longest_first:
            if "".join(name.split()) in squeezed and len(self.by_name[name]) == 1:
                return self.by_name[name][0]
        return None


class CategoryIndex:
    """The district's active categories by code and by name; a path ("城市管理/楼道堆物") matches on its
    most specific part that is a category."""

    def __init__(self, district: District) -> None:
        self.district = district
        self.by_key: dict[str, Category] = {}
        for category in Category.objects.filter(district=district, is_active=True).select_related("urgency"):
            self.by_key.setdefault(category.code, category)
            self.by_key.setdefault(category.name, category)

    def find(self, text: str, *, field: str = "category") -> Category:
        text = (text or "").strip()
        if not text:
            raise ValidationError({field: "请填写诉求类别。"}, code="category_required")
        category = self.by_key.get(text)
        if category is None:
            parts = [p.strip() for p in CATEGORY_SEPARATORS.split(text) if p.strip()]
            category = next((self.by_key[p] for p in reversed(parts) if p in self.by_key), None)
        if category is None:
            raise ValidationError(
                {field: f"诉求类别“{text}”在{self.district.name}不存在或已停用：请填写本区诉求类别的名称或编码。"},
                code="category_unknown",
            )
        return category
