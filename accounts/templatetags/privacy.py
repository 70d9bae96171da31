"""Masking in templates (pages and PDFs) with accounts.privacy's rule:

{% load privacy %}{{ order.description|masked_text }} {{ person.phone|masked_phone }} {{ person.full_name|masked_name }}
"""

from django import template

from accounts.privacy import mask_name, mask_phone, mask_text

register = template.Library()
register.filter("masked_text", mask_text)
register.filter("masked_phone", mask_phone)
register.filter("masked_name", mask_name)
