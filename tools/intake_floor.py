#!/usr/bin/env python3
"""The floor under `himaya bench intake` on SQLite (docs/decisions/0011-speed.md).

Writes only the rows an intake must write for a million registrations (each person with its
unique CIN index and its look-alike index, its outcome, its activity, its outbox event), with
synchronous=FULL and one transaction per chunk, and nothing else: no parsing, no checks, no
lookups, no Kafka. Prints that time beside a raw insert of the same rows in one transaction,
measured in the same run, as a ratio (the same ratio the benchmark prints).

    tools/intake_floor.py --chunk=5000            # all four tables
    tools/intake_floor.py --chunk=5000 --outbox-row-per-chunk
    tools/intake_floor.py --chunk=1000000 --persons-only
    tools/intake_floor.py --chunk=5000 --synchronous=NORMAL   # what durability costs here

The tables mirror registration's and the events library's migrations (their columns and
indexes); a change there should be carried here.
"""
import argparse
import os
import random
import sqlite3
import string
import tempfile
import time


def connect(path, synchronous):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute('PRAGMA journal_mode = WAL')
    db.execute(f'PRAGMA synchronous = {synchronous}')
    db.execute('PRAGMA cache_size = -65536')
    return db


def people(n):
    rng = random.Random(42)
    letters = lambda k: ''.join(rng.choices(string.ascii_uppercase, k=k))
    for i in range(n):
        yield (str(10000001 + i), f'{letters(2)}{rng.randint(100000, 999999)}{i}', letters(8), letters(7),
               f'{rng.randint(1950, 2005):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}',
               rng.choice('MF'), f'06{rng.randint(10000000, 99999999)}', 'Rabat', 'fr', 'amo-tns', 'AGRI',
               f'{letters(8)} {letters(7)}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--records', type=int, default=1000000)
    parser.add_argument('--chunk', type=int, default=5000, help='rows per transaction')
    parser.add_argument('--persons-only', action='store_true')
    parser.add_argument('--outbox-row-per-chunk', action='store_true',
                        help="one outbox row holding a chunk's events, rather than one row an event")
    parser.add_argument('--synchronous', choices=['FULL', 'NORMAL', 'OFF'], default='FULL',
                        help="the floor's SQLite synchronous setting (the raw insert keeps FULL)")
    args = parser.parse_args()
    if args.records < 1 or args.chunk < 1:
        parser.error('--records and --chunk: at least 1')
    rows = list(people(args.records))
    with tempfile.TemporaryDirectory(prefix='himaya-floor-') as tmp:
        raw = connect(os.path.join(tmp, 'raw.db'), 'FULL')
        raw.execute('CREATE TABLE raw_rows (n BIGINT PRIMARY KEY, ' + ', '.join(f'c{i} TEXT' for i in range(12)) + ')')
        start = time.monotonic()
        raw.execute('BEGIN')
        raw.executemany('INSERT INTO raw_rows VALUES (?' + ', ?' * 12 + ')', ((i,) + r for i, r in enumerate(rows)))
        raw.execute('COMMIT')
        raw_seconds = time.monotonic() - start

        db = connect(os.path.join(tmp, 'floor.db'), args.synchronous)
        db.executescript('''
          CREATE TABLE persons (registration_number TEXT PRIMARY KEY, cin TEXT NOT NULL UNIQUE,
            last_name TEXT NOT NULL, first_name TEXT NOT NULL, birth_date TEXT NOT NULL, sex TEXT NOT NULL,
            phone TEXT, city TEXT, preferred_language TEXT NOT NULL, program TEXT NOT NULL, category TEXT,
            name_key TEXT);
          CREATE INDEX persons_lookalike ON persons (birth_date, sex, name_key);
          CREATE TABLE batch_outcomes (batch_key TEXT NOT NULL, row_number BIGINT NOT NULL, record_id TEXT,
            outcome TEXT NOT NULL, registration_number TEXT, reasons TEXT, PRIMARY KEY (batch_key, row_number));
          CREATE TABLE activities (registration_number TEXT NOT NULL, program TEXT NOT NULL, category TEXT,
            liaison_body TEXT, professional_id TEXT, batch_key TEXT, recorded_at_us BIGINT NOT NULL);
          CREATE INDEX activities_by_person ON activities (registration_number);
          CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, topic TEXT NOT NULL,
            message_key TEXT NOT NULL, payload BLOB NOT NULL, created_at_us INTEGER NOT NULL,
            published_at_us INTEGER);
          CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at_us IS NULL;
        ''')
        key = 'MAPMDREF/BATCH-000001'
        payload = os.urandom(350)  # about a PersonRegistered envelope
        start = time.monotonic()
        for at in range(0, len(rows), args.chunk):
            chunk = rows[at:at + args.chunk]
            db.execute('BEGIN')
            db.executemany('INSERT INTO persons VALUES (?' + ', ?' * 11 + ')', chunk)
            if not args.persons_only:
                db.executemany('INSERT INTO batch_outcomes VALUES (?, ?, ?, ?, ?, NULL)',
                               ((key, at + j, f'R{at + j}', 'REGISTERED', r[0]) for j, r in enumerate(chunk)))
                db.executemany('INSERT INTO activities VALUES (?, ?, ?, ?, NULL, ?, 0)',
                               ((r[0], r[9], r[10], 'MAPMDREF', key) for r in chunk))
                outbox = ('INSERT INTO outbox (event_id, topic, message_key, payload, created_at_us) '
                          'VALUES (?, ?, ?, ?, 0)')
                if args.outbox_row_per_chunk:
                    db.execute(outbox, (f'{at:032x}', 'registration.amo-tns', '', payload * len(chunk)))
                else:
                    db.executemany(outbox, ((f'{at + j:032x}', 'registration.amo-tns', r[0], payload)
                                            for j, r in enumerate(chunk)))
            db.execute('COMMIT')
        floor_seconds = time.monotonic() - start
    what = 'persons' if args.persons_only else 'persons, outcomes, activities, events'
    if args.outbox_row_per_chunk and not args.persons_only:
        what += ' (one outbox row a chunk)'
    if args.synchronous != 'FULL':
        what += f', synchronous={args.synchronous}'
    print(f'floor: {args.records} rows ({what}) in transactions of {args.chunk}: {floor_seconds:.1f} s; '
          f'raw insert {raw_seconds:.2f} s; ratio {raw_seconds / floor_seconds:.3f}')


if __name__ == '__main__':
    main()
