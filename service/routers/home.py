"""GET / — a minimal page saying the service runs (the real pages live in routers/pages.py)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(tags=["pages"])

_PAGE = """<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>tsunagu（つなぐ）</title></head>
<body><h1>tsunagu（つなぐ）</h1>
<p>tsunagu は動いています。API の説明は <a href="/docs">/docs</a> にあります。</p>
<p>tsunagu is running. See <a href="/docs">/docs</a> for the API.</p>
</body></html>
"""


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def home() -> HTMLResponse:
    return HTMLResponse(_PAGE)
