"""PDF reports rendered with WeasyPrint from templates/ratings/reports/ (Noto Sans CJK SC, lang zh-CN)."""
