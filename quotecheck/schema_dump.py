"""Write db/schema.sql, the readable schema of a fresh store: `python -m quotecheck.schema_dump`."""

from __future__ import annotations

import sys
from pathlib import Path

from .store import Store

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "db" / "schema.sql"


def fresh_schema() -> str:
    store = Store.open(":memory:")
    try:
        return store.schema_sql()
    finally:
        store.close()


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else SCHEMA_FILE
    target.write_text(fresh_schema(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
