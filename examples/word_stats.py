"""Bundled example for `npm run demo`: three small workloads of different kinds, no numpy needed.

    count_words   pure-Python text processing: holds the GIL (processes help, threads do not)
    compress      zlib on a large buffer: C code that releases the GIL (threads help)
    slow_lookup   waits on a (simulated) remote service: I/O-bound (many threads or asyncio help)
"""
import random
import time
import zlib

WORDS = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do"]


def make_text(seed, words=120_000):
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(words))


def count_words(seed=0):
    counts = {}
    for word in make_text(seed).split():
        counts[word] = counts.get(word, 0) + 1
    return sorted(counts.items())


PAYLOAD = random.Random(1).randbytes(1 << 18) * 8  # 2 MiB that zlib cannot shrink much


def compress(level=6):
    return len(zlib.compress(PAYLOAD, level))


def slow_lookup(key=0):
    time.sleep(0.1)  # stands for a network round trip
    return key * 2


if __name__ == "__main__":
    print(len(count_words()), compress(), slow_lookup(21))
