"""Peer of a no-change ``scholar refresh``: one /author/batch and a comparison.

What a user who can write a script would do to learn whether any tracked person changed:
read the tracked ids and the counts stored at the last refresh from scholar's SQLite
cache, ask S2 for every id's paperCount and citationCount in one POST per 1,000 ids,
and print the ids whose counts differ. It writes nothing.

Run:  python benchmarks/peers/refresh_one_batch.py CACHE.sqlite3 S2_URL
"""

from __future__ import annotations

import json
import sqlite3
import sys

import requests


def main() -> None:
    cache, s2_url = sys.argv[1], sys.argv[2].rstrip("/")
    with sqlite3.connect(cache) as conn:
        ids = sorted(
            {
                i
                for (row,) in conn.execute("SELECT author_ids FROM tracked")
                for i in json.loads(row)
            }
        )
        stored = {
            a: (p, c)
            for a, p, c in conn.execute(
                "SELECT author_id, paper_count, citation_count FROM refresh_counts"
            )
        }
    changed = []
    with requests.Session() as session:
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            answer = session.post(
                f"{s2_url}/author/batch",
                params={"fields": "paperCount,citationCount"},
                json={"ids": chunk},
                timeout=60,
            )
            answer.raise_for_status()
            for author_id, author in zip(chunk, answer.json(), strict=True):
                now = (author["paperCount"], author["citationCount"]) if author else None
                if now != stored.get(author_id):
                    changed.append(author_id)
    print(f"{len(changed)} of {len(ids)} changed")


if __name__ == "__main__":
    main()
